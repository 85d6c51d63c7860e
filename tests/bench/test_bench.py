#!/usr/bin/env python3
"""The benchmark in its tiny mode (one run of each job, no warm-up, no LaTeX): it must run every
job and print the table, the output line and the ratios. It asserts what the table holds, never
how fast anything was.

usage: test_bench.py BENCH.PY CALPRESS MKPHOTOS PNG_DIR JOBS
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from checks import Checks  # noqa: E402

ROW = re.compile(r"^(\S+)\s+(.+?)\s+(\d+)\s+(\d+\.\d{3})\s+(\d+\.\d{3})\s+(\d+\.\d)$")


def bench(script, *args):
    return subprocess.run([sys.executable, script, *args], capture_output=True, text=True,
                          timeout=3000)


def main():
    script, calpress, mkphotos, png_dir, jobs = sys.argv[1:6]
    chk = Checks("bench/tiny")
    common = ["--calpress", calpress, "--mkphotos", mkphotos, "--png-photos", png_dir]
    r = bench(script, "--runs", "1", "--warmup", "0", "--jobs", jobs, *common)
    chk.ok(r.returncode == 0, "the tiny benchmark exits 0", r.stdout + r.stderr)
    rows = {m.group(1): m for m in map(ROW.match, r.stdout.splitlines()) if m}
    for job in jobs.split(","):
        m = rows.get(job)
        chk.ok(m is not None, f"the table has a row for {job}", r.stdout)
        if m:
            chk.ok(m.group(3) == "1", f"{job}: one timed run", m.group(0))
            chk.ok(float(m.group(4)) > 0 or job == "version", f"{job}: a CPU time", m.group(0))
            chk.ok(float(m.group(5)) > 0, f"{job}: a wall time", m.group(0))
            chk.ok(float(m.group(6)) > 1, f"{job}: a peak memory", m.group(0))
    chk.ok(re.search(r"^machine  .+ cores", r.stdout, re.M), "it names the machine", r.stdout)
    chk.ok(re.search(r"^output  render: calendar\.pdf 14 pages, [\d.]+ MB$", r.stdout, re.M),
           "it says what render wrote", r.stdout)
    chk.ok(re.search(r"^ratio   check CPU = \d+\.\d\d of render's", r.stdout, re.M),
           "it prints check's share of render", r.stdout)
    chk.ok(re.search(r"^memory  render peak [\d.]+ MiB", r.stdout, re.M),
           "it prints render's peak memory", r.stdout)
    chk.ok("LaTeX" not in r.stdout, "without --vs-latex there is no LaTeX ratio", r.stdout)
    # The LaTeX ratio is measured or not printed: never against a constant.
    r = bench(script, "--runs", "1", "--jobs", "version", "--vs-latex", png_dir + "/no-such",
              *common)
    chk.ok(r.returncode != 0 and "setup.sh" in r.stderr,
           "--vs-latex on a folder without the job fails and names setup.sh", r.stdout + r.stderr)
    r = bench(script, "--jobs", "latex", *common)
    chk.ok(r.returncode == 2 and "needs --vs-latex" in r.stderr,
           "the latex job without --vs-latex is a usage error", r.stderr)
    print(f"bench/tiny: {chk.passed} passed, {chk.failed} failed")
    return 1 if chk.failed else 0


if __name__ == "__main__":
    sys.exit(main())
