#!/usr/bin/env python3
"""Photo safety: what goes into the PDF from a photo, and what calpress refuses to read.

usage: test_safety.py CALPRESS MKPHOTOS SOURCE_DIR CHECK

CHECK is one of:
  strip       a JPEG carrying EXIF GPS, make, model, serial, date, an EXIF thumbnail, XMP with a
              place, an IPTC caption, a comment and a two-chunk ICC profile: the JPEG in the PDF
              (pdfimages -j) has none of the metadata (exiftool and bytes), the same ICC
              profile bytes and scan data (SOS..EOI) byte-identical to the source's; the notes
              of check and render, --quiet; proofs and press PDFs alike; identical PDFs on two
              runs; one image object for the photo used twice
  png-text    a PNG with tEXt chunks: their text is nowhere in the uncompressed PDF
  png-meta    a PNG that passes into the PDF undecoded (8-bit RGB, not interlaced) carrying what
              phones and editors add (eXIf with GPS, camera and serial number, XMP in iTXt,
              tEXt, zTXt, tIME; written by exiftool where it can): the image stream is the IDAT
              data byte for byte, and no chunk's text or bytes is anywhere in the PDF
  limits      photos over the size limits (a 40000 x 40 PNG, a 60000 x 60000 PNG bomb, JPEG,
              TIFF and WebP headers claiming huge sizes, JPEG, PNG and TIFF headers claiming far
              more pixels than their data can hold, a 600 MiB PNG): check and render exit 1
              with the message at the line that names the photo, write nothing, do not hang
  tail        a JPEG followed by a 1 GiB (sparse) tail: render embeds only the JPEG, up to its
              end marker, without reading the tail
  nonregular  a FIFO, /dev/zero and /dev/urandom as photo, story, manifest and ICC profile,
              and YAML and ICC files over their size limits: exit 1 with a clear message, no hang

Each check works on a copy of the sample (tests/pylib/sample.py) in a temporary folder and
closes with "print/safety-CHECK: N passed, M failed". It needs exiftool (libimage-exiftool-perl),
poppler-utils, qpdf and cwebp only for what it checks; everything else is Python's standard
library.
"""
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks, run_in_tmp  # noqa: E402
from sample import sample_copy  # noqa: E402
from proc import qdf_bytes, run  # noqa: E402

SRGB_ICC = "/usr/share/color/icc/sRGB.icc"
LIMIT_TEXT = "calpress takes photos of up to 200 megapixels and {} pixels a side"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def set_photo(stories, name, photo):
    """Points story NAME's photo: at photo; returns the 'FILE:LINE:COL' of the value."""
    path = os.path.join(stories, f"{name}.yaml")
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        if line.startswith("photo:"):
            lines[i] = f"photo: {photo}"
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            return f"{name}.yaml:{i + 1}:8"
    raise RuntimeError(f"{name}.yaml has no photo")


# ---- JPEG structure, read independently of calpress ----

def segments(data):
    """[(marker, payload)] of a JPEG up to its first SOS (whose payload is the scan header)."""
    out, i = [], 2
    while i + 4 <= len(data):
        while data[i + 1] == 0xFF:
            i += 1
        m = data[i + 1]
        n = struct.unpack(">H", data[i + 2:i + 4])[0]
        out.append((m, data[i + 4:i + 2 + n]))
        if m == 0xDA:
            break
        i += 2 + n
    return out


def scan_data(data):
    """The bytes from the first SOS marker to the end marker, inclusive."""
    i = 2
    while True:
        while data[i + 1] == 0xFF:
            i += 1
        if data[i + 1] == 0xDA:
            break
        i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    end = data.index(b"\xff\xd9", i)  # scan data never holds FF D9
    return data[i:end + 2]


