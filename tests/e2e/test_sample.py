#!/usr/bin/env python3
"""End-to-end tests of calpress on the sample manifest (stories/calendar.yaml).

usage: test_sample.py CALPRESS SOURCE_DIR CHECK [--mkphotos MKPHOTOS] [--keep]

CHECK is one of: photos pages text grid fonts determinism atomic images check cli
('photos' is the ctest fixture that generates the sample photos when any is missing).

Each check renders into its own fresh temporary folder (removed unless a check failed or --keep
is given), prints one line per assertion and closes with "e2e/CHECK: N passed, M failed".
Only the Python standard library and poppler-utils / qpdf are used: the reference values
(dates, weekdays, page geometry, the stories' words) are computed here, independently of
calpress.
"""

import calendar as pycalendar
import datetime
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata

MM = 72.0 / 25.4
TOL = 0.05  # pt

# --------------------------------------------------------------------------------------------
# Result bookkeeping


# Checks (ok/note/passed/failed) is shared with the other test scripts.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Abort, Checks, run_in_tmp  # noqa: E402


# --------------------------------------------------------------------------------------------
# A small YAML subset reader (block mappings and sequences, literal/folded block scalars,
# quoted and plain scalars, one-line flow mappings): enough for the sample's manifest, stories
# and layout files. The standard library has no YAML module.


def _strip_comment(s):
    out, q = [], None
    for i, ch in enumerate(s):
        if q:
            out.append(ch)
            if ch == q:
                q = None
            continue
        if ch in "\"'" and (i == 0 or s[i - 1] in " :[{,-"):
            q = ch
        elif ch == "#" and (i == 0 or s[i - 1] in " \t"):
            break
        out.append(ch)
    return "".join(out).rstrip()


def _scalar(s):
    s = _strip_comment(s).strip()
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        body = s[1:-1]
        esc = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "/": "/", "0": "\0"}
        out, i = [], 0
        while i < len(body):
            ch = body[i]
            if ch == "\\" and i + 1 < len(body):
                nxt = body[i + 1]
                if nxt == "u":
                    out.append(chr(int(body[i + 2:i + 6], 16)))
                    i += 6
                    continue
                out.append(esc.get(nxt, nxt))
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out)
    if len(s) >= 2 and s[0] == "'" and s[-1] == "'":
        return s[1:-1].replace("''", "'")
    if s.startswith("{") and s.endswith("}"):
        d = {}
        for part in s[1:-1].split(","):
            if ":" in part:
                k, v = part.split(":", 1)
                d[k.strip()] = _scalar(v)
        return d
    if s.startswith("[") and s.endswith("]"):
        return [_scalar(p) for p in s[1:-1].split(",") if p.strip()]
    return s


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def _blank(line):
    t = line.strip()
    return not t or t.startswith("#")


def _split_key(text):
    """'key: rest' -> (key, rest) or None. Handles quoted keys."""
    if text[:1] in "\"'":
        q = text[0]
        end = text.find(q, 1)
        if end > 0 and text[end + 1:end + 2] == ":":
            return text[1:end], text[end + 2:]
        return None
    m = re.match(r"([^:#]+?):(\s|$)(.*)$", text)
    if not m:
        return None
    return m.group(1).strip(), m.group(3)


def _block_scalar(lines, i, parent_indent, style):
    raw = []
    while i < len(lines):
        ln = lines[i]
        if ln.strip() and _indent(ln) <= parent_indent:
            break
        raw.append(ln)
        i += 1
    while raw and not raw[-1].strip():
        raw.pop()
    ind = min((_indent(ln) for ln in raw if ln.strip()), default=0)
    body = [ln[ind:] if ln.strip() else "" for ln in raw]
    if style.startswith(">"):
        text, prev_blank = "", True
        for ln in body:
            if not ln:
                text += "\n"
                prev_blank = True
            else:
                text += ("" if prev_blank else " ") + ln
                prev_blank = False
    else:
        text = "\n".join(body)
    if not style.endswith("-"):
        text += "\n"
    return text, i


def _parse_block(lines, i, indent):
    while i < len(lines) and _blank(lines[i]):
        i += 1
    if i >= len(lines):
        return None, i
    if lines[i].lstrip().startswith("- ") or lines[i].strip() == "-":
        return _parse_seq(lines, i, _indent(lines[i]))
    return _parse_map(lines, i, _indent(lines[i]))


def _parse_seq(lines, i, indent):
    out = []
    while i < len(lines):
        if _blank(lines[i]):
            i += 1
            continue
        ln = lines[i]
        if _indent(ln) != indent or not (ln.lstrip().startswith("- ") or ln.strip() == "-"):
            break
        rest = ln.lstrip()[1:]
        content = rest.lstrip(" ")
        col = indent + 1 + (len(rest) - len(content))
        if not content.strip():
            val, i = _parse_block(lines, i + 1, indent + 1)
            out.append(val)
        elif _split_key(content) is not None:
            lines[i] = " " * col + content
            val, i = _parse_map(lines, i, col)
            out.append(val)
        else:
            out.append(_scalar(content))
            i += 1
    return out, i


