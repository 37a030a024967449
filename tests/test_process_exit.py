"""Section "Process Exit": stopping a child by force, its state, its name and pid, its exit code.

Scenario ``process_exit``: variant ``document`` runs the note's three named jobs (two finish,
one is terminated); ``endings`` ends one child per way (return, raise, sys.exit forms, kill());
``cleanup`` terminates a job that has a finally: block and an atexit handler.
"""

from __future__ import annotations

import multiprocessing
import re
import threading

import pytest

from harness.claims.catalogue import process_exit
from harness.claims.catalogue.behaviour import (
    CHILD_ATEXIT_AT_NORMAL_EXIT,
    HAS_KILL,
    KILLED_EXITCODE,
    PROCESS_PUBLIC_API,
    SIGTERM_EXITCODE,
)
from harness.claims.catalogue.process_exit import (
    EXITCODE_RIGHT_AFTER_TERMINATE,
    JOBS,
    REPRS,
    SIGNALS_HANDLED_AFTER_TERMINATE,
    stage_reprs,
)
from harness.running.spec import RunResult

FINISHING = JOBS[:2]
BLOCKED = JOBS[2]
STOPPERS = {"terminate", "kill", "stop", "cancel", "interrupt", "abort"}
# POSIX only: Windows' terminate() is TerminateProcess, so the blocked job's SIGTERM handler,
# which holds it until the parent has read its state, never runs.


def document(run_scenario, start_method: str) -> RunResult:
    return run_scenario("process_exit", start_method, variant="document")


def endings(run_scenario, start_method: str) -> RunResult:
    return run_scenario("process_exit", start_method, variant="endings")


def parent_pid(r: RunResult) -> int:
    return r.trace.one("scenario-start", "MainProcess").pid


def child_pids(r: RunResult) -> dict[str, int]:
    return {e["name"]: e["pid"] for e in r.trace.named("started")}


def stage(r: RunResult, event: str, name: str) -> dict[str, object]:
    """The parent's ``event`` records for process ``name``, keyed by stage."""
    return {e["stage"]: e.data for e in r.trace.named(event, "MainProcess") if e["name"] == name}


def with_pids_as_n(text: str) -> str:
    return re.sub(r"\b(pid|parent)=\d+", r"\1=N", text)


def process_repr(r: RunResult, observe, name: str, status: str, exitcode: int | None = None) -> str:
    """repr() of a multiprocessing.Process created by the scenario's parent, in the form EXIT-09 predicts."""
    keyword_form = observe.expect(REPRS) == stage_reprs("good_job", keyword_form=True)
    pid = child_pids(r)[name] if status != "initial" else None
    return process_exit.process_repr(name, status, exitcode, keyword_form=keyword_form, pid=pid, parent=parent_pid(r))


def state_and_exit_code(text: str, name: str) -> str:
    """What a repr says after the process's name, pid and parent, in either form (EXIT-09):
    ``stopped[SIGTERM]`` of ``<Process(name, stopped[SIGTERM])>``, ``stopped exitcode=-SIGTERM`` of
    ``<Process name='name' pid=N parent=M stopped exitcode=-SIGTERM>``."""
    found = re.fullmatch(rf"<Process(?:\({name}, (.+)\)| name='{name}' pid=\d+ parent=\d+ (.+))>", text)
    assert found, text
    return found[1] or found[2]


def killed_exitcode(observe) -> int:
    """The exit code of a child ended by kill() or, where Process has none (3.6), by terminate()."""
    return observe.expect(KILLED_EXITCODE) if observe.expect(HAS_KILL) else observe.expect(SIGTERM_EXITCODE)


# --- EXIT-01: terminate() stops the child's work ------------------------------


@pytest.mark.claim("EXIT-01")
def test_terminate_ends_the_blocked_job_before_its_last_line(run_scenario, start_method, observe):
    """The terminated job started but never reached its end line; the finishing jobs did."""
    r = document(run_scenario, start_method)
    assert r.returncode == 0
    assert r.trace.named("wait-timeout") == []
    assert [e.process for e in r.trace.named("job-start")] == JOBS
    assert sorted(e.process for e in r.trace.named("job-end")) == sorted(FINISHING)
    observe(sorted(re.match(r"exit name : (\w+),", line)[1] for line in r.stdout_lines if line.startswith("exit name")))


