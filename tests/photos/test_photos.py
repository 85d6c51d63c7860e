#!/usr/bin/env python3
"""Photo tests of calpress: automatic focus on a real face, crop warnings, the analysis cache,
the crop and contact sheets, the social and web exports, enlarged photos and PNG photos.

usage: test_photos.py CALPRESS MKPHOTOS SOURCE_DIR CHECK [--photo-python PY] [--keep]

CHECK is one of: face-focus, crop-warnings, repeated, cache, upscaled, sheet, social, web, png.

face-focus, crop-warnings, repeated, cache and upscaled need test photos composed from scikit-image's
sample images (tests/photos/mkfaces.py, run by PY: a Python 3 with numpy, scikit-image and
Pillow, Debian's python3-skimage and python3-pil); face-focus also compares pixels with numpy,
so it runs under PY itself. Without such a Python they skip (exit 77) and say why. sheet, social
and web use the sample (stories/calendar.yaml). Every calpress run gets its own
XDG_CACHE_HOME, so no test reads another's cached analyses. Each check works in a temporary
folder (kept if it failed or with --keep) and ends with "photos/CHECK: N passed, M failed".
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "print"))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
from checks import Abort, Checks, run_in_tmp  # noqa: E402
from proc import run  # noqa: E402
import test_print as tp  # noqa: E402
from test_print import (Ctx, Manifest, default_month, diag_lines, mkphoto, pdf_pages,  # noqa: E402
                        read_bytes, tail)

SKIP = 77
MM = 72.0 / 25.4
# The month photo frame of layouts/a3-portrait.yaml with its bleed (mm, trim coordinates), and
# its part inside the trim.
FRAME = (-3.0, -3.0, 303.0, 231.0)
VISIBLE = (0.0, 0.0, 297.0, 228.0)
OFF = 15.0  # bleed + slug: the trim's corner from the media's


def calpress(ctx, args, cwd, cache, timeout=400, extra_env=None):
    """calpress with its own analysis cache folder."""
    env = dict(os.environ, XDG_CACHE_HOME=cache, **(extra_env or {}))
    p = run([ctx.calpress] + list(args), cwd=cwd, env=env, timeout=timeout)
    shown = " ".join(os.path.basename(str(a)) if os.path.isabs(str(a)) else str(a) for a in args)
    print(f"  ran   calpress {shown}  (exit {p.returncode}, {p.seconds:.2f} s)")
    return p


def compose(ctx, chk, folder):
    """The scikit-image test photos; returns {name: face box} from mkfaces.py's report."""
    p = run([ctx.photo_python, os.path.join(HERE, "mkfaces.py"), folder])
    if not chk.ok(p.returncode == 0, "mkfaces.py composes the test photos",
                  f"exit {p.returncode}\n{tail(p.err)}"):
        raise Abort()
    faces = {}
    for ln in p.out.splitlines():
        f = ln.split()
        if len(f) == 6 and f[1] == "face":
            faces[f[0]] = tuple(float(v) for v in f[2:])
    return faces


def fillers(ctx, folder):
    month = mkphoto(ctx, os.path.join(folder, "filler.jpg"), 900, 698, seed=7, palette=3)
    cover = mkphoto(ctx, os.path.join(folder, "cover.jpg"), 900, 1260, seed=8, palette=0)
    return os.path.basename(month), os.path.basename(cover)


def month_manifest(ctx, tmp, photos, cover=None):
    """A manifest whose months 1.. use photos[i] (dicts of month keys), the rest a filler."""
    filler, cov = fillers(ctx, tmp)
    months = [default_month(i, filler) for i in range(12)]
    for i, extra in enumerate(photos):
        months[i].update(extra)
    man = Manifest(months, cover=cover or cov)
    path = man.write(os.path.join(tmp, "calendar.yaml"))
    return man, path


# --------------------------------------------------------------------------------------------
# face-focus: the face in the lower third of a portrait photo ends up in the month frame


def crop_offset(page_rgb, src, np, Image, dpi):
    """Where the picture lies in the rendered frame: the picture (src, a portrait photo that
    fills the frame's width) is slid down the frame and compared with the page's pixels; the
    best match is the crop calpress chose. Returns (top of the picture in mm from the trim's
    top, mean difference there)."""
    k = dpi / 25.4
    pw = FRAME[2]
    ph = pw * src.height / src.width
    small = np.asarray(src.resize((round(pw * k), round(ph * k)), Image.BOX), np.float32)
    x0 = round((OFF + VISIBLE[0]) * k)
    y0 = round((OFF + VISIBLE[1]) * k)
    vw, vh = round(VISIBLE[2] * k), round(VISIBLE[3] * k)
    seen = page_rgb[y0:y0 + vh, x0:x0 + vw].astype(np.float32)
    sx = round((VISIBLE[0] - FRAME[0]) * k)
    best = (1e9, 0.0, 0)
    lo, hi = FRAME[1] + FRAME[3] - ph, FRAME[1]
    steps = int((hi - lo) * k) + 1
    for i in range(steps + 1):
        top = lo + (hi - lo) * i / steps
        r0 = round((VISIBLE[1] - top) * k)
        part = small[r0:r0 + vh, sx:sx + vw]
        if part.shape != seen.shape:
            continue
        d = float(np.abs(part - seen).mean())
        best = min(best, (d, top, r0))
    return best[1], best[0], seen, small, best[2], sx


