#!/usr/bin/env python3
"""Do two calpress builds make the same output? Runs both on a corpus and compares, byte for
byte, what each prints (check's copy-fit report and messages), its layout dump and both PDFs.
For speed work: a faster build must write exactly what the old one wrote.

usage: bench/compare.py OLD_CALPRESS NEW_CALPRESS [--rounds N] [--keep DIR] [--ignore-ids]

The corpus: the sample (stories/), the Bengali calendar of the layout tests, and N variants of
the sample whose stories are reshuffled from the sample's own sentences at lengths from half to
up to 1.6 times the original (so copy-fit shrinks, tightens leading, and sometimes gives up with
an error), each with a seeded random generator. Exit status 0 when every output is the same.
--ignore-ids compares the PDFs with their document IDs (the trailer's /ID, the XMP's InstanceID)
blanked out, for a change in how the ID is made.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Both builds read the same layouts/ and fonts/ (this tree's) and stamp the same date.
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1606780800", CALPRESS_DATADIR=ROOT)


def blank_ids(pdf):
    """A PDF with its /ID and XMP InstanceID blanked, same length."""
    pdf = re.sub(rb"/ID \[<[0-9a-fA-F]+><[0-9a-fA-F]+>\]",
                 lambda m: re.sub(rb"[0-9a-fA-F]", b"0", m.group(0)), pdf)
    return re.sub(rb"<xmpMM:InstanceID>uuid:[0-9a-f-]+</xmpMM:InstanceID>",
                  lambda m: re.sub(rb"uuid:[0-9a-f-]+", lambda u: b"x" * len(u.group(0)),
                                   m.group(0)), pdf)


def outputs(calpress, manifest, out, ignore_ids=False):
    """What a build makes of a manifest: check's output and dump, render's output and PDFs."""
    res = {}
    c = subprocess.run([calpress, "check", manifest, "--dump-layout", "-"], capture_output=True,
                       env=ENV, cwd=os.path.dirname(manifest))
    res["check exit"] = str(c.returncode).encode()
    res["check stdout"] = c.stdout
    res["check stderr"] = c.stderr
    shutil.rmtree(out, ignore_errors=True)
    r = subprocess.run([calpress, "render", manifest, "-o", out], capture_output=True, env=ENV,
                       cwd=os.path.dirname(manifest))
    res["render exit"] = str(r.returncode).encode()
    res["render stdout"] = re.sub(rb"proof \d+:.*", b"", r.stdout)
    res["render stderr"] = r.stderr
    for name in sorted(os.listdir(out)) if os.path.isdir(out) else []:
        if name.endswith(".pdf"):
            with open(os.path.join(out, name), "rb") as f:
                res[name] = blank_ids(f.read()) if ignore_ids else f.read()
    return res


def sentences(folder):
    """Every sentence of the sample's story bodies."""
    found = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".yaml") and name not in ("calendar.yaml", "press-release.yaml"):
            text = open(os.path.join(folder, name), encoding="utf-8").read()
            body = text.split("body: |", 1)[-1] if "body: |" in text else ""
            body = " ".join(l.strip() for l in body.splitlines() if l.startswith("  "))
            found += [s.strip() + "." for s in body.split(".") if len(s.strip()) > 3]
    return found


def variant(src, dst, seed, pool):
    """The sample with every story's body rewritten from random sentences."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("photos"))
    os.symlink(os.path.join(src, "photos"), os.path.join(dst, "photos"))
    rng = random.Random(seed)
    for name in sorted(os.listdir(dst)):
        path = os.path.join(dst, name)
        if not name.endswith(".yaml") or name in ("calendar.yaml", "press-release.yaml"):
            continue
        text = open(path, encoding="utf-8").read()
        if "body: |" not in text:
            continue
        head, rest = text.split("body: |", 1)
        tail = "".join(l + "\n" for l in rest.splitlines() if l and not l.startswith("  "))
        words = len(rest.split())
        paras, n = [], 0
        target = int(words * rng.uniform(0.5, 1.0 + 0.1 * (seed % 7)))
        while n < target:
            para = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 5)))
            paras.append(para)
            n += len(para.split())
        body = "\n\n".join(paras)
        lines = "".join("  " + l + "\n" if l else "\n" for l in body.split("\n"))
        with open(path, "w", encoding="utf-8") as f:
            f.write(head + "body: |\n" + lines + tail)
    return os.path.join(dst, "calendar.yaml")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--keep", help="keep the corpus here")
    ap.add_argument("--ignore-ids", action="store_true",
                    help="compare PDFs with their document IDs blanked")
    args = ap.parse_args()
    args.old, args.new = os.path.abspath(args.old), os.path.abspath(args.new)
    tmp = args.keep or tempfile.mkdtemp(prefix="calpress-compare-")
    os.makedirs(tmp, exist_ok=True)
    stories = os.path.join(ROOT, "stories")
    cases = [("sample", os.path.join(stories, "calendar.yaml")),
             ("bengali", os.path.join(ROOT, "tests", "layout", "bn", "calendar.yaml"))]
    pool = sentences(stories)
    for seed in range(args.rounds):
        cases.append((f"shuffled-{seed}", variant(stories, os.path.join(tmp, f"v{seed}"), seed,
                                                  pool)))
    differ = 0
    for name, manifest in cases:
        a = outputs(args.old, manifest, os.path.join(tmp, "out"), args.ignore_ids)
        b = outputs(args.new, manifest, os.path.join(tmp, "out"), args.ignore_ids)
        bad = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        status = "same" if not bad else "DIFFERENT: " + ", ".join(bad)
        print(f"{name:12s} check exit {a['check exit'].decode()}, render exit "
              f"{a['render exit'].decode()}: {status}", flush=True)
        differ += bool(bad)
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"compare: {len(cases) - differ} of {len(cases)} cases the same")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
