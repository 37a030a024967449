"""Mutants of the event section (claims EVENT-*).

``multiprocessing.Event()`` builds ``multiprocessing.synchronize.Event`` at
call time, so patching that class reaches every context and start method.
"""

import multiprocessing
import multiprocessing.synchronize
import os

from mutants import mutant


def _event():
    return multiprocessing.synchronize.Event


def _hidden_where_marked(mark, original_is_set):
    """is_set() that says False in the process whose pid the event carries under ``mark``."""

    def is_set(self):
        if self.__dict__.get(mark) == os.getpid():
            return False
        return original_is_set(self)

    return is_set


@mutant(
    "event-wait-timeout-returns-none",
    claims=("EVENT-02", "EVENT-03", "EVENT-06"),
    description="Event.wait(timeout) returns None (the Python 2.6 API) instead of False when the time runs out",
)
def event_wait_timeout_returns_none():
    event = _event()
    original = event.wait

    def wait(self, timeout=None):
        return True if original(self, timeout) else None

    event.wait = wait


@mutant(
    "event-wait-returns-state-at-entry",
    claims=("EVENT-01", "EVENT-02", "EVENT-03", "EVENT-06"),
    description="Event.wait() is woken by set() but returns the flag as it was when the wait began",
)
def event_wait_returns_state_at_entry():
    event = _event()
    original = event.wait

    def wait(self, timeout=None):
        was_set = self.is_set()
        original(self, timeout)
        return was_set

    event.wait = wait


@mutant(
    "event-is-set-per-process",
    claims=("EVENT-01", "EVENT-02", "EVENT-03", "EVENT-04", "EVENT-06"),
    description="is_set() reads a per-process copy of the flag: set()/clear() in another process are not seen "
    "(wait() still uses the shared semaphore)",
)
def event_is_set_per_process():
    event = _event()
    original_set = event.set
    original_clear = event.clear

    # The copy lives in the instance's __dict__: a forked child inherits it and
    # a spawned child unpickles it, both as it was when the child started.
    def is_set(self):
        return self.__dict__.get("_mpspec_local_flag", False)

    def set_(self):
        self._mpspec_local_flag = True
        original_set(self)

    def clear(self):
        self._mpspec_local_flag = False
        original_clear(self)

    event.is_set = is_set
    event.set = set_
    event.clear = clear


@mutant(
    "event-clear-not-shared",
    claims=("EVENT-02", "EVENT-04"),
    description="clear() only clears the clearing process's own view: other processes keep seeing the flag set",
)
def event_clear_not_shared():
    event = _event()
    original_is_set = event.is_set
    original_set = event.set

    def set_(self):
        self.__dict__.pop("_mpspec_cleared_in", None)
        original_set(self)

    def clear(self):
        self._mpspec_cleared_in = os.getpid()  # the shared semaphore is left as it is

    event.is_set = _hidden_where_marked("_mpspec_cleared_in", original_is_set)
    event.set = set_
    event.clear = clear


@mutant(
    "event-wait-consumes-for-the-waiter",
    claims=("EVENT-03",),
    description="a wait() that returns True consumes the event for the waiting process: is_set() there says False "
    "afterwards (an auto-reset event, as the waiter sees it; the shared flag stays set for the others)",
)
def event_wait_consumes_for_the_waiter():
    event = _event()
    original_wait = event.wait
    original_is_set = event.is_set
    original_set = event.set
    original_clear = event.clear

    def wait(self, timeout=None):
        result = original_wait(self, timeout)
        if result:
            self._mpspec_consumed_in = os.getpid()
        return result

    def set_(self):
        self.__dict__.pop("_mpspec_consumed_in", None)
        original_set(self)

    def clear(self):
        self.__dict__.pop("_mpspec_consumed_in", None)
        original_clear(self)

    event.wait = wait
    event.is_set = _hidden_where_marked("_mpspec_consumed_in", original_is_set)
    event.set = set_
    event.clear = clear


@mutant(
    "event-is-set-stale-after-timeout",
    claims=("EVENT-06",),
    description="in a child process, after a wait(timeout) that ran out, is_set() keeps answering False until the "
    "child's next wait() on the event: a set() landing in between is not seen by the loop's test",
)
def event_is_set_stale_after_timeout():
    event = _event()
    original_wait = event.wait
    original_is_set = event.is_set

    def wait(self, timeout=None):
        result = original_wait(self, timeout)
        in_child = getattr(multiprocessing.current_process(), "_parent_pid", None) is not None
        self._mpspec_timed_out_in = os.getpid() if in_child and not result else None
        return result

    event.wait = wait
    event.is_set = _hidden_where_marked("_mpspec_timed_out_in", original_is_set)


@mutant(
    "event-set-does-not-wake-waiters",
    claims=("EVENT-07",),
    description="Event.set() raises the flag without notifying: a waiter sees it only when its timeout runs out",
)
def event_set_does_not_wake_waiters():
    event = _event()

    def set(self):
        with self._cond:
            self._flag.acquire(False)
            self._flag.release()

    event.set = set


@mutant(
    "event-wait-times-out-early",
    claims=("EVENT-08",),
    description="Event.wait(timeout) gives up after half its timeout",
)
def event_wait_times_out_early():
    event = _event()
    original = event.wait

    def wait(self, timeout=None):
        return original(self, None if timeout is None else timeout / 2)

    event.wait = wait
