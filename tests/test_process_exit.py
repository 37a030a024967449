"""Section "Process Exit": stopping a child by force, its state, its name and pid, its exit code.

Scenario ``process_exit``: variant ``document`` runs the document's three named jobs (two finish,
one is terminated); variant ``endings`` ends one child per way (return, raise, sys.exit forms, kill()).
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading

import pytest

from harness.runner import RunResult

FINISHING = ["done_a", "done_b"]
BLOCKED = "hung"
JOBS = FINISHING + [BLOCKED]
STOPPERS = {"terminate", "kill", "stop", "cancel", "interrupt", "abort"}
# Exit codes the parent names after a signal; Windows has no SIGKILL.
SIGNAL_NAMES = {-signal.SIGTERM: "SIGTERM"}
if hasattr(signal, "SIGKILL"):
    SIGNAL_NAMES[-signal.SIGKILL] = "SIGKILL"
# POSIX only: Windows has no SIGKILL (kill() is terminate() there), and its terminate() is
# TerminateProcess, so the blocked job's SIGTERM handler, which holds it until the parent has
# read its state, never runs.
NO_SIGKILL = pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGKILL")
NO_SIGTERM_HANDLER = pytest.mark.skipif(
    sys.platform == "win32", reason="Windows' terminate() runs no SIGTERM handler in the child"
)


def document(run_scenario, start_method: str) -> RunResult:
    return run_scenario("process_exit", start_method)


def endings(run_scenario, start_method: str) -> RunResult:
    return run_scenario("process_exit", start_method, variant="endings")


def parent_pid(r: RunResult) -> int:
    return r.trace.one("scenario-start", "MainProcess").pid


def child_pids(r: RunResult) -> dict[str, int]:
    return {e["name"]: e["pid"] for e in r.trace.named("started")}


def stage(r: RunResult, event: str, name: str) -> dict[str, object]:
    """The parent's ``event`` records for process ``name``, keyed by stage."""
    return {e["stage"]: e.data for e in r.trace.named(event, "MainProcess") if e["name"] == name}


def by_signal(r: RunResult, start_method: str, sig: int) -> int:
    """Exit code the parent reads for a child ended by ``sig``."""
    # bpo-30589 (3.7): the 3.6 forkserver lost the signal and reported 255.
    if start_method == "forkserver" and r.python_version < (3, 7):
        return 255
    return -sig


def process_repr(r: RunResult, name: str, status: str, exitcode: int | None = None) -> str:
    """repr() of a multiprocessing.Process created by the scenario's parent."""
    if r.python_version >= (3, 8):
        # bpo-35491 (3.8): "<Process name='x' pid=N parent=M status exitcode=C>".
        info = ["Process", f"name={name!r}"]
        if status != "initial":
            info.append(f"pid={child_pids(r)[name]}")
        info += [f"parent={parent_pid(r)}", status]
        if exitcode is not None:
            info.append(f"exitcode=-{SIGNAL_NAMES[exitcode]}" if exitcode in SIGNAL_NAMES else f"exitcode={exitcode}")
        return "<" + " ".join(info) + ">"
    # 3.6/3.7: "<Process(name, status)>", a non-zero exit code in brackets.
    if exitcode not in (None, 0):
        status = f"stopped[{SIGNAL_NAMES.get(exitcode, exitcode)}]"
    return f"<Process({name}, {status})>"


# --- EXIT-01: terminate() stops the child's work ------------------------------


@pytest.mark.claim("EXIT-01")
def test_terminate_ends_the_blocked_job_before_its_last_line(run_scenario, start_method):
    """The terminated job started but never reached its end line; the finishing jobs did."""
    r = document(run_scenario, start_method)
    assert r.returncode == 0
    assert r.trace.named("wait-timeout") == []
    assert [e.process for e in r.trace.named("job-start")] == JOBS
    assert sorted(e.process for e in r.trace.named("job-end")) == FINISHING
    assert [line for line in r.stdout_lines if line.startswith(f"exit name : {BLOCKED},")] == []