def _parse_map(lines, i, indent):
    out = {}
    while i < len(lines):
        if _blank(lines[i]):
            i += 1
            continue
        ln = lines[i]
        if _indent(ln) < indent:
            break
        if _indent(ln) > indent:
            raise ValueError(f"line {i + 1}: unexpected indentation")
        if ln.lstrip().startswith("- "):
            break
        kv = _split_key(ln.strip())
        if kv is None:
            raise ValueError(f"line {i + 1}: expected 'key: value': {ln!r}")
        key, rest = kv
        r = _strip_comment(rest).strip()
        if r[:1] in "|>" and re.fullmatch(r"[|>][-+]?", r):
            out[key], i = _block_scalar(lines, i + 1, indent, r)
        elif not r:
            j = i + 1
            while j < len(lines) and _blank(lines[j]):
                j += 1
            if j < len(lines) and (_indent(lines[j]) > indent or (
                    _indent(lines[j]) == indent and lines[j].lstrip().startswith("- "))):
                out[key], i = _parse_block(lines, j, _indent(lines[j]))
            else:
                out[key], i = None, i + 1
        else:
            out[key] = _scalar(rest)
            i += 1
    return out, i


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().replace("\t", "    ").split("\n")
    val, _ = _parse_block(lines, 0, 0)
    return val


def length_pt(s):
    m = re.fullmatch(r"\s*([-+]?[0-9.]+)\s*(mm|cm|pt|in)\s*", str(s))
    if not m:
        raise ValueError(f"not a length: {s!r}")
    v = float(m.group(1))
    return v * {"mm": MM, "cm": 10 * MM, "pt": 1.0, "in": 72.0}[m.group(2)]


# --------------------------------------------------------------------------------------------
# The sample


class Sample:
    def __init__(self, src):
        self.src = src
        self.stories_dir = os.path.join(src, "stories")
        self.manifest_rel = os.path.join("stories", "calendar.yaml")
        self.manifest_path = os.path.join(src, self.manifest_rel)
        self.manifest = load_yaml(self.manifest_path)
        self.year = int(self.manifest["year"])
        self.week_start = str(self.manifest.get("week_start", "monday")).lower()
        self.stories = {}  # month number -> (file name, dict)
        for idx, item in enumerate(self.manifest["months"], start=1):
            fn = item["story"]
            story = load_yaml(os.path.join(self.stories_dir, fn))
            month = int(story.get("month", idx))
            self.stories[month] = (fn, story)
        self.press = load_yaml(os.path.join(self.stories_dir, self.manifest["press_release"]))
        out = self.manifest.get("output") or {}
        self.calendar_name = out.get("calendar", "calendar.pdf")
        self.press_name = out.get("press_release", "press-release.pdf")
        layout = self.manifest.get("layout", "a3-portrait")
        self.layout = load_yaml(os.path.join(src, "layouts", f"{layout}.yaml"))

    def photo_paths(self):
        paths = [os.path.join(self.stories_dir, self.manifest["cover"]["photo"])]
        for m in sorted(self.stories):
            paths.append(os.path.join(self.stories_dir, self.stories[m][1]["photo"]))
        return paths


def run(cmd, cwd=None, env=None, timeout=400):
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=timeout)
    p.seconds = time.monotonic() - t0
    p.out = p.stdout.decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    return p


def render(ctx, outdir, manifest=None, env=None):
    cmd = [ctx.calpress, "render", manifest or ctx.sample.manifest_rel, "-o", outdir]
    p = run(cmd, cwd=ctx.src, env=env)
    print(f"  ran   {' '.join(cmd)}  (exit {p.returncode}, {p.seconds:.2f} s)")
    return p


def render_ok(ctx, chk, outdir, env=None):
    p = render(ctx, outdir, env=env)
    good = chk.ok(p.returncode == 0, "calpress render exits 0",
                  f"exit {p.returncode}\nstdout: {p.out}\nstderr: {p.err}")
    cal = os.path.join(outdir, ctx.sample.calendar_name)
    pr = os.path.join(outdir, ctx.sample.press_name)
    good &= chk.ok(os.path.isfile(cal) and os.path.isfile(pr), "both PDFs written",
                   f"folder holds: {sorted(os.listdir(outdir)) if os.path.isdir(outdir) else None}")
    return good, cal, pr


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


# --------------------------------------------------------------------------------------------
# poppler helpers


def pdfinfo_boxes(pdf, first, last):
    p = run(["pdfinfo", "-box", "-f", str(first), "-l", str(last), pdf])
    pages, boxes = None, {}
    for line in p.out.splitlines():
        m = re.match(r"Pages:\s+(\d+)", line)
        if m:
            pages = int(m.group(1))
        m = re.match(r"Page\s+(\d+)\s+(MediaBox|CropBox|BleedBox|TrimBox|ArtBox):\s+"
                     r"([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", line)
        if m:
            boxes.setdefault(int(m.group(1)), {})[m.group(2)] = tuple(
                float(m.group(k)) for k in range(3, 7))
    return pages, boxes, p


def page_count(pdf):
    p = run(["pdfinfo", pdf])
    m = re.search(r"^Pages:\s+(\d+)", p.out, re.M)
    return int(m.group(1)) if m else None


def pdftotext_page(pdf, n):
    p = run(["pdftotext", "-enc", "UTF-8", "-f", str(n), "-l", str(n), pdf, "-"])
    return p.out


