#!/usr/bin/env python3
"""Writes an opaque 8-bit RGB PNG of W x H pixels (a soft two-colour gradient): the manifest
cases' print-resolution PNG photo, generated at build time rather than stored.

usage: mkpng.py W H OUT.png
"""

import struct
import sys
import zlib


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    w, h, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    comp = zlib.compressobj(6)
    parts = []
    for band in range(16):  # sixteen horizontal bands from warm to cool
        t = band / 15
        px = bytes((int(220 - 120 * t), int(150 + 20 * t), int(90 + 110 * t)))
        row = b"\x00" + px * w
        rows = (h * (band + 1)) // 16 - (h * band) // 16
        parts.append(comp.compress(row * rows))
    parts.append(comp.flush())
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))
    with open(out, "wb") as f:
        f.write(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
