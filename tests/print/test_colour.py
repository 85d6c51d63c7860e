#!/usr/bin/env python3
"""Press-correct colour (label print): vector colours as inks under a CMYK intent, black text on
the black plate alone and overprinting, the ink limit, photos that keep their ICC profile, an
honest output intent and the soft proof.

usage: test_colour.py CALPRESS MKPHOTOS SOURCE_DIR BUILD_DIR CHECK [--keep]

CHECK is one of:
  vector     the sample as a press PDF (no profile given: calpress's FOGRA39) and as a proof
             with a CMYK intent, the colour bar on: no colour set in DeviceRGB in any page or
             form content stream (read from qpdf --qdf output with a small tokenizer here); black
             text overprints (its ExtGState); the highest total ink of the vector colours is
             within 300 %; Ghostscript (tiff32nc) separates the text of the January page onto the
             black plate alone, and the first colour-bar patch onto cyan alone.
  photos     JPEGs with embedded ICC profiles (an Adobe RGB-compatible one split over two APP2
             segments, a small one used twice, a CMYK one in an RGB photo, a CMYK photo with its
             profile): /ColorSpace [/ICCBased] with the profile's bytes, scan data unchanged, the
             others as before, the notes and warnings of check.
  intent     --press without a profile: a printer-class (prtr) FOGRA39 intent and a note; a
             monitor profile under --press is an error (command line and manifest), nothing
             written; a default proof makes no PDF/X claim and its slug says SCREEN PROOF; a
             proof with a CMYK intent is PDF/X-4.
  ink-limit  an RGB colour that prints over the limit (error at its line); a CMYK photo with a
             large over-limit area (a preflight finding) and one with a tiny one (none).
  logo       an SVG logo's own colours under --press: grey and black on the black plate alone
             (Ghostscript's separation), a blue in process colours, no RGB operator.
  soft-proof preview with a CMYK intent shows the paper and dulls an out-of-gamut green.

Every check works in its own temporary folder (removed unless a check failed or --keep) and
ends with "print/colour-CHECK: N passed, M failed". Python standard library, qpdf, poppler-utils
and Ghostscript.
"""

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
sys.path.insert(0, HERE)
from checks import Checks  # noqa: E402
from png import read_png  # noqa: E402
from sample import sample_copy  # noqa: E402
from test_print import load_month_frames  # noqa: E402

ICC_DIR = "/usr/share/color/icc"
ADOBE_RGB = os.path.join(ICC_DIR, "compatibleWithAdobeRGB1998.icc")
SRGB = os.path.join(ICC_DIR, "sRGB.icc")
OFF_MM = 15.0  # the trim's offset from the media edge: 3 mm bleed + 12 mm slug
LIMIT = 300.0


def run(cmd, cwd=None, timeout=300):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, timeout=timeout)
    p.out = p.stdout.decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    return p


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


class Ctx:
    pass


def calpress(ctx, args, cwd):
    p = run([ctx.calpress] + list(args), cwd=cwd)
    print(f"  ran   calpress {' '.join(os.path.basename(str(a)) for a in args)}"
          f"  (exit {p.returncode})")
    return p


# --------------------------------------------------------------------------------------------
# PDF syntax: a tokenizer for content streams and objects, and qpdf --qdf output read with it

WS = b" \t\r\n\f\0"
DELIM = b"()<>[]{}/%"


def tokens(data):
    """(kind, value) pairs: num, name, str, op, '[', ']', '<<', '>>'. Inline images are
    skipped whole (BI ... ID data EI comes out as the operator 'EI')."""
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c in WS:
            i += 1
        elif c == 0x25:  # %
            while i < n and data[i] not in b"\r\n":
                i += 1
        elif c == 0x28:  # (
            depth, i = 1, i + 1
            start = i
            while i < n and depth:
                if data[i] == 0x5C:
                    i += 2
                    continue
                depth += {0x28: 1, 0x29: -1}.get(data[i], 0)
                i += 1
            yield "str", data[start:i - 1]
        elif data[i:i + 2] == b"<<":
            i += 2
            yield "<<", None
        elif data[i:i + 2] == b">>":
            i += 2
            yield ">>", None
        elif c == 0x3C:  # <hex>
            j = data.index(b">", i)
            yield "str", data[i + 1:j]
            i = j + 1
        elif c in b"[]{}":
            yield chr(c), None
            i += 1
        else:
            j = i + 1
            while j < n and data[j] not in WS and data[j] not in DELIM:
                j += 1
            word = data[i:j].decode("latin-1")
            i = j
            if word.startswith("/"):
                yield "name", word
            elif re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", word):
                yield "num", float(word)
            elif word == "ID":
                m = re.compile(rb"[\s]EI(?=[\s]|$)").search(data, i + 1)
                i = m.end() if m else n
                yield "op", "EI"
            else:
                yield "op", word


class Ref(tuple):
    """An indirect reference (number, generation)."""


EndArray, EndDict = object(), object()


def parse_object_text(data):
    """A dictionary or other object written in PDF syntax (references resolved to Ref)."""
    toks = tokens(data)
    # References inside dictionaries: rewrite "N G R" as one token stream first.
    flat = []
    for t in toks:
        if t == ("op", "R") and len(flat) >= 2 and flat[-1][0] == "num" and flat[-2][0] == "num":
            g, n = flat.pop()[1], flat.pop()[1]
            flat.append(("ref", Ref((int(n), int(g)))))
        else:
            flat.append(t)

    def value(it):
        kind, v = next(it)
        if kind == "ref":
            return v
        if kind == "[":
            out = []
            while True:
                x = value(it)
                if x is EndArray:
                    return out
                out.append(x)
        if kind == "<<":
            d = {}
            while True:
                k = value(it)
                if k is EndDict:
                    return d
                d[k] = value(it)
        if kind == "]":
            return EndArray
        if kind == ">>":
            return EndDict
        if kind == "op" and v in ("true", "false"):
            return v == "true"
        return v
    return value(iter(flat))


