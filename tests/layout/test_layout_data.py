#!/usr/bin/env python3
"""Layouts as data (issue 13, item 1), asserted on --dump-layout of the sample.

- A variant in a few lines (extends: a3-portrait) differs from a3-portrait exactly where it says:
  another accent, no footer on month pages, neighbouring days hidden; every other item is equal.
- The grid's geometry is the layout's: day numbers right-aligned at the padding, a heading band
  of the given height, rows as tall as the month needs, weekday initials, one column of
  holidays, six small months across on the back.
- The layout's language is the calendar's when the manifest names none.
- Page kinds and a sequence: a month kind of its own adds a page to every month, in order.

usage: test_layout_data.py CALPRESS SOURCE_DIR"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402

MM = 72 / 25.4


def dump(calpress, d, extra="", layout="a3-portrait", drop_language=False):
    path = os.path.join(d, "calendar.yaml")
    text = open(path, encoding="utf-8").read().split("layout_overrides:")[0]
    text = re.sub(r"^layout: .*$", f"layout: {layout}", text, flags=re.M)
    if drop_language:
        text = re.sub(r"^language: .*\n", "", text, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + extra)
    return subprocess.run([calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d,
                          capture_output=True, text=True,
                          env=dict(os.environ, SOURCE_DATE_EPOCH="1608000000"))


def pages(out):
    result, cur = [], None
    for line in out.splitlines():
        m = re.match(r"page \d+ (.*?) trim ", line)
        if m:
            cur = (m.group(1), [])
            result.append(cur)
        elif cur and line.startswith("  "):
            cur[1].append(line)
    return result


def page(pg, label):
    return next((items for lbl, items in pg if lbl == label), [])


def nums(line):
    return [float(x) for x in re.findall(r"(?<![#\w])-?\d+\.\d+", line.split('"')[0])]


def check_variant(chk, calpress, d):
    base = dump(calpress, d).stdout
    with open(os.path.join(d, "variant.yaml"), "w", encoding="utf-8") as f:
        f.write("extends: a3-portrait\ncolors:\n  accent: \"#1F5C99\"\ngrid:\n"
                "  neighbours: hidden\nframes:\n  month:\n    footer: ~\n")
    r = dump(calpress, d, layout="variant")
    if not chk.ok(r.returncode == 0, "a variant of a3-portrait in eight lines checks", r.stderr):
        return
    def dump_lines(out):
        return [l for l in out.splitlines() if re.match(r"page \d+ |  ", l)]

    want, month, press = [], False, False
    for line in dump_lines(base):
        label = re.match(r"page \d+ (\S+)", line)
        if label:
            press = label.group(1) == "press"
            month = label.group(1) not in ("cover", "back", "press")
        if month and (line.startswith("  footer ") or line.startswith("  day-other ")):
            continue
        # The press release has its own layout; only its proof watermark takes the calendar's.
        if not press or line.startswith("  watermark "):
            line = line.replace("cmyk(0, 80, 85, 40)", "#1f5c99")
        want.append(line)
    got = dump_lines(r.stdout)
    diff = [f"- {a}\n+ {b}" for a, b in zip(want, got) if a != b]
    chk.ok(len(want) == len(got) and not diff,
           f"the variant's dump is a3-portrait's with the accent changed and the month pages' "
           f"footers and neighbouring days gone ({len(got)} items)",
           f"{len(want)} vs {len(got)} lines\n" + "\n".join(diff[:6]))


def check_grid(chk, calpress, d):
    r = dump(calpress, d, "layout_overrides:\n  grid:\n    align: right\n    padding: 3mm\n"
             "    heading: 24pt\n    rows: fit\n    weekdays: narrow\n    list_columns: 1\n"
             "    year_columns: 6\n")
    if not chk.ok(r.returncode == 0, "grid geometry in layout_overrides checks", r.stderr):
        return
    pg = pages(r.stdout)
    feb = page(pg, "February")  # 2021: four weeks, Monday the 1st
    x0, y0 = 128.83 * MM, 266 * MM
    cw, pad = 150.17 * MM / 7, 3 * MM
    days = [(nums(l), l) for l in feb if l.startswith("  day text")]
    off = [abs(n[0] + n[2] - (x0 + ((n[0] - x0) // cw + 1) * cw - pad)) for n, l in days]
    chk.ok(len(days) == 28 and max(off) < 0.02,
           "align: right, padding: 3mm: every day number's right edge 3 mm inside its cell's",
           f"{len(days)} days, worst {max(off or [0]):.3f} pt")
    rules = sorted({nums(l)[1] for l in feb if l.startswith("  rule line")})
    chk.ok(len(rules) == 5 and abs(rules[0] - (y0 + 24)) < 0.02 and
           abs((rules[1] - rules[0]) - (101.75 * MM - 24) / 4) < 0.02,
           "heading: 24pt, rows: fit: four weeks share the grid below a 24 pt heading band",
           f"rules at {rules}")
    heads = [l.split('"')[1] for l in feb if l.startswith("  weekday text")]
    chk.ok(heads == ["M", "T", "W", "T", "F", "S", "S"], f"weekdays: narrow: {heads}")
    mar = page(pg, "March")
    xs = {round(nums(l)[0], 2) for l in mar if l.startswith("  holiday-mark dot") and
          nums(l)[1] > y0 + 101.75 * MM}
    chk.ok(len(xs) == 1, f"list_columns: 1: March's two holidays in one column (x {xs})")
    back = page(pg, "back")
    names = [nums(l)[0] for l in back if re.match(r'  year text .* "(January|July)"$', l)]
    chk.ok(len(names) == 2 and abs(names[0] - names[1]) < 0.01,
           "year_columns: 6: July starts the back's second row, under January")


def check_language(chk, calpress, d):
    r = dump(calpress, d, "layout_overrides:\n  language: bn\n", drop_language=True)
    labels = [lbl for lbl, _ in pages(r.stdout)]
    chk.ok(r.returncode == 0 and "জানুয়ারী" in labels,
           "a layout's language is the calendar's when the manifest names none: "
           f"{labels[1] if len(labels) > 1 else labels}", r.stderr[-600:])


def check_sequence(chk, calpress, d):
    r = dump(calpress, d, "layout_overrides:\n  page_kinds:\n    notes: {content: month}\n"
             "  sequence: [cover, month, notes, back]\n  frames:\n    notes:\n"
             "      month: {x: 18mm, y: 20mm, width: 261mm, height: 22mm}\n"
             "      grid: {x: 18mm, y: 50mm, width: 261mm, height: 200mm}\n"
             "      footer: {x: 18mm, y: 404mm, width: 261mm, height: 5mm}\n")
    labels = [lbl for lbl, _ in pages(r.stdout) if not lbl.startswith("press")]
    chk.ok(r.returncode == 0 and len(labels) == 26 and labels[1:4] ==
           ["January", "January notes", "February"] and labels[-1] == "back",
           f"a kind of its own adds a page to each month: {len(labels)} pages, "
           f"{labels[:4]}..{labels[-1:]}", r.stderr[-600:])


def main(chk, setup):
    calpress, d = setup.calpress, setup.stories
    check_variant(chk, calpress, d)
    check_grid(chk, calpress, d)
    check_language(chk, calpress, d)
    check_sequence(chk, calpress, d)
if __name__ == "__main__":
    sys.exit(run_checks("layout/layout-data", main, copy="calpress-layout-data-"))