class Word:
    __slots__ = ("x0", "y0", "x1", "y1", "text")

    def __init__(self, x0, y0, x1, y1, text):
        self.x0, self.y0, self.x1, self.y1, self.text = x0, y0, x1, y1, text

    @property
    def cx(self):
        return (self.x0 + self.x1) / 2

    def __repr__(self):
        return f"{self.text!r}@({self.x0:.1f},{self.y0:.1f}-{self.x1:.1f},{self.y1:.1f})"


def page_words(pdf, n):
    p = run(["pdftotext", "-enc", "UTF-8", "-bbox", "-f", str(n), "-l", str(n), pdf, "-"])
    words = []
    for m in re.finditer(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" '
                         r'yMax="([-\d.]+)">(.*?)</word>', p.out):
        words.append(Word(float(m.group(1)), float(m.group(2)), float(m.group(3)),
                          float(m.group(4)), html.unescape(m.group(5))))
    return words


# --------------------------------------------------------------------------------------------
# Word sequences for the text check

HYPHENS = "-\u2010\u2011\u00ad"


def norm_words(text):
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("*", " ").replace("_", " ")
    text = text.replace("\u00ad", "")
    return re.findall(r"[^\W_]+", text.casefold())


def page_tokens(text):
    text = unicodedata.normalize("NFKC", text)
    # A line ending in a hyphen (or a soft hyphen) continues with the next line's first word.
    text = re.sub(r"([^\W_])[" + HYPHENS + r"][ \t]*\n[ \t\f]*(?=[^\W_])", r"\1", text)
    text = text.replace("\u00ad", "")
    return re.findall(r"[^\W_]+", text.casefold())


def match_in_order(expected, tokens):
    """Finds expected words as a subsequence of the page's tokens. A page token may also be the
    concatenation of 2-3 expected words (a source hyphen that fell at a line end). Returns None
    or (index of the first missing expected word, page token index where the search began)."""
    i = j = 0
    while i < len(expected):
        found = None
        for k in range(j, len(tokens)):
            t = tokens[k]
            if t == expected[i]:
                found = (k, 1)
                break
            if t.startswith(expected[i]):
                for n in (2, 3):
                    if "".join(expected[i:i + n]) == t:
                        found = (k, n)
                        break
                if found:
                    break
        if not found:
            return i, j
        j = found[0] + 1
        i += found[1]
    return None


def describe_miss(expected, tokens, miss):
    i, j = miss
    before = " ".join(expected[max(0, i - 6):i])
    after = " ".join(expected[i + 1:i + 6])
    page_ctx = " ".join(tokens[max(0, j - 6):j]) + " | " + " ".join(tokens[j:j + 12])
    found_anywhere = expected[i] in tokens
    return (f"missing word #{i + 1} of {len(expected)}: '{expected[i]}'\n"
            f"expected context: ... {before} [{expected[i]}] {after} ...\n"
            f"page after the last match (at token {j}): ... {page_ctx} ...\n"
            f"'{expected[i]}' occurs on the page "
            + ("only before that point (out of order)" if found_anywhere else "nowhere"))


def check_words(chk, label, expected_text, page_text):
    expected = norm_words(expected_text)
    tokens = page_tokens(page_text)
    if not expected:
        return chk.ok(False, f"{label}: source text is empty (test data problem)")
    miss = match_in_order(expected, tokens)
    return chk.ok(miss is None, f"{label}: all {len(expected)} words present in order",
                  describe_miss(expected, tokens, miss) if miss else "")


# --------------------------------------------------------------------------------------------
# Checks


def check_photos(ctx, chk, tmp):
    missing = [p for p in ctx.sample.photo_paths() if not os.path.isfile(p)]
    if missing:
        chk.note(f"{len(missing)} sample photo(s) missing, e.g. {missing[0]}: running mkphotos")
        if not ctx.mkphotos:
            chk.ok(False, "mkphotos given (--mkphotos) to generate the sample photos")
            return
        p = run([ctx.mkphotos, os.path.join(ctx.src, "stories", "photos")], timeout=400)
        chk.ok(p.returncode == 0, "mkphotos exits 0", p.err)
    missing = [p for p in ctx.sample.photo_paths() if not os.path.isfile(p)]
    chk.ok(not missing, f"all {len(ctx.sample.photo_paths())} sample photos exist",
           "missing: " + ", ".join(missing))


def close(a, b, tol=TOL):
    return abs(a - b) <= tol


def fmt_box(b):
    return "[" + " ".join(f"{v:.2f}" for v in b) + "]"


