"""The ``if __name__ == "__main__":`` guard that every example of the document uses.

This module is the guarded program: its top level only defines things and
reports that it ran; starting the child happens under the guard.  Under spawn
and forkserver the child imports this module again, as ``__mp_main__``, so
its top level runs a second time there while the guarded block does not.
``scenarios.main_guard_missing`` is the same program without the guard.

Variants:
  guarded  start one child that reports that its target ran; print its exit code
"""

import multiprocessing

from scenarios._cli import WAIT_LIMIT, run_main, trace_from_argv
from scenarios._trace import emit


def report_top_level():
    me = multiprocessing.current_process().name
    emit("top-level", "top level runs in %s as %s" % (me, __name__), module=__name__)


def child_target():
    me = multiprocessing.current_process().name
    emit("target-runs", "[%s] target runs" % me)


def start_child(args):
    child = multiprocessing.Process(target=child_target)
    child.start()
    child.join(WAIT_LIMIT)
    emit("child-exit", "%s exitcode : %s" % (child.name, child.exitcode), name=child.name, exitcode=child.exitcode)


trace_from_argv()
report_top_level()

EVENTS = {"guarded": ("top-level", "target-runs", "child-exit")}

if __name__ == "__main__":
    run_main(__doc__, {"guarded": start_child}, EVENTS, default="guarded")
