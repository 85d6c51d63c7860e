#!/usr/bin/env python3
"""The layout gallery (issue 13, item 2): the sample rendered with one shipped layout.

usage: test_gallery.py CALPRESS SOURCE_DIR LAYOUT [--regenerate]

1. Golden dump: `calpress check --dump-layout` of the sample (2021) with `layout: LAYOUT`, the
   cover's, January's and the back's pages (every page kind), compared with
   tests/layout/gallery/LAYOUT.expected (--regenerate rewrites it; review it before committing).
2. The sample moved to 2027 (another year, holidays moved with it) is rendered with LAYOUT, and
   the PDF is read back with poppler's tools:
   - the page count and every page's TrimBox are those docs/layouts.md's gallery table gives;
   - each month's grid, read from pdftotext's words inside the grid's rules, is Python's
     calendar for that month (neighbouring days included), under weekday headings in order;
   - every word of every story (name, headline, quote, body) is in the PDF's text;
   - every font is embedded (pdffonts);
   - crop marks lie on the trim lines at all four corners of every page (rasterised), and the
     dump lists them there: eight 0.25 pt lines in the registration colour a page, from the
     bleed edge outward;
   - the hanger notch is marked at the bound edge where the layout has one, and nowhere else;
   - every text line lies inside the safe area, and clear of the binding margin on a bound
     page (from the dump of the same render).
"""
import calendar as pycalendar
import difflib
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
from checks import run_checks  # noqa: E402

MM = 72 / 25.4
YEAR = 2027
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1608000000", LC_ALL="C")
ENV.pop("CALPRESS_DATADIR", None)


def run(args, cwd=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=ENV, timeout=600)


