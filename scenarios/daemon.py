"""Section "Daemon Process": the daemon flag, join(), and what happens at the parent's exit.

Variants:
  document      a daemonic child named "daemon" prints "start", waits for the parent, prints "exit";
                with --join yes the parent joins it (the document's program), with
                --join no the parent just returns and its exit code ends the child
  lifetime      a daemonic child (Process-1) and a non-daemonic one (Process-2)
                block until released; the parent's main() returns and the
                parent leaves by --parent-exit:
                normal (atexit runs), killed (kills itself outright: SIGKILL,
                TerminateProcess on Windows) or os_exit (os._exit(0));
                the non-daemonic child is released when the parent's exit code
                logs "calling join()" for it; an orphan notices the parent's end by EOF
                on a pipe whose only writer was the parent, and exits by itself
  join_timeout  join(timeout) returns while the child still runs; join() then
                waits until the child has finished
  daemon_child  a daemonic child tries to start a child of its own; each process that runs
                records its pid and its parent's as the OS reports them ("lineage")
  orphan_chain  child -> grandchild; the child is ended by a signal
                (--middle plain: the parent calls terminate() on a non-daemonic
                child; --middle daemon: the child is daemonic, which needs -O,
                and the parent's exit code terminates it); the grandchild reports
                whether it outlived its parent
  late_flag     the daemon flag is set before start() on one child and after
                start() on another
"""

import importlib
import logging
import multiprocessing
import os
import signal
import sys
import time

from scenarios._cli import WAIT_LIMIT, run_main
from scenarios._exit_hooks import after_exit_joins, on_exit_join
from scenarios._trace import emit

# Pipe ends the parent must hold until it is really gone: an end collected when
# main() returns would close early and tell the child that the parent has ended.
_HELD = []


# --- helpers ---------------------------------------------------------------


def receive(conn, what):
    """The next message on ``conn``; None (and a trace event) on timeout, "EOF" at end of file."""
    try:
        ready = conn.poll(WAIT_LIMIT)
    except BrokenPipeError:
        # Windows: poll() called once the other end is already closed raises instead of
        # reporting the end of file as ready (gh-85180); recv() would raise EOFError.
        return "EOF"
    if not ready:
        emit("wait-timeout", waiting_for=what)
        return None
    try:
        return conn.recv()
    except EOFError:
        return "EOF"


def parent_pid():
    """os.getppid(); on Windows read as CPython 3.13's fast path reads it (the process's
    InheritedFromUniqueProcessId).  os.getppid() on Windows CPython 3.12, and on 3.13 where
    that fast path fails, calls PssCaptureSnapshot, which Wine 8.0 does not implement: the
    process aborts there.  The value is the same on Windows."""
    if os.name != "nt":
        return os.getppid()
    import ctypes

    info = (ctypes.c_void_p * 6)()  # PROCESS_BASIC_INFORMATION: six pointer-sized fields
    query = ctypes.WinDLL("ntdll").NtQueryInformationProcess
    query.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p]
    status = query(ctypes.c_void_p(-1), 0, info, ctypes.sizeof(info), None)  # this process, basic information
    if status:
        raise OSError("NtQueryInformationProcess failed: NTSTATUS %#x" % (status & 0xFFFFFFFF))
    return info[5] or 0


def parent_after_its_end(old_parent):
    """After EOF from ``old_parent``: parent_pid() once the OS is done with that dead parent.

    A dying process closes its files before it is gone, so EOF comes a moment
    early.  POSIX hands the orphans to a new parent as a step of the parent's
    exit: wait until getppid() changes.  Windows hands an orphan to nobody (a
    process keeps the id of the one that created it): wait until the parent's
    process handle is signalled, that is, it has ended (parent_process(), 3.8+;
    before it the EOF must do).  Both are bounded waits for an OS step, not sleeps
    that order events.  A process whose parent is not ``old_parent`` (a fork
    server's child) has nothing to wait for.
    """
    if parent_pid() != old_parent:
        return parent_pid()
    if os.name == "nt":
        parent = getattr(multiprocessing, "parent_process", lambda: None)()
        ended = parent is None or parent.pid != old_parent
        if not ended:
            parent.join(WAIT_LIMIT)
            ended = not parent.is_alive()
    else:
        deadline = time.monotonic() + WAIT_LIMIT
        while parent_pid() == old_parent and time.monotonic() < deadline:
            time.sleep(0.001)
        ended = parent_pid() != old_parent
    if not ended:
        emit("wait-timeout", waiting_for="the OS to be done with the dead parent %d" % old_parent)
    return parent_pid()


