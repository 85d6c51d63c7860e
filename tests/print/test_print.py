#!/usr/bin/env python3
"""Print-production tests of calpress: page boxes, PDF/X-4 structure, crop marks, fonts, photos
(de-duplication, focal point, resolution, damage, CMYK, EXIF orientation), copy-fit and
Bengali / Hindi text.

usage: test_print.py CALPRESS MKPHOTOS SOURCE_DIR CHECK [--keep]

CHECK is one of: boxes pdfx marks fonts-missing photos-once focus ppi bad-photos cmyk
orientation copyfit languages.

'boxes', 'pdfx' and 'marks' render the sample (SOURCE_DIR/stories/calendar.yaml, whose photos the
sample-photos build target or the e2e/photos fixture makes); the others build small manifests
in a temporary folder, with photos made by MKPHOTOS --one (see tools/mkphotos.c for its test
options --mark, --cmyk and --orientation). Each check works in its own temporary folder (removed
unless a check failed or --keep is given), prints one line per assertion and closes with
"print/CHECK: N passed, M failed". Python standard library, poppler-utils and qpdf only: every
expected value (page geometry, photo placement, ppi, dates) is computed here from the layout's
published numbers, independently of calpress.
"""

import datetime
import json
import math
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET

MM = 72.0 / 25.4  # points per millimetre
SRGB_ICC = "/usr/share/color/icc/sRGB.icc"

# The calendar's print geometry (mm): A3 trim, 3 mm bleed, 12 mm slug for the crop marks; the
# press release is A4 without bleed.
A3_W, A3_H, BLEED, SLUG = 297.0, 420.0, 3.0, 12.0
A4_W, A4_H = 210.0, 297.0
OFF = BLEED + SLUG  # the trim's offset from the media edge
# frames.month of layouts/a3-portrait.yaml (mm from the trim's top-left corner); main() reads
# the current values from the layout file, these are the ones it had when the tests were
# written.
PHOTO_FRAME = (0.0, 0.0, 297.0, 228.0)
BODY_FRAME = (18.0, 310.0, 105.83, 88.0)
MONTH_FRAME = (128.83, 240.0, 150.17, 22.0)
GRID_FRAME = (128.83, 266.0, 150.17, 110.0)


def with_bleed(frame):
    """A frame grown by the bleed on every side that lies on the trim (a photo frame at the
    top of the page: top, left and right)."""
    x, y, w, h = frame
    x0, y0, x1, y1 = x, y, x + w, y + h
    eps = 0.2
    x0 = -BLEED if x0 <= eps else x0
    y0 = -BLEED if y0 <= eps else y0
    x1 = A3_W + BLEED if x1 >= A3_W - eps else x1
    y1 = A3_H + BLEED if y1 >= A3_H - eps else y1
    return (x0, y0, x1 - x0, y1 - y0)


PHOTO_BLEED = with_bleed(PHOTO_FRAME)


def load_month_frames(src):
    """{name: (x, y, w, h) in mm} of frames.month in SOURCE_DIR/layouts/a3-portrait.yaml."""
    unit = {"mm": 1.0, "cm": 10.0, "pt": 25.4 / 72, "in": 25.4}
    frames, state = {}, 0
    with open(os.path.join(src, "layouts", "a3-portrait.yaml"), encoding="utf-8") as f:
        for ln in f:
            if state == 0 and re.match(r"^frames:\s*$", ln):
                state = 1
            elif state == 1 and re.match(r"^  month:\s*$", ln):
                state = 2
            elif state == 2 and re.match(r"^  \S", ln):
                break
            elif state == 2:
                m = re.match(r"^    (\w+):\s*\{(.*)\}", ln)
                if not m:
                    continue
                v = {}
                for part in m.group(2).split(","):
                    k, _, val = part.partition(":")
                    mv = re.fullmatch(r"\s*([-\d.]+)\s*(mm|cm|pt|in)\s*", val)
                    if mv:
                        v[k.strip()] = float(mv.group(1)) * unit[mv.group(2)]
                if all(k in v for k in ("x", "y", "width", "height")):
                    frames[m.group(1)] = (v["x"], v["y"], v["width"], v["height"])
    return frames

# --------------------------------------------------------------------------------------------
# Result bookkeeping


# Checks (ok/note/passed/failed) is shared with the other test scripts.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Abort, Checks, run_in_tmp  # noqa: E402
from proc import run  # noqa: E402


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def snapshot(folder):
    """{name: bytes} of every file in folder (empty if it does not exist); a folder (the build
    record's .calpress) by the snapshot of its files."""
    if not os.path.isdir(folder):
        return {}
    return {n: snapshot(os.path.join(folder, n)) if os.path.isdir(os.path.join(folder, n))
            else read_bytes(os.path.join(folder, n)) for n in sorted(os.listdir(folder))}


def tail(s, n=2500):
    return s if len(s) <= n else "..." + s[-n:]


# --------------------------------------------------------------------------------------------
# calpress and mkphotos


class Ctx:
    pass


def calpress(ctx, args, cwd=None, env=None, label=None):
    p = run([ctx.calpress] + list(args), cwd=cwd, env=env)
    shown = " ".join(os.path.basename(str(a)) if os.path.isabs(str(a)) else str(a) for a in args)
    print(f"  ran   calpress {label or shown}  (exit {p.returncode}, {p.seconds:.2f} s)")
    return p


def mkphoto(ctx, path, w, h, *opts, seed=1, palette=1):
    """One photo by mkphotos --one; raises Abort if it fails."""
    p = run([ctx.mkphotos, "--one", w, h, seed, palette, path] + list(opts))
    if p.returncode != 0 or not os.path.isfile(path):
        ctx.chk.ok(False, f"mkphotos makes {os.path.basename(path)}",
                   f"exit {p.returncode}\n{p.err}")
        raise Abort()
    return path


def render_sample(ctx, chk, out, extra=()):
    p = calpress(ctx, ["render", "stories/calendar.yaml", "-o", out] + list(extra), cwd=ctx.src)
    cal, pr = os.path.join(out, "calendar.pdf"), os.path.join(out, "press-release.pdf")
    good = chk.ok(p.returncode == 0 and os.path.isfile(cal) and os.path.isfile(pr),
                  "render of the sample exits 0 and writes both PDFs",
                  f"exit {p.returncode}\nstdout: {p.out}\nstderr: {tail(p.err)}")
    if not good:
        raise Abort()
    return cal, pr


# --------------------------------------------------------------------------------------------
# Test manifests, written line by line so that the position of every value is known

NAMES = ["Asha", "Bina", "Chitra", "Dipa", "Esha", "Farida", "Gita", "Hena", "Ila", "Jaya",
         "Kamala", "Lata"]


def q(s):
    """A YAML double-quoted scalar (JSON's string syntax is a subset of YAML's)."""
    return json.dumps(s, ensure_ascii=False)


def default_month(i, photo):
    return {"name": NAMES[i], "headline": f"A short headline for month {i + 1}",
            "body": f"{NAMES[i]} runs a small shop near the station. She opened it two years "
                    "ago and now trains two apprentices of her own.",
            "photo": photo}


class Manifest:
    """A manifest with twelve inline stories and an inline press release.

    months: twelve dicts (name, headline, body, photo, and optionally quote, photo_focus, fit,
    language); top: extra top-level lines (already YAML). After write(), where[label] is the
    (line, column) of a value: 'm1.photo', 'm1.body', ..., 'cover.photo'."""

    def __init__(self, months, cover="cover.jpg", language=None, top=(), press=None,
                 title="Print Test Calendar", organisation="Test Organisation"):
        self.months = months
        self.cover = cover
        self.language = language
        self.top = list(top)
        self.press = press or {"headline": "A test press release", "place": "Kolkata",
                               "date": "2020-12-14",
                               "body": "The calendar was printed for a test today."}
        self.title = title
        self.organisation = organisation
        self.lines = []
        self.where = {}

    def _put(self, text, label=None, value=None):
        self.lines.append(text)
        if label:
            self.where[label] = (len(self.lines), text.index(value) + 1)

    def _kv(self, indent, key, val, label=None):
        v = val if isinstance(val, str) and val[:1] in "[{" and key in ("photo_focus",) \
            else q(val)
        self._put(f"{indent}{key}: {v}", label, v)

    def write(self, path):
        self.lines, self.where = [], {}
        self._kv("", "title", self.title)
        self._kv("", "organisation", self.organisation)
        self._put("year: 2021")
        if self.language:
            self._put(f"language: {self.language}")
        for t in self.top:
            for ln in t.split("\n"):
                self._put(ln)
        self._put("cover:")
        self._kv("  ", "photo", self.cover, "cover.photo")
        self._put("months:")
        for i, m in enumerate(self.months, start=1):
            first = True
            for key in ("name", "headline", "quote", "body", "photo", "photo_focus", "fit",
                        "language"):
                if key not in m:
                    continue
                ind = "  - " if first else "    "
                first = False
                val = m[key]
                if key == "photo_focus":
                    v = f"[{val[0]}, {val[1]}]"
                    self._put(f"{ind}{key}: {v}", f"m{i}.{key}", v)
                elif key == "fit":
                    self._put(f"{ind}{key}: {val}", f"m{i}.{key}", val)
                else:
                    self._kv(ind, key, val, f"m{i}.{key}")
        self._put("press_release:")
        for key in ("headline", "place", "date", "body"):
            if key == "date":
                self._put(f"  date: {self.press[key]}")
            else:
                self._kv("  ", key, self.press[key], f"press.{key}")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(self.lines) + "\n")
        return path


def fillers(ctx, folder, press=False):
    """A month photo and a cover photo for the months a check does not look at: small for
    proofs, 300 ppi for --press (3600 x 2790 fills 303 x 234 mm at 301 ppi, 3600 x 5040 the
    cover's 303 x 426 mm at 301 ppi)."""
    if press:
        month = mkphoto(ctx, os.path.join(folder, "filler.jpg"), 3600, 2790, seed=7, palette=3)
        cover = mkphoto(ctx, os.path.join(folder, "cover.jpg"), 3600, 5040, seed=8, palette=0)
    else:
        month = mkphoto(ctx, os.path.join(folder, "filler.jpg"), 900, 698, seed=7, palette=3)
        cover = mkphoto(ctx, os.path.join(folder, "cover.jpg"), 900, 1260, seed=8, palette=0)
    return os.path.basename(month), os.path.basename(cover)


def diag_lines(err, sev=None):
    """Parses FILE:LINE:COL: severity: message lines."""
    out = []
    for ln in err.splitlines():
        m = re.match(r"^(.*?):(\d+):(\d+): (error|warning|note): (.*)$", ln)
        if m and (sev is None or m.group(4) == sev):
            out.append({"file": m.group(1), "line": int(m.group(2)), "col": int(m.group(3)),
                        "sev": m.group(4), "msg": m.group(5), "text": ln})
    return out


