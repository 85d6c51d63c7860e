#!/usr/bin/env python3
"""Stories that fill their page (issue 13, item 3), asserted on --dump-layout geometry.

a3-portrait's body style may grow to max_size (13 pt) and its body frame says 'valign: bottom':
every month's story ends at the frame's foot (the space under the text is the layout's margin,
the same on every page), set between 11 and 13 pt with the leading in proportion. A very short
story grows to 13 pt exactly; a story that needs shrinking does not grow; with max_size and
valign taken back in layout_overrides the old top-aligned 11/15 setting returns; 'valign:
center' shares the room above and below. a4-press: a release with room to spare sets its body a
stands its about section, contacts and footnote at the body frame's foot; with a body max_size
(a press layout extending a4-press) a release with room to spare sets its body larger, up to
the size at which it still fits one page; a release that runs onto a second page neither grows
nor moves them.

usage: test_fill.py CALPRESS SOURCE_DIR"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402

MM = 72 / 25.4
BODY_BOTTOM = (310 + 88) * MM      # a3-portrait's month.body frame
PRESS_BOTTOM = (70 + 204) * MM     # a4-press's press.body frame
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def dump(calpress, d, extra=""):
    path = os.path.join(d, "calendar.yaml")
    text = open(path, encoding="utf-8").read().split("layout_overrides:")[0]
    text = re.sub(r"^press_layout: .*\n", "", text, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + extra)
    r = subprocess.run([calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d,
                       capture_output=True, text=True,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1608000000"))
    return r


def pages(out):
    """{label: [(tag, kind, x, y, text)]} from a dump."""
    result, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"page \d+ (.*?) trim ", line)
        if m:
            cur = result.setdefault(m.group(1), [])
            continue
        m = re.match(r'  (\S+) (\S+) (-?[\d.]+) (-?[\d.]+) .*?(?:"(.*)")?$', line)
        if m and cur is not None:
            cur.append((m.group(1), m.group(2), float(m.group(3)), float(m.group(4)),
                        m.group(5)))
    return result


def baselines(items, tag):
    return [y for t, k, x, y, s in items if t == tag and k == "text"]


def leading(ys):
    """The body's line spacing: the most common gap between successive baselines."""
    gaps = [round(b - a, 2) for a, b in zip(ys, ys[1:])]
    return max(set(gaps), key=gaps.count) if gaps else 0


def check_sample(chk, calpress, d):
    r = dump(calpress, d)
    if not chk.ok(r.returncode == 0, "the sample checks with a3-portrait", r.stderr[-1500:]):
        return
    pg = pages(r.stdout)
    for month in MONTHS:
        ys = baselines(pg.get(month, []), "body")
        lead = leading(ys)
        # The last line's descent (about a quarter of the size) sits on the frame's foot.
        size = lead * 11 / 15
        gap = BODY_BOTTOM - ys[-1] if ys else 0
        chk.ok(ys and 15 - 0.01 <= lead <= 15 * 13 / 11 + 0.01 and
               0.15 * size <= gap <= 0.4 * size,
               f"{month}: the body ends at the frame's foot (last baseline {gap:.2f} pt above "
               f"it) at {size:.2f} pt on {lead:.2f} pt",
               f"baselines {ys[:3]}..{ys[-2:]}")
    out = subprocess.run([calpress, "check", "calendar.yaml"], cwd=d, capture_output=True,
                         text=True).stdout
    chk.ok(re.search(r"^January\s+body\s+\d+/\d+\s+1[1-3]\.\d\dpt .*grown from 11\.00pt", out,
                     re.M), "check's copy-fit report says the body grew",
           "\n".join(l for l in out.splitlines() if " body " in l))