def icc_profile(data):
    """The ICC profile reassembled from its APP2 chunks (ordered by sequence number)."""
    chunks = sorted((p[12], p[14:]) for m, p in segments(data)
                    if m == 0xE2 and p.startswith(b"ICC_PROFILE\0"))
    return b"".join(c for _, c in chunks), len(chunks)


def big_icc():
    """sRGB.icc padded past one APP2 segment (64 kB), its header's size updated: an ICC profile
    that a JPEG must carry in two chunks."""
    icc = bytearray(read(SRGB_ICC)) + bytes(70000)
    icc[0:4] = struct.pack(">I", len(icc))
    return bytes(icc)


def make_meta_jpeg(ctx, tmp, path, w, h):
    """A JPEG by mkphotos, then everything a phone and an editor add, written by exiftool."""
    base = os.path.join(tmp, "base.jpg")
    thumb = os.path.join(tmp, "thumb.jpg")
    icc = os.path.join(tmp, "big.icc")
    for out, size in ((base, (w, h)), (thumb, (160, 120))):
        p = run([ctx.mkphotos, "--one", size[0], size[1], 3, 2, out])
        if p.returncode != 0:
            raise RuntimeError(f"mkphotos: {p.err}")
    write(icc, big_icc())
    shutil.copy(base, path)
    p = run(["exiftool", "-q", "-overwrite_original",
             "-GPSLatitude=22.5726", "-GPSLatitudeRef=N", "-GPSLongitude=88.3639",
             "-GPSLongitudeRef=E", "-Make=Canon", "-Model=Canon EOS 80D",
             "-SerialNumber=SN4471130", "-DateTimeOriginal=2020:12:14 10:31:05",
             f"-ThumbnailImage<={thumb}", "-XMP-photoshop:City=Sealdah",
             "-IPTC:Caption-Abstract=Rani outside the home", "-Comment=shot at the home",
             f"-ICC_Profile<={icc}", path])
    if p.returncode != 0:
        raise RuntimeError(f"exiftool: {p.err}")
    return read(base), read(icc)


# Words the metadata above holds; none may be in the PDF. The embedded JPEG must not have the
# metadata's signatures either (the PDF has an XMP packet of its own).
SECRETS = [b"Sealdah", b"Rani outside", b"shot at the home", b"SN4471130", b"Canon",
           b"EOS 80D", b"2020:12:14", b"Exif\0\0", b"Photoshop 3.0"]
JPEG_SECRETS = SECRETS + [b"http://ns.adobe.com/xap"]
NOTE = ("removed GPS position (22.57 N, 88.36 E), camera make and model (Canon EOS 80D), camera "
        "serial number, the date taken (2020-12-14 10:31), a 160 x 120 thumbnail of the uncropped "
        "photo, XMP metadata (location Sealdah), an IPTC caption, a comment")


def extracted_jpegs(chk, pdf, page, prefix):
    for f in os.listdir(os.path.dirname(prefix)):
        if f.startswith(os.path.basename(prefix)):
            os.remove(os.path.join(os.path.dirname(prefix), f))
    run(["pdfimages", "-j", "-f", page, "-l", page, pdf, prefix])
    d = os.path.dirname(prefix)
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f.startswith(os.path.basename(prefix)) and f.endswith(".jpg"))


