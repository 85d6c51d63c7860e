#!/usr/bin/env python3
"""The press release's logo (issue 13, item 6): an SVG is drawn as vectors (no image in the PDF,
its words are text) at the top-left of the layout's 'logo' frame, scaled to fit; a PNG is placed
as an image; without a logo the organisation's name is set in type; a layout without a 'logo'
frame is an error at the logo line. usage: test_press_logo.py CALPRESS SOURCE_DIR"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import run_checks  # noqa: E402

MM = 72 / 25.4


def logo_frame(src):
    """(x, y, w, h) in points of the 'logo' frame in layouts/a4-press.yaml."""
    text = open(os.path.join(src, "layouts", "a4-press.yaml"), encoding="utf-8").read()
    m = re.search(r"^    logo: *\{x: ([\d.]+)mm, y: ([\d.]+)mm, width: ([\d.]+)mm, "
                  r"height: ([\d.]+)mm\}", text, re.M)
    return tuple(float(v) * MM for v in m.groups()) if m else None


def svg_size(path):
    m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', open(path, encoding="utf-8").read())
    return float(m.group(1)), float(m.group(2))


def press_dump(calpress, d):
    r = subprocess.run([calpress, "check", "calendar.yaml", "--dump-layout", "-"], cwd=d,
                       capture_output=True, text=True)
    i = r.stdout.find(" press 1 trim ")
    return r, r.stdout[i:] if i >= 0 else ""


def render(calpress, d, out):
    r = subprocess.run([calpress, "render", "calendar.yaml", "-o", out], cwd=d,
                       capture_output=True, text=True)
    return r, os.path.join(out, "press-release.pdf")


def images(pdf):
    """The image XObjects poppler finds on the press release's pages (pdfimages -list rows)."""
    out = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout
    return [ln for ln in out.splitlines()[2:] if ln.strip()]