class Qdf:
    """qpdf --qdf output: every object's dictionary (parsed) and stream data (decoded, except
    images)."""

    def __init__(self, pdf, folder):
        qdf = os.path.join(folder, os.path.basename(pdf) + ".qdf")
        p = run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf])
        if p.returncode not in (0, 3):
            raise RuntimeError(p.err)
        data = read(qdf)
        heads = list(re.finditer(rb"(?m)^(\d+) (\d+) obj\n", data))
        raw = {}
        for k, m in enumerate(heads):
            end = heads[k + 1].start() if k + 1 < len(heads) else len(data)
            raw[(int(m.group(1)), int(m.group(2)))] = data[m.end():end]
        self.dicts, self.streams = {}, {}
        lengths = {}
        for ref, body in raw.items():
            s = body.find(b"\nstream\n")
            text = body[:s] if s >= 0 else body[:body.rfind(b"endobj")]
            self.dicts[ref] = parse_object_text(text)
            if s >= 0:
                lengths[ref] = s + len(b"\nstream\n")
        for ref, start in lengths.items():
            n = self.resolve(self.dicts[ref].get("/Length"))
            self.streams[ref] = raw[ref][start:start + int(n)]

    def resolve(self, v):
        while isinstance(v, Ref):
            v = self.dicts.get(tuple(v))
        return v

    def get(self, d, key):
        d = self.resolve(d)
        return self.resolve(d.get(key)) if isinstance(d, dict) else None

    def pages(self):
        root = self.resolve(self.trailer_root())
        out = []

        def walk(node_ref):
            node = self.resolve(node_ref)
            if node.get("/Type") == "/Pages":
                for kid in node.get("/Kids", []):
                    walk(kid)
            else:
                out.append(node_ref)
        walk(root["/Pages"])
        return out

    def trailer_root(self):
        for ref, d in self.dicts.items():
            if isinstance(d, dict) and d.get("/Type") == "/Catalog":
                return Ref(ref)
        raise RuntimeError("no catalog")

    def content(self, page_ref):
        """A page's content streams, joined."""
        c = self.dicts[tuple(page_ref)].get("/Contents")
        refs = [c] if isinstance(self.resolve(c), dict) else self.resolve(c)
        return b"\n".join(self.streams[tuple(r)] for r in refs)

    def forms(self):
        return [Ref(r) for r, d in self.dicts.items() if isinstance(d, dict)
                and d.get("/Subtype") == "/Form" and r in self.streams]

    def images(self):
        return [Ref(r) for r, d in self.dicts.items() if isinstance(d, dict)
                and d.get("/Subtype") == "/Image" and r in self.streams]


# --------------------------------------------------------------------------------------------
# The colour state of a content stream


RGB_SPACES = {"/DeviceRGB", "/CalRGB"}


def space_kind(qdf, resources, name):
    """'rgb', 'cmyk', 'gray' or 'other' for a colour space operand."""
    if name in RGB_SPACES:
        return "rgb"
    if name == "/DeviceCMYK":
        return "cmyk"
    if name == "/DeviceGray":
        return "gray"
    cs = qdf.get(qdf.get(resources, "/ColorSpace") or {}, name)
    if isinstance(cs, str):
        return space_kind(qdf, {}, cs)
    if isinstance(cs, list) and cs and cs[0] == "/ICCBased":
        n = qdf.get(cs[1], "/N")
        return {3: "rgb", 4: "cmyk", 1: "gray"}.get(int(n), "other")
    return "other"


