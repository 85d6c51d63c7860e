#!/usr/bin/env python3
"""Pango's font-matching threads (src/fcsync.c): Pango 1.50 starts two threads for every font
pattern it meets; calpress runs the match in the calling thread instead, and the sort (the
fallback fonts) only when Pango waits for it. Checked here:
- check and render start only a handful of threads (counted by threadshim, an LD_PRELOAD library
  that counts pthread_create, FcFontSetMatch and FcFontSetSort), and with
  CALPRESS_PANGO_THREADS=on Pango's dozens again;
- the sample, whose every character is in its fonts, sorts no font set; with Pango's threads
  every pattern is sorted;
- the report, the layout dump and both PDFs are byte for byte the same either way, for the
  sample and for a story with Bengali and Devanagari words, whose characters EB Garamond lacks
  (the sort put off is run when Pango asks for a fallback font);
- fontconfig's matches kept between runs (src/fonts/fcmatch.c): in a fresh cache folder the
  first check matches every pattern, the second none (each found in fcmatch.bin), and the
  report, the layout dump and both PDFs are byte for byte those of a run without a cache
  folder; CALPRESS_VERIFY_FCMATCH=1, which matches every remembered pattern again, passes; a
  damaged fcmatch.bin is not used; with one more font file in the fonts folder, every pattern is
  matched again.
(The thread and sort counts and the runs compared with and without Pango's threads are taken
without a cache folder: fontconfig matches every pattern.)

usage: test_fcsync.py CALPRESS SOURCE_DIR THREADSHIM
"""
import os
import shutil
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


def counts(setup, shim, cmd, **extra):
    """Runs calpress under threadshim: the process, and its counts {"threads": N, "matches": M,
    "sorts": S} (empty if it wrote none)."""
    out = os.path.join(setup.tmp, "threads.txt")
    if os.path.exists(out):
        os.remove(out)
    extra.setdefault("CALPRESS_CACHE_DIR", "off")
    p = run([setup.calpress] + cmd, cwd=setup.stories,
            env=env_with(shim, CP_THREADS_OUT=out, **extra))
    try:
        with open(out, encoding="utf-8") as f:
            words = f.read().split()
        got = {words[i]: int(words[i + 1]) for i in range(0, len(words) - 1, 2)}
    except (OSError, IndexError, ValueError):
        got = {}
    return p, got


def threads(setup, shim, cmd, **extra):
    p, got = counts(setup, shim, cmd, **extra)
    return p, got.get("threads")


# A font of the private configuration (fonts-inter), copied as an extra font file.
THIN = "/usr/share/fonts/opentype/inter/Inter-Thin.otf"

# Words of the sample's languages that EB Garamond has no glyphs for: Pango takes them from the
# fallback fonts (Noto Serif Bengali and Devanagari), the sorted list fcsync puts off.
MIXED = ("  Her sister calls the boutique \u09b8\u09c1\u09a4\u09cb (thread), her mother"
         " \u0927\u093e\u0917\u093e.\n")


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

    p, sync = counts(setup, shim, ["check", "calendar.yaml", "-q"])
    patterns = sync.get("matches", 0)
    chk.ok(p.returncode == 0 and patterns >= 20 and sync.get("sorts") == 0,
           f"check of the sample matches font sets and sorts none ({sync})", p.err)
    # Pango's threads are not waited for: one still running at exit is not counted.
    p, got = counts(setup, shim, ["check", "calendar.yaml", "-q"], CALPRESS_PANGO_THREADS="on")
    chk.ok(p.returncode == 0 and got.get("sorts", 0) >= 0.9 * patterns,
           f"with Pango's threads, nearly every font set is sorted too ({got}; {patterns} "
           "patterns)", p.err)

    same_both_ways(chk, setup, "the sample")
    story = os.path.join(setup.stories, "neha.yaml")
    with open(story, encoding="utf-8") as f:
        text = f.read()
    anchor = "  costing, delivery schedules and how to hold her ground with a buyer.\n"
    chk.ok(anchor in text, "the sample's neha.yaml ends its body as this test expects")
    with open(story, "w", encoding="utf-8") as f:
        f.write(text.replace(anchor, anchor.rstrip("\n") + "\n" + MIXED, 1))
    p, got = counts(setup, shim, ["check", "calendar.yaml", "-q"])
    chk.ok(p.returncode == 0 and got.get("sorts", 0) >= 1,
           f"Bengali and Devanagari words: the fallback fonts are sorted when needed ({got})",
           p.err)
    same_both_ways(chk, setup, "Bengali and Devanagari words")
    matches_kept(chk, setup, shim)