def record_exit_status(proc):
    """Runs at the very end of the parent's exit (priority -100): after
    multiprocessing's exit code terminated daemons and joined children."""
    emit(
        "exit-status",
        "[%s] at parent exit: exitcode %s" % (proc.name, proc.exitcode),
        name=proc.name,
        exitcode=proc.exitcode,
        alive=proc.is_alive(),
    )


def logging_on():
    multiprocessing.log_to_stderr().setLevel(logging.INFO)


def release_on_join(conns):
    """Send "release" to child NAME when the parent's exit code joins it."""

    def release(name):
        if name in conns:
            emit("release-sent", name=name)
            conns[name].send("release")

    on_exit_join(release)


# --- document: the daemonic child that is joined ------------------------------


def announce(conn, parent_end):
    parent_end.close()  # fork copies the parent's end; keep only the parent's
    emit("child-start", "start", daemon=multiprocessing.current_process().daemon)
    conn.send("started")
    if receive(conn, "parent's go-ahead") == "finish":
        emit("child-exit", "exit")


def document(args):
    parent_end, child_end = multiprocessing.Pipe()
    p = multiprocessing.Process(target=announce, args=(child_end, parent_end), name="daemon")
    p.daemon = True
    p.start()
    receive(parent_end, "child's start")
    _HELD.append(parent_end)
    if args.join == "no":
        after_exit_joins(record_exit_status, p)
        emit("main-returns", alive=p.is_alive())
        return
    # Recorded before the child may finish, so the trace orders the two.
    emit("joining", daemon=p.daemon)
    parent_end.send("finish")
    returned = p.join()
    emit("join-returned", alive=p.is_alive(), exitcode=p.exitcode, returned=repr(returned))


# --- lifetime: who outlives whom ---------------------------------------------


def long_task(conn, parent_ends, main_pid):
    # fork copies the parent's ends of every pipe: the parent must be their only holder
    for end in parent_ends:
        end.close()
    me = multiprocessing.current_process()
    ppid_at_start = parent_pid()
    emit("child-running", daemon=me.daemon, ppid=ppid_at_start, main_pid=main_pid)
    conn.send("ready")
    message = receive(conn, "release or parent's end")
    if message == "release":
        emit("child-released", "[%s] released by the parent; finishing" % me.name)
    elif message == "EOF":
        ppid_now = parent_after_its_end(main_pid)
        emit(
            "orphaned",
            "[%s] the main process is gone; still running" % me.name,
            main_pid=main_pid,
            ppid_at_start=ppid_at_start,
            ppid_now=ppid_now,
            daemon=me.daemon,
        )


def lifetime(args):
    """Process-1 is daemonic, Process-2 is not; both block until released."""
    pipes = [multiprocessing.Pipe() for _ in range(2)]
    parent_ends = [parent_end for parent_end, _ in pipes]
    logging_on()
    children = []
    for daemon, (parent_end, child_end) in zip((True, False), pipes):
        p = multiprocessing.Process(target=long_task, args=(child_end, parent_ends, os.getpid()))
        p.daemon = daemon
        p.start()
        receive(parent_end, "child ready")
        child_end.close()
        children.append(p)
    _HELD.extend(parent_ends)
    release_on_join({p.name: end for p, end in zip(children, parent_ends) if not p.daemon})
    for p in children:
        after_exit_joins(record_exit_status, p)
    emit(
        "main-returns",
        children={p.name: {"daemon": p.daemon, "alive": p.is_alive()} for p in children},
        parent_exit=args.parent_exit,
    )
    if args.parent_exit == "killed":
        # Ends at once, running no Python code: SIGKILL, or where there is none (Windows)
        # os.kill() with SIGTERM, which Windows carries out as TerminateProcess(handle, 15).
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    elif args.parent_exit == "os_exit":
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


