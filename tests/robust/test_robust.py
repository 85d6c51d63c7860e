#!/usr/bin/env python3
"""Robustness of the outputs (issue 8, items 1-5 and 10): a full disk, a file-size limit, a folder
where a PDF should be, failures half-way through replacing the pair, two renders into one folder
at once, signals at random moments, --dump-layout onto an input or /dev/full, a preview that
fails half-way, a bad --icc, file modes, output names, SOURCE_DATE_EPOCH; the sheets and the
exports of issue 12 failing half-way; cairo's drawing in memory or, when large, in a scratch file
in $TMPDIR (scratch). Each check asserts
what is on disk afterwards: the earlier files byte for byte, and no stray file.

usage: test_robust.py CALPRESS SOURCE_DIR FAULTSHIM CHECK [--keep]

FAULTSHIM is the LD_PRELOAD library built from faultshim.c (see there): it makes chosen calls on
the files of one folder fail or wait. Checks that need root (mount) exit 77 with the reason."""
import os
import random
import resource
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks, Skip, run_in_tmp  # noqa: E402
import proc  # noqa: E402
from proc import edit, entries  # noqa: E402
from sample import sample_copy  # noqa: E402

SDE = "1607904000"  # 2020-12-14: byte-identical output from run to run
CAL, PRESS = "calendar.pdf", "press-release.pdf"


class Ctx:
    def __init__(self, calpress, src, shim, tmp):
        self.calpress, self.src, self.shim, self.tmp = calpress, src, shim, tmp
        self._copies = {}

    def sample(self, which="A"):
        """A private copy of the sample; 'B' differs in the calendar's title and the press
        release's headline, so both of its PDFs differ from A's."""
        if which not in self._copies:
            _, d = sample_copy(self.src, f"calpress-robust-{which}-")
            if which == "B":
                edit(os.path.join(d, "calendar.yaml"), "title: Champions of Hope",
                     "title: Heroes of Hope")
                edit(os.path.join(d, "press-release.yaml"), "headline: International",
                     "headline: Second edition of the calendar, International")
            self._copies[which] = d
        return os.path.join(self._copies[which], "calendar.yaml")

    def cleanup(self):
        for d in self._copies.values():
            shutil.rmtree(os.path.dirname(d), ignore_errors=True)





def env_with(**extra):
    env = dict(os.environ, SOURCE_DATE_EPOCH=SDE)
    env.update(extra)
    return env


def shim_env(ctx, spec, folder):
    """The environment that loads the fault injector for the files of folder."""
    asan = os.environ.get("ASAN_OPTIONS", "")
    return env_with(LD_PRELOAD=ctx.shim, CP_FAULT=spec, CP_FAULT_DIR=os.path.abspath(folder),
                    ASAN_OPTIONS=(asan + ":" if asan else "") + "verify_asan_link_order=0")


def run(cmd, env=None, preexec=None, timeout=120, cwd=None):
    return proc.run(cmd, cwd=cwd, env=env or env_with(), timeout=timeout, preexec=preexec)


def render(ctx, manifest, out, *extra, env=None, preexec=None):
    return run([ctx.calpress, "render", manifest, "-o", out] + list(extra), env=env,
               preexec=preexec)


def describe(p):
    return f"exit {p.returncode}\nstdout: {p.out}\nstderr: {p.err}"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def snapshot(folder):
    """Every entry of folder (hidden ones too) -> its bytes, or 'DIR' for a folder."""
    if not os.path.isdir(folder):
        return None
    snap = {}
    for n in entries(folder):
        p = os.path.join(folder, n)
        mode = os.lstat(p).st_mode
        snap[n] = read(p) if stat.S_ISREG(mode) else "DIR" if stat.S_ISDIR(mode) else \
            "LINK " + os.readlink(p) if stat.S_ISLNK(mode) else "SPECIAL"
    return snap


def same_as(chk, folder, before, what):
    """The folder holds exactly the entries it held before, byte for byte."""
    after = snapshot(folder)
    names_b, names_a = sorted(before or {}), sorted(after or {})
    chk.ok(names_a == names_b, f"{what}: no file added or removed",
           f"before {names_b}\nafter  {names_a}")
    changed = [n for n in names_b if n in (after or {}) and after[n] != before[n]]
    chk.ok(not changed, f"{what}: every earlier file byte-identical", f"changed: {changed}")


def expected_pair(ctx, which):
    """The PDFs of sample copy `which`, rendered into a folder of their own."""
    out = os.path.join(ctx.tmp, f"expected-{which}")
    if not os.path.isdir(out):
        p = render(ctx, ctx.sample(which), out, "-q")
        if p.returncode != 0:
            raise RuntimeError(f"rendering sample {which} failed: {describe(p)}")
    return read(os.path.join(out, CAL)), read(os.path.join(out, PRESS))


def fresh_pair(ctx, folder, which="A"):
    """folder holds exactly sample `which`'s pair; returns its snapshot."""
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name, data in zip((CAL, PRESS), expected_pair(ctx, which)):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    return snapshot(folder)


def which_pair(ctx, folder):
    """'A' or 'B' when folder's two PDFs are that sample's pair, else a description."""
    try:
        have = (read(os.path.join(folder, CAL)), read(os.path.join(folder, PRESS)))
    except OSError as e:
        return f"unreadable: {e}"
    for w in ("A", "B"):
        if have == expected_pair(ctx, w):
            return w
    a, b = expected_pair(ctx, "A"), expected_pair(ctx, "B")
    parts = ["A" if have[i] == a[i] else "B" if have[i] == b[i] else "neither" for i in (0, 1)]
    return f"mixed: calendar from {parts[0]}, press release from {parts[1]}"


def mount_tmpfs(folder, size):
    os.makedirs(folder, exist_ok=True)
    if os.geteuid() != 0:
        raise Skip("mounting a tmpfs needs root")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise Skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")


def umount(folder):
    subprocess.run(["umount", folder], capture_output=True)


def fsize_limit(nbytes):
    def preexec():
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return preexec


# --------------------------------------------------------------------------------------------
# Item 1: every write, fsync and close checked


