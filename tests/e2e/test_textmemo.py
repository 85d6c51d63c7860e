#!/usr/bin/env python3
"""Glyph boxes and shapings kept between runs (src/fonts/glyphmemo.c, src/fonts/shapememo.c):
cairo's glyph extents and HarfBuzz's shapings that Pango asks for are answered from the cache
folder's glyphs.bin and the calendar's shapings file when an earlier run with the same fonts and
code made them.
Checked here, with glyph loads (FT_Load_Glyph) and shapings (hb_shape_full) counted by
threadshim:
- in a fresh cache folder the first check loads glyphs and shapes every item; the next check
  shapes nothing and loads only the few glyphs of the small font Pango draws hex boxes with
  (the width of the line separators between forced lines is asked of it again);
- the report, the layout dump and both PDFs (proof and --press) with the kept answers, checked
  against cairo's and HarfBuzz's (CALPRESS_VERIFY_GLYPHS, CALPRESS_VERIFY_SHAPING), are byte for
  byte those of a run without a cache folder;
- a copy edit of one story shapes again only part of the text, and its outputs are those of the
  edited calendar without a cache folder;
- the calendar's shapings file (shaping-ID.bin, one a calendar) holds the shapings of its last
  two runs' text and no other (glyphs spell the text): two runs after a copy edit it holds only
  what a fresh cache folder gets from the edited calendar, none of the text taken out; a check
  that finds a never-print word removes it; another manifest's check has its own file and
  leaves the calendar's alone;
- a damaged glyphs.bin or shapings file is not used;
- a font file whose stamp changed (a new version dropped in) is measured and shaped again.

usage: test_textmemo.py CALPRESS SOURCE_DIR THREADSHIM
"""
import glob
import os
import shutil
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import run_checks  # noqa: E402
from proc import edit, run  # noqa: E402
from test_fcsync import counts, env_with, read  # noqa: E402

VERIFY = {"CALPRESS_VERIFY_GLYPHS": "1", "CALPRESS_VERIFY_SHAPING": "1"}


def outputs(setup, name, **extra):
    """check's report and layout dump, render's two PDFs as a proof and for press (or None if a
    run failed)."""
    dump = os.path.join(setup.tmp, f"dump-{name}.txt")
    c = run([setup.calpress, "check", "calendar.yaml", "--dump-layout", dump],
            cwd=setup.stories, env=env_with(**extra))
    got = [c.returncode == 0 and c.out, c.returncode == 0 and read(dump)]
    for mode in ([], ["--press"]):
        out = os.path.join(setup.tmp, f"out-{name}{'-press' if mode else ''}")
        r = run([setup.calpress, "render", "calendar.yaml", "-q", "--fresh", "-o", out] + mode,
                cwd=setup.stories, env=env_with(**extra))
        if r.returncode != 0:
            return None
        got += [read(os.path.join(out, "calendar.pdf")),
                read(os.path.join(out, "press-release.pdf"))]
    return None if not all(got) else got


WHAT = ("the report", "the layout dump", "calendar.pdf", "press-release.pdf",
        "calendar.pdf for press", "press-release.pdf for press")


def same_as_without(chk, setup, name, kept, **extra):
    none = outputs(setup, name + "-off", CALPRESS_CACHE_DIR="off", **extra)
    chk.ok(kept is not None and none is not None,
           f"{name}: check and render exit 0 with and without a cache folder")
    if kept and none:
        for what, a, b in zip(WHAT, kept, none):
            chk.ok(a == b, f"{name}: {what} is that of a run without a cache folder")


def check_counts(setup, shim, cache, **extra):
    p, got = counts(setup, shim, ["check", "calendar.yaml", "-q"], CALPRESS_CACHE_DIR=cache,
                    **extra)
    return p, got.get("glyphloads", -1), got.get("shapings", -1)


def shaping_file(cache):
    """The calendar's shapings file in the cache folder (the test has one calendar)."""
    found = glob.glob(os.path.join(cache, "shaping-*.bin"))
    return found[0] if len(found) == 1 else os.path.join(cache, "none")


