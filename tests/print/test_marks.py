#!/usr/bin/env python3
"""Printer's marks as display-list items (issue 13, item 1): the layout lays out crop marks,
registration targets and the colour bar; --dump-layout lists them, `preview --marks` draws them,
and the PDF's operators come from them.

usage: test_marks.py CALPRESS SOURCE_DIR BUILD_DIR CHECK
CHECK is one of:
  dump     the sample's dump: every calendar page's eight crop marks on the trim lines at the
           four corners, from the bleed edge 5 mm outward, in the registration colour
  preview  preview --marks: dark pixels where a crop mark is, the trim and bleed drawn as
           without --marks, the marks absent from the default preview; registration targets
           and, under a CMYK intent only, the colour bar
  usage    --trim with --marks: a usage error (exit 2), nothing written
  pdf      the layout's mark_length and mark_offset move the marks in the dump and the PDF
           alike (mark_length 0 leaves out the crop marks only); with targets and a colour bar under a CMYK intent, the targets stay in
           /Separation /All and the bar in process inks
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks, run_in_tmp  # noqa: E402
from png import read_png  # noqa: E402
from sample import sample_copy  # noqa: E402

MM = 72 / 25.4
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1608000000", LC_ALL="C")


def run(args, cwd=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=ENV, timeout=600)


def read_pixels(path):
    """(w, h, px(x, y) -> (r, g, b)) of a preview PNG; white outside the image."""
    w, h, bpp, rows = read_png(path)

    def px(x, y):
        x, y = int(x), int(y)
        if not (0 <= x < w and 0 <= y < h):
            return (255, 255, 255)
        return tuple(rows[y][x * bpp:x * bpp + 3])
    return w, h, px


def parse_dump(out):
    """[{label, trim_w, trim_h, bleed, slug, marks, items: [(tag, kind, nums, rest)]}]"""
    pages = []
    for line in out.splitlines():
        m = re.match(r"page \d+ (.*?) trim ([\d.]+) x ([\d.]+) bleed ([\d.]+) slug ([\d.]+)( marks)?$",
                     line)
        if m:
            pages.append({"label": m.group(1), "trim_w": float(m.group(2)),
                          "trim_h": float(m.group(3)), "bleed": float(m.group(4)),
                          "slug": float(m.group(5)), "marks": bool(m.group(6)), "items": []})
            continue
        m = re.match(r"  (\S+) (\S+) (.*)$", line)
        if m and pages:
            nums = [float(x) for x in re.findall(r"(?<![#\w(])-?\d+\.\d+", m.group(3))]
            pages[-1]["items"].append((m.group(1), m.group(2), nums, m.group(3)))
    return pages


def corner_marks(page, start, length):
    """The eight crop-mark lines a page should have, as (x0, y0, x1, y1) in page points."""
    want = []
    for cx, sx in ((0, -1), (page["trim_w"], 1)):
        for cy, sy in ((0, -1), (page["trim_h"], 1)):
            want.append((cx + sx * start, cy, cx + sx * (start + length), cy))
            want.append((cx, cy + sy * start, cx, cy + sy * (start + length)))
    return want


def missing_marks(page, start, length):
    got = [tuple(n[:4]) for tag, kind, n, rest in page["items"]
           if tag == "marks" and kind == "line" and rest.endswith("w 0.25 registration")]
    out = []
    for w in corner_marks(page, start, length):
        if not any(all(abs(a - b) < 0.011 for a, b in zip(w, g)) for g in got):
            out.append(f"{page['label']}: no mark {tuple(round(v, 2) for v in w)}")
    return out, len(got)


def check_dump(ctx, chk, tmp, d):
    r = run([ctx.calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d)
    pages = [p for p in parse_dump(r.stdout) if not p["label"].startswith("press")]
    if not chk.ok(r.returncode == 0 and len(pages) == 14, "the sample checks: 14 calendar pages",
                  r.stderr[-1500:]):
        return
    bad, counts = [], set()
    for p in pages:
        miss, n = missing_marks(p, p["bleed"], 5 * MM)
        bad += miss if p["marks"] else [f"{p['label']}: no 'marks' flag"]
        counts.add(n)
    chk.ok(not bad, "every calendar page's dump has a crop mark on each trim line at each "
           "corner, from the bleed edge 5 mm out, 0.25 pt, in the registration colour",
           "\n".join(bad[:8]))
    chk.ok(counts == {8}, f"eight crop marks a page, no more (counts: {sorted(counts)})")
    press = [p for p in parse_dump(r.stdout) if p["label"].startswith("press")]
    chk.ok(press and all(not p["marks"] and not any(t in ("marks", "registration", "colour-bar")
                                                     for t, *_ in p["items"]) for p in press),
           "the press release (no slug) has no marks in the dump")


def preview(ctx, d, out, extra):
    return run([ctx.calpress, "preview", "calendar.yaml", "-o", out, "--pages", "2", "--dpi", "72",
                "-q"] + extra, cwd=d)


def check_preview(ctx, chk, tmp, d):
    with open(os.path.join(d, "calendar.yaml"), "a", encoding="utf-8") as f:
        f.write("layout_overrides:\n  page:\n    registration_marks: true\n    color_bar: true\n")
    plain, marked = os.path.join(tmp, "plain"), os.path.join(tmp, "marked")
    r0, r1 = preview(ctx, d, plain, []), preview(ctx, d, marked, ["--marks"])
    if not chk.ok(r0.returncode == 0 and r1.returncode == 0, "preview and preview --marks run",
                  r0.stderr[-1000:] + r1.stderr[-1000:]):
        return
    w0, h0, p0 = read_pixels(os.path.join(plain, "calendar-02.png"))
    w1, h1, p1 = read_pixels(os.path.join(marked, "calendar-02.png"))
    b, off = 3 * MM, 15 * MM  # a3-portrait: 3 mm bleed, 12 mm slug; 72 dpi: 1 px = 1 pt
    tw, th = 297 * MM, 420 * MM
    chk.ok((w0, h0) == (w1, h1) and abs(w1 - (tw + 2 * off)) <= 1,
           f"--marks draws the whole sheet: trim, bleed and slug ({w1} x {h1} px)")

    def dark(px, x, y):  # a 0.25 pt hairline at 72 dpi is a grey pixel, not a black one
        return max(px(x, y)) < 220

    # The top-left corner: the horizontal mark on the trim line y = off, the vertical one on
    # x = off, each from the bleed edge outward.
    spots = [(off - b - t, off) for t in range(2, 13)] + [(off, off - b - t) for t in range(2, 13)]
    hit = sum(dark(p1, x, y) or dark(p1, x, y - 1) or dark(p1, x - 1, y) for x, y in spots)
    chk.ok(hit >= 0.9 * len(spots), f"--marks: the top-left crop marks are dark ({hit}/{len(spots)}"
           " pixels)")
    clear = sum(dark(p0, x, y) or dark(p0, x, y - 1) or dark(p0, x - 1, y) for x, y in spots)
    chk.ok(clear == 0, f"the default preview has no marks there ({clear} dark pixels)")
    # Inside the trim (and the bleed) nothing changes: the marks are all outside.
    inner = [(x, y) for x in range(int(off - b) + 1, int(off + tw - 1), 7)
             for y in range(int(off - b) + 1, int(off + th - 1), 7)]
    diff = [(x, y) for x, y in inner if p0(x, y) != p1(x, y)]
    chk.ok(not diff, f"--marks: the trim and bleed as without it ({len(inner)} pixels compared)",
           f"{len(diff)} differ, e.g. {diff[:5]}")
    # A registration target centred on the top side: its centre, 6 mm outside the bleed edge.
    cx, cy = off + tw / 2, off - b - 6 * MM
    chk.ok(dark(p1, cx, cy) or dark(p1, cx, cy + 1), "--marks: the top registration target's "
           "cross", f"{p1(cx, cy)}")
    chk.ok(min(p0(cx, cy)) > 240, "and no target without --marks", f"{p0(cx, cy)}")
    # The colour bar: only under a CMYK intent, as the PDF has it.
    bar = (off + tw * 0.55 + 7, off - b - 4.5 * MM)
    chk.ok(min(p1(*bar)) > 240, "--marks with the sRGB intent: no colour bar (the PDF has none)",
           f"{p1(*bar)}")
    icc = os.path.join(ctx.build, "FOGRA39L.icc")
    if not os.path.exists(icc):
        chk.note("no FOGRA39L.icc in the build (argyll missing): the CMYK colour bar skipped")
        return
    cmyk = os.path.join(tmp, "cmyk")
    r = preview(ctx, d, cmyk, ["--marks", "--icc", icc])
    if chk.ok(r.returncode == 0, "preview --marks with a CMYK intent runs", r.stderr[-1000:]):
        _, _, p2 = read_pixels(os.path.join(cmyk, "calendar-02.png"))
        c = p2(*bar)
        chk.ok(c[0] < 90 and c[1] > 120 and c[2] > 170,
               f"--marks with a CMYK intent: the first patch of the colour bar is cyan {c}")


def check_usage(ctx, chk, tmp, d):
    out = os.path.join(tmp, "never")
    r = preview(ctx, d, out, ["--trim", "--marks"])
    chk.ok(r.returncode == 2 and "--trim and --marks cannot go together: the marks are outside "
           "the trim" in r.stderr, "--trim --marks: usage error, exit 2, with the reason",
           f"exit {r.returncode}: {r.stderr[:300]}")
    chk.ok(not os.path.exists(out), "and nothing is written")


def raster_gray(pdf, tmp, page=2):
    base = os.path.join(tmp, f"r{page}")
    run(["pdftoppm", "-gray", "-r", "72", "-aa", "no", "-aaVector", "no", "-f", str(page),
         "-l", str(page), "-singlefile", pdf, base])
    data = open(base + ".pgm", "rb").read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    px = data[m.end():]
    return lambda x, y: px[int(y) * w + int(x)] if 0 <= x < w and 0 <= y < h else 255


def marks_stream(ctx, pdf, tmp):
    """The content stream post.c appends to page 2 (the one that sets /CalpressAll)."""
    qdf = os.path.join(tmp, "page.qdf")
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", "--pages", pdf, "2", "--",
                    pdf, qdf], check=True)
    text = open(qdf, "rb").read().decode("latin-1")
    for m in re.finditer(r"stream\n(.*?)endstream", text, re.S):
        if "/CalpressAll CS" in m.group(1):
            return m.group(1)
    return ""


def pdf_id(path):
    with open(path, "rb") as f:
        f.seek(max(0, os.path.getsize(path) - 4096))
        m = re.search(rb"/ID\s*\[\s*<([0-9a-fA-F]+)>", f.read())
    return m.group(1) if m else None


def check_id(ctx, chk, tmp, d, extra):
    """The marks are written by the pdf step, not by cairo: moving them still changes the /ID."""
    ids = []
    for offset in ("2mm", "3mm"):
        with open(os.path.join(d, "calendar.yaml"), encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(d, "calendar.yaml"), "w", encoding="utf-8") as f:
            f.write(re.sub(r"mark_offset: \S+", "mark_offset: " + offset, text))
        out = os.path.join(tmp, "id-" + offset)
        r = run([ctx.calpress, "render", "calendar.yaml", "-o", out, "-q"] + extra, cwd=d)
        ids.append(pdf_id(os.path.join(out, "calendar.pdf")) if r.returncode == 0 else None)
    chk.ok(ids[0] and ids[1] and ids[0] != ids[1],
           "marks moved by 1 mm give the calendar another /ID", repr(ids))


def check_pdf(ctx, chk, tmp, d):
    with open(os.path.join(d, "calendar.yaml"), "a", encoding="utf-8") as f:
        f.write("layout_overrides:\n  page:\n    mark_length: 8mm\n    mark_offset: 2mm\n"
                "    registration_marks: true\n    color_bar: true\n")
    r = run([ctx.calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d)
    pages = [p for p in parse_dump(r.stdout) if not p["label"].startswith("press")]
    if not chk.ok(r.returncode == 0 and pages, "mark_length and mark_offset are layout keys",
                  r.stderr[-1500:]):
        return
    bad = []
    for p in pages:
        bad += missing_marks(p, p["bleed"] + 2 * MM, 8 * MM)[0]
    chk.ok(not bad, "the dump: crop marks from 2 mm beyond the bleed, 8 mm long",
           "\n".join(bad[:5]))
    with open(os.path.join(d, "calendar.yaml"), encoding="utf-8") as f:
        text = f.read()
    with open(os.path.join(d, "calendar.yaml"), "w", encoding="utf-8") as f:
        f.write(text.replace("mark_length: 8mm", "mark_length: 0mm"))
    r0 = run([ctx.calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d)
    tags = {t for p in parse_dump(r0.stdout) for t, *_ in p["items"]}
    chk.ok(r0.returncode == 0 and "marks" not in tags and {"registration", "colour-bar"} <= tags,
           "mark_length: 0mm leaves out the crop marks, not the targets or the colour bar",
           r0.stderr[-800:])
    with open(os.path.join(d, "calendar.yaml"), "w", encoding="utf-8") as f:
        f.write(text)
    icc = os.path.join(ctx.build, "FOGRA39L.icc")
    extra = ["--icc", icc] if os.path.exists(icc) else []
    out = os.path.join(tmp, "out")
    r = run([ctx.calpress, "render", "calendar.yaml", "-o", out, "-q"] + extra, cwd=d)
    pdf = os.path.join(out, "calendar.pdf")
    if not chk.ok(r.returncode == 0 and os.path.exists(pdf), "the calendar renders",
                  r.stderr[-1500:]):
        return
    check_id(ctx, chk, tmp, d, extra)
    get = raster_gray(pdf, tmp)
    b, off = 3 * MM, 15 * MM
    # The top-left horizontal mark, on the trim line, now from b + 2 mm to b + 10 mm out.
    on = [off - b - 2 * MM - t for t in (1, 4, 8, 12, 16, 21)]
    gap = [off - b - t for t in (1, 2, 3, 4)]  # the first 2 mm beyond the bleed: white
    dark = sum(min(get(x, off), get(x, off - 1)) < 128 for x in on)
    white = sum(min(get(x, off), get(x, off - 1)) > 200 for x in gap)
    chk.ok(dark == len(on) and white == len(gap), "the PDF draws the marks where the items are: "
           f"from 2 mm beyond the bleed ({white}/{len(gap)} white before, {dark}/{len(on)} dark "
           "along)")
    if not extra:
        chk.note("no FOGRA39L.icc in the build: the colour bar's operators not checked")
        return
    s = marks_stream(ctx, pdf, tmp)
    runs = s.split("Q\nq\n")
    reg = [x for x in runs if "/CalpressAll CS 1 SCN" in x]
    bar = [x for x in runs if " k " in x]
    chk.ok(len(reg) == 1 and reg[0].count(" c S") == 4 and reg[0].count(" l S") == 8 + 8,
           "the crop marks and the four targets (circles and crosses) in one run in "
           "/Separation /All", s[:600])
    chk.ok(len(bar) == 1 and " l S" not in bar[0] and " c S" not in bar[0]
           and bar[0].count(" re f") >= 8 and "1.00 0.00 0.00 0.00 k" in bar[0],
           "the colour bar in its own run of DeviceCMYK patches, solid cyan first", s[-600:])


class Ctx:
    pass


def main():
    ctx = Ctx()
    ctx.calpress, src, ctx.build, check = sys.argv[1], os.path.abspath(sys.argv[2]), \
        sys.argv[3], sys.argv[4]
    chk = Checks(f"print/marks-{check}")
    tmp, d = sample_copy(src, f"calpress-marks-{check}-")
    body = {"dump": check_dump, "preview": check_preview, "usage": check_usage,
            "pdf": check_pdf}[check]
    return run_in_tmp(chk.name, chk, lambda t: body(ctx, chk, t, d), tmp=tmp)


if __name__ == "__main__":
    sys.exit(main())