def check_face_focus(ctx, chk, tmp):
    import numpy as np
    from PIL import Image
    faces = compose(ctx, chk, tmp)
    face = faces.get("face-low.jpg")
    if not chk.ok(face is not None, "mkfaces.py reports the face's place", str(faces)):
        return
    fx, fy, fw, fh = face
    chk.ok(fy > 2 / 3, f"the face sits in the photo's lower third (top at {fy:.2f})")
    man, path = month_manifest(ctx, tmp, [{"photo": "face-low.jpg"}])
    out = os.path.join(tmp, "out")
    p = calpress(ctx, ["render", path, "-o", out], tmp, os.path.join(tmp, "cache"))
    cal = os.path.join(out, "calendar.pdf")
    if not chk.ok(p.returncode == 0 and os.path.isfile(cal), "render exits 0",
                  f"exit {p.returncode}\n{tail(p.err)}"):
        return
    about = [d for d in diag_lines(p.err) if "face-low.jpg" in d["msg"]]
    chk.ok(not about, "no warning about face-low.jpg: its crop keeps the face",
           "\n".join(d["text"] for d in about))
    dpi = 30
    r = tp.rasterise(cal, 2, dpi, tmp, "january")
    page = np.frombuffer(r.data, np.uint8).reshape(r.h, r.w, 3)
    src = Image.open(os.path.join(tmp, "face-low.jpg")).convert("RGB")
    top, diff, seen, small, r0, sx = crop_offset(page, src, np, Image, dpi)
    chk.ok(diff < 12, f"the frame shows the photo (best match {diff:.1f} levels off, picture "
           f"top at {top:.1f} mm)")
    ph = FRAME[2] * src.height / src.width
    f_top, f_bottom = top + fy * ph, top + (fy + fh) * ph
    f_left, f_right = FRAME[0] + fx * FRAME[2], FRAME[0] + (fx + fw) * FRAME[2]
    inside = (f_top >= VISIBLE[1] and f_bottom <= VISIBLE[1] + VISIBLE[3] and
              f_left >= VISIBLE[0] and f_right <= VISIBLE[0] + VISIBLE[2])
    chk.ok(inside, f"the face ({f_left:.0f}..{f_right:.0f} x {f_top:.0f}..{f_bottom:.0f} mm) lies "
           "inside the visible frame (0..297 x 0..228 mm)")
    # The page's pixels where the face is are the photo's face: they match it far better than
    # the same place in a picture slid by 60 mm (the proof's 10 % watermark may cross it).
    k = dpi / 25.4
    y0, y1 = round((f_top - VISIBLE[1]) * k), round((f_bottom - VISIBLE[1]) * k)
    x0, x1 = round((f_left - VISIBLE[0]) * k), round((f_right - VISIBLE[0]) * k)
    a = seen[y0:y1, x0:x1]
    b = small[r0 + y0:r0 + y1, sx + x0:sx + x1]
    s60 = round(60 * k)
    c = small[r0 + y0 - s60:r0 + y1 - s60, sx + x0:sx + x1]
    d = float(np.abs(a - b).mean()) if a.size and a.shape == b.shape else 1e9
    dc = float(np.abs(a - c).mean()) if a.size and a.shape == c.shape else 0
    chk.ok(d < 20 and d < dc / 2, f"the page's pixels at the face are the astronaut's face "
           f"({d:.1f} levels off; {dc:.1f} for the picture slid by 60 mm)")
    # Control: the same photo centred (photo_focus written) loses the face: the automatic focus
    # above did the work.
    man, path = month_manifest(ctx, tmp, [{"photo": "face-low.jpg", "photo_focus": (0.5, 0.5)}])
    p = calpress(ctx, ["render", path, "-o", out], tmp, os.path.join(tmp, "cache"))
    r = tp.rasterise(cal, 2, dpi, tmp, "centred")
    page = np.frombuffer(r.data, np.uint8).reshape(r.h, r.w, 3)
    top = crop_offset(page, src, np, Image, dpi)[0]
    chk.ok(p.returncode == 0 and top + fy * ph > VISIBLE[3],
           f"control: with photo_focus [0.5, 0.5] the face (top at {top + fy * ph:.0f} mm) is "
           f"below the frame's foot (228 mm)", f"exit {p.returncode}; picture top {top:.1f} mm")


# --------------------------------------------------------------------------------------------
# crop-warnings: the messages at the photo line, in render and in check