def check_embedded(chk, label, jpg, src, icc):
    data = read(jpg)
    left = [s.decode() for s in JPEG_SECRETS if s in data]
    chk.ok(not left, f"{label}: none of the metadata's words is in the embedded JPEG",
           f"found: {left}")
    p = run(["exiftool", "-j", "-a", "-G1", jpg])
    tags = json.loads(p.out)[0] if p.returncode == 0 and p.out.strip() else {}
    groups = {k.split(":")[0] for k in tags}
    bad = sorted(g for g in groups if g in ("IFD0", "IFD1", "ExifIFD", "GPS", "IPTC", "Photoshop")
                 or g.startswith("XMP") or g.startswith("MakerNotes"))
    chk.ok(tags and not bad and "File:Comment" not in tags,
           f"{label}: exiftool finds no EXIF, GPS, XMP, IPTC or comment",
           f"groups {sorted(groups)}; {p.err}")
    markers = sorted({m for m, _ in segments(data) if 0xE0 <= m <= 0xEF or m == 0xFE})
    chk.ok(markers == [0xE0, 0xE2], f"{label}: only JFIF APP0 and ICC APP2 segments are left",
           f"markers {[hex(m) for m in markers]}")
    got_icc, n = icc_profile(data)
    chk.ok(got_icc == icc and n == 2, f"{label}: the ICC profile ({len(icc)} bytes, 2 chunks) "
           "is byte-identical", f"{len(got_icc)} bytes in {n} chunks")
    chk.ok(scan_data(data) == scan_data(src),
           f"{label}: the scan data (SOS to EOI, {len(scan_data(src))} bytes) is byte-identical")


def check_strip(ctx, chk, tmp, stories):
    photo = os.path.join(stories, "photos-safety")
    os.makedirs(photo)
    # 300 ppi in the month photo frame (303 x 231 mm with bleed): no preflight finding.
    src, icc = make_meta_jpeg(ctx, tmp, os.path.join(photo, "rani.jpg"), 3600, 2790)
    at = set_photo(stories, "neha", "photos-safety/rani.jpg")
    note = f"{at}: note: photos-safety/rani.jpg: {NOTE}"
    p = run([ctx.calpress, "check", "calendar.yaml"], cwd=stories)
    chk.ok(p.returncode == 0 and note in p.err.splitlines(),
           "check prints the note on what is removed, at the line naming the photo",
           f"exit {p.returncode}\n{p.err}")
    p = run([ctx.calpress, "check", "calendar.yaml", "--quiet"], cwd=stories)
    chk.ok(p.returncode == 0 and "removed" not in p.err and "OK" in p.out,
           "check --quiet prints no note (and still the report)", p.err)
    for mode, extra in (("proof", []), ("press", ["--press"])):
        out = os.path.join(tmp, f"out-{mode}")
        p = run([ctx.calpress, "render", "calendar.yaml", "-o", out] + extra, cwd=stories)
        pdf = os.path.join(out, "calendar.pdf")
        if not chk.ok(p.returncode == 0 and os.path.isfile(pdf), f"{mode}: render exits 0",
                      f"exit {p.returncode}\n{p.err}"):
            continue
        chk.ok(note in p.err.splitlines(), f"{mode}: render prints the note", p.err)
        jpgs = extracted_jpegs(chk, pdf, 2, os.path.join(tmp, f"img-{mode}"))
        if chk.ok(len(jpgs) == 1, f"{mode}: pdfimages -j gives page 2's photo as a JPEG",
                  str(jpgs)):
            check_embedded(chk, mode, jpgs[0], src, icc)
        whole = qdf_bytes(pdf)
        left = [s.decode() for s in SECRETS if s in whole]
        chk.ok(whole and not left, f"{mode}: none of the metadata's words is in the uncompressed "
               "PDF", f"found: {left}")
    p = run([ctx.calpress, "render", "calendar.yaml", "-q", "-o", os.path.join(tmp, "out-q")],
            cwd=stories)
    chk.ok(p.returncode == 0 and p.err == "" and p.out == "",
           "render -q prints nothing (no note)", p.out + p.err)
    pv = os.path.join(tmp, "preview")
    p = run([ctx.calpress, "preview", "calendar.yaml", "--pages", "2", "-o", pv], cwd=stories)
    chk.ok(p.returncode == 0 and note in p.err.splitlines() and p.out.startswith("wrote 1"),
           "preview prints the note and its 'wrote' line", p.out + p.err)
    p = run([ctx.calpress, "preview", "calendar.yaml", "--pages", "2", "-q", "-o", pv],
            cwd=stories)
    chk.ok(p.returncode == 0 and p.err == "" and p.out == "" and
           os.path.isfile(os.path.join(pv, "calendar-02.png")),
           "preview -q prints nothing and still draws the page", p.out + p.err)
    # Three photos with metadata: a note each, and a summary.
    for k, name in ((2, "rupa"), (3, "shefali")):
        shutil.copy(os.path.join(photo, "rani.jpg"), os.path.join(photo, f"rani{k}.jpg"))
        set_photo(stories, name, f"photos-safety/rani{k}.jpg")
    p = run([ctx.calpress, "check", "calendar.yaml"], cwd=stories)
    notes = [line for line in p.err.splitlines() if ": note: photos-safety/rani" in line]
    chk.ok(len(notes) == 3 and "calpress: note: 3 of 13 photos carried hidden metadata (3 with "
           "GPS data); calpress leaves all of it out of the PDFs" in p.err.splitlines(),
           "three photos with metadata: three notes and a summary", p.err)
    for name in ("rupa", "shefali"):
        set_photo(stories, name, f"photos/{name}.jpg")
    # Determinism and de-duplication: the same photo on the cover too, two runs.
    cal = os.path.join(stories, "calendar.yaml")
    text = open(cal, encoding="utf-8").read().replace("photo: photos/cover.jpg",
                                                      "photo: photos-safety/rani.jpg")
    with open(cal, "w", encoding="utf-8") as f:
        f.write(text)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1600000000")
    pdfs = []
    for k in range(2):
        out = os.path.join(tmp, f"twice-{k}")
        p = run([ctx.calpress, "render", "calendar.yaml", "-q", "-o", out], cwd=stories, env=env)
        pdfs.append(read(os.path.join(out, "calendar.pdf")) if p.returncode == 0 else b"")
    chk.ok(pdfs[0] and pdfs[0] == pdfs[1], "two renders make byte-identical PDFs")
    lst = run(["pdfimages", "-list", "-f", 1, "-l", 2, os.path.join(tmp, "twice-0",
                                                                     "calendar.pdf")]).out
    objs = {tuple(r.split()[10:12]) for r in lst.splitlines()[2:] if r.split()}
    chk.ok(len(objs) == 1, "the photo on the cover and in January is one image object", lst)


