"""Helpers shared by scripts/benchmark-maintainers and scripts/benchmark-format: timing one
run of a command with its peak memory, and alternating paired runs."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TIME = shutil.which("time") or "/usr/bin/time"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw).stdout


def ensure_time():
    """GNU time measures the peak RSS of the command alone (`os.wait4` would report the
    benchmark's own high-water mark, which a forked child inherits); installed when missing."""
    global TIME
    if not os.path.exists(TIME):
        subprocess.run(["apt-get", "install", "-y", "-qq", "time"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        TIME = shutil.which("time") or "/usr/bin/time"
    if not os.path.exists(TIME):
        print("benchmark: GNU time is missing; peak memory includes the benchmark's own", file=sys.stderr)


def timed(cmd, env, cwd=None):
    """Wall time (s) and peak RSS (KiB) of one run of a command."""
    if os.path.exists(TIME):
        with tempfile.NamedTemporaryFile("r") as report:
            start = time.perf_counter()
            proc = subprocess.run([TIME, "-f", "%M", "-o", report.name] + cmd, env=env, cwd=cwd,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                sys.exit(f"benchmark: {' '.join(cmd)} failed: {proc.stderr.decode(errors='replace')}")
            return elapsed, int(report.read().split()[-1])
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"benchmark: {' '.join(cmd)} failed: {proc.stderr.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss


def paired(commands, runs, env, cwd=None, before=None):
    """Runs each command of `commands` (name → argv) once per round, alternating, so that
    load from elsewhere hits all alike; `before(name)` runs untimed before each. Returns
    name → (median seconds, peak KiB)."""
    samples = {name: ([], []) for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            if before:
                before(name)
            elapsed, peak = timed(cmd, env, cwd)
            samples[name][0].append(elapsed)
            samples[name][1].append(peak)
    return {name: (statistics.median(times), max(peaks)) for name, (times, peaks) in samples.items()}
