"""What Python does, where several claims' tests rely on it: each fact once, with
the versions, platforms and start methods it changes on, and why.

Tests take these values through ``observe.expect(...)`` instead of branching on
versions themselves, so a wrong bound here makes the tests fail wherever it is
observable.
"""

from __future__ import annotations

import signal

from harness.claims.model import Expectation, Variation

# bpo-30589: the 3.6 fork server reports a child's exit code through a pipe the
# child writes itself; a child that ends without writing it reads as 255.
FORKSERVER_36_LOSES_EXIT_CODE = Variation(
    "Under 3.6's forkserver a child that ends without reporting its own exit code (killed by a signal, or "
    "failing before its target ran) reads as 255: the parent hits end of file on the status pipe (bpo-30589, "
    "fixed in 3.7).",
    255,
    until=(3, 7),
    start_methods=("forkserver",),
)

SIGTERM_EXITCODE = Expectation(
    "exitcode-after-sigterm",
    "exit code of a child ended by terminate() (SIGTERM), once joined",
    -signal.SIGTERM,
    (FORKSERVER_36_LOSES_EXIT_CODE,),
)

HAS_KILL = Expectation(
    "process-has-kill",
    "whether multiprocessing.Process has kill()",
    True,
    (Variation("Process.kill() was added in 3.7 (bpo-30794).", False, until=(3, 7)),),
)

KILLED_EXITCODE = Expectation(
    "exitcode-after-kill",
    "exit code of a child ended by kill()",
    -9,  # -signal.SIGKILL; Windows has no SIGKILL constant
    (
        Variation(
            "On Windows kill() is terminate(): TerminateProcess, read as -SIGTERM.",
            -signal.SIGTERM,
            platforms=("win32",),
        ),
    ),
)

# Public attributes of multiprocessing.Process, the same class on every start method.
_PUBLIC_3_7 = [
    "authkey",
    "close",
    "daemon",
    "exitcode",
    "ident",
    "is_alive",
    "join",
    "kill",
    "name",
    "pid",
    "run",
    "sentinel",
    "start",
    "terminate",
]
PROCESS_PUBLIC_API = Expectation(
    "process-public-attributes",
    "the public attributes of multiprocessing.Process",
    sorted(_PUBLIC_3_7),
    (
        Variation(
            "close() and kill() were added in 3.7 (bpo-30596, bpo-30794).",
            sorted(set(_PUBLIC_3_7) - {"close", "kill"}),
            until=(3, 7),
        ),
        Variation(
            "interrupt() (SIGINT) was added in 3.14 (gh-131913).", sorted([*_PUBLIC_3_7, "interrupt"]), since=(3, 14)
        ),
    ),
)

CHILD_ATEXIT_AT_NORMAL_EXIT = Expectation(
    "child-atexit-at-normal-exit",
    "whether atexit handlers registered in a child run when it returns normally",
    True,
    (
        Variation(
            "Up to 3.12 a fork or forkserver child leaves by os._exit() after its target, skipping atexit; "
            "from 3.13 it runs the atexit handlers first (gh-83856). Spawned children always run them.",
            False,
            until=(3, 13),
            start_methods=("fork", "forkserver"),
        ),
    ),
)

SELF_KILLED_STATUS = Expectation(
    "status-of-self-killed-program",
    "the exit status, as subprocess reports it, of a program that kills itself outright",
    -9,  # -signal.SIGKILL
    (
        Variation(
            "Windows has no SIGKILL: the program ends itself by os.kill(its pid, SIGTERM), which Windows carries "
            "out as TerminateProcess(handle, 15), running no handler; the status is that exit code, 15.",
            15,
            platforms=("win32",),
        ),
    ),
)

PARENT_IS_STARTER = Expectation(
    "parent-is-starter",
    "whether a child's os.getppid() is the process that called start()",
    True,
    (
        Variation(
            "A forkserver child is forked by the fork server: its parent is the server, not the process that "
            "asked for it.",
            False,
            start_methods=("forkserver",),
        ),
    ),
)

ORPHAN_REPARENTED = Expectation(
    "orphan-reparented",
    "whether a child whose parent died is handed to a new parent",
    True,
    (
        Variation(
            "A forkserver child's parent is the fork server, which lives on: the process that asked for it can "
            "die without the child changing parent.",
            False,
            start_methods=("forkserver",),
        ),
        Variation(
            "Windows hands an orphan to no new parent: os.getppid() gives the id of the process that created it "
            "(its InheritedFromUniqueProcessId), which it keeps after that process has ended.",
            False,
            platforms=("win32",),
        ),
    ),
)

MAIN_MODULE_IN_CHILD = Expectation(
    "main-module-in-child",
    "the name under which a child imports the program's main module (None: not at all)",
    "__mp_main__",
    (
        Variation(
            "A fork child is a copy of the parent and never imports the main module.", None, start_methods=("fork",)
        ),
    ),
)
