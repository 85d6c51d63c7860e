#!/usr/bin/env python3
"""render and check with several manifests in one run: each manifest's PDFs, build record,
messages and report are exactly what it gets alone, in a folder of -o named after it.

usage: test_many.py CALPRESS SOURCE_DIR
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402

ENV = dict(os.environ, SOURCE_DATE_EPOCH="1606780800")


def run(cmd, cwd=None):
    return subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=cwd, timeout=1200)


def files(folder):
    """Every file under folder (relative name -> bytes)."""
    out = {}
    for root, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, folder)] = f.read()
    return out


def many(chk, calpress, src, tmp, stories):
    # Three editions: the sample, the Bengali layout test's calendar and a partner edition of
    # the sample (another title, the same stories and photos) under another file name.
    bn = os.path.join(src, "tests", "layout", "bn", "calendar.yaml")
    partner = os.path.join(stories, "partner.yaml")
    with open(os.path.join(stories, "calendar.yaml"), encoding="utf-8") as f:
        text = f.read()
    with open(partner, "w", encoding="utf-8") as f:
        f.write(text.replace("title: Champions of Hope", "title: Champions of Hope (partner)"))
    sample = os.path.join(stories, "calendar.yaml")
    both = os.path.join(tmp, "both")
    r = run([calpress, "render", sample, bn, partner, "-o", both])
    chk.ok(r.returncode == 0, "render of three manifests exits 0", r.stderr[-2000:])
    chk.ok(sorted(os.listdir(both)) == ["bn", "partner", "s"],
           "each has its folder: the file's name, or its folder's when two are calendar.yaml",
           sorted(os.listdir(both)) if os.path.isdir(both) else "no folder")
    outs, errs = "", ""
    for manifest, name in ((sample, "s"), (bn, "bn"), (partner, "partner")):
        alone = os.path.join(tmp, "alone", name)
        a = run([calpress, "render", manifest, "-o", alone])
        outs += a.stdout.replace(os.path.join(tmp, "alone"), both)
        errs += a.stderr
        got, want = files(os.path.join(both, name)), files(alone)
        chk.ok(sorted(got) == sorted(want), f"{name}: the same files as alone", sorted(got))
        for k in sorted(want):
            if not k.endswith(".json"):
                chk.ok(got.get(k) == want[k], f"{name}: {k} byte for byte as alone")
        # The PDFs' stamps (size, time, hash: which file on disk the record describes) differ
        # between two renders of the same pages; everything else is the same.
        rec = lambda d: re.sub(rb'"pdf": \{[^}]*\}', b'"pdf": {}', d.get(  # noqa
            os.path.join(".calpress", "build.json"), b"").replace(
            both.encode(), b"").replace(os.path.join(tmp, "alone").encode(), b""))
        chk.ok(rec(got) == rec(want), f"{name}: the build record as alone")
    chk.ok(r.stdout == outs, "what it prints is what the three print alone", r.stdout + "\n--\n" + outs)
    chk.ok(r.stderr == errs, "its messages are the three's alone", r.stderr + "\n--\n" + errs)

    c = run([calpress, "check", sample, bn])
    c1, c2 = run([calpress, "check", sample]), run([calpress, "check", bn])
    chk.ok(c.returncode == 0 and c.stdout == c1.stdout + c2.stdout and c.stderr == c1.stderr +
           c2.stderr, "check of two manifests reports as the two alone", c.stdout[-1500:])

    # One manifest with an error: the other is still made; the bad one's folder is not.
    broken = os.path.join(stories, "broken.yaml")
    with open(broken, "w", encoding="utf-8") as f:
        f.write(text.replace("year: 2021", "year: 20x1"))
    mixed = os.path.join(tmp, "mixed")
    m = run([calpress, "render", broken, partner, "-o", mixed])
    chk.ok(m.returncode == 1, "an error in one manifest: exit 1", m.stderr)
    chk.ok("broken.yaml:" in m.stderr and "error" in m.stderr, "the error is reported", m.stderr)
    chk.ok(os.path.isfile(os.path.join(mixed, "partner", "calendar.pdf")),
           "the good manifest's PDFs are written")
    chk.ok(not os.path.exists(os.path.join(mixed, "broken")), "the bad one's folder is not made")

    # The same name twice is a usage error, before anything is written.
    same = os.path.join(tmp, "same")
    u = run([calpress, "render", sample, sample, "-o", same])
    chk.ok(u.returncode == 2 and "would both write into" in u.stderr, "one folder for two: exit 2",
           u.stderr)
    chk.ok(not os.path.exists(same), "nothing written after the usage error")
    d = run([calpress, "check", sample, bn, "--dump-layout", "-"])
    chk.ok(d.returncode == 2 and "--dump-layout takes one manifest" in d.stderr,
           "--dump-layout with two manifests: exit 2", d.stderr)
    w = run([calpress, "watch", sample, bn])
    chk.ok(w.returncode == 2 and "unexpected argument" in w.stderr, "watch takes one manifest",
           w.stderr)


def main():
    return run_checks("e2e/many", lambda chk, s: many(chk, s.calpress, s.src, s.tmp, s.stories),
                      copy="calpress-many-")


if __name__ == "__main__":
    sys.exit(main())