def check_disk_full(ctx, chk):
    t = os.path.join(ctx.tmp, "small")
    mount_tmpfs(t, "3m")
    try:
        out = os.path.join(t, "out")
        os.makedirs(out)
        for n in (CAL, PRESS):
            with open(os.path.join(out, n), "wb") as f:
                f.write(f"%PDF-1.6 the good {n} of an earlier run\n".encode() * 100)
        before = snapshot(out)
        p = render(ctx, ctx.sample(), out)
        chk.ok(p.returncode == 1, "render onto a full disk exits 1", describe(p))
        chk.ok(f"{out}/{CAL}: error: cannot write: No space left on device" in p.err,
               "the message names the file and says 'No space left on device'", p.err)
        chk.ok("wrote" not in p.out, "no 'wrote' line", p.out)
        same_as(chk, out, before, "3 MB tmpfs")

        new = os.path.join(t, "new", "folder")
        p = render(ctx, ctx.sample(), new)
        chk.ok(p.returncode == 1 and not os.path.exists(os.path.join(t, "new")),
               "a render into a new folder on a full disk leaves no folder behind",
               describe(p) + f"\n{snapshot(t)}")

    finally:
        umount(t)

    # A disk with room for the new calendar but not for the press release as well: the
    # calendar must not have replaced its predecessor.
    mount_tmpfs(t, "32m")
    try:
        out = os.path.join(t, "out")
        before = fresh_pair(ctx, out, "A")
        cal_b, press_b = expected_pair(ctx, "B")
        free = os.statvfs(t).f_bavail * os.statvfs(t).f_frsize
        room = len(cal_b) + 8192 + len(press_b) // 2
        with open(os.path.join(t, "filler"), "wb") as f:
            f.write(b"\0" * (free - room))
        p = render(ctx, ctx.sample("B"), out)
        chk.ok(p.returncode == 1 and
               f"{out}/{PRESS}: error: cannot write: No space left on device" in p.err,
               "room for the calendar only: exit 1, the press release cannot be written",
               describe(p))
        same_as(chk, out, before, "room for the calendar only")
    finally:
        umount(t)


def check_ulimit(ctx, chk):
    out = os.path.join(ctx.tmp, "out")
    before = fresh_pair(ctx, out, "A")
    p = render(ctx, ctx.sample("B"), out, preexec=fsize_limit(2_000_000))
    chk.ok(p.returncode == 1, "render under 'ulimit -f' (2 MB) exits 1, not killed by SIGXFSZ",
           describe(p))
    chk.ok(f"{out}/{CAL}: error: cannot write: File too large" in p.err,
           "the message names calendar.pdf and says 'File too large'", p.err)
    same_as(chk, out, before, "ulimit -f")

    dump = os.path.join(ctx.tmp, "layout.txt")
    with open(dump, "w") as f:
        f.write("an earlier dump\n")
    p = run([ctx.calpress, "check", ctx.sample(), "--dump-layout", dump],
            preexec=fsize_limit(20_000))
    chk.ok(p.returncode == 1 and f"{dump}: error: cannot write: File too large" in p.err,
           "--dump-layout under 'ulimit -f' exits 1 naming the file", describe(p))
    chk.ok(read(dump) == b"an earlier dump\n" and
           sorted(entries(ctx.tmp)) == sorted(["out", "layout.txt"] +
                                                [n for n in entries(ctx.tmp)
                                                 if n.startswith("expected-")]),
           "the earlier dump is kept and no temporary file is left", str(entries(ctx.tmp)))


WRITE_FAULTS = [  # (CP_FAULT, what it does, the words the message must have)
    ("fail:write:1:ENOSPC", "the calendar's write fails", "cannot write: No space left on device"),
    ("fail:write:2:EIO", "the press release's write fails", "cannot write: Input/output error"),
    ("notmpfile,fail:write:2:ENOSPC", "a write fails, named temporary files",
     "No space left on device"),
    ("fail:fsync:1:EIO", "fsync of the calendar fails", "cannot write (fsync): Input/output error"),
    ("fail:fsync:2:EDQUOT", "fsync of the press release fails", "Disk quota exceeded"),
    ("fail:close:2:EIO", "close of the press release fails", "cannot write (close): Input/output"),
    ("fail:fchmod:1:EPERM", "setting the mode fails", "Operation not permitted"),
    ("fail:link:1:ENOSPC", "naming the unnamed temporary file fails", "No space left"),
]

COMMIT_FAULTS = [
    ("fail:rename:1:EIO", "the first rename fails", "Input/output error"),
    ("fail:rename:2:EIO", "the second rename fails (the first is undone)", "Input/output error"),
    ("noexchange,fail:rename:2:EIO", "the second rename fails, no RENAME_EXCHANGE (the first "
     "is undone from its hard link)", "Input/output error"),
    ("noexchange,nolink,notmpfile,fail:rename:4:EXDEV",
     "the second file's rename fails, no exchange, no link (the first is moved aside), named "
     "temporary files", "Invalid cross"),
    ("fail:fsyncdir:1:EIO", "fsync of the folder after the renames fails (both undone)",
     "Input/output error"),
]


def run_faults(ctx, chk, faults):
    out = os.path.join(ctx.tmp, "out")
    for spec, what, words in faults:
        before = fresh_pair(ctx, out, "A")
        p = render(ctx, ctx.sample("B"), out, env=shim_env(ctx, spec, out))
        chk.ok(p.returncode == 1 and words in p.err and "nothing was written" in p.err,
               f"{what}: exit 1, '{words}'", describe(p))
        chk.ok(f"{out}/" in p.err or f"{out}: error:" in p.err,
               f"{what}: the message names the file or folder", p.err)
        same_as(chk, out, before, what)
    # The same faults with nothing to undo: a fresh folder is removed again.
    for spec, what, words in faults[:3]:
        new = os.path.join(ctx.tmp, "fresh")
        shutil.rmtree(new, ignore_errors=True)
        p = render(ctx, ctx.sample("B"), new, env=shim_env(ctx, spec, new))
        chk.ok(p.returncode == 1 and not os.path.exists(new),
               f"{what}, new folder: exit 1 and the folder is gone", describe(p))


def check_faults(ctx, chk):
    run_faults(ctx, chk, WRITE_FAULTS)