@pytest.mark.claim("EXIT-01")
def test_terminate_sends_sigterm_or_ends_the_process_outright(run_scenario, start_method, observe):
    """terminate() reaches the child as SIGTERM, which its handler sees, after the parent decided to terminate
    it; on Windows it is TerminateProcess, which ends the child with no signal to handle."""
    r = document(run_scenario, start_method)
    assert [e["name"] for e in r.trace.named("terminating")] == [BLOCKED]
    terminating = r.trace.one("terminating", "MainProcess")
    received = r.trace.named("sigterm-received", BLOCKED)
    assert [e["signum"] for e in received] == observe.expect(SIGNALS_HANDLED_AFTER_TERMINATE)
    assert [e.seq > terminating.seq for e in received] == [True] * len(received)


# --- EXIT-02 / EXIT-10 / EXIT-14 / EXIT-15: the terminated job's exit code and repr ---


@pytest.mark.claim("EXIT-02")
def test_terminated_process_exit_code_is_not_none_once_it_ended(run_scenario, start_method, observe):
    """Once the terminated child has been joined, its exit code is -SIGTERM, not None."""
    r = document(run_scenario, start_method)
    reads = stage(r, "exit-code", BLOCKED)
    assert list(reads) == ["after-terminate", "after-join"]
    assert (
        f"process check : {reads['after-join']['repr']} exit code : {reads['after-join']['exitcode']}" in r.stdout_lines
    )
    observe(reads["after-join"]["exitcode"])


@pytest.mark.claim("EXIT-10")
def test_exitcode_is_none_right_after_terminate(run_scenario, start_method, observe):
    """Read right after terminate(), before the child ended, the exit code is None."""
    r = document(run_scenario, start_method)
    read = stage(r, "exit-code", BLOCKED)["after-terminate"]
    early = observe.expect(EXITCODE_RIGHT_AFTER_TERMINATE)
    assert read["repr"] == process_repr(r, observe, BLOCKED, "started" if early is None else "stopped", early)
    assert f"process check : {read['repr']} exit code : {read['exitcode']}" in r.stdout_lines
    observe(read["exitcode"])


@pytest.mark.claim("EXIT-15")
def test_terminated_process_prints_as_stopped_naming_sigterm(run_scenario, start_method, observe):
    """Once joined, the terminated job's repr says stopped and names SIGTERM as its exit code."""
    r = document(run_scenario, start_method)
    read = stage(r, "exit-code", BLOCKED)["after-join"]
    assert read["exitcode"] == observe.expect(SIGTERM_EXITCODE)
    assert read["repr"] == process_repr(r, observe, BLOCKED, "stopped", read["exitcode"])
    observe(state_and_exit_code(read["repr"], BLOCKED))


@pytest.mark.claim("EXIT-14")
def test_a_child_ended_by_sigterm_reports_minus_sigterm(run_scenario, start_method, observe):
    """The joined, terminated job reports exit code -15 (-SIGTERM)."""
    r = document(run_scenario, start_method)
    read = stage(r, "exit-code", BLOCKED)["after-join"]
    assert f"process check : {read['repr']} exit code : {read['exitcode']}" in r.stdout_lines
    observe(read["exitcode"])


# --- EXIT-03: kill() ------------------------------------------------------------


@pytest.mark.claim("EXIT-03")
def test_kill_ends_the_child_with_minus_sigkill(run_scenario, start_method, observe):
    """kill() ends a blocked child with exit code -SIGKILL (on Windows it is terminate()); 3.6 has no kill()."""
    r = endings(run_scenario, start_method)
    read = stage(r, "exit-code", "killed")["block"]
    assert read["exitcode"] == killed_exitcode(observe)
    assert read["repr"] == process_repr(r, observe, "killed", "stopped", read["exitcode"])
    assert r.trace.named("job-end") == []
    observe(r.trace.one("stopping", "MainProcess")["has_kill"])


# --- EXIT-04 / EXIT-09: is_alive() and the printed state --------------------------