def png_chunk(kind, body):
    return (struct.pack(">I", len(body)) + kind + body +
            struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


def png(w, h, rgb=(90, 120, 200), extra=b""):
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + extra + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b""))


def check_png_text(ctx, chk, tmp, stories):
    texts = (png_chunk(b"tEXt", b"Location\0Shelter near Sealdah, 22.57N 88.36E") +
             png_chunk(b"tEXt", b"Author\0Rani Dasgupta"))
    write(os.path.join(stories, "rani.png"), png(400, 310, extra=texts))
    at = set_photo(stories, "neha", "rani.png")
    out = os.path.join(tmp, "out")
    p = run([ctx.calpress, "render", "calendar.yaml", "-o", out], cwd=stories)
    pdf = os.path.join(out, "calendar.pdf")
    if not chk.ok(p.returncode == 0 and os.path.isfile(pdf), "render exits 0",
                  f"exit {p.returncode}\n{p.err}"):
        return
    chk.ok(f"{at}: note: rani.png: removed text fields (Location, Author)" in p.err.splitlines(),
           "render notes the PNG's text fields", p.err)
    whole = qdf_bytes(pdf)
    left = [w for w in (b"Sealdah", b"Location", b"Rani Dasgupta") if w in whole]
    chk.ok(whole and not left, "the tEXt chunks' text is nowhere in the uncompressed PDF",
           f"found: {left}")


def png_chunks(data):
    """[(type, body)] of a PNG's chunks."""
    out, i = [], 8
    while i + 12 <= len(data):
        n = struct.unpack(">I", data[i:i + 4])[0]
        out.append((data[i + 4:i + 8], data[i + 8:i + 8 + n]))
        i += 12 + n
    return out