@NO_SIGTERM_HANDLER
@pytest.mark.claim("EXIT-01")
def test_terminate_delivers_sigterm_to_the_child(run_scenario, start_method):
    """terminate() reaches the child as SIGTERM, after the parent decided to terminate it."""
    r = document(run_scenario, start_method)
    received = r.trace.one("sigterm-received", BLOCKED)
    assert received["signum"] == signal.SIGTERM
    assert r.trace.one("terminating", "MainProcess").seq < received.seq
    assert [e["name"] for e in r.trace.named("terminating")] == [BLOCKED]


# --- EXIT-02: exitcode None right after terminate(), -SIGTERM after join() -----


@NO_SIGTERM_HANDLER
@pytest.mark.claim("EXIT-02")
def test_exitcode_is_none_right_after_terminate(run_scenario, start_method, against_document):
    """Read right after terminate(), before the child ended, the exit code is None."""
    r = document(run_scenario, start_method)
    read = stage(r, "exit-code", BLOCKED)["after-terminate"]
    against_document("exit code of the terminated job, read right after terminate()", "None", str(read["exitcode"]))
    assert read["exitcode"] is None
    assert read["repr"] == process_repr(r, BLOCKED, "started")
    assert f"process check : {read['repr']} exit code : None" in r.stdout_lines


@pytest.mark.claim("EXIT-02")
def test_exitcode_after_join_is_minus_sigterm(run_scenario, start_method, against_document):
    """Once the child has been joined, the same process reports exit code -SIGTERM."""
    r = document(run_scenario, start_method)
    reads = stage(r, "exit-code", BLOCKED)
    against_document("exit code of the terminated job after join()", "None", str(reads["after-join"]["exitcode"]))
    assert list(reads) == ["after-terminate", "after-join"]
    code = by_signal(r, start_method, signal.SIGTERM)
    assert reads["after-join"]["exitcode"] == code
    assert reads["after-join"]["repr"] == process_repr(r, BLOCKED, "stopped", code)


# --- EXIT-03: kill() ------------------------------------------------------------


@NO_SIGKILL
@pytest.mark.claim("EXIT-03")
def test_kill_ends_the_child_with_minus_sigkill(run_scenario, start_method):
    """kill() ends a blocked child with exit code -SIGKILL; 3.6 has no kill() and terminates instead."""
    r = endings(run_scenario, start_method)
    stopping = r.trace.one("stopping", "MainProcess")
    read = stage(r, "exit-code", "killed")["block"]
    if r.python_version >= (3, 7):  # bpo-30794: Process.kill() added in 3.7
        assert stopping["has_kill"] is True
        assert read["exitcode"] == -signal.SIGKILL
    else:
        assert stopping["has_kill"] is False
        assert read["exitcode"] == by_signal(r, start_method, signal.SIGTERM)
    assert read["repr"] == process_repr(r, "killed", "stopped", read["exitcode"])
    assert r.trace.named("job-end") == []


# --- EXIT-04: is_alive() and the printed state ----------------------------------


@pytest.mark.claim("EXIT-04")
def test_is_alive_before_during_and_after(run_scenario, start_method):
    """is_alive() is False before start, True while running, False once the job finished."""
    r = document(run_scenario, start_method)
    for name in FINISHING:
        alive = {k: v["alive"] for k, v in stage(r, "check", name).items()}
        assert alive == {"before-start": False, "running": True, "after-finish": False}, name
    alive = {k: v["alive"] for k, v in stage(r, "check", BLOCKED).items()}
    assert alive == {"before-start": False, "running": True, "after-finish": True}