def check_crop_warnings(ctx, chk, tmp):
    compose(ctx, chk, tmp)
    cases = [  # (month keys, expected message after "face-low.jpg: ")
        ({"photo": "face-low.jpg", "photo_focus": (0.5, 0.5)},
         "the crop leaves out a face; change photo_focus or use a landscape photo"),
        ({"photo": "face-low.jpg", "photo_focus": (0.5, 0.551)},
         "the crop cuts a face at the bottom edge; change photo_focus or use a landscape photo"),
        ({"photo": "face-low.jpg"}, None),
    ]
    man, path = month_manifest(ctx, tmp, [c[0] for c in cases], cover="face-low.jpg")
    for cmd in ("check", "render"):
        args = [cmd, path] + (["-o", os.path.join(tmp, "out")] if cmd == "render" else [])
        p = calpress(ctx, args, tmp, os.path.join(tmp, "cache"))
        chk.ok(p.returncode == 0, f"{cmd} exits 0 (crop warnings are warnings)",
               f"exit {p.returncode}\n{tail(p.err)}")
        ws = [d for d in diag_lines(p.err, "warning") if d["msg"].startswith("face-low.jpg: ")]
        for i, (_, want) in enumerate(cases, start=1):
            line, col = man.where[f"m{i}.photo"]
            got = [d["msg"] for d in ws if d["line"] == line]
            if want is None:
                chk.ok(not got, f"{cmd}: month {i} (no photo_focus): no crop warning", str(got))
                continue
            chk.ok(got == ["face-low.jpg: " + want] and
                   all(d["col"] == col for d in ws if d["line"] == line),
                   f"{cmd}: month {i}: calendar.yaml:{line}:{col}: warning: face-low.jpg: {want}",
                   "\n".join(d["text"] for d in ws))
        line, col = man.where["cover.photo"]
        got = [d["text"] for d in ws if d["line"] == line]
        want = (f"calendar.yaml:{line}:{col}: warning: face-low.jpg: a face lies under frame "
                "'band'; set photo_focus")
        chk.ok(got == [want], f"{cmd}: cover: {want}", "\n".join(got))
    # A distinct subject (one green disc on grey) near the foot of a portrait photo: the cover's
    # crop can lift it by only 28 mm, and it stays under the title band.
    mkphoto(ctx, os.path.join(tmp, "subject.jpg"), 3000, 4500, "--mark", 0.5, 0.93)
    man, path = month_manifest(ctx, tmp, [], cover="subject.jpg")
    p = calpress(ctx, ["check", path], tmp, os.path.join(tmp, "cache"))
    line, col = man.where["cover.photo"]
    want = (f"calendar.yaml:{line}:{col}: warning: subject.jpg: the photo's main detail lies "
            "under frame 'band'; set photo_focus")
    got = [d["text"] for d in diag_lines(p.err, "warning") if d["msg"].startswith("subject.jpg")]
    chk.ok(got == [want], f"check: cover: {want}", "\n".join(got) or p.err)


# --------------------------------------------------------------------------------------------
# repeated: one photo in the same frame on several pages is cropped once, as each alone would be


def photo_lines(dump):
    """{page label: [placement after the path]} from a --dump-layout file."""
    pages, label = {}, None
    with open(dump, encoding="utf-8") as f:
        for ln in f:
            m = re.match(r"page \d+ (\S+) ", ln)
            if m:
                label = m.group(1)
            m = re.match(r"  \S+ image (\S+) (clip .*)$", ln)
            if m and label:
                pages.setdefault(label, []).append((os.path.basename(m.group(1)), m.group(2)))
    return pages


def check_repeated(ctx, chk, tmp):
    compose(ctx, chk, tmp)
    # January to June show face-low.jpg itself; July to December byte-for-byte copies of it,
    # each its own photo, so each is cropped by the search. The cover shows it in another frame.
    names = ["face-low.jpg"] * 6
    for i in range(7, 13):
        name = f"face-low-{i}.jpg"
        shutil.copyfile(os.path.join(tmp, "face-low.jpg"), os.path.join(tmp, name))
        names.append(name)
    man, path = month_manifest(ctx, tmp, [{"photo": n} for n in names], cover="face-low.jpg")
    dump = os.path.join(tmp, "layout.txt")
    p = calpress(ctx, ["check", path, "--dump-layout", dump], tmp, os.path.join(tmp, "cache"))
    if not chk.ok(p.returncode == 0 and os.path.isfile(dump), "check --dump-layout exits 0",
                  f"exit {p.returncode}\n{tail(p.err)}"):
        return
    pages = photo_lines(dump)
    months = [pages.get(m, []) for m in ("January", "February", "March", "April", "May", "June",
                                         "July", "August", "September", "October", "November",
                                         "December")]
    got = [[place for name, place in m if name.startswith("face-low")] for m in months]
    chk.ok(all(len(g) == 1 for g in got), "each month shows the photo once",
           "\n".join(map(str, got)))
    if not all(len(g) == 1 for g in got):
        return
    first = got[0][0]
    chk.ok(all(g[0] == first for g in got),
           f"every month crops it alike, the shared photo as its copies ({first})",
           "\n".join(g[0] for g in got))
    # The face sits low: the crop the search chose is not the centred one.
    nums = [float(v) for v in first.split()[1:5] + first.split()[6:10]]
    clip_y, clip_h, at_y, at_h = nums[1], nums[3], nums[5], nums[7]
    centred = clip_y + (clip_h - at_h) / 2
    chk.ok(abs(at_y - centred) > 5, f"the crop follows the face (picture top {at_y:.2f} pt, "
           f"centred {centred:.2f} pt)")
    cover = [place for name, place in pages.get("cover", []) if name.startswith("face-low")]
    chk.ok(len(cover) == 1 and cover[0] != first, "the cover's frame gets a crop of its own",
           str(cover))


