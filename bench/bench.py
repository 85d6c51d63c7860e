#!/usr/bin/env python3
"""calpress benchmark: CPU time, wall time and peak memory of the jobs a designer runs, and with
--vs-latex the comparable LaTeX job measured in the same run.

usage: bench/bench.py [--runs N] [--warmup N] [--png-runs N] [--jobs LIST] [--vs-latex DIR]
                      [--calpress PATH] [--mkphotos PATH] [--png-photos DIR] [--manifest FILE]

Jobs (--jobs picks some, comma-separated; all by default):
  version     calpress --version (the start-up floor: loading the program)
  check-min   calpress check on a minimal manifest (twelve one-line stories, one photo)
  check       calpress check on the sample (stories/calendar.yaml)
  render      calpress render of the sample: 14 A3 pages and the press release, every page laid
              out and drawn (with --fresh where calpress has it: a render into a folder holding
              the same proof reuses every page); the copy-fit sizes and line breakings earlier
              runs decided for the same text are taken from calpress's cache, as in a
              designer's second and later runs
  check-cold  check on the sample deciding every copy-fit size and line breaking anew, as the
              first run of a text does (CALPRESS_LAYOUT_CACHE=off)
  render-cold render on the sample, the same
  edit        calpress render after a one-story edit, into a folder holding the last proof
  watch       calpress watch's rebuild after a one-story edit (one long-running process)
  png         calpress render of the sample with its thirteen photos as PNG files (made once
              with mkphotos --png into --png-photos), with --fresh as render
  latex       with --vs-latex DIR: LuaLaTeX's wallcalendar job prepared by
              ../shared/anchors/wallcalendar/setup.sh DIR (cover and 12 A3 months, photos,
              crop marks, text, holidays)

Every job runs --warmup times untimed, then the jobs take turns, one run each per round, so that
a busy machine weighs on all of them alike. CPU is user + system time of the child (wait4's
rusage, which includes the child's own waited-for children); peak memory is its ru_maxrss. For
watch, CPU is the growth of the process's utime + stime (/proc/PID/stat, in clock ticks) over a
rebuild, wall is the rebuild time watch prints, and peak memory is its VmHWM at the end. Each
row gives the median and the number of runs. Ratios are of medians measured in this run; no
figure is a constant.
"""
import argparse
import os
import platform
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# The edit: one phrase of the March story's body, changed back and forth. Both versions fit.
EDIT_STORY = "shefali.yaml"
EDIT_WORDS = ("a small hotel in central Kolkata", "a small hotel in north Kolkata")
LATEX_TEX = "cal2021-a3.tex"
JOBS = ("version", "check-min", "check", "render", "check-cold", "render-cold", "edit", "watch",
        "png", "latex")
# The -cold jobs decide every copy-fit size and line breaking anew, as the first run of a text
# does: no decisions of earlier runs (CALPRESS_LAYOUT_CACHE=off, docs/cli.md).
COLD = dict(os.environ, CALPRESS_LAYOUT_CACHE="off")
GOAL_LATEX = 25  # render at most 1/25 of the LaTeX job's CPU (issue 14)
GOAL_CHECK = 0.5  # check at most half of render's CPU
GOAL_RSS_MIB = 64


