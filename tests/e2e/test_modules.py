#!/usr/bin/env python3
"""qpdf's part of the PDF pass is a module loaded on first use (src/pdf/pdfload.c): a run that
writes no PDF does not map qpdf or its TLS libraries; a render loads the module
from beside the program and writes its PDFs with it. librsvg, for SVG logos, is another
(src/image/svgapi.h): --version never opens it, a check whose logo's size is in the cache folder
does not either, and a render that draws the logo loads calpress-svg.so from beside the program.
A logo whose bytes changed is measured again (its new proportions in the layout), and a damaged
svg.bin is not used. The dynamic linker's own record
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

HEAVY = ("libqpdf", "libgnutls", "libnettle", "libp11-kit", "calpress-pdf.so", "librsvg",
         "libxml2", "libgdk_pixbuf", "calpress-svg.so")


def opened(setup, args):
    """The run, and the libraries and modules the dynamic linker opened for it (with the test's
    own cache folder)."""
    env = dict(os.environ, LD_DEBUG="files", SOURCE_DATE_EPOCH="1700000000",
               CALPRESS_CACHE_DIR=os.path.join(setup.tmp, "cache"))
    env.pop("CALPRESS_WORKER", None)
    r = run([setup.calpress] + args, cwd=setup.stories, env=env)
    names = set(re.findall(r"file=(\S+) \[0\];\s+(?:needed by|dynamically loaded by)", r.err))
    return r, names


def has(names, part):
    return [n for n in names if part in os.path.basename(n)]


def main(chk, setup):
    r, names = opened(setup, ["check", "calendar.yaml", "-q"])
    chk.ok(r.returncode == 0 and bool(has(names, "calpress-svg.so")),
           "the first check (a fresh cache folder) parses the logo with calpress-svg.so",
           r.err[-1500:])
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
    mods = has(names, "calpress-svg.so")
    chk.ok(len(mods) == 1 and os.path.dirname(os.path.realpath(mods[0])) == here,
           f"render loads calpress-svg.so from beside the program to draw the logo ({mods})")
    pdf = os.path.join(setup.stories, "out", "calendar.pdf")
    with open(pdf, "rb") as f:
        head = f.read(8)
    chk.ok(head.startswith(b"%PDF-1.6") and os.path.getsize(pdf) > 1000000,
           "the module wrote the calendar (PDF 1.6, qpdf's post-processing)", repr(head))
    logo_changes(chk, setup)
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


def logo_box(setup, name):
    """The logo's box in check's layout dump, and whether the run opened calpress-svg.so."""
    dump = os.path.join(setup.tmp, f"dump-{name}.txt")
    r, names = opened(setup, ["check", "calendar.yaml", "-q", "--dump-layout", dump])
    box = None
    if r.returncode == 0:
        with open(dump, encoding="utf-8") as f:
            box = next((line.split(" at ")[1].strip() for line in f if "logo svg" in line), None)
    return r, box, bool(has(names, "calpress-svg.so"))


def logo_changes(chk, setup):
    r, wide, parsed = logo_box(setup, "wide")
    chk.ok(r.returncode == 0 and wide and not parsed,
           f"the logo's size from the cache folder: {wide}", r.err[-1500:])
    logo = os.path.join(setup.stories, "logo.svg")
    with open(logo, encoding="utf-8") as f:
        text = f.read()
    with open(logo, "w", encoding="utf-8") as f:
        f.write(text.replace('width="316" height="35" viewBox="0 0 316 35"',
                             'width="316" height="70" viewBox="0 0 316 70"', 1))
    r, tall, parsed = logo_box(setup, "tall")
    chk.ok(r.returncode == 0 and parsed and tall and tall != wide,
           f"a logo whose bytes changed is parsed again, its new proportions laid out ({tall})",
           r.err[-1500:])
    memo = os.path.join(setup.tmp, "cache", "svg.bin")
    with open(memo, "r+b") as f:
        data = bytearray(f.read())
        data[len(data) // 2] ^= 0xFF
        f.seek(0)
        f.write(data)
    r, again, parsed = logo_box(setup, "damaged")
    chk.ok(r.returncode == 0 and parsed and again == tall,
           f"a damaged svg.bin is not used: the logo is parsed again ({again})", r.err[-1500:])


if __name__ == "__main__":
    sys.exit(run_checks("e2e/modules", main, copy="modules"))