TEXT_OPS = {"Tj", "TJ", "'", '"'}
PAINT_OPS = TEXT_OPS | {"f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "Do", "EI"}


def analyse(qdf, data, resources):
    """Walks one content stream: RGB colour operators, CMYK ink totals, and the overprint state
    of each painting operator. Returns a dict of findings."""
    st = {"fill": "gray", "stroke": "gray", "fillv": [0.0], "op": False, "opm": 0}
    stack, operands = [], []
    res = {"rgb_ops": [], "max_tac": 0.0, "tac_ops": 0, "black_text": 0, "black_text_op": 0,
           "other_paint_op": [], "ops": 0}
    gstates = qdf.get(resources, "/ExtGState") or {}
    for kind, v in tokens(data):
        if kind != "op":
            operands.append((kind, v))
            continue
        res["ops"] += 1
        nums = [x for k, x in operands if k == "num"]
        names = [x for k, x in operands if k == "name"]
        if v == "q":
            stack.append(dict(st))
        elif v == "Q" and stack:
            st = stack.pop()
        elif v in ("rg", "RG"):
            res["rgb_ops"].append(f"{' '.join(f'{x:g}' for x in nums)} {v}")
        elif v in ("cs", "CS"):
            st["fill" if v == "cs" else "stroke"] = space_kind(qdf, resources, names[-1])
        elif v in ("sc", "scn", "SC", "SCN"):
            sp = st["fill" if v in ("sc", "scn") else "stroke"]
            if sp == "rgb":
                res["rgb_ops"].append(f"{' '.join(f'{x:g}' for x in nums)} {v} (in RGB)")
            if sp == "cmyk" and len(nums) == 4:
                res["max_tac"] = max(res["max_tac"], 100 * sum(nums))
                res["tac_ops"] += 1
            if v in ("sc", "scn"):
                st["fillv"] = nums
        elif v in ("k", "K"):
            res["max_tac"] = max(res["max_tac"], 100 * sum(nums))
            res["tac_ops"] += 1
            if v == "k":
                st["fill"], st["fillv"] = "cmyk", nums
            else:
                st["stroke"] = "cmyk"
        elif v in ("g", "G"):
            st["fill" if v == "g" else "stroke"] = "gray"
            if v == "g":
                st["fillv"] = nums
        elif v == "gs":
            g = qdf.resolve(qdf.resolve(gstates).get(names[-1])) if gstates else None
            if isinstance(g, dict) and "/op" in g:
                st["op"] = bool(g["/op"])
                st["opm"] = int(g.get("/OPM", 0))
        elif v in PAINT_OPS:
            black = st["fill"] == "cmyk" and st["fillv"] == [0.0, 0.0, 0.0, 1.0]
            if v in TEXT_OPS and black:
                res["black_text"] += 1
                res["black_text_op"] += st["op"] and st["opm"] == 1
            elif st["op"]:
                res["other_paint_op"].append(v)
        operands = []
    return res


def check_vector_pdf(chk, qdf, label):
    """No RGB colour operator anywhere; ink totals within the limit; black text overprints."""
    rgb, tac, black, black_op, other_op, tac_ops = [], 0.0, 0, 0, [], 0
    holders = [(f"page {i + 1}", qdf.content(p), qdf.get(p, "/Resources"))
               for i, p in enumerate(qdf.pages())]
    forms = qdf.forms()
    holders += [(f"form {f[0]}", qdf.streams[tuple(f)], qdf.get(f, "/Resources")) for f in forms]
    for name, data, resources in holders:
        r = analyse(qdf, data, resources or {})
        rgb += [f"{name}: {x}" for x in r["rgb_ops"]]
        tac = max(tac, r["max_tac"])
        tac_ops += r["tac_ops"]
        black += r["black_text"]
        black_op += r["black_text_op"]
        other_op += [f"{name}: {x}" for x in r["other_paint_op"]]
    chk.ok(not rgb, f"{label}: no rg/RG, and no sc/scn/SC/SCN in an RGB space, in "
           f"{len(holders) - len(forms)} pages and {len(forms)} forms", "\n".join(rgb[:10]))
    chk.ok(tac_ops > 0 and tac <= LIMIT + 1e-6,
           f"{label}: the highest total ink of {tac_ops} vector colours is {tac:.1f} % "
           f"(limit {LIMIT:g} %)")
    chk.ok(black > 0 and black_op == black,
           f"{label}: all {black} black-text operators overprint (/OP /op true, /OPM 1)",
           f"{black - black_op} do not")
    chk.ok(not other_op, f"{label}: nothing but black text is painted with overprint on",
           ", ".join(other_op[:10]))
    return tac


# --------------------------------------------------------------------------------------------
# Ghostscript separations


def read_tiff(path):
    """(width, height, samples per pixel, pixel bytes) of an uncompressed TIFF (tiff32nc)."""
    d = read(path)
    bo = "<" if d[:2] == b"II" else ">"
    off = struct.unpack(bo + "I", d[4:8])[0]
    n = struct.unpack(bo + "H", d[off:off + 2])[0]
    tags = {}
    for i in range(n):
        e = d[off + 2 + 12 * i:off + 14 + 12 * i]
        t, ty, cnt = struct.unpack(bo + "HHI", e[:8])
        size = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1}.get(ty, 1) * cnt
        raw = e[8:8 + size] if size <= 4 else d[struct.unpack(bo + "I", e[8:12])[0]:][:size]
        if ty == 3:
            tags[t] = struct.unpack(bo + "%dH" % cnt, raw)
        elif ty == 4:
            tags[t] = struct.unpack(bo + "%dI" % cnt, raw)
    assert tags.get(259, (1,))[0] == 1, "compressed TIFF"
    data = b"".join(d[o:o + c] for o, c in zip(tags[273], tags[279]))
    return tags[256][0], tags[257][0], tags.get(277, (1,))[0], data


def separate(pdf, page, dpi, folder):
    out = os.path.join(folder, f"sep-{os.path.basename(pdf)}-{page}.tif")
    p = run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiff32nc", f"-r{dpi}",
             f"-dFirstPage={page}", f"-dLastPage={page}", f"-sOutputFile={out}", pdf])
    if p.returncode != 0:
        raise RuntimeError(p.err)
    return read_tiff(out)


def plates_in(tif, dpi, box_mm):
    """Inked pixels in a box (x, y, w, h in mm from the media's top-left): (all, with cyan,
    magenta or yellow)."""
    w, h, spp, data = tif
    x0, y0 = int(box_mm[0] / 25.4 * dpi), int(box_mm[1] / 25.4 * dpi)
    x1, y1 = int((box_mm[0] + box_mm[2]) / 25.4 * dpi), int((box_mm[1] + box_mm[3]) / 25.4 * dpi)
    inked = cmy = 0
    for y in range(max(0, y0), min(h, y1)):
        row = data[y * w * spp:(y + 1) * w * spp]
        for x in range(max(0, x0), min(w, x1)):
            c, m, yy, k = row[x * 4:x * 4 + 4]
            if c or m or yy or k:
                inked += 1
                cmy += (c or m or yy) != 0
    return inked, cmy


# --------------------------------------------------------------------------------------------
# vector


def fogra(ctx):
    return os.path.join(ctx.build, "FOGRA39L.icc")


