"""The program of ``scenarios.main_guard`` with its ``__main__`` guard left out.

Everything runs at import time.  Under fork the child is a copy of the
parent and never imports this module, so the program works.  Under spawn and
forkserver the child imports this module again (as ``__mp_main__``) to find
its target, re-runs the top level and so tries to start a child of its own
while it is still being set up; multiprocessing refuses with a RuntimeError,
and the parent sees exit code 1.

The refusal is recorded (``start-refused``, with the exception's text) and
re-raised unchanged.  No descendant can start another one: below the second
level of this module's own imports the top level stops before starting
anything (``recursion-stopped``), should the refusal ever go away.

Variants:
  unguarded  start one child that reports that its target ran; print its exit code
"""

import multiprocessing
import os
import sys

from scenarios._cli import WAIT_LIMIT, run_main, trace_from_argv
from scenarios._trace import emit

DEPTH_ENV = "MPSPEC_GUARD_DEPTH"


def child_target():
    me = multiprocessing.current_process().name
    emit("target-runs", "[%s] target runs" % me)


def start_child(args):
    child = multiprocessing.Process(target=child_target)
    try:
        child.start()
    except RuntimeError as exc:
        emit("start-refused", message=str(exc))
        raise
    child.join(WAIT_LIMIT)
    emit("child-exit", "%s exitcode : %s" % (child.name, child.exitcode), name=child.name, exitcode=child.exitcode)


trace_from_argv()
# Children inherit the environment: the parent runs this at depth 0, a child
# that re-imports the module at depth 1, a grandchild (never expected) at 2.
_depth = int(os.environ.get(DEPTH_ENV, "0"))
os.environ[DEPTH_ENV] = str(_depth + 1)
emit(
    "top-level",
    "top level runs in %s as %s" % (multiprocessing.current_process().name, __name__),
    module=__name__,
    depth=_depth,
)
if _depth >= 2:
    emit("recursion-stopped", depth=_depth)
    sys.exit(3)

# No guard: this runs on every import of the module.
run_main(
    __doc__,
    {"unguarded": start_child},
    {"unguarded": ("top-level", "recursion-stopped", "target-runs", "start-refused", "child-exit")},
    default="unguarded",
)