def check_commit_faults(ctx, chk):
    run_faults(ctx, chk, COMMIT_FAULTS)
    # The fallbacks work when nothing fails.
    out = os.path.join(ctx.tmp, "out")
    for spec in ("notmpfile", "noexchange", "notmpfile,noexchange,nolink"):
        fresh_pair(ctx, out, "A")
        p = render(ctx, ctx.sample("B"), out, env=shim_env(ctx, spec, out))
        chk.ok(p.returncode == 0 and which_pair(ctx, out) == "B" and
               sorted(entries(out)) == [CAL, PRESS],
               f"with {spec}: the new pair replaces the old, nothing else left", describe(p))


# --------------------------------------------------------------------------------------------
# Item 2: the pair is replaced as a unit


def check_pair(ctx, chk):
    out = os.path.join(ctx.tmp, "out")
    for victim, other in ((PRESS, CAL), (CAL, PRESS)):
        fresh_pair(ctx, out, "A")
        os.remove(os.path.join(out, victim))
        os.makedirs(os.path.join(out, victim, "inside"))
        before = snapshot(out)
        p = render(ctx, ctx.sample("B"), out)
        chk.ok(p.returncode == 1, f"{victim} is a folder: render exits 1", describe(p))
        chk.ok(f"{out}/{victim}: error: is a folder: cannot replace it with a file" in p.err,
               f"{victim} is a folder: the message says so", p.err)
        same_as(chk, out, before, f"{victim} is a folder")
        chk.ok(read(os.path.join(out, other)) == expected_pair(ctx, "A")[other == PRESS],
               f"{victim} is a folder: {other} is still the earlier one")

    fresh_pair(ctx, out, "A")
    os.remove(os.path.join(out, PRESS))
    os.mkfifo(os.path.join(out, PRESS))
    before = snapshot(out)
    p = render(ctx, ctx.sample("B"), out)
    chk.ok(p.returncode == 1 and f"{out}/{PRESS}: error: is not a regular file" in p.err,
           "a FIFO where press-release.pdf should be: exit 1, said so", describe(p))
    chk.ok(read(os.path.join(out, CAL)) == before[CAL] and
           stat.S_ISFIFO(os.lstat(os.path.join(out, PRESS)).st_mode),
           "a FIFO target: calendar.pdf unchanged, the FIFO left alone")

    if os.geteuid() == 0:
        nobody = 65534
        base = tempfile.mkdtemp(prefix="calpress-robust-nobody-")
        os.chmod(base, 0o755)
        d = os.path.join(base, "s")
        shutil.copytree(os.path.dirname(ctx.sample()), d, symlinks=True)
        for root, dirs, files in os.walk(base):
            for n in dirs + files:
                os.lchown(os.path.join(root, n), nobody, nobody)
        ro = os.path.join(base, "ro")
        fresh_pair(ctx, ro, "A")
        for n in (ro, os.path.join(ro, CAL), os.path.join(ro, PRESS)):
            os.chown(n, nobody, nobody)
        os.chmod(os.path.join(ro, PRESS), 0o444)
        before = snapshot(ro)

        def as_nobody():
            os.setgid(nobody)
            os.setuid(nobody)
        p = render(ctx, os.path.join(d, "calendar.yaml"), ro, preexec=as_nobody)
        chk.ok(p.returncode == 1 and f"{ro}/{PRESS}: error: is read-only: cannot replace it"
               in p.err, "a read-only press-release.pdf (as user nobody): exit 1, said so",
               describe(p))
        same_as(chk, ro, before, "read-only target")
        shutil.rmtree(base, ignore_errors=True)
    else:
        chk.note("not root: the read-only target case needs a second user; skipped")


