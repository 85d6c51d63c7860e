"""Shared bookkeeping for calpress's Python test scripts: each check prints one line, and the
script ends with the plain closing line CI reads ('NAME: N passed, M failed'); run_checks is
such a script's main()."""
import os
import shutil
import sys
import tempfile
import time
import traceback

from sample import sample_copy


class Checks:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def ok(self, cond, what, detail=""):
        if cond:
            self.passed += 1
            print(f"  ok    {what}")
        else:
            self.failed += 1
            print(f"  FAIL  {what}")
            if detail:
                for line in str(detail).rstrip("\n").split("\n"):
                    print(f"        {line}")
        sys.stdout.flush()
        return bool(cond)

    def note(self, msg):
        print(f"  note  {msg}")
        sys.stdout.flush()


class Setup:
    """What run_checks hands a test's body: calpress and src (absolute paths), args (the
    arguments after those two), regenerate (--regenerate was given), and with a sample copy
    tmp (the temporary folder) and stories (the copy of stories/ in it); else both None."""


def run_checks(name, body, copy=None, argv=None):
    """The main() of a test script run as `SCRIPT CALPRESS SOURCE_DIR [ARGS...] [--regenerate]`:
    calls body(chk, setup) with a Checks named `name` (formatted with ARGS, so "layout/x-{0}" names
    it after the first) and a Setup. With `copy` (a folder name prefix) the test works on a private
    copy of the sample (sample.py): removed when every check passed, kept and said otherwise.
    Prints the closing line "NAME: N passed, M failed"; returns the exit status (1 on a failure)."""
    argv = sys.argv[1:] if argv is None else argv
    args = [a for a in argv if a != "--regenerate"]
    if len(args) < 2:
        print(f"usage: {sys.argv[0]} CALPRESS SOURCE_DIR [ARGS...]", file=sys.stderr)
        return 2
    setup = Setup()
    setup.calpress, setup.src = os.path.abspath(args[0]), os.path.abspath(args[1])
    setup.args, setup.regenerate = args[2:], "--regenerate" in argv
    setup.tmp = setup.stories = None
    chk = Checks(name.format(*setup.args))
    if copy:
        setup.tmp, setup.stories = sample_copy(setup.src, copy)
    body(chk, setup)
    if setup.tmp and not chk.failed:
        shutil.rmtree(setup.tmp)
    elif setup.tmp:
        print(f"  files kept in {setup.tmp}")
    print(f"{chk.name}: {chk.passed} passed, {chk.failed} failed")
    sys.stdout.flush()
    return 1 if chk.failed else 0


class Abort(Exception):
    """A check cannot go on (its failure is already counted)."""


class Skip(Exception):
    """The environment cannot run this check (the reason is the message): exit 77."""


SKIP = 77


def run_in_tmp(label, chk, body, keep=False, tmp=None, cleanup=None):
    """Runs body(tmp) in a temporary folder: tmp, one the caller made (a sample copy), or a new
    one named after label ("print/boxes": calpress-print-boxes-...). An Abort ends the body; a
    Skip ends it as skipped; any other exception of the test itself counts as a failed check.
    Unless a check failed or keep, the folder is removed and cleanup() called. Prints the
    folder, the time taken and the closing line "LABEL: N passed, M failed"; returns the exit
    status: 1 on a failure or when no check ran, SKIP after a Skip, else 0."""
    t0 = time.monotonic()
    tmp = tmp or tempfile.mkdtemp(prefix=f"calpress-{label.replace('/', '-')}-")
    print(f"{label}: working in {tmp}")
    skipped = False
    try:
        body(tmp)
    except Abort:
        pass
    except Skip as e:
        print(f"{label}: skipped: {e}")
        skipped = True
    except Exception as e:  # a crash of the test itself counts as a failure
        chk.ok(False, f"test raised {type(e).__name__}: {e}", traceback.format_exc())
    if chk.failed or keep:
        print(f"{label}: kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
        if cleanup:
            cleanup()
    print(f"{label}: took {time.monotonic() - t0:.1f} s")
    print(f"{label}: {chk.passed} passed, {chk.failed} failed")
    if skipped and not chk.failed:
        return SKIP
    return 1 if chk.failed or chk.passed == 0 else 0
