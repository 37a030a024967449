"""Section "multiprocessing's log": log_to_stderr(), get_logger() and what they print.

Scenario ``mp_logging``: the parent calls log_to_stderr(), sets the level, starts
five children that print a count, and never calls join().
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util

import pytest

from harness.claims.catalogue.mp_logging import (
    CHILDREN,
    EXIT_0,
    FINALIZERS_ALL,
    FINALIZERS_REST,
    HAND_MADE_HANDLERS_IN_CHILD,
    JOIN,
    RUN,
    SHUTTING_DOWN,
    VIA_CONTEXT,
)
from harness.running.spec import RunResult

LIFECYCLE = {RUN, SHUTTING_DOWN, FINALIZERS_ALL, FINALIZERS_REST, EXIT_0}
FORMAT = "[%(levelname)s/%(processName)s] %(message)s"
STDERR_HANDLER = {"type": "StreamHandler", "stream": "stderr", "format": FORMAT}


def lifecycle(result: RunResult, process: str) -> list[str]:
    """The process's exit-related log messages, without primitives' DEBUG noise."""
    return [m for m in result.log.of(process).messages() if m in LIFECYCLE or m.startswith(JOIN)]


@pytest.mark.claim("LOG-01")
def test_log_records_are_written_to_stderr_only(run_scenario, start_method, observe):
    """log_to_stderr() sends the records to stderr; stdout has only the program's prints."""
    r = run_scenario("mp_logging", start_method, variant="document")
    assert r.returncode == 0
    assert f"[INFO/MainProcess] {SHUTTING_DOWN}" in r.stderr.splitlines()
    assert sorted(r.stdout_lines) == [f"count : {i}" for i in range(5)]
    [handler] = r.trace.one("parent-logger")["after"]["handlers"]
    assert (handler["type"], handler["format"]) == ("StreamHandler", FORMAT)
    observe(f"sys.{handler['stream']}")


@pytest.mark.claim("LOG-02")
def test_format_uses_slash_not_backslash(run_scenario, start_method, observe):
    """The level and the process name are separated by '/', the message by a space."""
    r = run_scenario("mp_logging", start_method, variant="document")
    fmt = r.trace.one("parent-logger")["after"]["handlers"][0]["format"]
    assert fmt == FORMAT
    lines = r.stderr.splitlines()
    assert f"[INFO/MainProcess] {SHUTTING_DOWN}" in lines
    assert f"[INFO/Process-1] {RUN}" in lines
    assert [line for line in lines if line.startswith("[") and "\\" in line] == []
    observe(fmt[len("[%(levelname)s")])


@pytest.mark.claim("LOG-03")
def test_get_logger_is_the_configured_multiprocessing_logger(run_scenario, start_method, observe):
    """get_logger() has no level or handler of its own until configured; log_to_stderr() returns it."""
    r = run_scenario("mp_logging", start_method, variant="document")
    state = r.trace.one("parent-logger")
    assert state["before"] == {
        "name": "multiprocessing",
        "level": 0,
        "effective_level": 30,  # WARNING, from the root logger: INFO and DEBUG are dropped
        "propagate": 0,
        "handlers": [],
    }
    assert state["after"]["level"] == 10
    observe(state["same_object"] is True and state["before"]["effective_level"] > logging.INFO)


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
def test_each_child_logs_its_lifecycle_in_order(run_scenario, start_method, observe):
    """Each child logs run, shutdown, two finalizer lines and exit code 0, in the version's order."""
    r = run_scenario("mp_logging", start_method, variant="document")
    for child in CHILDREN:
        observe(lifecycle(r, child))


@pytest.mark.claim("LOG-05")
def test_parent_logs_shutdown_join_per_child_then_finalizers(run_scenario, start_method, observe):
    """The parent's exit lines: shutting down, finalizers, one join per running child, remaining finalizers."""
    r = run_scenario("mp_logging", start_method, variant="gated")
    lines = lifecycle(r, "MainProcess")
    assert sorted(lines[2:-1]) == [JOIN + c for c in CHILDREN]
    observe([JOIN + "Process-N" if line.startswith(JOIN) else line for line in lines])


@pytest.mark.claim("LOG-06")
def test_parent_joins_children_at_exit_without_join_call(run_scenario, start_method, observe):
    """Children still run after main() returned; the parent's exit code waits for each: the child's own
    'exiting with exitcode 0' record comes after the parent's join record for it and before the parent's next."""
    r = run_scenario("mp_logging", start_method, variant="gated")
    assert r.returncode == 0
    assert r.trace.named("wait-timeout") == []
    main_returned = r.trace.one("main-returns", "MainProcess").seq
    assert [e.seq > main_returned for e in r.trace.named("count")] == [True] * 5
    # multiprocessing's own exit records of the parent: one join per child, then the remaining finalizers.
    # The gate only holds a child until its join record; whether the parent's next record waits for the
    # child's end is up to the parent's exit code.
    steps = [
        (i, rec.message)
        for i, rec in enumerate(r.log)
        if rec.process == "MainProcess" and (rec.message.startswith(JOIN) or rec.message == FINALIZERS_REST)
    ]
    assert sorted(message[len(JOIN) :] for _, message in steps[:-1]) == CHILDREN
    assert steps[-1][1] == FINALIZERS_REST
    waited_for = [
        message[len(JOIN) :]
        for (at, message), (following, _) in zip(steps, steps[1:])
        if at < r.log.index(message[len(JOIN) :], EXIT_0) < following
    ]
    observe(sorted(waited_for))