def check_pages(ctx, chk, tmp):
    good, cal, pr = render_ok(ctx, chk, os.path.join(tmp, "out"))
    if not good:
        return
    trim_w, trim_h, bleed = 297 * MM, 420 * MM, 3 * MM

    n, boxes, _ = pdfinfo_boxes(cal, 1, 14)
    chk.ok(n == 14, "calendar.pdf has 14 pages", f"pdfinfo says {n}")
    for pg in range(1, 15):
        b = boxes.get(pg)
        if not chk.ok(b and all(k in b for k in ("MediaBox", "BleedBox", "TrimBox")),
                      f"calendar page {pg}: pdfinfo reports its boxes"):
            continue
        t, bl, me = b["TrimBox"], b["BleedBox"], b["MediaBox"]
        chk.ok(close(t[2] - t[0], trim_w) and close(t[3] - t[1], trim_h),
               f"calendar page {pg}: TrimBox is 297 x 420 mm",
               f"TrimBox {fmt_box(t)} = {t[2] - t[0]:.2f} x {t[3] - t[1]:.2f} pt, "
               f"want {trim_w:.2f} x {trim_h:.2f}")
        want = (t[0] - bleed, t[1] - bleed, t[2] + bleed, t[3] + bleed)
        chk.ok(all(close(a, w) for a, w in zip(bl, want)),
               f"calendar page {pg}: BleedBox = TrimBox + 3 mm each side",
               f"BleedBox {fmt_box(bl)}, want {fmt_box(want)}")
        chk.ok(me[0] <= bl[0] + 0.01 and me[1] <= bl[1] + 0.01 and me[2] >= bl[2] - 0.01
               and me[3] >= bl[3] - 0.01,
               f"calendar page {pg}: MediaBox contains BleedBox",
               f"MediaBox {fmt_box(me)}, BleedBox {fmt_box(bl)}")

    n, boxes, _ = pdfinfo_boxes(pr, 1, 2)
    chk.ok(n is not None and n >= 1, f"press-release.pdf has pages ({n})")
    for pg in range(1, (n or 0) + 1):
        b = boxes.get(pg, {})
        me = b.get("MediaBox")
        if not chk.ok(me is not None, f"press release page {pg}: pdfinfo reports its boxes"):
            continue
        chk.ok(close(me[2] - me[0], 595.28) and close(me[3] - me[1], 841.89),
               f"press release page {pg}: A4 (595.28 x 841.89 pt)",
               f"MediaBox {fmt_box(me)}")
        others = {k: v for k, v in b.items() if k != "MediaBox"}
        chk.ok(all(all(close(a, c) for a, c in zip(v, me)) for v in others.values()),
               f"press release page {pg}: all boxes equal the MediaBox (no bleed)",
               "\n".join(f"{k} {fmt_box(v)}" for k, v in b.items()))

    for pdf in (cal, pr):
        p = run(["qpdf", "--check", pdf])
        chk.ok(p.returncode == 0 and "No syntax or stream encoding errors" in p.out,
               f"qpdf --check passes on {os.path.basename(pdf)}",
               f"exit {p.returncode}\n{p.out[-1500:]}\n{p.err[-1500:]}")


def check_text(ctx, chk, tmp):
    good, cal, pr = render_ok(ctx, chk, os.path.join(tmp, "out"))
    if not good:
        return
    s = ctx.sample
    for month in range(1, 13):
        fn, story = s.stories[month]
        page = month + 1
        text = pdftotext_page(cal, page)
        label = f"page {page} ({pycalendar.month_name[month]}, {fn})"
        expected = "\n".join([story.get("name", ""), story.get("headline", ""),
                              story.get("body", "")])
        check_words(chk, f"{label}: name, headline, body", expected, text)
        if story.get("quote"):
            check_words(chk, f"{label}: quote", story["quote"], text)

    back = (s.manifest.get("back") or {}).get("about")
    if back:
        check_words(chk, "page 14 (back): about text", back, pdftotext_page(cal, 14))

    n = page_count(pr) or 0
    text = "\n".join(pdftotext_page(pr, k) for k in range(1, n + 1))
    about = s.press.get("about") or {}
    about_body = about.get("body", "") if isinstance(about, dict) else str(about)
    check_words(chk, "press release: headline", s.press.get("headline", ""), text)
    check_words(chk, "press release: body then about text",
                s.press.get("body", "") + "\n" + about_body, text)

    # Contacts: names, roles and phone numbers in order; an e-mail address may only be broken
    # after its '@' or before a '.', and never with a hyphen (the reader would type it).
    # Contacts are set in columns side by side, so a text extractor may read them row by row:
    # each contact's own words must be there in order, whatever the columns' interleaving.
    contacts = s.press.get("contacts") or []
    for c in contacts:
        check_words(chk, f"press release: contact {c.get('name', '')} (name, role, phone)",
                    f"{c.get('name', '')} {c.get('role', '')} {c.get('phone', '')}", text)
    lines = [ln.strip() for ln in unicodedata.normalize("NFKC", text).split("\n")]
    for c in contacts:
        email = c.get("email")
        if not email:
            continue
        found = None
        for k, ln in enumerate(lines):
            if email in ln:
                found = "whole"
                break
            ln = ln.rstrip("-\u00ad")
            nxt = lines[k + 1] if k + 1 < len(lines) else ""
            for cut in range(1, len(email)):
                head, tail = email[:cut], email[cut:]
                if ln.endswith(head) and nxt.startswith(tail):
                    found = (head, tail)
            if found:
                break
        if found == "whole":
            chk.ok(True, f"press release: e-mail {email} on one line")
            continue
        if found:
            head, tail = found
            good_break = head.endswith("@") or tail.startswith(".")
            chk.ok(good_break, f"press release: e-mail {email} on one line or broken only "
                   "after '@' or before '.'",
                   f"broken mid-word across two lines as '{head}' / '{tail}'"
                   if not good_break else "")
        else:
            chk.ok(False, f"press release: e-mail {email} present", "not found in the text")


WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def merge_line_words(words, gap=3.0):
    """Words of one line, left to right, with pieces closer than `gap` pt joined (tracked text
    such as 'S at' for 'Sat')."""
    words = sorted(words, key=lambda w: w.x0)
    out = []
    for w in words:
        if out and w.x0 - out[-1].x1 < gap:
            p = out[-1]
            out[-1] = Word(p.x0, min(p.y0, w.y0), w.x1, max(p.y1, w.y1), p.text + w.text)
        else:
            out.append(Word(w.x0, w.y0, w.x1, w.y1, w.text))
    return out


def group_rows(words, tol=3.0):
    rows = []
    for w in sorted(words, key=lambda w: w.y0):
        if rows and abs(w.y0 - rows[-1][0].y0) <= tol:
            rows[-1].append(w)
        else:
            rows.append([w])
    return rows


def check_grid(ctx, chk, tmp):
    good, cal, _ = render_ok(ctx, chk, os.path.join(tmp, "out"))
    if not good:
        return
    s = ctx.sample
    _, boxes, _ = pdfinfo_boxes(cal, 1, 14)
    ws = WEEKDAYS.index(s.week_start[:3])
    order = WEEKDAYS[ws:] + WEEKDAYS[:ws]
    frame = ((s.layout.get("frames") or {}).get("month") or {}).get("grid")
    gx, gy = length_pt(frame["x"]), length_pt(frame["y"])
    gw, gh = length_pt(frame["width"]), length_pt(frame["height"])
    uppercase_noted = False

    for month in range(1, 13):
        page = month + 1
        name = pycalendar.month_name[month]
        b = boxes.get(page, {})
        t, me = b.get("TrimBox"), b.get("MediaBox")
        if not chk.ok(t and me, f"page {page} ({name}): TrimBox known"):
            continue
        # pdftotext's y runs down from the top of the page (MediaBox, as CropBox = MediaBox).
        ox, oy = t[0] - me[0], me[3] - t[3]
        x_min, x_max = ox + gx - 1 * MM, ox + gx + gw + 0.5
        y_min, y_max = oy + gy - 0.5, oy + gy + gh + 0.5
        words = [w for w in page_words(cal, page) if w.x0 >= x_min]

        heading = None
        for row in group_rows([w for w in words if y_min <= w.y0 <= y_max]):
            # Other words on that line (a watermark letter, say) are ignored.
            merged = [w for w in merge_line_words(row) if w.text.casefold() in WEEKDAYS]
            if [w.text.casefold() for w in merged] == order:
                heading = merged
                break
        if not chk.ok(heading, f"page {page} ({name}): weekday heading row "
                      f"{' '.join(o.upper() for o in order)} found in the grid frame",
                      "words right of the grid's left edge: "
                      + " ".join(w.text for w in words[:60])):
            continue
        if not uppercase_noted and any(w.text != w.text.upper() for w in heading):
            uppercase_noted = True
            chk.note("weekday headings are drawn in capitals (style uppercase: true) but "
                     f"their text extracts as {[w.text for w in heading]}: the PDF's text keeps "
                     "the source case (Pango text-transform)")
        head_y = max(w.y1 for w in heading)
        centres = [w.cx for w in heading]
        pitch = (centres[-1] - centres[0]) / 6

        def column(w):
            d = [abs(w.cx - c) for c in centres]
            k = d.index(min(d))
            return k, d[k]

        days = [w for w in words if w.y0 > head_y and re.fullmatch(r"\d{1,2}", w.text)
                and w.y1 <= y_max and w.x1 <= x_max]
        # Day 1: the topmost "1" under the headings.
        ones = sorted((w for w in days if w.text == "1"), key=lambda w: w.y0)
        first_wd = datetime.date(s.year, month, 1).weekday()
        want_col = (first_wd - ws) % 7
        if chk.ok(ones, f"page {page} ({name}): day 1 present in the grid"):
            k, dist = column(ones[0])
            chk.ok(k == want_col and dist < pitch / 2,
                   f"page {page} ({name}): day 1 under {order[want_col].upper()} "
                   f"({datetime.date(s.year, month, 1):%A})",
                   f"'1' at x {ones[0].x0:.1f}..{ones[0].x1:.1f} is nearest to "
                   f"{order[k].upper()} (centre {centres[k]:.1f}, {dist:.1f} pt away); "
                   f"headings: " + ", ".join(f"{w.text}@{w.cx:.1f}" for w in heading))

        last = pycalendar.monthrange(s.year, month)[1]
        all_words_last = [w for w in words if w.text == str(last) and w.y0 > head_y]
        lasts = sorted((w for w in days if w.text == str(last)), key=lambda w: w.y0)
        if chk.ok(lasts, f"page {page} ({name}): last day {last} inside the grid frame",
                  f"'{last}' right of the grid edge below the headings: {all_words_last}; "
                  f"grid frame y {y_min:.1f}..{y_max:.1f}, x ..{x_max:.1f} pt"):
            lw = lasts[-1]
            last_wd = datetime.date(s.year, month, last).weekday()
            k, dist = column(lw)
            chk.ok(k == (last_wd - ws) % 7 and dist < pitch / 2,
                   f"page {page} ({name}): day {last} under "
                   f"{order[(last_wd - ws) % 7].upper()}",
                   f"'{last}' nearest to {order[k].upper()} ({dist:.1f} pt away)")

        # Every day of the month in its row and column.
        rows = group_rows(days)
        first_row = None
        if ones:
            first_row = next((r for r, row in enumerate(rows) if ones[0] in row), None)
        problems = []
        if first_row is None:
            problems.append("cannot locate the first row")
        else:
            for d in range(1, last + 1):
                cell = want_col + d - 1
                r, c = first_row + cell // 7, cell % 7
                if r >= len(rows):
                    problems.append(f"day {d}: row {r + 1} missing (only {len(rows)} rows)")
                    continue
                hits = [w for w in rows[r] if w.text == str(d) and column(w)[0] == c]
                if not hits:
                    problems.append(f"day {d}: not in row {r + 1 - first_row} under "
                                    f"{order[c].upper()}; that row: "
                                    + " ".join(w.text for w in sorted(rows[r],
                                                                      key=lambda w: w.x0)))
        chk.ok(not problems, f"page {page} ({name}): all {last} days in their weekday columns",
               "\n".join(problems[:8]))


