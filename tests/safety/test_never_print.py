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
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks  # noqa: E402
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
    p = subprocess.run([calpress] + args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def edit(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, f"{old!r} not in {path}"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))


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


def files_in(d):
    """The PDFs and other files in an output folder; the build record's folder (.calpress/)
    belongs to every render and is left out."""
    return sorted(n for n in os.listdir(d) if n != ".calpress") if os.path.isdir(d) else []


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
    chk.ok(files_in(outdir) == [], "render: nothing written", files_in(outdir))
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
    chk.ok(files_in(pngs) == [], "preview: no image written", files_in(pngs))

    # The name gone, the same list lets everything through.
    edit(neha, f"Mrs {SURNAME}'s ", "")
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--never-print", lst], d)
    chk.ok(rc == 0, f"check: with the name removed, exit status 0 (got {rc})", err)
    no_secrets(chk, "check without the name", out, err)
    rc, out, err = run(calpress, ["render", "calendar.yaml", "-o", outdir, "--press",
                                  "--never-print", lst], d)
    chk.ok(rc == 0 and files_in(outdir) == ["calendar.pdf", "press-release.pdf"],
           "render: with the name removed, both PDFs are written", f"{rc} {files_in(outdir)}\n{err}")
    no_secrets(chk, "render without the name", out, err)
    for name in ("calendar.pdf", "press-release.pdf"):
        qdf = os.path.join(tmp, name + ".qdf")
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable",
                        os.path.join(outdir, name), qdf], check=True)
        with open(qdf, "rb") as f:
            data = f.read().lower()
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
    chk.ok(rc == 1 and err.startswith(want), "--condition: the metadata is searched too", err)

    # A missing photo's file name, on a placeholder's label (proofs only).
    neha = os.path.join(d, "neha.yaml")
    edit(neha, "photo: photos/neha.jpg", "photo: photos/sonagachi-shelter.jpg")
    rc, out, err = run(calpress, ["check", "calendar.yaml", "--placeholders"], d)
    chk.ok(rc == 1 and "frame 'placeholder' would print it on page 2 (January)" in err,
           "a placeholder's label (the photo's file name) is searched", err)
    no_secrets(chk, "more places", out, err)
    edit(neha, "photo: photos/sonagachi-shelter.jpg", "photo: photos/neha.jpg")
    edit(cal, f"never_print: {lst}\n", "")


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
    lst = os.path.join(tmp, "real-names.txt")
    with open(lst, "w", encoding="utf-8") as f:
        f.write(LIST)
    try:
        test_hyphenated(chk, calpress, d, lst, tmp)
        test_more_places(chk, calpress, d, lst, tmp, icc)
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
