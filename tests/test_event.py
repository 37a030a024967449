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


# Who sets each event in the chain: the line the note prints for it.
SETTER_LINE = {"e1": "set e1", "e2": "[first] set e2"}


def relay_as_seen(r: RunResult) -> list[str]:
    """The relay as the waiting children saw it, in trace order: an event's setter line once some child's
    is_set(), read right after one of its waits returned, saw the event set; "[name] eN is set" for a wait
    that returned True with its event seen set by the waiter at that moment."""
    lines: list[str] = []
    for status in r.trace.named("status"):
        for flag, line in SETTER_LINE.items():
            if status["seen"][flag] and line not in lines:
                lines.append(line)
        if status["result"] is True and status["seen"][status["flag"]] is True:
            lines.append(f"[{status.process}] {status['flag']} is set")
    return lines


def collapsed(states: list[list[bool]]) -> list[list[bool]]:
    """The states in order, each run of equal states once."""
    return [state for i, state in enumerate(states) if i == 0 or state != states[i - 1]]


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
    """e1 is seen set, "first" wakes on it, e2 is seen set, "second" wakes on it: as the waiters read the events."""
    r = chain(run_scenario, start_method)
    # What the children read of e1 and e2 right after each wait, in trace order, gives the relay.
    observe(relay_as_seen(r))
    steps = [e for e in r.trace if e.event in ("set", "saw")]
    assert [(e.process, e.event, e["flag"]) for e in steps] == [
        ("MainProcess", "set", "e1"),
        ("first", "saw", "e1"),
        ("first", "set", "e2"),
        ("second", "saw", "e2"),
    ]
    relay = {"set e1", "[first] e1 is set", "[first] set e2", "[second] e2 is set"}
    assert [line for line in r.stdout_lines if line in relay] == relay_as_seen(r)


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
    """ "second"'s waits return False while it reads e1 set and e2 clear, then True with both set."""
    r = chain(run_scenario, start_method)
    statuses = r.trace.named("status", "second")
    # (what wait() returned, e1.is_set(), e2.is_set()), read by "second" right after each of its waits.
    states = [[e["result"], e["seen"]["e1"], e["seen"]["e2"]] for e in statuses]
    assert collapsed(states) == [[False, False, False], [False, True, False], [True, True, True]]
    # Its wait begun after "first" noticed e1 is a whole wait with e1 set, and it returned False.
    late = [e for e in statuses if e.data.get("late") is True]
    assert [[e["result"], e["seen"]["e1"], e["seen"]["e2"]] for e in late] == [[False, True, False]]
    noticed = r.trace.one("saw", "first").seq
    assert noticed < late[0].seq < r.trace.one("set", "first").seq


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
    """When the parent's set() lands during a wait of "first", the signal reaches e2: "second"'s wait on it returns
    True after the wait of "first" on e1 did, and the parent finds e2 set once both children have exited."""
    r = chain(run_scenario, start_method)
    assert r.trace.named("loop-ended") == []
    woke = [(e.process, e["flag"], e["result"]) for e in r.trace.named("status") if e["result"] is not False]
    assert woke == [("first", "e1", True), ("second", "e2", True)]
    exit_ = r.trace.one("exit", "MainProcess")
    assert exit_["exitcodes"] == {"first": 0, "second": 0}
    observe(woke[-1][2] is True and exit_["e2_set"] is True)


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
    # e2 as the parent reads it once "first" has exited: the signal never reached it.
    observe(after["e2_set"], condition=SET_IN_THE_GAP)
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
