#!/usr/bin/env python3
"""Show that a pytest run leaves no scenario process behind, in four cases:

  (i)   a passing run            pytest -k "DAEMON-02 and fork"
  (ii)  a failing test           an inner test asserting a wrong exit status
  (iii) a pytest-timeout         the _harness_check scenario's hang variant, --timeout=1
  (iv)  Ctrl-C                   SIGINT to the process group of `pytest -n 2` mid-run

A process belongs to a case's run if it carries the case's marker variable in its
environment (pytest passes its environment to every scenario, and multiprocessing
to every child).  For each case it prints pytest's exit status and the number of
the run's processes alive once pytest has exited (expected 0); any such process is
named and killed.  Exit status: 0 none left, 1 a case left one, 2 bad input.

Linux only: it reads each process's environment from /proc.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from _common import (
    PROJECT_ROOT,
    PYTHON,
    IsolatedRun,
    OneLineParser,
    Proc,
    carrying_token,
    group_members,
    is_scenario,
    run_env,
)

SCENARIO_WAIT = 120.0  # seconds to wait for case (iv)'s first scenario process
EXIT_WAIT = 60.0  # seconds pytest gets to exit after SIGINT
CONFTEST = "from harness.plugin import PLUGINS\n\npytest_plugins = list(PLUGINS)\n"
INNER_TESTS = """
import pytest

@pytest.mark.meta
def test_fails(run_scenario):
    assert run_scenario("mp_logging", "fork").returncode == 1

@pytest.mark.meta
def test_hangs(run_scenario):
    run_scenario("_harness_check", "fork", variant="hang", pid_file={pid_file!r})
"""


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def settle(found: list[Proc]) -> str:
    """Kill what a case left (our own processes, by pid) and describe it."""
    for p in found:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p.pid, signal.SIGKILL)
    return "; ".join(p.describe() for p in found)


def report(case: str, returncode: int, left: list[Proc], expected: str, extra: str = "") -> bool:
    line = f"{case:34s} pytest exit {returncode} ({expected})  processes left: {len(left)}"
    print(line + (f"  {extra}" if extra else ""))
    if left:
        print(f"    LEFT BEHIND (now killed): {settle(left)}")
    sys.stdout.flush()
    return not left


def pytest(args: list[str], token: str, cwd: Path, log: Path) -> int:
    with log.open("wb") as out:
        return subprocess.run(
            [PYTHON, "-m", "pytest", *args],
            cwd=cwd,
            env=run_env(token),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        ).returncode


def case_passing(tmp: Path) -> bool:
    token = f"hygiene-{os.getpid()}-pass"
    rc = pytest(
        ["-q", *IsolatedRun(tmp, "pass").args(), "-k", "DAEMON-02 and fork"], token, PROJECT_ROOT, tmp / "pass.log"
    )
    return report("(i) passing run", rc, carrying_token(token), "0 = passed")


def inner_folder(tmp: Path, pid_file: Path) -> Path:
    inner = tmp / "inner"
    inner.mkdir()
    (inner / "conftest.py").write_text(CONFTEST)
    (inner / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS).format(pid_file=str(pid_file)))
    return inner


def case_failing(tmp: Path, inner: Path) -> bool:
    token = f"hygiene-{os.getpid()}-fail"
    args = ["-q", "-n", "0", *IsolatedRun(tmp, "fail").args(), "test_inner.py::test_fails"]
    rc = pytest(args, token, inner, tmp / "fail.log")
    return report("(ii) failing test", rc, carrying_token(token), "1 = a test failed")


def case_timeout(tmp: Path, inner: Path, pid_file: Path) -> bool:
    token = f"hygiene-{os.getpid()}-timeout"
    args = ["-q", "-n", "0", "--timeout=1", *IsolatedRun(tmp, "timeout").args(), "test_inner.py::test_hangs"]
    rc = pytest(args, token, inner, tmp / "timeout.log")
    pids = [int(x) for x in pid_file.read_text().split()] if pid_file.exists() else []
    survivors = [p for p in pids if alive(p)]
    timed_out = "Timeout (>1.0s) from pytest-timeout" in (tmp / "timeout.log").read_text(errors="replace")
    extra = f"pid file: {pids} (alive: {survivors or 'none'}); pytest-timeout fired: {timed_out}"
    ok = report("(iii) pytest-timeout (--timeout=1)", rc, carrying_token(token), "1 = a test failed", extra)
    return ok and not survivors and len(pids) == 2 and timed_out


def case_interrupt(tmp: Path) -> bool:
    token = f"hygiene-{os.getpid()}-sigint"
    argv = [PYTHON, "-m", "pytest", "-n", "2", "-q", *IsolatedRun(tmp, "sigint").args()]
    argv += ["tests/test_daemon.py", "tests/test_mp_logging.py"]
    with (tmp / "sigint.log").open("wb") as out:
        proc = subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=run_env(token),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            seen: list[Proc] = []
            ends = time.monotonic() + SCENARIO_WAIT
            while not seen and proc.poll() is None and time.monotonic() < ends:
                seen = [p for p in carrying_token(token) if is_scenario(p)]
                time.sleep(0.02)
            if not seen:
                print(f"(iv) Ctrl-C: no scenario process appeared (pytest exit {proc.poll()}): case not shown")
                return False
            os.killpg(proc.pid, signal.SIGINT)
            try:
                rc = proc.wait(EXIT_WAIT)
            except subprocess.TimeoutExpired:
                print(f"(iv) Ctrl-C: pytest still running {EXIT_WAIT:.0f} s after SIGINT: killing its group")
                os.killpg(proc.pid, signal.SIGKILL)
                rc = proc.wait()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    groups = {p.pgid for p in seen}
    left = {p.pid: p for p in carrying_token(token) + group_members(groups)}
    extra = f"interrupted while {len(seen)} scenario process(es) ran: {', '.join(str(p.pid) for p in seen)}"
    return report("(iv) Ctrl-C of pytest -n 2", rc, list(left.values()), "2 = interrupted", extra)


def main() -> int:
    parser = OneLineParser(prog="hygiene", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, reports)")
    args = parser.parse_args()
    if not Path("/proc/self/environ").exists():
        parser.error("needs Linux /proc")
    tmp = Path(tempfile.mkdtemp(prefix="mpspec-hygiene-"))
    try:
        pid_file = tmp / "pids"
        inner = inner_folder(tmp, pid_file)
        results = [
            case_passing(tmp),
            case_failing(tmp, inner),
            case_timeout(tmp, inner, pid_file),
            case_interrupt(tmp),
        ]
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{sum(results)} of {len(results)} cases clean")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