def check_vector(ctx, chk, tmp):
    tmp_s, d = sample_copy(ctx.src, "calpress-colour-s-")
    ctx.cleanup.append(tmp_s)
    out = os.path.join(tmp, "press")
    p = calpress(ctx, ["render", "calendar.yaml", "--press", "-o", out], d)
    if not chk.ok(p.returncode == 0, "render --press of the sample exits 0", p.err):
        return
    cal = os.path.join(out, "calendar.pdf")
    q = Qdf(cal, tmp)
    check_vector_pdf(chk, q, "press calendar.pdf")
    check_vector_pdf(chk, Qdf(os.path.join(out, "press-release.pdf"), tmp),
                     "press press-release.pdf")
    groups = [r for r, dd in q.dicts.items() if isinstance(dd, dict)
              and isinstance(q.resolve(dd.get("/Group")), dict)
              and q.resolve(dd["/Group"]).get("/S") == "/Transparency"]
    bad = [r for r in groups if q.resolve(q.dicts[r]["/Group"]).get("/CS") != "/DeviceCMYK"]
    chk.ok(groups and not bad, f"press calendar.pdf: all {len(groups)} transparency groups blend "
           "in /DeviceCMYK", f"{bad[:5]}")

    # Ghostscript's separation of the January page: the story's text and the footer lie on the
    # black plate alone.
    dpi = 100
    tif = separate(cal, 2, dpi, tmp)
    frames = load_month_frames(ctx.src)
    total_inked = 0
    for name in ("headline", "quote", "body", "footer"):
        x, y, w, h = frames[name]
        inked, cmy = plates_in(tif, dpi, (x + OFF_MM, y + OFF_MM, w, h))
        total_inked += inked
        chk.ok(inked > 0 and cmy == 0,
               f"January, frame {name}: {inked} inked pixels, {cmy} on cyan, magenta or yellow",
               "text must be on the black plate only")
    # The slug line (6 pt black) below the bottom bleed.
    inked, cmy = plates_in(tif, dpi, (OFF_MM + 10, OFF_MM + 420 + 3 + 3.5, 150, 3.5))
    chk.ok(inked > 0 and cmy == 0, f"January, slug line: {inked} inked pixels, {cmy} on C, M or Y")
    chk.note(f"January page separated at {dpi} dpi: {total_inked} text pixels, all on K")

    # A proof with a CMYK intent: PDF/X-4, the watermark and the colour bar in inks too.
    with open(os.path.join(d, "calendar.yaml"), "a", encoding="utf-8") as f:
        f.write("layout_overrides:\n  page:\n    color_bar: true\n")
    out = os.path.join(tmp, "proof")
    p = calpress(ctx, ["render", "calendar.yaml", "--icc", fogra(ctx), "--condition", "FOGRA39",
                       "-o", out], d)
    if not chk.ok(p.returncode == 0, "render (proof) with the FOGRA39 intent exits 0", p.err):
        return
    cal = os.path.join(out, "calendar.pdf")
    q = Qdf(cal, tmp)
    check_vector_pdf(chk, q, "CMYK proof calendar.pdf")
    page2 = q.pages()[1]
    text = q.content(page2)
    gstates = q.get(q.get(page2, "/Resources"), "/ExtGState")
    faint = [n for n, g in gstates.items() if q.resolve(g).get("/ca", 1) < 0.5]
    chk.ok(faint and re.search(rb"0 0\.8 0\.85 0\.4 k[^Q]*?/" + faint[0][1:].encode() +
                              rb" gs", text),
           "CMYK proof: the PROOF watermark is drawn in the accent's inks at 10 % opacity",
           f"translucent states {faint}")
    tif = separate(cal, 2, 72, tmp)
    w, h, spp, data = tif
    # The first patch of the colour bar: 5 mm of solid cyan, 55 % across the trim, in the
    # middle of the top slug.
    x, y = int((42.52 + 841.89 * 0.55 + 7) * 72 / 72), 17
    c, m, yy, k = data[(y * w + x) * 4:(y * w + x) * 4 + 4]
    chk.ok(c > 250 and m == yy == k == 0, f"CMYK proof: the first colour-bar patch is cyan "
           f"alone (C {c} M {m} Y {yy} K {k} of 255)")


# --------------------------------------------------------------------------------------------
# photos


def padded_profile(icc, size):
    """An ICC profile grown to about size bytes by a private tag (readers skip tags they do
    not know): long enough to be split over several APP2 segments."""
    n = struct.unpack(">I", icc[128:132])[0]
    table = [struct.unpack(">4sII", icc[132 + 12 * i:144 + 12 * i]) for i in range(n)]
    body = icc[132 + 12 * n:]
    pad_len = size - len(icc) - 12
    entries = [(sig, off + 12, ln) for sig, off, ln in table]
    end = 128 + 4 + 12 * (n + 1) + len(body)
    end += (-end) % 4
    entries.append((b"cpPd", end, pad_len))
    out = bytearray(icc[:128])
    out += struct.pack(">I", n + 1)
    for sig, off, ln in entries:
        out += struct.pack(">4sII", sig, off, ln)
    out += body
    out += b"\0" * ((-len(out)) % 4)
    out += bytes((i * 7) & 0xFF for i in range(pad_len))
    out[0:4] = struct.pack(">I", len(out))
    out[84:100] = b"\0" * 16  # the profile ID no longer holds: "not computed"
    return bytes(out)


def with_icc(jpeg, icc):
    """The JPEG with APP2 ICC_PROFILE segments (split at 65,519 bytes) after its APP0/APP14."""
    chunk = 65519
    parts = [icc[i:i + chunk] for i in range(0, len(icc), chunk)]
    segs = b"".join(b"\xff\xe2" + struct.pack(">H", 2 + 14 + len(c)) + b"ICC_PROFILE\0" +
                    bytes([k + 1, len(parts)]) + c for k, c in enumerate(parts))
    i = 2
    while jpeg[i] == 0xFF and jpeg[i + 1] in (0xE0, 0xEE):
        i += 2 + struct.unpack(">H", jpeg[i + 2:i + 4])[0]
    return jpeg[:i] + segs + jpeg[i:]


def scan_data(jpeg):
    """The bytes from the first start-of-scan marker on: what a decoder reads as pixels."""
    i = 2
    while i + 4 <= len(jpeg) and jpeg[i] == 0xFF and jpeg[i + 1] != 0xDA:
        i += 2 + struct.unpack(">H", jpeg[i + 2:i + 4])[0]
    return jpeg[i:]