@pytest.mark.claim("EXIT-04")
def test_is_alive_before_during_and_after(run_scenario, start_method, observe):
    """is_alive() is False before start, True while running, False once the job finished."""
    r = document(run_scenario, start_method)
    alive = {k: v["alive"] for k, v in stage(r, "check", BLOCKED).items()}
    assert alive == {"before-start": False, "running": True, "after-finish": True}
    for name in FINISHING:
        observe([v["alive"] for v in stage(r, "check", name).values()])


@pytest.mark.claim("EXIT-09")
def test_printed_state_goes_initial_started_stopped(run_scenario, start_method, observe):
    """The process prints as initial, then started, then stopped, in the version's repr form."""
    r = document(run_scenario, start_method)
    for name in FINISHING:
        reprs = [v["repr"] for v in stage(r, "check", name).values()]
        reprs.append(stage(r, "exit-code", name)["after-join"]["repr"])
        assert reprs == [
            process_repr(r, observe, name, "initial"),
            process_repr(r, observe, name, "started"),
            process_repr(r, observe, name, "stopped", 0),
            process_repr(r, observe, name, "stopped", 0),
        ], name
        observe([with_pids_as_n(text).replace(name, "good_job") for text in reprs])


@pytest.mark.claim("EXIT-09")
def test_transcript_has_the_notes_shape(run_scenario, start_method, observe):
    """The printed lines follow the note's transcript, end lines of the two jobs in either order."""
    r = document(run_scenario, start_method)
    pids = child_pids(r)
    term = observe.expect(SIGTERM_EXITCODE)

    def check(name: str, status: str, alive: bool, exitcode: int | None = None) -> str:
        return f"process check : {process_repr(r, observe, name, status, exitcode)}, {alive}"

    def final(name: str, status: str, exitcode: int | None) -> str:
        return f"process check : {process_repr(r, observe, name, status, exitcode)} exit code : {exitcode}"

    head = []
    for name in JOBS:
        head += [check(name, "initial", False), f"start name : {name}, pid : {pids[name]}"]
    head += [check(name, "started", True) for name in JOBS]
    ends = sorted(f"exit name : {name}, pid : {pids[name]}" for name in FINISHING)
    tail = [check(name, "stopped", False, 0) for name in FINISHING]
    tail += [check(BLOCKED, "started", True), f"termination process : {process_repr(r, observe, BLOCKED, 'started')}"]
    early = observe.expect(EXITCODE_RIGHT_AFTER_TERMINATE)
    tail += [final(name, "stopped", 0) for name in FINISHING]
    tail += [final(BLOCKED, "started" if early is None else "stopped", early)]
    tail += [final(name, "stopped", 0) for name in FINISHING] + [final(BLOCKED, "stopped", term)]
    lines = r.stdout_lines
    assert lines[: len(head)] == head
    assert sorted(lines[len(head) : len(head) + 2]) == ends
    assert lines[len(head) + 2 :] == tail


# --- EXIT-05: current_process() inside the child --------------------------------


@pytest.mark.claim("EXIT-05")
def test_child_sees_its_given_name_and_own_pid(run_scenario, start_method, observe):
    """current_process() in the child has the name passed to Process() and the pid the parent sees."""
    r = document(run_scenario, start_method)
    pids = child_pids(r)
    starts = r.trace.named("job-start")
    for event in starts:
        assert event["mp_pid"] == event.pid == pids[event.process], event.process
    observe([e.process for e in starts])


# --- EXIT-06 / EXIT-07: what comes back -----------------------------------------------


@pytest.mark.claim("EXIT-06")
def test_returned_value_does_not_reach_the_parent(run_scenario, start_method, observe):
    """A target that returns 7 leaves exit code 0, while sys.exit(3) gives 3: the value is dropped."""
    r = endings(run_scenario, start_method)
    assert stage(r, "exit-code", "exit-3")["exit-int"]["exitcode"] == 3
    observe(stage(r, "exit-code", "returns-7")["return"]["exitcode"] == 7)


@pytest.mark.claim("EXIT-06")
def test_process_has_no_attribute_for_a_result(run_scenario, start_method, observe):
    """Process's public attributes hold no result: only state, identity and control."""
    r = endings(run_scenario, start_method)
    assert r.trace.one("process-api")["public"] == observe.expect(PROCESS_PUBLIC_API)


