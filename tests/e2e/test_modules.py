#!/usr/bin/env python3
"""qpdf's part of the PDF pass is a module loaded on first use (src/pdf/pdfload.c): a run that
writes no PDF does not map qpdf or its TLS libraries; a render loads the module
from beside the program and writes its PDFs with it. The dynamic linker's own record
(LD_DEBUG=files) says which libraries a run opened. With TBB's malloc proxy preloaded (where
libtbbmalloc2 is installed), a render still works: the module shares the program's allocator.

usage: test_modules.py CALPRESS SOURCE_DIR
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402
from proc import run  # noqa: E402

HEAVY = ("libqpdf", "libgnutls", "libnettle", "libp11-kit", "calpress-pdf.so")


def opened(setup, args):
    """The run, and the libraries and modules the dynamic linker opened for it."""
    env = dict(os.environ, LD_DEBUG="files", SOURCE_DATE_EPOCH="1700000000")
    env.pop("CALPRESS_WORKER", None)
    r = run([setup.calpress] + args, cwd=setup.stories, env=env)
    names = set(re.findall(r"file=(\S+) \[0\];\s+(?:needed by|dynamically loaded by)", r.err))
    return r, names


def has(names, part):
    return [n for n in names if part in os.path.basename(n)]


def main(chk, setup):
    for args in (["--version"], ["check", "calendar.yaml", "-q"]):
        r, names = opened(setup, args)
        chk.ok(r.returncode == 0, f"calpress {args[0]} succeeds", r.err[-1500:])
        chk.ok(len(names) > 20, f"calpress {args[0]}: the linker's record lists what it opened "
               f"({len(names)} files)")
        for part in HEAVY:
            chk.ok(not has(names, part), f"calpress {args[0]} does not open {part}",
                   ", ".join(sorted(names)))
    r, names = opened(setup, ["render", "calendar.yaml", "-o", "out", "-q"])
    chk.ok(r.returncode == 0, "render succeeds", r.err[-1500:])
    mods = has(names, "calpress-pdf.so")
    here = os.path.dirname(os.path.realpath(setup.calpress))
    chk.ok(len(mods) == 1 and os.path.dirname(os.path.realpath(mods[0])) == here,
           f"render loads calpress-pdf.so from beside the program ({mods})")
    chk.ok(bool(has(names, "libqpdf")), "render opens qpdf with the module")
    pdf = os.path.join(setup.stories, "out", "calendar.pdf")
    with open(pdf, "rb") as f:
        head = f.read(8)
    chk.ok(head.startswith(b"%PDF-1.6") and os.path.getsize(pdf) > 1000000,
           "the module wrote the calendar (PDF 1.6, qpdf's post-processing)", repr(head))
    # A malloc replacement preloaded (as heaptrack, jemalloc or TBB's proxy do): the module and
    # the program must use the same allocator (RTLD_DEEPBIND broke that). Not under ASan, whose
    # own allocator must stay the only one.
    proxy = "/usr/lib/x86_64-linux-gnu/libtbbmalloc_proxy.so.2"
    if os.path.exists(proxy) and "ASAN_OPTIONS" not in os.environ:
        env = dict(os.environ, LD_PRELOAD=proxy, SOURCE_DATE_EPOCH="1700000000")
        r = run([setup.calpress, "render", "calendar.yaml", "-o", "out-proxy", "-q", "--fresh"],
                cwd=setup.stories, env=env)
        chk.ok(r.returncode == 0 and os.path.getsize(
            os.path.join(setup.stories, "out-proxy", "calendar.pdf")) > 1000000,
            "render with a malloc replacement preloaded (TBB's proxy) succeeds", r.err[-1500:])


if __name__ == "__main__":
    sys.exit(run_checks("e2e/modules", main, copy="modules"))