def image_streams(pdf):
    """{object number: raw stream bytes} of every image XObject with PNG predictors."""
    p = run(["qpdf", "--json=2", "--json-key=qpdf", pdf])
    objs = json.loads(p.out)["qpdf"][1] if p.returncode in (0, 3) else {}
    out = {}
    for key, o in objs.items():
        d = o.get("stream", {}).get("dict", {}) if isinstance(o, dict) else {}
        if d.get("/Subtype") == "/Image" and "/Predictor" in json.dumps(d.get("/DecodeParms")):
            num = key.split()[0].replace("obj:", "")
            out[num] = run(["qpdf", f"--show-object={num}", "--raw-stream-data", pdf]).stdout
    return out


def check_png_meta(ctx, chk, tmp, stories):
    w, h = 480, 360
    raw = b"".join(b"\0" + bytes(v for x in range(w)
                                  for v in ((x * 7 + y) % 256, (y * 3) % 256, (x ^ y) % 256))
                   for y in range(h))
    extra = (png_chunk(b"zTXt", b"Location\0\0" + zlib.compress(b"Shelter behind Sealdah station")) +
             png_chunk(b"tIME", struct.pack(">HBBBBB", 2025, 3, 14, 9, 26, 53)))
    photo = os.path.join(stories, "asha.png")
    write(photo, b"\x89PNG\r\n\x1a\n" +
          png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + extra +
          png_chunk(b"IDAT", zlib.compress(raw, 6)) + png_chunk(b"IEND", b""))
    p = run(["exiftool", "-overwrite_original", "-GPSLatitude=22.5726", "-GPSLatitudeRef=N",
             "-GPSLongitude=88.3639", "-GPSLongitudeRef=E", "-Make=Fujifilm", "-Model=X-T30",
             "-SerialNumber=77A41902", "-XMP-dc:Description=Asha at Kalighat night shelter",
             "-PNG:Author=Maria Fernandes", "-PNG:Comment=Do not publish: Asha Begum", photo])
    if not chk.ok(p.returncode == 0, "exiftool writes the PNG's metadata", p.err):
        return
    data = read(photo)
    kinds = [k for k, _ in png_chunks(data)]
    chk.ok(all(k in kinds for k in (b"eXIf", b"iTXt", b"tEXt", b"zTXt", b"tIME")),
           "the photo carries eXIf, iTXt, tEXt, zTXt and tIME chunks", repr(kinds))
    at = set_photo(stories, "neha", "asha.png")
    out = os.path.join(tmp, "out")
    p = run([ctx.calpress, "render", "calendar.yaml", "-o", out], cwd=stories)
    pdf = os.path.join(out, "calendar.pdf")
    if not chk.ok(p.returncode == 0 and os.path.isfile(pdf), "render exits 0",
                  f"exit {p.returncode}\n{p.err}"):
        return
    notes = [x for x in p.err.splitlines() if x.startswith(f"{at}: note: asha.png:")]
    chk.ok(notes and "GPS" in " ".join(notes) and "serial" in " ".join(notes),
           "render notes the GPS position and the serial number it leaves out", p.err)
    idat = b"".join(b for k, b in png_chunks(data) if k == b"IDAT")
    streams = image_streams(pdf)
    chk.ok(list(streams.values()).count(idat) == 1,
           "the photo passed through undecoded: one image stream is its IDAT data, byte for byte",
           f"{len(streams)} predictor images: {[len(v) for v in streams.values()]}, IDAT {len(idat)}")
    whole = read(pdf) + qdf_bytes(pdf)
    # Words of five bytes or more: a shorter one may occur by chance in a font or JPEG stream.
    words = [b"Sealdah", b"Kalighat", b"Asha Begum", b"Maria Fernandes", b"Fujifilm", b"X-T30",
             b"77A41902", b"Location", b"publish"]
    left = [x for x in words if x in whole]
    chk.ok(not left, "none of the metadata's words is in the PDF (raw or uncompressed)",
           f"found: {left}")
    bodies = [b for k, b in png_chunks(data) if k in (b"eXIf", b"iTXt", b"zTXt", b"tEXt") and
              len(b) >= 16]
    chk.ok(bodies and not [b for b in bodies if b[:16] in whole],
           "no metadata chunk's bytes are in the PDF")


