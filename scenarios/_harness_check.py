"""Not a document section: misbehaving programs that prove the harness cleans up.

Variants:
  hang     parent and child block until killed (each bounded by WAIT_LIMIT)
  orphan   the child outlives the parent with its output closed, so the run
           looks finished while a process of it is still alive
  escape   as orphan, and the child leaves the process group and the tree at
           once (a grandchild in a session of its own, os.setsid; POSIX only)
Every process appends its pid to ``--pid-file`` so a check can find them.
"""

import multiprocessing
import os
import sys

from scenarios._cli import run_main, wait_for


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


def hang(args):
    note_pid(args.pid_file)
    never = multiprocessing.Event()
    child = multiprocessing.Process(target=blocked_child, args=(args.pid_file, never))
    child.start()
    wait_for(never, "a set that never comes")
    child.join()


def orphan(args):
    note_pid(args.pid_file)
    never = multiprocessing.Event()
    ready = multiprocessing.Event()
    child = multiprocessing.Process(target=detached_child, args=(args.pid_file, never, ready))
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


def add_arguments(parser):
    parser.add_argument("--pid-file", required=True, help="file each process appends its pid to")


if __name__ == "__main__":
    run_main(
        __doc__,
        {"hang": hang, "orphan": orphan, "escape": escape},
        {"hang": (), "orphan": (), "escape": ()},
        add_arguments,
    )
