#!/usr/bin/env python3
"""Copy-fit with a leading range: a body frame a little too short for twelve lines at 15 pt
leading fits with tighter leading (min_leading) at the full size, and check says so; without
min_leading the same frame shrinks the type instead. usage: test_leading.py CALPRESS SOURCE_DIR"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402


def check(calpress, d, extra):
    text = open(os.path.join(d, "calendar.yaml"), encoding="utf-8").read().split(
        "layout_overrides:")[0]
    with open(os.path.join(d, "calendar.yaml"), "w", encoding="utf-8") as f:
        f.write(text + extra)
    r = subprocess.run([calpress, "check", "calendar.yaml"], cwd=d, capture_output=True, text=True)
    row = next((l for l in r.stdout.splitlines() if re.match(r"January\s+body\s", l)), "")
    return r.returncode, row


def main(chk, setup):
    calpress, d = setup.calpress, setup.stories
    frame = ("  frames:\n    month:\n"
             "      body: {x: 18mm, y: 310mm, width: 105.83mm, height: 61mm, follows: ~}\n")
    rc, row = check(calpress, d, "layout_overrides:\n  styles:\n    body:\n      min_leading: 14pt\n"
                    + frame)
    chk.ok(rc == 0 and "11.00pt" in row and re.search(r"leading 14\.\d\dpt \(from 15\.00pt\)", row),
           "min_leading tightens the leading, size kept: " + row)
    rc, row = check(calpress, d, "layout_overrides:\n" + frame)
    chk.ok(rc == 0 and "shrunk from 11.00pt" in row and "leading" not in row,
           "without min_leading the size shrinks instead: " + row)
if __name__ == "__main__":
    sys.exit(run_checks("layout/leading", main, copy="calpress-leading-"))