# --------------------------------------------------------------------------------------------
# poppler and qpdf helpers


def pdf_pages(pdf):
    p = run(["pdfinfo", pdf])
    m = re.search(r"^Pages:\s+(\d+)", p.out, re.M)
    return int(m.group(1)) if m else None


def pdfinfo_boxes(pdf, first, last):
    p = run(["pdfinfo", "-box", "-f", first, "-l", last, pdf])
    boxes = {}
    for line in p.out.splitlines():
        m = re.match(r"Page\s+(\d+)\s+(MediaBox|CropBox|BleedBox|TrimBox|ArtBox):\s+"
                     r"([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", line)
        if m:
            boxes.setdefault(int(m.group(1)), {})[m.group(2)] = tuple(
                float(m.group(k)) for k in range(3, 7))
    return boxes, p


class QPdf:
    """The object graph of a PDF from qpdf --json=2 (no stream data)."""

    def __init__(self, pdf):
        self.pdf = pdf
        p = run(["qpdf", "--json=2", "--json-key=qpdf", "--json-key=pages", pdf])
        if p.returncode not in (0, 3):
            raise RuntimeError(f"qpdf --json failed: {p.err}")
        doc = json.loads(p.stdout)
        self.header = doc["qpdf"][0]
        self.objs = doc["qpdf"][1]
        self.trailer = self.objs["trailer"]["value"]
        self.page_refs = [pg["object"] for pg in doc["pages"]]

    def obj(self, ref):
        """The value (dict, array, ...) of a reference 'N 0 R'; for a stream its dict."""
        e = self.objs.get(f"obj:{ref}")
        if e is None:
            return None
        if "stream" in e:
            return e["stream"]["dict"]
        return e["value"]

    def is_stream(self, ref):
        e = self.objs.get(f"obj:{ref}")
        return e is not None and "stream" in e

    def resolve(self, v):
        while isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v):
            v = self.obj(v)
        return v

    def get(self, d, key):
        d = self.resolve(d)
        return self.resolve(d.get(key)) if isinstance(d, dict) else None

    def root(self):
        return self.resolve(self.trailer["/Root"])

    def info(self):
        return self.resolve(self.trailer.get("/Info"))

    def inherited(self, page_ref, key):
        d = self.obj(page_ref)
        while isinstance(d, dict):
            if key in d:
                return self.resolve(d[key])
            d = self.resolve(d.get("/Parent"))
        return None

    def stream_data(self, ref):
        if not hasattr(self, "_data"):
            self._data = {}
        if ref not in self._data:
            p = run(["qpdf", f"--show-object={ref}", "--filtered-stream-data", self.pdf])
            self._data[ref] = p.stdout
        return self._data[ref]

    def all_objects(self):
        for k, e in self.objs.items():
            if k.startswith("obj:"):
                yield k[4:], e


def text_of(v):
    """A qpdf JSON v2 string ('u:text' or 'b:hex') as text."""
    if not isinstance(v, str):
        return None
    if v.startswith("u:"):
        return v[2:]
    if v.startswith("b:"):
        raw = bytes.fromhex(v[2:])
        if raw.startswith(b"\xfe\xff"):
            return raw[2:].decode("utf-16-be", "replace")
        return raw.decode("latin-1")
    return None


class Raster:
    """A page rasterised by pdftoppm (PPM or PGM)."""

    def __init__(self, path, dpi):
        data = read_bytes(path)
        fields, pos = [], 0
        while len(fields) < 4:
            while data[pos:pos + 1].isspace():
                pos += 1
            if data[pos:pos + 1] == b"#":
                pos = data.index(b"\n", pos) + 1
                continue
            end = pos
            while not data[end:end + 1].isspace():
                end += 1
            fields.append(data[pos:end])
            pos = end
        pos += 1
        self.magic = fields[0].decode()
        self.w, self.h = int(fields[1]), int(fields[2])
        self.ch = 3 if self.magic == "P6" else 1
        self.data = data[pos:pos + self.w * self.h * self.ch]
        self.dpi = dpi

    def px(self, x, y):
        i = (y * self.w + x) * self.ch
        return tuple(self.data[i:i + self.ch]) if self.ch == 3 else self.data[i]

    def mm(self, v):
        """mm from the media edge -> pixel coordinate (float)."""
        return v / 25.4 * self.dpi


def rasterise(pdf, page, dpi, folder, name, gray=False, antialias=True):
    prefix = os.path.join(folder, name)
    cmd = ["pdftoppm", "-r", dpi, "-f", page, "-l", page, "-singlefile"]
    if gray:
        cmd.append("-gray")
    if not antialias:
        cmd += ["-aa", "no", "-aaVector", "no"]
    p = run(cmd + [pdf, prefix])
    path = prefix + (".pgm" if gray else ".ppm")
    if p.returncode != 0 or not os.path.isfile(path):
        raise RuntimeError(f"pdftoppm failed: {p.err}")
    return Raster(path, dpi)


def pdftotext(pdf, page, box_mm=None):
    """Text of one page; with box_mm (x, y, w, h in mm from the media's top-left) only that
    area (pdftotext's crop is in pixels at 72 dpi, i.e. points)."""
    cmd = ["pdftotext", "-enc", "UTF-8", "-f", page, "-l", page]
    if box_mm:
        x, y, w, h = box_mm
        cmd += ["-x", int(x * MM), "-y", int(y * MM), "-W", int(w * MM + 1), "-H",
                int(h * MM + 1)]
    p = run(cmd + [pdf, "-"])
    return p.out


def pdfimages_list(pdf):
    p = run(["pdfimages", "-list", pdf])
    rows = []
    for ln in p.out.splitlines()[2:]:
        f = ln.split()
        if len(f) >= 12 and f[0].isdigit():
            rows.append({"page": int(f[0]), "type": f[2], "w": int(f[3]), "h": int(f[4]),
                         "color": f[5], "enc": f[8], "obj": int(f[10]), "line": ln})
    return rows, p


def trim_box_mm(frame):
    """A frame (mm from the trim's top-left) in mm from the A3 media's top-left."""
    x, y, w, h = frame
    return (x + OFF, y + OFF, w, h)


# --------------------------------------------------------------------------------------------
# boxes


def close(a, b, tol):
    return abs(a - b) <= tol


def fmt_box(b):
    return "[" + " ".join(f"{v:.3f}" for v in b) + "]" if b else "None"


def expected_boxes(kind):
    """(MediaBox, BleedBox, TrimBox) in points, PDF coordinates."""
    if kind == "calendar":
        tw, th = A3_W * MM, A3_H * MM
        o, b = OFF * MM, BLEED * MM
        media = (0.0, 0.0, tw + 2 * o, th + 2 * o)
        trim = (o, o, o + tw, o + th)
        bleed = (o - b, o - b, o + tw + b, o + th + b)
        return media, bleed, trim
    a4 = (0.0, 0.0, A4_W * MM, A4_H * MM)
    return a4, a4, a4


def check_box_set(chk, label, boxes, kind, tol):
    media_w, _, trim_w = expected_boxes(kind)
    me, bl, tr = boxes.get("MediaBox"), boxes.get("BleedBox"), boxes.get("TrimBox")
    if not chk.ok(me and bl and tr, f"{label}: MediaBox, BleedBox and TrimBox present",
                  f"{boxes}"):
        return
    chk.ok(all(close(a, w, tol) for a, w in zip(tr, trim_w)),
           f"{label}: TrimBox is the trim {A3_W if kind == 'calendar' else A4_W:g} x "
           f"{A3_H if kind == 'calendar' else A4_H:g} mm at {fmt_box(trim_w)}",
           f"TrimBox {fmt_box(tr)}, want {fmt_box(trim_w)} (tolerance {tol} pt)")
    want_bleed = tuple(v + s * (BLEED if kind == "calendar" else 0) * MM
                       for v, s in zip(tr, (-1, -1, 1, 1)))
    chk.ok(all(close(a, w, tol) for a, w in zip(bl, want_bleed)),
           f"{label}: BleedBox = TrimBox + {BLEED if kind == 'calendar' else 0:g} mm each side",
           f"BleedBox {fmt_box(bl)}, want {fmt_box(want_bleed)}")
    chk.ok(me[0] <= bl[0] + tol and me[1] <= bl[1] + tol and me[2] >= bl[2] - tol
           and me[3] >= bl[3] - tol and bl[0] <= tr[0] + tol and bl[1] <= tr[1] + tol
           and bl[2] >= tr[2] - tol and bl[3] >= tr[3] - tol,
           f"{label}: MediaBox contains BleedBox contains TrimBox",
           f"MediaBox {fmt_box(me)}, BleedBox {fmt_box(bl)}, TrimBox {fmt_box(tr)}")
    chk.ok(all(close(a, w, tol) for a, w in zip(me, media_w)),
           f"{label}: MediaBox = " + ("BleedBox + 12 mm slug each side" if kind == "calendar"
                                      else "the A4 sheet, all boxes equal"),
           f"MediaBox {fmt_box(me)}, want {fmt_box(media_w)}")
    crop = boxes.get("CropBox")
    if crop:
        chk.ok(all(close(a, w, tol) for a, w in zip(crop, me)),
               f"{label}: CropBox (if any) equals the MediaBox",
               f"CropBox {fmt_box(crop)}, MediaBox {fmt_box(me)}")


def check_boxes(ctx, chk, tmp):
    cal, pr = render_sample(ctx, chk, os.path.join(tmp, "out"))
    for pdf, kind, want_pages in ((cal, "calendar", 14), (pr, "press", None)):
        base = os.path.basename(pdf)
        n = pdf_pages(pdf)
        chk.ok(n and (want_pages is None or n == want_pages),
               f"{base}: pdfinfo counts {n} pages" + (f" (want {want_pages})" if want_pages
                                                     else ""))
        if not n:
            continue
        boxes, p = pdfinfo_boxes(pdf, 1, n)
        chk.ok(sorted(boxes) == list(range(1, n + 1)), f"{base}: pdfinfo -box reports {n} pages",
               p.out[-1500:])
        # pdfinfo prints 2 decimals: allow its rounding on top of the 0.01 pt.
        for pg in range(1, n + 1):
            check_box_set(chk, f"{base} page {pg} (pdfinfo)", boxes.get(pg, {}), kind, 0.0151)
        qp = QPdf(pdf)
        chk.ok(len(qp.page_refs) == n, f"{base}: qpdf finds {len(qp.page_refs)} pages, pdfinfo {n}")
        for pg, ref in enumerate(qp.page_refs, start=1):
            d = qp.obj(ref)
            bx = {}
            for key in ("MediaBox", "CropBox", "BleedBox", "TrimBox"):
                v = qp.inherited(ref, "/" + key)
                if v is not None:
                    bx[key] = tuple(float(x) for x in v)
            chk.ok("/TrimBox" in d and "/BleedBox" in d,
                   f"{base} page {pg} (qpdf): TrimBox and BleedBox set on the page itself",
                   f"page dictionary keys: {sorted(d)}")
            check_box_set(chk, f"{base} page {pg} (qpdf)", bx, kind, 0.01)


