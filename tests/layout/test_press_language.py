#!/usr/bin/env python3
"""The press release's own language: a Bengali calendar whose press release says
'language: en' dates the release in English ('14 December 2020'), while the calendar's pages
keep Bengali names; without it the release inherits Bengali ('১৪ ডিসেম্বর ২০২০').
usage: test_press_language.py CALPRESS SOURCE_DIR"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402


def letterhead(calpress, manifest):
    r = subprocess.run([calpress, "check", os.path.basename(manifest), "--dump-layout", "-"],
                       cwd=os.path.dirname(manifest), capture_output=True, text=True)
    return r.returncode, [l for l in r.stdout.splitlines() if l.strip().startswith("letterhead text")]


def main(chk, setup):
    calpress = setup.calpress
    bn = os.path.join(setup.src, "tests", "layout", "bn", "calendar.yaml")
    rc, lines = letterhead(calpress, bn)
    chk.ok(rc == 0 and any("১৪ ডিসেম্বর ২০২০" in l for l in lines),
           "a Bengali calendar's press release is dated in Bengali", "\n".join(lines))
    text = open(bn, encoding="utf-8").read().replace("  date: '2020-12-14'\n",
                                                     "  date: '2020-12-14'\n  language: en\n")
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", dir=os.path.dirname(bn),
                                     delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        rc, lines = letterhead(calpress, f.name)
    finally:
        os.unlink(f.name)
    chk.ok(rc == 0 and any("14 December 2020" in l for l in lines),
           "with language: en it is dated in English", "\n".join(lines))
if __name__ == "__main__":
    sys.exit(run_checks("layout/press-language", main))
