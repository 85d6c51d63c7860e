#!/usr/bin/env python3
"""The never-print list on the sample (docs/safety.md).

usage: test_never_print.py CALPRESS SOURCE_DIR ICC

A made-up surname on the list is written into January's story where hyphenation splits it
across two lines of the body (checked in the --dump-layout output): `check`, `render` and
`preview` with --never-print stop with exit status 1 and one error at the body's line, naming
the frame and showing the name whole, and write nothing. A place on the list in the press
release, in a missing photo's file name (a placeholder's label) and in the output intent's
condition name is found too; --never-print and the manifest's never_print add up. With the
name removed the runs succeed, and the PDFs carry neither the list's path nor its entries.
No message ever shows an entry that the text does not use.

The sheets (calpress sheet) show the photos' file names: a place on the list in a file name
stops sheet, though render and export, which print no file names, pass. A photo named by an
absolute path shows by its file name only: a listed place in its folders is neither matched
nor written, nor is any folder of the machine.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks  # noqa: E402
import proc  # noqa: E402
from proc import edit, entries, qdf_bytes  # noqa: E402
from sample import sample_copy  # noqa: E402

SURNAME = "Wintermantelson"
# Entries no text uses: they must appear in no message, no output, no file.
SECRETS = ["Ishita Quillfeather", "Zorvandel Street", "Kestrelmoor Lane"]
LIST = f"""# Real names and places that must never be printed.
{SURNAME}   # the January story's real surname
Sonagachi
{SECRETS[0]}
{SECRETS[1]}  # a street
  {SECRETS[2]}
"""


def run(calpress, args, cwd):
    env = dict(os.environ, LC_ALL="C", SOURCE_DATE_EPOCH="1608000000")
    env.pop("CALPRESS_DATADIR", None)
    p = proc.run([calpress] + args, cwd=cwd, env=env, timeout=120)
    return p.returncode, p.out, p.err




def no_secrets(chk, what, *texts):
    joined = "\n".join(texts).lower()
    found = [s for s in SECRETS if s.lower() in joined or s.split()[-1].lower() in joined]
    chk.ok(not found, f"{what}: no unused entry of the list appears", f"found {found}")


def split_in_dump(dump, word):
    """The two halves when some line of the January body ends in a hyphenated part of word."""
    lines = [m.group(1) for m in re.finditer(r'^  body text .* "(.*)"$', dump, re.M)]
    for a, b in zip(lines, lines[1:]):
        if not a.endswith("-") or not b:
            continue
        head, tail = a.split()[-1][:-1], b.split()[0]
        joined = head + tail
        if len(head) > 1 and joined.startswith(word) and not joined[len(word):][:1].isalpha():
            return head, tail
    return None


def body_line(path):
    """Line and column of the value of 'body:' in a story file (a block scalar: '|')."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("body:"):
                return n, line.index("|") + 1
    raise AssertionError(f"no body in {path}")




# Places in January's story for the surname, tried in turn until hyphenation splits it across
# two lines (where the lines break depends on the layout: a3-portrait grows a short story).
PLACES = ["on the edge of Kolkata", "a garment unit on", "kurtas and school", "plans the day's",
          "disputes that any", "busy workroom produces"]


