#!/usr/bin/env python3
"""The copy-edit loop: watch, the build record and its change report, diff, --mark-changes and
preview --pages / --trim, on private copies of the sample (stories/ copied, photos linked).

usage: test_editloop.py CALPRESS SOURCE_DIR CHECK [--keep]

CHECK is one of: watch watch-shapings watch-extends watch-sigint watch-press watch-pair crops report diff marks record
preview reuse reuse-damaged reuse-warnings logo.
Every check closes with "editloop/CHECK: N passed, M failed". Waits are polled with generous
limits (a busy CI machine is slow); they guard against hangs and never assert speed.
"""

import glob
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks, run_in_tmp  # noqa: E402
from proc import edit, qdf_bytes, run  # noqa: E402
from sample import sample_copy  # noqa: E402

WAIT = 60  # seconds: the longest any single wait may take before the check fails
MARCH = "shefali.yaml"  # the sample's March story
APRIL = "mitali.yaml"  # the sample's April story
# A phrase of the March body, and what the checks change it to (both fit the frame).
OLD_PHRASE = "a small hotel in central Kolkata"
NEW_PHRASE = "a small hotel in north Kolkata beside the tramlines"




def page_text(pdf, page):
    p = run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"])
    return " ".join(p.out.split())


def has_words(text, words):
    """True if text holds words, however lines broke them (spaces and soft hyphens dropped)."""
    squeeze = "".join(text.replace("\u00ad", "").split())
    return "".join(words.split()) in squeeze


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def report_of(out):
    """The change report of a render's output: the line after 'proof N: '."""
    for line in out.splitlines():
        m = re.match(r"proof (\d+): (.*)$", line)
        if m:
            return int(m.group(1)), m.group(2)
    return None, None


def changed_names(report):
    """'changed since proof 7 (date): A (why), B (why)' -> ['A', 'B']."""
    m = re.match(r"changed since proof \d+ \([^)]*\): (.*)$", report or "")
    if not m:
        return []
    return [re.sub(r" \([^()]*\)$", "", part) for part in re.split(r", (?![^()]*\))", m.group(1))]


def stray_files(*folders):
    """Temporary files (dot-files other than the build record's folder) left in folders."""
    left = []
    for d in folders:
        for root, dirs, files in os.walk(d, followlinks=False):
            dirs[:] = [x for x in dirs if x != "photos"]
            left += [os.path.join(root, f) for f in files
                     if f.startswith(".") or f.endswith(".tmp") or "XXXXXX" in f]
    return left


# --------------------------------------------------------------------------------------------
# watch


class Watch:
    """calpress watch in the background; its output is collected by polling files."""

    def __init__(self, ctx, manifest, out, tmp, extra=(), env=None):
        self.out_path = os.path.join(tmp, "watch.out")
        self.err_path = os.path.join(tmp, "watch.err")
        self.proc = subprocess.Popen([ctx.calpress, "watch", manifest, "-o", out, *extra],
                                     stdout=open(self.out_path, "w"),
                                     stderr=open(self.err_path, "w"), env=env)

    def stop(self):
        """SIGINT; the exit status (None if it had to be killed)."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None

    def text(self, which="out"):
        with open(self.out_path if which == "out" else self.err_path, encoding="utf-8",
                  errors="replace") as f:
            return f.read()

    def builds(self):
        return [ln for ln in self.text().splitlines() if re.match(r"\[\d\d:\d\d:\d\d\] ", ln)]

    def wait_builds(self, n):
        """Waits until n build lines were printed; returns them (or fewer after WAIT s)."""
        end = time.monotonic() + WAIT
        while time.monotonic() < end and len(self.builds()) < n and self.proc.poll() is None:
            time.sleep(0.1)
        return self.builds()


def wait_for(cond, limit=WAIT):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def check_watch(ctx, chk, tmp, stories):
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "out")
    cal = os.path.join(out, "calendar.pdf")
    w = Watch(ctx, manifest, out, tmp)
    try:
        builds = w.wait_builds(1)
        chk.ok(len(builds) == 1 and "built in" in builds[0] and os.path.isfile(cal),
               "watch makes the PDFs once at the start", w.text() + w.text("err"))

        # An edit of the March body: the PDF holds the new text soon after.
        edit(os.path.join(stories, MARCH), OLD_PHRASE, NEW_PHRASE)
        seen = wait_for(lambda: has_words(page_text(cal, 4), "beside the tramlines"))
        chk.ok(seen, "after an edit of the March story, the PDF holds the new text",
               page_text(cal, 4)[:400])
        builds = w.wait_builds(2)
        chk.ok(len(builds) >= 2 and re.search(r"\] shefali\.yaml: built in \d+ ms", builds[1])
               and "March body" in builds[1],
               "one line for the rebuild: time, the file changed, the result",
               "\n".join(builds))
        good = read_bytes(cal)

        # A YAML error: the message is printed, and the PDF stays the last good one.
        edit(os.path.join(stories, MARCH), "headline: A house", "headline: [A house")
        printed = wait_for(lambda: re.search(r"shefali\.yaml:\d+:\d+: error: ", w.text("err")))
        chk.ok(printed, "a YAML error is printed with its file, line and column", w.text("err"))
        builds = w.wait_builds(3)
        chk.ok(len(builds) >= 3 and "not built" in builds[2] and "keeps the last good PDFs"
               in builds[2], "the build line says the last good PDFs stay", "\n".join(builds))
        chk.ok(read_bytes(cal) == good, "the PDF is still the previous good one, byte for byte")

        # The fix: it renders again.
        edit(os.path.join(stories, MARCH), "headline: [A house", "headline: A house")
        builds = w.wait_builds(4)
        chk.ok(len(builds) >= 4 and "built in" in builds[3],
               "after the fix it renders again", "\n".join(builds))
        chk.ok(has_words(page_text(cal, 4), "beside the tramlines"),
               "the fixed build holds the edit")

        # A deleted story is an error, not a crash; it is watched for its return.
        april = os.path.join(stories, APRIL)
        saved = read_bytes(april)
        os.remove(april)
        builds = w.wait_builds(5)
        chk.ok(len(builds) >= 5 and "not built" in builds[4] and w.proc.poll() is None,
               "a deleted story file is an error and watch goes on", "\n".join(builds))
        with open(april, "wb") as f:
            f.write(saved)
        builds = w.wait_builds(6)
        chk.ok(len(builds) >= 6 and "built in" in builds[5], "the file back, it builds again",
               "\n".join(builds) + w.text("err"))
    finally:
        # SIGINT ends it cleanly, leaving no temporary file.
        w.proc.send_signal(signal.SIGINT)
        try:
            code = w.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            w.proc.kill()
            code = None
    chk.ok(code == 0, "SIGINT ends watch with status 0", f"status {code}")
    chk.ok(w.text().rstrip().endswith("stopped"), "watch says it stopped", w.text()[-300:])
    left = stray_files(out, stories)
    chk.ok(not left, "no stray file is left in the output or the stories folder", str(left))
    chk.ok(sorted(os.listdir(out)) == [".calpress", "calendar.pdf", "press-release.pdf"] and
           os.listdir(os.path.join(out, ".calpress")) == ["build.json"],
           "the output folder holds the two PDFs and the build record", str(os.listdir(out)))


def check_watch_extends(ctx, chk, tmp, stories):
    """A variant layout (extends) in watch: an edit of the layout it extends reaches the pages
    watch keeps, not only the variant's own edits."""
    with open(os.path.join(ctx.src, "layouts", "a3-portrait.yaml"), encoding="utf-8") as f:
        parent = f.read()
    with open(os.path.join(stories, "house.yaml"), "w", encoding="utf-8") as f:
        f.write(parent)
    with open(os.path.join(stories, "variant.yaml"), "w", encoding="utf-8") as f:
        f.write("extends: house\nname: variant\n")
    manifest = os.path.join(stories, "calendar.yaml")
    edit(manifest, "layout: a3-portrait", "layout: variant")
    out = os.path.join(tmp, "out")
    cal = os.path.join(out, "calendar.pdf")
    w = Watch(ctx, manifest, out, tmp)
    try:
        builds = w.wait_builds(1)
        chk.ok(len(builds) == 1 and "built in" in builds[0] and
               "Photographs" in page_text(cal, 14), "watch builds the variant",
               w.text() + w.text("err"))
        edit(os.path.join(stories, "house.yaml"), "photo_credits: both",
                   "photo_credits: both\nlabels: {photographs: Fotografias}")
        seen = wait_for(lambda: "Fotografias" in page_text(cal, 14))
        chk.ok(seen, "an edit of the extended layout reaches the back page",
               "\n".join(w.builds()) + "\n" + page_text(cal, 14)[:300])
    finally:
        w.proc.send_signal(signal.SIGINT)
        try:
            w.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            w.proc.kill()


