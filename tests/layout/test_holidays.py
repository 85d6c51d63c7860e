#!/usr/bin/env python3
"""Holidays as people keep them (issue 13, item 4), read back from a rendered calendar of 2022:
a Durga Puja range in the manifest (and again in an imported .ics) prints once as '1–5 Durga
Puja' and marks each of its days on the grid; a range across a month's end prints in both
months; yearly rules ('every: 01-26', '2nd sunday of may', 'last monday of may') and an
imported .ics (a multi-day event, a yearly RRULE, a BYDAY rule, a UTF-8 name; a timed event, a
cancelled one and another year's left out) and a CSV file (quoted fields, a range) put their
names on the right months. Every month's grid read from the PDF matches Python's calendar.
usage: test_holidays.py CALPRESS SOURCE_DIR"""
import calendar as pycalendar
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402

YEAR = 2022
FILES = ["office.ics", "west-bengal-2022.ics", "observances.csv"]
HOLIDAYS = """holidays:
  - date: 2022-10-01..2022-10-05
    name: Durga Puja
  - date: 2022-09-30..2022-10-02
    name: Gandhi Jayanti week
  - every: 01-26
    name: Republic Day
  - every: 2nd sunday of may
    name: Mother's Day
    kind: observance
  - every: last monday of may
    name: Spring Bank Holiday
  - date: 2022-10-24
    name: United Nations Day
    kind: observance
holiday_files:
""" + "".join(f"  - {f}\n" for f in FILES)

# month -> the list's lines, as pdftotext gives them (typographic apostrophes made straight)
EXPECTED = {
    1: ["23 Netaji Subhas Chandra Bose's Birthday", "26 Republic Day"],
    3: ["8 International Women's Day (observance)"],
    4: ["14 পয়লা বৈশাখ (Bengali New Year)"],
    5: ["8 Mother's Day (observance)", "30 Spring Bank Holiday",
        "30 May–2 Jun Staff retreat, Sundarbans"],
    6: ["30 May–2 Jun Staff retreat, Sundarbans"],
    7: ["30 World Day against Trafficking in Persons (observance)"],
    8: ["15 Independence Day"],
    9: ["30 Sep–2 Oct Gandhi Jayanti week"],
    10: ["30 Sep–2 Oct Gandhi Jayanti week", "1–5 Durga Puja",
         "24 United Nations Day (observance)", "24–26 Diwali break"],
    12: ["2 International Day for the Abolition of Slavery (observance)",
         '10 Human Rights Day "for all" (observance)', "25 Christmas Day"],
}
ABSENT = ["Bengali New Year 2021", "Team day", "Flag hoisting"]


def write_manifest(src, d):
    for f in FILES:
        shutil.copy(os.path.join(src, "tests", "layout", "holidays", f), d)
    path = os.path.join(d, "calendar.yaml")
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"(?ms)^holidays:\n.*?(?=^cover:)", HOLIDAYS, text)
    text = re.sub(r"(?m)^year: \d+$", f"year: {YEAR}", text)
    open(path, "w", encoding="utf-8").write(text)


def plain(s):
    return s.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')


def page_text(pdf, page):
    return plain(subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), pdf,
                                 "-"], capture_output=True, text=True).stdout)


def list_entries(text):
    """The holiday list's lines of a month page: a day label (starting with a figure) and a name,
    at the right of a line of the -layout text."""
    out = []
    for line in text.split("\n"):
        m = re.search(r"(?:^|\s{2,})(\d{1,2}(?: [A-Z][a-z]{2})?(?:–\d{1,2}(?: [A-Z][a-z]{2})?)?)"
                      r" +(\D.*?)\s*$", line)
        if m and not re.fullmatch(r"[\d\s]+", m.group(2)):
            out.append(f"{m.group(1)} {m.group(2)}")
    return out