def shapings(path):
    """A shapings file's entries: {key: the bytes of its glyphs} (empty for an empty file)."""
    data = read(path) if os.path.exists(path) else b""
    if len(data) < 32:
        return {}
    n, glyphs = struct.unpack_from("<II", data, 12)
    entries, at = {}, 24 + n * 24
    for i in range(n):
        key = data[24 + i * 24:24 + i * 24 + 16]
        first, count = struct.unpack_from("<II", data, 24 + i * 24 + 16)
        entries[key] = data[at + first * 28:at + (first + count) * 28]
    return entries


def last_run_only(chk, setup, shim, cache, before):
    """Two runs after the copy edit: every entry of the calendar's file is one that a render and
    a check of the edited text make with a fresh cache folder (which tries more sizes), none is
    of the text taken out (entries of a check before the edit that the edited text does not
    make); another manifest's check leaves it alone; then a never-print hit empties it."""
    check_counts(setup, shim, cache)
    fresh = os.path.join(setup.tmp, "cache-fresh")
    r = run([setup.calpress, "render", "calendar.yaml", "-q", "--fresh", "--press", "-o",
             os.path.join(setup.tmp, "out-fresh")], cwd=setup.stories,
            env=env_with(CALPRESS_CACHE_DIR=fresh))
    p, _, _ = check_counts(setup, shim, fresh)
    got = shapings(shaping_file(cache))
    want = shapings(shaping_file(fresh))
    extra = [k for k in got if got[k] != want.get(k)]
    gone = [k for k in before if k not in want]
    kept_gone = [k for k in gone if k in got]
    chk.ok(r.returncode == 0 and p.returncode == 0 and len(got) >= len(want) // 2 and not extra,
           f"the calendar's file holds only shapings of the edited text ({len(got)} entries, "
           f"{len(extra)} others; a fresh cache folder {len(want)})", p.err + r.err)
    chk.ok(gone and not kept_gone,
           f"none of the {len(gone)} shapings of the text taken out is kept ({len(kept_gone)})")
    other = os.path.join(setup.stories, "other.yaml")
    shutil.copy(os.path.join(setup.stories, "calendar.yaml"), other)
    p = run([setup.calpress, "check", other, "-q"], cwd=setup.stories,
            env=env_with(CALPRESS_CACHE_DIR=cache))
    files = glob.glob(os.path.join(cache, "shaping-*.bin"))
    mine = [f for f in files if shapings(f) == got]
    chk.ok(p.returncode == 0 and len(files) == 2 and len(mine) == 1,
           f"another manifest's check keeps its own file and leaves the calendar's alone "
           f"({len(files)} files)", p.err)
    os.remove(other)
    for f in files:
        if f not in mine:
            os.remove(f)
            os.remove(f[:-4] + ".use")
    names = os.path.join(setup.tmp, "never.txt")
    with open(names, "w", encoding="utf-8") as f:
        f.write("timetables\n")
    p = run([setup.calpress, "check", "calendar.yaml", "-q", "--never-print", names],
            cwd=setup.stories, env=env_with(CALPRESS_CACHE_DIR=cache))
    chk.ok(p.returncode != 0 and "never-print" in p.err, "a never-print word: check fails",
           p.err)
    chk.ok(not glob.glob(os.path.join(cache, "shaping-*")),
           "a run that failed removes the calendar's shapings from the cache folder")


