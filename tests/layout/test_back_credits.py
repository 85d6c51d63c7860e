#!/usr/bin/env python3
"""The back page's photo credits (issue 13, item 5): one line when every photo has the same
credit, one line a photographer otherwise, the cover included, months in ranges; no pseudonym
marks. Read from the display list (--dump-layout) and from the PDF's text.
usage: test_back_credits.py CALPRESS SOURCE_DIR"""
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def set_credits(d, cover, months):
    """Gives the cover and each month's story (in the manifest's order) the credits given."""
    cal = os.path.join(d, "calendar.yaml")
    text = open(cal, encoding="utf-8").read()
    text = re.sub(r"\n  photo_credit: .*", "", text)
    if cover:
        text = text.replace("cover:\n", f"cover:\n  photo_credit: {cover}\n", 1)
    open(cal, "w", encoding="utf-8").write(text)
    stories = re.findall(r"- story: (\S+)", text)
    for story, credit in zip(stories, months):
        path = os.path.join(d, story)
        s = re.sub(r"\nphoto_credit: .*", "", open(path, encoding="utf-8").read())
        if credit:
            s = s.rstrip("\n") + f"\nphoto_credit: {credit}\n"
        open(path, "w", encoding="utf-8").write(s)


def back_credits(calpress, d):
    r = subprocess.run([calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d,
                       capture_output=True, text=True)
    back = r.stdout[r.stdout.find(" back trim "):]
    back = back[:back.find("\npage ")] if "\npage " in back else back
    return r, re.findall(r'^  credits text \S+ \S+ .* "(.*)"$', back, re.M)


def main(chk, setup):
    calpress, tmp, d = setup.calpress, setup.tmp, setup.stories

    r, lines = back_credits(calpress, d)
    chk.ok(r.returncode == 0, "the sample checks", r.stderr[-2000:])
    chk.ok(lines == ["Photographs", "Placeholder image by calpress, January–December"],
           "the sample (one credit for every month, none for the cover): one line", lines)

    set_credits(d, "IJM Kolkata team", ["IJM Kolkata team"] * 12)
    r, lines = back_credits(calpress, d)
    chk.ok(lines == ["Photographs", "IJM Kolkata team, January–December"],
           "the cover and every month share one credit: one line", lines)

    a, b, c, t = "A. Photographer", "B. Other", "C. Third", "IJM Kolkata team"
    set_credits(d, t, [a, b, a, a, a, c, c, t, t, t, t, None])
    r, lines = back_credits(calpress, d)
    want = ["Photographs", "IJM Kolkata team: Cover, August–November",
            "A. Photographer: January, March–May", "B. Other: February", "C. Third: June, July"]
    chk.ok(r.returncode == 0 and lines == want,
           "grouped by photographer in order of first appearance, the cover first in its "
           "group, three months or more as a range, an uncredited month left out", lines)
    chk.ok(not any("*" in x for x in lines), "no pseudonym asterisks among the credits")

    set_credits(d, None, [None] * 12)
    r, lines = back_credits(calpress, d)
    chk.ok(r.returncode == 0 and lines == [], "no credits at all: no credits heading", lines)

    # The PDF's text: the grouped lines, once each, on the back page only.
    set_credits(d, t, [a, b, a, a, a, c, c, t, t, t, t, None])
    out = os.path.join(tmp, "out")
    r = subprocess.run([calpress, "render", "calendar.yaml", "-o", out], cwd=d,
                       capture_output=True, text=True)
    pdf = os.path.join(out, "calendar.pdf")
    text = subprocess.run(["pdftotext", "-layout", "-f", "14", "-l", "14", pdf, "-"],
                          capture_output=True, text=True).stdout if r.returncode == 0 else ""
    for line in want[1:]:
        chk.ok(text.count(line) == 1, f"the back page's text holds '{line}' once")
    chk.ok(not glob.glob(os.path.join(out, "*.tmp*")), "no temporary files left")
if __name__ == "__main__":
    sys.exit(run_checks("layout/back-credits", main, copy="calpress-credits-"))
