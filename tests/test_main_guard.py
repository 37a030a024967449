"""Section "The __main__ guard": the `if __name__ == "__main__":` idiom every example of the document uses.

Scenarios ``main_guard`` (the guarded program) and ``main_guard_missing`` (the same program with its
top level unguarded).  Each starts one child and prints the child's exit code.
"""

from __future__ import annotations

import pytest

from harness.runner import RunResult

# Text of the RuntimeError raised by multiprocessing/spawn.py _check_not_importing_main(),
# line by line with the indentation stripped.
REFUSAL_LINES = [
    "An attempt has been made to start a new process before the",
    "current process has finished its bootstrapping phase.",
    "",
    "This probably means that you are not using fork to start your",
    "child processes and you have forgotten to use the proper idiom",
    "in the main module:",
    "",
    "if __name__ == '__main__':",
    "freeze_support()",
    "...",
    "",
    'The "freeze_support()" line can be omitted if the program',
    "is not going to be frozen to produce an executable.",
]
REFUSAL_LINES_LINK = [
    "",
    'To fix this issue, refer to the "Safe importing of main module"',
    "section in https://docs.python.org/3/library/multiprocessing.html",
]


def expected_refusal(r: RunResult) -> list[str]:
    # CPython PR #102203 (Aug 2023) appended the pointer to the docs; verified in 3.11.7, 3.12.1 and 3.13.0.
    # It reached 3.11 as a backport, so 3.11 releases older than the backport still have the short text.
    if r.python_version >= (3, 11):
        return REFUSAL_LINES + REFUSAL_LINES_LINK
    return REFUSAL_LINES


def top_levels(r: RunResult) -> list[tuple[str, str]]:
    return [(e.process, e["module"]) for e in r.trace.named("top-level")]


def child_exit(r: RunResult) -> int:
    event = r.trace.one("child-exit", "MainProcess")
    assert event["name"] == "Process-1"
    return int(event["exitcode"])


@pytest.mark.claim("GUARD-01")
def test_unguarded_program_child_exit_code(run_scenario, start_method):
    """Without the guard the child fails (exit code 1) under spawn and forkserver and succeeds under fork."""
    r = run_scenario("main_guard_missing", start_method)
    assert r.returncode == 0
    if start_method == "fork":
        assert child_exit(r) == 0
    elif start_method == "forkserver" and r.python_version < (3, 7):
        # Before bpo-30589 (3.7) a forkserver child that died without reporting its code read as 255.
        assert child_exit(r) == 255
    else:
        assert child_exit(r) == 1
    assert r.stdout_lines[-1] == f"Process-1 exitcode : {child_exit(r)}"


@pytest.mark.claim("GUARD-01")
def test_unguarded_child_reruns_the_top_level(run_scenario, start_method):
    """Under spawn and forkserver the child re-runs the unguarded top level (as __mp_main__); fork does not."""
    r = run_scenario("main_guard_missing", start_method)
    assert r.trace.named("recursion-stopped") == []
    if start_method == "fork":
        assert top_levels(r) == [("MainProcess", "__main__")]
        assert [e.process for e in r.trace.named("target-runs")] == ["Process-1"]
    else:
        assert top_levels(r) == [("MainProcess", "__main__"), ("Process-1", "__mp_main__")]
        # The re-run reached the program's own start-up code, but the target never ran.
        assert [e.process for e in r.trace.named("scenario-start")] == ["MainProcess", "Process-1"]
        assert r.trace.named("target-runs") == []


@pytest.mark.claim("GUARD-01")
def test_unguarded_child_refuses_with_bootstrapping_error(run_scenario, start_method):
    """The re-run's start() raises RuntimeError with the "bootstrapping phase" text of the interpreter's version."""
    r = run_scenario("main_guard_missing", start_method)
    refused = r.trace.named("start-refused")
    if start_method == "fork":
        assert refused == []
        assert "RuntimeError" not in r.stderr
        return
    assert [e.process for e in refused] == ["Process-1"]
    message = refused[0]["message"]
    assert [line.strip() for line in message.strip().splitlines()] == expected_refusal(r)
    # The child's traceback ends with the same exception, unchanged.
    assert "\nRuntimeError: " + message in r.stderr


@pytest.mark.claim("GUARD-02")
def test_guarded_program_child_runs_target(run_scenario, start_method):
    """With the guard the child runs its target and exits with 0 under every start method."""
    r = run_scenario("main_guard", start_method)
    assert r.returncode == 0
    assert [e.process for e in r.trace.named("target-runs")] == ["Process-1"]
    assert child_exit(r) == 0
    assert "RuntimeError" not in r.stderr


@pytest.mark.claim("GUARD-02")
def test_guarded_block_runs_in_the_parent_only(run_scenario, start_method):
    """Spawned children import the main module as __mp_main__, so the guarded block runs only in the parent."""
    r = run_scenario("main_guard", start_method)
    if start_method == "fork":
        assert top_levels(r) == [("MainProcess", "__main__")]
    else:
        assert top_levels(r) == [("MainProcess", "__main__"), ("Process-1", "__mp_main__")]
    assert [e.process for e in r.trace.named("scenario-start")] == ["MainProcess"]


@pytest.mark.claim("GUARD-03")
def test_start_method_used_when_none_is_chosen(run_scenario, target):
    """Without --start-method the program runs with its platform's and version's default."""
    r = run_scenario("main_guard", start_method="")
    if target.platform == "win32" or (target.platform == "darwin" and target.version >= (3, 8)):
        expected = "spawn"  # bpo-33725 (3.8) moved macOS to spawn; Windows never had fork
    elif target.platform != "darwin" and target.version >= (3, 14):
        expected = "forkserver"  # gh-84559 (3.14)
    else:
        expected = "fork"
    assert r.trace.one("scenario-start", "MainProcess")["start_method"] == expected
    assert r.trace.one("child-exit", "MainProcess")["exitcode"] == 0
