#!/usr/bin/env python3
"""Pango's font-matching threads (src/fcsync.c): Pango 1.50 starts two threads for every font
pattern it meets; calpress runs their work in the calling thread instead. Checked here:
- check and render start only a handful of threads (counted by threadshim, an LD_PRELOAD library
  that counts pthread_create), and with CALPRESS_PANGO_THREADS=on Pango's dozens again;
- the report, the layout dump and both PDFs are byte for byte the same either way.

usage: test_fcsync.py CALPRESS SOURCE_DIR THREADSHIM
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402
from proc import run  # noqa: E402


def env_with(shim=None, **extra):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    env.pop("CALPRESS_PANGO_THREADS", None)
    env.pop("CALPRESS_WORKER", None)
    if shim:
        asan = os.environ.get("ASAN_OPTIONS", "")
        env.update(LD_PRELOAD=shim,
                   ASAN_OPTIONS=(asan + ":" if asan else "") + "verify_asan_link_order=0")
    env.update(extra)
    return env


def threads(setup, shim, cmd, **extra):
    out = os.path.join(setup.tmp, "threads.txt")
    if os.path.exists(out):
        os.remove(out)
    p = run([setup.calpress] + cmd, cwd=setup.stories,
            env=env_with(shim, CP_THREADS_OUT=out, **extra))
    try:
        with open(out, encoding="utf-8") as f:
            n = int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        n = None
    return p, n


def read(path):
    with open(path, "rb") as f:
        return f.read()


def checks(chk, setup):
    shim = os.path.abspath(setup.args[0])
    p, n = threads(setup, shim, ["check", "calendar.yaml", "-q"])
    chk.ok(p.returncode == 0 and n is not None and n <= 4,
           f"check starts a handful of threads at most (started {n})", p.err)
    p, n_on = threads(setup, shim, ["check", "calendar.yaml", "-q"], CALPRESS_PANGO_THREADS="on")
    chk.ok(p.returncode == 0 and n_on is not None and n_on >= 40,
           f"with CALPRESS_PANGO_THREADS=on, Pango's threads again (started {n_on})", p.err)
    p, n = threads(setup, shim, ["render", "calendar.yaml", "-q", "-o",
                                 os.path.join(setup.tmp, "counted")])
    chk.ok(p.returncode == 0 and n is not None and n <= 6,
           f"render starts a handful of threads at most (started {n})", p.err)

    made = {}
    for name, extra in (("sync", {}), ("threads", {"CALPRESS_PANGO_THREADS": "on"})):
        out = os.path.join(setup.tmp, f"out-{name}")
        dump = os.path.join(setup.tmp, f"dump-{name}.txt")
        c = run([setup.calpress, "check", "calendar.yaml", "--dump-layout", dump],
                cwd=setup.stories, env=env_with(**extra))
        r = run([setup.calpress, "render", "calendar.yaml", "-q", "--fresh", "-o", out],
                cwd=setup.stories, env=env_with(**extra))
        ok = c.returncode == 0 and r.returncode == 0
        chk.ok(ok, f"{name}: check and render exit 0", c.err + r.err)
        if ok:
            made[name] = (c.out, read(dump), read(os.path.join(out, "calendar.pdf")),
                          read(os.path.join(out, "press-release.pdf")))
    if len(made) == 2:
        a, b = made["sync"], made["threads"]
        for i, what in enumerate(("the report", "the layout dump", "calendar.pdf",
                                  "press-release.pdf")):
            chk.ok(a[i] == b[i], f"{what}: the same with Pango's threads as without")


if __name__ == "__main__":
    sys.exit(run_checks("e2e/fcsync", checks, copy="calpress-fcsync-"))
