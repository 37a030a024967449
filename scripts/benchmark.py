#!/usr/bin/env python3
"""Figures about the suite's cost (not a test): wall and CPU time of the default
run and of the full matrix, the process launches the suite makes, the CPU floor
those launches need on this machine, and the waiting built into the suite.

CPU time is the busy time of the whole machine (Linux /proc/stat) across each
pytest run, so it counts the processes re-parented to init that getrusage()
never sees (resource trackers, forkserver servers and their children); run
it on a quiet machine.  Elsewhere it is resource.getrusage(RUSAGE_CHILDREN):
user+sys of pytest and every descendant that was waited for.  The figures
after the timing ((c) to (e)) come from the run cache of the last default run
(<basetemp>/mpspec-runs/*.json, RunResult.to_json).  Targets are printed next
to the figures; missing one does not change the exit status, which is 1 only if
a pytest run failed and 2 on bad input.

Made for Linux (/proc/stat); on another POSIX system the CPU figures are
getrusage()'s; not on Windows, which has no resource module.
"""

from __future__ import annotations

import argparse
import ast
import json
import multiprocessing
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import PROJECT_ROOT, PYTHON, IsolatedRun, OneLineParser, non_negative_int

TARGET_WALL = 15.0  # seconds, default run on 2 cores
TARGET_CPU_RATIO = 2.0  # CPU time / launch floor
TARGET_WAIT = 2.0  # seconds of deliberate waiting per suite run
TARGET_WINDOWS_RATIO = 2.0  # a Windows column under Wine / the Linux spawn column of the same version
FLOOR_SAMPLES = 20
FURTHER_CHILDREN = 4  # children beyond the first in the program that measures a further child's cost
QUIET_SAMPLE = 2.0  # seconds of machine CPU sampled before the first run
QUIET_LIMIT = 0.1  # cores busy with other work beyond which the figures are flagged
CHILD_PROGRAM = """
import multiprocessing, sys
if __name__ == "__main__":
    if sys.argv[1] != "none":
        multiprocessing.set_start_method(sys.argv[1])
        for _ in range(int(sys.argv[2])):
            p = multiprocessing.Process(target=int)
            p.start()
            p.join()
"""


def machine_busy() -> float | None:
    """CPU seconds all cores have spent busy since boot (Linux /proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in f.readline().split()[1:8])
    except (OSError, ValueError):
        return None
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


MACHINE_WIDE = machine_busy() is not None
CPU_MEANS = (
    "busy time of the whole machine, so also processes re-parented to init"
    if MACHINE_WIDE
    else "user+sys of pytest and its waited-for descendants"
)


def cpu_now() -> float:
    busy = machine_busy()
    if busy is not None:
        return busy
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Timed:
    wall: float
    cpu: float
    returncode: int


def timed(argv: list[str], log: Path | None = None) -> Timed:
    """Run ``argv`` to its end (from the project root); its wall and CPU time."""
    out = log.open("wb") if log is not None else subprocess.DEVNULL
    try:
        cpu0, wall0 = cpu_now(), time.monotonic()
        proc = subprocess.run(argv, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT, check=False)
        wall, cpu = time.monotonic() - wall0, cpu_now() - cpu0
    finally:
        if log is not None and not isinstance(out, int):
            out.close()
    return Timed(wall, cpu, proc.returncode)


def pytest_runs(tmp: Path, label: str, count: int, extra: list[str]) -> list[Timed]:
    results = []
    for i in range(count):
        tag = f"{label}-{i}"
        log = tmp / f"pytest-{tag}.log"
        argv = [PYTHON, "-m", "pytest", "-q", *IsolatedRun(tmp, tag).args(), *extra]
        t = timed(argv, log)
        status = "green" if t.returncode == 0 else f"FAILED (exit {t.returncode}; log {log})"
        print(f"  {label} run {i + 1}/{count}: wall {t.wall:6.1f} s  cpu {t.cpu:6.1f} s  {status}", flush=True)
        results.append(t)
    return results


def load_runs(basetemp: Path) -> list[dict[str, object]]:
    return [json.loads(f.read_text(encoding="utf-8")) for f in sorted((basetemp / "mpspec-runs").glob("*.json"))]


def trace_events(run: dict[str, object]) -> list[dict[str, object]]:
    text = run.get("trace_text")
    return [json.loads(line) for line in str(text).splitlines() if line.strip()]


def launches(run: dict[str, object]) -> int:
    """Children of one run: distinct pids in its trace other than the parent's."""
    events = trace_events(run)
    starts = [e for e in events if e.get("event") == "scenario-start" and e.get("process") == "MainProcess"]
    parent = min(starts, key=lambda e: int(str(e["seq"])))["pid"] if starts else None
    return len({e["pid"] for e in events if e["pid"] != parent})


