#!/usr/bin/env python3
"""Nothing from the machine in the PDFs (docs/safety.md).

usage: test_machine.py CALPRESS SOURCE_DIR ICC

The sample, its photos, calpress's layouts and fonts set-up (CALPRESS_DATADIR) and the ICC
profile are copied under a distinctive absolute path, as a designer's home folder would be,
and rendered from there: a proof (with one photo named by its absolute path and missing, so a
placeholder shows it) and a --press render with --icc. The runs have a distinctive user name,
home and host name (HOME, USER, LOGNAME, and a UTS namespace for the host name when calpress
runs as root; else the machine's own names are checked when they are distinctive: see
distinctive()). After `qpdf --qdf --object-streams=disable` no byte sequence of the folder's
absolute path, of its distinctive folder names, of the user name or of the host name occurs
in either PDF: as UTF-8, as UTF-16BE, or as hex digits of either (PDF strings may be written
any of these ways), nor in the text poppler extracts; and the --press PDFs name no photo file.
"""
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks  # noqa: E402
from proc import qdf_bytes, run as run_cmd  # noqa: E402

USER = "marisolqv7designer"
HOST = "shelter-laptop-kq4"
PROJECT = "Shelter Files Zx9"  # a folder name with spaces, as designers' folders have


def encodings(s):
    """Every way a PDF may carry s in its bytes (after qpdf --qdf)."""
    forms = []
    for raw in (s.encode("utf-8"), s.encode("utf-16-be")):
        forms += [raw, raw.hex().encode(), raw.hex().upper().encode()]
    return forms


def leaks(data, text, needles):
    """The needles found in the decompressed PDF bytes or in its extracted text."""
    found = []
    for n in needles:
        if any(f in data for f in encodings(n)) or n.lower() in text.lower():
            found.append(n)
    return found


def inputs_text(root):
    """All the input text files: a machine's name that also occurs in them is not distinctive."""
    out = []
    for base, _, files in os.walk(root):
        for f in files:
            if f.endswith((".yaml", ".conf", ".txt")):
                with open(os.path.join(base, f), encoding="utf-8", errors="replace") as fh:
                    out.append(fh.read().lower())
    return "\n".join(out)


def distinctive(name, inputs):
    """A name is worth looking for when no input uses it and it is long enough not to occur in
    a PDF's other bytes by chance (4 letters, such as 'root', occur in font programs)."""
    return len(name) >= 6 and name.lower() not in inputs


def run(calpress, args, cwd, env, uts):
    cmd = [calpress] + args
    if uts:
        cmd = ["unshare", "--uts", "sh", "-c", f'hostname "{HOST}" && exec "$0" "$@"'] + cmd
    p = run_cmd(cmd, cwd=cwd, env=env, timeout=180)
    return p.returncode, p.out, p.err


def can_set_host():
    try:
        p = subprocess.run(["unshare", "--uts", "sh", "-c", f"hostname {HOST} && hostname"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=30)
    except OSError:
        return False
    return p.returncode == 0 and p.stdout.decode().strip() == HOST


def set_up(src, icc, chk):
    tmp = tempfile.mkdtemp(prefix="calpress-machine-")
    home = os.path.join(tmp, "home", USER)
    work = os.path.join(home, PROJECT, "calendar-2021")
    shutil.copytree(os.path.join(src, "stories"), os.path.join(work, "stories"), symlinks=False)
    data = os.path.join(work, "calpress-data")
    for sub in ("layouts", "fonts"):
        shutil.copytree(os.path.join(src, sub), os.path.join(data, sub))
    os.makedirs(os.path.join(work, "profiles"))
    if not os.path.isfile(icc):
        chk.note(f"no {icc} (ArgyllCMS missing): the sRGB profile stands in for --icc")
        icc = "/usr/share/color/icc/sRGB.icc"
    prof = os.path.join(work, "profiles", os.path.basename(icc))
    shutil.copy(icc, prof)
    return tmp, home, work, data, prof


def main():
    calpress, src, icc = (os.path.abspath(a) for a in sys.argv[1:4])
    chk = Checks("safety/machine")
    tmp, home, work, data, prof = set_up(src, icc, chk)
    stories = os.path.join(work, "stories")
    env = dict(os.environ, HOME=home, USER=USER, LOGNAME=USER, HOSTNAME=HOST,
               CALPRESS_DATADIR=data, LC_ALL="C", SOURCE_DATE_EPOCH="1608000000")
    uts = can_set_host()
    needles = [work, home, tmp, os.path.basename(tmp), USER, PROJECT, "calendar-2021",
               "calpress-data"]
    inputs = inputs_text(stories) + inputs_text(data)
    if uts:
        needles.append(HOST)
    else:
        chk.note("cannot set a host name here (no UTS namespace): the machine's own is used")
    for name, what in ((socket.gethostname(), "host name"), (pwd.getpwuid(os.getuid()).pw_name, "user name")):
        if distinctive(name, inputs):
            needles.append(name)
        else:
            chk.note(f"the machine's {what} '{name}' is not distinctive: not looked for")

    # A proof with a placeholder for a photo the manifest names by its absolute path.
    missing = os.path.join(stories, "photos", "not-yet-here.jpg")
    with open(os.path.join(stories, "neha.yaml"), encoding="utf-8") as f:
        neha = f.read()
    with open(os.path.join(stories, "neha.yaml"), "w", encoding="utf-8") as f:
        f.write(neha.replace("photo: photos/neha.jpg", f"photo: {missing}"))
    manifest = os.path.join(stories, "calendar.yaml")  # absolute, as a file manager passes it
    runs = {
        "proof": ["render", manifest, "-o", os.path.join(work, "proof"), "--placeholders"],
        "press": ["render", manifest, "-o", os.path.join(work, "press"), "--press", "--icc",
                  prof],
    }
    try:
        for label, args in runs.items():
            if label == "press":
                with open(os.path.join(stories, "neha.yaml"), "w", encoding="utf-8") as f:
                    f.write(neha)
            rc, out, err = run(calpress, args, work, env, uts)
            if not chk.ok(rc == 0, f"{label}: rendered from {work}", err):
                continue
            outdir = args[args.index("-o") + 1]
            for pdf in ("calendar.pdf", "press-release.pdf"):
                path = os.path.join(outdir, pdf)
                raw = qdf_bytes(path)
                chk.ok(raw, f"{label} {pdf}: qpdf reads it")
                text = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                                      stdout=subprocess.PIPE, check=True).stdout.decode()
                found = leaks(raw, text, needles)
                chk.ok(not found, f"{label} {pdf}: no path, user or host name of the machine",
                       found)
                if label == "proof" and pdf == "calendar.pdf":
                    chk.ok("not-yet-here.jpg" in text,
                           "proof: the placeholder names the missing photo by its file name",
                           text[:400])
                if label == "press":
                    photos = sorted(os.listdir(os.path.join(stories, "photos")))
                    named = [p for p in photos if p.encode() in raw or p in text]
                    chk.ok(not named, f"press {pdf}: no photo file name", named)
    finally:
        if chk.failed:
            print(f"  note  kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{chk.name}: {chk.passed} passed, {chk.failed} failed")
    return 1 if chk.failed else 0


if __name__ == "__main__":
    sys.exit(main())
