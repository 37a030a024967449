"""Mutants of the process-exit section (claims EXIT-*)."""

import multiprocessing.process
import os
import signal
import sys
import threading
import traceback

from mutants import mutant

_process = multiprocessing.process

try:  # POSIX: the base of the fork, spawn and forkserver Popen classes
    from multiprocessing import popen_fork as _popen_fork
except ImportError:  # pragma: no cover - Windows
    _popen_fork = None


def _signal_name(code):
    try:
        return signal.Signals(-code).name
    except (ValueError, AttributeError):
        return None


@mutant(
    "terminate-sends-sigkill",
    claims=("EXIT-01", "EXIT-02", "EXIT-14", "DAEMON-02", "DAEMON-04", "DAEMON-07"),
    description="terminate() (and so the exit function's terminate of daemons) sends SIGKILL, not SIGTERM",
)
def terminate_sends_sigkill():
    if _popen_fork is None:
        return

    def terminate(self):
        if self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            except OSError:
                if self.wait(timeout=0.1) is None:
                    raise

    _popen_fork.Popen.terminate = terminate


@mutant(
    "kill-sends-sigterm",
    claims=("EXIT-03", "EXIT-13"),
    description="Process.kill() (3.7+) sends SIGTERM, so it is terminate() under another name",
)
def kill_sends_sigterm():
    if _popen_fork is None or not hasattr(_popen_fork.Popen, "kill"):
        return
    _popen_fork.Popen.kill = _popen_fork.Popen.terminate


@mutant(
    "exitcode-set-at-terminate",
    claims=("EXIT-10",),
    description="terminate() sets the exit code to -SIGTERM at once, before the child ended (Windows 3.11.6, "
    "gh-110036)",
)
def exitcode_set_at_terminate():
    if _popen_fork is None:
        return
    real_terminate = _popen_fork.Popen.terminate

    def terminate(self):
        real_terminate(self)
        if self.returncode is None:
            self.returncode = -signal.SIGTERM

    _popen_fork.Popen.terminate = terminate


def _status(self):
    """(status, exitcode) as both repr() forms compute them."""
    exitcode = None
    if self is _process.current_process():
        status = "started"
    elif getattr(self, "_closed", False):
        status = "closed"
    elif self._parent_pid != os.getpid():
        status = "unknown"
    elif self._popen is None:
        status = "initial"
    else:
        exitcode = self._popen.poll()
        status = "started" if exitcode is None else "stopped"
    return status, exitcode


def _repr_36(self):
    """The 3.6/3.7 form: <Process(name, stopped[SIGTERM] daemon)>."""
    status, exitcode = _status(self)
    if exitcode:
        status = "stopped[%s]" % (_signal_name(exitcode) or exitcode)
    return "<%s(%s, %s%s)>" % (type(self).__name__, self._name, status, self.daemon and " daemon" or "")


def _repr_38(self):
    """The 3.8+ form: <Process name='x' pid=N parent=M stopped exitcode=-SIGTERM daemon>."""
    status, exitcode = _status(self)
    info = [type(self).__name__, "name=%r" % self._name]
    if self._popen is not None:
        info.append("pid=%s" % self._popen.pid)
    info.append("parent=%s" % self._parent_pid)
    info.append(status)
    if exitcode is not None:
        name = _signal_name(exitcode)
        info.append("exitcode=%s" % ("-" + name if name else exitcode))
    if self.daemon:
        info.append("daemon")
    return "<%s>" % " ".join(info)


@mutant(
    "repr-other-version-form",
    claims=("EXIT-09", "EXIT-15", "EXIT-03", "EXIT-13"),
    description="repr(Process) uses the other version's form: <Process(name, state)> on 3.8+, "
    "<Process name='x' pid=N ...> on 3.6/3.7 (bpo-35491 swapped)",
)
def repr_other_version_form():
    _process.BaseProcess.__repr__ = _repr_36 if sys.version_info >= (3, 8) else _repr_38


