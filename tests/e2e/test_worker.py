#!/usr/bin/env python3
"""The helper process (CALPRESS_WORKER, src/worker.c): with it, render and check make exactly
what they make without it, whether the run follows the helper's plans on some pages ("on") or
on every page ("first"), for the sample as an sRGB proof and for the press (--press: FOGRA39),
the Bengali calendar and a sample whose stories are lengthened so that copy-fit shrinks them.
With "first" the run keeps to the helper's plans on every page: the helper sets each paragraph
as the run does (the same set-up, output intent included), so none has to be searched again.

usage: test_worker.py CALPRESS SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402


def run(cmd, mode):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1606780800", CALPRESS_WORKER=mode,
               CALPRESS_WORKER_REPORT="1")
    return subprocess.run(cmd, capture_output=True, env=env, timeout=1200)


def lengthen(stories):
    """Two stories a third longer (their last paragraph again, reworded), so they shrink."""
    for name in ("neha.yaml", "priya.yaml"):
        path = os.path.join(stories, name)
        text = open(path, encoding="utf-8").read()
        head, rest = text.split("body: |\n", 1)
        lines = rest.split("\n")
        n = 0
        while n < len(lines) and (lines[n].startswith("  ") or not lines[n]):
            n += 1
        body, tail = lines[:n], lines[n:]
        paras = "\n".join(body).strip("\n").split("\n\n")
        extra = paras[0].replace(" she ", " she often ").replace(" her ", " her own ")
        new = "\n\n".join(paras + [extra]) + "\n"
        with open(path, "w", encoding="utf-8") as f:
            f.write(head + "body: |\n" + new + "\n".join(tail))


def worker(chk, calpress, src, tmp, stories):
    long = os.path.join(tmp, "long")
    shutil.copytree(stories, long, symlinks=True)
    lengthen(long)
    cases = [("sample", os.path.join(stories, "calendar.yaml"), []),
             ("sample --press", os.path.join(stories, "calendar.yaml"), ["--press"]),
             ("bengali", os.path.join(src, "tests", "layout", "bn", "calendar.yaml"), []),
             ("lengthened", os.path.join(long, "calendar.yaml"), [])]
    shrunk = run([calpress, "check", cases[3][1]], "off")
    chk.ok(b"shrunk from" in shrunk.stdout, "the lengthened stories are shrunk to fit",
           shrunk.stdout.decode()[-800:] + shrunk.stderr.decode()[-800:])
    for name, manifest, extra in cases:
        made = {}
        for mode in ("off", "on", "first"):
            out = os.path.join(tmp, f"{name.replace(' ', '')}-{mode}")
            r = run([calpress, "render", manifest, "-o", out] + extra, mode)
            c = run([calpress, "check", manifest, "--dump-layout", "-"] + extra, mode)
            report = re.compile(rb"calpress: worker: (\d+) pages set from the helper's plans, "
                                rb"(\d+) kept to them\n")
            counts = [(int(a), int(b)) for a, b in report.findall(r.stderr + c.stderr)]
            followed = [a for a, _ in counts]
            pdfs = {}
            for pdf in ("calendar.pdf", "press-release.pdf"):
                p = os.path.join(out, pdf)
                pdfs[pdf] = open(p, "rb").read() if os.path.exists(p) else None
            made[mode] = (r.returncode, report.sub(b"", r.stderr), pdfs, c.returncode,
                          c.stdout, report.sub(b"", c.stderr))
            if mode == "off":
                chk.ok(not followed, f"{name}: no helper when CALPRESS_WORKER=off")
            elif mode == "first":
                chk.ok(followed == [15, 15], f"{name}: every page set from the helper's plans",
                       followed)
                chk.ok(counts == [(15, 15), (15, 15)],
                       f"{name}: every page kept to the helper's plans (none searched again)",
                       counts)
            else:
                chk.ok(len(followed) == 2, f"{name}: the helper ran", followed)
        for mode in ("on", "first"):
            a, b = made["off"], made[mode]
            chk.ok(a[0] == b[0] and a[1] == b[1], f"{name}, {mode}: render's status and messages")
            for pdf in a[2]:
                chk.ok(a[2][pdf] == b[2][pdf], f"{name}, {mode}: {pdf} byte for byte")
            chk.ok(a[3:] == b[3:], f"{name}, {mode}: check's report, layout dump and messages")


def main():
    return run_checks("e2e/worker", lambda chk, s: worker(chk, s.calpress, s.src, s.tmp, s.stories),
                      copy="calpress-worker-")


if __name__ == "__main__":
    sys.exit(main())