# ---- photos over the limits ----

def bomb_png(side, blocks):
    """A side x side PNG of zeros whose IDAT holds the first `blocks` MiB of its zlib stream
    (each 1 MiB of zeros is one 1 kB full-flush block): the 60000 x 60000 bomb of issue 8."""
    c = zlib.compressobj(9)
    head = c.compress(bytes(1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(bytes(1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return (b"\x89PNG\r\n\x1a\n" +
            png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)) +
            png_chunk(b"IDAT", head + block * (blocks - 1)) + png_chunk(b"IEND", b""))


def patch_sof(data, w, h):
    """The JPEG with its frame header claiming w x h."""
    i = 2
    while True:
        m, n = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if m in (0xC0, 0xC1, 0xC2):
            return data[:i + 5] + struct.pack(">HH", h, w) + data[i + 9:]
        i += 2 + n


def tiff_header(w, h):
    """A TIFF whose only directory claims w x h (and 100 bytes of strip that are not there)."""
    entries = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 2),
               (273, 4, 1, 8), (277, 3, 1, 3), (278, 4, 1, h), (279, 4, 1, 100)]
    out = bytearray(b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", len(entries)))
    for tag, typ, count, value in entries:
        out += (struct.pack("<HHIHH", tag, typ, count, value, 0) if typ == 3
                else struct.pack("<HHII", tag, typ, count, value))
    return bytes(out + struct.pack("<I", 0))


def webp_header(w, h):
    """A lossless WebP whose header claims w x h (at most 16384 a side) and has no image data."""
    body = bytes([0x2F]) + struct.pack("<I", (w - 1) | (h - 1) << 14) + bytes(20)
    chunk = b"VP8L" + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def check_limits(ctx, chk, tmp, stories):
    base = os.path.join(tmp, "small.jpg")
    run([ctx.mkphotos, "--one", 600, 465, 3, 2, base])
    small = read(base)
    decoded, jpeg = LIMIT_TEXT.format(32767), LIMIT_TEXT.format(65500)
    cases = [
        ("wide.png", png(40000, 40), f"is 40000 x 40 pixels; {decoded}"),
        ("bomb.png", bomb_png(60000, 420),
         f"is 60000 x 60000 pixels (3600 megapixels); {decoded}"),
        ("huge.jpg", patch_sof(small, 60000, 60000),
         f"is 60000 x 60000 pixels (3600 megapixels); {jpeg}"),
        ("short.jpg", patch_sof(small, 12000, 12000),
         "is damaged: its JPEG header says 12000 x 12000 pixels, but its image data is far too short "
         "for that"),
        ("huge.tif", tiff_header(70000, 70000),
         f"is 70000 x 70000 pixels (4900 megapixels); {decoded}"),
        ("short.png", bomb_png(14000, 1),
         "is damaged: its PNG header says 14000 x 14000 pixels, but its image data is far too "
         "short for that"),
        ("short.tif", tiff_header(14000, 14000),
         "is damaged: its TIFF header says 14000 x 14000 pixels, but its image data is far too "
         "short for that"),
        ("huge.webp", webp_header(16383, 16383),
         f"is 16383 x 16383 pixels (268 megapixels); {decoded}"),
    ]
    for name, data, msg in cases:
        write(os.path.join(stories, name), data)
        limit_case(ctx, chk, tmp, stories, name, f"error: photo '{name}' {msg}")
    # Over the file size limit for a photo (sparse: nothing is written to disk).
    big = os.path.join(stories, "big.png")
    write(big, png(10, 10))
    os.truncate(big, 600 << 20)
    limit_case(ctx, chk, tmp, stories, "big.png", "error: cannot read photo 'big.png': it is "
               "600.0 MiB, over the 512.0 MiB limit for a photo")


def limit_case(ctx, chk, tmp, stories, name, msg):
    at = set_photo(stories, "neha", name)
    out = os.path.join(tmp, "out-" + name)
    for cmd in (["check", "calendar.yaml"], ["render", "calendar.yaml", "-o", out]):
        p = run([ctx.calpress] + cmd, cwd=stories)
        written = os.path.isdir(out) and any(f.endswith(".pdf") for f in os.listdir(out))
        chk.ok(p.returncode == 1 and f"{at}: {msg}" in p.err.splitlines() and not written,
               f"{name}: {cmd[0]} exits 1 with the message at {at}",
               f"exit {p.returncode}\n{p.err[-3000:]}")


def check_tail(ctx, chk, tmp, stories):
    photo = os.path.join(stories, "tail.jpg")
    run([ctx.mkphotos, "--one", 1200, 930, 3, 2, photo])
    jpeg = read(photo)
    os.truncate(photo, len(jpeg) + (1 << 30))  # a sparse 1 GiB tail of zeros
    at = set_photo(stories, "neha", "tail.jpg")
    out = os.path.join(tmp, "out")
    p = run([ctx.calpress, "render", "calendar.yaml", "-o", out], cwd=stories)
    # The first child of this script: its peak memory is calpress's.
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    pdf = os.path.join(out, "calendar.pdf")
    if not chk.ok(p.returncode == 0 and os.path.isfile(pdf), "render exits 0",
                  f"exit {p.returncode}\n{p.err}"):
        return
    chk.ok(f"{at}: note: tail.jpg: removed 1.0 GiB of data after the end of the image"
           in p.err.splitlines(), "render notes the data after the end of the image", p.err)
    chk.ok(peak_mib < 512, f"the tail is never read into memory (peak {peak_mib:.0f} MiB)")
    size = os.path.getsize(pdf)
    chk.ok(size < 50 << 20, f"the PDF is {size / 1e6:.1f} MB, not a gigabyte")
    jpgs = extracted_jpegs(chk, pdf, 2, os.path.join(tmp, "img"))
    chk.ok(len(jpgs) == 1 and read(jpgs[0]) == jpeg,
           f"the embedded JPEG is the photo up to its end marker ({len(jpeg)} bytes)",
           f"{[os.path.getsize(j) for j in jpgs]}")


def nonregular_case(ctx, chk, stories, label, args, want, code=1):
    p = run([ctx.calpress] + args, cwd=stories)
    chk.ok(p.returncode == code and want in p.err.splitlines(),
           f"{label}: exit {code}, '{want}'",
           f"exit {p.returncode}\n{p.err[-3000:]}")


def check_nonregular(ctx, chk, tmp, stories):
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    pipe = "it is a named pipe (FIFO), not a regular file"
    device = "it is a device, not a regular file"
    out = ["-o", os.path.join(tmp, "out")]
    for src, why in ((fifo, pipe), ("/dev/zero", device), ("/dev/urandom", device)):
        at = set_photo(stories, "neha", src)
        msg = f"{at}: error: cannot read photo '{src}': {why}"
        nonregular_case(ctx, chk, stories, f"photo {src}: check", ["check", "calendar.yaml"], msg)
        nonregular_case(ctx, chk, stories, f"photo {src}: render",
                        ["render", "calendar.yaml"] + out, msg)
        nonregular_case(ctx, chk, stories, f"photo {src}: render --placeholders",
                        ["render", "calendar.yaml", "--placeholders"] + out,
                        f"{at}: warning: cannot read photo '{src}': {why}: the proof shows a "
                        "placeholder", code=0)
        set_photo(stories, "neha", "photos/neha.jpg")
        nonregular_case(ctx, chk, stories, f"--icc {src}",
                        ["render", "calendar.yaml", "--icc", src] + out,
                        f"calpress: error: cannot read ICC profile '{src}': {why}")
        nonregular_case(ctx, chk, stories, f"manifest {src}", ["check", src],
                        f"{src}: error: cannot read file: {why}")
    # /dev/zero as a story and as the manifest's output intent profile.
    cal = os.path.join(stories, "calendar.yaml")
    text = open(cal, encoding="utf-8").read()
    with open(cal, "w", encoding="utf-8") as f:
        f.write(text.replace("story: neha.yaml", "story: /dev/zero") +
                "output_intent:\n  profile: /dev/zero\n")
    lines = open(cal, encoding="utf-8").read().split("\n")
    story_at = next(i + 1 for i, s in enumerate(lines) if "story: /dev/zero" in s)
    nonregular_case(ctx, chk, stories, "story /dev/zero", ["check", "calendar.yaml"],
                    f"calendar.yaml:{story_at}:12: error: cannot read '/dev/zero': {device}")
    with open(cal, "w", encoding="utf-8") as f:
        f.write(text + "output_intent:\n  profile: /dev/zero\n")
    nonregular_case(ctx, chk, stories, "output_intent profile /dev/zero",
                    ["check", "calendar.yaml"],
                    f"calendar.yaml:{len(lines) - 1}:12: error: cannot read ICC profile "
                    f"'/dev/zero': {device}")
    with open(cal, "w", encoding="utf-8") as f:
        f.write(text)
    # A story that is a FIFO, then one over the size limit for YAML (sparse).
    story = os.path.join(stories, "neha.yaml")
    os.rename(story, story + ".orig")
    os.mkfifo(story)
    line = next(i + 1 for i, s in enumerate(open(os.path.join(stories, "calendar.yaml")))
                if "story: neha.yaml" in s)
    nonregular_case(ctx, chk, stories, "story FIFO", ["check", "calendar.yaml"],
                    f"calendar.yaml:{line}:12: error: cannot read 'neha.yaml': {pipe}")
    os.remove(story)
    shutil.copy(story + ".orig", story)
    os.truncate(story, 17 << 20)
    nonregular_case(ctx, chk, stories, "story of 17 MiB", ["check", "calendar.yaml"],
                    f"calendar.yaml:{line}:12: error: cannot read 'neha.yaml': it is 17.0 MiB, "
                    "over the 16.0 MiB limit for a YAML file")
    shutil.copy(story + ".orig", story)
    icc = os.path.join(tmp, "huge.icc")
    shutil.copy(SRGB_ICC, icc)
    os.truncate(icc, 17 << 20)
    nonregular_case(ctx, chk, stories, "ICC profile of 17 MiB",
                    ["check", "calendar.yaml", "--icc", icc],
                    f"calpress: error: cannot read ICC profile '{icc}': it is 17.0 MiB, over the "
                    "16.0 MiB limit for an ICC profile")


CHECKS = {"strip": check_strip, "png-text": check_png_text, "png-meta": check_png_meta,
          "limits": check_limits,
          "tail": check_tail, "nonregular": check_nonregular}


def main():
    if len(sys.argv) != 5 or sys.argv[4] not in CHECKS:
        print(__doc__)
        return 2
    ctx = type("Ctx", (), {})()
    ctx.calpress, ctx.mkphotos = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    src, name = os.path.abspath(sys.argv[3]), sys.argv[4]
    chk = Checks(f"print/safety-{name}")
    tmp, stories = sample_copy(src, "calpress-safety-")
    return run_in_tmp(chk.name, chk, lambda tmp: CHECKS[name](ctx, chk, tmp, stories), tmp=tmp)


if __name__ == "__main__":
    sys.exit(main())
