"""Section "Process Event": one multiprocessing.Event shared by several processes.

Scenario ``event``: variant ``chain`` re-enacts the document's relay (parent -> "first" -> "second"),
``state`` passes set()/clear() back and forth between parent and child, and ``gap`` sets e1 in the blind
spot of the document's polling loop.
"""

from __future__ import annotations

import pytest

from harness.claims.catalogue.event import SET_IN_THE_GAP
from harness.running.spec import RunResult
from harness.running.trace import TraceEvent


def chain(run_scenario, start_method: str) -> RunResult:
    r = run_scenario("event", start_method, variant="chain")
    assert r.returncode == 0
    assert r.trace.named("wait-timeout") == []
    return r


def results(r: RunResult, process: str) -> list[bool]:
    return [e["result"] for e in r.trace.named("status", process)]


def parent_sets_e1(r: RunResult) -> TraceEvent:
    return r.trace.one("set", "MainProcess")


@pytest.mark.claim("EVENT-01")
def test_set_in_one_process_releases_the_waiter_in_another(run_scenario, start_method, observe):
    """The parent's set() of e1 releases "first"; the set() of e2 by "first" releases "second", each after the set."""
    r = chain(run_scenario, start_method)
    assert r.trace.one("exit", "MainProcess")["exitcodes"] == {"first": 0, "second": 0}
    setters = {"first": parent_sets_e1(r), "second": r.trace.one("set", "first")}
    released = [e.process for e in r.trace.named("saw") if e.seq > setters[e.process].seq]
    observe(released)


@pytest.mark.claim("EVENT-02")
def test_wait_returns_false_on_timeout_then_true_once_set(run_scenario, start_method, observe):
    """While e1 is clear a timed wait returns exactly False; the wait during which it is set returns True."""
    r = chain(run_scenario, start_method)
    # "first" times out once, then (after its handshake) waits long enough to see the set.
    first = results(r, "first")
    second = results(r, "second")
    assert len(first) == 2
    assert len(second) >= 3
    assert [type(value) for value in first + second] == [bool] * (len(first) + len(second))
    observe(sorted(set(first + second), key=repr))
    assert first == [False, True]
    assert second == [False] * (len(second) - 1) + [True]


@pytest.mark.claim("EVENT-02")
def test_wait_on_cleared_flag_is_false_and_on_set_flag_true(run_scenario, start_method):
    """After another process's clear() wait(0.02) returns False; after its set() it returns True at once."""
    r = run_scenario("event", start_method, variant="state")
    waits = r.trace.named("wait", "MainProcess")
    assert [e["step"] for e in waits] == ["after child's clear", "after child's set"]
    assert waits[0]["result"] is False
    assert waits[1]["result"] is True


@pytest.mark.claim("EVENT-02")
def test_status_lines_have_the_notes_shape(run_scenario, start_method):
    """Each child prints "[name] event status : (False)" / "(True)" lines, one per wait, in its own order."""
    r = chain(run_scenario, start_method)

    def printed(child: str) -> list[str]:
        return [line for line in r.stdout_lines if line.startswith(f"[{child}] event status : ")]

    assert printed("first") == ["[first] event status : (False)", "[first] event status : (True)"]
    waits = len(results(r, "second"))
    assert printed("second") == ["[second] event status : (False)"] * (waits - 1) + ["[second] event status : (True)"]
    assert "[first] e1 is set" in r.stdout_lines
    assert "[second] e2 is set" in r.stdout_lines
    assert [line for line in r.stdout_lines if not line.startswith("[")] == ["wait...", "set e1", "exit"]


@pytest.mark.claim("EVENT-03")
def test_relay_order_parent_first_second(run_scenario, start_method, observe):
    """parent sets e1 < "first" sees e1 < "first" sets e2 < "second" sees e2, by trace sequence."""
    r = chain(run_scenario, start_method)
    relay = {"set e1", "[first] e1 is set", "[first] set e2", "[second] e2 is set"}
    steps = [e for e in r.trace if e.event in ("set", "saw")]
    assert [(e.process, e.event, e["flag"]) for e in steps] == [
        ("MainProcess", "set", "e1"),
        ("first", "saw", "e1"),
        ("first", "set", "e2"),
        ("second", "saw", "e2"),
    ]
    # The trace's order (seq) is the order of the lines printed for these steps.
    observe([line for line in r.stdout_lines if line in relay])