def check_watch_sigint_during_build(ctx, chk, tmp, stories):
    """SIGINT while the first build runs: taken once it is over, nothing left behind."""
    out = os.path.join(tmp, "out")
    w = Watch(ctx, os.path.join(stories, "calendar.yaml"), out, tmp)
    # "watching" is printed once Ctrl-C is taken over, before the first build.
    chk.ok(wait_for(lambda: w.text().startswith("watching ")), "watch starts", w.text("err"))
    w.proc.send_signal(signal.SIGINT)
    try:
        code = w.proc.wait(WAIT)
    except subprocess.TimeoutExpired:
        w.proc.kill()
        code = None
    chk.ok(code == 0, "SIGINT during a build ends watch with status 0", f"status {code}")
    chk.ok(len(w.builds()) <= 1 and w.text().rstrip().endswith("stopped"),
           "it stops after the build under way, without another", w.text())
    chk.ok(not stray_files(out, stories) if os.path.isdir(out) else True,
           "and leaves no temporary file", str(stray_files(out, stories)))


RGB_OP = re.compile(rb"(?:^|\s)-?[\d.]+\s+-?[\d.]+\s+-?[\d.]+\s+(?:rg|RG)(?=\s|$)")


def rgb_operators(qdf):
    """The rg/RG operators of a PDF's streams (qdf: qdf_bytes of it)."""
    return RGB_OP.findall(qdf) if qdf else [b"(qpdf cannot read it)"]


def plates(pdf, tmp, dpi=20):
    """Each page separated into C, M, Y and K by Ghostscript, as raw bytes (bitcmyk, 8 bits a
    plate: no header, so no date or name to differ)."""
    stem = os.path.basename(os.path.dirname(pdf)) + "-" + os.path.basename(pdf)
    out = os.path.join(tmp, stem + "-%02d.cmyk")
    p = run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=bitcmyk",
             "-dGrayValues=256", f"-r{dpi}", f"-sOutputFile={out}", pdf])
    if p.returncode != 0:
        return [p.err]
    pages, i = [], 1
    while os.path.isfile(out % i):
        pages.append(read_bytes(out % i))
        i += 1
    return pages


def check_watch_press(ctx, chk, tmp, stories):
    """watch --press (a CMYK intent: vector colours become inks after cairo): the PDF patched
    page by page after an edit, and after a new cmyk() accent, prints exactly as a full render of
    the edited sample does, and holds no RGB colour."""
    manifest = os.path.join(stories, "calendar.yaml")
    out, full = os.path.join(tmp, "watch"), os.path.join(tmp, "full")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1607904000")
    w = Watch(ctx, manifest, out, tmp, ["--press"], env)
    cal = os.path.join(out, "calendar.pdf")
    try:
        chk.ok(len(w.wait_builds(1)) == 1 and os.path.isfile(cal),
               "watch --press makes the PDFs", w.text() + w.text("err"))
        edit(os.path.join(stories, MARCH), OLD_PHRASE, NEW_PHRASE)
        builds = w.wait_builds(2)
        chk.ok(len(builds) == 2 and re.search(r", 1 of 15 drawn\)", builds[1]),
               "after an edit of the March story only its page is drawn again",
               "\n".join(builds) + w.text("err"))
        # A new accent in inks: the RGB values cairo is given for cmyk() colours do not say
        # which inks they stand for, so the pages must be found changed by their inks.
        with open(manifest, "a", encoding="utf-8") as f:
            f.write('layout_overrides:\n  colors:\n    accent: "cmyk(100, 0, 0, 0)"\n')
        builds = w.wait_builds(3)
        chk.ok(len(builds) == 3 and "built in" in builds[2] and
               not re.search(r", 0 of \d+ drawn\)", builds[2]),
               "after a new cmyk() accent in the manifest, pages are drawn again",
               "\n".join(builds) + w.text("err"))
        chk.ok(len(builds) == 3 and "January name (restyled)" in builds[2],
               "and the change report calls the frames in the accent restyled", builds[-1])
    finally:
        code = w.stop()
    chk.ok(code == 0, "SIGINT ends watch with status 0", f"status {code}")
    p = run([ctx.calpress, "render", manifest, "--press", "-o", full], env=env)
    chk.ok(p.returncode == 0, "a full render --press of the edited sample", p.err)
    for name in ("calendar.pdf", "press-release.pdf"):
        patched, whole = os.path.join(out, name), os.path.join(full, name)
        rgb = rgb_operators(qdf_bytes(patched))
        chk.ok(not rgb, f"watch's {name}: no rg/RG operator", str(rgb[:5]))
        a, b = plates(patched, tmp), plates(whole, tmp)
        same = [i + 1 for i in range(min(len(a), len(b))) if a[i] == b[i]]
        chk.ok(len(a) == len(b) and len(same) == len(a) and a,
               f"watch's {name} separates into the same C, M, Y and K plates as a full render, "
               f"page for page ({len(same)} of {len(a)})",
               f"different pages: {[i for i in range(1, len(a) + 1) if i not in same]}")
    chk.ok(has_words(page_text(cal, 4), "beside the tramlines"), "and it holds the edit")
    chk.ok(re.search(rb"(?m)^1 0 0 0 k ", qdf_bytes(cal)), "and the new accent, as cyan ink alone")