def check_short_and_long(chk, calpress, d):
    neha = os.path.join(d, "neha.yaml")
    original = open(neha, encoding="utf-8").read()
    body = original.split("body: |\n")[1].split("\nphoto:")[0]
    short = body.split("\n\n")[0]
    with open(neha, "w", encoding="utf-8") as f:
        f.write(original.replace(body, short))
    pg = pages(dump(calpress, d).stdout)
    ys = baselines(pg.get("January", []), "body")
    chk.ok(abs(leading(ys) - 15 * 13 / 11) < 0.02 and ys and
           abs(BODY_BOTTOM - ys[-1] - 0.25 * 13) < 0.2 * 13,
           f"a one-paragraph story grows to max_size (13 pt on {15 * 13 / 11:.2f} pt) and sits "
           f"on the frame's foot ({len(ys)} lines, last baseline {BODY_BOTTOM - ys[-1]:.2f} pt "
           "above it)", f"baselines {ys}")
    r = dump(calpress, d, "layout_overrides:\n  frames:\n    month:\n"
             "      body: {valign: center}\n")
    ys = baselines(pages(r.stdout).get("January", []), "body")
    quote = baselines(pages(r.stdout).get("January", []), "quote")
    # The frame after 'follows' starts one empty line below the quote's last line.
    top = quote[-1] + 15 + 15 - 0.71 * 11
    above = ys[0] - 0.71 * 13 - top
    below = BODY_BOTTOM - (ys[-1] + 0.25 * 13)
    chk.ok(ys and abs(above - below) < 3, f"valign: center shares the room: {above:.1f} pt "
           f"above, {below:.1f} pt below", f"{ys}")
    with open(neha, "w", encoding="utf-8") as f:
        f.write(original.replace(body, body + "\n\n" + short + "\n\n" + short))
    r = subprocess.run([calpress, "check", "calendar.yaml"], cwd=d, capture_output=True,
                       text=True)
    row = next((l for l in r.stdout.splitlines() if re.match(r"January\s+body\s", l)), "")
    chk.ok("grown" not in row and ("shrunk" in row or "11.00pt" in row),
           "a story too long for 11 pt shrinks and does not grow: " + row, r.stderr[-800:])
    with open(neha, "w", encoding="utf-8") as f:
        f.write(original)


def check_rules_in_layout(chk, calpress, d):
    r = dump(calpress, d, "layout_overrides:\n  styles:\n    body: {max_size: 11pt}\n"
             "  frames:\n    month:\n      body: {valign: top}\n")
    ys = baselines(pages(r.stdout).get("January", []), "body")
    chk.ok(ys[:2] == [871.55, 886.55] and leading(ys) == 15,
           "max_size and valign taken back in layout_overrides: January's body is at 11/15 "
           "from the top again (871.55, 886.55)", f"{ys[:3]}")


def check_press(chk, calpress, d):
    pg = pages(dump(calpress, d).stdout)
    items = pg.get("press 1", [])
    ys = baselines(items, "body")
    chk.ok(leading(ys) == 15, f"a4-press sets the body at 11/15 (leading {leading(ys)})")
    with open(os.path.join(d, "press-grow.yaml"), "w", encoding="utf-8") as f:
        f.write("extends: a4-press\nstyles:\n  body: {max_size: 13pt}\n")
    pg = pages(dump(calpress, d, "press_layout: press-grow\n").stdout)
    items = pg.get("press 1", [])
    ys = baselines(items, "body")
    lead = leading(ys)
    foot = max(y for t, k, x, y, s in items if t in ("about", "contacts", "footnote")
               and k == "text")
    chk.ok(15 < lead < 15 * 13 / 11 and "press 2" not in pg,
           f"with max_size: 13pt the body grows as far as one page allows (leading {lead:.2f} "
           "pt, 11-13 pt)")
    chk.ok(0 < PRESS_BOTTOM - foot < 12,
           f"its closing section ends at the body frame's foot (last line {PRESS_BOTTOM - foot:.2f}"
           " pt above it)")
    rule = [y for t, k, x, y, s in items if t == "about" and k == "line"]
    chk.ok(rule and rule[0] - ys[-1] > 24, "room is left between the body and the about rule "
           f"({rule[0] - ys[-1]:.1f} pt)" if rule else "the about rule is drawn")
    pr = os.path.join(d, "press-release.yaml")
    original = open(pr, encoding="utf-8").read()
    body = original.split("body: |\n")[1].split("\nabout")[0]
    with open(pr, "w", encoding="utf-8") as f:
        f.write(original.replace(body, body + "\n\n" + body))
    pg = pages(dump(calpress, d, "press_layout: press-grow\n").stdout)
    ys = baselines(pg.get("press 1", []), "body")
    n = sum(1 for label in pg if label.startswith("press "))
    chk.ok(n == 2 and leading(ys) == 15,
           f"a release of two pages keeps 11/15 ({n} pages, leading {leading(ys)})")
    with open(pr, "w", encoding="utf-8") as f:
        f.write(original)


def main(chk, setup):
    calpress, d = setup.calpress, setup.stories
    check_sample(chk, calpress, d)
    check_short_and_long(chk, calpress, d)
    check_rules_in_layout(chk, calpress, d)
    check_press(chk, calpress, d)
if __name__ == "__main__":
    sys.exit(run_checks("layout/fill", main, copy="calpress-fill-"))