def test_hyphenated(chk, calpress, d, lst, tmp):
    neha = os.path.join(d, "neha.yaml")
    with open(neha, encoding="utf-8") as f:
        original = f.read()
    for place in PLACES:
        head, tail = place.rsplit(" ", 1)
        with open(neha, "w", encoding="utf-8") as f:
            f.write(original.replace(place, f"{head} Mrs {SURNAME}'s {tail}", 1))
        rc, out, err = run(calpress, ["check", "calendar.yaml", "--dump-layout", "-"], d)
        halves = split_in_dump(out, SURNAME)
        if rc != 0 or halves:
            break
    chk.ok(rc == 0, "without the list the edited sample checks", err)
    if not chk.ok(halves, f"hyphenation splits {SURNAME} across two lines of the body",
                  "no body line ends in a part of it; move the name in the test"):
        return
    chk.note(f"the body sets '{halves[0]}-' / '{halves[1]}'")
    line, col = body_line(neha)
    want = (f"neha.yaml:{line}:{col}: error: \"{SURNAME}\" is on the never-print list: frame "
            "'body' would print it on page 2 (January) of calendar.pdf\n"
            "calpress: 1 error; nothing was written\n")
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--never-print", lst], d)
    chk.ok(rc == 1, f"check: exit status 1 (got {rc})")
    chk.ok(err == want, "check: one error at the body, the name whole, the frame named",
           f"expected:\n{want}got:\n{err}")
    chk.ok(out == "", "check: no copy-fit report when the list matches", out)
    no_secrets(chk, "check", out, err)

    outdir = os.path.join(tmp, "out")
    rc, out, err = run(calpress, ["render", "calendar.yaml", "-o", outdir,
                                  f"--never-print={lst}"], d)
    chk.ok(rc == 1 and err == want, "render: the same error, exit status 1", f"{rc}\n{err}")
    chk.ok(entries(outdir) == [], "render: nothing written", entries(outdir))
    no_secrets(chk, "render", out, err)

    # The first half alone is not a word of the text: the lines are joined before matching.
    half = os.path.join(tmp, "half.txt")
    with open(half, "w", encoding="utf-8") as f:
        f.write(halves[0] + "\n")
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--never-print", half], d)
    chk.ok(rc == 0, f"'{halves[0]}', the half before the break, is not matched", err)

    pngs = os.path.join(tmp, "png")
    rc, out, err = run(calpress, ["preview", "calendar.yaml", "-o", pngs, "--dpi", "10",
                                  "--never-print", lst], d)
    chk.ok(rc == 1 and err == want, "preview: the same error, exit status 1", f"{rc}\n{err}")
    chk.ok(entries(pngs) == [], "preview: no image written", entries(pngs))

    # The name gone, the same list lets everything through.
    edit(neha, f"Mrs {SURNAME}'s ", "")
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--never-print", lst], d)
    chk.ok(rc == 0, f"check: with the name removed, exit status 0 (got {rc})", err)
    no_secrets(chk, "check without the name", out, err)
    rc, out, err = run(calpress, ["render", "calendar.yaml", "-o", outdir, "--press",
                                  "--never-print", lst], d)
    chk.ok(rc == 0 and entries(outdir) == ["calendar.pdf", "press-release.pdf"],
           "render: with the name removed, both PDFs are written", f"{rc} {entries(outdir)}\n{err}")
    no_secrets(chk, "render without the name", out, err)
    for name in ("calendar.pdf", "press-release.pdf"):
        data = qdf_bytes(os.path.join(outdir, name)).lower()
        chk.ok(data, f"{name}: qpdf reads it")
        text = subprocess.run(["pdftotext", os.path.join(outdir, name), "-"],
                              stdout=subprocess.PIPE, check=True).stdout.lower()
        leaks = [s for s in [os.path.basename(lst), lst] + SECRETS + [SURNAME, "sonagachi"]
                 if s.lower().encode() in data or s.lower().encode() in text]
        chk.ok(not leaks, f"{name}: neither the list's path nor its entries are in the file",
               leaks)


def test_more_places(chk, calpress, d, lst, tmp, icc):
    """The press release, a placeholder's label, the output intent and the manifest's key."""
    press = os.path.join(d, "press-release.yaml")
    edit(press, "today launched its", "today, in Sonagachi, launched its")
    line, col = body_line(press)
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--never-print", lst], d)
    want = (f"press-release.yaml:{line}:{col}: error: \"Sonagachi\" is on the never-print list: "
            "frame 'body' would print it on page 1 (press 1) of press-release.pdf\n")
    chk.ok(rc == 1 and err == want + "calpress: 1 error; nothing was written\n",
           "the press release's body: an error at its line", err)

    # The list in the manifest (never_print:) and on the command line add up.
    other = os.path.join(tmp, "other.txt")
    with open(other, "w", encoding="utf-8") as f:
        f.write("Priya\n")
    cal = os.path.join(d, "calendar.yaml")
    edit(cal, "year: 2021\n", f"year: 2021\nnever_print: {lst}\n")
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--never-print", other], d)
    chk.ok(rc == 1 and want in err and '"Priya" is on the never-print list' in err,
           "--never-print and the manifest's never_print together: the entries of both", err)
    edit(press, "today, in Sonagachi, launched its", "today launched its")
    rc, out, err = run(calpress, ["check", "calendar.yaml"], d)
    chk.ok(rc == 0, "the manifest's list alone: the sample passes", err)

    # A condition name for the output intent is written into the PDF's metadata.
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--icc", icc, "--condition",
                                  "Sonagachi Press"], d)
    want = ("calpress: error: \"Sonagachi\" is on the never-print list: it would be written into "
            "the output intent's condition name of calendar.pdf\n")
    # (Under the CMYK intent, check also notes which photos are taken as sRGB.)
    errors = [ln + "\n" for ln in err.splitlines() if ": error: " in ln]
    chk.ok(rc == 1 and errors == [want], "--condition: the metadata is searched too", err)

    # A missing photo's file name, on a placeholder's label (proofs only).
    neha = os.path.join(d, "neha.yaml")
    edit(neha, "photo: photos/neha.jpg", "photo: photos/sonagachi-shelter.jpg")
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--placeholders"], d)
    chk.ok(rc == 1 and "frame 'placeholder' would print it on page 2 (January)" in err,
           "a placeholder's label (the photo's file name) is searched", err)
    no_secrets(chk, "more places", out, err)
    edit(neha, "photo: photos/sonagachi-shelter.jpg", "photo: photos/neha.jpg")
    edit(cal, f"never_print: {lst}\n", "")


def pdf_words(pdf):
    """The PDF's bytes with every stream uncompressed, and its text, in lower case."""
    data = qdf_bytes(pdf).lower()
    assert data, f"qpdf cannot read {pdf}"
    text = subprocess.run(["pdftotext", pdf, "-"], stdout=subprocess.PIPE, check=True).stdout
    return data + b"\n" + text.lower()