@pytest.mark.claim("EXIT-04")
def test_printed_state_goes_initial_started_stopped(run_scenario, start_method, against_document):
    """The process prints as initial, then started, then stopped, in the version's repr form."""
    r = document(run_scenario, start_method)
    shown = stage(r, "check", FINISHING[0])["running"]["repr"]
    against_document("how a running process prints", f"<Process({FINISHING[0]}, started)>", shown)
    for name in FINISHING:
        reprs = {k: v["repr"] for k, v in stage(r, "check", name).items()}
        assert reprs == {
            "before-start": process_repr(r, name, "initial"),
            "running": process_repr(r, name, "started"),
            "after-finish": process_repr(r, name, "stopped", 0),
        }, name


@NO_SIGTERM_HANDLER
@pytest.mark.claim("EXIT-04")
def test_transcript_has_the_documents_shape(run_scenario, start_method):
    """The printed lines follow the document's transcript, end lines of the two jobs in either order."""
    r = document(run_scenario, start_method)
    pids = child_pids(r)
    term = by_signal(r, start_method, signal.SIGTERM)

    def check(name: str, status: str, alive: bool, exitcode: int | None = None) -> str:
        return f"process check : {process_repr(r, name, status, exitcode)}, {alive}"

    def final(name: str, status: str, exitcode: int | None) -> str:
        return f"process check : {process_repr(r, name, status, exitcode)} exit code : {exitcode}"

    head = []
    for name in JOBS:
        head += [check(name, "initial", False), f"start name : {name}, pid : {pids[name]}"]
    head += [check(name, "started", True) for name in JOBS]
    ends = sorted(f"exit name : {name}, pid : {pids[name]}" for name in FINISHING)
    tail = [check(name, "stopped", False, 0) for name in FINISHING]
    tail += [check(BLOCKED, "started", True), f"termination process : {process_repr(r, BLOCKED, 'started')}"]
    tail += [final(name, "stopped", 0) for name in FINISHING] + [final(BLOCKED, "started", None)]
    tail += [final(name, "stopped", 0) for name in FINISHING] + [final(BLOCKED, "stopped", term)]
    lines = r.stdout_lines
    assert lines[: len(head)] == head
    assert sorted(lines[len(head) : len(head) + 2]) == ends
    assert lines[len(head) + 2 :] == tail


# --- EXIT-05: current_process() inside the child --------------------------------


@pytest.mark.claim("EXIT-05")
def test_child_sees_its_given_name_and_own_pid(run_scenario, start_method):
    """current_process() in the child has the name passed to Process() and the pid the parent sees."""
    r = document(run_scenario, start_method)
    pids = child_pids(r)
    for event in r.trace.named("job-start"):
        assert event["mp_pid"] == event.pid == pids[event.process], event.process
        assert (event.pid == parent_pid(r)) is False
    assert [e.process for e in r.trace.named("job-start")] == JOBS
    assert len(set(pids.values())) == 3


# --- EXIT-06: no result comes back -----------------------------------------------


@pytest.mark.claim("EXIT-06")
def test_returned_value_does_not_reach_the_parent(run_scenario, start_method):
    """A target that returns 7 leaves exit code 0, while sys.exit(3) gives 3: the value is dropped."""
    r = endings(run_scenario, start_method)
    assert stage(r, "exit-code", "returns-7")["return"]["exitcode"] == 0
    assert stage(r, "exit-code", "exit-3")["exit-int"]["exitcode"] == 3


@pytest.mark.claim("EXIT-06")
def test_document_jobs_report_only_exit_code_zero(run_scenario, start_method):
    """The document's finishing jobs return a value; the parent gets exit code 0 and nothing else."""
    r = document(run_scenario, start_method)
    for name in FINISHING:
        assert stage(r, "exit-code", name)["after-join"]["exitcode"] == 0, name
    assert [line for line in r.stdout_lines if "result of" in line] == []


@pytest.mark.claim("EXIT-06")
def test_process_has_no_attribute_for_a_result(run_scenario, start_method):
    """Process's public attributes hold no result: only state, identity and control."""
    r = endings(run_scenario, start_method)
    public = ["authkey", "daemon", "exitcode", "ident", "is_alive", "join", "name", "pid", "run", "sentinel"]
    public += ["start", "terminate"]
    if r.python_version >= (3, 7):  # bpo-30794 kill(), bpo-30596 close()
        public += ["close", "kill"]
    assert r.trace.one("process-api")["public"] == sorted(public)