def run(cmd, cwd=None, env=None):
    """Runs cmd to its end; returns (cpu s, wall s, peak RSS MiB) from wait4's rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    err = proc.stderr.read()  # a full pipe would block the child
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({proc.returncode}):\n"
                 f"{err.decode(errors='replace')[-3000:]}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024.0


def sample_copy(src_manifest, dst, png_photos=None):
    """A copy of the manifest's folder as dst, photos linked (or the PNG set, .jpg names in the
    YAML changed to .png); returns the copied manifest's path."""
    src = os.path.dirname(os.path.abspath(src_manifest))
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("photos"))
    os.symlink(png_photos or os.path.join(src, "photos"), os.path.join(dst, "photos"))
    if png_photos:
        for name in os.listdir(dst):
            if name.endswith(".yaml"):
                path = os.path.join(dst, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(re.sub(r"(photo: *photos/[\w-]+)\.jpg", r"\1.png", text))
    return os.path.join(dst, os.path.basename(src_manifest))


def minimal_manifest(src_manifest, dst):
    """The start-up floor's manifest: twelve one-line inline stories, one photo for all."""
    os.makedirs(dst)
    photo = os.path.join(os.path.dirname(os.path.abspath(src_manifest)), "photos", "neha.jpg")
    os.symlink(photo, os.path.join(dst, "photo.jpg"))
    months = "".join(f"  - name: Name {i}\n    headline: Headline {i}\n    body: Body {i}.\n"
                     f"    photo: photo.jpg\n" for i in range(1, 13))
    path = os.path.join(dst, "calendar.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write("title: Minimal\norganisation: Bench\nyear: 2021\ncover:\n  photo: photo.jpg\n"
                f"months:\n{months}press_release:\n  headline: Minimal\n  place: Kolkata\n"
                "  date: 2020-12-14\n  body: One paragraph.\n")
    return path


def edit(story, i):
    """Changes the story's body: edit i swaps the phrase one way or back."""
    with open(story, encoding="utf-8") as f:
        text = f.read()
    old, new = EDIT_WORDS if i % 2 == 0 else EDIT_WORDS[::-1]
    if old not in text:
        sys.exit(f"bench: '{old}' is not in {story}: the edit jobs need the sample")
    with open(story, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))


class Lines:
    """Lines of a child's output, read as they come (select on the pipe, no read-ahead)."""

    def __init__(self, proc):
        self.proc, self.buf = proc, b""

    def next(self, timeout):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            ready = select.select([self.proc.stdout], [], [], max(left, 0))[0] if left > 0 else []
            chunk = os.read(self.proc.stdout.fileno(), 65536) if ready else b""
            if not chunk:
                self.proc.kill()
                sys.exit("bench: calpress watch printed nothing in time")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode(errors="replace")


