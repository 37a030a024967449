"""Section "Process Exit": stopping a child by force, its state and its exit code.

Variants:
  document  three named jobs as in the document: two are let finish, the third
            blocks until the parent terminates it.  The parent prints each
            process and is_alive() before start, while running, after the two
            finished, then the exit codes right after terminate() and after
            join().  The blocked job handles SIGTERM by waiting until the parent
            has read its state, then dies of SIGTERM (default action): the read
            "right after terminate()" is then certain to come before the end.
  endings   one child per way of ending: return a value, raise, sys.exit(3),
            sys.exit('text'), sys.exit(), and one stopped with kill() (with
            terminate() on Python 3.6, which has no kill()).  They run one at a
            time so their stderr output does not interleave.
  cleanup   two children with a finally: block and an atexit handler: one
            returns normally, the other blocks until the parent terminates it
"""

import atexit
import multiprocessing
import os
import signal
import sys

from scenarios._cli import WAIT_LIMIT, run_main, wait_for
from scenarios._trace import emit

FINISHING = ("good_job", "fail_job")
BLOCKED = "kill_job"


def _acquire(semaphore, what):
    if not semaphore.acquire(timeout=WAIT_LIMIT):
        emit("wait-timeout", waiting_for=what)
        return False
    return True


def _announce(kind):
    me = multiprocessing.current_process()
    emit(kind, "%s name : %s, pid : %s" % ("start" if kind == "job-start" else "exit", me.name, me.pid), mp_pid=me.pid)


# --- variant "document" -----------------------------------------------------


def finishing_job(started, finish):
    _announce("job-start")
    started.release()
    wait_for(finish, "parent to let the job finish")
    _announce("job-end")
    # The parent never sees this value: only the exit code comes back.
    return "result of %s" % multiprocessing.current_process().name


def _die_once_observed(observed):
    def on_sigterm(signum, frame):
        emit("sigterm-received", signum=signum)
        wait_for(observed, "parent to read the state after terminate()")
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    return on_sigterm


def blocked_job(started, never, observed):
    signal.signal(signal.SIGTERM, _die_once_observed(observed))
    _announce("job-start")
    started.release()
    never.wait(WAIT_LIMIT)  # nobody sets it: only terminate() ends this job
    _announce("job-end")
    return "result of %s" % multiprocessing.current_process().name


def check(p, stage):
    alive = p.is_alive()
    text = repr(p)
    emit("check", "process check : %s, %s" % (text, alive), stage=stage, name=p.name, repr=text, alive=alive)
    return alive


def exit_code(p, stage):
    code = p.exitcode
    text = repr(p)
    emit(
        "exit-code",
        "process check : %s exit code : %s" % (text, code),
        stage=stage,
        name=p.name,
        repr=text,
        exitcode=code,
    )


def document(args):
    started = multiprocessing.Semaphore(0)
    finish = multiprocessing.Event()
    never = multiprocessing.Event()
    observed = multiprocessing.Event()
    jobs = [(name, finishing_job, (started, finish)) for name in FINISHING]
    jobs.append((BLOCKED, blocked_job, (started, never, observed)))
    processes = []
    for name, target, job_args in jobs:
        p = multiprocessing.Process(name=name, target=target, args=job_args)
        processes.append(p)
        check(p, "before-start")
        p.start()
        emit("started", name=p.name, pid=p.pid)
        _acquire(started, "%s to start" % name)
    for p in processes:
        check(p, "running")
    finish.set()
    for p in processes[: len(FINISHING)]:
        p.join(WAIT_LIMIT)
    for p in processes:
        if check(p, "after-finish"):
            emit("terminating", "termination process : %s" % p, name=p.name)
            p.terminate()
    for p in processes:
        exit_code(p, "after-terminate")
    observed.set()
    for p in processes:
        p.join(WAIT_LIMIT)
    for p in processes:
        exit_code(p, "after-join")


# --- variant "endings" --------------------------------------------------------

ENDINGS = (
    ("returns-7", "return"),
    ("raises", "raise"),
    ("exit-3", "exit-int"),
    ("exit-msg", "exit-str"),
    ("exit-none", "exit-none"),
    ("killed", "block"),
)
FAILURE_TEXT = "the job failed on purpose"
EXIT_TEXT = "giving up"


def ending_job(how, ready, turn, never):
    ready.release()
    if how == "block":
        never.wait(WAIT_LIMIT)  # nobody sets it: only kill() ends this job
        emit("job-end", how=how)
        return None
    if not _acquire(turn, "parent's turn"):
        return None
    emit("ending", how=how)
    if how == "return":
        return 7
    if how == "raise":
        raise ValueError(FAILURE_TEXT)
    if how == "exit-int":
        sys.exit(3)
    if how == "exit-str":
        sys.exit(EXIT_TEXT)
    sys.exit()


def endings(args):
    emit("process-api", public=sorted(n for n in dir(multiprocessing.Process) if not n.startswith("_")))
    ready = multiprocessing.Semaphore(0)
    never = multiprocessing.Event()
    children = []
    for name, how in ENDINGS:
        turn = multiprocessing.Semaphore(0)
        p = multiprocessing.Process(name=name, target=ending_job, args=(how, ready, turn, never))
        p.start()
        emit("started", name=name, pid=p.pid, how=how)
        children.append((p, how, turn))
    for _ in children:
        _acquire(ready, "children ready")
    for p, how, turn in children:
        if how == "block":
            has_kill = hasattr(p, "kill")  # added in 3.7 (bpo-30794)
            emit("stopping", has_kill=has_kill, name=p.name)
            if has_kill:
                p.kill()
            else:
                p.terminate()
        else:
            turn.release()
        p.join(WAIT_LIMIT)
        exit_code(p, how)


# --- variant "cleanup" ---------------------------------------------------------


def _record_cleanup(kind):
    emit(kind, "[%s] %s" % (multiprocessing.current_process().name, kind))


def cleanup_job(ready, never):
    atexit.register(_record_cleanup, "atexit-ran")
    try:
        emit("cleanup-ready")
        ready.release()
        if never is not None:
            never.wait(WAIT_LIMIT)  # nobody sets it: only terminate() ends this job
    finally:
        _record_cleanup("finally-ran")


def cleanup(args):
    ready = multiprocessing.Semaphore(0)
    never = multiprocessing.Event()
    returning = multiprocessing.Process(name="returns", target=cleanup_job, args=(ready, None))
    returning.start()
    _acquire(ready, "the returning job to register its cleanup")
    returning.join(WAIT_LIMIT)
    exit_code(returning, "after-join")
    terminated = multiprocessing.Process(name="terminated", target=cleanup_job, args=(ready, never))
    terminated.start()
    _acquire(ready, "the blocked job to register its cleanup")
    emit("terminating", "termination process : %s" % terminated, name=terminated.name)
    terminated.terminate()
    terminated.join(WAIT_LIMIT)
    exit_code(terminated, "after-join")


EVENTS = {
    "document": ("check", "job-start", "job-end", "started", "terminating", "exit-code", "sigterm-received"),
    "endings": ("process-api", "started", "stopping", "ending", "job-end", "exit-code"),
    "cleanup": ("cleanup-ready", "finally-ran", "atexit-ran", "terminating", "exit-code"),
}

if __name__ == "__main__":
    run_main(__doc__, {"document": document, "endings": endings, "cleanup": cleanup}, EVENTS, default="document")
