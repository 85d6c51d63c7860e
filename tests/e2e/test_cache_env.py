#!/usr/bin/env python3
"""Tests keep their caches out of the user's ~/.cache: under ctest every test has XDG_CACHE_HOME
inside the build folder and an empty CALPRESS_CACHE_DIR (calpress_add_test in
tests/CMakeLists.txt). With that environment and HOME pointing at an empty folder, a check of the
sample writes the hyphenation cache (hyph-*.bin) and the photo analyses (focus/) under
XDG_CACHE_HOME/calpress, and nothing under HOME.

usage: test_cache_env.py CALPRESS SOURCE_DIR BUILD_DIR
"""
import glob
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402
from proc import run  # noqa: E402


def files_below(folder):
    return sorted(os.path.relpath(os.path.join(d, f), folder)
                  for d, _, names in os.walk(folder) for f in names)


def main(chk, setup):
    build = os.path.realpath(setup.args[0])
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    chk.ok(os.path.realpath(xdg or "/").startswith(build + os.sep),
           "XDG_CACHE_HOME is inside the build folder", f"XDG_CACHE_HOME={xdg!r}, build {build}")
    chk.ok(not os.environ.get("CALPRESS_CACHE_DIR"), "CALPRESS_CACHE_DIR is empty",
           os.environ.get("CALPRESS_CACHE_DIR"))
    home = os.path.join(setup.tmp, "home")
    os.mkdir(home)
    r = run([setup.calpress, "check", "calendar.yaml"], cwd=setup.stories,
            env=dict(os.environ, HOME=home))
    chk.ok(r.returncode == 0, "the sample checks", r.err[-2000:])
    chk.ok(files_below(home) == [], "nothing is written under HOME", files_below(home))
    cache = os.path.join(xdg, "calpress")
    chk.ok(glob.glob(os.path.join(cache, "hyph-*.bin")),
           "the hyphenation cache is under XDG_CACHE_HOME/calpress", files_below(xdg)[:20])
    chk.ok(glob.glob(os.path.join(cache, "focus", "*")),
           "the photo analyses are under XDG_CACHE_HOME/calpress/focus", files_below(xdg)[:20])


if __name__ == "__main__":
    sys.exit(run_checks("e2e/cache-env", main, copy="calpress-cache-env-"))