def proc_cpu(pid):
    """utime + stime of a live process, in seconds (clock-tick resolution)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_hwm(pid):
    """Peak resident memory of a live process in MiB (VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


class Watch:
    """A calpress watch process over its own copy of the sample; one() is a timed rebuild."""

    def __init__(self, calpress, manifest, out):
        self.proc = subprocess.Popen([calpress, "watch", manifest, "-o", out],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.lines = Lines(self.proc)
        self.story = os.path.join(os.path.dirname(manifest), EDIT_STORY)
        self.i = 0
        self.lines.next(60)  # "watching ..."
        self.lines.next(300)  # the first build

    def one(self):
        cpu0 = proc_cpu(self.proc.pid)
        edit(self.story, self.i)
        self.i += 1
        line = self.lines.next(300)
        m = re.search(r"built in (\d+) ms", line)
        if not m:
            sys.exit(f"bench: watch did not build after an edit: {line.strip()}")
        # watch prints its line as the build ends; the CPU count catches up within a tick
        time.sleep(0.05)
        cpu = proc_cpu(self.proc.pid) - cpu0
        time.sleep(0.25)  # let the file settle before the next edit
        return cpu, int(m.group(1)) / 1000.0, proc_hwm(self.proc.pid)

    def close(self):
        self.proc.terminate()
        self.proc.wait(30)


def pdf_note(path):
    """'N pages, S MB' of a PDF (pages by pdfinfo when installed)."""
    size = os.path.getsize(path) / 1e6
    try:
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
        pages = next((l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")), "?")
    except OSError:
        pages = "?"
    return f"{os.path.basename(path)} {pages} pages, {size:.1f} MB"


def machine():
    """One line about the machine: CPU model, cores, memory, kernel."""
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")),
                         "?")
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB, Linux {platform.release()}"


def ensure_png_photos(mkphotos, folder):
    """The PNG set, made once (cover.png written last marks it complete)."""
    if os.path.exists(os.path.join(folder, "cover.png")):
        return
    if not mkphotos or not os.path.exists(mkphotos):
        sys.exit(f"bench: no PNG photos in {folder} and no mkphotos to make them (--mkphotos)")
    print(f"making the PNG photos in {folder} (once)...", flush=True)
    subprocess.run([mkphotos, "--png", folder], check=True, stdout=subprocess.DEVNULL)


def parse_args():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=11, help="timed runs of each job (default 11)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    ap.add_argument("--png-runs", type=int, default=None,
                    help="timed runs of the PNG calendar (default: --runs)")
    ap.add_argument("--jobs", default=",".join(JOBS[:-1]), help="comma-separated jobs")
    ap.add_argument("--vs-latex", metavar="DIR", help="also time the LaTeX job in DIR")
    ap.add_argument("--calpress", default=os.path.join(root, "build", "calpress"))
    ap.add_argument("--mkphotos", default=None, help="default: beside --calpress")
    ap.add_argument("--png-photos", default=None,
                    help="the PNG photo set (made if missing; default: bench-png beside "
                         "--calpress)")
    ap.add_argument("--manifest", default=os.path.join(root, "stories", "calendar.yaml"))
    args = ap.parse_args()
    args.jobs = [j for j in args.jobs.split(",") if j]
    if args.vs_latex and "latex" not in args.jobs:
        args.jobs.append("latex")
    for j in args.jobs:
        if j not in JOBS:
            ap.error(f"unknown job '{j}' (jobs: {', '.join(JOBS)})")
    if "latex" in args.jobs and not args.vs_latex:
        ap.error("the latex job needs --vs-latex DIR")
    bindir = os.path.dirname(os.path.abspath(args.calpress))
    args.mkphotos = args.mkphotos or os.path.join(bindir, "mkphotos")
    args.png_photos = args.png_photos or os.path.join(bindir, "bench-png")
    if args.png_runs is None:
        args.png_runs = args.runs
    return args


class Job:
    """One benchmark row: a name, what it runs, how many timed runs, and a run function."""

    def __init__(self, name, what, runs, fn):
        self.name, self.what, self.runs, self.fn = name, what, runs, fn
        self.cpu, self.wall, self.rss = [], [], []

    def once(self, timed=True):
        cpu, wall, rss = self.fn()
        if timed:
            self.cpu.append(cpu)
            self.wall.append(wall)
            self.rss.append(rss)

    def median(self, what):
        values = getattr(self, what)
        return statistics.median(values) if values else float("nan")


def has_fresh(cp):
    """True if this calpress's render takes --fresh (an older build renders cold anyway)."""
    usage = subprocess.run([cp, "render", "--help"], capture_output=True, text=True).stdout
    return "--fresh" in usage


def make_jobs(args, tmp):
    """The jobs asked for, each with its inputs prepared in tmp."""
    cp = args.calpress
    out = lambda name: os.path.join(tmp, "out-" + name)  # noqa: E731
    jobs = []
    want = set(args.jobs)
    if "version" in want:
        jobs.append(Job("version", "calpress --version", args.runs,
                        lambda: run([cp, "--version"])))
    if "check-min" in want:
        m = minimal_manifest(args.manifest, os.path.join(tmp, "min"))
        jobs.append(Job("check-min", "check, minimal manifest", args.runs,
                        lambda m=m: run([cp, "check", m])))
    if "check" in want:
        jobs.append(Job("check", "check, the sample", args.runs,
                        lambda: run([cp, "check", args.manifest])))
    if "render" in want:
        fresh = ["--fresh"] if has_fresh(cp) else []
        jobs.append(Job("render", "render, the sample", args.runs,
                        lambda: run([cp, "render", args.manifest, "-o", out("render"), "-q"]
                                    + fresh)))
    if "check-cold" in want:
        jobs.append(Job("check-cold", "check, the sample, nothing decided", args.runs,
                        lambda: run([cp, "check", args.manifest], env=COLD)))
    if "render-cold" in want:
        fresh = ["--fresh"] if has_fresh(cp) else []
        jobs.append(Job("render-cold", "render, the sample, nothing decided", args.runs,
                        lambda: run([cp, "render", args.manifest, "-o", out("render-cold"),
                                     "-q"] + fresh, env=COLD)))
    if "edit" in want:
        m = sample_copy(args.manifest, os.path.join(tmp, "edit"))
        story = os.path.join(os.path.dirname(m), EDIT_STORY)

        def edit_render(m=m, story=story, count=[0]):
            edit(story, count[0])
            count[0] += 1
            return run([cp, "render", m, "-o", out("edit"), "-q"])
        jobs.append(Job("edit", "render after a one-story edit", args.runs, edit_render))
    if "watch" in want:
        m = sample_copy(args.manifest, os.path.join(tmp, "watch"))
        args.watch = Watch(cp, m, out("watch"))
        jobs.append(Job("watch", "watch rebuild after that edit", args.runs, args.watch.one))
    if "png" in want:
        ensure_png_photos(args.mkphotos, args.png_photos)
        m = sample_copy(args.manifest, os.path.join(tmp, "png"), args.png_photos)
        fresh = ["--fresh"] if has_fresh(cp) else []
        # --fresh, as the render job: into the same folder, every round after the first would
        # only copy the unchanged PDF.
        jobs.append(Job("png", "render, photos as PNG", args.png_runs,
                        lambda m=m: run([cp, "render", m, "-o", out("png"), "-q"] + fresh)))
    if "latex" in want:
        d = os.path.abspath(args.vs_latex)
        if not os.path.exists(os.path.join(d, LATEX_TEX)):
            sys.exit(f"bench: no {LATEX_TEX} in {d}: run "
                     f"sh ../shared/anchors/wallcalendar/setup.sh {d} first")
        jobs.append(Job("latex", "lualatex wallcalendar (A3, 13 pages)", args.runs,
                        lambda: run(["lualatex", "-interaction=nonstopmode", "-halt-on-error",
                                     LATEX_TEX], cwd=d)))
    return jobs


def report(jobs, args, tmp):
    print(f"{'job':10s} {'what':38s} {'n':>3s} {'CPU s':>8s} {'wall s':>8s} {'peak MiB':>9s}")
    for j in jobs:
        print(f"{j.name:10s} {j.what:38s} {len(j.cpu):3d} {j.median('cpu'):8.3f} "
              f"{j.median('wall'):8.3f} {j.median('rss'):9.1f}")
    by = {j.name: j for j in jobs}
    for name, folder in (("render", "out-render"), ("png", "out-png")):
        if name in by:
            print(f"output  {name}: {pdf_note(os.path.join(tmp, folder, 'calendar.pdf'))}")
    if "latex" in by:
        print(f"output  latex: {pdf_note(os.path.join(args.vs_latex, 'cal2021-a3.pdf'))}")
    render = by.get("render")
    share = {name: by[name].median("cpu") / render.median("cpu")
             for name in ("latex", "check", "edit", "watch") if render and name in by}
    if "latex" in share:
        print(f"ratio   render CPU = 1/{share['latex']:.1f} of the LaTeX job's "
              f"(goal 1/{GOAL_LATEX} or less)")
    if "check" in share:
        print(f"ratio   check CPU = {share['check']:.2f} of render's (goal {GOAL_CHECK} or less)")
    cold = by.get("render-cold")
    if cold and "latex" in by:
        print(f"ratio   render-cold CPU = 1/{by['latex'].median('cpu') / cold.median('cpu'):.1f} "
              f"of the LaTeX job's")
    if cold and "check-cold" in by:
        print(f"ratio   check-cold CPU = {by['check-cold'].median('cpu') / cold.median('cpu'):.2f}"
              f" of render-cold's")
    for name, what in (("edit", "edit render"), ("watch", "watch rebuild")):
        if name in share:
            print(f"ratio   {what} CPU = {share[name]:.2f} of a cold render's")
    if render:
        print(f"memory  render peak {render.median('rss'):.1f} MiB (goal under {GOAL_RSS_MIB})")


def main():
    args = parse_args()
    if not os.path.exists(args.calpress):
        sys.exit(f"bench: {args.calpress} not found: build first (sh tools/setup.sh)")
    print(f"calpress {args.calpress}\nmanifest {args.manifest}\nmachine  {machine()}")
    print(f"date     {time.strftime('%Y-%m-%d %H:%M %Z')}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start", flush=True)
    args.watch = None
    tmp = tempfile.mkdtemp(prefix="calpress-bench-")
    try:
        jobs = make_jobs(args, tmp)
        for j in jobs:
            for _ in range(args.warmup):
                j.once(timed=False)
        for i in range(max(j.runs for j in jobs)):
            for j in jobs:
                if i < j.runs:
                    j.once()
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end; "
              "medians of the timed runs")
        report(jobs, args, tmp)
    finally:
        if args.watch:
            args.watch.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
