"""Helpers the test scripts share: running a program, editing a copied story, listing an output
folder, and a PDF's bytes with every stream uncompressed."""
import os
import subprocess
import tempfile
import time


def run(cmd, cwd=None, env=None, timeout=300, preexec=None):
    """Runs cmd and captures both streams. The CompletedProcess also has .out and .err, the
    streams as text (UTF-8, undecodable bytes replaced), and .seconds, how long it ran. A
    timeout raises, as a hang should."""
    t0 = time.monotonic()
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, preexec_fn=preexec,
                       capture_output=True, timeout=timeout)
    p.seconds = time.monotonic() - t0
    p.out = p.stdout.decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    return p


def edit(path, old, new):
    """Replaces the first `old` in a text file by `new`; `old` must be there."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, f"{old!r} not in {path}"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))


def entries(folder):
    """An output folder's names, sorted, without the build record's folder (.calpress/, which
    every successful render writes beside the PDFs); [] if there is no folder."""
    if not os.path.isdir(folder):
        return []
    return sorted(n for n in os.listdir(folder) if n != ".calpress")


def qdf_bytes(pdf):
    """The PDF rewritten by `qpdf --qdf` (streams uncompressed, one object per line group), as
    bytes; b"" if qpdf cannot read it. qpdf's exit status 3 (warnings) still counts as read."""
    fd, tmp = tempfile.mkstemp(suffix=".qdf.pdf")
    os.close(fd)
    try:
        p = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, tmp],
                           capture_output=True)
        if p.returncode not in (0, 3):
            return b""
        with open(tmp, "rb") as f:
            return f.read()
    finally:
        os.remove(tmp)