# --------------------------------------------------------------------------------------------
# cache: an unchanged photo is analysed once, whatever its name


def sheet_stats(out):
    m = re.search(r"^photos: (\d+) analysed \(.*\), (\d+) from the cache$", out, re.M)
    return (int(m.group(1)), int(m.group(2))) if m else None


def check_cache(ctx, chk, tmp):
    compose(ctx, chk, tmp)
    shutil.copy(os.path.join(tmp, "face-low.jpg"), os.path.join(tmp, "renamed.jpg"))
    man, path = month_manifest(ctx, tmp, [{"photo": "face-low.jpg"}, {"photo": "mosaic.jpg"}])
    cache = os.path.join(tmp, "cache")
    out = os.path.join(tmp, "out")
    # The dynamic loader names every library it loads (LD_DEBUG=libs): OpenCV comes with the
    # analysis module, only when a photo is analysed (image/focusload.c).
    libs = {"LD_DEBUG": "libs"}
    p = calpress(ctx, ["sheet", path, "-o", out], tmp, cache, extra_env=libs)
    chk.ok(sheet_stats(p.out) == (4, 0), "first run: 4 photos analysed (cover, filler, "
           "face-low, mosaic), none from the cache", f"exit {p.returncode}\n{p.out}\n{tail(p.err)}")
    chk.ok("calpress-focus.so" in p.err and "libopencv_objdetect" in p.err,
           "first run: the analysis module and OpenCV are loaded", tail(p.err))
    entries = sorted(os.listdir(os.path.join(cache, "calpress", "focus")))
    chk.ok(len(entries) == 4 and all(re.fullmatch(r"[0-9a-f]{32}-v\d+f\.txt", e)
                                     for e in entries),
           "4 cache entries named by the hash of the bytes and the detector version", entries)
    p = calpress(ctx, ["sheet", path, "-o", out], tmp, cache, extra_env=libs)
    chk.ok(sheet_stats(p.out) == (0, 4), "second run: nothing analysed, 4 from the cache",
           p.out)
    chk.ok(p.returncode == 0 and "libopencv" not in p.err and "calpress-focus.so" not in p.err,
           "second run: neither the analysis module nor OpenCV is loaded",
           "\n".join(ln for ln in p.err.splitlines() if "opencv" in ln or "focus" in ln)[:2000])
    chk.ok("cached" in p.out and "analysed" in p.out, "the photo lines say where each came from")
    # The same bytes under another name are the same photo.
    man, path = month_manifest(ctx, tmp, [{"photo": "renamed.jpg"}, {"photo": "mosaic.jpg"}])
    p = calpress(ctx, ["sheet", path, "-o", out], tmp, cache)
    chk.ok(sheet_stats(p.out) == (0, 4), "a renamed copy is found in the cache", p.out)
    # The calendar made from cached analyses ...
    man, path = month_manifest(ctx, tmp, [{"photo": "face-low.jpg"}, {"photo": "mosaic.jpg"}])
    os.environ["SOURCE_DATE_EPOCH"] = "1607904000"
    p = calpress(ctx, ["render", path, "-o", out], tmp, cache)
    cached_pdf = read_bytes(os.path.join(out, "calendar.pdf"))
    # A damaged entry is analysed again and rewritten, never trusted.
    for e in entries:
        with open(os.path.join(cache, "calpress", "focus", e), "w") as f:
            f.write("calpress-focus 1\nsize 12\n")
    p = calpress(ctx, ["sheet", path, "-o", out], tmp, cache)
    chk.ok(p.returncode == 0 and sheet_stats(p.out) == (4, 0),
           "damaged cache entries: the photos are analysed again", f"{p.out}\n{p.err}")
    p = calpress(ctx, ["sheet", path, "-o", out], tmp, cache)
    chk.ok(sheet_stats(p.out) == (0, 4), "and the rewritten entries serve the next run", p.out)
    # An entry that is a FIFO or a huge file is not read (no hang, no 1 GiB in memory): the
    # photo is analysed again and the entry replaced.
    focus = os.path.join(cache, "calpress", "focus")
    os.remove(os.path.join(focus, entries[0]))
    os.mkfifo(os.path.join(focus, entries[0]))
    with open(os.path.join(focus, entries[1]), "w") as f:
        f.truncate(1 << 30)
    try:
        p = calpress(ctx, ["sheet", path, "-o", out], tmp, cache, timeout=120)
        chk.ok(p.returncode == 0 and sheet_stats(p.out) == (2, 2),
               "a FIFO and a 1 GiB file as cache entries: those two photos are analysed again",
               f"{p.out}\n{p.err}")
        chk.ok(all(os.path.isfile(os.path.join(focus, e)) and
                   os.path.getsize(os.path.join(focus, e)) < 65536 for e in entries[:2]),
               "and their entries are written anew")
    except subprocess.TimeoutExpired:
        chk.ok(False, "a FIFO and a 1 GiB file as cache entries: sheet does not hang")
        for e in entries[:2]:
            os.remove(os.path.join(focus, e))
    # ... is byte-identical to one from fresh analyses in an empty cache: deterministic.
    p = calpress(ctx, ["render", path, "-o", out], tmp, os.path.join(tmp, "cache2"))
    chk.ok(p.returncode == 0 and read_bytes(os.path.join(out, "calendar.pdf")) == cached_pdf,
           "the calendar from fresh analyses is byte-identical to the one from the cache")
    del os.environ["SOURCE_DATE_EPOCH"]
    # A photo named by an absolute path appears on the crop sheet by its file name only.
    man, path = month_manifest(ctx, tmp, [{"photo": os.path.join(tmp, "mosaic.jpg")}])
    p = calpress(ctx, ["sheet", path, "-o", out], tmp, cache)
    text = run(["pdftotext", os.path.join(out, "crops.pdf"), "-"]).out
    chk.ok(p.returncode == 0 and "January \u2014 mosaic.jpg" in text and tmp not in text,
           "crops.pdf names a photo given by an absolute path by its file name, never its folder",
           f"exit {p.returncode}\n{p.err}")