def gated_pair(ctx, chk, a, out, spec):
    label = f"B during A's replacement{' (' + spec + ')' if spec else ''}"
    shutil.rmtree(out, ignore_errors=True)
    gate = os.path.join(ctx.tmp, "gate")
    if os.path.exists(gate):
        os.remove(gate)
    env_a = shim_env(ctx, ",".join(x for x in ("gate:rename:2", spec) if x), out)
    env_a["CP_FAULT_GATE"] = gate
    pa = subprocess.Popen([ctx.calpress, "render", ctx.sample("A"), "-o", out, "-q"], env=env_a,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cal = os.path.join(out, CAL)
    while pa.poll() is None and not (os.path.exists(cal) and read(cal) == a[0]):
        time.sleep(0.02)
    if spec:
        chk.ok(os.path.exists(os.path.join(out, ".calpress.lock")),
               f"{label}: A holds DIR/.calpress.lock", str(entries(out)))
    log_b = os.path.join(ctx.tmp, "b.err")
    with open(log_b, "wb") as err:
        pb = subprocess.Popen([ctx.calpress, "render", ctx.sample("B"), "-o", out, "-q"],
                              env=shim_env(ctx, spec, out) if spec else env_with(),
                              stdout=subprocess.DEVNULL, stderr=err)
    while pb.poll() is None and b"waiting for another calpress" not in read(log_b):
        time.sleep(0.02)
    open(gate, "w").close()
    ra, rb = pa.wait(timeout=120), pb.wait(timeout=120)
    err_b = read(log_b).decode()
    chk.ok(ra == 0 and rb == 0, f"{label}: both exit 0", f"{ra} {rb} {err_b}")
    w = which_pair(ctx, out)
    chk.ok(w == "B", f"{label}: B's pair, after A's ({w})", w)
    chk.ok(f"calpress: waiting for another calpress writing into '{out}'" in err_b,
           f"{label}: B says it waits for A", err_b)
    chk.ok(sorted(entries(out)) == [CAL, PRESS],
           f"{label}: nothing else is left (no lock file)", str(sorted(entries(out))))


def check_concurrent(ctx, chk):
    a, b = expected_pair(ctx, "A"), expected_pair(ctx, "B")
    chk.ok(a[0] != b[0] and a[1] != b[1], "samples A and B give different bytes in both PDFs")
    out = os.path.join(ctx.tmp, "shared")

    # A replaces its calendar, then waits at a gate before its press release (a slow disk); B
    # starts once A's calendar is in place, and the gate opens when B waits for A (or, without a
    # lock, when B is done). Without a lock B's pair lands between A's two files: a mix. Then the
    # same where a folder cannot be locked (NFS): the lock file.
    for spec in ("", "nodirlock"):
        gated_pair(ctx, chk, a, out, spec)

    # Started together, with and without slow renames and fsyncs.
    for round_, spec in enumerate(["delay:rename:150", "delay:fsync:100", ""]):
        shutil.rmtree(out, ignore_errors=True)
        env = shim_env(ctx, spec, out) if spec else env_with()
        procs = [subprocess.Popen([ctx.calpress, "render", ctx.sample(w), "-o", out, "-q"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for w in ("A", "B")]
        res = [(pr.wait(timeout=120), pr.stderr.read().decode()) for pr in procs]
        for pr in procs:
            pr.stderr.close()
        chk.ok(all(rc == 0 for rc, _ in res), f"round {round_ + 1} ({spec or 'no delay'}): "
               "both renders exit 0", str(res))
        w = which_pair(ctx, out)
        chk.ok(w in ("A", "B"), f"round {round_ + 1}: the pair is one run's pair ({w})", w)
        chk.ok(sorted(entries(out)) == [CAL, PRESS],
               f"round {round_ + 1}: nothing else in the folder (the lock file is gone)",
               str(sorted(entries(out))))


# --------------------------------------------------------------------------------------------
# Item 3: --dump-layout


def check_dump_layout(ctx, chk):
    manifest = ctx.sample()
    d = os.path.dirname(manifest)
    shutil.copyfile(os.path.join(ctx.src, "stories", "photos", "neha.jpg"),
                    os.path.join(d, "neha-own.jpg"))
    edit(os.path.join(d, "neha.yaml"), "photo: photos/neha.jpg", "photo: neha-own.jpg")
    icc = os.path.join(d, "profile.icc")
    shutil.copyfile("/usr/share/color/icc/sRGB.icc", icc)
    os.link(manifest, os.path.join(d, "hardlink.yaml"))
    os.symlink("neha.yaml", os.path.join(d, "symlink.yaml"))
    victims = [("calendar.yaml", "the manifest"), ("neha.yaml", "a story"),
               ("press-release.yaml", "the press release"), ("neha-own.jpg", "a photo"),
               ("profile.icc", "the --icc profile"), ("hardlink.yaml", "a hard link to the "
               "manifest"), ("symlink.yaml", "a symbolic link to a story")]
    for name, what in victims:
        before = snapshot(d)
        target = os.path.join(d, name)
        p = run([ctx.calpress, "check", manifest, "--icc", icc, "--dump-layout", target])
        chk.ok(p.returncode == 1 and f"{target}: error: the run reads this file" in p.err,
               f"--dump-layout onto {what}: exit 1, refused", describe(p))
        same_as(chk, d, before, f"--dump-layout onto {what}")

    p = run([ctx.calpress, "check", manifest, "--dump-layout", "/dev/full"])
    chk.ok(p.returncode == 1 and
           "/dev/full: error: cannot write: No space left on device" in p.err,
           "--dump-layout /dev/full: exit 1, 'No space left on device'", describe(p))
    with open("/dev/full", "wb") as full:
        p = subprocess.run([ctx.calpress, "check", manifest, "--dump-layout", "-"],
                           stdout=full, stderr=subprocess.PIPE, env=env_with())
    err = p.stderr.decode()
    chk.ok(p.returncode == 1 and "cannot write to standard output: No space left" in err,
           "--dump-layout - with standard output on /dev/full: exit 1", f"{p.returncode} {err}")
    p = run([ctx.calpress, "check", manifest, "--dump-layout", "/dev/null"])
    chk.ok(p.returncode == 0 and os.path.exists("/dev/null") and
           stat.S_ISCHR(os.stat("/dev/null").st_mode),
           "--dump-layout /dev/null: exit 0, /dev/null still a device", describe(p))

    dump = os.path.join(ctx.tmp, "dump", "layout.txt")
    os.makedirs(os.path.dirname(dump))
    p = run([ctx.calpress, "check", manifest, "--dump-layout", dump])
    good = read(dump) if os.path.exists(dump) else b""
    chk.ok(p.returncode == 0 and good.startswith(b"page 1 cover"), "--dump-layout FILE works",
           describe(p))
    os.chmod(dump, 0o640)
    p = run([ctx.calpress, "check", manifest, "--dump-layout", dump],
            env=shim_env(ctx, "fail:fsync:1:EIO", os.path.dirname(dump)))
    chk.ok(p.returncode == 1 and f"{dump}: error:" in p.err and "Input/output" in p.err,
           "--dump-layout whose fsync fails: exit 1", describe(p))
    chk.ok(read(dump) == good and entries(os.path.dirname(dump)) == ["layout.txt"],
           "the earlier dump is intact, no temporary file")
    p = run([ctx.calpress, "check", manifest, "--dump-layout", dump])
    chk.ok(p.returncode == 0 and stat.S_IMODE(os.stat(dump).st_mode) == 0o640,
           "rewriting the dump keeps its mode 0640", describe(p))
    missing = os.path.join(ctx.tmp, "no-such-folder", "layout.txt")
    p = run([ctx.calpress, "check", manifest, "--dump-layout", missing])
    chk.ok(p.returncode == 1 and not os.path.exists(os.path.dirname(missing)),
           "--dump-layout into a missing folder: exit 1, no folder made", describe(p))


# --------------------------------------------------------------------------------------------
# Item 4: killed runs


def temp_names(folder):
    return [n for n in entries(folder) if n not in (CAL, PRESS)] \
        if os.path.isdir(folder) else []


def open_in(pid, folder):
    """The files process pid has open in folder (unnamed O_TMPFILE ones show as '#N (deleted)')."""
    found = []
    try:
        for fd in entries(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(folder + "/"):
                found.append(target)
    except OSError:
        pass
    return found


def kill_while(ctx, chk, out, spec, sig, ready, label):
    """Renders sample B into out (holding sample A's pair) under CP_FAULT=spec, sends sig as soon
    as ready(process) is true, and checks the folder is exactly as before."""
    before = fresh_pair(ctx, out, "A")
    pr = subprocess.Popen([ctx.calpress, "render", ctx.sample("B"), "-o", out, "-q"],
                          env=shim_env(ctx, spec, out),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = []
    while pr.poll() is None and not seen:
        seen = ready(pr)
        time.sleep(0.005)
    pr.send_signal(sig)
    rc = pr.wait(timeout=60)
    chk.ok(seen and rc == -sig, f"{label}: killed by {sig.name} while {seen} exist",
           f"seen {seen}, exit {rc}")
    same_as(chk, out, before, label)


def random_kills(ctx, chk, out, sig, rnd, n):
    """n renders killed by sig at random moments, the writes slowed so that about half the
    moments fall while files are written or swapped. The pair is always one run's, whole."""
    slow = "delay:write:250,delay:fsync:250"
    fresh_pair(ctx, out, "A")
    t0 = time.monotonic()
    p = render(ctx, ctx.sample("B"), out, "-q", env=shim_env(ctx, slow, out))
    whole = time.monotonic() - t0
    chk.ok(p.returncode == 0, f"a slowed render takes {whole:.2f} s", describe(p))
    for k in range(n):
        spec = slow + (",notmpfile" if k % 2 else "")
        fresh_pair(ctx, out, "A")
        delay = rnd.uniform(0.2 * whole, 1.05 * whole)
        pr = subprocess.Popen([ctx.calpress, "render", ctx.sample("B"), "-o", out, "-q"],
                              env=shim_env(ctx, spec, out),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        pr.send_signal(sig)
        rc = pr.wait(timeout=60)
        w = which_pair(ctx, out)
        label = f"{sig.name} after {delay:.2f} s{' (named temporary files)' if k % 2 else ''}"
        chk.ok(w in ("A", "B") and (rc != 0 or w == "B"), f"{label}: exit {rc}, pair {w}", w)
        stray = temp_names(out)
        if sig != signal.SIGKILL or not k % 2:
            chk.ok(not stray, f"{label}: no stray file", str(stray))
        elif stray:
            chk.note(f"{label}: left {stray}; the next run must remove them")
        if sig == signal.SIGKILL or k == n - 1:
            p = render(ctx, ctx.sample("B"), out, "-q")
            chk.ok(p.returncode == 0 and which_pair(ctx, out) == "B" and not temp_names(out),
                   f"{label}: the next run writes the new pair and leaves nothing else",
                   describe(p) + f"\n{temp_names(out)}")


def seed(chk):
    value = int(os.environ.get("ROBUST_SEED", time.time_ns() % 100000))
    chk.note(f"random seed {value} (set ROBUST_SEED to repeat)")
    return random.Random(value)


def check_signals(ctx, chk):
    out = os.path.join(ctx.tmp, "out")
    # Named temporary files exist while the fsyncs wait: the signal must remove them.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        kill_while(ctx, chk, out, "notmpfile,delay:fsync:400", sig,
                   lambda pr: [n for n in temp_names(out) if n.startswith(".calendar.pdf.")],
                   f"{sig.name} during the writes")
    # ... and the lock file, where the folder itself cannot be locked.
    kill_while(ctx, chk, out, "nodirlock,notmpfile,delay:fsync:400", signal.SIGINT,
               lambda pr: [n for n in temp_names(out) if n.startswith(".calendar.pdf.")],
               "SIGINT during the writes, with a lock file")
    rnd = seed(chk)
    for sig in (signal.SIGINT, signal.SIGTERM):
        random_kills(ctx, chk, out, sig, rnd, 3)


def check_sigkill(ctx, chk):
    out = os.path.join(ctx.tmp, "out")
    # Unnamed (O_TMPFILE) files being written: SIGKILL leaves nothing at all.
    kill_while(ctx, chk, out, "delay:fsync:400", signal.SIGKILL,
               lambda pr: open_in(pr.pid, out), "SIGKILL during the writes")
    random_kills(ctx, chk, out, signal.SIGKILL, seed(chk), 4)

    # What an earlier killed run leaves: removed if it is calpress's, else left alone.
    fresh_pair(ctx, out, "A")
    stale = [".calendar.pdf.Ab3xYz", ".press-release.pdf.Q9zz01"]
    keep = [".calendar.pdf.keep-me", "calendar.pdf.Ab3xYz", ".other.pdf.Ab3xYz", "notes.txt"]
    for n in stale + keep:
        with open(os.path.join(out, n), "w") as f:
            f.write("left over\n")
    p = render(ctx, ctx.sample("B"), out, "-q")
    left = sorted(entries(out))
    chk.ok(p.returncode == 0 and left == sorted([CAL, PRESS] + keep),
           "stale temporary files of a killed run are removed; others are kept",
           describe(p) + f"\n{left}")


# --------------------------------------------------------------------------------------------
# Item 5: preview and the -o folder


def check_preview(ctx, chk):
    out = os.path.join(ctx.tmp, "preview")
    p = run([ctx.calpress, "preview", ctx.sample("A"), "-o", out, "--dpi", "20"])
    chk.ok(p.returncode == 0 and len(entries(out)) == 15, "a preview writes 15 PNGs",
           describe(p))
    before = snapshot(out)
    # A folder where the seventh image should go: the other 14 must not be replaced.
    os.remove(os.path.join(out, "calendar-07.png"))
    os.makedirs(os.path.join(out, "calendar-07.png"))
    before = snapshot(out)
    p = run([ctx.calpress, "preview", ctx.sample("B"), "-o", out, "--dpi", "20"])
    chk.ok(p.returncode == 1 and f"{out}/calendar-07.png: error: is a folder" in p.err,
           "preview with a folder in place of calendar-07.png: exit 1", describe(p))
    same_as(chk, out, before, "preview, one target a folder")

    shutil.rmtree(out)
    os.makedirs(out)
    p = run([ctx.calpress, "preview", ctx.sample("A"), "-o", out, "--dpi", "20"])
    before = snapshot(out)
    for spec in ("fail:write:40:ENOSPC", "notmpfile,fail:write:40:ENOSPC",
                 "fail:fsync:9:EIO", "fail:rename:8:EIO", "notmpfile,noexchange,nolink,"
                 "fail:rename:8:EXDEV"):
        p = run([ctx.calpress, "preview", ctx.sample("B"), "-o", out, "--dpi", "20"],
                env=shim_env(ctx, spec, out))
        chk.ok(p.returncode == 1 and "nothing was written" in p.err,
               f"preview failing half-way ({spec}): exit 1", describe(p))
        same_as(chk, out, before, f"preview failing half-way ({spec})")
    new = os.path.join(ctx.tmp, "new-preview", "sub")
    p = run([ctx.calpress, "preview", ctx.sample("B"), "-o", new, "--dpi", "20"],
            env=shim_env(ctx, "fail:write:40:ENOSPC", new))
    chk.ok(p.returncode == 1 and not os.path.exists(os.path.dirname(new)),
           "a preview failing half-way into a new folder removes the folder", describe(p))

    try:
        t = os.path.join(ctx.tmp, "small")
        mount_tmpfs(t, "3m")
    except Skip as e:
        chk.note(f"tmpfs part skipped: {e}")
        return
    try:
        p = run([ctx.calpress, "preview", ctx.sample("A"), "-o", t, "--dpi", "150"])
        chk.ok(p.returncode == 1 and "No space left on device" in p.err and
               entries(t) == [], "preview onto a 3 MB tmpfs: exit 1, nothing left",
               describe(p) + f"\n{entries(t)}")
    finally:
        umount(t)


def check_no_folder(ctx, chk):
    for args, what in ((["--icc", "/no/such/profile.icc"], "a missing --icc"),
                       (["--icc", os.path.join(ctx.src, "CMakeLists.txt")], "a non-ICC --icc"),
                       (["--icc", "/usr/share/color/icc/ITULab.icc"], "a Lab --icc")):
        new = os.path.join(ctx.tmp, "new")
        p = render(ctx, ctx.sample(), os.path.join(new, "sub"), *args)
        chk.ok(p.returncode == 1 and not os.path.exists(new),
               f"render with {what}: exit 1, the -o folder is not created", describe(p))
    d = os.path.dirname(ctx.sample("broken"))
    edit(os.path.join(d, "neha.yaml"), "photo: photos/neha.jpg", "photo: photos/none.jpg")
    p = render(ctx, ctx.sample("broken"), os.path.join(ctx.tmp, "new"))
    chk.ok(p.returncode == 1 and not os.path.exists(os.path.join(ctx.tmp, "new")),
           "render with a missing photo: the -o folder is not created", describe(p))
    p = run([ctx.calpress, "preview", ctx.sample("broken"), "-o", os.path.join(ctx.tmp, "new")])
    chk.ok(p.returncode == 1 and not os.path.exists(os.path.join(ctx.tmp, "new")),
           "preview with a missing photo: the -o folder is not created", describe(p))


# --------------------------------------------------------------------------------------------
# Issue 12's outputs: the sheets and the exports go through the same writer


SHEETS = ["contact-sheet.pdf", "contact-sheet.png", "crops.pdf"]


def sheet(ctx, which, out, env=None):
    return run([ctx.calpress, "sheet", ctx.sample(which), "-o", out, "-q"], env=env)


def export(ctx, which, out, env=None):
    return run([ctx.calpress, "export", ctx.sample(which), "-o", out, "--social", "--web", "-q"],
               env=env)


def check_sheet_export(ctx, chk):
    # The photo analyses are cached outside the output folders, in a cache of the test's own.
    os.environ["XDG_CACHE_HOME"] = os.path.join(ctx.tmp, "cache")
    out = os.path.join(ctx.tmp, "sheets")
    p = sheet(ctx, "A", out)
    chk.ok(p.returncode == 0 and sorted(entries(out)) == SHEETS,
           "sheet writes crops.pdf, contact-sheet.pdf and contact-sheet.png", describe(p))
    before = snapshot(out)
    for spec in ("fail:write:30:ENOSPC", "notmpfile,fail:write:30:ENOSPC", "fail:fsync:3:EIO",
                 "fail:rename:2:EIO", "notmpfile,noexchange,nolink,fail:rename:3:EXDEV"):
        p = sheet(ctx, "B", out, env=shim_env(ctx, spec, out))
        chk.ok(p.returncode == 1 and "nothing was written" in p.err,
               f"sheet failing half-way ({spec}): exit 1", describe(p))
        same_as(chk, out, before, f"sheet failing half-way ({spec})")
    p = sheet(ctx, "B", out)
    after = snapshot(out)
    chk.ok(p.returncode == 0 and sorted(after) == SHEETS and
           all(after[n] != before[n] for n in SHEETS),
           "then sheet replaces all three files", describe(p))
    new = os.path.join(ctx.tmp, "new-sheets", "sub")
    p = sheet(ctx, "A", new, env=shim_env(ctx, "fail:write:30:ENOSPC", new))
    chk.ok(p.returncode == 1 and not os.path.exists(os.path.dirname(new)),
           "sheet failing half-way into a new folder removes the folder", describe(p))

    exp = os.path.join(ctx.tmp, "export")
    social = os.path.join(exp, "social")
    p = export(ctx, "A", exp)
    chk.ok(p.returncode == 0 and len(entries(social)) == 36 and
           sorted(entries(exp)) == ["calendar-web.pdf", "social"],
           "export --social --web writes 36 images and calendar-web.pdf", describe(p))
    before, before_social = snapshot(exp), snapshot(social)
    for spec, where in (("fail:write:20:ENOSPC", social), ("fail:write:20:ENOSPC", exp),
                        ("fail:rename:5:EIO", social), ("fail:rename:1:EIO", exp)):
        p = export(ctx, "B", exp, env=shim_env(ctx, spec, where))
        what = f"export failing ({spec} in {os.path.basename(where)})"
        chk.ok(p.returncode == 1 and "nothing was written" in p.err, f"{what}: exit 1",
               describe(p))
        same_as(chk, exp, before, what)
        same_as(chk, social, before_social, f"{what}, social/")
    p = export(ctx, "B", exp)
    chk.ok(p.returncode == 0 and snapshot(exp)["calendar-web.pdf"] != before["calendar-web.pdf"],
           "then export replaces calendar-web.pdf", describe(p))


# --------------------------------------------------------------------------------------------
# Item 10: modes, names, dates


def with_umask(mask):
    def preexec():
        os.umask(mask)
    return preexec


def check_mode(ctx, chk):
    out = os.path.join(ctx.tmp, "out")
    for mask, want in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        shutil.rmtree(out, ignore_errors=True)
        p = render(ctx, ctx.sample(), out, preexec=with_umask(mask))
        modes = [stat.S_IMODE(os.stat(os.path.join(out, n)).st_mode) for n in (CAL, PRESS)]
        chk.ok(p.returncode == 0 and modes == [want, want],
               f"new PDFs with umask {mask:03o} have mode {want:03o}",
               f"{[oct(m) for m in modes]}\n{describe(p)}")
    os.chmod(os.path.join(out, CAL), 0o600)
    os.chmod(os.path.join(out, PRESS), 0o640)
    p = render(ctx, ctx.sample("B"), out, preexec=with_umask(0o022))
    modes = [stat.S_IMODE(os.stat(os.path.join(out, n)).st_mode) for n in (CAL, PRESS)]
    chk.ok(p.returncode == 0 and modes == [0o600, 0o640] and which_pair(ctx, out) == "B",
           "a replaced PDF keeps its mode (0600 and 0640)", f"{[oct(m) for m in modes]}")
    prev = os.path.join(ctx.tmp, "preview")
    p = run([ctx.calpress, "preview", ctx.sample(), "-o", prev, "--dpi", "10"],
            preexec=with_umask(0o027))
    modes = {stat.S_IMODE(os.stat(os.path.join(prev, n)).st_mode) for n in entries(prev)}
    chk.ok(p.returncode == 0 and modes == {0o640}, "new PNGs with umask 027 have mode 640",
           str(modes))


def manifest_with_output(ctx, which, yaml_lines):
    """Sample copy `which` with its output: section replaced by yaml_lines; returns the manifest
    and the line of the first of them."""
    m = ctx.sample(which)
    section = "output:\n  calendar: calendar.pdf\n  press_release: press-release.pdf\n"
    with open(m, encoding="utf-8") as f:
        text = f.read()
    assert section in text
    line = text[:text.index(section)].count("\n") + 2
    with open(m, "w", encoding="utf-8") as f:
        f.write(text.replace(section, "output:\n" + "".join(f"  {ln}\n" for ln in yaml_lines)))
    return m, line


def check_names(ctx, chk):
    cases = [("newline", 'calendar: "cal\\nendar.pdf"', "has a control character"),
             ("tab", 'press_release: "press\\trelease.pdf"', "has a control character"),
             ("escape", 'calendar: "cal\\eendar.pdf"', "has a control character"),
             ("delete", 'calendar: "cal\\x7Fendar.pdf"', "has a control character"),
             ("long", "calendar: " + "c" * 300 + ".pdf", "is 304 bytes long; at most 247")]
    for which, line, words in cases:
        m, ln = manifest_with_output(ctx, "name-" + which, [line])
        where = f"{os.path.basename(m)}:{ln}:"
        for cmd in ("check", "render"):
            out = os.path.join(ctx.tmp, "out-" + which)
            args = [ctx.calpress, cmd, os.path.basename(m)] + \
                (["-o", out] if cmd == "render" else [])
            p = run(args, cwd=os.path.dirname(m))
            chk.ok(p.returncode == 1 and where in p.err and words in p.err,
                   f"output name with a {which}: {cmd} exits 1 at {where} '{words}'", describe(p))
            chk.ok(not os.path.exists(out), f"output name with a {which}: {cmd} writes nothing")
    m, ln = manifest_with_output(ctx, "name-ok", ["calendar: " + "c" * 243 + ".pdf"])
    out = os.path.join(ctx.tmp, "out-247")
    p = render(ctx, m, out)
    chk.ok(p.returncode == 0 and os.path.exists(os.path.join(out, "c" * 243 + ".pdf")),
           "a 247-byte output name is written", describe(p))

    deep = os.path.join(ctx.tmp, *(["d" * 200] * 20))
    p = render(ctx, m, deep)
    chk.ok(p.returncode == 1 and f"{os.path.basename(m)}:{ln}:" in p.err and
           "longer than the system allows" in p.err,
           "an output path beyond PATH_MAX: render exits 1 at the manifest's output line",
           describe(p))
    chk.ok(not os.path.exists(os.path.join(ctx.tmp, "d" * 200)), "... and makes no folder")

    for bad in ("out\nput", "out\tput", "a\x1bb"):
        p = render(ctx, ctx.sample(), os.path.join(ctx.tmp, bad))
        chk.ok(p.returncode == 2 and "control character" in p.err,
               f"-o {bad!r}: a usage error (exit 2)", describe(p))
        p = run([ctx.calpress, "check", ctx.sample(), "--dump-layout",
                 os.path.join(ctx.tmp, bad)])
        chk.ok(p.returncode == 2 and "control character" in p.err,
               f"--dump-layout {bad!r}: a usage error (exit 2)", describe(p))
    chk.ok(not [n for n in entries(ctx.tmp) if "put" in n or "\x1b" in n],
           "nothing made for the rejected names")


def check_date(ctx, chk):
    for value, ok in (("253402300799", True), ("253402300800", False),
                      ("99999999999999", False), ("0", True)):
        p = run([ctx.calpress, "check", ctx.sample()], env=env_with(SOURCE_DATE_EPOCH=value))
        warned = f"ignoring SOURCE_DATE_EPOCH='{value}'" in p.err
        chk.ok(p.returncode == 0 and warned != ok,
               f"SOURCE_DATE_EPOCH={value}: {'accepted' if ok else 'a warning, and ignored'}",
               describe(p))
    p = run([ctx.calpress, "check", ctx.sample()], env=env_with(SOURCE_DATE_EPOCH="253402300800"))
    chk.ok("after 9999-12-31" in p.err, "the warning says why (after 9999-12-31)", p.err)
    out = os.path.join(ctx.tmp, "y9999")
    p = render(ctx, ctx.sample(), out, env=env_with(SOURCE_DATE_EPOCH="253402300799"))
    info = subprocess.run(["pdfinfo", "-isodates", os.path.join(out, CAL)],
                          capture_output=True, text=True).stdout if p.returncode == 0 else ""
    chk.ok("9999-12-31T23:59:59" in info, "the last second of 9999 is a valid PDF date",
           describe(p) + info)


REUSE_FAULTS = [  # (CP_FAULT, what it does, the words the message must have)
    ("fail:write:1:ENOSPC", "the patched calendar's write fails",
     "cannot write: No space left on device"),
    ("fail:fsync:1:EIO", "fsync of the patched calendar fails",
     "cannot write (fsync): Input/output error"),
]


def check_reuse_faults(ctx, chk):
    """A render that patches the last proof's changed pages (issue 11) fails as a whole render
    does: a fault while the patched calendar streams out leaves the last proof, the press release
    and the build record as they were."""
    tmp, d = sample_copy(ctx.src, "calpress-robust-reuse-")
    try:
        man = os.path.join(d, "calendar.yaml")
        out, record = os.path.join(ctx.tmp, "reuse-out"), os.path.join(ctx.tmp, "reuse-out",
                                                                        ".calpress")
        p = render(ctx, man, out, "-q")
        if not chk.ok(p.returncode == 0, "the last proof renders", describe(p)):
            return
        edit(os.path.join(d, "shefali.yaml"), "a small hotel in central Kolkata",
             "a small hotel in north Kolkata")
        # The same edit into a copy of the folder takes the patch path.
        trial = os.path.join(ctx.tmp, "reuse-trial")
        shutil.copytree(out, trial)
        p = render(ctx, man, trial, "-v")
        chk.ok(p.returncode == 0 and "14 reused from the last proof" in p.out,
               "after a one-story edit, render patches the last proof (-v)", describe(p))
        for spec, what, words in REUSE_FAULTS:
            before, before_record = snapshot(out), snapshot(record)
            p = render(ctx, man, out, env=shim_env(ctx, spec, out))
            chk.ok(p.returncode == 1 and words in p.err and f"{out}/{CAL}" in p.err and
                   "nothing was written" in p.err, f"{what}: exit 1, '{words}', names the file",
                   describe(p))
            same_as(chk, out, before, what)
            same_as(chk, record, before_record, f"{what}, the build record")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def noise_png16(path, w, h):
    """A 16-bit RGB PNG of noise: not one a PDF can carry as it is, so calpress decodes it and
    cairo embeds its pixels, megabytes that do not compress."""
    rnd = random.Random(7)
    raw = b"".join(b"\0" + rnd.randbytes(w * 6) for _ in range(h))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def photos_in_place(chk, what, pdf, manifest):
    """No photo's stand-in is left in the PDF, and a JPEG photo without metadata (neha.jpg) is in
    it byte for byte."""
    left = [t for t in (b"calpress-jpeg-v1", b"calpress-png-v1") if t in pdf]
    chk.ok(not left, f"{what}: no photo's stand-in is left in the PDF", str(left))
    neha = read(os.path.join(os.path.dirname(manifest), "photos", "neha.jpg"))
    chk.ok(neha in pdf, f"{what}: neha.jpg is in the PDF byte for byte")


def check_scratch(ctx, chk):
    """cairo's drawing stays in memory while it is small (the photos are stand-ins), and goes on
    in a scratch file in $TMPDIR past 4 MB (photos cairo embeds as pixels)."""
    out = os.path.join(ctx.tmp, "out")
    before = fresh_pair(ctx, out, "A")
    nowhere = os.path.join(ctx.tmp, "no-such-folder")
    p = render(ctx, ctx.sample("A"), out, "-q", env=env_with(TMPDIR=nowhere))
    cal, press = expected_pair(ctx, "A")
    chk.ok(p.returncode == 0 and read(os.path.join(out, CAL)) == cal and
           read(os.path.join(out, PRESS)) == press,
           "the sample with $TMPDIR missing: rendered in memory, the same PDFs", describe(p))
    photos_in_place(chk, "in memory", read(os.path.join(out, CAL)), ctx.sample("A"))

    manifest = ctx.sample("B")
    stories = os.path.dirname(manifest)
    noise_png16(os.path.join(stories, "photos", "noise.png"), 1600, 1200)
    edit(os.path.join(stories, "anjali.yaml"), "photo: photos/anjali.jpg",
         "photo: photos/noise.png")
    before = fresh_pair(ctx, out, "A")
    p = render(ctx, manifest, out, "-q", env=env_with(TMPDIR=nowhere))
    chk.ok(p.returncode == 1 and f"{nowhere}: error: cannot make a scratch file in '{nowhere}'"
           in p.err, "a photo drawn as pixels, $TMPDIR missing: exit 1, the scratch file named",
           describe(p))
    same_as(chk, out, before, "no scratch file")
    scratch = os.path.join(ctx.tmp, "scratch")
    os.makedirs(scratch)
    p = render(ctx, manifest, out, "-q", env=env_with(TMPDIR=scratch))
    pdf = os.path.join(out, CAL)
    chk.ok(p.returncode == 0 and os.path.getsize(pdf) > 6_000_000 and
           run(["qpdf", "--check", pdf]).returncode == 0,
           "with a scratch file: a whole PDF holding the photo's pixels",
           describe(p) + f"\nsize {os.path.getsize(pdf)}")
    if os.path.exists(pdf):
        photos_in_place(chk, "with a scratch file", read(pdf), manifest)
    lst = run(["pdfimages", "-list", pdf]).out
    chk.ok(" 1600  1200 " in lst and " jpeg " in lst, "pdfimages lists the decoded photo and the "
           "JPEG photos beside it", lst)
    chk.ok(os.listdir(scratch) == [], "the scratch folder is left empty", str(os.listdir(scratch)))


CHECKS = {
    "disk-full": check_disk_full, "ulimit": check_ulimit, "faults": check_faults,
    "commit-faults": check_commit_faults, "reuse-faults": check_reuse_faults,
    "pair": check_pair, "concurrent": check_concurrent, "dump-layout": check_dump_layout,
    "signals": check_signals, "sigkill": check_sigkill, "preview": check_preview, "no-folder": check_no_folder,
    "mode": check_mode, "names": check_names, "date": check_date,
    "sheet-export": check_sheet_export, "scratch": check_scratch,
}


def main(argv):
    args = argv[1:]
    keep = "--keep" in args
    if keep:
        args.remove("--keep")
    if len(args) != 4 or args[3] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    calpress, src, shim, name = os.path.abspath(args[0]), os.path.abspath(args[1]), \
        os.path.abspath(args[2]), args[3]
    chk = Checks(f"robust/{name}")
    tmp = tempfile.mkdtemp(prefix=f"calpress-robust-{name}-")
    ctx = Ctx(calpress, src, shim, tmp)
    return run_in_tmp(f"robust/{name}", chk, lambda tmp: CHECKS[name](ctx, chk), keep, tmp=tmp,
                      cleanup=ctx.cleanup)

if __name__ == "__main__":
    sys.exit(main(sys.argv))
