#!/usr/bin/env python3
"""Copy-fit and line-breaking decisions kept between runs (CALPRESS_CACHE_DIR/layout.bin) change
nothing a run makes: a run that takes every decision from the cache prints the same report, lays
out the same pages (the layout dump, to the byte) and writes the same PDFs, byte for byte, as a
run that decides everything anew (CALPRESS_LAYOUT_CACHE=off). What is taken:
- a first run finds no decision and keeps what it decided; the next takes every one, also after
  a preview (whose fonts are made for rasters, so it keeps decisions of its own beside them);
- CALPRESS_VERIFY_DECISIONS makes every decision taken again by searching: none differs;
- after a story's edit only that story's frames are decided anew, and the pages are still what
  deciding everything anew makes of the edited text;
- a damaged cache file is not used (the run decides everything anew) and is written again whole;
- a changed font configuration (another stamp of fonts.conf) or a font file added to fonts/
  makes every decision anew.

usage: test_decisions.py CALPRESS SOURCE_DIR
"""
import glob
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402
from proc import run  # noqa: E402

STORY = "shefali.yaml"
EDIT = ("a small hotel in central Kolkata", "a small hotel in north Kolkata")


class Runner:
    def __init__(self, setup, cache, datadir):
        self.setup, self.cache, self.datadir, self.n = setup, cache, datadir, 0

    def env(self, **extra):
        env = dict(os.environ, CALPRESS_CACHE_DIR=self.cache, SOURCE_DATE_EPOCH="1700000000",
                   CALPRESS_DATADIR=self.datadir)
        for name in ("CALPRESS_WORKER", "CALPRESS_LAYOUT_CACHE", "CALPRESS_VERIFY_UNSET",
                     "CALPRESS_VERIFY_DECISIONS"):
            env.pop(name, None)
        env.update(extra)
        return env

    def outputs(self, **extra):
        """render's PDFs and how many decisions it took (render runs first), then check's report
        and layout dump."""
        self.n += 1
        dump = os.path.join(self.setup.tmp, f"dump{self.n}.txt")
        out = os.path.join(self.setup.tmp, f"out{self.n}")
        r = run([self.setup.calpress, "render", "calendar.yaml", "-o", out, "-v"],
                cwd=self.setup.stories, env=self.env(**extra))
        c = run([self.setup.calpress, "check", "calendar.yaml", "--dump-layout", dump],
                cwd=self.setup.stories, env=self.env(**extra))
        res = {"check exit": c.returncode, "check out": c.out, "render exit": r.returncode}
        with open(dump, "rb") as f:
            res["dump"] = f.read()
        for name in ("calendar.pdf", "press-release.pdf"):
            path = os.path.join(out, name)
            res[name] = open(path, "rb").read() if os.path.exists(path) else None
        m = re.search(r"took (\d+) of (\d+) copy-fit and line-breaking decisions", r.out)
        took = (int(m.group(1)), int(m.group(2))) if m else None
        return res, took, r


def same(a, b):
    return [k for k in a if a[k] != b.get(k)]


