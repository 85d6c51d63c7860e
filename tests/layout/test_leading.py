#!/usr/bin/env python3
"""Copy-fit with a leading range: a body frame a little too short for twelve lines at 15 pt
leading fits with tighter leading (min_leading) at the full size, and check says so; without
min_leading the same frame shrinks the type instead. usage: test_leading.py CALPRESS SOURCE_DIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def check(calpress, d, extra):
    text = open(os.path.join(d, "calendar.yaml"), encoding="utf-8").read().split(
        "layout_overrides:")[0]
    with open(os.path.join(d, "calendar.yaml"), "w", encoding="utf-8") as f:
        f.write(text + extra)
    r = subprocess.run([calpress, "check", "calendar.yaml"], cwd=d, capture_output=True, text=True)
    row = next((l for l in r.stdout.splitlines() if re.match(r"January\s+body\s", l)), "")
    return r.returncode, row


def main():
    calpress, src = sys.argv[1], os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="calpress-leading-")
    d = os.path.join(tmp, "s")
    shutil.copytree(os.path.join(src, "stories"), d, ignore=shutil.ignore_patterns("photos"))
    os.symlink(os.path.join(src, "stories", "photos"), os.path.join(d, "photos"))
    frame = ("  frames:\n    month:\n"
             "      body: {x: 18mm, y: 310mm, width: 105.83mm, height: 61mm, follows: ~}\n")
    passed = failed = 0
    rc, row = check(calpress, d, "layout_overrides:\n  styles:\n    body:\n      min_leading: 14pt\n"
                    + frame)
    ok = rc == 0 and "11.00pt" in row and re.search(r"leading 14\.\d\dpt \(from 15\.00pt\)", row)
    print(("ok   " if ok else "FAIL ") + "min_leading tightens the leading, size kept: " + row)
    passed += bool(ok)
    failed += not ok
    rc, row = check(calpress, d, "layout_overrides:\n" + frame)
    ok = rc == 0 and "shrunk from 11.00pt" in row and "leading" not in row
    print(("ok   " if ok else "FAIL ") + "without min_leading the size shrinks instead: " + row)
    passed += bool(ok)
    failed += not ok
    if not failed:
        shutil.rmtree(tmp)
    print(f"layout/leading: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