def parse_pdffonts(out):
    lines = out.splitlines()
    dash = next((i for i, ln in enumerate(lines) if ln.startswith("---")), None)
    if dash is None:
        return None
    fonts = []
    for ln in lines[dash + 1:]:
        if not ln.strip():
            continue
        # The name may be longer than its column; split from the right for the fixed fields.
        parts = ln.split()
        name = parts[0]
        emb, sub, uni = parts[-5], parts[-4], parts[-3]
        fonts.append({"name": name, "emb": emb, "sub": sub, "uni": uni, "line": ln})
    return fonts


def check_fonts(ctx, chk, tmp):
    good, cal, pr = render_ok(ctx, chk, os.path.join(tmp, "out"))
    if not good:
        return
    for pdf in (cal, pr):
        base = os.path.basename(pdf)
        p = run(["pdffonts", pdf])
        fonts = parse_pdffonts(p.out)
        if not chk.ok(p.returncode == 0 and fonts, f"{base}: pdffonts lists fonts",
                      p.out + p.err):
            continue
        not_emb = [f["line"] for f in fonts if f["emb"] != "yes"]
        chk.ok(not not_emb, f"{base}: all {len(fonts)} fonts embedded", "\n".join(not_emb))
        not_sub = [f["line"] for f in fonts
                   if f["sub"] != "yes" or not re.match(r"[A-Z]{6}\+", f["name"])]
        chk.ok(not not_sub, f"{base}: all {len(fonts)} fonts subset", "\n".join(not_sub))


def check_determinism(ctx, chk, tmp):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1607904000")
    a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    good_a, cal_a, pr_a = render_ok(ctx, chk, a, env=env)
    good_b, cal_b, pr_b = render_ok(ctx, chk, b, env=env)
    if not (good_a and good_b):
        return
    for x, y in ((cal_a, cal_b), (pr_a, pr_b)):
        bx, by = read_bytes(x), read_bytes(y)
        diff = ""
        if bx != by:
            at = next((i for i in range(min(len(bx), len(by))) if bx[i] != by[i]),
                      min(len(bx), len(by)))
            diff = (f"sizes {len(bx)} / {len(by)}; first difference at byte {at}: "
                    f"{bx[max(0, at - 40):at + 40]!r} vs {by[max(0, at - 40):at + 40]!r}")
        chk.ok(bx == by, f"{os.path.basename(x)}: two renders are byte-identical", diff)
        p = run(["pdfinfo", "-isodates", x])
        m = re.search(r"^CreationDate:\s+(\S+)", p.out, re.M)
        chk.ok(m and m.group(1).startswith("2020-12-14"),
               f"{os.path.basename(x)}: CreationDate is 2020-12-14 (SOURCE_DATE_EPOCH)",
               f"CreationDate {m.group(1) if m else None}")
        m = re.search(r"^ModDate:\s+(\S+)", p.out, re.M)
        chk.ok(m is None or m.group(1).startswith("2020-12-14"),
               f"{os.path.basename(x)}: ModDate (if any) is 2020-12-14",
               f"ModDate {m.group(1) if m else None}")
    check_document_id(ctx, chk, tmp, env, cal_a, pr_a)


def pdf_ids(path):
    """The trailer's /ID halves and the XMP's InstanceID of a calpress PDF (no object streams)."""
    data = read_bytes(path)
    ids = re.findall(rb"/ID \[ ?<([0-9a-fA-F]+)> ?<([0-9a-fA-F]+)> ?\]", data[-4096:])
    inst = re.search(rb"<xmpMM:InstanceID>uuid:([0-9a-f-]+)</xmpMM:InstanceID>", data)
    return (ids[-1] if ids else (None, None)), (inst.group(1).decode() if inst else None)


