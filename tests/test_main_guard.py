"""Across the note: the `if __name__ == "__main__":` idiom every example uses, the start method a
program gets when it chooses none.  Where the note's transcripts come from (GUARD-04) is a
note fact, checked by tests/test_note.py: no run here can observe it.

Scenarios ``main_guard`` (the guarded program) and ``main_guard_missing`` (the same program with its
top level unguarded).  Each starts one child and prints the child's exit code.
"""

from __future__ import annotations

import pytest

from harness.claims.catalogue.behaviour import MAIN_MODULE_IN_CHILD
from harness.claims.catalogue.main_guard import BOOTSTRAP_ERROR_LINKS_DOCS
from harness.running.spec import RunResult

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


def top_levels(r: RunResult) -> list[tuple[str, str]]:
    """(process, module name) of each run of the program's top level."""
    return [(e.process, e["module"]) for e in r.trace.named("top-level")]


def expected_top_levels(observe) -> list[tuple[str, str]]:
    """The parent runs it as __main__; a child that imports the main module runs it again under that name."""
    in_child = observe.expect(MAIN_MODULE_IN_CHILD)
    return [("MainProcess", "__main__")] + ([("Process-1", in_child)] if in_child else [])


def child_exit(r: RunResult) -> int:
    event = r.trace.one("child-exit", "MainProcess")
    assert event["name"] == "Process-1"
    return int(event["exitcode"])


@pytest.mark.claim("GUARD-01")
def test_unguarded_program_child_exit_code(run_scenario, start_method, observe):
    """Without the guard the child fails (exit code 1) under spawn and forkserver and succeeds under fork."""
    r = run_scenario("main_guard_missing", start_method, variant="unguarded")
    assert r.returncode == 0
    assert r.stdout_lines[-1] == f"Process-1 exitcode : {child_exit(r)}"
    observe(child_exit(r))


@pytest.mark.claim("GUARD-01")
def test_unguarded_child_reruns_the_top_level(run_scenario, start_method, observe):
    """Under spawn and forkserver the child re-runs the unguarded top level (as __mp_main__); fork does not."""
    r = run_scenario("main_guard_missing", start_method, variant="unguarded")
    assert r.trace.named("recursion-stopped") == []
    assert top_levels(r) == expected_top_levels(observe)
    # A child that re-ran the top level reached the program's own start-up code, and its target never ran.
    reran = observe.expect(MAIN_MODULE_IN_CHILD) is not None
    assert [e.process for e in r.trace.named("scenario-start")] == ["MainProcess"] + ["Process-1"] * reran
    assert [e.process for e in r.trace.named("target-runs")] == ([] if reran else ["Process-1"])


@pytest.mark.claim("GUARD-01")
def test_unguarded_child_refuses_with_bootstrapping_error(run_scenario, start_method, observe):
    """The re-run's start() raises RuntimeError with the "bootstrapping phase" text of the interpreter's version."""
    r = run_scenario("main_guard_missing", start_method, variant="unguarded")
    refused = r.trace.named("start-refused")
    if observe.expect(MAIN_MODULE_IN_CHILD) is None:  # nothing re-runs the top level
        assert refused == []
        assert "RuntimeError" not in r.stderr
        return
    assert [e.process for e in refused] == ["Process-1"]
    message = refused[0]["message"]
    expected = REFUSAL_LINES + (REFUSAL_LINES_LINK if observe.expect(BOOTSTRAP_ERROR_LINKS_DOCS) else [])
    assert [line.strip() for line in message.strip().splitlines()] == expected
    # The child's traceback ends with the same exception, unchanged.  Line by line, as every test reads
    # stderr: a Windows child writes its traceback with CRLF line ends.
    raised = ("RuntimeError: " + message).splitlines()
    lines = r.stderr.splitlines()
    assert [lines[i : i + len(raised)] for i in range(len(lines))].count(raised) == 1


@pytest.mark.claim("GUARD-02")
def test_guarded_program_child_runs_target(run_scenario, start_method, observe):
    """With the guard the child runs its target and exits with 0 under every start method."""
    r = run_scenario("main_guard", start_method, variant="guarded")
    assert r.returncode == 0
    assert [e.process for e in r.trace.named("target-runs")] == ["Process-1"]
    assert "RuntimeError" not in r.stderr
    observe(child_exit(r) == 0)


@pytest.mark.claim("GUARD-02")
def test_guarded_block_runs_in_the_parent_only(run_scenario, start_method, observe):
    """Spawned children import the main module as __mp_main__, so the guarded block runs only in the parent."""
    r = run_scenario("main_guard", start_method, variant="guarded")
    assert top_levels(r) == expected_top_levels(observe)
    assert [e.process for e in r.trace.named("scenario-start")] == ["MainProcess"]


@pytest.mark.claim("GUARD-03")
def test_start_method_used_when_none_is_chosen(run_scenario, target, observe):
    """Without --start-method the program runs with its platform's and version's default."""
    r = run_scenario("main_guard", start_method="", variant="guarded")
    assert r.trace.one("child-exit", "MainProcess")["exitcode"] == 0
    observe(r.trace.one("scenario-start", "MainProcess")["start_method"])
