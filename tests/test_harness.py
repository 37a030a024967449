"""The harness itself: a run that hangs, leaks or is interrupted leaves no process behind,
and a failing test shows the scenario's transcript."""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import signal
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from harness.plugin import CORE
from harness.project import PROJECT_ROOT
from harness.running.process_tree import KILLED_STATUS, process_alive
from harness.running.runner import run
from harness.running.spec import RunSpec

pytestmark = pytest.mark.meta

# The misbehaving scenarios fork where they can, and spawn on Windows.  Not spawn on
# POSIX: there its resource tracker keeps the run's stderr open as long as the orphan
# lives, so the run never looks finished while a process is left (Windows has no tracker).
METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


# The hang checks wait on purpose for a deadline or a pytest-timeout.  They start
# short; if the timer fired before the hanging tree was fully up (both pids
# written), the check has not seen what it is for and runs again with twice
# the time, so a loaded machine costs time, not a false failure.
FIRST_DEADLINE = 0.25  # seconds
FIRST_TIMEOUT = 0.5  # seconds; pytest-timeout also covers the inner test's set-up
ATTEMPTS = 4


def pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


@pytest.fixture(autouse=True)
def nothing_left(tmp_path: Path) -> Iterator[None]:
    """Whatever a check's outcome, the processes whose pids its runs wrote are gone after it
    (a check that fails because the harness left one must not leave it to the machine)."""
    began = time.time()
    yield
    for pid in [pid for pid_file in tmp_path.glob("pids*") for pid in pids(pid_file)]:
        with contextlib.suppress(psutil.Error):
            p = psutil.Process(pid)
            if p.create_time() >= began - 1:  # not another process that got the pid since
                p.kill()


def until_the_tree_was_up(tmp_path: Path, first: float) -> Iterator[tuple[Path, float]]:
    """(pid file, time) for each attempt of a hang check, the time doubling,
    until an attempt saw both processes of the hanging tree write their pid."""
    for attempt in range(ATTEMPTS):
        pid_file, seconds = tmp_path / f"pids-{attempt}", first * 2**attempt
        yield pid_file, seconds
        if len(pids(pid_file)) == 2:
            return
    pytest.fail(f"the hanging tree never got up within {seconds:g} s", pytrace=False)