# --------------------------------------------------------------------------------------------
# upscaled: a photo enlarged from a small original


def check_upscaled(ctx, chk, tmp):
    compose(ctx, chk, tmp)
    names = ["mosaic.jpg", "mosaic-2x.jpg", "mosaic-3x.jpg"]
    man, path = month_manifest(ctx, tmp, [{"photo": n} for n in names])
    for mode in ("check", "check --press"):
        p = calpress(ctx, mode.split() + [path], tmp, os.path.join(tmp, "cache"))
        ds = [d for d in diag_lines(p.err) if "looks enlarged" in d["msg"]]
        sev = "error" if "press" in mode else "warning"
        for i, n in enumerate(names, start=1):
            line, col = man.where[f"m{i}.photo"]
            got = [d for d in ds if d["line"] == line]
            if n == "mosaic.jpg":
                chk.ok(not got, f"{mode}: the sharp mosaic is not called enlarged",
                       "\n".join(d["text"] for d in got))
                continue
            want = (f"calendar.yaml:{line}:{col}: {sev}: photo '{n}' (3600 x 2790 px) looks "
                    "enlarged from a smaller original: it has no detail finer than about 2 "
                    "pixels, so its 302 ppi in frame 'photo' print like 151 ppi or less; ask for "
                    "the original file")
            chk.ok([d["text"] for d in got] == [want], f"{mode}: {n}: {want}",
                   "\n".join(d["text"] for d in ds))