# --- join_timeout --------------------------------------------------------------


def held_task(conn, parent_end):
    parent_end.close()
    conn.send("ready")
    if receive(conn, "parent's release") == "finish":
        emit("child-finishes", "[%s] finishing" % multiprocessing.current_process().name)


def join_timeout(args):
    parent_end, child_end = multiprocessing.Pipe()
    p = multiprocessing.Process(target=held_task, args=(child_end, parent_end))
    p.start()
    receive(parent_end, "child ready")
    began = time.monotonic()
    p.join(args.timeout)
    waited = time.monotonic() - began
    emit(
        "timed-join-returned",
        "join(%s) returned: alive=%s exitcode=%s" % (args.timeout, p.is_alive(), p.exitcode),
        timeout=args.timeout,
        waited=waited,
        alive=p.is_alive(),
        exitcode=p.exitcode,
    )
    emit("releasing")
    parent_end.send("finish")
    p.join()
    emit(
        "join-returned",
        "join() returned: alive=%s exitcode=%s" % (p.is_alive(), p.exitcode),
        alive=p.is_alive(),
        exitcode=p.exitcode,
    )


# --- daemon_child ----------------------------------------------------------------


def fork_server_used():
    """Under forkserver, the fork server this process started (and that forked its child): its pid, and
    this process's pid as its parent if the OS agrees (waitpid() accepts only one's own children)."""
    if multiprocessing.get_start_method() != "forkserver":
        return None
    pid = importlib.import_module("multiprocessing.forkserver")._forkserver._forkserver_pid
    if pid is None:  # it started no process
        return None
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return {"pid": pid, "parent": None}
    return {"pid": pid, "parent": os.getpid()}


def record_lineage():
    """This process's pid and its parent's, as the OS reports them (the trace record carries the pid)."""
    emit("lineage", ppid=parent_pid(), fork_server=fork_server_used())


def grandchild_task():
    me = multiprocessing.current_process()
    record_lineage()
    # _identity holds one number per generation below the main process: (1, 1) for Process-1:1.
    emit("grandchild-ran", "[%s] grandchild running" % me.name, daemon=me.daemon, generation=len(me._identity))


def would_be_parent():
    me = multiprocessing.current_process()
    g = multiprocessing.Process(target=grandchild_task)
    try:
        g.start()
    except AssertionError as exc:
        emit(
            "start-refused",
            "[%s] %s: %s" % (me.name, type(exc).__name__, exc),
            type=type(exc).__name__,
            message=str(exc),
            daemon=me.daemon,
            optimize=sys.flags.optimize,
        )
        return
    record_lineage()
    g.join(WAIT_LIMIT)
    emit("grandchild-joined", name=g.name, exitcode=g.exitcode, daemon=me.daemon, optimize=sys.flags.optimize)


def daemon_child(args):
    p = multiprocessing.Process(target=would_be_parent)
    p.daemon = True
    p.start()
    record_lineage()
    p.join()
    emit("child-joined", name=p.name, exitcode=p.exitcode)


# --- orphan_chain --------------------------------------------------------------


def bottom(life_r, life_w, up, middle_pid):
    life_w.close()  # fork copies the middle's writer; the middle must be its only holder
    me = multiprocessing.current_process()
    ppid_at_start = parent_pid()
    emit("grandchild-ready", middle_pid=middle_pid, ppid=ppid_at_start, daemon=me.daemon)
    up.send(("ready", os.getpid()))
    if receive(life_r, "middle's end") != "EOF":
        return
    ppid_now = parent_after_its_end(middle_pid)
    facts = {"middle_pid": middle_pid, "ppid_at_start": ppid_at_start, "ppid_now": ppid_now}
    emit("grandchild-orphaned", "[%s] my parent is gone; I am still running" % me.name, **facts)
    up.send(("orphaned", os.getpid()))


