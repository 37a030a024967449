"""Section "multiprocessing's log": log_to_stderr(), get_logger() and what they print.

Scenario ``mp_logging``: the parent calls log_to_stderr(), sets the level, starts
five children that print a count, and never calls join().
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util

import pytest

from harness.runner import RunResult

CHILDREN = ["Process-1", "Process-2", "Process-3", "Process-4", "Process-5"]
RUN = "child process calling self.run()"
SHUTTING_DOWN = "process shutting down"
FINALIZERS_ALL = 'running all "atexit" finalizers with priority >= 0'
FINALIZERS_REST = 'running the remaining "atexit" finalizers'
EXIT_0 = "process exiting with exitcode 0"
LIFECYCLE = {RUN, SHUTTING_DOWN, FINALIZERS_ALL, FINALIZERS_REST, EXIT_0}
FORMAT = "[%(levelname)s/%(processName)s] %(message)s"


def lifecycle(result: RunResult, process: str) -> list[str]:
    """The process's exit-related log messages, without primitives' DEBUG noise."""
    return [
        m for m in result.log.of(process).messages() if m in LIFECYCLE or m.startswith("calling join() for process ")
    ]


def expected_child_lines(result: RunResult) -> list[str]:
    # gh-83856 (3.13): the exit function moved to atexit, after the exit-code line.
    if result.python_version >= (3, 13):
        return [RUN, EXIT_0, SHUTTING_DOWN, FINALIZERS_ALL, FINALIZERS_REST]
    return [RUN, SHUTTING_DOWN, FINALIZERS_ALL, FINALIZERS_REST, EXIT_0]


@pytest.mark.claim("LOG-01")
def test_log_records_are_written_to_stderr_only(run_scenario, start_method):
    """log_to_stderr() sends the records to stderr; stdout has only the program's prints."""
    r = run_scenario("mp_logging", start_method)
    assert r.returncode == 0
    assert "[INFO/MainProcess] process shutting down" in r.stderr.splitlines()
    assert sorted(r.stdout_lines) == [f"count : {i}" for i in range(5)]
    handlers = r.trace.one("parent-logger")["after"]["handlers"]
    assert handlers == [{"type": "StreamHandler", "stream": "stderr", "format": FORMAT}]


@pytest.mark.claim("LOG-02")
def test_format_uses_slash_not_backslash(run_scenario, start_method, against_document):
    """The level and the process name are separated by '/', the message by a space."""
    r = run_scenario("mp_logging", start_method)
    fmt = r.trace.one("parent-logger")["after"]["handlers"][0]["format"]
    against_document("separator between level and process name (prose)", "\\", fmt[len("[%(levelname)s") :][0])
    lines = r.stderr.splitlines()
    assert "[INFO/MainProcess] process shutting down" in lines
    assert "[INFO/Process-1] child process calling self.run()" in lines
    assert not [line for line in lines if line.startswith("[") and "\\" in line]
    assert r.trace.one("parent-logger")["after"]["handlers"][0]["format"] == FORMAT


@pytest.mark.claim("LOG-03")
def test_get_logger_is_the_configured_multiprocessing_logger(run_scenario, start_method):
    """get_logger() has no level or handler of its own until configured; log_to_stderr() returns it."""
    r = run_scenario("mp_logging", start_method)
    state = r.trace.one("parent-logger")
    assert state["before"] == {
        "name": "multiprocessing",
        "level": 0,
        "effective_level": 30,  # WARNING, from the root logger: INFO and DEBUG are dropped
        "propagate": 0,
        "handlers": [],
    }
    assert state["same_object"] is True
    assert state["after"]["level"] == 10


@pytest.mark.claim("LOG-03")
def test_get_logger_in_this_process_does_not_propagate(mp_log_capture):
    """In-process too: log_to_stderr() returns get_logger()'s logger, whose records stay off the root logger."""
    logger = multiprocessing.get_logger()
    assert multiprocessing.log_to_stderr() is logger
    assert logger.name == "multiprocessing"
    assert logger.propagate == 0
    logger.setLevel(logging.INFO)
    multiprocessing.util.info("probe %d", 1)
    multiprocessing.util.debug("below the level")
    assert [(r.level, r.process, r.message) for r in mp_log_capture()] == [("INFO", "MainProcess", "probe 1")]


@pytest.mark.claim("LOG-04")
def test_each_child_logs_its_lifecycle_in_order(run_scenario, start_method, against_document):
    """Each child logs run, shutdown, two finalizer lines and exit code 0, in the version's order."""
    r = run_scenario("mp_logging", start_method)
    first_two = [m for m in lifecycle(r, "Process-1") if m in (SHUTTING_DOWN, EXIT_0)]
    against_document(
        "a child's 'shutting down' and 'exiting' lines, in order",
        f"{SHUTTING_DOWN!r}, {EXIT_0!r}",
        ", ".join(map(repr, first_two)),
    )
    for child in CHILDREN:
        assert lifecycle(r, child) == expected_child_lines(r), child