def page_png(pdf, page, tmp, name):
    """Page `page` of pdf drawn by poppler at 30 dpi, as PNG bytes."""
    prefix = os.path.join(tmp, name)
    run(["pdftoppm", "-r", "30", "-png", "-singlefile", "-f", str(page), "-l", str(page), pdf,
         prefix])
    return read_bytes(prefix + ".png") if os.path.isfile(prefix + ".png") else None


def png_photo(path, w, h):
    """An 8-bit RGB PNG (not interlaced, opaque: one that passes into a PDF undecoded) with a
    bright square in its upper left on a gradient; returns its IDAT data."""
    rows = []
    for y in range(h):
        base = bytes((x * 200 // w, y * 200 // h, 90)[c] for x in range(0, w, 60) for c in range(3))
        row = b"".join(base[i:i + 3] * 60 for i in range(0, len(base), 3))[:3 * w]
        if h // 6 <= y < h // 3:
            row = row[:3 * (w // 6)] + b"\xf0\xd0\xb0" * (w // 6) + row[3 * (w // 3):]
        rows.append(b"\0" + row)
    idat = zlib.compress(b"".join(rows), 6)

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return idat


def image_streams(pdf):
    """[(dict, raw stream bytes)] of the PDF's image XObjects."""
    p = run(["qpdf", "--json=2", "--json-key=qpdf", pdf])
    objs = json.loads(p.out)["qpdf"][1] if p.returncode in (0, 3) else {}
    out = []
    for key, o in objs.items():
        d = o.get("stream", {}).get("dict", {}) if isinstance(o, dict) else {}
        if d.get("/Subtype") == "/Image":
            num = key.split()[0].replace("obj:", "")
            out.append((d, run(["qpdf", f"--show-object={num}", "--raw-stream-data", pdf]).stdout))
    return out


def link_photos(stories):
    """Turns the copy's link to the sample's photos folder into a folder of links to each photo,
    so that one photo can be replaced; returns (the folder, the sample's photos folder)."""
    photos = os.path.join(stories, "photos")
    real = os.path.realpath(photos)
    os.remove(photos)
    os.mkdir(photos)
    for name in os.listdir(real):
        os.symlink(os.path.join(real, name), os.path.join(photos, name))
    return photos, real


def check_crops(ctx, chk, tmp, stories):
    """Issue 12's crops in the edit loop: a story's photo_focus removed (the crop chosen from the
    picture), its photo replaced by a PNG (chosen from the new picture; passed into the patched
    PDF undecoded), photo_focus given again elsewhere; each time watch lays out and draws April
    alone, reports 'April photo', and the page equals that of a fresh render with an empty
    analysis cache."""
    os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")  # the photo analyses
    photos, _ = link_photos(stories)
    manifest = os.path.join(stories, "calendar.yaml")
    april = os.path.join(stories, APRIL)
    with open(april, encoding="utf-8") as f:
        focus = next(ln for ln in f if ln.startswith("photo_focus:"))
    out = os.path.join(tmp, "out")
    cal = os.path.join(out, "calendar.pdf")
    w = Watch(ctx, manifest, out, tmp)
    idat = []
    steps = [("photo_focus removed", lambda: edit(april, focus, ""), "recropped"),
             ("the photo replaced by a PNG (no photo_focus)",
              lambda: (idat.append(png_photo(os.path.join(tmp, "mitali.png"), 3600, 2700)),
                       os.replace(os.path.join(tmp, "mitali.png"),
                                  os.path.join(photos, "mitali.jpg"))), "new file"),
             ("photo_focus given",
              lambda: edit(april, "photo: photos/mitali.jpg\n",
                                 "photo: photos/mitali.jpg\nphoto_focus: [0.9, 0.9]\n"),
              "recropped")]
    try:
        chk.ok(len(w.wait_builds(1)) == 1, "watch makes the PDFs once at the start",
               w.text() + w.text("err"))
        for i, (what, change, why) in enumerate(steps, start=2):
            before = w.builds()
            change()
            wait_for(lambda: len(w.builds()) > len(before) and
                     f"April photo ({why})" in w.builds()[-1])
            line = w.builds()[-1] if len(w.builds()) > len(before) else ""
            rep = line[line.find("changed since"):] if "changed since" in line else ""
            chk.ok(re.search(r"built in \d+ ms \(1 of 15 pages laid out, 1 of 15 drawn\)", line)
                   and changed_names(rep) == ["April photo"] and f"April photo ({why})" in rep,
                   f"{what}: April alone laid out and drawn again, 'April photo ({why})'",
                   "\n".join(w.builds()) + w.text("err"))
            # A fresh render with analyses of its own, not those watch keeps.
            fresh = os.path.join(tmp, f"fresh-{i}")
            os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, f"cache-{i}")
            p = render(ctx, manifest, fresh, "-q")
            got, want = page_png(cal, 5, tmp, f"w{i}"), page_png(os.path.join(fresh,
                                                                              "calendar.pdf"),
                                                                 5, tmp, f"f{i}")
            chk.ok(p.returncode == 0 and got and got == want,
                   f"{what}: watch's April page is a fresh render's, pixel for pixel", p.err)
            if idat:  # the PNG passes into the PDF watch patched, as into a render's
                imgs = image_streams(cal)
                chk.ok([raw for _, raw in imgs].count(idat[0]) == 1 and
                       not [raw for _, raw in imgs if b"calpress-png" in raw[:40]],
                       f"{what}: the PNG's IDAT data is an image stream of watch's PDF, and no "
                       "stand-in is left", f"{len(imgs)} images")
    finally:
        w.proc.send_signal(signal.SIGINT)
        try:
            w.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            w.proc.kill()


# --------------------------------------------------------------------------------------------
# The change report


def render(ctx, manifest, out, *extra):
    return run([ctx.calpress, "render", manifest, "-o", out, *extra])


def check_report(ctx, chk, tmp, stories):
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "out")
    p = render(ctx, manifest, out)
    n, rep = report_of(p.out)
    chk.ok(p.returncode == 0 and n == 1 and "no earlier proof" in rep,
           "the first render is proof 1, with nothing to compare", p.out + p.err)

    edit(os.path.join(stories, MARCH), OLD_PHRASE, NEW_PHRASE)
    p = render(ctx, manifest, out)
    n, rep = report_of(p.out)
    chk.ok(n == 2 and rep.startswith("changed since proof 1 ("), "the second render is proof 2 "
           "and reports the changes since proof 1", p.out)
    chk.ok(changed_names(rep) == ["March body"], "only the March body is named", rep)
    chk.ok(re.search(r"March body \(reset(: \d+ lines? (longer|shorter))?\)", rep or ""),
           "with the reason: reset, and how many lines longer or shorter", rep)

    p = render(ctx, manifest, out)
    n, rep = report_of(p.out)
    chk.ok(n == 3 and re.fullmatch(r"no changes since proof 2 \(\d{4}-\d\d-\d\d \d\d:\d\d\)",
                                   rep or ""), "a render without edits: 'no changes'", p.out)

    # The photos are a link to the sample's: make a folder of links and replace one photo.
    photos, real = link_photos(stories)
    p = render(ctx, manifest, out)
    chk.ok(report_of(p.out)[1].startswith("no changes"), "photos moved to links: no changes",
           p.out)
    os.remove(os.path.join(photos, "mitali.jpg"))
    shutil.copyfile(os.path.join(real, "ahana.jpg"), os.path.join(photos, "mitali.jpg"))
    p = render(ctx, manifest, out)
    n, rep = report_of(p.out)
    chk.ok(changed_names(rep) == ["April photo"] and "April photo (new file)" in rep,
           "a photo replaced by other bytes: that month's photo is named (new file)", p.out)

    # The slug's date and version do not count.
    edit(manifest, "title: ", "version: second draft\ntitle: ")
    p = render(ctx, manifest, out)
    chk.ok((report_of(p.out)[1] or "").startswith("no changes") and
           "version second draft" in page_text(os.path.join(out, "calendar.pdf"), 2),
           "a new version label (in the slug only) is no change", p.out + p.err)
    p = render(ctx, manifest, out, "--quiet")
    chk.ok(p.returncode == 0 and p.out == "", "--quiet prints no report", p.out)


# --------------------------------------------------------------------------------------------
# diff


def check_diff(ctx, chk, tmp, stories):
    manifest = os.path.join(stories, "calendar.yaml")
    old, new = os.path.join(tmp, "old"), os.path.join(tmp, "new")
    render(ctx, manifest, old)
    shutil.copytree(old, new)
    edit(os.path.join(stories, MARCH), OLD_PHRASE, NEW_PHRASE)
    p = render(ctx, manifest, new)
    _, rep = report_of(p.out)
    d = run([ctx.calpress, "diff", old, new])
    chk.ok(d.returncode == 1, "diff of two folders that differ exits 1",
           f"exit {d.returncode}\n{d.out}{d.err}")
    chk.ok(d.out.strip() == rep, "and prints the report render printed",
           f"diff: {d.out.strip()}\nrender: {rep}")
    d = run([ctx.calpress, "diff", new, new])
    chk.ok(d.returncode == 0 and d.out.startswith("no changes since proof 2"),
           "diff of a folder with itself exits 0: no changes", f"exit {d.returncode}\n{d.out}")
    d = run([ctx.calpress, "diff", os.path.join(old, ".calpress", "build.json"),
             os.path.join(new, ".calpress", "build.json")])
    chk.ok(d.returncode == 1 and d.out.strip() == rep, "build.json files work as folders do",
           d.out + d.err)
    d = run([ctx.calpress, "diff", old])
    chk.ok(d.returncode == 2 and "usage: calpress diff" in d.err, "one argument: usage, exit 2",
           d.err)
    d = run([ctx.calpress, "diff", old, os.path.join(tmp, "nowhere")])
    chk.ok(d.returncode == 2 and "cannot read the build record" in d.err,
           "a missing record: exit 2 with a message", d.err)


# --------------------------------------------------------------------------------------------
# --mark-changes


def check_marks(ctx, chk, tmp, stories):
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "out")
    p = render(ctx, manifest, out, "--mark-changes", "--press")
    chk.ok(p.returncode == 2 and "--mark-changes is for proofs" in p.err and
           not os.path.exists(out), "--mark-changes with --press is a usage error (exit 2)",
           p.err[:300])
    p = render(ctx, manifest, out, "--mark-changes")
    chk.ok(p.returncode == 0 and "no earlier proof" in p.err, "a first proof has nothing to "
           "mark, and says so", p.err)
    edit(os.path.join(stories, MARCH), OLD_PHRASE, NEW_PHRASE)
    p = render(ctx, manifest, out, "--mark-changes")
    cal = os.path.join(out, "calendar.pdf")
    march = page_text(cal, 4)
    chk.ok(re.search(r"CHANGED SINCE PROOF 1 \([^)]*\): body \(reset", march),
           "the March page lists the change in its slug", march[:300])
    others = [page_text(cal, n) for n in (2, 3, 5, 14)]
    chk.ok(not any("CHANGED SINCE" in t for t in others), "pages without changes carry no label")
    # The outline: four 0.75 pt lines in the mark colour on the March page only.
    chk.ok(has_outline(cal, 4) and not has_outline(cal, 5), "the March page has the outline, "
           "April not")
    p = render(ctx, manifest, out)
    chk.ok(report_of(p.out)[1].startswith("no changes"),
           "the marks themselves are no change for the next proof", p.out)


def has_outline(pdf, page):
    """True if the page's content strokes in the mark colour (0.93 0.4 0 RG)."""
    data = qdf_bytes(pdf).decode("latin-1")
    parts = re.split(r"%% Contents for page (\d+)\n", data)
    content = "".join(parts[k + 1] for k in range(1, len(parts), 2) if int(parts[k]) == page)
    return re.search(r"(?<![\d.])0\.93 0\.4 0 RG", content) is not None


# --------------------------------------------------------------------------------------------
# The record itself


def check_record(ctx, chk, tmp, stories):
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "out")
    render(ctx, manifest, out)
    path = os.path.join(out, ".calpress", "build.json")
    with open(path, encoding="utf-8") as f:
        rec = json.load(f)
    chk.ok(rec.get("format") == "calpress build record" and rec.get("version") == 2 and
           rec.get("proof") == 1, "the record names its format, version 2, proof 1",
           json.dumps({k: rec.get(k) for k in ("format", "version", "proof")}))
    docs = rec.get("documents", [])
    chk.ok([d.get("kind") for d in docs] == ["calendar", "press release"] and
           len(docs[0]["pages"]) == 14, "two documents; the calendar has 14 pages")
    march = docs[0]["pages"][3]
    body = next((f for f in march["frames"] if f["frame"] == "body"), {})
    chk.ok(march["label"] == "March" and body.get("name") == "March body" and
           re.fullmatch(r".*shefali\.yaml:\d+", body.get("source") or "") and
           re.fullmatch(r"[0-9a-f]{16}", body.get("hash", "")) and body.get("lines", 0) > 5,
           "the March body: its name, the story line it came from, a hash, its lines",
           json.dumps(body))
    frames = {f["frame"] for p in docs[0]["pages"] for f in p["frames"]}
    chk.ok(not frames & {"slug", "watermark", "overlay", "changes"},
           "slug, watermark and overlay are not frames", str(sorted(frames)))
    # A damaged record: a warning, and the numbering starts again.
    with open(path, "w") as f:
        f.write('{"format": "calpress build record", "version": 1, "proof": ')
    p = render(ctx, manifest, out)
    chk.ok(p.returncode == 0 and "warning: not a usable build record" in p.err and
           report_of(p.out)[0] == 1, "a damaged record is a warning; numbering starts again",
           p.out + p.err)
    rec["version"] = 99
    with open(path, "w") as f:
        json.dump(rec, f)
    p = render(ctx, manifest, out)
    chk.ok(p.returncode == 0 and "written by a newer calpress" in p.err,
           "a newer record's version is named in the warning", p.err)
    d = run([ctx.calpress, "diff", out, out])
    chk.ok(d.returncode == 0, "the record rewritten by this calpress reads again", d.err)


