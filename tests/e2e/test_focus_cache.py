#!/usr/bin/env python3
"""The photo analyses cached under CALPRESS_CACHE_DIR/focus are read back as they were made: a
second check of the sample takes every analysis from the cache (no entry is written again: an
entry is replaced through a rename, so its inode would change) and lays out the same pages, to
the byte of the layout dump. An entry whose saliency map is damaged is not used: the photo is
analysed again, the entry replaced, and the layout is still the same.

usage: test_focus_cache.py CALPRESS SOURCE_DIR
"""
import glob
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402
from proc import run  # noqa: E402


def check(setup, cache, dump):
    env = dict(os.environ, CALPRESS_CACHE_DIR=cache, SOURCE_DATE_EPOCH="1700000000")
    env.pop("CALPRESS_WORKER", None)
    r = run([setup.calpress, "check", "calendar.yaml", "-q", "--dump-layout", dump],
            cwd=setup.stories, env=env)
    with open(dump, encoding="utf-8") as f:
        return r, f.read()


def inodes(cache):
    return {p: os.stat(p).st_ino for p in glob.glob(os.path.join(cache, "focus", "*.txt"))}


def main(chk, setup):
    cache = os.path.join(setup.tmp, "cache")
    first, dump1 = check(setup, cache, os.path.join(setup.tmp, "dump1.txt"))
    chk.ok(first.returncode == 0, "the sample checks with an empty cache", first.err[-2000:])
    made = inodes(cache)
    chk.ok(len(made) >= 13, f"an analysis is cached for each photo ({len(made)})")

    second, dump2 = check(setup, cache, os.path.join(setup.tmp, "dump2.txt"))
    chk.ok(second.returncode == 0, "the sample checks from the cache", second.err[-2000:])
    chk.ok(inodes(cache) == made, "every analysis is read from the cache, none made again")
    chk.ok(dump2 == dump1, "the layout from the cache is the layout analysed afresh")

    victim = sorted(made)[0]
    with open(victim, encoding="ascii") as f:
        text = f.read()
    at = text.index("map ") + len("map ") + 10
    with open(victim, "w", encoding="ascii") as f:
        f.write(text[:at] + "zz" + text[at + 2:])
    third, dump3 = check(setup, cache, os.path.join(setup.tmp, "dump3.txt"))
    chk.ok(third.returncode == 0, "the sample checks with a damaged entry", third.err[-2000:])
    after = inodes(cache)
    chk.ok(after.get(victim) not in (None, made[victim]),
           "the damaged entry is analysed again and replaced")
    chk.ok(all(after.get(p) == made[p] for p in made if p != victim),
           "the other entries are read from the cache")
    chk.ok(dump3 == dump1, "the layout is the same after the analysis is made again")


if __name__ == "__main__":
    sys.exit(run_checks("e2e/focus-cache", main, copy="calpress-focus-cache-"))
