"""Hooks into the parent's exit sequence (multiprocessing.util._exit_function).

At a normal exit the parent runs, in order: finalizers of priority >= 0,
terminate() for each live daemon, join() for each live child, the remaining
finalizers.  These hooks let a scenario act at a known step of that sequence
instead of guessing with sleeps.
"""

import logging
import multiprocessing
import multiprocessing.util

# harness.claims.catalogue.mp_logging.JOIN: scenarios run on 3.6 and import nothing from the harness.
JOIN_PREFIX = "calling join() for process "


class _JoinWatcher(logging.Handler):
    def __init__(self, on_join):
        logging.Handler.__init__(self)
        self.on_join = on_join

    def emit(self, record):
        message = record.getMessage()
        if message.startswith(JOIN_PREFIX):
            self.on_join(message[len(JOIN_PREFIX) :])


def on_exit_join(on_join):
    """Call ``on_join(name)`` each time the exit sequence is about to join a
    child.  The logger must let INFO records through; the watcher is added
    after log_to_stderr()'s handler, so the join line is printed first."""
    multiprocessing.get_logger().addHandler(_JoinWatcher(on_join))


def after_exit_joins(callback, *args):
    """Run ``callback(*args)`` at the very end of the exit sequence, after
    daemons were terminated and children joined."""
    multiprocessing.util.Finalize(None, callback, args=args, exitpriority=-100)
