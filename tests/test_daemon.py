"""Section "Daemon Process": the daemon flag, join(), and who outlives whom at the parent's exit.

Scenario ``daemon``: ``document`` is the section's example (a joined daemonic child printing a start
and an end line); ``lifetime`` starts a daemonic Process-1 and a non-daemonic Process-2 and lets the
parent end normally, killed outright (SIGKILL; TerminateProcess on Windows) or by os._exit(); the other
variants cover join(timeout), a daemon starting a child, a terminated child's own child, and setting the
flag after start().
"""

from __future__ import annotations

import pytest

from harness.claims.catalogue.behaviour import (
    ORPHAN_REPARENTED,
    PARENT_IS_STARTER,
    SELF_KILLED_STATUS,
    SIGTERM_EXITCODE,
)
from harness.claims.catalogue.daemon import ALREADY_STARTED, NO_CHILDREN, OPTIMIZED
from harness.claims.catalogue.mp_logging import EXIT_0, JOIN, SHUTTING_DOWN, TERMINATE
from harness.running.spec import RunResult
from harness.running.trace import TraceEvent

DAEMON, NON_DAEMON = "Process-1", "Process-2"


def exit_status(r: RunResult, name: str) -> TraceEvent:
    """What the parent's last finalizer (priority -100) recorded about child ``name``."""
    [event] = [e for e in r.trace.named("exit-status", "MainProcess") if e["name"] == name]
    return event


def assert_orphan_facts(event: TraceEvent, observe, old_parent: int) -> None:
    """The process outlived ``old_parent``: its parent id was ``old_parent`` (unless a fork server forked
    it) and, after ``old_parent`` ended, it changed where the OS hands orphans to a new parent (POSIX)
    and stayed as it was elsewhere (Windows; a fork server's child, whose parent lives on)."""
    assert (event["ppid_at_start"] == old_parent) is observe.expect(PARENT_IS_STARTER)
    assert (event["ppid_now"] != event["ppid_at_start"]) is observe.expect(ORPHAN_REPARENTED)


# --- DAEMON-01 / DAEMON-03: the non-daemonic child ----------------------------------------------


@pytest.mark.claim("DAEMON-01")
def test_non_daemonic_child_runs_after_main_returns_and_is_waited_for(run_scenario, start_method, observe):
    """The non-daemonic child is still running when main() returns and finishes before the parent's last step."""
    r = run_scenario("daemon", start_method, variant="lifetime", parent_exit="normal")
    assert r.returncode == 0
    assert r.trace.named("wait-timeout") == []
    main_returns = r.trace.one("main-returns", "MainProcess")
    assert main_returns["children"][NON_DAEMON] == {"daemon": False, "alive": True}
    released = r.trace.one("child-released", NON_DAEMON)
    status = exit_status(r, NON_DAEMON)
    assert (status["exitcode"], status["alive"]) == (0, False)
    observe(main_returns.seq < released.seq < status.seq)


@pytest.mark.claim("DAEMON-01")
def test_parent_exit_logs_join_then_child_finishes(run_scenario, start_method):
    """The parent's exit code logs a join for the non-daemonic child, and the child exits after that line."""
    r = run_scenario("daemon", start_method, variant="lifetime", parent_exit="normal")
    join_line = r.log.index("MainProcess", JOIN + NON_DAEMON)
    assert r.log.index("MainProcess", SHUTTING_DOWN) < join_line
    assert r.log.index(NON_DAEMON, EXIT_0) > join_line
    assert r.stdout_lines[0] == "[Process-2] released by the parent; finishing"


@pytest.mark.claim("DAEMON-03")
def test_non_daemonic_child_is_not_terminated_at_parent_exit(run_scenario, start_method, observe):
    """At a normal exit only the daemon gets terminate(); the non-daemonic child ends by itself with 0."""
    r = run_scenario("daemon", start_method, variant="lifetime", parent_exit="normal")
    terminated = [m for m in r.log.messages("MainProcess") if m.startswith(TERMINATE)]
    assert terminated == [TERMINATE + DAEMON]
    assert r.trace.one("release-sent", "MainProcess")["name"] == NON_DAEMON
    assert EXIT_0 in r.log.messages(NON_DAEMON)
    # Ended with the parent would mean terminated by its exit code.
    observe(exit_status(r, NON_DAEMON)["exitcode"] == observe.expect(SIGTERM_EXITCODE))