def outputs(setup, name, **extra):
    """check's report and layout dump, render's two PDFs (or None if either failed)."""
    out = os.path.join(setup.tmp, f"out-{name}")
    dump = os.path.join(setup.tmp, f"dump-{name}.txt")
    c = run([setup.calpress, "check", "calendar.yaml", "--dump-layout", dump],
            cwd=setup.stories, env=env_with(**extra))
    r = run([setup.calpress, "render", "calendar.yaml", "-q", "--fresh", "-o", out],
            cwd=setup.stories, env=env_with(**extra))
    if c.returncode != 0 or r.returncode != 0:
        return None
    return (c.out, read(dump), read(os.path.join(out, "calendar.pdf")),
            read(os.path.join(out, "press-release.pdf")))


def matches_kept(chk, setup, shim):
    cache = os.path.join(setup.tmp, "cache")
    p, first = counts(setup, shim, ["check", "calendar.yaml", "-q"], CALPRESS_CACHE_DIR=cache)
    chk.ok(p.returncode == 0 and first.get("matches", 0) >= 20,
           f"a fresh cache folder: fontconfig matches every pattern ({first})", p.err)
    p, second = counts(setup, shim, ["check", "calendar.yaml", "-q"], CALPRESS_CACHE_DIR=cache)
    chk.ok(p.returncode == 0 and second.get("matches") == 0,
           f"the next check finds every match kept, and fontconfig matches none ({second})",
           p.err)
    kept = outputs(setup, "kept", CALPRESS_CACHE_DIR=cache, CALPRESS_VERIFY_FCMATCH="1")
    none = outputs(setup, "no-cache", CALPRESS_CACHE_DIR="off")
    chk.ok(kept is not None and none is not None,
           "with kept matches (verified against fontconfig's) and without a cache folder, "
           "check and render exit 0")
    if kept and none:
        for i, what in enumerate(("the report", "the layout dump", "calendar.pdf",
                                  "press-release.pdf")):
            chk.ok(kept[i] == none[i], f"kept matches: {what} is that of a run without them")
    memo = os.path.join(cache, "fcmatch.bin")
    chk.ok(os.path.isfile(memo), "the matches are in the cache folder's fcmatch.bin")
    if os.path.isfile(memo):
        data = bytearray(read(memo))
        data[40] ^= 0xFF
        with open(memo, "wb") as f:
            f.write(data)
        p, got = counts(setup, shim, ["check", "calendar.yaml", "-q"], CALPRESS_CACHE_DIR=cache)
        chk.ok(p.returncode == 0 and got.get("matches", 0) >= 20,
               f"a damaged fcmatch.bin is not used: the patterns are matched again ({got})",
               p.err)
    # Another font set: a data folder whose fonts/ holds one more font file.
    data = os.path.join(setup.tmp, "data")
    shutil.copytree(os.path.join(setup.src, "layouts"), os.path.join(data, "layouts"))
    shutil.copytree(os.path.join(setup.src, "fonts"), os.path.join(data, "fonts"))
    shutil.copy(THIN, os.path.join(data, "fonts", "ExtraInter-Thin.otf"))
    p, warm = counts(setup, shim, ["check", "calendar.yaml", "-q"], CALPRESS_CACHE_DIR=cache)
    p2, other = counts(setup, shim, ["check", "calendar.yaml", "-q"], CALPRESS_CACHE_DIR=cache,
                       CALPRESS_DATADIR=data)
    chk.ok(p.returncode == 0 and p2.returncode == 0 and warm.get("matches") == 0 and
           other.get("matches", 0) >= 20,
           f"one more font file: the kept matches are not used ({warm}, then {other})",
           p.err + p2.err)


def same_both_ways(chk, setup, what_case):
    made = {}
    for name, extra in (("sync", {}), ("threads", {"CALPRESS_PANGO_THREADS": "on"})):
        made[name] = outputs(setup, name, CALPRESS_CACHE_DIR="off", **extra)
        chk.ok(made[name] is not None, f"{what_case}, {name}: check and render exit 0")
    if made["sync"] and made["threads"]:
        a, b = made["sync"], made["threads"]
        for i, what in enumerate(("the report", "the layout dump", "calendar.pdf",
                                  "press-release.pdf")):
            chk.ok(a[i] == b[i], f"{what_case}, {what}: the same with Pango's threads as without")


if __name__ == "__main__":
    sys.exit(run_checks("e2e/fcsync", checks, copy="calpress-fcsync-"))
