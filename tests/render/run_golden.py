#!/usr/bin/env python3
"""Render golden test: `calpress preview` draws pages through the render layer at a fixed dpi;
each named page is compared with tests/render/golden/ by pngdiff (largest channel difference
with a per-page limit). On failure the actual image and a diff image are kept and named.

usage: run_golden.py CALPRESS PNGDIFF SOURCE_DIR [--regenerate]
"""
import os
import shutil
import subprocess
import sys
import tempfile

DPI = 30
# page image -> largest channel difference allowed (anti-aliasing differences across builds)
CASES = {
    "calendar-01.png": 48,       # cover: photo, band, title
    "calendar-02.png": 48,       # January: photo, story, grid, holidays
    "calendar-14.png": 48,       # back: about, credits, year at a glance
    "press-release-1.png": 48,   # press release, first page
}


def main():
    calpress, pngdiff, src = sys.argv[1:4]
    regenerate = "--regenerate" in sys.argv
    golden = os.path.join(src, "tests", "render", "golden")
    out = tempfile.mkdtemp(prefix="calpress-render-")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1607904000")
    r = subprocess.run([calpress, "preview", os.path.join(src, "stories", "calendar.yaml"),
                        "-o", out, "--dpi", str(DPI)], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        print(r.stderr)
        print("render/golden: 0 passed, 1 failed")
        return 1
    passed = failed = 0
    for name, limit in CASES.items():
        actual = os.path.join(out, name)
        expected = os.path.join(golden, name)
        if regenerate:
            shutil.copyfile(actual, expected)
            print(f"regenerated {expected}: look at it before committing")
            continue
        diff = os.path.join(out, "diff-" + name)
        r = subprocess.run([pngdiff, expected, actual, str(limit), diff],
                           capture_output=True, text=True)
        sys.stdout.write(r.stdout + r.stderr)
        if r.returncode == 0:
            passed += 1
        else:
            failed += 1
            print(f"  actual: {actual}\n  diff:   {diff}")
    if not failed:
        shutil.rmtree(out)
    print(f"render/golden: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
