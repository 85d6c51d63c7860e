#!/usr/bin/env python3
"""TIFF and WebP photos: a hand-written baseline TIFF and a WebP made with Debian's cwebp are
placed, embedded at full resolution and render in their colours; a truncated TIFF, a truncated
WebP and a TIFF header with no image are errors at the manifest line that names them.
usage: test_formats.py CALPRESS SOURCE_DIR"""
import os
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks, run_in_tmp  # noqa: E402
from sample import sample_copy  # noqa: E402

W, H = 3600, 2790  # 300 ppi in the A3 month frame
LEFT, RIGHT = (200, 40, 40), (30, 60, 190)  # red-ish and blue halves


def pixels():
    row = bytes(LEFT) * (W // 2) + bytes(RIGHT) * (W - W // 2)
    return row * H


def write_tiff(path):
    """A baseline, uncompressed, single-strip RGB TIFF (little-endian)."""
    data = pixels()
    entries = [(256, 4, 1, W), (257, 4, 1, H), (258, 3, 3, 0), (259, 3, 1, 1), (262, 3, 1, 2),
               (273, 4, 1, 0), (277, 3, 1, 3), (278, 4, 1, H), (279, 4, 1, len(data))]
    ifd_off = 8
    ifd_size = 2 + len(entries) * 12 + 4
    bps_off = ifd_off + ifd_size
    data_off = bps_off + 6
    out = bytearray(b"II*\0" + struct.pack("<I", ifd_off))
    out += struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        if tag == 258:
            value = bps_off
        if tag == 273:
            value = data_off
        if typ == 3 and count == 1:
            out += struct.pack("<HHIHH", tag, typ, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, typ, count, value)
    out += struct.pack("<I", 0)
    out += struct.pack("<HHH", 8, 8, 8)
    out += data
    with open(path, "wb") as f:
        f.write(out)


def write_png(path):
    raw = b"".join(b"\0" + pixels()[y * W * 3:(y + 1) * W * 3] for y in range(H))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def median_rgb(ppm, x, y):
    """The pixel at (x, y) of a binary PPM."""
    with open(ppm, "rb") as f:
        data = f.read()
    parts = data.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    body = parts[3]
    i = (y * w + x) * 3
    return tuple(body[i:i + 3])


def main():
    calpress, src = sys.argv[1], os.path.abspath(sys.argv[2])
    chk = Checks("print/formats")
    tmp, d = sample_copy(src, "calpress-formats-")
    def body(tmp):
        write_tiff(os.path.join(d, "neha.tif"))
        write_png(os.path.join(tmp, "rupa.png"))
        r = subprocess.run(["cwebp", "-quiet", "-q", "90", os.path.join(tmp, "rupa.png"), "-o",
                            os.path.join(d, "rupa.webp")], capture_output=True, text=True)
        if not chk.ok(r.returncode == 0, "cwebp made a WebP", r.stderr):
            return
        for name, photo in (("neha", "neha.tif"), ("rupa", "rupa.webp")):
            p = os.path.join(d, f"{name}.yaml")
            text = open(p, encoding="utf-8").read().replace(f"photo: photos/{name}.jpg", f"photo: {photo}")
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
        out = os.path.join(tmp, "out")
        r = subprocess.run([calpress, "render", "calendar.yaml", "-o", out, "--press"], cwd=d,
                           capture_output=True, text=True)
        findings = [ln for ln in r.stderr.splitlines()
                    if (" warning: " in ln or " error: " in ln)
                    and ("neha.tif" in ln or "rupa.webp" in ln)]
        chk.ok(r.returncode == 0 and not findings,
               "a 300 ppi TIFF and WebP render in press mode with no finding",
               f"exit {r.returncode}\n{r.stderr}")
        # A lossless 30 MB TIFF gets a note (not a finding) suggesting a JPEG; the lossy WebP none.
        notes = [ln for ln in r.stderr.splitlines() if " note: " in ln and "photo '" in ln]
        chk.ok(len(notes) == 1 and "photo 'neha.tif' is a lossless TIFF of" in notes[0] and
               "consider converting it" in notes[0],
               "the lossless TIFF gets a note suggesting JPEG; the WebP none", r.stderr)
        cal = os.path.join(out, "calendar.pdf")
        if os.path.exists(cal):
            lst = subprocess.run(["pdfimages", "-list", "-f", "2", "-l", "3", cal],
                                 capture_output=True, text=True).stdout
            rows = [l.split() for l in lst.splitlines()[2:] if l.split()]
            chk.ok(len(rows) == 2 and all(r[3] == str(W) and r[4] == str(H) for r in rows),
                   f"both are embedded at full size, {W} x {H}", lst)
            for page, name in ((2, "TIFF"), (3, "WebP")):
                base = os.path.join(tmp, f"p{page}")
                subprocess.run(["pdftoppm", "-r", "20", "-f", str(page), "-l", str(page), cal, base],
                               check=True)
                ppm = next(os.path.join(tmp, f) for f in os.listdir(tmp)
                           if f.startswith(f"p{page}") and f.endswith(".ppm"))
                # 20 dpi: the slug and bleed are 42.5 pt = 12 px; the photo spans the top 228 mm.
                left = median_rgb(ppm, 12 + 40, 12 + 60)
                right = median_rgb(ppm, 12 + 180, 12 + 60)
                chk.ok(left[0] > 150 and left[2] < 90, f"{name}: the left half is red {left}")
                chk.ok(right[2] > 140 and right[0] < 80, f"{name}: the right half is blue {right}")
        # Damaged files.
        tif = open(os.path.join(d, "neha.tif"), "rb").read()
        webp = open(os.path.join(d, "rupa.webp"), "rb").read()
        cases = [("neha.tif", tif[:len(tif) // 2], "TIFF"), ("rupa.webp", webp[:len(webp) // 2], "WebP"),
                 ("neha.tif", tif[:8], "TIFF")]
        for photo, data, kind in cases:
            with open(os.path.join(d, photo), "wb") as f:
                f.write(data)
            r = subprocess.run([calpress, "check", "calendar.yaml"], cwd=d, capture_output=True,
                               text=True)
            line = next((l for l in r.stderr.splitlines() if photo in l and "error" in l), "")
            chk.ok(r.returncode == 1 and ".yaml:" in line and kind in line,
                   f"a damaged {kind} ({len(data)} bytes) is an error at the line naming it",
                   r.stderr)
            with open(os.path.join(d, photo), "wb") as f:
                f.write(tif if photo.endswith(".tif") else webp)

    return run_in_tmp(chk.name, chk, body, tmp=tmp)


if __name__ == "__main__":
    sys.exit(main())