@pytest.mark.claim("DAEMON-03")
def test_non_daemonic_child_runs_on_when_parent_is_killed(run_scenario, start_method, observe):
    """A parent killed outright neither joins nor ends its non-daemonic child: the child runs on as an orphan."""
    r = run_scenario("daemon", start_method, variant="lifetime", parent_exit="killed")
    assert r.returncode == observe.expect(SELF_KILLED_STATUS)
    main_returns = r.trace.one("main-returns", "MainProcess")
    orphan = r.trace.one("orphaned", NON_DAEMON)
    assert orphan.seq > main_returns.seq
    assert orphan["daemon"] is False
    assert_orphan_facts(orphan, observe, main_returns.pid)
    assert r.trace.named("exit-status") == []
    assert SHUTTING_DOWN not in r.log.messages("MainProcess")
    observe(EXIT_0 not in r.log.messages(NON_DAEMON))


# --- DAEMON-02 / DAEMON-09: the daemonic child ---------------------------------------------------


@pytest.mark.claim("DAEMON-02")
def test_daemon_is_terminated_at_normal_parent_exit(run_scenario, start_method, observe):
    """At a normal exit the parent logs terminate() for the daemon, which then ends by SIGTERM."""
    r = run_scenario("daemon", start_method, variant="lifetime", parent_exit="normal")
    assert r.returncode == 0
    assert r.trace.one("main-returns", "MainProcess")["children"][DAEMON] == {"daemon": True, "alive": True}
    assert TERMINATE + DAEMON in r.log.messages("MainProcess")
    status = exit_status(r, DAEMON)
    assert status["exitcode"] == observe.expect(SIGTERM_EXITCODE)
    assert r.trace.named("child-released", DAEMON) == []
    assert r.trace.named("orphaned") == []
    assert EXIT_0 not in r.log.messages(DAEMON)
    observe(status["alive"] is False)


@pytest.mark.claim("DAEMON-09")
def test_daemon_outlives_a_parent_killed_outright(run_scenario, start_method, observe):
    """A parent killed outright (SIGKILL; TerminateProcess on Windows) runs no exit code: the daemon is not
    terminated and runs on as an orphan."""
    r = run_scenario("daemon", start_method, variant="lifetime", parent_exit="killed")
    assert r.returncode == observe.expect(SELF_KILLED_STATUS)
    main_returns = r.trace.one("main-returns", "MainProcess")
    orphan = r.trace.one("orphaned", DAEMON)
    assert orphan.seq > main_returns.seq
    assert orphan["daemon"] is True
    assert_orphan_facts(orphan, observe, main_returns.pid)
    assert [m for m in r.log.messages("MainProcess") if m.startswith(TERMINATE)] == []
    assert r.trace.named("exit-status") == []
    observe(EXIT_0 not in r.log.messages(DAEMON))


@pytest.mark.claim("DAEMON-09")
def test_daemon_outlives_parent_leaving_by_os_exit(run_scenario, start_method, observe):
    """os._exit(0) skips atexit: the parent reports success, yet its daemon was never terminated."""
    r = run_scenario("daemon", start_method, variant="lifetime", parent_exit="os_exit")
    assert r.returncode == 0
    main_returns = r.trace.one("main-returns", "MainProcess")
    orphan = r.trace.one("orphaned", DAEMON)
    assert orphan.seq > main_returns.seq
    assert_orphan_facts(orphan, observe, main_returns.pid)
    assert SHUTTING_DOWN not in r.log.messages("MainProcess")
    assert r.trace.named("exit-status") == []
    observe(EXIT_0 not in r.log.messages(DAEMON))


# --- DAEMON-04: the note's example ---------------------------------------------------------------


@pytest.mark.claim("DAEMON-04")
def test_joined_daemon_prints_start_and_exit(run_scenario, start_method, observe):
    """The joined daemonic child prints "start" then "exit"; join() returns only after the end line."""
    r = run_scenario("daemon", start_method, variant="document", join="yes")
    assert r.returncode == 0
    assert r.trace.one("child-start", "daemon")["daemon"] is True
    joining = r.trace.one("joining", "MainProcess")
    child_exit = r.trace.one("child-exit", "daemon")
    returned = r.trace.one("join-returned", "MainProcess")
    assert joining.seq < child_exit.seq < returned.seq
    assert (returned["alive"], returned["exitcode"]) == (False, 0)
    observe(r.stdout_lines)


@pytest.mark.claim("DAEMON-04")
def test_unjoined_daemon_never_prints_exit(run_scenario, start_method, observe):
    """Without the join the same daemon is ended at the parent's exit before its end line."""
    r = run_scenario("daemon", start_method, variant="document", join="no")
    assert r.returncode == 0
    code = observe.expect(SIGTERM_EXITCODE)
    assert r.stdout_lines == ["start", "[daemon] at parent exit: exitcode %s" % code]
    assert r.trace.named("child-exit") == []
    assert r.trace.one("main-returns", "MainProcess")["alive"] is True
    assert exit_status(r, "daemon")["exitcode"] == code


# --- DAEMON-05 / DAEMON-10: join() -------------------------------------------------------------------