# --------------------------------------------------------------------------------------------
# preview --pages and --trim


def png_size(path):
    data = read_bytes(path)[:24]
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def check_preview(ctx, chk, tmp, stories):
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "p")
    p = run([ctx.calpress, "preview", manifest, "-o", out, "--pages", "3,5-7"])
    chk.ok(p.returncode == 0 and sorted(os.listdir(out)) ==
           ["calendar-03.png", "calendar-05.png", "calendar-06.png", "calendar-07.png"],
           "--pages 3,5-7 draws calendar pages 3, 5, 6 and 7 only",
           f"{p.out}{p.err}{os.listdir(out) if os.path.isdir(out) else ''}")
    out2 = os.path.join(tmp, "p2")
    p = run([ctx.calpress, "preview", manifest, "-o", out2, "--pages", "p1,14", "--trim",
             "--dpi", "72"])
    files = sorted(os.listdir(out2)) if os.path.isdir(out2) else []
    chk.ok(p.returncode == 0 and files == ["calendar-14.png", "press-release-1.png"],
           "--pages p1,14: the press release's first page and the back", f"{files}\n{p.err}")
    if files:
        w, h = png_size(os.path.join(out2, "calendar-14.png"))
        chk.ok((w, h) == (842, 1191), "--trim at 72 dpi: the A3 trim, 842 x 1191 px, no bleed "
               "or slug", f"{w} x {h}")
        w, h = png_size(os.path.join(out2, "press-release-1.png"))
        chk.ok((w, h) == (596, 842), "and the A4 press release, 596 x 842 px", f"{w} x {h}")
    p = run([ctx.calpress, "preview", manifest, "-o", out2, "--pages", "15"])
    chk.ok(p.returncode == 1 and "--pages asks for calendar page 15, but it has 14 pages"
           in p.err, "a page that does not exist: exit 1 with a message", p.err)
    p = run([ctx.calpress, "preview", manifest, "-o", out2, "--pages", "5-3"])
    chk.ok(p.returncode == 2 and "--pages needs a list" in p.err, "a bad list: usage, exit 2",
           p.err[:200])


