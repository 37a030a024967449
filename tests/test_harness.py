"""The harness itself: a run that hangs, leaks or is interrupted leaves no process behind,
and a failing test shows the scenario's transcript."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from harness.runner import PROJECT_ROOT, RunSpec, process_alive, run

pytestmark = [pytest.mark.meta, pytest.mark.skipif(os.name == "nt", reason="process checks use /proc")]


def pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()]


def test_run_past_its_deadline_is_killed_with_its_children(tmp_path):
    pid_file = tmp_path / "pids"
    r = run(RunSpec("_harness_check", "fork", "hang", params=(("pid-file", str(pid_file)),), deadline=1.0))
    assert r.timed_out is True
    assert "TIMED OUT after 1 s; the process tree was killed" in r.transcript()
    assert len(pids(pid_file)) == 2
    assert [p for p in pids(pid_file) if process_alive(p)] == []


def test_process_outliving_the_run_is_reported_and_killed(tmp_path):
    pid_file = tmp_path / "pids"
    r = run(RunSpec("_harness_check", "fork", "orphan", params=(("pid-file", str(pid_file)),)), exit_grace=0.2)
    parent, child = pids(pid_file)
    assert r.returncode == 0
    assert r.leftovers == (child,)
    assert [p for p in (parent, child) if process_alive(p)] == []


def test_failing_and_timed_out_tests_show_transcripts_and_leave_nothing(pytester, monkeypatch, tmp_path):
    pid_file = tmp_path / "pids"
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    pytester.makeconftest('pytest_plugins = ["harness.pytest_plugin"]')
    pytester.makepyfile(
        textwrap.dedent(
            f"""
            import pytest

            @pytest.mark.meta
            @pytest.mark.timeout(1)  # only this test: the other must not race a timer under load
            def test_hangs(run_scenario):
                run_scenario("_harness_check", "fork", variant="hang", pid_file={str(pid_file)!r})

            @pytest.mark.meta
            def test_fails(run_scenario):
                assert run_scenario("mp_logging", "fork").returncode == 1
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "0")
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    assert "Timeout (>1.0s) from pytest-timeout." in out
    assert "INTERRUPTED; the process tree was killed" in out
    assert "scenario -m scenarios.mp_logging --start-method fork" in out
    assert "count : 0" in out
    assert len(pids(pid_file)) == 2
    assert [p for p in pids(pid_file) if process_alive(p)] == []