@mutant(
    "repr-signal-exit-code-unnamed",
    claims=("EXIT-15",),
    description="repr(Process) gives a signal's exit code as its number (-15), not the signal's name",
)
def repr_signal_exit_code_unnamed():
    _process._exitcode_to_name.clear()  # process.py's -signum -> name table, read by __repr__


@mutant(
    "is-alive-none-before-start",
    claims=("EXIT-04",),
    description="is_alive() returns None instead of False for a process not yet started",
)
def is_alive_none_before_start():
    real_is_alive = _process.BaseProcess.is_alive

    def is_alive(self):
        if self._popen is None and not getattr(self, "_closed", False) and self is not _process.current_process():
            return None
        return real_is_alive(self)

    _process.BaseProcess.is_alive = is_alive


@mutant(
    "child-name-not-passed",
    claims=("EXIT-05",),
    description="in the child, current_process().name is the default Process-N, not the name given to Process()",
)
def child_name_not_passed():
    real_bootstrap = _process.BaseProcess._bootstrap

    def _bootstrap(self, *args, **kwargs):
        self._name = "%s-%s" % (type(self).__name__, ":".join(str(i) for i in self._identity))
        return real_bootstrap(self, *args, **kwargs)

    _process.BaseProcess._bootstrap = _bootstrap


@mutant(
    "return-value-is-exitcode",
    claims=("EXIT-06",),
    description="run() passes an int returned by the target on as the exit code, like sys.exit(value)",
)
def return_value_is_exitcode():
    real_run = _process.BaseProcess.run

    def run(self):
        target = getattr(self, "_target", None)
        if not target:
            return real_run(self)
        result = target(*self._args, **self._kwargs)
        if isinstance(result, int) and not isinstance(result, bool):
            sys.exit(result)

    _process.BaseProcess.run = run


@mutant(
    "exception-exits-0",
    claims=("EXIT-12",),
    description="an exception in the target is printed as usual ('Process <name>:' and the traceback) but the "
    "exit code is 0",
)
def exception_exits_0():
    real_run = _process.BaseProcess.run

    def run(self):
        try:
            real_run(self)
        except Exception:
            sys.stderr.write("Process %s:\n" % self.name)
            traceback.print_exc()

    _process.BaseProcess.run = run


@mutant(
    "sys-exit-none-other-version",
    claims=("EXIT-13",),
    description="sys.exit() without argument gives the other version's exit code: 1 on 3.9+, 0 up to 3.8 "
    "(bpo-35727 swapped)",
)
def sys_exit_none_other_version():
    real_run = _process.BaseProcess.run
    code = 1 if sys.version_info >= (3, 9) else 0

    def run(self):
        try:
            real_run(self)
        except SystemExit as exc:
            if exc.code is None:
                raise SystemExit(code) from None
            raise

    _process.BaseProcess.run = run


@mutant(
    "thread-has-terminate",
    claims=("EXIT-08",),
    description="threading.Thread grows a terminate() that raises SystemExit in the thread (in every process, "
    "the pytest process too)",
)
def thread_has_terminate():
    def terminate(self):
        import ctypes

        ident = self.ident
        if ident is not None:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(SystemExit))

    threading.Thread.terminate = terminate


@mutant(
    "terminate-runs-cleanup",
    claims=("EXIT-11",),
    description="a child turns SIGTERM into SystemExit, so a terminated job runs its finally: blocks and atexit",
)
def terminate_runs_cleanup():
    original = _process.BaseProcess._bootstrap

    def exit_on_sigterm(signum, frame):
        sys.exit(-signum)

    def _bootstrap(self, *args, **kwargs):
        signal.signal(signal.SIGTERM, exit_on_sigterm)
        return original(self, *args, **kwargs)

    _process.BaseProcess._bootstrap = _bootstrap


@mutant(
    "clean-return-exits-1",
    claims=("EXIT-07",),
    description="a child whose target returned normally ends with exit code 1 instead of 0",
)
def clean_return_exits_1():
    original = _process.BaseProcess._bootstrap

    def _bootstrap(self, *args, **kwargs):
        code = original(self, *args, **kwargs)
        return 1 if code == 0 else code

    _process.BaseProcess._bootstrap = _bootstrap