# --------------------------------------------------------------------------------------------
# sheet: crops.pdf and the contact sheet of the sample


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def check_sheet(ctx, chk, tmp):
    out = os.path.join(tmp, "out")
    p = calpress(ctx, ["sheet", "stories/calendar.yaml", "-o", out], ctx.src,
                 os.path.join(tmp, "cache"))
    if not chk.ok(p.returncode == 0, "sheet exits 0", f"exit {p.returncode}\n{tail(p.err)}"):
        return
    crops = os.path.join(out, "crops.pdf")
    contact = os.path.join(out, "contact-sheet.pdf")
    png = os.path.join(out, "contact-sheet.png")
    chk.ok(pdf_pages(crops) == 13, "crops.pdf has 13 pages (the cover and twelve months)",
           f"{pdf_pages(crops)} pages")
    files = ["cover", "neha", "rupa", "shefali", "mitali", "ahana", "priya", "tania", "saumya",
             "joya", "anjali", "rima", "puja"]
    labels = ["cover", "January", "February", "March", "April", "May", "June", "July",
              "August", "September", "October", "November", "December"]
    for i, (f, lab) in enumerate(zip(files, labels), start=1):
        text = tp.pdftotext(crops, i)
        want = [f"{lab} \u2014 photos/{f}.jpg", "302 ppi" if i > 1 else "301 ppi",
                "3600 \u00d7", "RGB, 8 bits a channel", "FOCUS", "photo_focus", "FACES"]
        miss = [w for w in want if w not in text]
        chk.ok(not miss, f"crops.pdf page {i}: {lab}, photos/{f}.jpg, its ppi, pixels, colour "
               "and focus", f"missing {miss}\n{text[:600]}")
    boxes, _ = tp.pdfinfo_boxes(crops, 1, 1)
    mb = boxes.get(1, {}).get("MediaBox")
    chk.ok(mb and abs(mb[2] - 841.89) < 0.1 and abs(mb[3] - 595.28) < 0.1,
           "crops.pdf pages are A4 landscape", str(mb))
    chk.ok(pdf_pages(contact) == 1, "contact-sheet.pdf is one page", f"{pdf_pages(contact)}")
    boxes, _ = tp.pdfinfo_boxes(contact, 1, 1)
    mb = boxes.get(1, {}).get("MediaBox")
    chk.ok(mb and abs(mb[2] - 1190.55) < 0.1 and abs(mb[3] - 841.89) < 0.1,
           "the contact sheet is A3 landscape", str(mb))
    text = tp.pdftotext(contact, 1)
    want = [f"{i} \u00b7 {lab}" for i, lab in
            enumerate(["Cover"] + labels[1:] + ["Back"], start=1)] + ["Press release 1/1"]
    miss = [w for w in want if w not in text]
    chk.ok(not miss, "the contact sheet labels all 15 pages (14 calendar, 1 press release)",
           f"missing {miss}")
    # The thumbnails are the pages themselves: their own words are on the sheet.
    words = [f"{m} 2021" for m in labels[1:]] + ["Press Release", "Champions of Hope"]
    text1 = text.replace("\n", " ")
    miss = [w for w in words if w not in text1]
    chk.ok(not miss, "the thumbnails carry the pages' text (every month heading, the press "
           "release)", f"missing {miss}")
    chk.ok(png_size(png) == (1654, 1170), "contact-sheet.png is the sheet at 100 dpi "
           "(1654 x 1170)", str(png_size(png)))
    for f in (crops, contact):
        size = os.path.getsize(f)
        chk.ok(size < 3_000_000, f"{os.path.basename(f)} is small enough to e-mail "
               f"({size / 1e6:.2f} MB)")
    chk.ok(re.search(r"^photos: \d+ analysed .*\d+ from the cache$", p.out, re.M) and
           len(re.findall(r"^  \S+ +photos/\S+\.jpg +focus given", p.out, re.M)) == 13,
           "sheet prints a line per photo and the analysis cost", p.out)


# --------------------------------------------------------------------------------------------
# social: 12 x 3 sRGB JPEGs with no metadata


def jpeg_info(path):
    """(width, height, ICC profile bytes, APP markers) of a JPEG, read marker by marker."""
    data = read_bytes(path)
    if data[:2] != b"\xff\xd8":
        return None
    i, w, h, icc, apps = 2, None, None, b"", []
    while i + 4 <= len(data) and data[i] == 0xFF:
        m = data[i + 1]
        seg = struct.unpack(">H", data[i + 2:i + 4])[0]
        body = data[i + 4:i + 2 + seg]
        if 0xE0 <= m <= 0xEF or m == 0xFE:
            apps.append((m, body[:12]))
        if m == 0xE2 and body.startswith(b"ICC_PROFILE\x00"):
            icc += body[14:]
        if m in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", body[1:5])
            break
        i += 2 + seg
    return w, h, icc, apps


def check_social(ctx, chk, tmp):
    out = os.path.join(tmp, "out")
    p = calpress(ctx, ["export", "stories/calendar.yaml", "-o", out, "--social"], ctx.src,
                 os.path.join(tmp, "cache"))
    if not chk.ok(p.returncode == 0, "export --social exits 0",
                  f"exit {p.returncode}\n{tail(p.err)}"):
        return
    folder = os.path.join(out, "social")
    months = ["january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december"]
    want = {}
    for i, m in enumerate(months, start=1):
        want[f"{i:02d}-{m}-page.jpg"] = (1080, 1527)
        want[f"{i:02d}-{m}-1080x1080.jpg"] = (1080, 1080)
        want[f"{i:02d}-{m}-1080x1350.jpg"] = (1080, 1350)
    got = sorted(os.listdir(folder))
    chk.ok(got == sorted(want), "social/ holds exactly the 36 images (12 months x 3)",
           f"extra {sorted(set(got) - set(want))}, missing {sorted(set(want) - set(got))}")
    srgb = read_bytes(tp.SRGB_ICC)
    bad_size, bad_icc, bad_apps = [], [], []
    for name, size in sorted(want.items()):
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        w, h, icc, apps = jpeg_info(path)
        if (w, h) != size:
            bad_size.append(f"{name}: {w} x {h}")
        if icc != srgb:
            bad_icc.append(name)
        if [a for a in apps if a[0] not in (0xE0, 0xE2)]:
            bad_apps.append(f"{name}: {apps}")
    chk.ok(not bad_size, "every image has its size: pages 1080 x 1527, cards 1080 x 1080 and "
           "1080 x 1350", "\n".join(bad_size))
    chk.ok(not bad_icc, "every image carries the sRGB profile (icc-profiles-free's sRGB.icc)",
           bad_icc)
    chk.ok(not bad_apps, "no APP segment but JFIF and the ICC profile (no EXIF, XMP, IPTC, "
           "comment)", "\n".join(bad_apps))
    exiftool = shutil.which("exiftool")
    if not chk.ok(exiftool, "exiftool is installed (Debian's libimage-exiftool-perl)"):
        return
    paths = [os.path.join(folder, n) for n in sorted(want)]
    e = run([exiftool, "-j", "-G0", "-a"] + paths)
    allowed = {"SourceFile", "ExifTool", "File", "JFIF", "ICC_Profile", "Composite"}
    groups, desc = set(), set()
    for rec in json.loads(e.stdout or b"[]"):
        for k, v in rec.items():
            groups.add(k.split(":")[0])
            if k == "ICC_Profile:ProfileDescription":
                desc.add(v)
    chk.ok(groups and groups <= allowed, "exiftool finds no EXIF, XMP, IPTC or maker data",
           f"groups: {sorted(groups)}")
    chk.ok(len(desc) == 1 and "sRGB" in desc.pop(), "exiftool reads the profile as sRGB",
           str(desc))
    chk.ok(p.out.strip() == f"wrote 36 images to {folder} (sRGB JPEG)", "export says what it "
           "wrote", p.out)


