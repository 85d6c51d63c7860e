#!/usr/bin/env python3
"""Pathological inputs (after cmark's pathological tests): each must end with exit 1 and a
diagnostic, never hang or crash. The time each takes is printed for information, never asserted:
speed belongs to the benchmark, and CI machines are busy. HANG_GUARD_S only catches a hang.
usage: pathological.py CALPRESS SOURCE_DIR"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks, run_in_tmp  # noqa: E402
from sample import sample_copy  # noqa: E402

HANG_GUARD_S = 150


def main():
    calpress, src = sys.argv[1], os.path.abspath(sys.argv[2])
    chk = Checks("manifest/pathological")
    tmp, stories = sample_copy(src, "calpress-patho-")
    def body(tmp):
        base = open(os.path.join(stories, "calendar.yaml"), encoding="utf-8").read()
        neha = open(os.path.join(stories, "neha.yaml"), encoding="utf-8").read()
        cases = {}
        words = " ".join(f"word{i}" for i in range(300000))
        cases["huge-body"] = ("neha.yaml", neha.split("body: |")[0] + "body: |\n  " + words +
                              "\nphoto: photos/neha.jpg\n", "'body' is")
        cases["huge-scalar-key"] = ("calendar.yaml", base + "x" * 5_000_000 + ": 1\n",
                                    "could not find expected ':'")
        cases["huge-scalar-value"] = ("calendar.yaml", base.replace(
            "title: Champions of Hope", "title: " + "x" * 5_000_000), "bytes long")
        cases["many-holidays"] = ("calendar.yaml", base.replace(
            "holidays:\n", "holidays:\n" + "".join(
                f"  - date: 2021-03-{1 + i % 28:02d}\n    name: H{i}\n" for i in range(20000))),
            "do not fit frame 'holidays'")
        cases["deep-flow"] = ("calendar.yaml", base + "deep: " + "[" * 100000 + "]" * 100000 + "\n",
                              "nesting deeper than 64 levels")
        # 3000 levels: 9 MB, under the 16 MiB calpress reads from a YAML file.
        cases["deep-block"] = ("calendar.yaml", base + "".join(
            "  " * i + f"k{i}:\n" for i in range(3000)), "nesting deeper than 64 levels")
        cases["alias-bomb"] = ("calendar.yaml", base + "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
                               "as an alias")
        # Legal but huge values (issue 8, item 9): the copy-fit search is bounded whatever the size,
        # and a word wider than the column is named as such, not counted as words to cut.
        cases["huge-size"] = ("calendar.yaml", base + "layout_overrides:\n  styles:\n"
                              "    body: {size: 400pt, leading: 420pt, min_size: 10pt}\n"
                              "    quote: {size: 400pt, leading: 420pt}\n",
                              "15/16    14.75pt   ~9 words  shrunk from 400.00pt", 0)
        long_word = neha.split("body: |\n")
        cases["huge-word"] = ("neha.yaml", long_word[0] + "body: |\n  " + "x" * 12000 + "\n" +
                              long_word[1], "it has a word of 12000 characters ('xxxxxxxxxxxxxxxxxxxxxxxx"
                              "...'), wider than the column even at 10pt; break it with spaces or cut it")
        for name, (file, text, expect, *status) in cases.items():
            want_rc = status[0] if status else 1
            d = os.path.join(tmp, name)
            shutil.copytree(stories, d, symlinks=True)
            with open(os.path.join(d, file), "w", encoding="utf-8") as f:
                f.write(text)
            start = time.monotonic()
            try:
                r = subprocess.run([calpress, "check", "calendar.yaml"], cwd=d, capture_output=True,
                                   text=True, timeout=HANG_GUARD_S)
                took = time.monotonic() - start
                ok = r.returncode == want_rc and expect in r.stdout + r.stderr
                why = f"exit {r.returncode}, {took:.2f} s, stderr {r.stderr[:300]!r}"
            except subprocess.TimeoutExpired:
                ok, why = False, f"no answer after {HANG_GUARD_S} s: a hang"
            chk.ok(ok, f"{name}: {time.monotonic() - start:.2f} s", why)

    return run_in_tmp(chk.name, chk, body, tmp=tmp)


if __name__ == "__main__":
    sys.exit(main())