def check_watch_pair(ctx, chk, tmp, stories):
    """watch replaces the two PDFs as a unit, as render does: when the press release cannot be
    put in place, the calendar stays the last good one too."""
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "out")
    cal, press = os.path.join(out, "calendar.pdf"), os.path.join(out, "press-release.pdf")
    w = Watch(ctx, manifest, out, tmp)
    try:
        builds = w.wait_builds(1)
        if not chk.ok(len(builds) == 1 and "built in" in builds[0], "watch builds once",
                      w.text() + w.text("err")):
            return
        good = read_bytes(cal)
        os.remove(press)
        os.mkdir(press)  # a folder where the press release should go
        edit(os.path.join(stories, MARCH), OLD_PHRASE, NEW_PHRASE)
        builds = w.wait_builds(2)
        chk.ok(len(builds) >= 2 and "not built" in builds[1],
               "a press release that cannot be replaced fails the build", "\n".join(builds))
        chk.ok(read_bytes(cal) == good, "the calendar is still the last good one, byte for byte")
        chk.ok("press-release.pdf" in w.text("err"), "the error names the press release",
               w.text("err"))
        os.rmdir(press)
        edit(os.path.join(stories, MARCH), NEW_PHRASE, NEW_PHRASE + " and the river")
        builds = w.wait_builds(3)
        chk.ok(len(builds) >= 3 and "built in" in builds[2] and os.path.isfile(press) and
               has_words(page_text(cal, 4), "beside the tramlines and the river"),
               "with the folder gone, both are written again", "\n".join(builds))
    finally:
        code = w.stop()
    chk.ok(code == 0, "SIGINT ends watch with status 0", f"status {code}")
    left = stray_files(out, stories)
    chk.ok(not left, "no stray file is left", str(left))


# --------------------------------------------------------------------------------------------
# render reusing the last proof's pages (issue 11, item 5)

USED = re.compile(r"^laid out (\d+) of (\d+) pages \((\d+) reused from the last proof\); "
                  r"drew (\d+) of (\d+) PDF pages$", re.M)


def used(out):
    """(laid out, reused, drawn, all PDF pages) from render --verbose's line, or None."""
    m = USED.search(out)
    return (int(m.group(1)), int(m.group(3)), int(m.group(4)), int(m.group(5))) if m else None