@pytest.mark.claim("EXIT-07")
def test_returning_jobs_report_exit_code_zero(run_scenario, start_method, observe):
    """The note's two finishing jobs return; the parent reads exit code 0 for each."""
    r = document(run_scenario, start_method)
    observe([stage(r, "exit-code", name)["after-join"]["exitcode"] for name in FINISHING])


# --- EXIT-08: threads cannot be stopped from outside -----------------------------


@pytest.mark.claim("EXIT-08")
def test_thread_has_no_method_to_stop_it(observe):
    """threading.Thread has no stop/terminate/kill method, where multiprocessing.Process has."""
    process_api = set(observe.expect(PROCESS_PUBLIC_API))
    assert sorted(STOPPERS & set(dir(multiprocessing.Process))) == sorted(STOPPERS & process_api)
    observe(bool(STOPPERS & set(dir(threading.Thread))))


# --- EXIT-11: terminate() runs no cleanup ---------------------------------------------


@pytest.mark.claim("EXIT-11")
def test_terminated_job_runs_no_finally_or_atexit(run_scenario, start_method, observe):
    """The terminated job runs neither its finally: block nor its atexit handler; a returning one runs them."""
    r = run_scenario("process_exit", start_method, variant="cleanup")
    assert r.returncode == 0
    assert [e.process for e in r.trace.named("cleanup-ready")] == ["returns", "terminated"]
    assert stage(r, "exit-code", "terminated")["after-join"]["exitcode"] == observe.expect(SIGTERM_EXITCODE)
    ran = [(e.process, e.event) for e in r.trace if e.event in ("finally-ran", "atexit-ran")]
    at_exit = [("returns", "atexit-ran")] if observe.expect(CHILD_ATEXIT_AT_NORMAL_EXIT) else []
    assert [step for step in ran if step[0] == "returns"] == [("returns", "finally-ran"), *at_exit]
    observe([event for process, event in ran if process == "terminated"])


# --- EXIT-12 / EXIT-13: exit codes of other endings ------------------------------------


@pytest.mark.claim("EXIT-12")
def test_exception_gives_1_and_a_traceback_on_stderr(run_scenario, start_method, observe):
    """An exception in the target gives exit code 1 and 'Process <name>:' plus the traceback on stderr."""
    r = endings(run_scenario, start_method)
    lines = r.stderr.splitlines()
    assert lines[:2] == ["Process raises:", "Traceback (most recent call last):"]
    assert lines[-2] == "ValueError: the job failed on purpose"
    observe(stage(r, "exit-code", "raises")["raise"]["exitcode"])


@pytest.mark.claim("EXIT-13")
def test_sys_exit_sets_the_exit_code_as_for_a_program(run_scenario, start_method, observe):
    """sys.exit(3) gives 3 and prints nothing; sys.exit('giving up') gives 1 and prints the text; sys.exit() 0."""
    r = endings(run_scenario, start_method)
    read = stage(r, "exit-code", "exit-3")["exit-int"]
    assert read["repr"] == process_repr(r, observe, "exit-3", "stopped", 3)
    # Children end one at a time: "exit-3" ran between these two lines and wrote nothing.
    assert r.stderr.splitlines()[-2:] == ["ValueError: the job failed on purpose", "giving up"]
    assert r.stdout_lines.count("giving up") == 0
    observe(
        {
            "sys.exit(3)": read["exitcode"],
            "sys.exit('giving up')": stage(r, "exit-code", "exit-msg")["exit-str"]["exitcode"],
            "sys.exit()": stage(r, "exit-code", "exit-none")["exit-none"]["exitcode"],
        }
    )


@pytest.mark.claim("EXIT-13")
def test_each_ending_is_reported_in_order(run_scenario, start_method, observe):
    """Every ending reaches the parent as its own exit code, in the order the children were ended."""
    r = endings(run_scenario, start_method)
    codes = [(e["name"], e["exitcode"]) for e in r.trace.named("exit-code")]
    assert [name for name, _ in codes] == ["returns-7", "raises", "exit-3", "exit-msg", "exit-none", "killed"]
    assert [code for _, code in codes][:4] == [0, 1, 3, 1]
    assert codes[-1] == ("killed", killed_exitcode(observe))
    assert r.returncode == 0