@pytest.mark.claim("DAEMON-05")
def test_join_returns_only_after_the_child_ended(run_scenario, start_method, observe):
    """join() without timeout returns after the child's last action, with the child dead and exitcode 0."""
    r = run_scenario("daemon", start_method, variant="join_timeout")
    assert r.returncode == 0
    releasing = r.trace.one("releasing", "MainProcess")
    finished = r.trace.one("child-finishes", "Process-1")
    returned = r.trace.one("join-returned", "MainProcess")
    assert returned["exitcode"] == 0
    observe(releasing.seq < finished.seq < returned.seq and returned["alive"] is False)


@pytest.mark.claim("DAEMON-05")
def test_join_with_timeout_returns_while_child_runs(run_scenario, start_method):
    """join(timeout) gives up after the timeout: the child is still alive and has no exit code."""
    r = run_scenario("daemon", start_method, variant="join_timeout")
    timed = r.trace.one("timed-join-returned", "MainProcess")
    assert timed["alive"] is True
    assert timed["exitcode"] is None
    assert timed["timeout"] == 0.02
    assert timed["waited"] >= 0.018  # it did wait; 2 ms slack for clock granularity
    assert r.trace.one("child-finishes", "Process-1").seq > timed.seq
    assert r.stdout_lines[0] == "join(0.02) returned: alive=True exitcode=None"


@pytest.mark.claim("DAEMON-10")
def test_join_gives_nothing_back(run_scenario, start_method, observe):
    """join() returns None, although the child ran to its end."""
    r = run_scenario("daemon", start_method, variant="document", join="yes")
    returned = r.trace.one("join-returned", "MainProcess")
    assert returned["exitcode"] == 0
    observe(None if returned["returned"] == "None" else returned["returned"])


# --- DAEMON-06 / DAEMON-11: no children for daemons -----------------------------------------------------


@pytest.mark.claim("DAEMON-06")
def test_daemonic_process_cannot_start_a_child(run_scenario, start_method, observe):
    """start() inside a daemonic process raises AssertionError with the fixed message; no grandchild runs
    (where the standard library kept its asserts: see the prediction)."""
    r = run_scenario("daemon", start_method, variant="daemon_child")
    assert r.returncode == 0
    assert r.trace.one("child-joined", "MainProcess")["exitcode"] == 0
    started = len(r.trace.named("grandchild-ran")) == 1
    observe(started)
    if started:  # as predicted for a standard library without asserts: as under -O
        assert r.trace.named("start-refused") == []
        assert r.trace.one("grandchild-joined", "Process-1")["exitcode"] == 0
        return
    refused = r.trace.one("start-refused", "Process-1")
    assert (refused["type"], refused["message"], refused["daemon"]) == ("AssertionError", NO_CHILDREN, True)
    assert r.stdout_lines == ["[Process-1] AssertionError: " + NO_CHILDREN]


@pytest.mark.claim("DAEMON-06")
def test_python_O_removes_the_check(run_scenario, start_method, observe):
    """Under python -O the assert is gone: the daemonic process starts and joins a (daemonic) grandchild."""
    r = run_scenario("daemon", start_method, variant="daemon_child", python_flags=("-O",))
    assert r.returncode == 0
    assert r.trace.one("scenario-start", "MainProcess")["optimize"] == 1
    assert r.trace.named("start-refused") == []
    joined = r.trace.one("grandchild-joined", "Process-1")
    assert (joined["exitcode"], joined["optimize"]) == (0, 1)
    assert r.trace.one("grandchild-ran", "Process-1:1")["daemon"] is True
    observe(len(r.trace.named("grandchild-ran")) == 1, condition=OPTIMIZED)


def generations_above(r: RunResult, process: str) -> list[str]:
    """The program's processes on the OS's chain of parents from ``process`` up to the main process, read
    from each process's own record of its pid and its parent's; a fork server on the way (forkserver) is
    crossed when the process that started it is its parent as the OS reports it."""
    records = {e.process: e for e in r.trace.named("lineage")}
    names = {e.pid: name for name, e in records.items()}
    parent_of = {e.pid: e["ppid"] for e in records.values()}
    servers = [e["fork_server"] for e in records.values() if e["fork_server"] is not None]
    parent_of.update({s["pid"]: s["parent"] for s in servers if s["parent"] is not None})
    main, pid = records["MainProcess"].pid, records[process].pid
    chain: list[str] = []
    for _ in range(2 * len(records)):  # each generation at most one fork server above it
        assert pid in parent_of, f"the parent of pid {pid} is neither a process of the program nor its fork server"
        pid = parent_of[pid]
        if pid in names:
            chain.append(names[pid])
        if pid == main:
            return chain
    raise AssertionError(f"no chain of parents from {process} to the main process: {parent_of}")


