#!/usr/bin/env python3
"""Random copy through the whole layout: story bodies, quotes, headlines and a press-release body
assembled from awkward pieces (markup characters, soft hyphens, line separators, unbreakable
runs, Bengali, Devanagari, emoji, combining marks) must end in exit 0 or 1, never a crash, a
sanitizer report or a GLib warning. Seeds are fixed, so a failure repeats.
usage: test_random_copy.py CALPRESS SOURCE_DIR [ROUNDS]"""
import os
import random
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402

PIECES = ["word", "supercalifragilisticexpialidocious" * 3, "*", "**", "_", "`code`", "<b>",
          "&amp;", "\\", "\n\n", "  \n", "\u2028", "\u00ad", "-", "--", "---", "...", "\"", "'",
          "নেহা", "পরিবর্তন", "नमस्ते", "\t", "# ", "- ", "1. ", "> ", "[link](http://x)",
          "a-b-c-d", "x" * 400, " ", " ", " ", "\u00a0", "\u200b", "—", "ﬁ", "e\u0301"]


def yq(t):
    return '"' + t.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace(
        "\t", "\\t") + '"'


def text(rng, lo, hi, emoji=False):
    # An emoji is an error (no listed font has it): only some rounds, or little gets laid out.
    pieces = PIECES + ["😀"] if emoji else PIECES
    return "".join(rng.choice(pieces) + rng.choice(["", " ", " "])
                   for _ in range(rng.randint(lo, hi)))


def main(chk, setup):
    calpress, tmp, d = setup.calpress, setup.tmp, setup.stories
    rounds = int(setup.args[0]) if setup.args else 8
    press_head = open(os.path.join(d, "press-release.yaml"), encoding="utf-8").read().split(
        "body: |")[0]
    for seed in range(rounds):
        rng = random.Random(seed)
        story = (f"month: 1\nname: {yq(rng.choice(['Neha', 'নেহা', 'N' * 60, '*x*']))}\n"
                 f"pseudonym: true\nheadline: {yq(text(rng, 1, 6))}\n"
                 f"quote: {yq(text(rng, 0, 12))}\nbody: {yq(text(rng, 1, 120, seed % 4 == 3))}\n"
                 "photo: photos/neha.jpg\n")
        with open(os.path.join(d, "neha.yaml"), "w", encoding="utf-8") as f:
            f.write(story)
        with open(os.path.join(d, "press-release.yaml"), "w", encoding="utf-8") as f:
            f.write(press_head + "body: " + yq(text(rng, 1, 400)) + "\nfootnote: " +
                    yq(text(rng, 0, 8)) + "\n")
        r = subprocess.run([calpress, "check", "calendar.yaml"], cwd=d, capture_output=True,
                           text=True, timeout=1000)
        clean = not any(s in r.stderr for s in ("Sanitizer", "runtime error", "CRITICAL",
                                                "WARNING **"))
        if not chk.ok(r.returncode in (0, 1) and clean,
                      f"seed {seed}: exit {r.returncode}, no crash or sanitizer report",
                      r.stderr[-2000:]):
            shutil.copyfile(os.path.join(d, "neha.yaml"), os.path.join(tmp, f"neha-{seed}.yaml"))
if __name__ == "__main__":
    sys.exit(run_checks("layout/random-copy", main, copy="calpress-random-"))