def print_checks():
    """tests/print's helpers (page boxes), to check a patched PDF as a render's is checked."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "print"))
    import test_print  # noqa: E402
    return test_print


def all_texts(pdf):
    n = pdf_page_count(pdf)
    return [page_text(pdf, i) for i in range(1, n + 1)]


def pdf_page_count(pdf):
    p = run(["pdfinfo", pdf])
    m = re.search(r"^Pages:\s+(\d+)", p.out, re.M)
    return int(m.group(1)) if m else 0


def fonts_embedded(pdf):
    """(all embedded, the pdffonts table): every font's 'emb' column says yes."""
    p = run(["pdffonts", pdf])
    rows = p.out.splitlines()[2:]
    return bool(rows) and all(re.search(r"\byes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", r)
                              for r in rows), p.out


def check_reuse(ctx, chk, tmp, stories):
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "out")
    cal, press = os.path.join(out, "calendar.pdf"), os.path.join(out, "press-release.pdf")
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15),
           "the first render lays out and draws every page", p.out + p.err)
    before = all_texts(cal)
    before_press = all_texts(press)

    edit(os.path.join(stories, MARCH), OLD_PHRASE, NEW_PHRASE)
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (1, 14, 1, 15),
           "after a March edit only March is laid out and drawn (14 pages reused)",
           p.out + p.err)
    chk.ok(changed_names(report_of(p.out)[1]) == ["March body"],
           "the change report names the March body alone", p.out)
    after = all_texts(cal)
    chk.ok(len(after) == 14 and has_words(after[3], "beside the tramlines"),
           "the PDF's March page has the new text", after[3][:400] if len(after) > 3 else "")
    chk.ok(len(after) == 14 and all(after[i] == before[i] for i in range(14) if i != 3),
           "every other page's text is the old PDF's")
    chk.ok(all_texts(press) == before_press, "the press release is the old one")
    for pdf in (cal, press):
        ok, table = fonts_embedded(pdf)
        chk.ok(ok, f"pdffonts: every font of the patched {os.path.basename(pdf)} is embedded",
               table)
        q = run(["qpdf", "--check", pdf])
        chk.ok(q.returncode == 0, f"qpdf --check passes on the patched {os.path.basename(pdf)}",
               q.out[-800:] + q.err[-800:])
    tp = print_checks()
    boxes, _ = tp.pdfinfo_boxes(cal, 1, 14)
    sub = Checks("boxes")
    for pg in range(1, 15):
        tp.check_box_set(sub, f"page {pg}", boxes.get(pg, {}), "calendar", 0.0151)
    chk.ok(sub.failed == 0 and sub.passed > 0, "the patched calendar's page boxes are a render's",
           f"{sub.failed} box checks failed")
    marks = run(["pdftotext", "-f", "4", "-l", "4", "-layout", cal, "-"])
    chk.ok("calendar.pdf" in marks.out and "page 4 of 14" in marks.out,
           "the redrawn page has its slug: file name, page 4 of 14", marks.out[-600:])

    # No edit: everything reused, nothing drawn.
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (0, 15, 0, 15) and
           report_of(p.out)[1].startswith("no changes"),
           "a render without edits reuses every page: 'no changes'", p.out + p.err)
    reused = all_texts(cal)

    # --fresh: everything again, the same pages.
    p = render(ctx, manifest, out, "--fresh", "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15),
           "--fresh lays out and draws every page", p.out + p.err)
    chk.ok(all_texts(cal) == reused, "--fresh gives the same page texts as the reused PDF")
    chk.ok(report_of(p.out)[1].startswith("no changes"), "--fresh: no changes reported", p.out)

    # A bad input writes nothing and leaves the PDFs and the record as they were.
    files = {f: read_bytes(f) for f in (cal, press, os.path.join(out, ".calpress", "build.json"))}
    edit(os.path.join(stories, MARCH), "headline: A house", "headline: [A house")
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 1 and "nothing was written" in p.err and
           all(read_bytes(f) == b for f, b in files.items()),
           "a YAML error: exit 1, the PDFs and the record untouched", p.out + p.err)
    edit(os.path.join(stories, MARCH), "headline: [A house", "headline: A house")

    # A never-print list with a word of a page that is reused: the list is new, so every page
    # is checked again, and nothing is written.
    listing = os.path.join(tmp, "never.txt")
    with open(listing, "w", encoding="utf-8") as f:
        f.write("Kolkata\n")
    p = render(ctx, manifest, out, "--never-print", listing, "--verbose")
    chk.ok(p.returncode == 1 and "never-print list" in p.err and
           all(read_bytes(f) == b for f, b in files.items()),
           "a new never-print list finds a word on an unchanged page: exit 1, nothing written",
           p.out + p.err)

    # --press builds whole, and the next proof is built whole too (a press record keeps none).
    p = render(ctx, manifest, out, "--press", "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15), "--press builds every page",
           p.out + p.err)
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15),
           "a proof after a press build builds every page", p.out + p.err)


def jpeg_with_segment(data, segment):
    """The JPEG data with a marker segment (b"\\xff\\xe1" + length + payload) after its SOI."""
    assert data[:2] == b"\xff\xd8"
    return data[:2] + segment + data[2:]


def app_segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def exif_orientation(value):
    """An EXIF APP1 segment holding one tag, Orientation (0x0112) = value."""
    ifd = struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, value, 0) + b"\0\0\0\0"
    return app_segment(0xE1, b"Exif\0\0" + b"MM\0*" + struct.pack(">I", 8) + ifd)


def check_reuse_photo_meta(ctx, chk, tmp, stories):
    """A photo's pages are keyed by what they can show of it: an edit of metadata they never show
    (a comment) reuses March's page; an EXIF orientation, which turns the photo, lays it out
    again."""
    photos, _ = link_photos(stories)
    photo = os.path.join(photos, "shefali.jpg")
    original = read_bytes(photo)
    os.remove(photo)
    with open(photo, "wb") as f:
        f.write(original)
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "out")
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15),
           "the first render lays out and draws every page", p.out + p.err)
    with open(photo, "wb") as f:
        f.write(jpeg_with_segment(original, app_segment(0xFE, b"edited by the retoucher")))
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (0, 15, 0, 15),
           "a comment added to March's photo: every page reused", p.out + p.err)
    with open(photo, "wb") as f:
        f.write(jpeg_with_segment(original, exif_orientation(6)))
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (1, 14, 1, 15),
           "an EXIF orientation added to March's photo: March laid out and drawn again",
           p.out + p.err)
    p = render(ctx, manifest, out, "--fresh", "--verbose")
    fresh = all_texts(os.path.join(out, "calendar.pdf"))
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15) and len(fresh) == 14,
           "--fresh after it lays out every page", p.out + p.err)


