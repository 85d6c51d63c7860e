#!/usr/bin/env python3
"""The command line's contract: exit status 0 ok, 1 input errors, 2 usage errors.

usage: exit_codes.py CALPRESS CASE_DIR

Each check runs calpress in a fresh temporary folder (CASE_DIR supplies a valid manifest) and
compares the exit status and what goes to stdout and stderr.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 240  # a hang guard, not a speed limit
VALID = "valid-story-files.yaml"


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    calpress = os.path.abspath(sys.argv[1])
    case_dir = os.path.abspath(sys.argv[2])
    env = dict(os.environ)
    env.pop("CALPRESS_DATADIR", None)
    env.pop("LANGUAGE", None)
    env["LC_ALL"] = "C"
    env["SOURCE_DATE_EPOCH"] = "1608000000"
    valid = os.path.join(case_dir, VALID)

    passed = failed = 0

    def check(label, args, rc, stdout=None, stderr=None, cwd=None, after=None):
        """stdout/stderr: None (anything), b"" (nothing), bytes (exactly) or a regex string."""
        nonlocal passed, failed
        tmp = tempfile.mkdtemp(prefix="calpress-cli-")
        try:
            p = subprocess.run([calpress] + args, cwd=cwd or tmp, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
            problems = []
            if p.returncode != rc:
                problems.append(f"exit status {p.returncode}, expected {rc}")
            for stream, want, got in (("stdout", stdout, p.stdout), ("stderr", stderr, p.stderr)):
                if want is None:
                    continue
                if isinstance(want, bytes):
                    ok = got == want
                else:
                    ok = re.fullmatch(want, got.decode("utf-8", "backslashreplace"), re.S)
                if not ok:
                    problems.append(f"{stream} is {got!r}, expected {want!r}")
            if after:
                problems += after(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if problems:
            failed += 1
            print(f"FAIL {label}: calpress {' '.join(args)}")
            for pr in problems:
                print(f"  {pr}")
        else:
            passed += 1

    def nothing_created(tmp):
        left = os.listdir(tmp)
        return [f"files appeared: {left}"] if left else []

    usage = r"usage: calpress COMMAND \[ARGS\]\n.*"
    check("no arguments", [], 2, stdout=b"", stderr=usage)
    check("unknown command", ["frobnicate"], 2, stdout=b"",
          stderr=r"calpress: unknown command 'frobnicate' \(try 'calpress --help'\)\n" + usage)
    check("unknown option", ["check", valid, "--frobnicate"], 2, stdout=b"",
          stderr=r"calpress: unknown option '--frobnicate'\nusage: calpress check MANIFEST.*")
    check("unknown option of render writes nothing",
          ["render", valid, "-o", "out", "--frobnicate"], 2, stdout=b"",
          stderr=r"calpress: unknown option '--frobnicate'\nusage: calpress render MANIFEST.*",
          after=nothing_created)
    check("render -o without a folder", ["render", valid, "-o"], 2, stdout=b"",
          stderr=r"calpress: -o needs a folder\nusage: calpress render MANIFEST.*",
          after=nothing_created)
    check("--overlay with --press", ["render", valid, "-o", "out", "--overlay", "--press"], 2,
          stdout=b"", stderr=r"calpress: --overlay is for proofs; .*\nusage: calpress render .*",
          after=nothing_created)
    check("--condition without --icc", ["render", valid, "-o", "out", "--condition", "FOGRA39"],
          2, stdout=b"", stderr=r"calpress: --condition .*\nusage: calpress render .*",
          after=nothing_created)
    check("check without a manifest", ["check"], 2, stdout=b"",
          stderr=r"calpress: check needs a MANIFEST file\nusage: calpress check MANIFEST.*")
    check("the same manifest twice", ["check", valid, valid], 0,
          stdout=r"(?s)(.*: OK: calendar 14 pages, press release 1 page\n){2}", stderr=b"")
    check("two manifests into one folder", ["render", valid, valid, "-o", "out"], 2, stdout=b"",
          stderr=r"calpress: .* and .* would both write into out/.*\nusage: calpress render .*",
          after=nothing_created)
    check("watch with two manifests", ["watch", valid, valid], 2, stdout=b"",
          stderr=r"calpress: unexpected argument '.*'\nusage: calpress watch MANIFEST.*")
    check("help for an unknown command", ["help", "frobnicate"], 2, stdout=b"",
          stderr=r"calpress: no command 'frobnicate'\n" + usage)
    check("--help", ["--help"], 0, stdout=usage, stderr=b"")
    check("-h", ["-h"], 0, stdout=usage, stderr=b"")
    check("help", ["help"], 0, stdout=usage, stderr=b"")
    check("--version", ["--version"], 0, stdout=r"calpress \d+\.\d+\.\d+\n", stderr=b"")
    check("help render", ["help", "render"], 0,
          stdout=r"usage: calpress render MANIFEST.*", stderr=b"")
    check("help check", ["help", "check"], 0,
          stdout=r"usage: calpress check MANIFEST.*", stderr=b"")
    check("render --help", ["render", "--help"], 0,
          stdout=r"usage: calpress render MANIFEST.*", stderr=b"", after=nothing_created)
    check("missing manifest (check)", ["check", "MISSING.yaml"], 1, stdout=b"",
          stderr=b"MISSING.yaml: error: cannot read file: No such file or directory\n"
                 b"calpress: 1 error; nothing was written\n")
    check("missing manifest (render)", ["render", "MISSING.yaml", "-o", "out"], 1, stdout=b"",
          stderr=b"MISSING.yaml: error: cannot read file: No such file or directory\n"
                 b"calpress: 1 error; nothing was written\n",
          after=nothing_created)
    check("a folder as the manifest", ["check", "."], 1, stdout=b"",
          stderr=r"\.: error: cannot read file: .*\ncalpress: 1 error; nothing was written\n")
    check("valid manifest (check)", ["check", VALID], 0,
          stdout=r".*valid-story-files\.yaml: OK: calendar 14 pages, press release 1 page\n",
          stderr=b"", cwd=case_dir)

    def two_pdfs(tmp):
        out = os.path.join(tmp, "out")
        names = sorted(os.listdir(out)) if os.path.isdir(out) else []
        if names != [".calpress", "calendar.pdf", "press-release.pdf"]:
            return [f"output folder holds {names}"]
        return []

    check("valid manifest (render)", ["render", valid, "-o", "out"], 0,
          stdout=r"wrote out/calendar\.pdf \(14 pages, .*\)\nwrote out/press-release\.pdf .*",
          stderr=b"", after=two_pdfs)

    # Every option a command's usage line names has a line of its own in `help COMMAND`
    # (issue 8, item 12: `help preview` listed --press and --placeholders without saying what
    # they do).
    for cmd in ("render", "check", "preview"):
        p = subprocess.run([calpress, "help", cmd], env=env, capture_output=True, text=True,
                           timeout=TIMEOUT)
        usage = p.stdout.split("\n\n")[0]
        named = sorted(set(re.findall(r"(--[a-z-]+)", usage)))
        described = set(re.findall(r"^\s+(?:-\w, )?(--[a-z-]+)", p.stdout, re.M))
        missing = [o for o in named if o not in described]
        if p.returncode == 0 and named and not missing:
            passed += 1
        else:
            failed += 1
            print(f"FAIL help {cmd}: options in the usage line without a description: {missing}")

    # Paths in messages as the user would type them (issue 8, item 16): run from the source
    # folder, the installed-layout note names layouts/a3-portrait.yaml, not an absolute path.
    src = os.path.dirname(os.path.dirname(os.path.dirname(case_dir)))
    check("paths relative to the current folder",
          ["check", os.path.join("tests", "manifest", "cases", "holidays-overflow.yaml")], 1,
          stderr=r"tests/manifest/cases/holidays-overflow\.yaml:43:5: error: .*\n"
                 r"layouts/a3-portrait\.yaml:\d+:\d+: note: frame 'holidays' .*\n"
                 r"calpress: 1 error; nothing was written\n", cwd=src)
    # A data folder named relative to the working folder: its fonts.conf is found there (not
    # in fontconfig's own folders, where fontconfig looks for a relative configuration file).
    env["CALPRESS_DATADIR"] = "."
    check("CALPRESS_DATADIR=. in the source folder",
          ["check", os.path.join("tests", "manifest", "cases", VALID)], 0,
          stdout=r".*valid-story-files\.yaml: OK: calendar 14 pages, press release 1 page\n",
          stderr=b"", cwd=src)
    env.pop("CALPRESS_DATADIR")

    print(f"manifest exit-codes: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