# --------------------------------------------------------------------------------------------
# web: the screen PDF


def images(pdf):
    """pdfimages -list: one row per placed image, with its encoding, colour and ppi."""
    p = run(["pdfimages", "-list", pdf])
    rows = []
    for ln in p.out.splitlines()[2:]:
        f = ln.split()
        if len(f) >= 14 and f[0].isdigit():
            rows.append({"page": int(f[0]), "color": f[5], "enc": f[8],
                         "ppi": max(int(f[12]), int(f[13])), "line": ln})
    return rows


def check_web(ctx, chk, tmp):
    out = os.path.join(tmp, "out")
    p = calpress(ctx, ["export", "stories/calendar.yaml", "-o", out, "--web"], ctx.src,
                 os.path.join(tmp, "cache"))
    pdf = os.path.join(out, "calendar-web.pdf")
    if not chk.ok(p.returncode == 0 and os.path.isfile(pdf), "export --web writes "
                  "calendar-web.pdf", f"exit {p.returncode}\n{tail(p.err)}"):
        return
    size = os.path.getsize(pdf)
    chk.ok(size < 5_000_000, f"calendar-web.pdf is under 5 MB ({size / 1e6:.2f} MB)")
    chk.ok(pdf_pages(pdf) == 14, "14 pages")
    boxes, _ = tp.pdfinfo_boxes(pdf, 1, 14)
    bad = [n for n, b in boxes.items()
           if abs(b["MediaBox"][2] - b["MediaBox"][0] - 841.89) > 0.1
           or abs(b["MediaBox"][3] - b["MediaBox"][1] - 1190.55) > 0.1]
    chk.ok(len(boxes) == 14 and not bad, "every page is the trimmed A3 page (no bleed, no slug)",
           f"bad pages {bad}")
    text = "".join(tp.pdftotext(pdf, i) for i in range(1, 15))
    chk.ok("PROOF" not in text and "calendar.pdf \u00b7" not in text,
           "no watermark and no slug line")
    rows = images(pdf)
    chk.ok(rows and all(r["enc"] == "jpeg" and r["color"] == "rgb" for r in rows),
           "every photo is an RGB JPEG", "\n".join(r["line"] for r in rows[:3]))
    hi = [r["line"] for r in rows if r["ppi"] > 152]
    chk.ok(rows and not hi, f"photos at 150 ppi or less where placed ({len(rows)} placed)",
           "\n".join(hi[:3]))
    low = [r["line"] for r in rows if r["ppi"] < 140]
    chk.ok(not low, "and not much less (resampled to 150, not below)", "\n".join(low[:3]))
    qp = tp.QPdf(pdf)
    conds = set()
    for _, e in qp.all_objects():
        v = e.get("value")
        if isinstance(v, dict) and v.get("/Type") == "/OutputIntent":
            conds.add(tp.text_of(v.get("/OutputConditionIdentifier")) or "")
    chk.ok(conds and all("sRGB" in c for c in conds), f"the output intent is sRGB ({conds})")


# --------------------------------------------------------------------------------------------
# png: PNG photos pass into the PDF undecoded


def idat(path):
    """The PNG's IDAT chunks' data, concatenated."""
    data = read_bytes(path)
    i, out = 8, b""
    while i + 8 <= len(data):
        n = struct.unpack(">I", data[i:i + 4])[0]
        if data[i + 4:i + 8] == b"IDAT":
            out += data[i + 8:i + 8 + n]
        i += 12 + n
    return out