def main(chk, setup):
    cache = os.path.join(setup.tmp, "cache")
    datadir = os.path.join(setup.tmp, "data")
    os.makedirs(os.path.join(datadir, "fonts"))
    os.symlink(os.path.join(setup.src, "layouts"), os.path.join(datadir, "layouts"))
    conf = os.path.join(datadir, "fonts", "fonts.conf")
    shutil.copy(os.path.join(setup.src, "fonts", "fonts.conf"), conf)
    runs = Runner(setup, cache, datadir)

    fresh, took, _ = runs.outputs(CALPRESS_LAYOUT_CACHE="off")
    chk.ok(fresh["check exit"] == 0 and fresh["render exit"] == 0 and fresh["calendar.pdf"],
           "the sample checks and renders deciding everything anew", fresh["check out"][-2000:])
    chk.ok(not os.path.exists(os.path.join(cache, "layout.bin")),
           "CALPRESS_LAYOUT_CACHE=off keeps no decision")

    first, took, r = runs.outputs()
    chk.ok(took is not None and took[1] > 0, f"render --verbose says what it took ({took})",
           r.out[-2000:])
    chk.ok(os.path.exists(os.path.join(cache, "layout.bin")), "the decisions are kept")
    second, took, r = runs.outputs()
    chk.ok(took is not None and took[0] == took[1] and took[0] > 20,
           f"the next run takes every decision from the cache ({took})", r.out[-2000:])
    chk.ok(not same(fresh, first), "a run keeping its decisions makes what one without makes",
           same(fresh, first))
    chk.ok(not same(fresh, second), "a run taking every decision makes the same report, pages "
           "and PDFs", same(fresh, second))

    p = run([setup.calpress, "preview", "calendar.yaml", "-o",
             os.path.join(setup.tmp, "preview"), "--pages", "1", "--dpi", "10", "-q"],
            cwd=setup.stories, env=runs.env())
    chk.ok(p.returncode == 0, "preview runs (its fonts are made for rasters: other decisions)",
           p.err[-2000:])
    _, took, r = runs.outputs()
    chk.ok(took is not None and took[0] == took[1],
           f"a preview in between leaves render's decisions in place ({took})", r.out[-2000:])

    v = run([setup.calpress, "check", "calendar.yaml", "-q"], cwd=setup.stories,
            env=runs.env(CALPRESS_VERIFY_DECISIONS="1"))
    m = re.search(r"verify-decisions: (\d+) decisions from the cache checked, (\d+) differ", v.err)
    chk.ok(m and int(m.group(1)) > 20 and m.group(2) == "0",
           "every decision taken, searched again, is the same", v.err[-2000:])

    story = os.path.join(setup.stories, STORY)
    with open(story, encoding="utf-8") as f:
        text = f.read()
    chk.ok(EDIT[0] in text, f"{STORY} has the phrase the test edits")
    with open(story, "w", encoding="utf-8") as f:
        f.write(text.replace(EDIT[0], EDIT[1]))
    edited_fresh, _, _ = runs.outputs(CALPRESS_LAYOUT_CACHE="off")
    edited, took, r = runs.outputs()
    chk.ok(took is not None and 0 < took[0] < took[1],
           f"after an edit, the edited story's frames are decided anew ({took})", r.out[-2000:])
    chk.ok(not same(edited_fresh, edited), "and the pages are what deciding anew makes of them",
           same(edited_fresh, edited))
    chk.ok(edited["dump"] != fresh["dump"], "the edit shows in the layout")

    path = os.path.join(cache, "layout.bin")
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0x55
    with open(path, "wb") as f:
        f.write(data)
    damaged, took, r = runs.outputs()
    chk.ok(took is not None and took[0] == 0,
           f"a damaged cache file is not used ({took})", r.out[-2000:])
    chk.ok(not same(edited_fresh, damaged), "and the pages are the same", same(edited_fresh, damaged))
    _, took, r = runs.outputs()
    chk.ok(took is not None and took[0] == took[1], f"the file is written again, whole ({took})",
           r.out[-2000:])

    st = os.stat(conf)
    os.utime(conf, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    _, took, r = runs.outputs()
    chk.ok(took is not None and took[0] == 0,
           f"another fonts.conf (its stamp) decides everything anew ({took})", r.out[-2000:])
    _, took, _ = runs.outputs()
    chk.ok(took is not None and took[0] == took[1], f"then takes its own again ({took})")

    extra = sorted(glob.glob("/usr/share/fonts/opentype/inter/*.otf"))
    if extra:
        shutil.copy(extra[0], os.path.join(datadir, "fonts"))
        _, took, r = runs.outputs()
        chk.ok(took is not None and took[0] == 0,
               f"a font file dropped into fonts/ decides everything anew ({took})", r.out[-2000:])


if __name__ == "__main__":
    sys.exit(run_checks("e2e/decisions", main, copy="calpress-decisions-"))