# --------------------------------------------------------------------------------------------
# pdfx

def pdf_date(s):
    """D:YYYYMMDDHHmmSS with an optional zone -> aware datetime, or None."""
    m = re.fullmatch(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:(Z)|([+-])(\d\d)'?(\d\d)'?)?", s
                     or "")
    if not m:
        return None
    tz = datetime.timezone.utc
    if m.group(8):
        off = datetime.timedelta(hours=int(m.group(9)), minutes=int(m.group(10)))
        tz = datetime.timezone(off if m.group(8) == "+" else -off)
    return datetime.datetime(*(int(m.group(k)) for k in range(1, 7)), tzinfo=tz)


def iso_date(s):
    try:
        d = datetime.datetime.fromisoformat((s or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=datetime.timezone.utc)


XMP_NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
          "dc": "http://purl.org/dc/elements/1.1/", "xmp": "http://ns.adobe.com/xap/1.0/",
          "pdf": "http://ns.adobe.com/pdf/1.3/", "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
          "pdfxid": "http://www.npes.org/pdfx/ns/id/"}


def xmp_prop(root, name):
    """A simple property as element text or as attribute of an rdf:Description."""
    pfx, local = name.split(":")
    tag = "{" + XMP_NS[pfx] + "}" + local
    for desc in root.iter("{" + XMP_NS["rdf"] + "}Description"):
        if tag in desc.attrib:
            return desc.attrib[tag]
        el = desc.find(tag)
        if el is not None:
            li = el.find(".//{" + XMP_NS["rdf"] + "}li")
            return (li.text if li is not None else el.text) or ""
    return None


def find_cmyk_profile(tmp, calpress=None):
    """The FOGRA39 CMYK output profile the build makes with ArgyllCMS, beside the calpress
    binary (the build requires it: it is also calpress's default press intent)."""
    built = os.path.join(os.path.dirname(os.path.abspath(calpress)), "FOGRA39L.icc")
    if not os.path.exists(built):
        raise RuntimeError(f"{built} is missing: the build makes it (tools/make-fogra39.sh)")
    return built, False


class QpdfCheck:
    """qpdf --check runs, started early and side by side (it takes seconds on a calendar full
    of photos)."""

    def __init__(self):
        self.procs = {}

    def start(self, *pdfs):
        for pdf in pdfs:
            self.procs[pdf] = subprocess.Popen(["qpdf", "--check", pdf], stdout=subprocess.PIPE,
                                               stderr=subprocess.PIPE)

    def wait(self, pdf):
        if pdf not in self.procs:
            self.start(pdf)
        proc = self.procs.pop(pdf)
        out, err = proc.communicate(timeout=900)
        proc.out, proc.err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
        return proc


qpdf_check = QpdfCheck()


def check_pdfx_structure(ctx, chk, pdf, want_title, want_author, icc_bytes, icc_n, condition,
                         pdfx=True):
    """The structure of a PDF/X-4 file; with pdfx False, of a screen proof: the same but with no
    PDF/X identification (no GTS_PDFXVersion in Info or XMP)."""
    base = os.path.basename(pdf)
    data = read_bytes(pdf)
    chk.ok(data.startswith(b"%PDF-1.6"), f"{base}: header says %PDF-1.6", repr(data[:16]))
    p = run(["pdfinfo", pdf])
    chk.ok(re.search(r"^PDF version:\s+1\.6\s*$", p.out, re.M), f"{base}: pdfinfo: PDF version 1.6",
           p.out)
    p = qpdf_check.wait(pdf)
    chk.ok(p.returncode == 0 and "No syntax or stream encoding errors" in p.out
           and "WARNING" not in p.out + p.err, f"{base}: qpdf --check is clean",
           f"exit {p.returncode}\n{tail(p.out)}\n{tail(p.err)}")
    p = run(["qpdf", "--show-xref", pdf])
    compressed = [ln for ln in p.out.splitlines() if re.search(r"\bcompressed\b", ln)]
    chk.ok(p.returncode == 0 and not compressed,
           f"{base}: no object sits in an object stream (qpdf --show-xref)",
           "\n".join(compressed[:10]) or p.err)
    qp = QPdf(pdf)
    objstm = [r for r, e in qp.all_objects() if "stream" in e
              and e["stream"]["dict"].get("/Type") == "/ObjStm"]
    chk.ok(not objstm, f"{base}: no /Type /ObjStm object", f"{objstm}")
    ident = qp.trailer.get("/ID")
    chk.ok(isinstance(ident, list) and len(ident) == 2 and all(
        isinstance(x, str) and len(x) > 4 for x in ident), f"{base}: trailer /ID has two strings",
        f"/ID {ident}")

    info = qp.info()
    if not chk.ok(isinstance(info, dict), f"{base}: trailer has an /Info dictionary"):
        return
    title, author = text_of(info.get("/Title")), text_of(info.get("/Author"))
    # The title is the text as set: markup removed and typographic quotes (calpress's smart
    # punctuation), so compare it with the source's straight quotes folded in.
    def fold(t):
        return t.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")) if t else t
    chk.ok(fold(title) == fold(want_title), f"{base}: Info /Title is {want_title!r}",
           f"got {title!r}")
    chk.ok(author == want_author, f"{base}: Info /Author is {want_author!r}", f"got {author!r}")
    creator = text_of(info.get("/Creator"))
    chk.ok(creator and creator.strip(), f"{base}: Info /Creator set ({creator!r})")
    cdate, mdate = text_of(info.get("/CreationDate")), text_of(info.get("/ModDate"))
    chk.ok(pdf_date(cdate) is not None, f"{base}: Info /CreationDate is a D: date ({cdate!r})")
    chk.ok(pdf_date(mdate) is not None, f"{base}: Info /ModDate is a D: date ({mdate!r})")
    if pdfx:
        chk.ok(text_of(info.get("/GTS_PDFXVersion")) == "PDF/X-4",
               f"{base}: Info /GTS_PDFXVersion (PDF/X-4)", f"got {info.get('/GTS_PDFXVersion')!r}")
    else:
        chk.ok("/GTS_PDFXVersion" not in info,
               f"{base}: screen proof: no Info /GTS_PDFXVersion", f"got {info!r}")
    chk.ok(info.get("/Trapped") == "/False", f"{base}: Info /Trapped /False",
           f"got {info.get('/Trapped')!r}")

    root = qp.root()
    mref = root.get("/Metadata")
    if chk.ok(isinstance(mref, str) and qp.is_stream(mref), f"{base}: catalog /Metadata stream",
              f"/Metadata {mref!r}"):
        md = qp.obj(mref)
        chk.ok(md.get("/Type") == "/Metadata" and md.get("/Subtype") == "/XML",
               f"{base}: metadata stream is /Type /Metadata /Subtype /XML", f"{md}")
        xmp = qp.stream_data(mref).decode("utf-8", "replace")
        body = re.sub(r"<\?xpacket[^>]*\?>", "", xmp).strip()
        try:
            x = ET.fromstring(body)
        except ET.ParseError as e:
            chk.ok(False, f"{base}: XMP packet is well-formed XML", f"{e}\n{xmp[:1500]}")
            x = None
        if x is not None:
            chk.ok(xmp.startswith("<?xpacket begin=") and "<?xpacket end=" in xmp,
                   f"{base}: XMP is a complete xpacket")
            v = xmp_prop(x, "pdfxid:GTS_PDFXVersion")
            if pdfx:
                chk.ok(v == "PDF/X-4", f"{base}: XMP pdfxid:GTS_PDFXVersion is PDF/X-4",
                       f"got {v!r}")
            else:
                chk.ok(v is None and "pdfx" not in xmp.lower(),
                       f"{base}: screen proof: no PDF/X identification in the XMP", f"got {v!r}")
            for prop in ("xmpMM:DocumentID", "xmpMM:InstanceID"):
                v = xmp_prop(x, prop)
                chk.ok(v and re.fullmatch(r"(uuid:|xmp\.(did|iid):)?[0-9a-fA-F-]{16,}", v),
                       f"{base}: XMP {prop} set ({v!r})")
            for prop, want, label in (("xmp:CreateDate", cdate, "/CreationDate"),
                                      ("xmp:ModifyDate", mdate, "/ModDate")):
                v = xmp_prop(x, prop)
                a, b = iso_date(v), pdf_date(want)
                chk.ok(a is not None and b is not None and a == b,
                       f"{base}: XMP {prop} equals Info {label}", f"XMP {v!r}, Info {want!r}")
            v = xmp_prop(x, "dc:title")
            chk.ok(v == title, f"{base}: XMP dc:title equals Info /Title", f"got {v!r}")
            v = xmp_prop(x, "pdf:Trapped")
            chk.ok(v == "False", f"{base}: XMP pdf:Trapped False (as Info /Trapped)", f"got {v!r}")

    ois = qp.resolve(root.get("/OutputIntents"))
    if not chk.ok(isinstance(ois, list) and ois, f"{base}: catalog /OutputIntents array",
                  f"{ois!r}"):
        return
    gts = [qp.resolve(o) for o in ois if qp.get(o, "/S") == "/GTS_PDFX"]
    if not chk.ok(len(gts) == 1, f"{base}: one output intent with /S /GTS_PDFX",
                  f"{[qp.resolve(o) for o in ois]}"):
        return
    oi = gts[0]
    ident = text_of(oi.get("/OutputConditionIdentifier"))
    chk.ok(ident and (condition is None or ident == condition),
           f"{base}: OutputConditionIdentifier " + (f"is {condition}" if condition
                                                    else f"set ({ident!r})"), f"got {ident!r}")
    dop = oi.get("/DestOutputProfile")
    if chk.ok(isinstance(dop, str) and qp.is_stream(dop), f"{base}: DestOutputProfile stream",
              f"{dop!r}"):
        chk.ok(qp.obj(dop).get("/N") == icc_n, f"{base}: DestOutputProfile /N {icc_n}",
               f"dict {qp.obj(dop)}")
        got = qp.stream_data(dop)
        chk.ok(got == icc_bytes, f"{base}: DestOutputProfile holds the profile byte for byte "
               f"({len(icc_bytes)} bytes)", f"got {len(got)} bytes")
    return qp


def yaml_top_scalar(path, key):
    """A top-level one-line scalar of a YAML file (plain or quoted)."""
    with open(path, encoding="utf-8") as f:
        for ln in f:
            m = re.match(rf"{key}:\s*(.*?)\s*$", ln)
            if m:
                v = m.group(1)
                if v[:1] == '"':
                    return json.loads(v)
                if v[:1] == "'":
                    return v[1:-1].replace("''", "'")
                return v
    return None