@pytest.mark.claim("EVENT-03")
def test_both_children_report_false_before_e1_is_set(run_scenario, start_method):
    """Each child has printed a False status before the parent sets e1 (the transcript's first phase)."""
    r = chain(run_scenario, start_method)
    set_e1 = parent_sets_e1(r).seq
    for child in ("first", "second"):
        first_status = r.trace.named("status", child)[0]
        assert first_status["result"] is False, child
        assert first_status.seq < set_e1, child


@pytest.mark.claim("EVENT-03")
def test_second_still_reports_false_after_e1_is_set(run_scenario, start_method):
    """A whole wait of "second" made after e1 was set returns False: e1 does not release e2's waiters."""
    r = chain(run_scenario, start_method)
    statuses = r.trace.named("status", "second")
    flags = [e["e1_set_before"] for e in statuses]
    assert flags == [False] * (len(flags) - 2) + [True, True]
    late = statuses[-2]
    assert late["result"] is False
    assert parent_sets_e1(r).seq < late.seq < r.trace.one("set", "first").seq


@pytest.mark.claim("EVENT-04")
def test_set_and_clear_are_seen_by_the_other_process(run_scenario, start_method, observe):
    """is_set() follows set() and clear() made in another process, in both directions."""
    r = run_scenario("event", start_method, variant="state")
    assert r.returncode == 0
    assert r.trace.named("wait-timeout") == []
    seen = [(e.process, e["step"], e["value"]) for e in r.trace.named("is-set")]
    assert seen == [
        ("Process-1", "initial", False),
        ("Process-1", "after parent's set", True),
        ("MainProcess", "after child's clear", False),
        ("MainProcess", "after child's set", True),
    ]
    assert r.trace.one("exit", "MainProcess")["exitcodes"] == {"Process-1": 0}
    observe([value for _, _, value in seen] == [False, True, False, True])


@pytest.mark.claim("EVENT-06")
def test_set_during_a_wait_is_passed_on(run_scenario, start_method, observe):
    """When the parent's set() lands during a wait of "first", "first" sets e2 (the note's relay)."""
    r = chain(run_scenario, start_method)
    assert r.trace.named("loop-ended") == []
    observe(r.trace.one("set", "first")["flag"] == "e2")


@pytest.mark.claim("EVENT-06")
def test_set_between_timeout_and_loop_test_is_missed(run_scenario, start_method, observe):
    """A set() landing after a timed-out wait ends the loop without the "is set" branch, so e2 stays clear."""
    r = run_scenario("event", start_method, variant="gap")
    assert r.returncode == 0
    assert r.trace.named("wait-timeout") == []
    assert results(r, "first") == [False]
    assert r.trace.named("saw", "first") == []
    status = r.trace.one("status", "first").seq
    assert status < parent_sets_e1(r).seq < r.trace.one("loop-ended", "first").seq
    after = r.trace.one("after", "MainProcess")
    assert (after["exitcode"], after["e2_set"]) == (0, False)
    observe(len(r.trace.named("set", "first")) == 1, condition=SET_IN_THE_GAP)
    assert r.stdout_lines == [
        "[first] event status : (False)",
        "set e1",
        "[first] left the loop: e1 was set between two waits",
        "first exitcode : 0, e2 set : False",
    ]


@pytest.mark.claim("EVENT-07")
def test_set_wakes_a_long_wait_at_once(run_scenario, start_method, observe):
    """The wait of "first" during which e1 is set has a 20 s timeout; it returns True well inside it."""
    r = chain(run_scenario, start_method)
    woken = r.trace.named("status", "first")[-1]
    assert woken["result"] is True
    assert woken.seq > parent_sets_e1(r).seq
    # Half the timeout is the bound: a wait that ran its course would take all 20 s.
    observe(woken["waited"] < woken["timeout"] / 2)


@pytest.mark.claim("EVENT-08")
def test_a_false_wait_lasted_its_whole_timeout(run_scenario, start_method, observe):
    """Every timed wait that returned False took at least its timeout (2 ms slack for clock granularity)."""
    r = chain(run_scenario, start_method)
    timed_out = [e for e in r.trace.named("status") if e["result"] is False]
    assert len(timed_out) >= 3
    observe(all(e["waited"] >= e["timeout"] - 0.002 for e in timed_out))