def documented(src, layout):
    """(pages, width mm, height mm) from docs/layouts.md's gallery table."""
    with open(os.path.join(src, "docs", "layouts.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\| `([a-z0-9-]+)` \| (\d+) \| (\d+) × (\d+) mm \|", line)
            if m and m.group(1) == layout:
                return int(m.group(2)), float(m.group(3)), float(m.group(4))
    return None


def set_layout(d, layout, year=None):
    path = os.path.join(d, "calendar.yaml")
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"^layout: .*$", f"layout: {layout}", text, flags=re.M)
    if year:
        text = re.sub(r"^year: \d+$", f"year: {year}", text, flags=re.M)
        text = re.sub(r"date: \d{4}-", f"date: {year}-", text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# --- the dump -------------------------------------------------------------------------------

def parse_dump(out):
    """[{label, trim_w, trim_h, bleed, slug, items: [(tag, kind, nums, text)]}]"""
    pages = []
    for line in out.splitlines():
        m = re.match(r"page \d+ (.*?) trim ([\d.]+) x ([\d.]+) bleed ([\d.]+) slug ([\d.]+)", line)
        if m:
            pages.append({"label": m.group(1), "trim_w": float(m.group(2)),
                          "trim_h": float(m.group(3)), "bleed": float(m.group(4)),
                          "slug": float(m.group(5)), "marks": line.endswith(" marks"),
                          "items": [], "lines": [line]})
            continue
        m = re.match(r'  (\S+) (\S+) (.*?)(?: "(.*)")?$', line)
        if m and pages:
            nums = [float(x) for x in re.findall(r"(?<![#\w])-?\d+\.\d+", m.group(3))]
            pages[-1]["items"].append((m.group(1), m.group(2), nums, m.group(4)))
            pages[-1]["lines"].append(line)
    return pages


def golden(chk, calpress, d, src, layout, regenerate):
    set_layout(d, layout)
    r = run([calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d)
    if not chk.ok(r.returncode == 0, f"{layout}: the sample (2021) checks", r.stderr[-2000:]):
        return
    pages = [p for p in parse_dump(r.stdout) if not p["label"].startswith("press")]
    keep = [p for p in pages if p["label"] in ("cover", "back") or p["label"].startswith("January")]
    text = "".join("\n".join(l for l in p["lines"] if not l.startswith("  slug ")) + "\n"
                   for p in keep)
    expected = os.path.join(src, "tests", "layout", "gallery", f"{layout}.expected")
    if regenerate:
        with open(expected, "w", encoding="utf-8") as f:
            f.write(text)
        chk.note(f"regenerated {expected}: review it before committing")
        return
    want = open(expected, encoding="utf-8").read() if os.path.exists(expected) else ""
    chk.ok(want == text, f"{layout}: the golden dump of the cover, January and the back",
           "".join(list(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                             "expected", "actual"))[:60]))


# --- the PDF --------------------------------------------------------------------------------

def boxes(pdf):
    r = run(["pdfinfo", "-box", "-f", "1", "-l", "999", pdf])
    n = int(re.search(r"^Pages:\s+(\d+)", r.stdout, re.M).group(1))
    out = {}
    for m in re.finditer(r"Page\s+(\d+)\s+(MediaBox|TrimBox):\s+([-\d.]+)\s+([-\d.]+)\s+"
                         r"([-\d.]+)\s+([-\d.]+)", r.stdout):
        out.setdefault(int(m.group(1)), {})[m.group(2)] = [float(m.group(k)) for k in range(3, 7)]
    return n, out


def check_boxes(chk, pdf, layout, doc):
    n, bx = boxes(pdf)
    want_n, want_w, want_h = doc
    chk.ok(n == want_n, f"{layout}: {n} pages, as documented ({want_n})")
    bad = []
    for p in range(1, n + 1):
        t = bx.get(p, {}).get("TrimBox")
        if not t or abs((t[2] - t[0]) / MM - want_w) > 0.1 or abs((t[3] - t[1]) / MM - want_h) > 0.1:
            bad.append(f"page {p}: TrimBox {t}")
    chk.ok(not bad, f"{layout}: every TrimBox is {want_w:g} x {want_h:g} mm", "\n".join(bad[:5]))
    return bx


def words(pdf, page):
    r = run(["pdftotext", "-enc", "UTF-8", "-bbox", "-f", str(page), "-l", str(page), pdf, "-"])
    out = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="([\d.]+)">([^<]*)</word>', r.stdout):
        x0, y0, x1, y1 = (float(m.group(k)) for k in range(1, 5))
        out.append((x0, y0, x1, y1, m.group(5)))
    return out


def grid_of(page):
    """(x0, x1, [rule ys]) of a page's month grid, from its rule lines; None without a grid."""
    rules = [it[2] for it in page["items"] if it[0] == "rule" and it[1] == "line"]
    if not rules:
        return None
    return rules[0][0], rules[0][2], sorted({r[1] for r in rules})


def merge(head):
    """Heading words, left to right, with pieces of one tracked word joined ('S' 'at')."""
    out = []
    for x0, x1, t in head:
        if out and x0 - out[-1][1] < 2.5:
            out[-1] = (out[-1][0], x1, out[-1][2] + t)
        else:
            out.append((x0, x1, t))
    return [t for _, _, t in out]


def check_grids(chk, pdf, pages, layout):
    weekdays = [d.lower() for d in pycalendar.day_abbr]
    month = 0
    for n, page in enumerate(pages, 1):
        g = grid_of(page)
        if not g:
            continue
        month += 1
        x0, x1, ys = g
        off = page["bleed"] + page["slug"]
        cw = (x1 - x0) / 7
        want = [[d.day for d in week] for week in
                pycalendar.Calendar(0).monthdatescalendar(YEAR, month)]
        got = [[None] * 7 for _ in range(len(ys) - 1)]
        head = []
        for wx0, wy0, wx1, wy1, t in words(pdf, n):
            cx, cy = (wx0 + wx1) / 2 - off, (wy0 + wy1) / 2 - off
            if not x0 - 2 <= cx <= x1 + 2:
                continue
            c = int((cx - x0) // cw)
            if cy < ys[0] and ys[0] - cy < 30 and t.isalpha():
                head.append((wx0, wx1, t.lower()))
            for r in range(len(ys) - 1):
                if ys[r] < cy < ys[r + 1] and t.isdigit() and 0 <= c < 7:
                    got[r][c] = int(t)
        head = merge(sorted(head))
        heading_ok = len(head) == 7 and all(w.startswith(h) or h.startswith(w[:len(h)])
                                            for h, w in zip(head, weekdays))
        name = pycalendar.month_name[month]
        chk.ok(got == want and heading_ok,
               f"{layout}: {name} {YEAR}: the grid read from the PDF is Python's calendar, "
               "under Mon..Sun", f"want {want}\ngot  {got}\nheadings {head}")


def story_words(d):
    """Every word of the stories, as printed (markup and quote marks left out)."""
    out = []
    for name in sorted(os.listdir(d)):
        if not name.endswith(".yaml") or name in ("calendar.yaml", "press-release.yaml"):
            continue
        text = open(os.path.join(d, name), encoding="utf-8").read()
        if not re.search(r"^month: ", text, re.M):
            continue
        fields = re.findall(r"^(?:name|headline|quote): (.*)$", text, re.M)
        body = text.split("body: |\n", 1)[1]
        body = "\n".join(l for l in body.splitlines() if l.startswith("  ") or not l.strip())
        for t in fields + [body]:
            for w in re.findall(r"[\w’'-]+", t.replace("'", "’")):
                w = w.strip("-’'")
                if w:
                    out.append((name, w))
    return out


def check_text(chk, pdf, d, layout):
    # -raw: the words in the order they are drawn, so a column's lines follow each other.
    text = run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"]).stdout
    joined = re.sub(r"[-\u00ad]\n\s*", "", text)  # hyphenation undone (a soft hyphen too)
    tokens = set(re.findall(r"[\w’'-]+", joined.replace("'", "’")))
    tokens |= {t.strip("-’") for t in tokens}
    missing = [f"{f}: {w}" for f, w in story_words(d)
               if w not in tokens and w.replace("-", "") not in tokens]
    chk.ok(not missing, f"{layout}: every word of the twelve stories is in the PDF's text",
           ", ".join(missing[:20]))


def check_fonts(chk, pdf, layout):
    r = run(["pdffonts", pdf])
    rows = [l.split() for l in r.stdout.splitlines()[2:] if l.strip()]
    bad = [r[0] for r in rows if r[-5] != "yes"]
    chk.ok(rows and not bad, f"{layout}: all {len(rows)} fonts embedded", f"not embedded: {bad}")


def raster(pdf, page, tmp, dpi=72):
    base = os.path.join(tmp, f"r{page}")
    run(["pdftoppm", "-gray", "-r", str(dpi), "-aa", "no", "-aaVector", "no", "-f", str(page),
         "-l", str(page), "-singlefile", pdf, base])
    data = open(base + ".pgm", "rb").read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    px = data[m.end():]
    return w, h, lambda x, y: px[int(y) * w + int(x)] if 0 <= x < w and 0 <= y < h else 255


def dark_run(get, pts, across):
    """Most points dark, each within a pixel of the line (across: the axis the line is thin on,
    0 for x, 1 for y)."""
    def dark(x, y):
        return any(get(x + (k if across == 0 else 0), y + (k if across == 1 else 0)) < 128
                   for k in (-1, 0, 1))
    return sum(dark(x, y) for x, y in pts) >= 0.8 * len(pts)


def check_marks(chk, pdf, pages, bx, tmp, layout):
    """Crop marks at the four trim corners; the hanger notch's ticks only at a bound edge."""
    bad, hanger = [], []
    s = 72 / 72.0  # pixels per point at 72 dpi
    for n in sorted({1, 2, 3, len(pages)}):
        page = pages[n - 1]
        w, h, get = raster(pdf, n, tmp)
        off, b = page["bleed"] + page["slug"], page["bleed"]
        tw, th = page["trim_w"], page["trim_h"]
        for cx in (0, tw):
            for cy in (0, th):
                sx = -1 if cx == 0 else 1
                sy = -1 if cy == 0 else 1
                ts = [b + 2 + k for k in range(8)]  # from the bleed edge outwards, in points
                horiz = [((off + cx + sx * t) * s, (off + cy) * s) for t in ts]
                vert = [((off + cx) * s, (off + cy + sy * t) * s) for t in ts]
                if not (dark_run(get, horiz, 1) and dark_run(get, vert, 0)):
                    bad.append(f"page {n} corner ({cx:.0f}, {cy:.0f})")
        for name, y in (("top", off - b - 6), ("bottom", off + th + b + 6)):
            ticks = [((off + tw / 2 + dx) * s, y * s) for dx in (-0.5, 0, 0.5)]
            if any(get(x, yy) < 128 for x, yy in ticks):
                hanger.append((n, name))
    chk.ok(not bad, f"{layout}: crop marks on the trim lines at the four corners", bad)
    return hanger


def check_dump_marks(chk, pages, layout):
    """The dump's crop marks: on every page, a 0.25 pt line in the registration colour on each
    trim line at each corner, from the bleed edge outward (5 mm, or less in a small slug)."""
    bad = []
    for n, page in enumerate(pages, 1):
        tw, th, b = page["trim_w"], page["trim_h"], page["bleed"]
        length = min(5 * MM, page["slug"] - 1)
        got = [tuple(nums[:4]) for tag, kind, nums, _ in page["items"] if tag == "marks"
               and kind == "line"]
        lines = [ln for ln in page["lines"] if ln.startswith("  marks line ")]
        want = []
        for cx, sx in ((0, -1), (tw, 1)):
            for cy, sy in ((0, -1), (th, 1)):
                want += [(cx + sx * b, cy, cx + sx * (b + length), cy),
                         (cx, cy + sy * b, cx, cy + sy * (b + length))]
        miss = [w for w in want
                if not any(all(abs(p - q) < 0.011 for p, q in zip(w, g)) for g in got)]
        if not page["marks"] or miss or len(got) != 8 or \
                not all(ln.endswith(" w 0.25 registration") for ln in lines):
            bad.append(f"page {n} ({page['label']}): {len(got)} marks, missing {miss[:2]}")
    chk.ok(pages and not bad, f"{layout}: the dump lists the crop marks at the four trim corners "
           "of every page", "\n".join(bad[:5]))


def kind_of(label):
    """The page kind from a page's label: 'cover', 'back', 'photo leaf' or 'month'."""
    if label in ("cover", "back"):
        return label
    return "photo leaf" if label.endswith(" photo leaf") else "month"


def check_safe(chk, pages, layout, binding_pt, bound):
    """Text inside the safe area; on bound pages clear of the binding margin."""
    bad = []
    safe = 8 * MM if layout == "a5-desk" else 10 * MM
    for n, page in enumerate(pages, 1):
        tw, th = page["trim_w"], page["trim_h"]
        edge = bound.get(kind_of(page["label"]))
        for tag, kind, nums, text in page["items"]:
            if kind != "text" or tag in ("slug", "watermark") or not text:
                continue
            x, y, w = nums[0], nums[1], nums[2]
            top_m = binding_pt if edge == "top" else safe
            bottom_m = binding_pt if edge == "bottom" else safe
            if x < safe - 0.5 or x + w > tw - safe + 0.5 or y < top_m or y > th - bottom_m:
                bad.append(f"page {n} ({page['label']}) {tag} at {x:.1f},{y:.1f} w {w:.1f}: "
                           f"'{text[:30]}'")
    chk.ok(not bad, f"{layout}: every line of text inside the safe area and the binding margin",
           "\n".join(bad[:10]))


# Bound edges and margins as the gallery's files declare them (docs/layouts.md).
BINDING = {
    "a3-spread": (20 * MM, {"cover": "top", "photo leaf": "bottom", "month": "top",
                            "back": "bottom"}, True),
    "a5-desk": (12 * MM, {"cover": "top", "photo leaf": "top", "month": "top",
                          "back": "top"}, False),
}


def main(chk, setup):
    calpress, src, tmp, d = setup.calpress, setup.src, setup.tmp, setup.stories
    layout = setup.args[0]
    golden(chk, calpress, d, src, layout, setup.regenerate)
    doc = documented(src, layout)
    chk.ok(doc, f"{layout}: docs/layouts.md's gallery table lists its pages and trim")
    set_layout(d, layout, YEAR)
    out = os.path.join(tmp, "out")
    r = run([calpress, "render", "calendar.yaml", "-o", out], cwd=d)
    dump = run([calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d).stdout
    pdf = os.path.join(out, "calendar.pdf")
    if chk.ok(r.returncode == 0 and os.path.exists(pdf), f"{layout}: the sample in {YEAR} renders",
              r.stderr[-2000:]) and doc:
        pages = [p for p in parse_dump(dump) if not p["label"].startswith("press")]
        bx = check_boxes(chk, pdf, layout, doc)
        check_grids(chk, pdf, pages, layout)
        check_text(chk, pdf, d, layout)
        check_fonts(chk, pdf, layout)
        hanger = check_marks(chk, pdf, pages, bx, tmp, layout)
        check_dump_marks(chk, pages, layout)
        margin, bound, has_hanger = BINDING.get(layout, (0, {}, False))
        want = []
        if has_hanger:
            want = sorted({(n, bound[kind_of(pages[n - 1]["label"])])
                           for n in sorted({1, 2, 3, len(pages)})})
        chk.ok(sorted(hanger) == want, f"{layout}: the hanger notch is marked "
               + (f"at the bound edge: {want}" if want else "nowhere (no hanger)"),
               f"found {hanger}")
        check_safe(chk, pages, layout, margin, bound)
if __name__ == "__main__":
    sys.exit(run_checks("layout/gallery-{0}", main, copy="calpress-gallery-"))