def check_pdfx(ctx, chk, tmp):
    srgb = read_bytes(SRGB_ICC)
    title = yaml_top_scalar(os.path.join(ctx.src, "stories", "calendar.yaml"), "title")
    org = yaml_top_scalar(os.path.join(ctx.src, "stories", "calendar.yaml"), "organisation")
    press_headline = yaml_top_scalar(os.path.join(ctx.src, "stories", "press-release.yaml"),
                                     "headline")
    cal, pr = render_sample(ctx, chk, os.path.join(tmp, "srgb"))
    icc, made = find_cmyk_profile(tmp, ctx.calpress)
    chk.note(("made a minimal CMYK profile header " if made else "using the CMYK profile ") + icc)
    cmyk_cal, cmyk_pr = render_sample(ctx, chk, os.path.join(tmp, "cmyk"),
                                      ["--icc", icc, "--condition", "FOGRA39"])
    qpdf_check.start(cal, cmyk_cal, pr, cmyk_pr)
    # A default proof is for the screen (sRGB, a monitor profile): it makes no PDF/X claim.
    check_pdfx_structure(ctx, chk, cal, title, org, srgb, 3, None, pdfx=False)
    check_pdfx_structure(ctx, chk, pr, press_headline, org, srgb, 3, None, pdfx=False)

    cal, pr = cmyk_cal, cmyk_pr
    icc_bytes = read_bytes(icc)
    for pdf, want_title in ((cal, title), (pr, press_headline)):
        base = os.path.basename(pdf)
        qp = check_pdfx_structure(ctx, chk, pdf, want_title, org, icc_bytes, 4, "FOGRA39")
        if qp is None:
            continue
        bad, forms_bad, nforms = [], [], 0

        def default_rgb_ok(res):
            cs = qp.get(res, "/ColorSpace")
            d = qp.resolve(cs.get("/DefaultRGB")) if isinstance(cs, dict) else None
            if not (isinstance(d, list) and len(d) == 2 and d[0] == "/ICCBased"
                    and qp.is_stream(d[1])):
                return f"/DefaultRGB {d!r}"
            if qp.obj(d[1]).get("/N") != 3:
                return f"ICCBased stream /N {qp.obj(d[1]).get('/N')}"
            if qp.stream_data(d[1]) != srgb:
                return "ICCBased stream is not sRGB.icc"
            return None

        seen = set()
        for pg, ref in enumerate(qp.page_refs, start=1):
            res = qp.inherited(ref, "/Resources")
            why = default_rgb_ok(res) if isinstance(res, dict) else "no /Resources"
            if why:
                bad.append(f"page {pg}: {why}")
            # form XObjects the page paints (cairo nests them for groups): same rule inside
            stack = [res]
            while stack:
                r = stack.pop()
                xo = qp.get(r, "/XObject")
                if not isinstance(xo, dict):
                    continue
                for xref in xo.values():
                    if xref in seen or not qp.is_stream(xref):
                        continue
                    seen.add(xref)
                    xd = qp.obj(xref)
                    if xd.get("/Subtype") != "/Form":
                        continue
                    nforms += 1
                    fres = qp.resolve(xd.get("/Resources"))
                    if isinstance(fres, dict):
                        w = default_rgb_ok(fres)
                        if w:
                            forms_bad.append(f"page {pg} form {xref}: {w}")
                        stack.append(fres)
        chk.ok(not bad, f"{base}: every page's /Resources /ColorSpace has /DefaultRGB "
               "[/ICCBased sRGB (/N 3)]", "\n".join(bad[:20]))
        chk.ok(not forms_bad, f"{base}: so has every form XObject with resources "
               f"({nforms} forms)", "\n".join(forms_bad[:20]))


# --------------------------------------------------------------------------------------------
# marks


def check_marks(ctx, chk, tmp):
    cal, _ = render_sample(ctx, chk, os.path.join(tmp, "out"))
    dpi = 150
    # Anti-aliasing off: a 0.25 pt hairline becomes a solid one-pixel line.
    r = rasterise(cal, 2, dpi, tmp, "page2", gray=True, antialias=False)
    media_w, media_h = A3_W + 2 * OFF, A3_H + 2 * OFF
    chk.ok(abs(r.w - r.mm(media_w)) <= 2 and abs(r.h - r.mm(media_h)) <= 2,
           f"page 2 rasterised at {dpi} dpi to the media size ({r.w} x {r.h} px)",
           f"want about {r.mm(media_w):.0f} x {r.mm(media_h):.0f}")
    DARK, WHITE = 128, 250
    near = 2  # pixels either side of a line

    def dark_near_row(x, yc):
        return any(r.px(x, y) < DARK for y in range(int(yc) - near, int(yc) + near + 1)
                   if 0 <= y < r.h)

    def dark_near_col(y, xc):
        return any(r.px(x, y) < DARK for x in range(int(xc) - near, int(xc) + near + 1)
                   if 0 <= x < r.w)

    trim_x = (OFF, OFF + A3_W)
    trim_y = (OFF, OFF + A3_H)
    for cx, sx in ((0, -1), (1, 1)):
        for cy, sy in ((0, -1), (1, 1)):
            name = ("top" if cy == 0 else "bottom") + "-" + ("left" if cx == 0 else "right")
            tx, ty = trim_x[cx], trim_y[cy]  # the trim corner, mm from the media's top-left
            # Horizontal mark: on the trim line y = ty, from the bleed edge outwards.
            ypx = r.mm(ty)
            xs = [int(r.mm(tx + sx * d)) for d in frange(BLEED + 0.3, BLEED + 4.7, 0.1)]
            hit = sum(dark_near_row(x, ypx) for x in xs)
            chk.ok(hit >= 0.95 * len(xs),
                   f"{name}: horizontal mark on the trim line from the bleed edge (3 mm) to "
                   f"about 8 mm out ({hit}/{len(xs)} columns dark)")
            xpx = r.mm(tx)
            ys = [int(r.mm(ty + sy * d)) for d in frange(BLEED + 0.3, BLEED + 4.7, 0.1)]
            hit = sum(dark_near_col(y, xpx) for y in ys)
            chk.ok(hit >= 0.95 * len(ys),
                   f"{name}: vertical mark on the trim line from the bleed edge (3 mm) to about "
                   f"8 mm out ({hit}/{len(ys)} rows dark)")
            # Nothing of the marks inside the bleed band (between trim and bleed edge): the
            # mark's row / column may not be darker than the picture just beside it.
            into = []
            for d in frange(0.2, BLEED - 0.4, 0.1):
                x = int(r.mm(tx + sx * d))
                for y in range(int(ypx) - 1, int(ypx) + 2):
                    ref = min(r.px(x, y - 4), r.px(x, y + 4))
                    if r.px(x, y) < DARK and r.px(x, y) < ref - 60:
                        into.append(f"({x},{y})={r.px(x, y)} beside {ref}")
                y = int(r.mm(ty + sy * d))
                for x in range(int(xpx) - 1, int(xpx) + 2):
                    ref = min(r.px(x - 4, y), r.px(x + 4, y))
                    if r.px(x, y) < DARK and r.px(x, y) < ref - 60:
                        into.append(f"({x},{y})={r.px(x, y)} beside {ref}")
            chk.ok(not into, f"{name}: the marks stop at the bleed edge (no line in the bleed)",
                   "; ".join(into[:8]))
            # The slug around the corner: everything outside the bleed edge + 0.5 mm, out to
            # the media edge and 9 mm along both trim lines, is white except the two marks.
            bx0 = r.mm(tx + sx * (BLEED + 0.5))  # bleed edge + 0.5 mm, pixels
            by0 = r.mm(ty + sy * (BLEED + 0.5))
            mark_end = BLEED + 5.0 + 0.3  # mm from the trim; anything beyond is stray
            mx0, mx1 = sorted((r.mm(tx + sx * BLEED), r.mm(tx + sx * mark_end)))
            my0, my1 = sorted((r.mm(ty + sy * BLEED), r.mm(ty + sy * mark_end)))
            stray, checked = [], 0
            x_lo, x_hi = (0, int(bx0)) if sx < 0 else (int(bx0) + 1, r.w - 1)
            y_lo, y_hi = (0, int(by0)) if sy < 0 else (int(by0) + 1, r.h - 1)
            # (9 mm: the slug line's text starts 10 mm inside the trim's left edge)
            along_x = sorted((int(r.mm(tx - sx * 9)), int(r.mm(tx + sx * 1))))
            along_y = sorted((int(r.mm(ty - sy * 9)), int(r.mm(ty + sy * 1))))
            regions = [(x_lo, x_hi, min(y_lo, along_y[0]), max(y_hi, along_y[1])),
                       (min(x_lo, along_x[0]), max(x_hi, along_x[1]), y_lo, y_hi)]
            for (a0, a1, b0, b1) in regions:
                for y in range(max(0, b0), min(r.h - 1, b1) + 1):
                    for x in range(max(0, a0), min(r.w - 1, a1) + 1):
                        outside_x = (x <= bx0) if sx < 0 else (x > bx0)
                        outside_y = (y <= by0) if sy < 0 else (y > by0)
                        if not (outside_x or outside_y):
                            continue
                        on_h = abs(y - ypx) <= near and mx0 - near <= x <= mx1 + near
                        on_v = abs(x - xpx) <= near and my0 - near <= y <= my1 + near
                        if on_h or on_v:
                            continue
                        checked += 1
                        if r.px(x, y) < WHITE:
                            stray.append(f"({x},{y})={r.px(x, y)}")
            chk.ok(checked > 1000 and not stray,
                   f"{name}: the slug around the corner is white but for the two marks "
                   f"({checked} pixels checked)",
                   f"{len(stray)} non-white pixels, e.g. " + ", ".join(stray[:12]))


def frange(a, b, step):
    out, v = [], a
    while v <= b + 1e-9:
        out.append(v)
        v += step
    return out



# --------------------------------------------------------------------------------------------
# fonts-missing


def style_block(lines, style):
    """(line of 'STYLE:', [(line, text) of its entries]) in a layout's styles: section."""
    in_styles, start, body = False, None, []
    for n, ln in enumerate(lines, start=1):
        if re.match(r"^styles:\s*$", ln):
            in_styles = True
        elif in_styles and re.match(r"^\S", ln):
            break
        elif in_styles and re.match(rf"^  {style}:\s*$", ln):
            start = n
        elif start and re.match(r"^  \S", ln):
            break
        elif start and re.match(r"^    \S", ln):
            body.append((n, ln))
    return start, body


