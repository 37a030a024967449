"""Helpers shared by the trust-check scripts (the standard library and the harness's
stdlib-only modules, Linux /proc)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

# The scripts run as `python scripts/NAME.py`: the project root is on the path only once put there.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# For the scripts (explicit re-exports).
from harness.console import OneLineParser as OneLineParser  # noqa: E402
from harness.project import PROJECT_ROOT as PROJECT_ROOT  # noqa: E402
from harness.project import IsolatedRun as IsolatedRun  # noqa: E402

PYTHON = sys.executable
# The runner passes its environment on to every scenario but for the variables it drops
# (docs/TRACE.md: colour, warnings, python -O ..., MPSPEC_*),
# and every multiprocessing child inherits it: a process carrying this variable
# with our value belongs to the pytest run we started, even after it was orphaned.
TOKEN_VAR = "TRUSTCHECK_RUN"


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text}")
    return value


def run_env(token: str) -> dict[str, str]:
    env = dict(os.environ)
    env[TOKEN_VAR] = token
    env["PYTHONPATH"] = str(PROJECT_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


@dataclass(frozen=True)
class Proc:
    pid: int
    pgid: int
    state: str
    cmdline: str

    def describe(self) -> str:
        return f"{self.pid} (pgid {self.pgid}, {self.state}): {self.cmdline[:120]}"


def _read_proc(pid_dir: Path) -> tuple[Proc, bytes] | None:
    try:
        stat = (pid_dir / "stat").read_text()
        cmdline = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        try:
            environ = (pid_dir / "environ").read_bytes()
        except OSError:
            environ = b""
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return Proc(int(pid_dir.name), int(fields[2]), fields[0], cmdline), environ


def processes() -> list[tuple[Proc, bytes]]:
    """Every live (non-zombie) process with its raw environment."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            got = _read_proc(entry)
            if got is not None and got[0].state != "Z":
                found.append(got)
    return found


def carrying_token(token: str) -> list[Proc]:
    """Live processes started by the run tagged ``token`` (pytest, its workers, scenarios)."""
    needle = f"{TOKEN_VAR}={token}".encode()
    return [p for p, environ in processes() if needle in environ.split(b"\0")]


def is_scenario(p: Proc) -> bool:
    """A scenario's leader or one of its processes (fork children keep the
    leader's command line; spawn, forkserver and the resource tracker run
    ``-c from multiprocessing...``)."""
    return "scenarios." in p.cmdline or "multiprocessing" in p.cmdline


def group_members(pgids: set[int]) -> list[Proc]:
    return [p for p, _ in processes() if p.pgid in pgids]


def kill_group(pgid: int, wait: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after ``wait`` seconds, to a process group we started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        ends = time.monotonic() + wait
        while time.monotonic() < ends:
            if not group_members({pgid}):
                return
            time.sleep(0.05)


@dataclass(frozen=True)
class JunitCounts:
    tests: int
    failures: int
    errors: int
    skipped: int

    @property
    def passed(self) -> int:
        return self.tests - self.failures - self.errors - self.skipped

    @property
    def failed(self) -> int:
        return self.failures + self.errors


def junit_counts(path: Path) -> JunitCounts | None:
    """Totals of a JUnit XML file; None if it is missing or unreadable."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    totals = [0, 0, 0, 0]
    for suite in suites:
        for i, name in enumerate(("tests", "failures", "errors", "skipped")):
            totals[i] += int(suite.get(name, "0"))
    return JunitCounts(*totals)