# --- EXIT-07: exit codes ------------------------------------------------------------


@pytest.mark.claim("EXIT-07")
def test_exception_gives_1_and_a_traceback_on_stderr(run_scenario, start_method):
    """An exception in the target gives exit code 1 and 'Process <name>:' plus the traceback on stderr."""
    r = endings(run_scenario, start_method)
    assert stage(r, "exit-code", "raises")["raise"]["exitcode"] == 1
    lines = r.stderr.splitlines()
    assert lines[:2] == ["Process raises:", "Traceback (most recent call last):"]
    assert lines[-2] == "ValueError: the job failed on purpose"


@pytest.mark.claim("EXIT-07")
def test_sys_exit_number_is_the_exit_code(run_scenario, start_method):
    """sys.exit(3) in the target gives exit code 3 and prints nothing."""
    r = endings(run_scenario, start_method)
    read = stage(r, "exit-code", "exit-3")["exit-int"]
    assert read["exitcode"] == 3
    assert read["repr"] == process_repr(r, "exit-3", "stopped", 3)
    # Children end one at a time: "exit-3" ran between these two lines and wrote nothing.
    assert r.stderr.splitlines()[-2:] == ["ValueError: the job failed on purpose", "giving up"]


@pytest.mark.claim("EXIT-07")
def test_sys_exit_text_gives_1_and_the_text_on_stderr(run_scenario, start_method):
    """sys.exit('giving up') gives exit code 1 and writes the text to stderr."""
    r = endings(run_scenario, start_method)
    assert stage(r, "exit-code", "exit-msg")["exit-str"]["exitcode"] == 1
    assert r.stderr.splitlines()[-1] == "giving up"
    assert r.stdout_lines.count("giving up") == 0


@pytest.mark.claim("EXIT-07")
def test_sys_exit_without_argument(run_scenario, start_method):
    """sys.exit() with no argument gives exit code 1 up to 3.8 and 0 from 3.9."""
    r = endings(run_scenario, start_method)
    # bpo-35727 (3.9): _bootstrap tests e.code is None instead of "not e.args".
    expected = 0 if r.python_version >= (3, 9) else 1
    assert stage(r, "exit-code", "exit-none")["exit-none"]["exitcode"] == expected


@NO_SIGKILL
@pytest.mark.claim("EXIT-07")
def test_each_ending_is_reported_in_order(run_scenario, start_method):
    """Every ending reaches the parent as its own exit code, in the order the children were ended."""
    r = endings(run_scenario, start_method)
    codes = [(e["name"], e["exitcode"]) for e in r.trace.named("exit-code")]
    killed = -signal.SIGKILL if r.python_version >= (3, 7) else by_signal(r, start_method, signal.SIGTERM)
    no_arg = 0 if r.python_version >= (3, 9) else 1  # bpo-35727
    assert codes == [
        ("returns-7", 0),
        ("raises", 1),
        ("exit-3", 3),
        ("exit-msg", 1),
        ("exit-none", no_arg),
        ("killed", killed),
    ]
    assert r.returncode == 0


# --- EXIT-08: threads cannot be stopped from outside -----------------------------


@pytest.mark.claim("EXIT-08")
def test_thread_has_no_method_to_stop_it():
    """threading.Thread has no stop/terminate/kill method; multiprocessing.Process has."""
    assert sorted(STOPPERS & set(dir(threading.Thread))) == []
    expected = ["kill", "terminate"]  # kill() since 3.7 (bpo-30794); the suite runs on 3.8+
    if sys.version_info >= (3, 14):  # gh-131913: Process.interrupt() added in 3.14
        expected = ["interrupt", "kill", "terminate"]
    assert sorted(STOPPERS & set(dir(multiprocessing.Process))) == expected