def check_fonts_missing(ctx, chk, tmp):
    filler, cover = fillers(ctx, tmp)
    with open(os.path.join(ctx.src, "layouts", "a3-portrait.yaml"), encoding="utf-8") as f:
        orig = f.read().split("\n")
    # Two copies of the sample layout beside the manifest: 'headline' asks for a missing family
    # on its first line; 'quote' asks for one on its third (after italic and size), so the
    # error must point at the family, not at where the style begins.
    variants = []
    lines = list(orig)
    start, body = style_block(lines, "headline")
    fam = next((n for n, t in body if t.startswith("    family:")), None)
    if not chk.ok(start and fam == body[0][0], "layouts/a3-portrait.yaml has styles.headline "
                  "with family first", f"style line {start}, entries {body[:3]}"):
        return
    lines[fam - 1] = "    family: Nonexistent Sans"
    variants.append(("headline", "Nonexistent Sans", fam, lines))
    lines = list(orig)
    start, body = style_block(lines, "quote")
    fam = next((n for n, t in body if t.startswith("    family:")), None)
    if not chk.ok(start and fam and len(body) >= 3, "layouts/a3-portrait.yaml has styles.quote "
                  "with a family and two more entries", f"style line {start}, entries {body}"):
        return
    del lines[fam - 1]
    entries = [n for n, _ in body if n != fam]
    at = entries[1] - 1  # after the second remaining entry (line numbers shift by one)
    lines.insert(at, "    family: Nonexistent Serif")
    variants.append(("quote", "Nonexistent Serif", at + 1, lines))

    for style, family, fam_line, lines in variants:
        with open(os.path.join(tmp, "mylayout.yaml"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        man = Manifest([default_month(i, filler) for i in range(12)], cover=cover,
                       top=["layout: mylayout"])
        mpath = man.write(os.path.join(tmp, "calendar.yaml"))
        out = os.path.join(tmp, "out")
        for cmd in (["render", mpath, "-o", out], ["check", mpath]):
            label = f"{style} (family on mylayout.yaml:{fam_line}), {cmd[0]}"
            p = calpress(ctx, cmd, cwd=tmp)
            chk.ok(p.returncode == 1, f"{label}: exits 1", f"exit {p.returncode}\n{tail(p.err)}")
            errs = [d for d in diag_lines(p.err, "error") if family in d["msg"]]
            chk.ok(errs, f"{label}: an error names the family '{family}'", tail(p.err))
            if errs:
                e = errs[0]
                chk.ok(f"'{style}'" in e["msg"], f"{label}: ... and the style '{style}'",
                       e["text"])
                chk.ok(os.path.basename(e["file"]) == "mylayout.yaml" and e["line"] == fam_line,
                       f"{label}: ... at the layout file's family line (mylayout.yaml:"
                       f"{fam_line})", e["text"])
            chk.ok(not os.path.exists(out), f"{label}: nothing written (no output folder)",
                   f"{list(snapshot(out))}")


# --------------------------------------------------------------------------------------------
# photos-once


def check_photos_once(ctx, chk, tmp):
    filler, _ = fillers(ctx, tmp)
    os.mkdir(os.path.join(tmp, "sub"))
    src = mkphoto(ctx, os.path.join(tmp, "p.jpg"), 777, 603, seed=3, palette=5)
    months = [default_month(i, filler) for i in range(12)]
    spellings = {1: "p.jpg", 2: "./p.jpg", 3: "sub/../p.jpg", 4: os.path.join(tmp, "p.jpg")}
    for m, sp in spellings.items():
        months[m - 1]["photo"] = sp
    man = Manifest(months, cover="./sub/../p.jpg")  # on the cover too, at another size
    mpath = man.write(os.path.join(tmp, "calendar.yaml"))
    out = os.path.join(tmp, "out")
    p = calpress(ctx, ["render", mpath, "-o", out], cwd=tmp)
    cal = os.path.join(out, "calendar.pdf")
    if not chk.ok(p.returncode == 0 and os.path.isfile(cal), "render exits 0",
                  f"exit {p.returncode}\n{tail(p.err)}"):
        return
    rows, lp = pdfimages_list(cal)
    mine = [r for r in rows if r["type"] == "image" and (r["w"], r["h"]) == (777, 603)]
    pages = sorted({r["page"] for r in mine})
    want_pages = [1] + [m + 1 for m in spellings]
    chk.ok(pages == want_pages, f"p.jpg is placed on pages {want_pages} (the cover and months "
           f"{', '.join(spellings.values())})", f"pages {pages}\n{lp.out}")
    objs = sorted({r["obj"] for r in mine})
    chk.ok(len(objs) == 1, f"pdfimages -list shows p.jpg as one object ({objs})", lp.out)
    fill_objs = sorted({r["obj"] for r in rows if r["type"] == "image"
                        and (r["w"], r["h"]) == (900, 698)})
    chk.ok(len(fill_objs) == 1, f"the filler used by 8 months is one object too ({fill_objs})")
    ex = os.path.join(tmp, "img")
    os.mkdir(ex)
    run(["pdfimages", "-j", "-f", 2, "-l", 2, cal, os.path.join(ex, "x")])
    got = [read_bytes(os.path.join(ex, f)) for f in sorted(os.listdir(ex)) if f.endswith(".jpg")]
    want = read_bytes(src)
    chk.ok(want in got, "the embedded JPEG is byte-identical to p.jpg",
           f"extracted {[len(g) for g in got]} bytes, source {len(want)}")
    qp = QPdf(cal)
    n_img = sum(1 for _, e in qp.all_objects() if "stream" in e
                and e["stream"]["dict"].get("/Subtype") == "/Image"
                and e["stream"]["dict"].get("/Width") == 777)
    chk.ok(n_img == 1, f"the PDF holds one image object 777 x 603 (qpdf finds {n_img})")


# --------------------------------------------------------------------------------------------
# Photo placement model (the layout's rules: fill crops around the focal point and slides back
# so no edge shows; contain letterboxes in the middle) and green-mark finding


def placement(iw, ih, fit, focus=(0.5, 0.5), frame=None):
    """(x, y, scale mm/px) of a photo of iw x ih upright pixels in frame (mm, trim coords;
    default the month photo frame with its bleed)."""
    x0, y0, w, h = frame or PHOTO_BLEED
    s = min(w / iw, h / ih) if fit == "contain" else max(w / iw, h / ih)
    pw, ph = iw * s, ih * s
    if fit == "contain":
        return x0 + (w - pw) / 2, y0 + (h - ph) / 2, s
    px = x0 + w / 2 - focus[0] * pw
    py = y0 + h / 2 - focus[1] * ph
    px = min(x0, max(x0 + w - pw, px))
    py = min(y0, max(y0 + h - ph, py))
    return px, py, s


def green_pixels(r):
    pts = []
    d = r.data
    for y in range(r.h):
        row = y * r.w * 3
        for x in range(r.w):
            i = row + 3 * x
            if d[i + 1] > 170 and d[i] < 100 and d[i + 2] < 100:
                pts.append((x, y))
    return pts


def check_mark(chk, r, label, want_mm, radius_mm, frame=None):
    """The green mark is where want_mm (trim coords) says, whole and inside the frame."""
    frame = frame or PHOTO_BLEED
    pts = green_pixels(r)
    area = 3.14159 * r.mm(radius_mm) ** 2
    if not chk.ok(len(pts) >= 0.6 * area,
                  f"{label}: the green mark is visible ({len(pts)} px, a whole disc is "
                  f"{area:.0f})"):
        return
    fx0, fy0 = r.mm(frame[0] + OFF), r.mm(frame[1] + OFF)
    fx1, fy1 = r.mm(frame[0] + frame[2] + OFF), r.mm(frame[1] + frame[3] + OFF)
    outside = [p for p in pts if not (fx0 - 1 <= p[0] <= fx1 + 1 and fy0 - 1 <= p[1] <= fy1 + 1)]
    chk.ok(not outside, f"{label}: every mark pixel lies inside the photo frame",
           f"{len(outside)} outside, e.g. {outside[:5]}; frame px [{fx0:.0f},{fy0:.0f} - "
           f"{fx1:.0f},{fy1:.0f}]")
    cx = sum(p[0] for p in pts) / len(pts) + 0.5
    cy = sum(p[1] for p in pts) / len(pts) + 0.5
    gx, gy = cx / r.dpi * 25.4 - OFF, cy / r.dpi * 25.4 - OFF
    chk.ok(abs(gx - want_mm[0]) <= 1.5 and abs(gy - want_mm[1]) <= 1.5,
           f"{label}: the mark's centre is at ({want_mm[0]:.1f}, {want_mm[1]:.1f}) mm from the "
           f"trim corner, within 1.5 mm", f"found ({gx:.1f}, {gy:.1f}) mm")
    chk.ok(len(pts) <= 1.5 * area + 20, f"{label}: the mark is a disc of radius "
           f"{radius_mm:.1f} mm, not stretched ({len(pts)} px)")


# --------------------------------------------------------------------------------------------
# focus


def check_focus(ctx, chk, tmp):
    filler, cover = fillers(ctx, tmp)
    cases = [  # (W, H, mark and focus x, y)
        (4000, 1000, 0.9, 0.1),
        (1000, 4000, 0.1, 0.9),
        (3000, 3000, 0.9, 0.1),
    ]
    months = [default_month(i, filler) for i in range(12)]
    plan = []  # (month, label, iw, ih, fit, focus, mark)
    for k, (w, h, mx, my) in enumerate(cases):
        name = f"mark{w}x{h}.jpg"
        mkphoto(ctx, os.path.join(tmp, name), w, h, "--mark", mx, my)
        months[k]["photo"] = name
        months[k]["photo_focus"] = (mx, my)
        plan.append((k + 1, f"{w}x{h} fill, photo_focus [{mx}, {my}]", w, h, "fill", (mx, my),
                     (mx, my)))
        months[k + 3]["photo"] = name
        months[k + 3]["fit"] = "contain"
        plan.append((k + 4, f"{w}x{h} fit: contain", w, h, "contain", (0.5, 0.5), (mx, my)))
    # Control: with photo_focus [0.5, 0.5] written out (an explicit focus always wins over the
    # automatic one) the 4000 x 1000 photo's mark (at x 0.9) is cropped away.
    months[6]["photo"] = "mark4000x1000.jpg"
    months[6]["photo_focus"] = (0.5, 0.5)
    # Without photo_focus, automatic focus finds the mark (the only detail) and keeps it whole.
    months[7]["photo"] = "mark4000x1000.jpg"
    man = Manifest(months, cover=cover)
    mpath = man.write(os.path.join(tmp, "calendar.yaml"))
    out = os.path.join(tmp, "out")
    p = calpress(ctx, ["render", mpath, "-o", out], cwd=tmp)
    cal = os.path.join(out, "calendar.pdf")
    if not chk.ok(p.returncode == 0 and os.path.isfile(cal), "render exits 0",
                  f"exit {p.returncode}\n{tail(p.err)}"):
        return
    dpi = 100
    for month, label, iw, ih, fit, focus, mark in plan:
        r = rasterise(cal, month + 1, dpi, tmp, f"p{month}")
        px, py, s = placement(iw, ih, fit, focus)
        want = (px + mark[0] * iw * s, py + mark[1] * ih * s)
        check_mark(chk, r, f"month {month} ({label})", want, 0.015 * iw * s)
    r = rasterise(cal, 8, dpi, tmp, "p7")
    px, py, s = placement(4000, 1000, "fill")
    gone = px + 0.9 * 4000 * s
    pts = green_pixels(r)
    chk.ok(not pts, f"month 7 (4000x1000 fill, photo_focus [0.5, 0.5]): the mark, at x = "
           f"{gone:.0f} mm, is cropped away (so the focus above did the work)",
           f"{len(pts)} green pixels")
    r = rasterise(cal, 9, dpi, tmp, "p8")
    pts = green_pixels(r)
    area = 3.14159 * r.mm(0.015 * 4000 * s) ** 2
    chk.ok(len(pts) >= 0.9 * area, "month 8 (4000x1000 fill, no photo_focus): automatic focus "
           f"keeps the mark whole ({len(pts)} px of a {area:.0f} px disc)")


# --------------------------------------------------------------------------------------------
# ppi


def check_ppi(ctx, chk, tmp):
    filler, cover = fillers(ctx, tmp, press=True)
    # The month photo frame (297 x 228 mm at the trim's top) grows into the bleed at the top,
    # left and right: 303 x 231 mm. A photo of the frame's shape, W x H pixels, filling it
    # reaches ppi = min(W / 303, H / 231) * 25.4.
    fw, fh = PHOTO_BLEED[2], PHOTO_BLEED[3]
    sizes = {}
    for ppi in (150, 250, 350):
        w, h = math.ceil(ppi * fw / 25.4 + 0.4), math.ceil(ppi * fh / 25.4 + 0.4)
        got = min(w / fw * 25.4, h / fh * 25.4)
        assert round(got) == ppi and got >= ppi, (ppi, got)
        sizes[ppi] = (w, h)
    frame_text = f"{fw:.1f} x {fh:.1f} mm"
    out = os.path.join(tmp, "out")
    for ppi, (w, h) in sizes.items():
        name = f"p{ppi}.jpg"
        mkphoto(ctx, os.path.join(tmp, name), w, h, "--mark", 0.5, 0.5)
        months = [default_month(i, filler) for i in range(12)]
        months[0]["photo"] = name
        man = Manifest(months, cover=cover)
        mpath = man.write(os.path.join(tmp, f"cal{ppi}.yaml"))
        line, col = man.where["m1.photo"]
        modes = [("check --press", ["check", mpath, "--press"]),
                 ("render --press", ["render", mpath, "--press", "-o", out])]
        if ppi == 150:
            modes.append(("render (proof)", ["render", mpath, "-o", out]))
        for mode, cmd in modes:
            shutil.rmtree(out, ignore_errors=True)
            p = calpress(ctx, cmd, cwd=tmp)
            diags = diag_lines(p.err)
            about = [d for d in diags if "ppi" in d["msg"]]
            label = f"{ppi} ppi, {mode}"
            if ppi == 150 and "proof" not in mode:
                chk.ok(p.returncode == 1, f"{label}: exits 1", f"exit {p.returncode}\n{p.err}")
                want_sev = "error"
            elif ppi == 350:
                chk.ok(p.returncode == 0, f"{label}: exits 0", f"exit {p.returncode}\n{p.err}")
                # (the working folder's name has "ppi" in it: look for a measured resolution)
                chk.ok(not about and not re.search(r"\d ppi", p.err),
                       f"{label}: no resolution diagnostic", p.err)
                continue
            else:
                chk.ok(p.returncode == 0, f"{label}: exits 0", f"exit {p.returncode}\n{p.err}")
                want_sev = "warning"
            hits = [d for d in about if d["sev"] == want_sev]
            if not chk.ok(len(hits) == 1, f"{label}: one {want_sev} about the resolution",
                          p.err):
                continue
            d = hits[0]
            chk.ok(os.path.basename(d["file"]) == os.path.basename(mpath)
                   and (d["line"], d["col"]) == (line, col),
                   f"{label}: at the photo's manifest position {line}:{col}", d["text"])
            for part, what in ((name, "the file"), (f"{w} x {h} px", "the pixel size"),
                               (f"{ppi} ppi", "the ppi"), ("'photo'", "the frame"),
                               (frame_text, "the frame's size with bleed")):
                chk.ok(part in d["msg"], f"{label}: names {what} ({part})", d["msg"])
            if want_sev == "error" and cmd[0] == "render":
                chk.ok(not snapshot(out), f"{label}: nothing written",
                       f"{list(snapshot(out))}")


def check_findings_one_run(ctx, chk, tmp):
    """Every preflight finding of every photo in one run (issue 8, item 11): a 150 ppi photo in
    one month and a CMYK photo over the ink limit in another are both reported by one
    `check --press`, not the second only after the first is fixed. (--press has a CMYK intent,
    calpress's FOGRA39, so a CMYK photo as such is no finding; its ink is.)"""
    filler, cover = fillers(ctx, tmp, press=True)
    fw, fh = PHOTO_BLEED[2], PHOTO_BLEED[3]
    w, h = math.ceil(150 * fw / 25.4 + 0.4), math.ceil(150 * fh / 25.4 + 0.4)
    mkphoto(ctx, os.path.join(tmp, "low.jpg"), w, h)
    # 250 % ink with a 200 px (50 mm) square at 370 %: over the 300 % limit.
    mkphoto(ctx, os.path.join(tmp, "cmyk.jpg"), 1200, 930, "--heavy-ink", 200)
    months = [default_month(i, filler) for i in range(12)]
    months[0]["photo"] = "low.jpg"
    months[1]["photo"] = "cmyk.jpg"
    man = Manifest(months, cover=cover)
    mpath = man.write(os.path.join(tmp, "calendar.yaml"))
    for mode, cmd in (("check --press", ["check", mpath, "--press"]),
                      ("render --press", ["render", mpath, "--press", "-o",
                                          os.path.join(tmp, "out")])):
        p = calpress(ctx, cmd, cwd=tmp)
        errs = [d for d in diag_lines(p.err) if d["sev"] == "error"]
        chk.ok(p.returncode == 1, f"{mode}: exits 1", f"exit {p.returncode}\n{p.err}")
        low = [d for d in errs if "low.jpg" in d["msg"] and "ppi" in d["msg"]]
        cmyk = [d for d in errs if "cmyk.jpg" in d["msg"] and "total ink" in d["msg"]]
        chk.ok(len(low) == 1 and (low[0]["line"], low[0]["col"]) == man.where["m1.photo"],
               f"{mode}: the 150 ppi photo is an error at its line", p.err)
        # Both photos are also too small for the month frame at 1200 x 930: the ink finding is
        # what this check is about.
        chk.ok(len(cmyk) == 1 and (cmyk[0]["line"], cmyk[0]["col"]) == man.where["m2.photo"],
               f"{mode}: the CMYK photo is an error at its line, in the same run", p.err)
        chk.ok(not os.path.exists(os.path.join(tmp, "out", "calendar.pdf")),
               f"{mode}: nothing written")


# --------------------------------------------------------------------------------------------
# bad-photos


def check_bad_photos(ctx, chk, tmp):
    filler, cover = fillers(ctx, tmp)
    good = mkphoto(ctx, os.path.join(tmp, "whole.jpg"), 900, 698, seed=5, palette=4)
    data = read_bytes(good)
    with open(os.path.join(tmp, "truncated.jpg"), "wb") as f:
        f.write(data[:len(data) // 2])
    with open(os.path.join(tmp, "text.jpg"), "w") as f:
        f.write("This is a note about the photo, not a photo.\n")
    open(os.path.join(tmp, "empty.png"), "wb").close()
    bad = ["truncated.jpg", "text.jpg", "empty.png", "missing.jpg"]

    # The control: a complete JPEG followed by other data (phones append a motion-photo video
    # or vendor trailer after the end marker) is a whole photo, not a truncated one.
    with open(os.path.join(tmp, "trailer.jpg"), "wb") as f:
        f.write(data + b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 16)
    out = os.path.join(tmp, "out")
    months = [default_month(i, filler) for i in range(12)]
    months[1]["photo"] = "trailer.jpg"
    p = calpress(ctx, ["render", Manifest(months, cover=cover).write(
        os.path.join(tmp, "good.yaml")), "-o", out], cwd=tmp)
    against = [d["text"] for d in diag_lines(p.err) if "trailer.jpg" in d["msg"]
               and d["sev"] == "error" or "truncated" in d["msg"]]
    chk.ok(p.returncode == 0 and not against,
           "a good manifest renders first; a JPEG with data after its end marker is accepted",
           f"exit {p.returncode}\n" + "\n".join(against))
    if p.returncode != 0:
        months[1]["photo"] = filler
        p = calpress(ctx, ["render", Manifest(months, cover=cover).write(
            os.path.join(tmp, "good.yaml")), "-o", out], cwd=tmp)
        if not chk.ok(p.returncode == 0, "the manifest renders without trailer.jpg", p.err):
            return
    for name in bad:
        before = snapshot(out)
        months = [default_month(i, filler) for i in range(12)]
        months[2]["photo"] = name
        man = Manifest(months, cover=cover)
        mpath = man.write(os.path.join(tmp, "calendar.yaml"))
        line, col = man.where["m3.photo"]
        p = calpress(ctx, ["render", mpath, "-o", out], cwd=tmp)
        chk.ok(p.returncode == 1, f"{name}: render exits 1", f"exit {p.returncode}\n{p.err}")
        errs = [d for d in diag_lines(p.err, "error") if name in d["msg"]]
        if chk.ok(errs, f"{name}: an error names the photo", p.err):
            d = errs[0]
            chk.ok(os.path.basename(d["file"]) == "calendar.yaml"
                   and (d["line"], d["col"]) == (line, col),
                   f"{name}: the error is at the photo's manifest position {line}:{col}",
                   d["text"])
        after = snapshot(out)
        chk.ok(sorted(after) == sorted(before), f"{name}: no new or stray files in the output "
               "folder", f"before {sorted(before)}, after {sorted(after)}")
        chk.ok(all(after.get(n) == b for n, b in before.items()),
               f"{name}: the existing PDFs are byte-identical")

    months = [default_month(i, filler) for i in range(12)]
    for k, name in enumerate(bad):
        months[2 + k]["photo"] = name
    man = Manifest(months, cover=cover)
    mpath = man.write(os.path.join(tmp, "calendar.yaml"))
    out2 = os.path.join(tmp, "proof")
    p = calpress(ctx, ["render", mpath, "--placeholders", "-o", out2], cwd=tmp)
    cal = os.path.join(out2, "calendar.pdf")
    if not chk.ok(p.returncode == 0 and os.path.isfile(cal), "--placeholders: render exits 0",
                  f"exit {p.returncode}\n{p.err}"):
        return
    chk.ok("INCOMPLETE PROOF" in p.out, "--placeholders: stdout says INCOMPLETE PROOF", p.out)
    warns = diag_lines(p.err, "warning")
    chk.ok(not diag_lines(p.err, "error"), "--placeholders: no errors", p.err)
    for k, name in enumerate(bad):
        line, col = man.where[f"m{3 + k}.photo"]
        w = [d for d in warns if name in d["msg"] and (d["line"], d["col"]) == (line, col)]
        chk.ok(w, f"--placeholders: a warning at {line}:{col} names {name}", p.err)
        text = pdftotext(cal, 4 + k)
        chk.ok("PHOTO MISSING" in text and name in text,
               f"--placeholders: page {4 + k} shows the label 'PHOTO MISSING ... {name}'",
               text[:800])
    text = pdftotext(cal, 2)
    chk.ok("PHOTO MISSING" not in text, "--placeholders: a good photo's page has no label")
    # The default proof is for the screen (sRGB intent): its slug says so.
    slugs = [pg for pg in (1, 4, 14)
             if "INCOMPLETE SCREEN PROOF" not in pdftotext(cal, pg)]
    chk.ok(not slugs,
           "--placeholders: the slug line of pages 1, 4 and 14 says INCOMPLETE SCREEN PROOF",
           f"not on pages {slugs}")


# --------------------------------------------------------------------------------------------
# cmyk


def median_rgb(r, x_mm, y_mm, half=4):
    """Median colour of a small square around a point given in mm from the trim corner."""
    cx, cy = int(r.mm(x_mm + OFF)), int(r.mm(y_mm + OFF))
    chans = [[], [], []]
    for y in range(cy - half, cy + half + 1):
        for x in range(cx - half, cx + half + 1):
            for c, v in enumerate(r.px(x, y)):
                chans[c].append(v)
    return tuple(sorted(c)[len(c) // 2] for c in chans)


def check_cmyk(ctx, chk, tmp):
    filler, cover = fillers(ctx, tmp)
    mkphoto(ctx, os.path.join(tmp, "cmyk.jpg"), 1200, 930, "--cmyk")
    months = [default_month(i, filler) for i in range(12)]
    months[0]["photo"] = "cmyk.jpg"
    mpath = Manifest(months, cover=cover).write(os.path.join(tmp, "calendar.yaml"))
    out = os.path.join(tmp, "out")
    p = calpress(ctx, ["render", mpath, "-o", out], cwd=tmp)
    cal = os.path.join(out, "calendar.pdf")
    if not chk.ok(p.returncode == 0 and os.path.isfile(cal), "render exits 0",
                  f"exit {p.returncode}\n{p.err}"):
        return
    rows, lp = pdfimages_list(cal)
    mine = [r for r in rows if r["page"] == 2 and r["type"] == "image"]
    chk.ok(len(mine) == 1 and mine[0]["color"] == "cmyk" and mine[0]["enc"] == "jpeg",
           "pdfimages: page 2 holds the photo as a CMYK JPEG", lp.out)
    qp = QPdf(cal)
    imgs = [(r, e["stream"]["dict"]) for r, e in qp.all_objects() if "stream" in e
            and e["stream"]["dict"].get("/Subtype") == "/Image"
            and qp.resolve(e["stream"]["dict"].get("/ColorSpace")) == "/DeviceCMYK"]
    if chk.ok(len(imgs) == 1, f"one /DeviceCMYK image in the PDF ({len(imgs)})"):
        _, d = imgs[0]
        dec = qp.resolve(d.get("/Decode"))
        chk.ok(isinstance(dec, list) and [float(v) for v in dec] == [1, 0] * 4,
               "its image dictionary has /Decode [1 0 1 0 1 0 1 0] (Adobe's inverted CMYK)",
               f"/Decode {dec!r}; dict {d}")
        chk.ok(d.get("/Filter") == "/DCTDecode", "it is passed through as /DCTDecode",
               f"/Filter {d.get('/Filter')!r}")
    r = rasterise(cal, 2, 50, tmp, "p2")
    # The 1200 x 930 photo fills the frame: its left half (cyan) ends at about x = 148 mm.
    for (x, y), ink, test in (((40, 40), "cyan", lambda c: c[0] < 90 and c[1] > 120
                               and c[2] > 150),
                              ((40, 200), "cyan", lambda c: c[0] < 90 and c[1] > 120
                               and c[2] > 150),
                              ((270, 200), "magenta", lambda c: c[0] > 150 and c[1] < 90
                               and c[2] > 60)):
        c = median_rgb(r, x, y)
        chk.ok(test(c), f"the {ink} patch renders {ink} at ({x}, {y}) mm: RGB {c}",
               f"RGB {c}; a negative (missing /Decode) would be dark or red/green")
    # A CMYK photo under the (default) sRGB intent is a preflight finding (a warning on proofs;
    # these test photos are too small for --press anyway), and none with a CMYK profile.
    chk.ok("is a CMYK JPEG but the output intent is not CMYK" in p.err,
           "proof: a CMYK photo under the sRGB intent is a warning", p.err)
    icc, _ = find_cmyk_profile(tmp, ctx.calpress)
    p = calpress(ctx, ["render", mpath, "-o", os.path.join(tmp, "cmyk-intent"), "--icc", icc,
                       "--condition", "FOGRA39"], cwd=tmp)
    chk.ok(p.returncode == 0 and "CMYK JPEG" not in p.err,
           "with a CMYK output profile: no finding", f"exit {p.returncode}\n{p.err}")


# --------------------------------------------------------------------------------------------
# orientation


def upright_point(o, w, h, sx, sy):
    """A stored pixel position (w x h stored) -> its place in the upright picture (EXIF o)."""
    return {1: (sx, sy), 2: (w - sx, sy), 3: (w - sx, h - sy), 4: (sx, h - sy),
            5: (sy, sx), 6: (h - sy, sx), 7: (h - sy, w - sx), 8: (sy, w - sx)}[o]


def check_orientation(ctx, chk, tmp):
    filler, cover = fillers(ctx, tmp)
    W, H, MX, MY = 1600, 1000, 0.7, 0.2  # stored landscape, mark up and to the right
    months = [default_month(i, filler) for i in range(12)]
    plan = []
    for k, o in enumerate((6, 8, 3)):
        name = f"o{o}.jpg"
        mkphoto(ctx, os.path.join(tmp, name), W, H, "--mark", MX, MY, "--orientation", o)
        months[k]["photo"] = name
        months[k]["fit"] = "contain"
        plan.append((k + 1, o, name))
    mpath = Manifest(months, cover=cover).write(os.path.join(tmp, "calendar.yaml"))
    out = os.path.join(tmp, "out")
    p = calpress(ctx, ["render", mpath, "-o", out], cwd=tmp)
    cal = os.path.join(out, "calendar.pdf")
    if not chk.ok(p.returncode == 0 and os.path.isfile(cal), "render exits 0",
                  f"exit {p.returncode}\n{p.err}"):
        return
    for month, o, name in plan:
        uw, uh = (H, W) if o >= 5 else (W, H)
        ux, uy = upright_point(o, W, H, MX * W, MY * H)
        px, py, s = placement(uw, uh, "contain")
        r = rasterise(cal, month + 1, 100, tmp, f"p{month}")
        label = f"orientation {o} ({name}, stored {W}x{H}, upright {uw}x{uh})"
        check_mark(chk, r, label, (px + ux * s, py + uy * s), 0.015 * W * s)
        # The letterbox: contain shows the upright shape, paper either side (or above/below).
        inside = median_rgb(r, px + uw * s * 0.5, py + uh * s * 0.5, 2)
        chk.ok(all(abs(v - 128) <= 12 for v in inside),
               f"{label}: the photo's grey fills its upright box ({uw * s:.0f} x "
               f"{uh * s:.0f} mm) centre: RGB {inside}")
        if uw * s < 290:
            gap = median_rgb(r, (PHOTO_BLEED[0] + px) / 2, py + uh * s * 0.5, 2)
            chk.ok(all(v >= 245 for v in gap), f"{label}: paper beside the upright photo: RGB "
                   f"{gap}")
        else:
            gap = median_rgb(r, px + uw * s * 0.5, (PHOTO_BLEED[1] + py) / 2, 2) \
                if py - PHOTO_BLEED[1] > 4 else None
            chk.ok(gap is None or all(v >= 245 for v in gap),
                   f"{label}: paper above the upright photo: RGB {gap}")


# --------------------------------------------------------------------------------------------
# copyfit

FIT_WORDS = ("she opened the shop with one sewing machine and a borrowed table and now she cuts "
             "cloth for school uniforms wedding blouses and the long kurtas that office workers "
             "order before every festival season while two apprentices learn to finish seams "
             "by hand").split()


def fit_body(n):
    words = [FIT_WORDS[i % len(FIT_WORDS)] for i in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def layout_frame_line(path, page, frame):
    """The line of frames.PAGE.FRAME in a layout file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    state = 0
    for n, ln in enumerate(lines, start=1):
        if state == 0 and re.match(r"^frames:\s*$", ln):
            state = 1
        elif state == 1 and re.match(rf"^  {page}:\s*$", ln):
            state = 2
        elif state == 2 and re.match(rf"^    {frame}:", ln):
            return n
        elif state == 2 and re.match(r"^  \S", ln):
            return None
    return None


def check_copyfit(ctx, chk, tmp):
    filler, cover = fillers(ctx, tmp)
    layout = os.path.join(ctx.src, "layouts", "a3-portrait.yaml")
    frame_line = layout_frame_line(layout, "month", "body")

    def manifest(n, min_size):
        months = [default_month(i, filler) for i in range(12)]
        months[0]["body"] = fit_body(n)
        top = ["layout_overrides:", "  styles:", "    body:", f"      min_size: {min_size}"]
        man = Manifest(months, cover=cover, top=top)
        man.write(os.path.join(tmp, "calendar.yaml"))
        return man

    def fits(n):
        manifest(n, "11pt")
        p = run([ctx.calpress, "check", os.path.join(tmp, "calendar.yaml")], cwd=tmp)
        return p.returncode == 0

    lo, hi = 20, 600
    if not chk.ok(fits(lo) and not fits(hi), f"{lo} words fit the body frame at 11pt, {hi} do "
                  "not"):
        return
    steps = 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        steps += 1
        if fits(mid):
            lo = mid
        else:
            hi = mid
    chk.note(f"binary search ({steps} checks): {lo} words fit at 11pt, {hi} do not")
    man = manifest(hi, "11pt")
    mpath = os.path.join(tmp, "calendar.yaml")
    line, col = man.where["m1.body"]
    for cmd in (["check", mpath], ["render", mpath, "-o", os.path.join(tmp, "out")]):
        p = calpress(ctx, cmd, cwd=tmp)
        chk.ok(p.returncode == 1, f"{cmd[0]} with {hi} words: exits 1",
               f"exit {p.returncode}\n{p.err}")
        diags = diag_lines(p.err)
        k = next((i for i, d in enumerate(diags) if d["sev"] == "error"
                  and "does not fit" in d["msg"]), None)
        if not chk.ok(k is not None, f"{cmd[0]}: an error says the body does not fit", p.err):
            continue
        e = diags[k]
        m = re.fullmatch(r"story body does not fit frame 'body': 1 line over at 11pt \(the "
                         r"smallest size tried\); cut about (\d+) words?", e["msg"])
        chk.ok(m and 1 <= int(m.group(1)) <= 30,
               f"{cmd[0]}: 'story body does not fit frame 'body': 1 line over at 11pt (the "
               "smallest size tried); cut about N words'", e["text"])
        chk.ok(os.path.basename(e["file"]) == "calendar.yaml"
               and (e["line"], e["col"]) == (line, col),
               f"{cmd[0]}: at the body's manifest position {line}:{col}", e["text"])
        nt = diags[k + 1] if k + 1 < len(diags) else None
        chk.ok(nt and nt["sev"] == "note" and "frame 'body'" in nt["msg"]
               and nt["file"].endswith("layouts/a3-portrait.yaml") and nt["line"] == frame_line,
               f"{cmd[0]}: a note names the frame's layout line (a3-portrait.yaml:{frame_line})",
               nt["text"] if nt else p.err)
    chk.ok(not os.path.exists(os.path.join(tmp, "out")), "render wrote nothing")

    manifest(hi, "9.5pt")
    p = calpress(ctx, ["check", mpath], cwd=tmp)
    chk.ok(p.returncode == 0, f"with min_size 9.5pt the {hi} words fit: check exits 0",
           f"exit {p.returncode}\n{p.err}")
    m = re.search(r"^January\s+body\s+(\d+)/(\d+)\s+([\d.]+)pt\s+(.*)$", p.out, re.M)
    if chk.ok(m, "the report has January's body row", p.out):
        used, avail, size = int(m.group(1)), int(m.group(2)), float(m.group(3))
        chk.ok("shrunk from 11.00pt" in m.group(4) and 9.5 <= size < 11 and used <= avail,
               f"body row: {used}/{avail} lines at {size:.2f}pt, 'shrunk from 11.00pt'",
               m.group(0))


# --------------------------------------------------------------------------------------------
# languages

STORIES = {
    "bn": {
        "name": "রীনা",
        "headline": "নিজের হাতে গড়া দোকান",
        "body": "রীনা তাঁর পাড়ায় একটি ছোট দর্জির দোকান চালান। প্রতিদিন সকালে তিনি দোকান খোলেন "
                "এবং যত্ন করে কাপড় মেপে নতুন জামার নকশা করেন। তাঁর দোকানে এখন দুজন তরুণী "
                "সেলাই শেখে। তিনি বলেন, নিজের উপার্জন তাঁকে সাহস দিয়েছে। আগামী বছর তিনি আরও "
                "একটি সেলাই মেশিন কিনতে চান।",
        "january": "জানুয়ারী",
        "press": "দর্জির দোকানের গল্প নিয়ে নতুন ক্যালেন্ডার প্রকাশিত হয়েছে।",
    },
    "hi": {
        "name": "सुनीता",
        "headline": "अपने हाथों से बनी दुकान",
        "body": "सुनीता अपने मोहल्ले में सिलाई की एक छोटी दुकान चलाती हैं। हर सुबह वह दुकान खोलती "
                "हैं और ध्यान से कपड़ा नापकर नए कपड़ों के नमूने बनाती हैं। अब उनकी दुकान में दो "
                "युवतियाँ सिलाई सीखती हैं। वह कहती हैं कि अपनी कमाई ने उन्हें हिम्मत दी है। अगले "
                "साल वह एक और सिलाई मशीन खरीदना चाहती हैं।",
        "january": "जनवरी",
        "press": "दर्जी की दुकान की कहानियों वाला नया कैलेंडर प्रकाशित हुआ है।",
    },
}

SCRIPT_RANGE = {"bn": (0x0980, 0x09FF), "hi": (0x0900, 0x097F)}


def nfc(s):
    return unicodedata.normalize("NFC", s)


def join_lines(text):
    """pdftotext lines -> one string: a line-end hyphen (soft or hard) joins the word."""
    text = text.replace("\u00ad\n", "").replace("\f", "\n")
    text = re.sub(r"[-\u2010]\n(?=\S)", "", text)
    return " ".join(text.split())


def words_from_fragments(want, got):
    """Matches the expected words against pdftotext's tokens, allowing a word to come back in
    pieces (pdftotext puts a space inside some Bengali and Devanagari clusters, e.g. before a
    danda or after a vowel sign, where the page shows none). Returns (words matched, index of
    the first expected word not found or None, [words that came back split])."""
    j, splits = 0, []
    for i, w in enumerate(want):
        acc, k = "", j
        while k < len(got) and len(acc) < len(w):
            acc += got[k]
            k += 1
        if acc != w:
            return i, i, splits
        if k - j > 1:
            splits.append(" + ".join(got[j:k]))
        j = k
    if j != len(got):
        return len(want), len(want), splits
    return len(want), None, splits


def check_languages(ctx, chk, tmp):
    filler, cover = fillers(ctx, tmp)
    for lang, st in STORIES.items():
        months = []
        for _ in range(12):
            months.append({"name": st["name"], "headline": st["headline"], "body": st["body"],
                           "photo": filler})
        press = {"headline": st["headline"], "place": "Kolkata", "date": "2020-12-14",
                 "body": st["press"]}
        mpath = Manifest(months, cover=cover, language=lang, press=press).write(
            os.path.join(tmp, f"{lang}.yaml"))
        out = os.path.join(tmp, lang)
        p = calpress(ctx, ["render", mpath, "-o", out], cwd=tmp)
        cal = os.path.join(out, "calendar.pdf")
        if not chk.ok(p.returncode == 0 and os.path.isfile(cal), f"{lang}: render exits 0",
                      f"exit {p.returncode}\n{p.err}"):
            continue
        font_diags = [d["text"] for d in diag_lines(p.err)
                      if re.search(r"glyph|font|would be set in", d["msg"])]
        chk.ok(not font_diags, f"{lang}: no glyph or font diagnostics", "\n".join(font_diags))
        body = nfc(join_lines(pdftotext(cal, 2, trim_box_mm(BODY_FRAME))))
        want = nfc(st["body"]).split()
        got = body.split()
        _, bad_at, splits = words_from_fragments(want, got)
        chk.ok(bad_at is None, f"{lang}: pdftotext gives back all {len(want)} words of the body, "
               "in order", f"first difference at word {bad_at}: "
               f"{want[bad_at] if bad_at is not None and bad_at < len(want) else ''!r}\n"
               f"want: {' '.join(want)}\ngot:  {' '.join(got)}")
        if splits:
            chk.note(f"{lang}: pdftotext split {len(splits)} word(s) the page shows whole "
                     f"(its word-break heuristic at Indic marks): {', '.join(splits)}")
        lo, hi = SCRIPT_RANGE[lang]
        names = []
        for month in range(1, 13):
            head = nfc(" ".join(pdftotext(cal, month + 1, trim_box_mm(MONTH_FRAME)).split()))
            names.append(head.split(" ")[0] if head else "")
        chk.ok(names[0] == nfc(st["january"]),
               f"{lang}: January's page is headed {st['january']} (ICU's name)",
               f"got {names[0]!r}")
        chk.ok(len(set(names)) == 12 and all(n and all(lo <= ord(c) <= hi for c in n)
                                             for n in names),
               f"{lang}: twelve different month names, all in the script's block", f"{names}")
        grid = nfc(pdftotext(cal, 2, trim_box_mm(GRID_FRAME)))
        tokens = set(grid.split())
        if lang == "bn":
            bn = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
            want_days = [str(d).translate(bn) for d in range(1, 32)]
            missing = [d for d in want_days if d not in tokens]
            chk.ok(not missing, "bn: January's grid has the days ১ ... ৩১ in Bengali digits",
                   f"missing {missing}\ngrid text: {grid[:600]}")
            chk.ok(not re.search(r"[0-9]", grid), "bn: no ASCII digits in the grid", grid[:600])
            year = nfc(" ".join(pdftotext(cal, 2, trim_box_mm(MONTH_FRAME)).split()))
            chk.ok("২০২১" in year, "bn: the heading's year is ২০২১", year)
        else:
            missing = [str(d) for d in range(1, 32) if str(d) not in tokens]
            chk.ok(not missing, "hi: January's grid has the days 1 ... 31 (ICU's hi digits are "
                   "Latin)", f"missing {missing}\ngrid text: {grid[:600]}")


# --------------------------------------------------------------------------------------------

CHECKS = {
    "boxes": check_boxes, "pdfx": check_pdfx, "marks": check_marks,
    "fonts-missing": check_fonts_missing, "photos-once": check_photos_once, "focus": check_focus,
    "ppi": check_ppi, "bad-photos": check_bad_photos, "cmyk": check_cmyk,
    "orientation": check_orientation, "copyfit": check_copyfit, "languages": check_languages,
    "findings-one-run": check_findings_one_run,
}
SAMPLE_CHECKS = ("boxes", "pdfx", "marks")


def main(argv):
    args = list(argv[1:])
    keep = "--keep" in args
    if keep:
        args.remove("--keep")
    if len(args) != 4 or args[3] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    ctx = Ctx()
    ctx.calpress = os.path.abspath(args[0])
    ctx.mkphotos = os.path.abspath(args[1])
    ctx.src = os.path.abspath(args[2])
    name = args[3]
    global PHOTO_FRAME, BODY_FRAME, MONTH_FRAME, GRID_FRAME, PHOTO_BLEED
    frames = load_month_frames(ctx.src)
    PHOTO_FRAME = frames.get("photo", PHOTO_FRAME)
    BODY_FRAME = frames.get("body", BODY_FRAME)
    MONTH_FRAME = frames.get("month", MONTH_FRAME)
    GRID_FRAME = frames.get("grid", GRID_FRAME)
    PHOTO_BLEED = with_bleed(PHOTO_FRAME)
    chk = Checks(name)
    ctx.chk = chk

    def body(tmp):
        if name in SAMPLE_CHECKS:
            photos = os.path.join(ctx.src, "stories", "photos")
            missing = [n for n in ("cover.jpg", "neha.jpg", "rupa.jpg")
                       if not os.path.isfile(os.path.join(photos, n))]
            if missing:
                chk.ok(False, "the sample photos exist (build the sample-photos target or run "
                       "the e2e/photos fixture)", f"missing in {photos}: {missing}")
                raise Abort()
        CHECKS[name](ctx, chk, tmp)
    return run_in_tmp(f"print/{name}", chk, body, keep)

if __name__ == "__main__":
    sys.exit(main(sys.argv))
