#!/usr/bin/env python3
"""Layout golden test: the display-list dump of chosen frames of one page, compared with a
reviewed .expected file (line breaks, hyphen positions, baselines to 0.01 pt).

usage: run_dump.py CALPRESS MANIFEST PAGE_LABEL TAG[,TAG...] EXPECTED [--regenerate]
"""
import difflib
import os
import subprocess
import sys


def main():
    args = [a for a in sys.argv[1:] if a != "--regenerate"]
    regenerate = "--regenerate" in sys.argv
    calpress, manifest, label, tags, expected = args
    tags = set(tags.split(","))
    env = dict(os.environ, SOURCE_DATE_EPOCH="1607904000")
    r = subprocess.run([calpress, "check", os.path.basename(manifest), "--dump-layout", "-"],
                       cwd=os.path.dirname(os.path.abspath(manifest)), capture_output=True,
                       text=True, env=env)
    name = os.path.basename(expected)
    if r.returncode != 0:
        print(r.stderr)
        print(f"layout/{name}: 0 passed, 1 failed")
        return 1
    out, inside = [], False
    for line in r.stdout.splitlines():
        if line.startswith("page "):
            if inside:
                break
            inside = line.split()[2] == label
            if inside:
                out.append(line)
        elif inside and line.strip().split(" ", 1)[0] in tags:
            out.append(line)
    if len(out) <= 1:
        print(f"no items tagged {sorted(tags)} on page '{label}'")
        print(f"layout/{name}: 0 passed, 1 failed")
        return 1
    text = "\n".join(out) + "\n"
    if regenerate:
        with open(expected, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"regenerated {expected}: review it before committing")
        return 0
    with open(expected, encoding="utf-8") as f:
        want = f.read()
    if want != text:
        sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                                   "expected", "actual"))
        print(f"layout/{name}: 0 passed, 1 failed")
        return 1
    print(f"layout/{name}: 1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