def words(pdf):
    """(xMin, yMin, xMax, yMax, word) of page 1, in points from the top-left corner."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-"],
                         capture_output=True, text=True).stdout
    return [(float(a), float(b), float(c), float(e), w) for a, b, c, e, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        out)]


def set_logo(d, line):
    path = os.path.join(d, "press-release.yaml")
    text = re.sub(r"^logo: .*\n", "", open(path, encoding="utf-8").read(), flags=re.M)
    if line:
        text = text.replace("date: ", line + "\ndate: ", 1)
    open(path, "w", encoding="utf-8").write(text)


def check_svg(chk, calpress, src, tmp, d):
    frame = logo_frame(src)
    chk.ok(frame is not None, "layouts/a4-press.yaml has a 'logo' frame", frame)
    r, dump = press_dump(calpress, d)
    chk.ok(r.returncode == 0, "the sample with its SVG logo checks", r.stderr[-2000:])
    m = re.search(r"^  logo svg (\S+) at (\S+) (\S+) (\S+) (\S+)$", dump, re.M)
    chk.ok(m and m.group(1).endswith("logo.svg"), "the display list holds the logo as an svg item",
           dump[:600])
    if not (m and frame):
        return
    x, y, w, h = (float(v) for v in m.groups()[1:])
    vw, vh = svg_size(os.path.join(d, "logo.svg"))
    fx, fy, fw, fh = frame
    chk.ok(abs(x - fx) < 0.01 and abs(y - fy) < 0.01, "at the frame's top-left corner",
           (x, y, frame))
    chk.ok((abs(w - fw) < 0.01 and h <= fh + 0.01) or (abs(h - fh) < 0.01 and w <= fw + 0.01),
           "scaled to fit the frame (contain)", (w, h, frame))
    chk.ok(abs(w / h - vw / vh) < 0.005, "with its own proportions", (w / h, vw / vh))
    chk.ok(not re.search(r'^  letterhead text .*"International Justice Mission, Kolkata"$', dump,
                         re.M), "the organisation's name is not also set in type")
    r, pdf = render(calpress, d, os.path.join(tmp, "svg"))
    chk.ok(r.returncode == 0, "the sample renders", r.stderr[-2000:])
    if r.returncode:
        return
    chk.ok(images(pdf) == [], "the press release holds no image: the SVG logo is vectors",
           images(pdf))
    ws = [t for t in words(pdf) if t[1] < fy + fh]
    # Tracked capitals come out of pdftotext in pieces ('KO', 'L', ...): join each line's words.
    lines = {}
    for t in sorted(ws):
        lines.setdefault(round(t[1]), []).append(t)
    joined = {y: "".join(t[4] for t in ts) for y, ts in lines.items()}
    logo_words = [t for y, ts in lines.items() for t in ts
                  if "InternationalJusticeMission" in joined[y] or joined[y] == "KOLKATA"]
    chk.ok(sorted(joined.values()).count("KOLKATA") == 1 and
           any("InternationalJusticeMission" in v for v in joined.values()),
           "the logo's words are text in the PDF", joined)
    inside = all(fx - 0.5 <= a and c <= fx + fw + 0.5 and fy - 0.5 <= b and e <= fy + fh + 0.5
                 for a, b, c, e, _ in logo_words)
    chk.ok(logo_words and inside, "inside the logo frame on the page", (logo_words, frame))
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout
    chk.ok("EBGaramond12-Regular" in fonts and " no " not in fonts,
           "the logo's type is calpress's EB Garamond, embedded", fonts)


def check_png(chk, calpress, src, tmp, d):
    subprocess.run([sys.executable, os.path.join(src, "tests", "manifest", "mkpng.py"), "1600",
                    "280", os.path.join(d, "logo.png")], check=True)
    set_logo(d, "logo: logo.png")
    r, dump = press_dump(calpress, d)
    m = re.search(r"^  logo image (\S+) clip (\S+) (\S+) (\S+) (\S+) at", dump, re.M)
    chk.ok(r.returncode == 0 and m and m.group(1).endswith("logo.png"),
           "a PNG logo is placed as an image", r.stderr[-2000:] + dump[:400])
    r, pdf = render(calpress, d, os.path.join(tmp, "png"))
    chk.ok(r.returncode == 0 and len(images(pdf)) == 1, "the PDF holds that one image",
           r.stderr + "\n".join(images(pdf)))


def check_none(chk, calpress, src, d):
    set_logo(d, None)
    r, dump = press_dump(calpress, d)
    chk.ok(r.returncode == 0 and re.search(
        r'^  letterhead text .*"International Justice Mission, Kolkata"$', dump, re.M)
        and " logo " not in dump, "without a logo the organisation's name is set in type",
        r.stderr + dump[:600])
    layout = open(os.path.join(src, "layouts", "a4-press.yaml"), encoding="utf-8").read()
    layout = re.sub(r"^    logo: .*\n", "", layout, flags=re.M)
    open(os.path.join(d, "press-nologo.yaml"), "w", encoding="utf-8").write(layout)
    cal = os.path.join(d, "calendar.yaml")
    text = open(cal, encoding="utf-8").read()
    open(cal, "w", encoding="utf-8").write(text + "press_layout: press-nologo.yaml\n")
    r, _ = press_dump(calpress, d)
    chk.ok(r.returncode == 0, "a press layout without a 'logo' frame is fine without a logo",
           r.stderr)
    set_logo(d, "logo: logo.svg")
    r, _ = press_dump(calpress, d)
    lines = open(os.path.join(d, "press-release.yaml"), encoding="utf-8").read().split("\n")
    n = lines.index("logo: logo.svg") + 1
    want = f"press-release.yaml:{n}:7: error: the press-release layout has no frame 'logo' for it"
    chk.ok(r.returncode == 1 and want in r.stderr, f"with a logo it is an error: {want}", r.stderr)


def main(chk, setup):
    calpress, src, tmp, d = setup.calpress, setup.src, setup.tmp, setup.stories
    check_svg(chk, calpress, src, tmp, d)
    check_png(chk, calpress, src, tmp, d)
    check_none(chk, calpress, src, d)
if __name__ == "__main__":
    sys.exit(run_checks("layout/press-logo", main, copy="calpress-logo-"))
