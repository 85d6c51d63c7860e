"""Shared bookkeeping for calpress's Python test scripts: each check prints one line, and the
script ends with the plain closing line CI reads ('NAME: N passed, M failed')."""
import sys


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
