#!/usr/bin/env python3
"""calpress benchmark: renders the sample N times and reports the median wall time and peak
memory (max RSS) of `calpress render`, and the same for `calpress check`.

usage: bench/bench.py [--runs N] [--calpress PATH] [--manifest FILE] [--png]
--png: also renders a copy of the sample whose January photo is a 3600 x 2700 PNG (made here,
deterministic) and reports its render time against the all-JPEG sample's.
Timings are of the whole process (start-up, fonts, layout, PDF and post-processing), one run at
a time, after one untimed warm-up run (so the page cache holds the photos and fonts).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

# The LaTeX wallcalendar class takes over 3 s for a comparable photo calendar (brief); the
# ratio below is against that figure, not a measurement of LaTeX on this machine.
LATEX_REFERENCE_S = 3.0


def run(cmd):
    """Runs cmd; returns (wall seconds, max RSS in MiB) from wait4's rusage of that child."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024.0


def measure(name, cmd, runs):
    run(cmd)  # warm-up
    walls, rss = [], []
    for _ in range(runs):
        w, m = run(cmd)
        walls.append(w)
        rss.append(m)
    med = statistics.median(walls)
    print(f"{name:7s} median {med * 1000:7.1f} ms  (min {min(walls) * 1000:.1f}, "
          f"max {max(walls) * 1000:.1f}, n={runs})  peak RSS median {statistics.median(rss):6.1f} MiB")
    return med


def png_bytes(w, h):
    """A deterministic 8-bit RGB PNG, w x h: a vertical colour gradient under heavy grain, which
    compresses about as badly as a photo saved as PNG (standard library only)."""
    import random
    import struct
    import zlib
    rng = random.Random(12)
    rows = []
    for y in range(h):
        base = y * 200 // h
        table = bytes((base + (v & 31)) % 256 for v in range(256))
        rows.append(b"\x00" + rng.randbytes(3 * w).translate(table))
    raw = zlib.compress(b"".join(rows), 6)

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def png_sample(root, folder):
    """A copy of the sample with January's photo as a 3600 x 2700 PNG; returns its manifest."""
    import shutil
    stories = os.path.join(folder, "stories")
    shutil.copytree(os.path.join(root, "stories"), stories)
    with open(os.path.join(stories, "photos", "neha.png"), "wb") as f:
        f.write(png_bytes(3600, 2700))
    path = os.path.join(stories, "neha.yaml")
    with open(path, encoding="utf-8") as f:
        text = f.read().replace("photo: photos/neha.jpg", "photo: photos/neha.png")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return os.path.join(stories, "calendar.yaml")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--calpress", default=os.path.join(root, "build", "calpress"))
    ap.add_argument("--manifest", default=os.path.join(root, "stories", "calendar.yaml"))
    ap.add_argument("--png", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(args.calpress):
        sys.exit(f"bench: {args.calpress} not found: build first (sh tools/setup.sh)")
    with tempfile.TemporaryDirectory() as out:
        env_note = f"calpress: {args.calpress}\nmanifest: {args.manifest}"
        print(env_note)
        med = measure("render", [args.calpress, "render", args.manifest, "-o", out, "-q"], args.runs)
        measure("check", [args.calpress, "check", args.manifest], args.runs)
        pages = subprocess.run(["pdfinfo", os.path.join(out, "calendar.pdf")],
                               capture_output=True, text=True).stdout
        npages = next((l.split()[-1] for l in pages.splitlines() if l.startswith("Pages:")), "?")
        size = os.path.getsize(os.path.join(out, "calendar.pdf")) / 1e6
        print(f"output  calendar.pdf {npages} pages, {size:.1f} MB; press-release.pdf "
              f"{os.path.getsize(os.path.join(out, 'press-release.pdf')) / 1e3:.0f} kB")
        print(f"ratio   {LATEX_REFERENCE_S / med:.0f}x faster than the 3 s LaTeX wallcalendar build")
        if args.png:
            with tempfile.TemporaryDirectory() as folder:
                man = png_sample(os.path.dirname(os.path.dirname(os.path.abspath(args.manifest))),
                                 folder)
                pmed = measure("png", [args.calpress, "render", man, "-o", out, "-q"], args.runs)
                print(f"png     a 3600 x 2700 PNG in January: {pmed / med:.2f}x the all-JPEG "
                      "render")


if __name__ == "__main__":
    main()
