#!/usr/bin/env python3
"""Runs one manifest-validation case against calpress.

usage: run_case.py [--regenerate] CALPRESS CASE_DIR NAME

CASE_DIR/NAME.yaml is the manifest and CASE_DIR/NAME.expected the exact standard error that
`calpress check NAME.yaml` must print, run with CASE_DIR as the working directory. The expected
exit status is 1 unless the first line of the .expected file is `# exit: N`.

Checks, each counted as one test:
  check    `calpress check NAME.yaml`: exit status and stderr exactly as expected (and, for a
           failing case, nothing on stdout);
  render   `calpress render NAME.yaml -o TMP`, where TMP already holds a calendar.pdf and a
           press-release.pdf with known bytes: the same exit status and stderr; when the case
           fails, both files are byte-identical afterwards and no other file (no temporary file)
           appeared; when it succeeds, exactly two PDFs were written and nothing else is left.

--regenerate rewrites NAME.expected from what `calpress check` prints. Use it only for reviewed
updates: read every regenerated line (file, line, column and wording) before committing it.
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

PREVIOUS = b"previous build\n"
OLD_OUTPUTS = ("calendar.pdf", "press-release.pdf")
TIMEOUT = 240  # a hang guard, not a speed limit


def calpress_env():
    env = dict(os.environ)
    # Layouts and fonts come from the source tree beside the build; messages from strerror are
    # English; the build date never depends on the clock.
    env.pop("CALPRESS_DATADIR", None)
    env.pop("LANGUAGE", None)
    env["LC_ALL"] = "C"
    env["SOURCE_DATE_EPOCH"] = "1608000000"
    return env


def run(calpress, case_dir, args):
    p = subprocess.run([calpress] + args, cwd=case_dir, env=calpress_env(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    # Messages about the installed layouts name them by absolute path: the checkout's place
    # differs between machines, so it reads <source>/ in the expected files.
    source = os.path.abspath(os.path.join(case_dir, "..", "..", "..")).encode() + b"/"
    return p.returncode, p.stdout, p.stderr.replace(source, b"<source>/")


def parse_expected(data):
    """(exit status, expected stderr bytes) from the .expected file's bytes."""
    m = re.match(rb"# exit: (\d+)\n", data)
    if m:
        return int(m.group(1)), data[m.end():]
    return 1, data


def text(b):
    return b.decode("utf-8", "backslashreplace")


def diff(expected, actual, what):
    lines = difflib.unified_diff(text(expected).splitlines(keepends=True),
                                 text(actual).splitlines(keepends=True),
                                 fromfile="expected " + what, tofile="actual " + what)
    out = "".join(lines)
    return out if out.endswith("\n") else out + "\n"


def check_result(label, rc, out, err, want_rc, want_err):
    """A list of failure descriptions (empty when the run is as expected)."""
    problems = []
    if rc < 0:
        problems.append(f"{label}: calpress was killed by signal {-rc} (a crash), expected exit "
                        f"status {want_rc}")
    elif rc != want_rc:
        problems.append(f"{label}: exit status {rc}, expected {want_rc}")
    if err != want_err:
        problems.append(f"{label}: stderr differs from the .expected file:\n"
                        + diff(want_err, err, "stderr"))
    if want_rc != 0 and out:
        lines = text(out).splitlines()
        more = f"\n... ({len(lines) - 10} more lines)" if len(lines) > 10 else ""
        problems.append(f"{label}: a failing run printed on stdout:\n" + "\n".join(lines[:10])
                        + more)
    return problems


def check_outputs(tmp, ok):
    problems = []
    names = sorted(os.listdir(tmp))
    if not ok:
        extra = [n for n in names if n not in OLD_OUTPUTS]
        if extra:
            problems.append(f"render: files appeared in the output folder: {extra}")
        for n in OLD_OUTPUTS:
            path = os.path.join(tmp, n)
            if not os.path.isfile(path):
                problems.append(f"render: {n} was removed from the output folder")
                continue
            with open(path, "rb") as f:
                if f.read() != PREVIOUS:
                    problems.append(f"render: {n} was overwritten by a failing run")
        return problems
    pdfs = []
    for n in names:
        path = os.path.join(tmp, n)
        if n == ".calpress" and os.listdir(path) == ["build.json"]:
            continue  # the build record, beside the PDFs of a render that succeeded
        if not os.path.isfile(path):
            problems.append(f"render: unexpected folder {n} in the output folder")
            continue
        with open(path, "rb") as f:
            data = f.read()
        if data.startswith(b"%PDF-"):
            pdfs.append(n)
        elif not (n in OLD_OUTPUTS and data == PREVIOUS):
            problems.append(f"render: unexpected file {n} in the output folder")
    if len(pdfs) != 2:
        problems.append(f"render: expected two PDFs in the output folder, found {pdfs}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regenerate", action="store_true",
                    help="rewrite NAME.expected from the actual output (reviewed updates only)")
    ap.add_argument("calpress")
    ap.add_argument("case_dir")
    ap.add_argument("name")
    a = ap.parse_args()

    calpress = os.path.abspath(a.calpress)
    manifest = a.name + ".yaml"
    expected_path = os.path.join(a.case_dir, a.name + ".expected")
    if not os.path.isfile(os.path.join(a.case_dir, manifest)):
        print(f"run_case.py: no case {os.path.join(a.case_dir, manifest)}", file=sys.stderr)
        return 2

    rc, out, err = run(calpress, a.case_dir, ["check", manifest])

    if a.regenerate:
        with open(expected_path, "wb") as f:
            if rc != 1:
                f.write(b"# exit: %d\n" % rc)
            f.write(err)
        print(f"manifest case {a.name}: regenerated {expected_path} (exit {rc}); review it")
        return 0

    if not os.path.isfile(expected_path):
        print(f"manifest case {a.name}: missing {expected_path} (write it, or --regenerate and "
              "review)", file=sys.stderr)
        print(f"manifest case {a.name}: 0 passed, 1 failed")
        return 1
    with open(expected_path, "rb") as f:
        want_rc, want_err = parse_expected(f.read())

    passed = failed = 0
    problems = check_result("check", rc, out, err, want_rc, want_err)
    if problems:
        failed += 1
        for p in problems:
            print(p, end="" if p.endswith("\n") else "\n")
    else:
        passed += 1

    tmp = tempfile.mkdtemp(prefix="calpress-case-")
    try:
        for n in OLD_OUTPUTS:
            with open(os.path.join(tmp, n), "wb") as f:
                f.write(PREVIOUS)
        rc, out, err = run(calpress, a.case_dir, ["render", manifest, "-o", tmp])
        problems = check_result("render", rc, out, err, want_rc, want_err)
        problems += check_outputs(tmp, want_rc == 0 and rc == 0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if problems:
        failed += 1
        for p in problems:
            print(p, end="" if p.endswith("\n") else "\n")
    else:
        passed += 1

    print(f"manifest case {a.name}: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