def damaged(chk, setup, shim, cache, name, cold):
    path = os.path.join(cache, name) if name == "glyphs.bin" else shaping_file(cache)
    data = bytearray(read(path))
    data[len(data) // 2] ^= 0xFF
    with open(path, "wb") as f:
        f.write(data)
    p, loads, shapes = check_counts(setup, shim, cache)
    n = loads if name == "glyphs.bin" else shapes
    chk.ok(p.returncode == 0 and cold > 0 and n >= cold // 2,
           f"a damaged {name} is not used ({n} again, {cold} cold)", p.err)


def font_stamp(chk, setup, shim):
    """A data folder whose fonts.conf takes EB Garamond from copies: touching one is a new
    font."""
    data = os.path.join(setup.tmp, "data")
    shutil.copytree(os.path.join(setup.src, "layouts"), os.path.join(data, "layouts"))
    shutil.copytree(os.path.join(setup.src, "fonts"), os.path.join(data, "fonts"))
    copies = os.path.join(data, "ebgaramond")
    os.makedirs(copies)
    for f in glob.glob("/usr/share/fonts/opentype/ebgaramond/*.otf"):
        shutil.copy(f, copies)
    conf = os.path.join(data, "fonts", "fonts.conf")
    edit(conf, "<dir>/usr/share/fonts/opentype/ebgaramond</dir>", f"<dir>{copies}</dir>")
    cache = os.path.join(setup.tmp, "cache-stamp")
    extra = {"CALPRESS_DATADIR": data}
    check_counts(setup, shim, cache, **extra)
    p, loads, shapes = check_counts(setup, shim, cache, **extra)
    chk.ok(p.returncode == 0 and 0 <= loads <= 100 and shapes == 0,
           f"fonts from the data folder: the second check shapes nothing and loads hardly a "
           f"glyph ({loads} glyph loads, {shapes} shapings)", p.err)
    regular = os.path.join(copies, "EBGaramond12-Regular.otf")
    st = os.stat(regular)
    os.utime(regular, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    p, loads, shapes = check_counts(setup, shim, cache, **extra)
    chk.ok(p.returncode == 0 and loads >= 50 and shapes >= 50,
           f"EB Garamond's file changed: its glyphs are measured and its text shaped again "
           f"({loads} glyph loads, {shapes} shapings)", p.err)


def checks(chk, setup):
    shim = os.path.abspath(setup.args[0])
    cache = os.path.join(setup.tmp, "cache")
    p, cold_loads, cold_shapes = check_counts(setup, shim, cache)
    chk.ok(p.returncode == 0 and cold_loads >= 300 and cold_shapes >= 300,
           f"a fresh cache folder: check loads glyphs and shapes every item ({cold_loads} glyph "
           f"loads, {cold_shapes} shapings)", p.err)
    chk.ok(os.path.isfile(os.path.join(cache, "glyphs.bin")), "the cache folder holds glyphs.bin")
    chk.ok(os.path.isfile(shaping_file(cache)), "the cache folder holds the calendar's shapings")
    p, loads, shapes = check_counts(setup, shim, cache)
    chk.ok(p.returncode == 0 and 0 <= loads <= cold_loads // 20 and shapes == 0,
           f"the next check shapes nothing and loads hardly a glyph ({loads} glyph loads, "
           f"{shapes} shapings)", p.err)
    before = shapings(shaping_file(cache))
    kept = outputs(setup, "kept", CALPRESS_CACHE_DIR=cache, **VERIFY)
    same_as_without(chk, setup, "the sample", kept)

    # A copy edit: one word of one story.
    edit(os.path.join(setup.stories, "neha.yaml"), "delivery schedules", "delivery timetables")
    p, loads, shapes = check_counts(setup, shim, cache)
    chk.ok(p.returncode == 0 and 0 < shapes <= cold_shapes // 4,
           f"after a copy edit, check shapes part of the text again ({shapes} shapings, "
           f"{cold_shapes} cold)", p.err)
    kept = outputs(setup, "edited", CALPRESS_CACHE_DIR=cache, **VERIFY)
    same_as_without(chk, setup, "the edited sample", kept)
    last_run_only(chk, setup, shim, cache, before)
    check_counts(setup, shim, cache)

    damaged(chk, setup, shim, cache, "glyphs.bin", cold_loads)
    damaged(chk, setup, shim, cache, "shapings file", cold_shapes)
    font_stamp(chk, setup, shim)


if __name__ == "__main__":
    sys.exit(run_checks("e2e/textmemo", checks, copy="calpress-textmemo-"))