def check_document_id(ctx, chk, tmp, env, cal, pr):
    """The /ID is a hash of what the run drew and of the metadata: both halves the same 32 hex
    digits, the XMP's InstanceID made from them, another for each PDF and for an edited story."""
    ids = {}
    for path in (cal, pr):
        (a, b), inst = pdf_ids(path)
        name = os.path.basename(path)
        ids[name] = a
        chk.ok(a is not None and len(a) == 32 and a == b, f"{name}: /ID is two equal 16-byte halves",
               f"/ID {a!r} {b!r}")
        if a and inst:
            h = a.decode().lower()
            want = f"{h[0:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
            chk.ok(inst == want, f"{name}: the XMP InstanceID is the /ID as a UUID",
                   f"InstanceID {inst}, /ID {h}")
    chk.ok(len(set(ids.values())) == 2, "the calendar and the press release have different IDs",
           str(ids))
    # One word of one story changed: another ID for the calendar.
    edited = os.path.join(tmp, "edited")
    shutil.copytree(os.path.dirname(ctx.sample.manifest_path), edited,
                    ignore=shutil.ignore_patterns("photos"))
    os.symlink(os.path.join(os.path.dirname(ctx.sample.manifest_path), "photos"),
               os.path.join(edited, "photos"))
    story = os.path.join(edited, "shefali.yaml")
    with open(story, encoding="utf-8") as f:
        text = f.read()
    with open(story, "w", encoding="utf-8") as f:
        f.write(text.replace("central Kolkata", "north Kolkata", 1))
    out = os.path.join(tmp, "edited-out")
    p = run([ctx.calpress, "render", os.path.join(edited, os.path.basename(ctx.sample.manifest_path)),
             "-o", out, "-q"], env=env)
    if chk.ok(p.returncode == 0 and "central Kolkata" in text, "the edited sample renders",
              f"exit {p.returncode}\n{p.err}"):
        (a, _), _ = pdf_ids(os.path.join(out, ctx.sample.calendar_name))
        chk.ok(a is not None and a != ids[os.path.basename(cal)],
               "a one-word edit gives the calendar another /ID", f"{a!r}")


def check_atomic(ctx, chk, tmp):
    out = os.path.join(tmp, "out")
    good, cal, pr = render_ok(ctx, chk, out)
    if not good:
        return
    # Every file, the build record in .calpress/ included.
    before = {os.path.relpath(os.path.join(d, n), out): read_bytes(os.path.join(d, n))
              for d, _, names in os.walk(out) for n in names}

    # A broken copy of the sample: one story's photo points at a missing file.
    copy = os.path.join(tmp, "stories")
    shutil.copytree(ctx.sample.stories_dir, copy)
    victim = ctx.sample.stories[7][0]
    path = os.path.join(copy, victim)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lineno = next(i + 1 for i, ln in enumerate(lines) if ln.startswith("photo:"))
    lines[lineno - 1] = "photo: photos/no-such-photo.jpg"
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))

    p = render(ctx, out, manifest=os.path.join(copy, "calendar.yaml"))
    chk.ok(p.returncode == 1, "render of the broken manifest exits 1",
           f"exit {p.returncode}\nstderr: {p.err}")
    chk.ok(re.search(re.escape(victim) + rf":{lineno}\b", p.err),
           f"stderr names {victim}:{lineno}", f"stderr: {p.err}")
    after = sorted(os.path.relpath(os.path.join(d, n), out)
                   for d, _, names in os.walk(out) for n in names)
    chk.ok(after == sorted(before), "no stray files left in the output folder",
           f"before {sorted(before)}, after {after}")
    for n, data in before.items():
        fp = os.path.join(out, n)
        chk.ok(os.path.isfile(fp) and read_bytes(fp) == data, f"{n} unchanged byte for byte")


def check_images(ctx, chk, tmp):
    good, cal, _ = render_ok(ctx, chk, os.path.join(tmp, "out"))
    if not good:
        return
    s = ctx.sample
    p = run(["pdfimages", "-list", cal])
    rows = []
    for ln in p.out.splitlines()[2:]:
        f = ln.split()
        if len(f) >= 12 and f[0].isdigit():
            rows.append({"page": int(f[0]), "type": f[2], "enc": f[8], "obj": (f[10], f[11]),
                         "line": ln})
    images = [r for r in rows if r["type"] == "image"]
    objs = {r["obj"] for r in images}
    chk.ok(len(objs) == 13, f"13 distinct image objects (found {len(objs)})", p.out)
    not_jpeg = [r["line"] for r in images if r["enc"] != "jpeg"]
    chk.ok(images and not not_jpeg, "every image is stored as jpeg (DCT)", "\n".join(not_jpeg))
    chk.ok(sorted({r["page"] for r in images}) == list(range(1, 14)),
           "one photo on each of pages 1-13",
           f"pages with images: {sorted({r['page'] for r in images})}")

    ex = os.path.join(tmp, "img")
    os.mkdir(ex)
    p = run(["pdfimages", "-j", "-p", cal, os.path.join(ex, "img")])
    chk.ok(p.returncode == 0, "pdfimages -j extracts the images", p.err)
    extracted = {}
    for fn in os.listdir(ex):
        m = re.match(r"img-(\d+)-\d+\.jpg$", fn)
        if m:
            extracted.setdefault(int(m.group(1)), []).append(os.path.join(ex, fn))
    wanted = [(1, os.path.join(s.stories_dir, s.manifest["cover"]["photo"]))]
    wanted += [(m + 1, os.path.join(s.stories_dir, s.stories[m][1]["photo"]))
               for m in range(1, 13)]
    for page, src in wanted:
        got = extracted.get(page, [])
        want = sha256(src)
        hashes = [sha256(g) for g in got]
        chk.ok(want in hashes,
               f"page {page}: embedded JPEG is byte-identical to {os.path.relpath(src, ctx.src)}",
               f"source sha256 {want}\nextracted: {hashes or 'no JPEG extracted'}")


