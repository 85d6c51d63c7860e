#!/usr/bin/env python3
"""The candidate search scores most candidates from their breaks alone, without setting them
(text.c's score_unset), and sets only the winner. With CALPRESS_VERIFY_UNSET set, calpress also
sets every candidate whose unset score it trusts and counts those whose line count, runt or any
line's word spacing (to 0.05 percentage points) differ from the set candidate's. The width model
follows Pango's letter spacing, soft hyphens and line starts; what it cannot see is a ligature
that a soft hyphen splits, so a few scores may differ. This test holds the model to that: on the
sample and the Bengali calendar, enough scores are checked and at most 5 % differ; and checking
changes nothing that check prints. The letter-spaced tracking steps of a paragraph share one
shaping (Pango shapes them alike, without ligatures): a step's widths are derived from another's,
and verifying measures them with Pango too, which must give the same widths to the bit. A
justified candidate's forced lines are shaped once and justified by calpress (layout/forced.c):
verifying sets each of them by Pango too, which must give the same glyphs to the unit.
usage: test_unset_scores.py CALPRESS SOURCE_DIR"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402

SUMMARY = re.compile(r"verify-unset: (\d+) unset scores checked, (\d+) differ")
DERIVED = re.compile(r"verify-unset: (\d+) letter-spaced measures derived from another step's, "
                     r"(\d+) differ")
FORCED = re.compile(r"verify-unset: (\d+) settings with forced breaks shaped once, (\d+) checked, "
                    r"(\d+) differ from Pango's; (\d+) set by Pango")


def run(calpress, manifest, verify):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    env.pop("CALPRESS_VERIFY_UNSET", None)
    env.pop("CALPRESS_WORKER", None)  # a helper's plans would skip the search verified here
    if verify:
        env["CALPRESS_VERIFY_UNSET"] = "1"
    return subprocess.run([calpress, "check", os.path.basename(manifest)], capture_output=True,
                          text=True, env=env, cwd=os.path.dirname(manifest), timeout=240)


def main(chk, setup):
    # Bengali clusters join characters: its steps are each measured by Pango.
    cases = [("sample", os.path.join(setup.src, "stories", "calendar.yaml"), 200, 50, 200),
             ("Bengali", os.path.join(setup.src, "tests", "layout", "bn", "calendar.yaml"), 50, 0,
              100)]
    for label, manifest, least, least_derived, least_forced in cases:
        plain = run(setup.calpress, manifest, False)
        verified = run(setup.calpress, manifest, True)
        chk.ok(plain.returncode == 0 and verified.returncode == 0,
               f"{label}: check succeeds ({plain.returncode}, {verified.returncode})")
        chk.ok(plain.stdout == verified.stdout, f"{label}: verifying changes nothing check prints")
        m = SUMMARY.search(verified.stderr)
        chk.ok(m is not None, f"{label}: calpress reports what it verified")
        if not m:
            continue
        checked, differ = int(m.group(1)), int(m.group(2))
        chk.ok(checked >= least, f"{label}: {checked} unset scores checked (at least {least})")
        chk.ok(differ * 20 <= checked,
               f"{label}: {differ} of {checked} differ from their setting (at most 5 %)")
        chk.ok("verify-unset" not in plain.stderr, f"{label}: nothing verified unless asked")
        m = DERIVED.search(verified.stderr)
        chk.ok(m is not None, f"{label}: calpress reports the derived measures it verified")
        if m:
            n, differ = int(m.group(1)), int(m.group(2))
            chk.ok(n >= least_derived, f"{label}: {n} derived measures (at least {least_derived})")
            chk.ok(differ == 0, f"{label}: {differ} of {n} derived measures differ from Pango's")
        m = FORCED.search(verified.stderr)
        chk.ok(m is not None, f"{label}: calpress reports the forced lines it verified")
        if m:
            n, checked, differ, pango = (int(g) for g in m.groups())
            chk.ok(n >= least_forced and checked == n,
                   f"{label}: {n} settings with forced lines, {checked} checked (at least "
                   f"{least_forced})")
            chk.ok(differ == 0, f"{label}: {differ} of {n} forced settings differ from Pango's")
            chk.ok(pango * 10 <= n, f"{label}: {pango} left to Pango (at most a tenth)")


if __name__ == "__main__":
    sys.exit(run_checks("layout/unset-scores", main))