def check_watch_record(ctx, chk, tmp, stories):
    """render, watch and render again over unchanged files: watch's build record hashes the
    photos as render's does, so neither reports a change."""
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "out")
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0, "the first render exits 0", p.out + p.err)
    w = Watch(ctx, manifest, out, tmp)
    try:
        builds = w.wait_builds(1)
        chk.ok(len(builds) == 1 and "no changes since proof 1" in builds[0],
               "watch after a render: no changes", w.text() + w.text("err"))
    finally:
        w.stop()
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and report_of(p.out)[1].startswith("no changes"),
           "render after watch: no changes", p.out + p.err)


def check_reuse_damaged(ctx, chk, tmp, stories):
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "out")
    cal = os.path.join(out, "calendar.pdf")
    record = os.path.join(out, ".calpress", "build.json")
    p = render(ctx, manifest, out)
    want = all_texts(cal)

    # Truncated: a full render, a whole PDF.
    data = read_bytes(cal)
    with open(cal, "wb") as f:
        f.write(data[:len(data) // 2])
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15),
           "a truncated old PDF: every page laid out and drawn", p.out + p.err)
    chk.ok(run(["qpdf", "--check", cal]).returncode == 0 and all_texts(cal) == want,
           "the PDF is whole again, with every page")

    # Edited by hand: the same size and time, other bytes.
    data = bytearray(read_bytes(cal))
    st = os.stat(cal)
    data[len(data) // 2] ^= 0x01  # a byte inside a page's stream
    with open(cal, "wb") as f:
        f.write(bytes(data))
    os.utime(cal, ns=(st.st_atime_ns, st.st_mtime_ns))
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15),
           "an old PDF edited by hand (same size and time): a full render", p.out + p.err)

    # Not a PDF at all, and the record describing it.
    with open(cal, "wb") as f:
        f.write(b"not a pdf")
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15) and
           run(["qpdf", "--check", cal]).returncode == 0,
           "garbage in place of the PDF: a full render", p.out + p.err)

    # A record of another calpress: ignored for reuse (the change report still reads it).
    with open(record, encoding="utf-8") as f:
        rec = json.load(f)
    rec["generator"] = "calpress 0.0.1"
    with open(record, "w", encoding="utf-8") as f:
        json.dump(rec, f)
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15) and
           report_of(p.out)[1].startswith("no changes"),
           "a record from another calpress version: nothing reused, changes still reported",
           p.out + p.err)

    # A version 1 record (no kept pages): a full render.
    rec = json.load(open(record, encoding="utf-8"))
    rec["version"] = 1
    del rec["reuse"]
    with open(record, "w", encoding="utf-8") as f:
        json.dump(rec, f)
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15) and "warning" not in p.err,
           "a version 1 record: read without a warning, nothing reused", p.out + p.err)

    # The record's kept pages damaged: a warning, numbering again, a full render.
    with open(record, "w") as f:
        f.write('{"format": "calpress build record", "version": 2, "reuse": {"context": 7')
    p = render(ctx, manifest, out, "--verbose")
    chk.ok(p.returncode == 0 and used(p.out) == (15, 0, 15, 15) and
           "not a usable build record" in p.err, "a damaged record: a full render", p.out + p.err)
    chk.ok(all_texts(cal) == want, "the pages are those of the first render")


def check_reuse_warnings(ctx, chk, tmp, stories):
    """Warnings of reused pages are given again: the same text in the same order."""
    mkphotos = os.path.join(os.path.dirname(ctx.calpress), "mkphotos")
    photos, _ = link_photos(stories)
    # April: a small photo with an EXIF orientation (low resolution, metadata removed); May: a
    # CMYK photo (not for an sRGB proof).
    os.remove(os.path.join(photos, "mitali.jpg"))
    made = run([mkphotos, "--one", "600", "400", "3", "2", os.path.join(photos, "mitali.jpg"),
                "--orientation", "6"])
    may = re.search(r"^photo: (photos/\S+)$", open(os.path.join(stories, "anjali.yaml"),
                                                   encoding="utf-8").read(), re.M)
    cmyk = os.path.join(stories, "photos", "may-cmyk.jpg")
    made2 = run([mkphotos, "--one", "900", "1200", "1", "1", cmyk, "--cmyk"])
    if may:
        edit(os.path.join(stories, "anjali.yaml"), may.group(0), "photo: photos/may-cmyk.jpg")
    chk.ok(made.returncode == 0 and made2.returncode == 0 and may,
           "test photos made (mkphotos)", made.err + made2.err)
    manifest = os.path.join(stories, "calendar.yaml")
    out = os.path.join(tmp, "out")
    cold = render(ctx, manifest, out, "--verbose")
    chk.ok(cold.returncode == 0 and "warning:" in cold.err and "note:" in cold.err,
           "the inputs give warnings and notes", cold.err)
    edit(os.path.join(stories, MARCH), OLD_PHRASE, NEW_PHRASE)
    again = render(ctx, manifest, out, "--verbose")
    chk.ok(again.returncode == 0 and used(again.out) == (1, 14, 1, 15),
           "the render after a March edit reuses 14 pages", again.out + again.err)
    chk.ok(again.err == cold.err, "its messages are the cold render's, in the same order",
           "cold:\n" + cold.err + "\nreuse:\n" + again.err)
    fresh = render(ctx, manifest, out, "--fresh")
    chk.ok(fresh.err == again.err, "and a --fresh render's", fresh.err)


# --------------------------------------------------------------------------------------------
# The logo (an SVG) edited: under watch and between renders

LOGO_OLD = "#"  # every colour of the sample's logo is a hex value


def new_logo(path):
    """Replaces the SVG's artwork by a different one (a red square and a word), same size."""
    text = open(path, encoding="utf-8").read()
    m = re.search(r"<svg[^>]*>", text, re.S)
    with open(path + ".new", "w", encoding="utf-8") as f:
        f.write(m.group(0) + '<rect x="0" y="0" width="100%" height="100%" fill="#d01010"/>'
                '<text x="10" y="40" font-family="Inter" font-size="30">NEWLOGO</text></svg>\n')
    os.replace(path + ".new", path)  # an editor's save-by-rename


