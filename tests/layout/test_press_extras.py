#!/usr/bin/env python3
"""The press release's dateline switch and contacts heading (issue 8, item 13), read from the
display list of tests/manifest/cases/press-no-dateline.yaml and press-body-dateline.yaml.
usage: test_press_extras.py CALPRESS SOURCE_DIR"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402


def dump(calpress, cases, name):
    r = subprocess.run([calpress, "check", name, "--dump-layout", "-"], cwd=cases,
                       capture_output=True, text=True)
    press = r.stdout[r.stdout.rfind("\npage 1 "):] if "\npage 1 " in r.stdout else ""
    return r, press


def main(chk, setup):
    calpress = setup.calpress
    cases = os.path.join(setup.src, "tests", "manifest", "cases")
    r, press = dump(calpress, cases, "press-no-dateline.yaml")
    chk.ok(r.returncode == 0, "dateline: false without a place is accepted", r.stderr)
    body = re.findall(r'^  body text .* "(.*)"$', press, re.M)
    chk.ok(body and body[0].startswith("Kolkata, 14th December, 2020: One short"),
           "the body starts with its own words, no printed dateline", body[:1])
    chk.ok("KOLKATA" not in press.upper().replace(body[0].upper() if body else "", ""),
           "no dateline anywhere on the page")
    heads = re.findall(r'^  contacts text (\S+) (\S+) .* "(.*)"$', press, re.M)
    chk.ok(heads and heads[0][2] == "For further information, please contact:",
           "the contacts heading is the first line of the contacts", heads[:2])
    if len(heads) > 1:
        chk.ok(float(heads[1][1]) > float(heads[0][1]) and heads[1][2] == "Press Officer",
               "the first contact's name is set below the heading", heads[:2])
    r, press = dump(calpress, cases, "press-body-dateline.yaml")
    body = re.findall(r'^  body text .* "(.*)"$', press, re.M)
    chk.ok(body and body[0].startswith("KOLKATA, 14 December 2020 — Kolkata, 14th"),
           "by default the printed dateline runs into the body (hence the warning)", body[:1])
if __name__ == "__main__":
    sys.exit(run_checks("layout/press-extras", main))