@pytest.mark.claim("DAEMON-11")
def test_the_daemons_child_is_a_grandchild(run_scenario, start_method, observe):
    """The daemon's child (started under -O) is two generations below the main process: by the pids the OS
    reports, its parent is the daemon (or the daemon's fork server), whose parent is the main process (or its)."""
    r = run_scenario("daemon", start_method, variant="daemon_child", python_flags=("-O",))
    assert r.returncode == 0
    assert r.trace.one("grandchild-joined", "Process-1")["daemon"] is True
    assert sorted(e.process for e in r.trace.named("lineage")) == ["MainProcess", "Process-1", "Process-1:1"]
    chain = generations_above(r, "Process-1:1")
    observe(len(chain))
    assert chain == ["Process-1", "MainProcess"]


# --- DAEMON-07: why the rule exists -------------------------------------------------------------------


@pytest.mark.claim("DAEMON-07")
def test_terminating_a_child_does_not_reach_its_child(run_scenario, start_method, observe):
    """terminate() ends the child only; its own child outlives it and reports back to the top parent."""
    r = run_scenario("daemon", start_method, variant="orphan_chain", middle="plain")
    assert r.returncode == 0
    assert r.trace.one("middle-terminated", "MainProcess")["exitcode"] == observe.expect(SIGTERM_EXITCODE)
    ready = r.trace.one("grandchild-ready", "Process-1:1")
    orphan = r.trace.one("grandchild-orphaned", "Process-1:1")
    assert orphan.seq > r.trace.one("chain-ready", "MainProcess").seq
    assert_orphan_facts(orphan, observe, ready["middle_pid"])
    assert r.trace.named("middle-finished-normally") == []
    observe(r.trace.one("grandchild-report", "MainProcess")["report"] == ["orphaned", orphan.pid])


@pytest.mark.claim("DAEMON-07")
def test_daemon_ended_at_exit_would_orphan_its_child(run_scenario, start_method, observe):
    """With the check removed (-O), the parent's exit terminates the daemon and its child is left an orphan."""
    r = run_scenario("daemon", start_method, variant="orphan_chain", middle="daemon", python_flags=("-O",))
    assert r.returncode == 0
    assert r.trace.one("middle-starts-grandchild", "Process-1")["daemon"] is True
    ready = r.trace.one("grandchild-ready", "Process-1:1")
    assert TERMINATE + "Process-1" in r.log.messages("MainProcess")
    assert exit_status(r, "Process-1")["exitcode"] == observe.expect(SIGTERM_EXITCODE)
    orphan = r.trace.one("grandchild-orphaned", "Process-1:1")
    assert orphan.seq > r.trace.one("main-returns", "MainProcess").seq
    assert_orphan_facts(orphan, observe, ready["middle_pid"])
    observe(r.trace.one("grandchild-report", "MainProcess")["report"] == ["orphaned", orphan.pid])


# --- DAEMON-08: the flag before start() ----------------------------------------------------------------


@pytest.mark.claim("DAEMON-08")
def test_daemon_flag_set_before_start_reaches_the_child(run_scenario, start_method):
    """A flag set before start() is what the child sees as its own daemon flag."""
    r = run_scenario("daemon", start_method, variant="late_flag")
    assert r.trace.one("child-flag", "Process-1")["daemon"] is True


@pytest.mark.claim("DAEMON-08")
def test_daemon_flag_cannot_be_set_after_start(run_scenario, start_method, observe):
    """Setting the flag after start() raises AssertionError 'process has already started'; nothing changes
    (where the standard library kept its asserts: see the prediction)."""
    r = run_scenario("daemon", start_method, variant="late_flag")
    assert r.returncode == 0
    assert r.trace.one("child-flag", "Process-2")["daemon"] is False
    assert r.trace.one("children-joined", "MainProcess")["exitcodes"] == [0, 0]
    changed = r.trace.one("flag-after", "MainProcess")["daemon"] is True
    observe(changed)
    if changed:  # as predicted for a standard library without asserts: as under -O
        assert r.trace.named("flag-refused") == []
        return
    refused = r.trace.one("flag-refused", "MainProcess")
    assert (refused["type"], refused["message"]) == ("AssertionError", ALREADY_STARTED)


@pytest.mark.claim("DAEMON-08")
def test_python_O_lets_the_flag_change_after_start(run_scenario, start_method, observe):
    """Under python -O the setter's assert is gone: no error, the parent's flag changes, the child keeps its own."""
    r = run_scenario("daemon", start_method, variant="late_flag", python_flags=("-O",))
    assert r.returncode == 0
    assert r.trace.named("flag-refused") == []
    assert r.trace.one("child-flag", "Process-2")["daemon"] is False
    observe(r.trace.one("flag-after", "MainProcess")["daemon"] is True, condition=OPTIMIZED)