def check_logo(ctx, chk, tmp, stories):
    manifest = os.path.join(stories, "calendar.yaml")
    logo = os.path.join(stories, "logo.svg")
    saved = read_bytes(logo)
    # Two renders with a changed logo between them.
    out = os.path.join(tmp, "out")
    render(ctx, manifest, out)
    new_logo(logo)
    p = render(ctx, manifest, out)
    rep = report_of(p.out)[1] or ""
    chk.ok(p.returncode == 0 and "press release logo (new file)" in rep,
           "render after a logo edit: the report names the press release logo", p.out + p.err)
    press = os.path.join(out, "press-release.pdf")
    chk.ok("NEWLOGO" in page_text(press, 1), "the press release has the new logo",
           page_text(press, 1)[:300])
    with open(logo, "wb") as f:
        f.write(saved)

    # Under watch.
    wout = os.path.join(tmp, "wout")
    wpress = os.path.join(wout, "press-release.pdf")
    w = Watch(ctx, manifest, wout, tmp)
    try:
        builds = w.wait_builds(1)
        chk.ok(len(builds) == 1 and "built in" in builds[0], "watch builds once",
               w.text() + w.text("err"))
        time.sleep(0.3)
        new_logo(logo)
        builds = w.wait_builds(2)
        chk.ok(len(builds) >= 2 and "press release logo (new file)" in builds[1],
               "watch: a logo edit is reported as the press release logo",
               "\n".join(builds) + w.text("err"))
        chk.ok(wait_for(lambda: "NEWLOGO" in page_text(wpress, 1)),
               "watch: the press release PDF has the new logo", page_text(wpress, 1)[:300])
    finally:
        code = w.stop()
    chk.ok(code == 0, "watch stops cleanly", f"status {code}")


def shaping_entries(cache):
    """The keys in the calendar's shapings files (shaping-ID.bin) of a cache folder: {key:
    glyph bytes}; empty when there is none."""
    entries = {}
    for path in glob.glob(os.path.join(cache, "shaping-*.bin")):
        data = read_bytes(path)
        if len(data) < 32:
            continue
        n, _ = struct.unpack_from("<II", data, 12)
        at = 24 + n * 24
        for i in range(n):
            first, count = struct.unpack_from("<II", data, 24 + i * 24 + 16)
            entries[data[24 + i * 24:24 + i * 24 + 16]] = data[at + first * 28:
                                                               at + (first + count) * 28]
    return entries


def check_watch_shapings(ctx, chk, tmp, stories):
    """Under watch, the calendar's shapings file is written at the end of each build: a word put
    into a story and taken out again is gone from it two builds later (every entry is one a
    render and a check of the final text make in a fresh cache folder); a build that finds a
    never-print word removes the file at once, while watch goes on."""
    manifest = os.path.join(stories, "calendar.yaml")
    cache = os.path.join(tmp, "cache")
    names = os.path.join(tmp, "never.txt")
    with open(names, "w", encoding="utf-8") as f:
        f.write("Zanzibarquist\n")
    env = dict(os.environ, CALPRESS_CACHE_DIR=cache, SOURCE_DATE_EPOCH="1700000000")
    march, april = os.path.join(stories, MARCH), os.path.join(stories, APRIL)
    w = Watch(ctx, manifest, os.path.join(tmp, "out"), tmp, env=env)
    try:
        chk.ok(len(w.wait_builds(1)) == 1 and shaping_entries(cache),
               "the first build writes the calendar's shapings", w.text("err"))
        edit(march, OLD_PHRASE, NEW_PHRASE + " named Wintermere")
        chk.ok(len(w.wait_builds(2)) == 2, "a build with a new word", w.text("err"))
        edit(march, NEW_PHRASE + " named Wintermere", OLD_PHRASE)
        chk.ok(len(w.wait_builds(3)) == 3, "a build with the word taken out", w.text("err"))
        with open(april, "a", encoding="utf-8") as f:  # builds that shape no new text
            f.write("# one\n")
        w.wait_builds(4)
        edit(april, "# one", "# two")
        builds = w.wait_builds(5)
        chk.ok(len(builds) == 5 and all("built in" in b for b in builds),
               "two more builds", "\n".join(builds) + w.text("err"))
        got = shaping_entries(cache)
        fresh = os.path.join(tmp, "cache-fresh")
        fenv = dict(env, CALPRESS_CACHE_DIR=fresh)
        r = run([ctx.calpress, "render", manifest, "-q", "-o", os.path.join(tmp, "out-fresh")],
                env=fenv)
        c = run([ctx.calpress, "check", manifest, "-q"], env=fenv)
        want = shaping_entries(fresh)
        extra = [k for k in got if got[k] != want.get(k)]
        chk.ok(r.returncode == 0 and c.returncode == 0 and got and not extra,
               f"two builds after the word went, every shaping kept is one of the final text "
               f"({len(got)} kept, {len(extra)} others)", r.err + c.err)
    finally:
        code = w.stop()
    chk.ok(code == 0, "watch stops cleanly", f"status {code}")
    w = Watch(ctx, manifest, os.path.join(tmp, "out"), tmp, ["--never-print", names], env=env)
    try:
        chk.ok(len(w.wait_builds(1)) == 1 and shaping_entries(cache),
               "watch with a never-print list: the first build keeps the shapings")
        edit(march, OLD_PHRASE, OLD_PHRASE + " with Zanzibarquist")
        builds = w.wait_builds(2)
        chk.ok(len(builds) == 2 and "not built" in builds[1] and w.proc.poll() is None,
               "a never-print word: the build fails and watch goes on", "\n".join(builds))
        chk.ok(not glob.glob(os.path.join(cache, "shaping-*")),
               "the failed build removed the calendar's shapings at once, watch still running",
               str(os.listdir(cache)))
    finally:
        code = w.stop()
    chk.ok(code == 0, "watch stops cleanly", f"status {code}")


CHECKS = {"watch": check_watch, "watch-shapings": check_watch_shapings, "watch-extends": check_watch_extends,
          "watch-sigint": check_watch_sigint_during_build,
          "watch-press": check_watch_press, "watch-pair": check_watch_pair, "crops": check_crops,
          "report": check_report, "diff": check_diff, "marks": check_marks,
          "record": check_record, "preview": check_preview, "reuse": check_reuse,
          "reuse-damaged": check_reuse_damaged, "reuse-warnings": check_reuse_warnings,
          "reuse-photo-meta": check_reuse_photo_meta, "watch-record": check_watch_record,
          "logo": check_logo}


class Ctx:
    pass


def main(argv):
    args = argv[1:]
    keep = "--keep" in args
    if keep:
        args.remove("--keep")
    if len(args) != 3 or args[2] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    ctx = Ctx()
    ctx.calpress = os.path.abspath(args[0])
    ctx.src = os.path.abspath(args[1])
    name = args[2]
    chk = Checks(name)
    tmp, stories = sample_copy(ctx.src, f"calpress-editloop-{name}-")
    return run_in_tmp(f"editloop/{name}", chk, lambda tmp: CHECKS[name](ctx, chk, tmp, stories),
                      keep, tmp=tmp)

if __name__ == "__main__":
    sys.exit(main(sys.argv))
