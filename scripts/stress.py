#!/usr/bin/env python3
"""Run the whole suite many times under CPU load, in a new shuffled order each time.

Both cores are kept busy by Debian's stress-ng (`stress-ng --cpu <nproc>`;
--no-load runs without it); xdist stays on (pytest.ini's addopts); each run gets
`--shuffle SEED` with a new seed if pytest has that option.  Every run writes its
reports to its own temporary paths.  After each run, a process still carrying
the run's marker variable (every scenario process inherits pytest's environment)
fails the run, named by pid.  Exit status: 0 all green, 1 a run failed, 2 bad input.

Linux only: it reads each process's environment from /proc.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from _common import (
    PROJECT_ROOT,
    PYTHON,
    IsolatedRun,
    OneLineParser,
    carrying_token,
    junit_counts,
    kill_group,
    non_negative_int,
    run_env,
)

PYTEST_EXIT_WAIT = 60.0  # seconds pytest gets to finish after Ctrl-C


def has_shuffle() -> bool:
    out = subprocess.run(
        [PYTHON, "-m", "pytest", "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    ).stdout
    return any(line.strip().startswith("--shuffle") for line in out.splitlines())


def start_load() -> subprocess.Popen[bytes]:
    if shutil.which("stress-ng") is None:
        print(
            "stress: error: stress-ng not found (Debian: apt-get install -y stress-ng; or use --no-load)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    cpus = os.cpu_count() or 1
    return subprocess.Popen(
        ["stress-ng", "--cpu", str(cpus), "--quiet"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group: stopped as one, whatever it forked
    )


def stop_load(load: subprocess.Popen[bytes]) -> None:
    kill_group(load.pid)
    try:
        load.wait(5)
    except subprocess.TimeoutExpired:
        load.kill()
        load.wait()


def one_run(index: int, seed: int | None, tmp: Path) -> bool:
    token = f"stress-{os.getpid()}-{index}"
    isolated = IsolatedRun(tmp, str(index))
    argv = [PYTHON, "-m", "pytest", "-q", *isolated.args()]
    if seed is not None:
        argv += ["--shuffle", str(seed)]
    log = tmp / f"pytest-{index}.log"
    began = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=run_env(token), stdout=out, stderr=subprocess.STDOUT)
        try:
            returncode = proc.wait()
        except BaseException:
            # Ctrl-C reached pytest too (same process group): let it clean up.
            try:
                proc.wait(PYTEST_EXIT_WAIT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            raise
    wall = time.monotonic() - began
    left = carrying_token(token)
    counts = junit_counts(isolated.junit)
    tally = f"passed {counts.passed:3d} failed {counts.failed:2d}" if counts else "no JUnit XML"
    green = returncode == 0 and counts is not None and counts.failed == 0 and not left
    problems = "" if returncode == 0 else f"  pytest exit {returncode} (log {log})"
    if left:
        problems += f"  LEFT BEHIND: {', '.join(p.describe() for p in left)}"
    print(f"run {index:3d}  seed {seed if seed is not None else '-':>10}  {tally}  wall {wall:6.1f} s{problems}")
    sys.stdout.flush()
    return green


def main() -> int:
    parser = OneLineParser(prog="stress", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=non_negative_int, default=30, help="suite runs (>= 1; default 30)")
    parser.add_argument("--no-load", action="store_true", help="run without stress-ng")
    parser.add_argument("--seed", type=non_negative_int, default=None, help="seed of the seeds (default: random)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (reports, logs)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not Path("/proc/self/environ").exists():
        parser.error("needs Linux /proc")
    shuffle = has_shuffle()
    if not shuffle:
        print("note: pytest has no --shuffle option here: the tests run in their usual order")
    seeds = random.Random(args.seed)

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    tmp = Path(tempfile.mkdtemp(prefix="mpspec-stress-"))
    load = None if args.no_load else start_load()
    green = 0
    try:
        if load is not None:
            print(f"load: stress-ng --cpu {os.cpu_count() or 1} (pid {load.pid})")
        for index in range(1, args.runs + 1):
            green += one_run(index, seeds.randrange(2**31) if shuffle else None, tmp)
    except KeyboardInterrupt:
        print(f"interrupted after {green} green run(s)", file=sys.stderr)
        return 130
    finally:
        if load is not None:
            stop_load(load)
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{green} of {args.runs} green")
    return 0 if green == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