def png_with_icc(w, h, icc):
    """An RGB PNG (a colour ramp) with an iCCP chunk holding icc."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    rows = b"".join(b"\0" + bytes((x * 255 // w, y * 255 // h, 128) [c] for x in range(w)
                                  for c in range(3)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"iCCP", b"AdobeRGB\0\0" + zlib.compress(icc)) +
            chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def tiff_with_icc(w, h, icc):
    """An uncompressed RGB TIFF (little-endian) with the ICC profile in tag 34675."""
    pixels = bytes((x * 255 // w, y * 255 // h, 60)[c] for y in range(h) for x in range(w)
                   for c in range(3))
    entries = [(256, 3, 1, w), (257, 3, 1, h), (258, 3, 3, None), (259, 3, 1, 1),
               (262, 3, 1, 2), (273, 4, 1, None), (277, 3, 1, 3), (278, 3, 1, h),
               (279, 4, 1, len(pixels)), (34675, 7, len(icc), None)]
    ifd = 8
    data_at = ifd + 2 + 12 * len(entries) + 4
    bps_at, icc_at = data_at, data_at + 6
    pix_at = icc_at + len(icc) + (len(icc) & 1)
    out = bytearray(b"II*\0" + struct.pack("<I", ifd) + struct.pack("<H", len(entries)))
    for tag, typ, count, val in entries:
        if tag == 258:
            val = bps_at
        elif tag == 273:
            val = pix_at
        elif tag == 34675:
            val = icc_at
        packed = struct.pack("<H", val) + b"\0\0" if typ == 3 and count == 1 else \
            struct.pack("<I", val)
        out += struct.pack("<HHI", tag, typ, count) + packed
    out += struct.pack("<I", 0) + struct.pack("<HHH", 8, 8, 8) + icc + b"\0" * (len(icc) & 1)
    return bytes(out + pixels)


def set_photo(story, photo):
    with open(story, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"(?m)^photo: .*$", f"photo: {photo}", text)
    with open(story, "w", encoding="utf-8") as f:
        f.write(text)
    line = next(i for i, ln in enumerate(text.split("\n"), 1) if ln.startswith("photo: "))
    return line


def image_by_scan(q, scan):
    found = [r for r in q.images() if scan_data(q.streams[tuple(r)]) == scan]
    return found


def check_photos(ctx, chk, tmp):
    tmp_s, d = sample_copy(ctx.src, "calpress-colour-p-")
    ctx.cleanup.append(tmp_s)
    adobe = read(ADOBE_RGB)
    big = padded_profile(adobe, 100000)
    fogra_icc = read(fogra(ctx))
    photos = {}

    def make(name, *opts, icc=None, seed=3):
        path = os.path.join(d, name)
        p = run([ctx.mkphotos, "--one", 3600, 2790, seed, 2, path] + list(opts))
        if p.returncode != 0:
            raise RuntimeError(p.err)
        raw = read(path)
        if icc is not None:
            write(path, with_icc(raw, icc))
        photos[name] = read(path)

    make("adobe.jpg", icc=big)              # January: Adobe RGB, two APP2 segments
    make("small1.jpg", icc=adobe, seed=4)   # February and March: one small profile, twice
    make("small2.jpg", icc=adobe, seed=5)
    make("wrong.jpg", icc=fogra_icc, seed=6)  # April: a CMYK profile in an RGB photo
    make("cmyk.jpg", "--cmyk", icc=fogra_icc)  # May: a CMYK photo with its profile
    chk.ok(photos["adobe.jpg"].count(b"ICC_PROFILE\0") == 2,
           f"the Adobe RGB test photo carries its {len(big)}-byte profile in 2 APP2 segments")
    lines = {}
    for story, photo in (("neha", "adobe.jpg"), ("rupa", "small1.jpg"),
                         ("shefali", "small2.jpg"), ("mitali", "wrong.jpg"),
                         ("ahana", "cmyk.jpg")):
        lines[photo] = set_photo(os.path.join(d, story + ".yaml"), photo)

    p = calpress(ctx, ["check", "calendar.yaml", "--press"], d)
    want = (f"mitali.yaml:{lines['wrong.jpg']}:8: warning: photo 'wrong.jpg' carries an ICC "
            "profile that does not fit its RGB pixels; it is ignored")
    chk.ok(want in p.err.splitlines(), "check: a profile for other pixels is a warning at the "
           "photo's line", p.err)
    want = ("calendar.yaml:48:10: note: photo 'photos/cover.jpg' and 8 more have no ICC profile: "
            "their colours are taken as sRGB")
    chk.ok(want in p.err.splitlines(), "check --press: one note on the photos taken as sRGB",
           p.err)

    out = os.path.join(tmp, "press")
    p = calpress(ctx, ["render", "calendar.yaml", "--press", "-o", out], d)
    if not chk.ok(p.returncode == 0, "render --press exits 0", p.err):
        return
    q = Qdf(os.path.join(out, "calendar.pdf"), tmp)
    img = image_by_scan(q, scan_data(photos["adobe.jpg"]))
    if chk.ok(len(img) == 1, "the Adobe RGB photo is one image whose scan data is byte for byte "
              "the file's", f"{len(img)} images match"):
        cs = q.get(img[0], "/ColorSpace")
        ok = isinstance(cs, list) and cs[0] == "/ICCBased"
        chk.ok(ok, f"its /ColorSpace is [/ICCBased ...] (got {cs})")
        if ok:
            chk.ok(q.streams[tuple(cs[1])] == big and q.get(cs[1], "/N") == 3,
                   f"the ICCBased stream holds the embedded profile byte for byte "
                   f"({len(big)} bytes, from 2 segments), /N 3")
    a, b = image_by_scan(q, scan_data(photos["small1.jpg"])), \
        image_by_scan(q, scan_data(photos["small2.jpg"]))
    if chk.ok(len(a) == 1 and len(b) == 1, "the two photos with the small profile are embedded"):
        ca, cb = q.get(a[0], "/ColorSpace"), q.get(b[0], "/ColorSpace")
        chk.ok(isinstance(ca, list) and ca == cb and q.streams[tuple(ca[1])] == adobe,
               "both use one ICCBased stream with the 580-byte profile", f"{ca} {cb}")
    w = image_by_scan(q, scan_data(photos["wrong.jpg"]))
    chk.ok(len(w) == 1 and q.get(w[0], "/ColorSpace") == "/DeviceRGB",
           "the RGB photo with a CMYK profile stays /DeviceRGB")
    c = image_by_scan(q, scan_data(photos["cmyk.jpg"]))
    chk.ok(len(c) == 1 and q.get(c[0], "/ColorSpace") == "/DeviceCMYK",
           "a CMYK photo under the CMYK intent stays /DeviceCMYK (its inks go to press)")
    others = [r for r in q.images() if r not in img + a + b + w + c]
    chk.ok(others and all(q.get(r, "/ColorSpace") == "/DeviceRGB" for r in others),
           f"the {len(others)} untagged photos stay /DeviceRGB (sRGB through /DefaultRGB)")
    check_decoded_profiles(ctx, chk, tmp, d, adobe)


def check_decoded_profiles(ctx, chk, tmp, d, adobe):
    """PNG (iCCP), TIFF (tag 34675) and WebP (ICCP) photos are decoded; the profile they carry
    becomes the colour space of the image cairo embeds. A proof with a CMYK intent (the photos
    are small: a resolution warning each)."""
    sizes = {"png": (600, 465), "tiff": (640, 496), "webp": (660, 512)}
    write(os.path.join(d, "tagged.png"), png_with_icc(*sizes["png"], adobe))
    write(os.path.join(d, "tagged.tif"), tiff_with_icc(*sizes["tiff"], adobe))
    write(os.path.join(d, "src.png"), png_with_icc(*sizes["webp"], adobe))
    r = run(["cwebp", "-quiet", "-lossless", "-metadata", "icc", os.path.join(d, "src.png"),
             "-o", os.path.join(d, "tagged.webp")])
    chk.ok(r.returncode == 0 and b"ICCP" in read(os.path.join(d, "tagged.webp")),
           "cwebp made a WebP photo with an ICCP chunk", r.err)
    for story, photo in (("tania", "tagged.png"), ("saumya", "tagged.tif"),
                         ("joya", "tagged.webp")):
        set_photo(os.path.join(d, story + ".yaml"), photo)
    out = os.path.join(tmp, "decoded")
    p = calpress(ctx, ["render", "calendar.yaml", "--icc", fogra(ctx), "-o", out], d)
    if not chk.ok(p.returncode == 0, "render (CMYK proof) with PNG, TIFF and WebP photos", p.err):
        return
    q = Qdf(os.path.join(out, "calendar.pdf"), tmp)
    for kind, (w, h) in sizes.items():
        imgs = [r for r in q.images() if q.get(r, "/Width") == w and q.get(r, "/Height") == h]
        cs = q.get(imgs[0], "/ColorSpace") if len(imgs) == 1 else None
        chk.ok(isinstance(cs, list) and cs[0] == "/ICCBased" and
               q.streams[tuple(cs[1])] == adobe,
               f"the {kind.upper()} photo ({w} x {h}, decoded) has [/ICCBased] with its "
               f"embedded profile", f"{len(imgs)} images of that size, colour space {cs}")


# --------------------------------------------------------------------------------------------
# intent


def info_and_intent(q):
    root = q.resolve(q.trailer_root())
    info = next((dd for dd in q.dicts.values() if isinstance(dd, dict)
                 and "/Producer" in dd and "/CreationDate" in dd), {})
    oi = q.resolve(q.resolve(root.get("/OutputIntents"))[0])
    prof = q.streams[tuple(oi["/DestOutputProfile"])]
    xmp = q.streams[tuple(root["/Metadata"])].decode("utf-8", "replace")
    return info, oi, prof, xmp


def slug_text(pdf, page):
    return run(["pdftotext", "-f", page, "-l", page, pdf, "-"]).out


def check_intent(ctx, chk, tmp):
    tmp_s, d = sample_copy(ctx.src, "calpress-colour-i-")
    ctx.cleanup.append(tmp_s)
    out = os.path.join(tmp, "press")
    p = calpress(ctx, ["render", "calendar.yaml", "--press", "-o", out], d)
    if chk.ok(p.returncode == 0, "render --press without a profile exits 0", p.err):
        chk.ok(re.search(r"^calpress: note: no output intent given: using calpress's FOGRA39 "
                         r"profile \(coated offset paper, .*FOGRA39L\.icc\); ask the printer",
                         p.err, re.M), "a note says the FOGRA39 profile is used", p.err)
        q = Qdf(os.path.join(out, "calendar.pdf"), tmp)
        info, oi, prof, xmp = info_and_intent(q)
        chk.ok(prof[12:16] == b"prtr" and prof == read(fogra(ctx)),
               f"the output intent's profile is the build's FOGRA39, class '{prof[12:16].decode()}'")
        chk.ok(oi.get("/OutputConditionIdentifier") == b"FOGRA39",
               f"OutputConditionIdentifier {oi.get('/OutputConditionIdentifier')}")
        chk.ok("/GTS_PDFXVersion" in info and "GTS_PDFXVersion>PDF/X-4" in xmp,
               "the press PDF says PDF/X-4 (Info and XMP)")

    out = os.path.join(tmp, "mntr")
    p = calpress(ctx, ["render", "calendar.yaml", "--press", "--icc", SRGB, "-o", out], d)
    want = ("calpress: error: ICC profile 'sRGB.icc' is a monitor profile (device class 'mntr'); "
            "a press PDF needs the profile of a printing condition (class 'prtr'), e.g. the "
            "printer's FOGRA39 or FOGRA51 profile\ncalpress: 1 error; nothing was written\n")
    chk.ok(p.returncode == 1 and p.err == want and not os.path.exists(out),
           "--press --icc sRGB.icc: exit 1, the exact error, no output folder",
           f"exit {p.returncode}\n{p.err}")
    with open(os.path.join(d, "calendar.yaml"), encoding="utf-8") as f:
        n = len(f.read().split("\n"))
    with open(os.path.join(d, "calendar.yaml"), "a", encoding="utf-8") as f:
        f.write(f"output_intent:\n  profile: {SRGB}\n")
    p = calpress(ctx, ["check", "calendar.yaml", "--press"], d)
    want = (f"calendar.yaml:{n + 1}:12: error: ICC profile 'sRGB.icc' is a monitor profile "
            "(device class 'mntr')")
    chk.ok(p.returncode == 1 and p.err.startswith(want),
           "a monitor profile as the manifest's output_intent under --press: an error at its line",
           p.err)

    p = calpress(ctx, ["render", "calendar.yaml", "-o", os.path.join(tmp, "proof")], d)
    cal = os.path.join(tmp, "proof", "calendar.pdf")
    if chk.ok(p.returncode == 0, "a proof with the sRGB intent exits 0", p.err):
        info, oi, prof, xmp = info_and_intent(Qdf(cal, tmp))
        chk.ok("/GTS_PDFXVersion" not in info and "GTS_PDFX" not in xmp and
               prof[12:16] == b"mntr",
               "a default (sRGB) proof has no GTS_PDFXVersion in Info or XMP")
        s = slug_text(cal, 2)
        chk.ok("SCREEN PROOF" in s, "its slug line says SCREEN PROOF", s[-300:])
        chk.ok(run(["pdfinfo", cal]).out.find("PDF/X") < 0, "pdfinfo shows no PDF subtype")
    p = calpress(ctx, ["render", "calendar.yaml", "--icc", fogra(ctx), "-o",
                       os.path.join(tmp, "cmykproof")], d)
    cal = os.path.join(tmp, "cmykproof", "calendar.pdf")
    if chk.ok(p.returncode == 0, "a proof with the FOGRA39 intent exits 0", p.err):
        info, oi, prof, xmp = info_and_intent(Qdf(cal, tmp))
        chk.ok("/GTS_PDFXVersion" in info and "GTS_PDFXVersion>PDF/X-4" in xmp,
               "a proof with a CMYK intent is PDF/X-4 (Info and XMP)")
        s = slug_text(cal, 2)
        chk.ok(" PROOF " in s and "SCREEN" not in s, "its slug says PROOF, not SCREEN PROOF")


# --------------------------------------------------------------------------------------------
# ink limit


def check_ink_limit(ctx, chk, tmp):
    tmp_s, d = sample_copy(ctx.src, "calpress-colour-l-")
    ctx.cleanup.append(tmp_s)
    man = os.path.join(d, "calendar.yaml")
    with open(man, encoding="utf-8") as f:
        base = f.read()
    n = len(base.rstrip("\n").split("\n"))
    with open(man, "a", encoding="utf-8") as f:
        f.write("layout_overrides:\n  colors:\n    band: \"#020100\"\n")
    p = calpress(ctx, ["check", "calendar.yaml", "--press"], d)
    m = re.search(r"^calendar\.yaml:(\d+):(\d+): error: colour #020100 prints as C(\d+) M(\d+) "
                  r"Y(\d+) K(\d+), (\d+) % total ink; the ink limit is 300 %$", p.err, re.M)
    chk.ok(p.returncode == 1 and m and (int(m.group(1)), int(m.group(2))) == (n + 3, 11)
           and int(m.group(7)) > 300,
           "an RGB near-black that prints over 300 % is an error at its line under --press",
           p.err)
    chk.ok(f"calendar.yaml:{n + 3}:11: note: give it as cmyk(C, M, Y, K) within the limit"
           in p.err, "with a note on what to do", p.err)
    p = calpress(ctx, ["check", "calendar.yaml"], d)
    chk.ok(p.returncode == 0, "the same colour under the sRGB intent (no inks) passes", p.err)
    write(man, base.encode())

    def heavy(name, square, seed):
        path = os.path.join(d, name)
        r = run([ctx.mkphotos, "--one", 3600, 2790, seed, 1, path, "--heavy-ink", square])
        if r.returncode != 0:
            raise RuntimeError(r.err)
    heavy("heavy.jpg", 400, 1)  # a 34 mm square at 370 %
    heavy("speck.jpg", 3, 2)    # three pixels (0.25 mm) at 370 %
    ln = set_photo(os.path.join(d, "neha.yaml"), "heavy.jpg")
    ln2 = set_photo(os.path.join(d, "rupa.yaml"), "speck.jpg")
    p = calpress(ctx, ["check", "calendar.yaml", "--press"], d)
    m = re.search(rf"^neha\.yaml:{ln}:8: error: photo 'heavy\.jpg' has up to (\d+) % total ink "
                  r"over 1 mm areas; the ink limit is 300 %$", p.err, re.M)
    chk.ok(p.returncode == 1 and m and 360 <= int(m.group(1)) <= 380,
           f"a CMYK photo with a 34 mm area at 370 % ink: an error under --press "
           f"(measured {m.group(1) if m else '?'} %)", p.err)
    chk.ok("speck.jpg" not in p.err, "a CMYK photo whose 370 % lies on three pixels (its 1 mm "
           "areas stay near 250 %) is no finding", p.err)
    p = calpress(ctx, ["check", "calendar.yaml", "--icc", fogra(ctx)], d)
    chk.ok(p.returncode == 0 and re.search(rf"^neha\.yaml:{ln}:8: warning: photo 'heavy\.jpg' "
                                           r"has up to", p.err, re.M),
           "in a proof with a CMYK intent it is a warning", p.err)
    with open(man, "a", encoding="utf-8") as f:
        f.write("layout_overrides:\n  ink_limit: 380\n")
    p = calpress(ctx, ["check", "calendar.yaml", "--press"], d)
    chk.ok(p.returncode == 0 and "heavy.jpg" not in p.err,
           "layout_overrides: ink_limit: 380 lets it pass", p.err)
    del ln2


# --------------------------------------------------------------------------------------------
# logo

# Three 100 x 40 patches: a neutral grey, a blue and black. The press release's logo frame is
# 80 x 14 mm at (22, 17.5) mm: the 320 x 40 logo is scaled to 80 x 10 mm, 25 mm a patch.
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="320" height="40" viewBox="0 0 320 40">'
        '<rect x="0" y="0" width="100" height="40" fill="#4D4D4D"/>'
        '<rect x="110" y="0" width="100" height="40" fill="#1F6FB4"/>'
        '<rect x="220" y="0" width="100" height="40" fill="#000000"/></svg>\n')


def plate_counts(tif, dpi, box_mm):
    """Pixels of a box (x, y, w, h in mm from the top-left) with ink on each plate (C, M, Y, K),
    and all of them."""
    w, h, spp, data = tif
    x0, y0 = int(box_mm[0] / 25.4 * dpi), int(box_mm[1] / 25.4 * dpi)
    x1, y1 = int((box_mm[0] + box_mm[2]) / 25.4 * dpi), int((box_mm[1] + box_mm[3]) / 25.4 * dpi)
    counts, n = [0, 0, 0, 0], 0
    for y in range(y0, min(h, y1)):
        for x in range(x0, min(w, x1)):
            px = data[(y * w + x) * spp:(y * w + x) * spp + 4]
            counts = [c + (v != 0) for c, v in zip(counts, px)]
            n += 1
    return counts, n


def check_logo(ctx, chk, tmp):
    """An SVG logo, whose colours librsvg sets itself (the display list never sees them), prints
    in inks under a CMYK intent as a layout's #rrggbb does: its grey and black on the black plate
    alone, its blue in process colours; nothing in RGB."""
    tmp_s, d = sample_copy(ctx.src, "calpress-colour-logo-")
    ctx.cleanup.append(tmp_s)
    write(os.path.join(d, "logo.svg"), LOGO.encode())
    out = os.path.join(tmp, "press")
    p = calpress(ctx, ["render", "calendar.yaml", "--press", "-o", out], d)
    if not chk.ok(p.returncode == 0, "render --press with an SVG logo exits 0", p.err):
        return
    pdf = os.path.join(out, "press-release.pdf")
    check_vector_pdf(chk, Qdf(pdf, tmp), "press-release.pdf with the logo")
    dpi = 100
    tif = separate(pdf, 1, dpi, tmp)
    for i, (what, want) in enumerate((("grey", "K"), ("blue", "CMY"), ("black", "K"))):
        # The patch, less 2 mm on every side (anti-aliased edges).
        counts, n = plate_counts(tif, dpi, (22 + 27.5 * i + 2, 17.5 + 2, 21, 6))
        on = "".join(plate for plate, c in zip("CMYK", counts) if c > 0)
        full = [plate for plate, c in zip("CMYK", counts) if c == n]
        if want == "K":
            chk.ok(n > 0 and on == "K" and full == ["K"],
                   f"the logo's {what} patch is on the black plate alone ({n} pixels)",
                   f"plates with ink: {on or 'none'} ({counts} of {n})")
        else:
            chk.ok(n > 0 and "C" in full and ("M" in on or "Y" in on),
                   f"the logo's {what} patch prints in process colours ({on})",
                   f"{counts} of {n}")


# --------------------------------------------------------------------------------------------
# soft proof


def pixel(png, x, y):
    w, h, bpp, rows = png
    return tuple(rows[y][x * bpp:x * bpp + 3])


def check_soft_proof(ctx, chk, tmp):
    tmp_s, d = sample_copy(ctx.src, "calpress-colour-v-")
    ctx.cleanup.append(tmp_s)
    with open(os.path.join(d, "calendar.yaml"), "a", encoding="utf-8") as f:
        f.write("layout_overrides:\n  colors:\n    band: \"#00C000\"\n")
    dpi = 20
    got = {}
    for label, extra in (("screen", []), ("press", ["--press"]),
                         ("cmyk", ["--icc", fogra(ctx)])):
        out = os.path.join(tmp, label)
        p = calpress(ctx, ["preview", "calendar.yaml", "-o", out, "--dpi", dpi] + extra, d)
        if not chk.ok(p.returncode == 0, f"preview ({label}) exits 0", p.err):
            return
        png = read_png(os.path.join(out, "calendar-01.png"))
        # The cover's band (bottom of the trim, full width) and the paper in the top slug.
        band = pixel(png, png[0] // 2, int((OFF_MM + 400) / 25.4 * dpi))
        paper = pixel(png, 3, 3)
        got[label] = (band, paper)
        chk.note(f"{label}: band {band}, paper {paper}")
    (band_s, paper_s), (band_p, paper_p) = got["screen"], got["press"]
    chk.ok(band_s == (0, 192, 0) and paper_s == (255, 255, 255),
           "screen preview: the band is #00C000 and the paper white", f"{got['screen']}")
    dull = abs(band_p[0] - band_s[0]) + abs(band_p[1] - band_s[1]) + abs(band_p[2] - band_s[2])
    chk.ok(dull > 40 and band_p[1] < 192 and band_p[0] > 0,
           f"soft proof (--press): the out-of-gamut green prints duller {band_p} "
           f"(difference {dull})")
    chk.ok(paper_p != (255, 255, 255) and min(paper_p) >= 200,
           f"soft proof: the paper white is simulated {paper_p}")
    chk.ok(got["cmyk"] == got["press"], "a preview with --icc FOGRA39 is the same soft proof")


CHECKS = {"vector": check_vector, "photos": check_photos, "intent": check_intent,
          "ink-limit": check_ink_limit, "logo": check_logo, "soft-proof": check_soft_proof}


def main(argv):
    if len(argv) < 6 or argv[5] not in CHECKS:
        print(__doc__)
        return 2
    ctx = Ctx()
    ctx.calpress, ctx.mkphotos = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    ctx.src, ctx.build = os.path.abspath(argv[3]), os.path.abspath(argv[4])
    ctx.cleanup = []
    name = argv[5]
    chk = Checks(f"print/colour-{name}")
    tmp = tempfile.mkdtemp(prefix=f"calpress-colour-{name}-")
    try:
        CHECKS[name](ctx, chk, tmp)
    except (RuntimeError, subprocess.TimeoutExpired, KeyError, IndexError) as e:
        chk.ok(False, f"{name}: the check ran to its end", repr(e))
    if chk.failed or "--keep" in argv:
        print(f"{chk.name}: kept {tmp} {' '.join(ctx.cleanup)}")
    else:
        for t in [tmp] + ctx.cleanup:
            shutil.rmtree(t, ignore_errors=True)
    print(f"{chk.name}: {chk.passed} passed, {chk.failed} failed")
    return 1 if chk.failed or chk.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
