"""Not a document section: programs that prove what the harness does to a run.

Variants:
  hang         parent and child block until killed (each bounded by WAIT_LIMIT)
  orphan       the child outlives the parent with its output closed, so the run
               looks finished while a process of it is still alive
  escape       as orphan, and the child leaves the process group and the tree at
               once (a grandchild in a session of its own, os.setsid; POSIX only)
  environment  traces the values of the variables ``--names`` lists (None: unset)
  undeclared   records an event no variant declares, as a module's top level can
               before run_main declares the events (emit() then refuses nothing)
hang, orphan and escape append each process's pid to ``--pid-file`` so a check can find them.
"""

import multiprocessing
import os
import sys

from scenarios._cli import run_main, wait_for
from scenarios._trace import EVENTS_ENV, emit


def note_pid(path):
    with open(path, "a") as f:
        f.write("%d\n" % os.getpid())


def blocked_child(path, never):
    note_pid(path)
    wait_for(never, "a set that never comes")


def detached_child(path, never, ready):
    note_pid(path)
    # Close our copies of the output so the harness sees end-of-file.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.dup2(devnull, sys.stderr.fileno())
    ready.set()
    wait_for(never, "a set that never comes")


def pid_file(args):
    """--pid-file, which hang and orphan need: without it, one line and status 2."""
    if not args.pid_file:
        sys.stderr.write("python -m scenarios._harness_check: error: --variant %s needs --pid-file\n" % args.variant)
        sys.exit(2)
    return args.pid_file


def hang(args):
    path = pid_file(args)
    note_pid(path)
    never = multiprocessing.Event()
    child = multiprocessing.Process(target=blocked_child, args=(path, never))
    child.start()
    wait_for(never, "a set that never comes")
    child.join()


def orphan(args):
    path = pid_file(args)
    note_pid(path)
    never = multiprocessing.Event()
    ready = multiprocessing.Event()
    child = multiprocessing.Process(target=detached_child, args=(path, never, ready))
    child.start()
    wait_for(ready, "child detached")
    # Leave without running the exit function, which would join the child.
    os._exit(0)


def escape(args):
    note_pid(args.pid_file)
    never = multiprocessing.Event()
    ready = multiprocessing.Event()
    if os.fork() == 0:
        # Its parent leaves at once: it is a descendant of the leader for a moment only.
        if os.fork() == 0:
            os.setsid()
            detached_child(args.pid_file, never, ready)
        os._exit(0)
    os.wait()
    wait_for(ready, "grandchild detached")


def environment(args):
    names = args.names.split(",") if args.names else []
    emit("environment", values={name: os.environ.get(name) for name in names})


def undeclared(args):
    # Forget the declaration, as before run_main made it: only the harness can refuse the event now.
    del os.environ[EVENTS_ENV]
    emit("undeclared-event")


def add_arguments(parser):
    parser.add_argument("--pid-file", help="file each process appends its pid to (hang, orphan)")
    parser.add_argument("--names", default="", help="comma-separated variable names (environment)")


if __name__ == "__main__":
    run_main(
        __doc__,
        {"hang": hang, "orphan": orphan, "escape": escape, "environment": environment, "undeclared": undeclared},
        {"hang": (), "orphan": (), "escape": (), "environment": ("environment",), "undeclared": ()},
        default="hang",
        add_arguments=add_arguments,
    )