def test_sheets(chk, calpress, d, lst, tmp):
    """calpress sheet and export: the sheets name the photos' files."""
    neha = os.path.join(d, "neha.yaml")
    # Beside the stories, not in photos/: that is a link to the source tree's photos.
    shutil.copy(os.path.join(d, "photos", "neha.jpg"), os.path.join(d, "sonagachi-shelter.jpg"))
    edit(neha, "photo: photos/neha.jpg", "photo: sonagachi-shelter.jpg")
    line = next(n for n, s in enumerate(open(neha, encoding="utf-8"), 1) if s.startswith("photo:"))
    out = os.path.join(tmp, "np-out")
    rc, _, err = run(calpress, ["render", "calendar.yaml", "-o", out, "--never-print", lst], d)
    chk.ok(rc == 0, "render: a listed place in a photo's file name is not printed: exit 0", err)
    sheets = os.path.join(tmp, "sheets")
    rc, sout, err = run(calpress, ["sheet", "calendar.yaml", "-o", sheets, "-q",
                                   "--never-print", lst], d)
    want = (f"neha.yaml:{line}:8: error: \"sonagachi\" is on the never-print list: frame 'sheet' "
            "would print it on page 2 (crops 2) of crops.pdf\n"
            "calpress: 1 error; nothing was written\n")
    chk.ok(rc == 1 and err == want, "sheet: the file name on the crop sheet is an error at the "
           "photo's line, exit 1", f"{rc}\n{err}")
    chk.ok(not os.path.exists(sheets), "sheet: nothing written, no folder made",
           entries(sheets))
    no_secrets(chk, "sheet", sout, err)
    exp = os.path.join(tmp, "export")
    rc, _, err = run(calpress, ["export", "calendar.yaml", "-o", exp, "--social", "--web", "-q",
                                "--never-print", lst], d)
    chk.ok(rc == 0, "export: the images and the screen PDF name no file: exit 0", err)

    # An absolute path with a listed place and the machine's folders in it.
    folder = os.path.join(tmp, "Sonagachi Shelter")
    os.makedirs(folder)
    shutil.move(os.path.join(d, "sonagachi-shelter.jpg"), os.path.join(folder, "neha.jpg"))
    edit(neha, "photo: sonagachi-shelter.jpg", f"photo: {folder}/neha.jpg")
    rc, _, err = run(calpress, ["sheet", "calendar.yaml", "-o", sheets, "-q",
                                "--never-print", lst], d)
    chk.ok(rc == 0 and entries(sheets) == ["contact-sheet.pdf", "contact-sheet.png",
                                            "crops.pdf"],
           "sheet with the photo under an absolute path: exit 0, three files", f"{rc}\n{err}")
    for name in ("crops.pdf", "contact-sheet.pdf"):
        data = pdf_words(os.path.join(sheets, name)) if rc == 0 else b""
        leaks = [x for x in [tmp, d, "sonagachi", os.path.basename(lst)] + SECRETS
                 if x.lower().encode() in data]
        chk.ok(data and not leaks, f"{name}: no folder of the machine, no entry of the list",
               leaks)
    chk.ok(rc == 0 and b"january \xe2\x80\x94 neha.jpg" in
           pdf_words(os.path.join(sheets, "crops.pdf")),
           "crops.pdf names the photo by its file name alone")
    edit(neha, f"photo: {folder}/neha.jpg", "photo: photos/neha.jpg")


def test_unreadable(chk, calpress, d, tmp):
    missing = os.path.join(tmp, "no-such-list.txt")
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--never-print", missing], d)
    want = (f"calpress: error: --never-print: cannot read the never-print list '{missing}': No "
            "such file or directory\ncalpress: 1 error; nothing was written\n")
    chk.ok(rc == 1 and err == want, "--never-print with a missing file: exit 1, said so", err)
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--never-print"], d)
    chk.ok(rc == 2 and err.startswith("calpress: --never-print needs a file\n"),
           "--never-print without a file: a usage error", err)


def main():
    calpress, src, icc = (os.path.abspath(a) for a in sys.argv[1:4])
    chk = Checks("safety/never-print")
    if not os.path.isfile(icc):
        chk.note(f"no {icc} (ArgyllCMS missing): the sRGB profile stands in for --icc")
        icc = "/usr/share/color/icc/sRGB.icc"
    tmp, d = sample_copy(src, "calpress-never-print-")
    # sheet and render analyse photos: their cache goes into the test's folder.
    os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    lst = os.path.join(tmp, "real-names.txt")
    with open(lst, "w", encoding="utf-8") as f:
        f.write(LIST)
    try:
        test_hyphenated(chk, calpress, d, lst, tmp)
        test_more_places(chk, calpress, d, lst, tmp, icc)
        test_sheets(chk, calpress, d, lst, tmp)
        test_unreadable(chk, calpress, d, tmp)
    finally:
        if chk.failed:
            print(f"  note  kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{chk.name}: {chk.passed} passed, {chk.failed} failed")
    return 1 if chk.failed else 0


if __name__ == "__main__":
    sys.exit(main())