def grid_rows(pdf, page):
    """Rows of seven day numbers on the right half of the page, top to bottom (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), pdf, "-"],
                         capture_output=True, text=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    rows = {}
    for x, y, w in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" [^>]*>(\d{1,2})</word>', out):
        if float(x) > width * 0.4:
            rows.setdefault(round(float(y)), []).append((float(x), int(w)))
    return [[n for _, n in sorted(r)] for _, r in sorted(rows.items()) if len(r) == 7]


# A colour in the dump, as the layout gives it: #rrggbb or cmyk(C, M, Y, K).
COLOUR = r"(#\w+|cmyk\([^)]*\))"


def month_items(dump, month):
    page = dump[dump.find(f" {pycalendar.month_name[month]} trim "):]
    return page[:page.find("\npage ")].split("\n")


def grid_days(items):
    """day -> (colour, mark) of the month's own days: mark is 'dot', 'ring' or None."""
    days = {}
    for i, it in enumerate(items):
        m = re.match(r'  day text \S+ \S+ w \S+ ' + COLOUR + r' "(\d+)"$', it)
        if m and int(m.group(2)) not in days:
            nxt = re.match(r"  holiday-mark (dot|ring) ", items[i + 1] if i + 1 < len(items)
                           else "")
            days[int(m.group(2))] = (m.group(1), nxt.group(1) if nxt else None)
    return days


def check_marks(chk, dump):
    """Each day of a range is marked; a holiday's day is in the accent colour with a dot, an
    observance's keeps its colour with a ring; a holiday and an observance on one day: the dot."""
    october = grid_days(month_items(dump, 10))
    accent, ink = october.get(9, ("?",))[0], october.get(6, ("?",))[0]  # a Sunday, a Thursday
    chk.ok(accent != ink and all(october.get(d) == (accent, "dot") for d in range(1, 6)),
           "October 1–5 (Durga Puja) are each marked on the grid, in the accent colour",
           {d: october.get(d) for d in range(1, 7)})
    chk.ok(october.get(6) == (ink, None), "October 6 is not", october.get(6))
    chk.ok(october.get(24) == (accent, "dot"),
           "October 24, a holiday and an observance: accent colour and a filled dot",
           october.get(24))
    march = grid_days(month_items(dump, 3))
    chk.ok(march.get(8) == (ink, "ring"),
           "March 8, an observance alone: its day keeps its colour, with a ring", march.get(8))
    names = {m.group(2): m.group(1) for m in re.finditer(
        r'^  holiday text \S+ \S+ w \S+ ' + COLOUR + r' "(.*)"$',
        "\n".join(month_items(dump, 10)), re.M)}
    obs, hol = names.get("United Nations Day (observance)"), names.get("Diwali break")
    chk.ok(obs and hol and obs != hol, "the observance's name is set apart from the holiday's",
           names)


def main(chk, setup):
    calpress, src, tmp, d = setup.calpress, setup.src, setup.tmp, setup.stories
    write_manifest(src, d)
    out = os.path.join(tmp, "out")
    r = subprocess.run([calpress, "render", "calendar.yaml", "-o", out], cwd=d,
                       capture_output=True, text=True)
    chk.ok(r.returncode == 0, f"a {YEAR} calendar with ranges, rules, .ics and .csv renders",
           r.stderr)
    note = ("office.ics:61:1: note: 'Flag hoisting at the office' (2022-08-15 09:00) is left "
            "out: it has a time of day, and calpress takes all-day events only\n")
    chk.ok(r.stderr == note, "the only message is the note on the timed event", r.stderr)
    pdf = os.path.join(out, "calendar.pdf")
    if r.returncode != 0:
        return
    cal = pycalendar.Calendar(firstweekday=0)
    for month in range(1, 13):
        name = pycalendar.month_name[month]
        want = [[day.day for day in week] for week in cal.monthdatescalendar(YEAR, month)]
        got = grid_rows(pdf, month + 1)
        chk.ok(got == want, f"{name} {YEAR}: the grid read from the PDF matches Python's "
               "calendar", f"got {got}\nwant {want}")
        entries = list_entries(page_text(pdf, month + 1))
        chk.ok(entries == EXPECTED.get(month, []), f"{name}: the holiday list",
               f"got  {entries}\nwant {EXPECTED.get(month, [])}")
    text = "".join(page_text(pdf, p) for p in range(1, 15))
    puja = re.findall(r"\d[\d–]*\s+Durga Puja", text)
    chk.ok(puja == ["1–5 Durga Puja"], "Durga Puja prints once in the lists, as the range 1–5",
           puja)
    for name in ABSENT:
        chk.ok(name not in text, f"'{name}' is left out (another year, cancelled, or timed)")
    dump = subprocess.run([calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d,
                          capture_output=True, text=True).stdout
    check_marks(chk, dump)
if __name__ == "__main__":
    sys.exit(run_checks("layout/holidays", main, copy="calpress-holidays-"))