@pytest.mark.claim("LOG-05")
def test_parent_logs_shutdown_join_per_child_then_finalizers(run_scenario, start_method):
    """The parent's exit lines: shutting down, finalizers, one join per running child, remaining finalizers."""
    r = run_scenario("mp_logging", start_method, variant="gated")
    lines = lifecycle(r, "MainProcess")
    assert lines[:2] == [SHUTTING_DOWN, FINALIZERS_ALL]
    assert sorted(lines[2:-1]) == [f"calling join() for process {c}" for c in CHILDREN]
    assert lines[-1] == FINALIZERS_REST


@pytest.mark.claim("LOG-06")
def test_parent_joins_children_at_exit_without_join_call(run_scenario, start_method):
    """Children still run after main() returned, and all have exited before the parent's last exit step."""
    r = run_scenario("mp_logging", start_method, variant="gated")
    assert r.returncode == 0
    assert r.trace.named("wait-timeout") == []
    main_returned = r.trace.one("main-returns", "MainProcess").seq
    assert [e.seq > main_returned for e in r.trace.named("count")] == [True] * 5
    for child in CHILDREN:
        order = [
            ("MainProcess", f"calling join() for process {child}"),
            (child, EXIT_0),
            ("MainProcess", FINALIZERS_REST),
        ]
        assert r.log.missing_from_order(order) is None, child


@pytest.mark.claim("LOG-07")
def test_default_names_count_from_one_in_creation_order(run_scenario, start_method):
    """Unnamed processes are Process-1 .. Process-5 in creation order, inside and outside the child."""
    r = run_scenario("mp_logging", start_method)
    assert [e["name"] for e in r.trace.named("started")] == CHILDREN
    assert {e["count"]: e.process for e in r.trace.named("count")} == {i: CHILDREN[i] for i in range(5)}
    assert sorted(p for p in r.log.processes() if p != "MainProcess") == CHILDREN


@pytest.mark.claim("LOG-08")
def test_completion_order_need_not_follow_start_order(run_scenario, start_method):
    """Children started 1..5 can finish 5..1: start order does not fix the order of work."""
    r = run_scenario("mp_logging", start_method, variant="reverse")
    assert [e["name"] for e in r.trace.named("started")] == CHILDREN
    assert [e["count"] for e in r.trace.named("count")] == [4, 3, 2, 1, 0]
    assert [e.process for e in r.trace.named("count")] == CHILDREN[::-1]


@pytest.mark.claim("LOG-09")
def test_children_inherit_log_to_stderr_and_level(run_scenario, start_method):
    """Every child has one stderr handler and the parent's DEBUG level, and logs its lines."""
    r = run_scenario("mp_logging", start_method)
    for event in r.trace.named("child-logger"):
        assert event["logger"]["level"] == 10, event.process
        assert event["logger"]["handlers"] == [{"type": "StreamHandler", "stream": "stderr", "format": FORMAT}]
    assert len(r.trace.named("child-logger")) == 5
    for child in CHILDREN:
        assert RUN in r.log.messages(child), child


@pytest.mark.claim("LOG-09")
def test_hand_made_handlers_reach_forked_children_only(run_scenario, start_method):
    """A handler added by hand is copied by fork but not re-created under spawn or forkserver."""
    r = run_scenario("mp_logging", start_method, setup="handler", level="INFO")
    child_handlers = {len(e["logger"]["handlers"]) for e in r.trace.named("child-logger")}
    child_records = [rec for rec in r.log if rec.process in CHILDREN]
    if start_method == "fork":
        assert child_handlers == {1}
        assert len([rec for rec in child_records if rec.message == RUN]) == 5
    else:
        assert child_handlers == {0}
        assert child_records == []
    # The level is passed on either way.
    assert {e["logger"]["level"] for e in r.trace.named("child-logger")} == {20}


@pytest.mark.claim("LOG-10")
def test_info_level_hides_the_debug_finalizer_lines(run_scenario, start_method):
    """At INFO the DEBUG finalizer lines vanish; the INFO lines stay."""
    info = run_scenario("mp_logging", start_method, level="INFO")
    debug = run_scenario("mp_logging", start_method)  # DEBUG is the default
    assert info.log.at("DEBUG").records == ()
    assert [r for r in info.log if r.message in (FINALIZERS_ALL, FINALIZERS_REST)] == []
    finalizer_levels = {r.level for r in debug.log if r.message in (FINALIZERS_ALL, FINALIZERS_REST)}
    assert finalizer_levels == {"DEBUG"}
    assert FINALIZERS_ALL in debug.log.messages("MainProcess")
    assert SHUTTING_DOWN in info.log.messages("MainProcess")
    for child in CHILDREN:
        assert [m for m in lifecycle(info, child) if m in (RUN, EXIT_0)] == [RUN, EXIT_0], child