def middle(up):
    me = multiprocessing.current_process()
    life_r, life_w = multiprocessing.Pipe(duplex=False)
    g = multiprocessing.Process(target=bottom, args=(life_r, life_w, up, os.getpid()))
    emit("middle-starts-grandchild", daemon=me.daemon, grandchild=g.name)
    try:
        g.start()
    except AssertionError as exc:
        emit("start-refused", type=type(exc).__name__, message=str(exc))
        up.send(("refused", str(exc)))
        return
    life_r.close()
    # Blocks until this process is ended; the grandchild waits for that too.
    g.join(WAIT_LIMIT)
    emit("middle-finished-normally")


def read_grandchild_report(up_r):
    message = receive(up_r, "grandchild's report")
    emit("grandchild-report", report=list(message) if isinstance(message, tuple) else message)


def orphan_chain(args):
    up_r, up_w = multiprocessing.Pipe(duplex=False)
    a = multiprocessing.Process(target=middle, args=(up_w,))
    a.daemon = args.middle == "daemon"
    if a.daemon:
        logging_on()
    a.start()
    first = receive(up_r, "grandchild ready")
    emit("chain-ready", message=list(first) if isinstance(first, tuple) else first, middle_pid=a.pid)
    if first is None or first[0] != "ready":
        a.join(WAIT_LIMIT)
        return
    if a.daemon:
        # main() returns; the exit code terminates the daemonic middle, then
        # this finalizer (priority -100) records what became of the grandchild.
        after_exit_joins(record_exit_status, a)
        after_exit_joins(read_grandchild_report, up_r)
        emit("main-returns", alive=a.is_alive())
        return
    a.terminate()
    a.join()
    emit("middle-terminated", "[%s] terminated: exitcode %s" % (a.name, a.exitcode), exitcode=a.exitcode)
    read_grandchild_report(up_r)


# --- late_flag -----------------------------------------------------------------


def report_flag():
    me = multiprocessing.current_process()
    emit("child-flag", name=me.name, daemon=me.daemon)


def late_flag(args):
    early = multiprocessing.Process(target=report_flag)
    early.daemon = True
    early.start()
    early.join()
    late = multiprocessing.Process(target=report_flag)
    late.start()
    try:
        late.daemon = True
    except AssertionError as exc:
        emit("flag-refused", "%s: %s" % (type(exc).__name__, exc), type=type(exc).__name__, message=str(exc))
    emit("flag-after", name=late.name, daemon=late.daemon)
    late.join()
    emit("children-joined", exitcodes=[early.exitcode, late.exitcode])


def add_arguments(parser):
    parser.add_argument("--join", choices=["yes", "no"], default="yes", help="document: join the daemonic child")
    parser.add_argument(
        "--parent-exit",
        choices=["normal", "killed", "os_exit"],
        default="normal",
        help="lifetime: how the parent ends after main() returns",
    )
    parser.add_argument("--timeout", type=float, default=0.02, help="join_timeout: the timeout of the first join")
    parser.add_argument(
        "--middle", choices=["plain", "daemon"], default="plain", help="orphan_chain: the middle process"
    )


EVENTS = {
    "document": ("child-start", "child-exit", "joining", "join-returned", "main-returns", "exit-status"),
    "lifetime": ("child-running", "child-released", "orphaned", "release-sent", "exit-status", "main-returns"),
    "join_timeout": ("child-finishes", "timed-join-returned", "releasing", "join-returned"),
    "daemon_child": ("grandchild-ran", "start-refused", "grandchild-joined", "child-joined", "lineage"),
    "orphan_chain": (
        "grandchild-ready",
        "grandchild-orphaned",
        "middle-starts-grandchild",
        "start-refused",
        "middle-finished-normally",
        "grandchild-report",
        "chain-ready",
        "exit-status",
        "main-returns",
        "middle-terminated",
    ),
    "late_flag": ("child-flag", "flag-refused", "flag-after", "children-joined"),
}

if __name__ == "__main__":
    run_main(
        __doc__,
        {
            "document": document,
            "lifetime": lifetime,
            "join_timeout": join_timeout,
            "daemon_child": daemon_child,
            "orphan_chain": orphan_chain,
            "late_flag": late_flag,
        },
        EVENTS,
        default="document",
        add_arguments=add_arguments,
    )