@pytest.mark.claim("LOG-07")
def test_default_names_count_from_one_in_creation_order(run_scenario, start_method, observe):
    """Unnamed processes are Process-1 .. Process-5 in creation order, inside and outside the child."""
    r = run_scenario("mp_logging", start_method, variant="document")
    names = [e["name"] for e in r.trace.named("started")]
    assert {e["count"]: e.process for e in r.trace.named("count")} == dict(enumerate(names))
    assert sorted(p for p in r.log.processes() if p != "MainProcess") == sorted(names)
    observe(names)


@pytest.mark.claim("LOG-07")
def test_names_through_a_context_carry_its_class_name(run_scenario, start_method, observe):
    """A context's Process class names its children after itself: SpawnProcess-1, ForkProcess-1, ..."""
    r = run_scenario("mp_logging", start_method, variant="document", via="context")
    names = [e["name"] for e in r.trace.named("started")]
    assert sorted(e.process for e in r.trace.named("count")) == sorted(names)
    observe(names, condition=VIA_CONTEXT)


@pytest.mark.claim("LOG-08")
def test_completion_order_need_not_follow_start_order(run_scenario, start_method, observe):
    """Children started 1..5 can finish 5..1: start order does not fix the order of work."""
    r = run_scenario("mp_logging", start_method, variant="reverse")
    assert [e["name"] for e in r.trace.named("started")] == CHILDREN
    assert [e.process for e in r.trace.named("count")] == CHILDREN[::-1]
    observe([e["count"] for e in r.trace.named("count")])


@pytest.mark.claim("LOG-09")
def test_children_inherit_log_to_stderr_and_level(run_scenario, start_method, observe):
    """Every child has one stderr handler and the parent's DEBUG level, and logs its lines."""
    r = run_scenario("mp_logging", start_method, variant="document")
    loggers = {e.process: e["logger"] for e in r.trace.named("child-logger")}
    assert sorted(loggers) == CHILDREN
    for child, logger in loggers.items():
        assert (logger["level"], logger["handlers"]) == (10, [STDERR_HANDLER]), child
    observe(sorted({rec.level for rec in r.log if rec.process in CHILDREN}, key=repr))


@pytest.mark.claim("LOG-09")
def test_hand_made_handlers_reach_forked_children_only(run_scenario, start_method, observe):
    """Beside the claim: a handler added by hand is copied by fork but not re-created under spawn or forkserver."""
    r = run_scenario("mp_logging", start_method, variant="document", setup="handler", level="INFO")
    expected = observe.expect(HAND_MADE_HANDLERS_IN_CHILD)
    assert [len(e["logger"]["handlers"]) for e in r.trace.named("child-logger")] == [expected] * 5
    runs_logged = [rec.process for rec in r.log if rec.process in CHILDREN and rec.message == RUN]
    assert len(runs_logged) == 5 * expected
    # The level is passed on either way.
    assert {e["logger"]["level"] for e in r.trace.named("child-logger")} == {20}


@pytest.mark.claim("LOG-10")
def test_info_level_hides_the_debug_finalizer_lines(run_scenario, start_method, observe):
    """At INFO the DEBUG finalizer lines vanish; the INFO lines stay."""
    info = run_scenario("mp_logging", start_method, variant="document", level="INFO")
    debug = run_scenario("mp_logging", start_method, variant="document")  # DEBUG is the default
    assert info.log.at("DEBUG").records == ()
    assert [r for r in info.log if r.message in (FINALIZERS_ALL, FINALIZERS_REST)] == []
    assert SHUTTING_DOWN in info.log.messages("MainProcess")
    for child in CHILDREN:
        assert [m for m in lifecycle(info, child) if m in (RUN, EXIT_0)] == [RUN, EXIT_0], child
    assert FINALIZERS_ALL in debug.log.messages("MainProcess")
    observe(sorted({r.level for r in debug.log if r.message in (FINALIZERS_ALL, FINALIZERS_REST)}, key=repr))


@pytest.mark.claim("LOG-11")
def test_each_child_is_joined_once_in_the_order_of_a_set(run_scenario, start_method, observe):
    """One join line per child, in the order of the parent's set of children at exit (not the start order)."""
    r = run_scenario("mp_logging", start_method, variant="gated")
    joined = [m[len(JOIN) :] for m in r.log.messages("MainProcess") if m.startswith(JOIN)]
    assert joined == r.trace.one("children-order", "MainProcess")["names"]
    observe(sorted(joined))


@pytest.mark.claim("LOG-12")
def test_the_parents_own_records_carry_the_name_main_process(run_scenario, start_method, observe):
    """Every record no child logged, the parent's exit lines among them, carries the name MainProcess."""
    r = run_scenario("mp_logging", start_method, variant="gated")
    assert r.returncode == 0
    children = [e["name"] for e in r.trace.named("started")]
    assert children == CHILDREN
    parents = [rec for rec in r.log if rec.process not in children]
    assert sorted(rec.message for rec in parents if rec.message.startswith(JOIN)) == [JOIN + c for c in CHILDREN]
    assert [rec.message for rec in parents if rec.message == SHUTTING_DOWN] == [SHUTTING_DOWN]
    observe(sorted({rec.process for rec in parents}))