def check_check(ctx, chk, tmp):
    s = ctx.sample
    cwd = os.path.join(tmp, "cwd")
    os.mkdir(cwd)
    p = run([ctx.calpress, "check", s.manifest_path], cwd=cwd)
    print(f"  ran   calpress check {s.manifest_path}  (exit {p.returncode}, {p.seconds:.2f} s)")
    chk.ok(p.returncode == 0, "calpress check exits 0", f"exit {p.returncode}\n{p.err}")
    report = p.out + p.err
    for month in range(1, 13):
        name = pycalendar.month_name[month]
        m = re.search(rf"^\s*{name}\s+body\s+(\d+)/(\d+)", report, re.M)
        chk.ok(m and int(m.group(1)) <= int(m.group(2)),
               f"report lists {name}'s body frame within its lines",
               f"line: {m.group(0) if m else 'none'}")
    chk.ok(os.listdir(cwd) == [], "check writes nothing", f"cwd holds {os.listdir(cwd)}")

    p = run([ctx.calpress, "check", s.manifest_path, "--dump-layout", "-"], cwd=cwd)
    chk.ok(p.returncode == 0, "check --dump-layout - exits 0", p.err)
    missing = [pycalendar.month_name[m] for m in range(1, 13)
               if pycalendar.month_name[m] not in p.out]
    chk.ok(not missing, "--dump-layout - output contains every month name",
           f"missing: {missing}")

    dump = os.path.join(tmp, "layout.txt")
    p = run([ctx.calpress, "check", s.manifest_path, "--dump-layout", dump], cwd=cwd)
    text = open(dump, encoding="utf-8").read() if os.path.isfile(dump) else ""
    chk.ok(p.returncode == 0 and all(pycalendar.month_name[m] in text for m in range(1, 13)),
           "--dump-layout FILE writes the dump to FILE",
           f"exit {p.returncode}, {len(text)} chars written\n{p.err}")


def check_cli(ctx, chk, tmp):
    out = os.path.join(tmp, "new-folder")
    p = render(ctx, out)
    chk.ok(p.returncode == 0, "render into a missing folder exits 0",
           f"exit {p.returncode}\n{p.err}")
    chk.ok(os.path.isdir(out), "the output folder is created")
    for n in (ctx.sample.calendar_name, ctx.sample.press_name):
        chk.ok(os.path.isfile(os.path.join(out, n)), f"{n} written")
        chk.ok(any(n in ln for ln in p.out.splitlines()), f"output names {n}",
               f"stdout: {p.out}")
    p = run([ctx.calpress, "render", ctx.sample.manifest_rel, "-o",
             os.path.join(tmp, "quiet"), "--quiet"], cwd=ctx.src)
    chk.ok(p.returncode == 0 and p.out == "", "--quiet prints nothing on success",
           f"exit {p.returncode}, stdout {p.out!r}")
    p = run([ctx.calpress, "render"], cwd=tmp)
    chk.ok(p.returncode == 2, "render without a manifest is a usage error (exit 2)",
           f"exit {p.returncode}")
    chk.ok(os.listdir(tmp) and "out" not in os.listdir(tmp),
           "a usage error writes nothing", f"{os.listdir(tmp)}")


CHECKS = {
    "photos": check_photos, "pages": check_pages, "text": check_text, "grid": check_grid,
    "fonts": check_fonts, "determinism": check_determinism, "atomic": check_atomic,
    "images": check_images, "check": check_check, "cli": check_cli,
}


class Ctx:
    pass


def main(argv):
    args = [a for a in argv[1:]]
    keep = "--keep" in args
    if keep:
        args.remove("--keep")
    mkphotos = None
    if "--mkphotos" in args:
        k = args.index("--mkphotos")
        mkphotos = args[k + 1]
        del args[k:k + 2]
    if len(args) != 3 or args[2] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    ctx = Ctx()
    ctx.calpress = os.path.abspath(args[0])
    ctx.src = os.path.abspath(args[1])
    ctx.mkphotos = mkphotos
    name = args[2]
    chk = Checks(name)

    def body(tmp):
        ctx.sample = Sample(ctx.src)
        if name != "photos":
            missing = [p for p in ctx.sample.photo_paths() if not os.path.isfile(p)]
            if missing:
                chk.ok(False, "sample photos exist (run the e2e/photos fixture or build "
                       "the sample-photos target)", "missing: " + ", ".join(missing))
                raise Abort()
        CHECKS[name](ctx, chk, tmp)
    return run_in_tmp(f"e2e/{name}", chk, body, keep)

if __name__ == "__main__":
    sys.exit(main(sys.argv))
