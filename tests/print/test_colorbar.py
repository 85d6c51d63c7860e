#!/usr/bin/env python3
"""The optional colour bar (page.color_bar): with a CMYK output intent, CMYK patches in the top
slug (solid cyan first); with the default sRGB intent a warning and no bar.
usage: test_colorbar.py CALPRESS SOURCE_DIR BUILD_DIR"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks, run_in_tmp  # noqa: E402
from sample import sample_copy  # noqa: E402

DPI = 72  # 1 px = 1 pt


def pixel(ppm, x, y):
    with open(ppm, "rb") as f:
        parts = f.read().split(b"\n", 3)
    w = int(parts[1].split()[0])
    i = (y * w + x) * 3
    return tuple(parts[3][i:i + 3])


def first_patch(calpress, d, out, extra, tmp):
    r = subprocess.run([calpress, "render", "calendar.yaml", "-o", out, "-q"] + extra, cwd=d,
                       capture_output=True, text=True)
    base = os.path.join(tmp, os.path.basename(out))
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", "2", "-l", "2",
                    os.path.join(out, "calendar.pdf"), base], check=True)
    ppm = next(os.path.join(tmp, f) for f in os.listdir(tmp)
               if f.startswith(os.path.basename(out) + "-") and f.endswith(".ppm"))
    # A3 with 3 mm bleed and 12 mm slug: trim starts at 42.5 pt; the bar starts 55 % across
    # the trim and sits in the middle of the top slug (y = 17 pt from the top).
    x = int(42.52 + 841.89 * 0.55 + 7)
    return r, pixel(ppm, x, 17)


def main():
    calpress, src, build = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    chk = Checks("print/colorbar")
    tmp, d = sample_copy(src, "calpress-colorbar-")
    def body(tmp):
        with open(os.path.join(d, "calendar.yaml"), "a", encoding="utf-8") as f:
            f.write("layout_overrides:\n  page:\n    color_bar: true\n")
        icc = os.path.join(build, "FOGRA39L.icc")
        if os.path.exists(icc):
            r, c = first_patch(calpress, d, os.path.join(tmp, "cmyk"),
                               ["--icc", icc, "--condition", "FOGRA39"], tmp)
            chk.ok(r.returncode == 0 and c[0] < 90 and c[1] > 120 and c[2] > 170,
                   f"CMYK intent: the first patch is cyan {c}", r.stderr)
        else:
            chk.note("no FOGRA39L.icc in the build (argyll missing): CMYK half skipped")
        r, c = first_patch(calpress, d, os.path.join(tmp, "srgb"), [], tmp)
        chk.ok(r.returncode == 0 and "colour bar, which needs a CMYK output intent" in r.stderr
               and min(c) > 240, f"sRGB intent: a warning and a white slug {c}", r.stderr)

    return run_in_tmp(chk.name, chk, body, tmp=tmp)


if __name__ == "__main__":
    sys.exit(main())
