"""Mutants of the daemon section (claims DAEMON-*)."""

import atexit
import contextlib
import multiprocessing.process
import multiprocessing.util
import os
import signal
import threading

from mutants import mutant

_process = multiprocessing.process
_util = multiprocessing.util


def _in_main_process():
    """True in a program's main process (whose current_process() has no parent), not in its children."""
    return _process.current_process()._parent_pid is None


def _replace_exit_function(terminate_it, join_it):
    """Install a copy of util._exit_function (identical on 3.6 ... 3.13 and PyPy) whose
    "terminate the daemons" and "join the children" steps pick children by the given tests."""
    info, debug, run_finalizers = _util.info, _util.debug, _util._run_finalizers
    active_children, current_process = _process.active_children, _process.current_process
    util = _util

    def _exit_function():
        if not util._exiting:
            util._exiting = True
            info("process shutting down")
            debug('running all "atexit" finalizers with priority >= 0')
            run_finalizers(0)
            if current_process() is not None:
                for p in active_children():
                    if terminate_it(p):
                        info("calling terminate() for daemon %s", p.name)
                        p._popen.terminate()
                for p in active_children():
                    if join_it(p):
                        info("calling join() for process %s", p.name)
                        p.join()
            debug('running the remaining "atexit" finalizers')
            run_finalizers()

    # atexit holds the original; get_logger() and _bootstrap() look the name up in util.
    atexit.unregister(_util._exit_function)
    _util._exit_function = _exit_function
    atexit.register(_exit_function)


@mutant(
    "daemon-left-running-at-exit",
    claims=("DAEMON-02", "DAEMON-03", "DAEMON-04", "DAEMON-07"),
    description="the exit function neither terminates nor joins daemonic children: they are left running",
)
def daemon_left_running_at_exit():
    _replace_exit_function(lambda p: False, lambda p: not p.daemon)


@mutant(
    "non-daemon-not-joined-at-exit",
    claims=("DAEMON-01", "DAEMON-03"),
    description="the exit function does not join non-daemonic children: the parent ends without waiting",
)
def non_daemon_not_joined_at_exit():
    _replace_exit_function(lambda p: p.daemon, lambda p: p.daemon)


@mutant(
    "all-children-terminated-at-exit",
    claims=("DAEMON-01", "DAEMON-03"),
    description="the exit function terminates every live child, daemonic or not, before joining them",
)
def all_children_terminated_at_exit():
    _replace_exit_function(lambda p: True, lambda p: True)


@mutant(
    "daemons-terminated-at-os-exit",
    claims=("DAEMON-09",),
    description="os._exit() in the main process first terminates its daemonic children (as a normal exit does)",
)
def daemons_terminated_at_os_exit():
    real_exit = os._exit

    def _exit(status):
        try:
            if _in_main_process():
                for p in _process.active_children():
                    if p.daemon:
                        p.terminate()
        except Exception:
            pass
        real_exit(status)

    os._exit = _exit


@mutant(
    "daemon-join-does-not-wait",
    claims=("DAEMON-04",),
    description="join() on a daemonic child returns at once, as join(0) would",
)
def daemon_join_does_not_wait():
    real_join = _process.BaseProcess.join

    def join(self, timeout=None):
        if self.daemon:
            timeout = 0
        return real_join(self, timeout)

    _process.BaseProcess.join = join


@mutant(
    "join-timeout-in-milliseconds",
    claims=("DAEMON-05",),
    description="join(timeout) reads the timeout as milliseconds: join(0.02) returns after 20 microseconds",
)
def join_timeout_in_milliseconds():
    real_join = _process.BaseProcess.join

    def join(self, timeout=None):
        if timeout is not None:
            timeout = timeout / 1000.0
        return real_join(self, timeout)

    _process.BaseProcess.join = join


@mutant(
    "daemon-may-have-children",
    claims=("DAEMON-06",),
    description="start() inside a daemonic process no longer asserts 'daemonic processes are not allowed to have "
    "children'",
)
def daemon_may_have_children():
    real_start = _process.BaseProcess.start

    def start(self):
        config = _process.current_process()._config
        missing = object()
        daemonic = config.pop("daemon", missing)
        try:
            return real_start(self)
        finally:
            if daemonic is not missing:
                config["daemon"] = daemonic

    _process.BaseProcess.start = start


@mutant(
    "terminate-reaches-grandchildren",
    claims=("DAEMON-07",),
    description="a child process that has started children terminates them when it receives SIGTERM",
)
def terminate_reaches_grandchildren():
    real_start = _process.BaseProcess.start

    def on_sigterm(signum, frame):
        for child in _process.active_children():
            with contextlib.suppress(Exception):
                child.terminate()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    def start(self):
        result = real_start(self)
        if not _in_main_process() and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, on_sigterm)
        return result

    _process.BaseProcess.start = start


@mutant(
    "daemon-flag-settable-after-start",
    claims=("DAEMON-08",),
    description="setting Process.daemon after start() no longer asserts 'process has already started'",
)
def daemon_flag_settable_after_start():
    def set_daemon(self, daemonic):
        self._config["daemon"] = daemonic

    _process.BaseProcess.daemon = _process.BaseProcess.daemon.setter(set_daemon)


@mutant(
    "join-returns-exitcode",
    claims=("DAEMON-10",),
    description="join() gives back the child's exit code instead of None",
)
def join_returns_exitcode():
    original = _process.BaseProcess.join

    def join(self, timeout=None):
        original(self, timeout)
        return self.exitcode

    _process.BaseProcess.join = join


def _detached_spawnv_passfds(spawnv_passfds):
    """util.spawnv_passfds, but a fork server started from a child process is started through a
    process that exits at once: the server is orphaned, no longer the child of the process using it."""

    def detached(path, args, passfds):
        if _in_main_process() or not any("multiprocessing.forkserver import main" in str(a) for a in args):
            return spawnv_passfds(path, args, passfds)
        r, w = os.pipe()
        middle = os.fork()
        if middle == 0:
            code = 1
            try:
                os.close(r)
                os.write(w, str(spawnv_passfds(path, args, passfds)).encode("ascii"))
                code = 0
            finally:
                os._exit(code)
        os.close(w)
        with os.fdopen(r, "rb") as reader:
            server = reader.read()
        os.waitpid(middle, 0)
        return int(server)

    return detached


@mutant(
    "daemon-child-not-a-descendant",
    claims=("DAEMON-11",),
    description="a child process's fork server is detached (started through a process that exits at once): the "
    "daemon's child, forked by it, is no longer a descendant of the daemon or of the main process (forkserver)",
)
def daemon_child_not_a_descendant():
    _util.spawnv_passfds = _detached_spawnv_passfds(_util.spawnv_passfds)