def spec_method(run: dict[str, object]) -> str:
    spec = run["spec"]
    assert isinstance(spec, dict)
    return str(spec.get("start_method") or multiprocessing.get_start_method())


def cpu_per_run(argv: list[str], samples: int) -> float:
    """Mean CPU of ``samples`` runs of ``argv``, measured over all of them (a
    single short run is below the resolution of /proc/stat's clock ticks)."""
    cpu0 = cpu_now()
    for _ in range(samples):
        subprocess.run(argv, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return (cpu_now() - cpu0) / samples


def constant(path: Path, name: str) -> float:
    """A module-level numeric constant, read from the source (not imported)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = ast.literal_eval(node.value)
            if isinstance(value, (int, float)):
                return float(value)
    raise SystemExit(f"benchmark: error: {name} not found in {path}")


def scenario_waits(runs: list[dict[str, object]]) -> tuple[float, dict[str, float]]:
    """Waits the scenarios make on purpose, from the traces: each trace event that
    reports a wait which ran out, times the timeout it waited (the constant in the
    scenario's source), or the measured time of the daemon scenario's timed join."""
    poll = constant(PROJECT_ROOT / "scenarios" / "event.py", "POLL")
    empty = constant(PROJECT_ROOT / "scenarios" / "communication.py", "EMPTY_TIMEOUT")
    limit = constant(PROJECT_ROOT / "scenarios" / "_trace.py", "WAIT_LIMIT")
    grace = constant(PROJECT_ROOT / "harness" / "running" / "runner.py", "EXIT_GRACE")
    parts = {
        f"event wait(POLL={poll:g}) returned False": 0.0,
        f"communication get()/poll(EMPTY_TIMEOUT={empty:g}) ran out": 0.0,
        "daemon join(timeout) (measured 'waited')": 0.0,
        f"wait-timeout (WAIT_LIMIT={limit:g}; a failure)": 0.0,
        "runner: timed-out runs (deadline) and leftovers (EXIT_GRACE)": 0.0,
    }
    keys = list(parts)
    for run in runs:
        if run.get("timed_out"):
            spec = run["spec"]
            assert isinstance(spec, dict)
            parts[keys[4]] += float(spec["deadline"])
        if run.get("leftovers"):
            parts[keys[4]] += grace
        for e in trace_events(run):
            data = e.get("data")
            assert isinstance(data, dict)
            name = e.get("event")
            if name in ("status", "wait") and data.get("result") is False:
                parts[keys[0]] += poll
            elif (name == "empty-get" and data.get("how") == "get-timeout" and data.get("raised")) or (
                name == "peer-copy-open-poll" and data.get("ready") is False
            ):
                parts[keys[1]] += empty
            elif name == "timed-join-returned":
                parts[keys[2]] += float(data.get("waited", 0.0))
            elif name == "wait-timeout":
                parts[keys[3]] += limit
    return sum(parts.values()), parts


def self_test_waits() -> tuple[float, str]:
    """The harness self-tests' deliberate waits on a first attempt (tests/test_harness.py;
    a further attempt, with twice the time, follows only when a timer fired too early)."""
    source = PROJECT_ROOT / "tests" / "test_harness.py"
    text = source.read_text(encoding="utf-8")
    found = [("run deadline", constant(source, "FIRST_DEADLINE"))]
    # Each check of a pytest-timeout method (signal, thread) waits for its timer at most.
    found += [("pytest-timeout", constant(source, "FIRST_TIMEOUT"))] * text.count("(tmp_path, FIRST_TIMEOUT)")
    found += [("exit grace", float(v)) for v in re.findall(r"exit_grace=([\d.]+)", text)]
    return sum(v for _, v in found), ", ".join(f"{what} {v:g} s" for what, v in found)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> int:
    parser = OneLineParser(prog="benchmark", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=non_negative_int, default=3, help="default runs to time (>= 1; default 3)")
    parser.add_argument(
        "--matrix-runs", type=non_negative_int, default=1, help="runs of the full matrix (--python all); 0 skips it"
    )
    parser.add_argument(
        "--windows-runs",
        type=non_negative_int,
        default=3,
        help="runs of the newest Windows build under Wine and of the Linux spawn column of its version "
        "(default 3; 0 skips them; skipped without Wine and the builds)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (reports, run cache, logs)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    tmp = Path(tempfile.mkdtemp(prefix="mpspec-bench-"))
    try:
        status = report(args.runs, args.matrix_runs, tmp)
        return windows_column(args.windows_runs, tmp) or status
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def report(runs: int, matrix_runs: int, tmp: Path) -> int:
    if MACHINE_WIDE:
        # The load average lags by minutes; what the machine does now is what counts.
        busy0 = cpu_now()
        time.sleep(QUIET_SAMPLE)
        other = (cpu_now() - busy0) / QUIET_SAMPLE
        quiet = "" if other < QUIET_LIMIT else "  (not quiet: other work inflates the CPU figures)"
        print(f"{os.cpu_count()} cores; before the first run other work kept {other:.2f} cores busy{quiet}")
    print(f"(a) default run x {runs} (python -m pytest -q, addopts of pytest.ini: xdist -n auto)", flush=True)
    default = pytest_runs(tmp, "default", runs, [])
    wall = statistics.median(t.wall for t in default)
    cpu = statistics.median(t.cpu for t in default)
    print(f"    median wall {wall:.1f} s   target <= {TARGET_WALL:g} s on 2 cores: {verdict(wall <= TARGET_WALL)}")
    print(f"    median CPU  {cpu:.1f} s   ({CPU_MEANS})")
    matrix: list[Timed] = []
    if matrix_runs:
        print(f"(b) full matrix (--python all) x {matrix_runs}", flush=True)
        matrix = pytest_runs(tmp, "matrix", matrix_runs, ["--python", "all"])
        print(
            f"    median wall {statistics.median(t.wall for t in matrix):.1f} s   "
            f"median CPU {statistics.median(t.cpu for t in matrix):.1f} s  ({matrix_runs} run(s))"
        )
    else:
        print("(b) full matrix: skipped (--matrix-runs 0)")

    cache = load_runs(IsolatedRun(tmp, f"default-{runs - 1}").basetemp)
    children = [launches(r) for r in cache]
    print(f"(c) process launches of the last default run (from {len(cache)} cached scenario runs)")
    print(f"    scenario parents {len(cache)}   children {sum(children)}   total {len(cache) + sum(children)}")
    print("    (children: pids seen in the traces; forkserver servers and resource trackers are not traced)")

    print(f"(d) launch floor on this machine (mean of {FLOOR_SAMPLES} runs each)", flush=True)
    start = cpu_per_run([PYTHON, "-c", "pass"], FLOOR_SAMPLES)
    print(f"    interpreter start (python -c pass): {start * 1000:.1f} ms CPU")
    imported = cpu_per_run([PYTHON, "-c", CHILD_PROGRAM, "none", "0"], FLOOR_SAMPLES)
    print(f"    the child program without children (import multiprocessing): {imported * 1000:.1f} ms CPU")
    # A run's first child also costs what the run starts once (spawn and forkserver:
    # the resource tracker; forkserver: its server); each further child costs less.
    first: dict[str, float] = {}
    further: dict[str, float] = {}
    for method in multiprocessing.get_all_start_methods():
        one = cpu_per_run([PYTHON, "-c", CHILD_PROGRAM, method, "1"], FLOOR_SAMPLES)
        # Several further children, so the per-child figure is not lost in the noise of two runs.
        more = cpu_per_run([PYTHON, "-c", CHILD_PROGRAM, method, str(1 + FURTHER_CHILDREN)], FLOOR_SAMPLES)
        first[method], further[method] = max(one - imported, 0.0), max((more - one) / FURTHER_CHILDREN, 0.0)
        print(
            f"    {method:10s}: first child {first[method] * 1000:6.1f} ms (with what the run starts once for it), "
            f"each further child {further[method] * 1000:6.1f} ms"
        )
    for what, parent in (("interpreter start + import multiprocessing", imported), ("interpreter start", start)):
        floor = sum(
            parent + (first[spec_method(r)] + (n - 1) * further[spec_method(r)] if n else 0.0)
            for r, n in zip(cache, children)
        )
        ratio = cpu / floor if floor else float("inf")
        print(f"    floor, each parent charged {what}: {floor:.2f} s CPU")
        print(f"      CPU / floor = {cpu:.1f} / {floor:.2f} = {ratio:.1f}x   target <= {TARGET_CPU_RATIO:g}x: ", end="")
        print(verdict(ratio <= TARGET_CPU_RATIO))

    waits, parts = scenario_waits(cache)
    self_wait, self_what = self_test_waits()
    total = waits + self_wait
    print("(e) deliberate waiting per suite run (summed over runs; xdist overlaps some of it)")
    for what, seconds in parts.items():
        print(f"    {seconds:6.2f} s  {what}")
    print(f"    {self_wait:6.2f} s  harness self-tests, tests/test_harness.py ({self_what})")
    print(f"    total {total:.2f} s   target <= {TARGET_WAIT:g} s: {verdict(total <= TARGET_WAIT)}")
    print("    (from the traces: each event reporting a timed-out wait x the timeout constant in its scenario)")
    failed = [t for t in default + matrix if t.returncode != 0]
    if failed:
        print(f"{len(failed)} pytest run(s) failed: the figures above are not those of a green suite")
        return 1
    return 0


def windows_column(runs: int, tmp: Path) -> int:
    """(f) The newest Windows build's column under Wine against the Linux spawn column of the
    same minor version, run in turns, so one run of this script gives the ratio."""
    from harness.running import wine  # needs the project's requirements; imported only here

    builds = wine.installed() if wine.wine_command() else {}
    if not runs or not builds:
        why = "--windows-runs 0" if not runs else (wine.notice() or "no Windows build")
        print(f"(f) Windows column: skipped ({why})")
        return 0
    major, minor = max(builds)
    dotted = f"{major}.{minor}"
    print(f"(f) the Windows column (win{dotted}, under Wine) against Linux {dotted} spawn, x {runs} each", flush=True)
    linux: list[Timed] = []
    windows: list[Timed] = []
    for turn in range(1, runs + 1):  # in turns, so a change in the machine's speed hits both alike
        linux += pytest_runs(tmp, f"linux{dotted}-spawn#{turn}", 1, ["--python", dotted, "--start-method", "spawn"])
        windows += pytest_runs(tmp, f"win{dotted}#{turn}", 1, ["--python", f"win{dotted}"])
    for what in ("wall", "cpu"):
        mine = statistics.median(getattr(t, what) for t in windows)
        theirs = statistics.median(getattr(t, what) for t in linux)
        ratio = mine / theirs if theirs else float("inf")
        print(
            f"    median {what:4s} Windows {mine:6.1f} s / Linux spawn {theirs:6.1f} s = {ratio:.2f}x   "
            f"target <= {TARGET_WINDOWS_RATIO:g}x: {verdict(ratio <= TARGET_WINDOWS_RATIO)}"
        )
    return 1 if any(t.returncode != 0 for t in linux + windows) else 0


if __name__ == "__main__":
    sys.exit(main())