def check_png(ctx, chk, tmp):
    from PIL import Image
    p = run([ctx.photo_python, os.path.join(HERE, "mkfaces.py"), tmp, "png"])
    if not chk.ok(p.returncode == 0, "mkfaces.py writes the PNG photos", tail(p.err)):
        return
    names = ["big.png", "palette.png", "grey.png", "alpha.png"]
    man, path = month_manifest(ctx, tmp, [{"photo": n} for n in names])
    out = os.path.join(tmp, "out")
    p = calpress(ctx, ["render", path, "-o", out], tmp, os.path.join(tmp, "cache"))
    cal = os.path.join(out, "calendar.pdf")
    if not chk.ok(p.returncode == 0, "render exits 0", f"exit {p.returncode}\n{tail(p.err)}"):
        return
    want = {"big.png": ((3600, 2700), 3, 8, "/DeviceRGB"),
            "palette.png": ((1800, 1350), 1, 8, "/Indexed"),
            "grey.png": ((1800, 1350), 1, 8, "/DeviceGray")}
    for name, (size, colors, bits, cs) in want.items():
        ref, d = find_image(cal, size, cs)
        parms = d.get("/DecodeParms", {})
        chk.ok(d.get("/Filter") == "/FlateDecode" and parms.get("/Predictor") == 15 and
               parms.get("/Colors") == colors and parms.get("/BitsPerComponent") == bits and
               parms.get("/Columns") == size[0],
               f"{name}: a Flate image with PNG predictors (/Predictor 15 /Colors {colors} "
               f"/BitsPerComponent {bits} /Columns {size[0]})", json.dumps(d))
        space = d.get("/ColorSpace")
        chk.ok(space == cs or (isinstance(space, list) and space[:1] == [cs]),
               f"{name}: colour space {cs}", json.dumps(space))
        raw = run(["qpdf", f"--show-object={ref}", "--raw-stream-data", cal]).stdout \
            if ref else b""
        chk.ok(raw and raw == idat(os.path.join(tmp, name)),
               f"{name}: the image stream's data is the PNG's IDAT data, byte for byte "
               f"({len(raw)} bytes)")
    # The PDF's reader decodes it to the PNG's own pixels.
    ex = os.path.join(tmp, "ex")
    os.mkdir(ex)
    run(["pdfimages", "-png", "-f", 2, "-l", 4, cal, os.path.join(ex, "p")])
    got = [Image.open(os.path.join(ex, f)).convert("RGB").tobytes()
           for f in sorted(os.listdir(ex))]
    for name in want:
        pixels = Image.open(os.path.join(tmp, name)).convert("RGB").tobytes()
        chk.ok(pixels in got, f"poppler decodes {name}'s image to exactly the PNG's pixels")
    ref, d = find_image(cal, (1800, 1350), "/DeviceRGB")
    chk.ok(ref and "/Predictor" not in json.dumps(d),
           "alpha.png (transparency) is decoded and flattened, not passed through", json.dumps(d))
    line, col = man.where["m1.photo"]
    notes = [x["text"] for x in diag_lines(p.err, "note") if x["line"] == line]
    chk.ok(len(notes) == 1 and re.fullmatch(
        rf"calendar\.yaml:{line}:{col}: note: photo 'big\.png' is a lossless PNG of [\d.]+ MB; as "
        r"a JPEG of quality 90 it would be about [\d.]+ MB and look the same in print: consider "
        r"converting it", notes[0]), "big.png: a note suggests converting it to JPEG", p.err)


def find_image(pdf, size, space):
    """(ref, dict) of the image of that size whose colour space is (or starts with) space."""
    qp = tp.QPdf(pdf)
    for ref, e in qp.all_objects():
        d = e.get("stream", {}).get("dict", {})
        cs = d.get("/ColorSpace")
        cs0 = cs[0] if isinstance(cs, list) and cs else cs
        if d.get("/Subtype") == "/Image" and (d.get("/Width"), d.get("/Height")) == size and \
                cs0 == space:
            return ref, d
    return None, {}


# --------------------------------------------------------------------------------------------

CHECKS = {"face-focus": check_face_focus, "crop-warnings": check_crop_warnings,
          "repeated": check_repeated, "cache": check_cache, "upscaled": check_upscaled, "sheet": check_sheet,
          "social": check_social, "web": check_web, "png": check_png}
NEEDS_PHOTOS = ("face-focus", "crop-warnings", "repeated", "cache", "upscaled", "png")


def main(argv):
    args = list(argv[1:])
    keep = "--keep" in args
    if keep:
        args.remove("--keep")
    photo_python = None
    if "--photo-python" in args:
        i = args.index("--photo-python")
        photo_python = args[i + 1] if i + 1 < len(args) else ""
        del args[i:i + 2]
    if len(args) != 4 or args[3] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    name = args[3]
    if name in NEEDS_PHOTOS and not photo_python:
        print(f"photos/{name}: SKIPPED: no Python 3 with numpy, scikit-image and Pillow "
              "(install python3-skimage and python3-pil)")
        return SKIP
    ctx = Ctx()
    ctx.calpress = os.path.abspath(args[0])
    ctx.mkphotos = os.path.abspath(args[1])
    ctx.src = os.path.abspath(args[2])
    ctx.photo_python = photo_python
    chk = Checks(name)
    ctx.chk = chk
    return run_in_tmp(f"photos/{name}", chk, lambda tmp: CHECKS[name](ctx, chk, tmp), keep)

if __name__ == "__main__":
    sys.exit(main(sys.argv))