def harness_plugin(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """An inner pytest (a subprocess) with mpspec's plugin, importing the project."""
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    pytester.makeconftest(f"pytest_plugins = {list(CORE)!r}")


def hanging_test(pid_file: Path, marker: str = "") -> str:
    """The source of an inner test whose scenario run hangs, its processes' pids in ``pid_file``."""
    return textwrap.dedent(
        f"""
        import pytest

        @pytest.mark.meta
        {marker}
        def test_hangs(run_scenario):
            run_scenario("_harness_check", {METHOD!r}, variant="hang", pid_file={str(pid_file)!r})
        """
    )


def test_run_past_its_deadline_is_killed_with_its_children(tmp_path):
    for pid_file, deadline in until_the_tree_was_up(tmp_path, FIRST_DEADLINE):
        r = run(RunSpec("_harness_check", METHOD, "hang", params=(("pid-file", str(pid_file)),), deadline=deadline))
        assert r.timed_out is True
        # Killed, not left to give up its bounded wait and exit by itself.
        assert r.returncode == KILLED_STATUS
        assert f"TIMED OUT after {deadline:g} s; the process tree was killed" in r.transcript()
        assert [p for p in pids(pid_file) if process_alive(p)] == []


def test_process_outliving_the_run_is_reported_and_killed(tmp_path):
    pid_file = tmp_path / "pids"
    # No grace: the orphan blocks until killed, so it is a leftover at once.
    r = run(RunSpec("_harness_check", METHOD, "orphan", params=(("pid-file", str(pid_file)),)), exit_grace=0.0)
    parent, child = pids(pid_file)
    assert r.returncode == 0
    assert r.leftovers == (child,)
    assert [p for p in (parent, child) if process_alive(p)] == []


@pytest.mark.skipif(not hasattr(os, "setsid"), reason="needs os.setsid (POSIX)")
def test_a_process_that_left_the_tree_and_the_group_is_found_by_the_runs_tag(tmp_path):
    """A grandchild in a session of its own, whose parent left at once: neither a descendant of
    the leader at a look nor in its process group; its environment still carries the run's tag."""
    pid_file = tmp_path / "pids"
    r = run(RunSpec("_harness_check", METHOD, "escape", params=(("pid-file", str(pid_file)),)), exit_grace=0.0)
    parent, grandchild = pids(pid_file)
    assert r.returncode == 0
    assert r.leftovers == (grandchild,)
    assert [p for p in (parent, grandchild) if process_alive(p)] == []


def refuse_group_kill(pgid: int, sig: int) -> None:
    raise PermissionError(errno.EPERM, "Operation not permitted")  # macOS, for a group of zombies only


def kill_then_refuse(p: psutil.Process, real: Callable[[psutil.Process], None]) -> None:
    real(p)
    raise psutil.AccessDenied(p.pid)  # Windows, ending a process that is already ending


@pytest.mark.parametrize("refusal", ["group", "process"])
def test_a_refused_kill_still_kills_the_tree(tmp_path, monkeypatch, refusal):
    """The system refuses a signal to what is already dying: the kill goes on, and the leftover
    is still reported and gone."""
    if refusal == "group":
        if os.name == "nt":
            pytest.skip("no process groups")
        monkeypatch.setattr(os, "killpg", refuse_group_kill)
    else:
        real = psutil.Process.kill
        monkeypatch.setattr(psutil.Process, "kill", lambda p: kill_then_refuse(p, real))
    pid_file = tmp_path / "pids"
    r = run(RunSpec("_harness_check", METHOD, "orphan", params=(("pid-file", str(pid_file)),)), exit_grace=0.0)
    parent, child = pids(pid_file)
    assert r.leftovers == (child,)
    assert [p for p in (parent, child) if process_alive(p)] == []


# pytest-timeout interrupts a test with SIGALRM; without it (Windows) its thread method ends pytest.
@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="pytest-timeout needs SIGALRM to interrupt a test")
def test_failing_and_timed_out_tests_show_transcripts_and_leave_nothing(pytester, monkeypatch, tmp_path):
    harness_plugin(pytester, monkeypatch)
    for pid_file, timeout in until_the_tree_was_up(tmp_path, FIRST_TIMEOUT):
        # The timeout marks only the hanging test: the other must not race a timer under load.
        failing = textwrap.dedent(
            f"""
            @pytest.mark.meta
            def test_fails(run_scenario):
                assert run_scenario("mp_logging", {METHOD!r}, variant="document").returncode == 1
            """
        )
        pytester.makepyfile(hanging_test(pid_file, f"@pytest.mark.timeout({timeout})") + failing)
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "0")
        result.assert_outcomes(failed=2)
        out = result.stdout.str()
        assert f"Timeout (>{timeout}s) from pytest-timeout." in out
        assert "INTERRUPTED; the process tree was killed" in out
        assert f"exit status: {KILLED_STATUS}" in out
        assert f"scenario -m scenarios.mp_logging --start-method {METHOD}" in out
        assert "count : 0" in out
        assert [p for p in pids(pid_file) if process_alive(p)] == []


def test_pytest_timeouts_thread_method_leaves_no_process_of_the_run(pytester, monkeypatch, tmp_path):
    """Its thread method (the only one on Windows) ends pytest with os._exit(): the harness
    stops the runs in flight first, and the test fails with the transcript instead."""
    harness_plugin(pytester, monkeypatch)
    for pid_file, timeout in until_the_tree_was_up(tmp_path, FIRST_TIMEOUT):
        pytester.makepyfile(hanging_test(pid_file))
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "-n", "0", f"--timeout={timeout}", "-o", "timeout_method=thread"
        )
        assert "timeout method: thread" in result.stdout.str()
        assert [p for p in pids(pid_file) if process_alive(p)] == []
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(
            [
                f"*scenario stopped * before pytest-timeout's {timeout:g} s, whose thread method ends pytest at once*",
                "INTERRUPTED; the process tree was killed",
            ]
        )
