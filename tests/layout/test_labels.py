#!/usr/bin/env python3
"""The layout key labels: (documented in docs/layouts.md) works in layout_overrides: the words
calpress prints itself come out in the designer's words, and an unknown label is an error at its
line. usage: test_labels.py CALPRESS SOURCE_DIR"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402


def check(calpress, d, extra):
    path = os.path.join(d, "calendar.yaml")
    text = open(path, encoding="utf-8").read().split("layout_overrides:")[0]
    if "  photo_credit: Studio" not in text:
        text = text.replace("cover:\n", "cover:\n  photo_credit: Studio credit\n", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + extra)
    return subprocess.run([calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d,
                          capture_output=True, text=True), text.count("\n")


def main(chk, setup):
    calpress, d = setup.calpress, setup.stories
    r, _ = check(calpress, d, "layout_overrides:\n  photo_credits: back\n  labels:\n"
                 "    photographs: Fotografías\n    observance: Gedenktag\n    cover: Portada\n")
    chk.ok(r.returncode == 0, "labels in layout_overrides are accepted", r.stderr[-2000:])
    chk.ok(re.search(r'^  credits text .* "Fotografías"$', r.stdout, re.M),
           "the back's credits heading says 'Fotografías'")
    chk.ok(re.search(r'^  credits text .* "Studio credit: Portada"$', r.stdout, re.M),
           "the cover is called 'Portada' in the credits")
    chk.ok(re.search(r'^  holiday text .* "International Women’s Day \(Gedenktag\)"$', r.stdout,
                     re.M), "an observance is marked '(Gedenktag)'")
    chk.ok("Photographs" not in r.stdout and "(observance)" not in r.stdout,
           "the English defaults are gone")
    r, n = check(calpress, d, "layout_overrides:\n  labels:\n    photograph: Fotos\n")
    want = f"calendar.yaml:{n + 3}:5: error: unknown key 'photograph' in labels"
    chk.ok(r.returncode == 1 and want in r.stderr, f"an unknown label: {want}", r.stderr)
if __name__ == "__main__":
    sys.exit(run_checks("layout/labels", main, copy="calpress-labels-"))
