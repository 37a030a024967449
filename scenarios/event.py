"""Section "Process Event": one multiprocessing.Event shared by several processes.

Two children, "first" and "second", poll their flag with a short timeout and
print every result in the document's shape ``[name] event status : (False)``.
Handshakes replace the document's sleeps, so the facts below are certain:

Variants:
  chain   the document's relay: the parent sets e1, "first" sees it and then
          sets e2, "second" sees e2.  Each child reports at least one timed-out
          wait before the parent sets e1, and "first" holds e2 back until
          "second" has timed out once more after "first" noticed e1.  Once a
          child has sent its handshake, its next wait is long (WAIT_LIMIT), so
          it is that wait, not the loop's is_set() test, that sees the flag.
          Right after each wait, the child reads both events' is_set().
  state   set() and clear() done in one process change is_set() and wait()
          in the other (parent and child alternate over a pipe)
  gap     the document's loop left at the wrong moment: "first" is paused once
          right after a wait timed out, the parent sets e1 in that gap, and the
          loop's own is_set() test ends it without the "e1 is set" branch, so
          e2 is never set
"""

import multiprocessing
import threading
import time

from scenarios._cli import WAIT_LIMIT, run_main, wait_for
from scenarios._trace import emit

# Timeout of one polling wait.  Here the timeout is the behaviour shown
# (wait() returns False when it expires), not a way to order events.
POLL = 0.02


def _me():
    return multiprocessing.current_process().name


def poll_flag(flag, label, next_wait=None, after_false=None, watch=()):
    """The document's polling loop: while ``flag`` is clear, wait a while and
    print what wait() returned.

    Returns True when a wait returned True, False when the loop's own
    is_set() test ended it first (or the overall WAIT_LIMIT ran out).
    ``next_wait(history)`` runs after the is_set() test, before each wait, and
    returns ``(timeout, extra trace data)``; ``history`` lists the earlier
    waits' ``(result, extra)``.  ``after_false(history)`` runs right after a
    timed-out wait is reported, before the loop's is_set() test.
    ``watch`` lists ``(name, event)``: right after each wait returns, this
    process reads their is_set() (``seen``), the events' state as it sees it.
    """
    deadline = time.monotonic() + WAIT_LIMIT
    history = []
    while not flag.is_set():
        if time.monotonic() > deadline:
            emit("wait-timeout", waiting_for=label)
            return False
        timeout, extra = next_wait(history) if next_wait is not None else (POLL, {})
        began = time.monotonic()
        result = flag.wait(timeout)
        waited = time.monotonic() - began
        seen = dict((name, event.is_set()) for name, event in watch)
        emit(
            "status",
            "[%s] event status : (%s)" % (_me(), result),
            flag=label,
            result=result,
            timeout=timeout,
            waited=waited,
            seen=seen,
            **extra,
        )
        history.append((result, extra))
        if result:
            emit("saw", "[%s] %s is set" % (_me(), label), flag=label)
            return True
        if after_false is not None:
            after_false(history)
    emit("loop-ended", "[%s] left the loop: %s was set between two waits" % (_me(), label), flag=label)
    return False


# --- chain -----------------------------------------------------------------
#
# A handshake is only ever sent from next_wait(), i.e. after the loop's
# is_set() test and before the wait: the flag cannot be set inside the gap
# between a timed-out wait and that test (the "gap" variant shows why that
# matters), and the wait after the handshake is long enough to see the set.
# The handshakes are Events of their own: no child's next step depends on
# the state of e1 or e2, so what the children read of those is theirs to see.


def relay_first(e1, e2, gates):
    polled, noticed, second_late, both_done = gates

    def next_wait(history):
        if not history:
            return POLL, {}  # times out: the parent waits for ``polled``
        polled.set()
        return WAIT_LIMIT, {}

    if poll_flag(e1, "e1", next_wait, watch=(("e1", e1), ("e2", e2))):
        noticed.set()
        # Stands in for the document's pause before setting e2: hold e2 back
        # until "second" has timed out once more after "first" noticed e1.
        wait_for(second_late, "second to time out after first noticed e1")
        emit("set", "[%s] set e2" % _me(), flag="e2")
        e2.set()
        # Stay until "second" is done with e2, so what it reads of e2 is read
        # while the setter is alive; the parent reads e2 once more after.
        meet(both_done, "second to see e2")


def relay_second(e2, e1, gates):
    polled, first_noticed, second_late, both_done = gates

    def next_wait(history):
        if not history:
            return POLL, {}
        polled.set()
        if history[-1][1].get("late"):
            # A whole wait began after "first" noticed e1 and returned False.
            second_late.set()
            return WAIT_LIMIT, {}
        if first_noticed.is_set():
            return POLL, {"late": True}
        return POLL, {}

    poll_flag(e2, "e2", next_wait, watch=(("e1", e1), ("e2", e2)))
    meet(both_done, "first to meet after e2 was seen")


def meet(barrier, what):
    """Both children pass together (a Barrier: no flag left behind by either)."""
    try:
        barrier.wait(WAIT_LIMIT)
    except threading.BrokenBarrierError:
        emit("wait-timeout", waiting_for=what)


def chain(args):
    e1 = multiprocessing.Event()
    e2 = multiprocessing.Event()
    first_polled, second_polled = multiprocessing.Event(), multiprocessing.Event()
    noticed, second_late = multiprocessing.Event(), multiprocessing.Event()
    both_done = multiprocessing.Barrier(2)
    first = multiprocessing.Process(
        name="first", target=relay_first, args=(e1, e2, (first_polled, noticed, second_late, both_done))
    )
    first.start()
    second = multiprocessing.Process(
        name="second", target=relay_second, args=(e2, e1, (second_polled, noticed, second_late, both_done))
    )
    second.start()
    emit("waiting", "wait...")
    wait_for(first_polled, "first to time out once")
    wait_for(second_polled, "second to time out once")
    emit("set", "set e1", flag="e1")
    e1.set()
    first.join(WAIT_LIMIT)
    second.join(WAIT_LIMIT)
    # Read by the parent once both children have exited: what is left of e2.
    emit(
        "exit",
        "exit",
        exitcodes={first.name: first.exitcode, second.name: second.exitcode},
        e2_set=e2.is_set(),
    )


# --- state -----------------------------------------------------------------


def _report(flag, step):
    value = flag.is_set()
    emit("is-set", "[%s] is_set() : %s" % (_me(), value), step=step, value=value)


def _report_wait(flag, step):
    result = flag.wait(POLL)
    emit("wait", "[%s] wait(%s) : %s" % (_me(), POLL, result), step=step, result=result)


def _recv(conn, what):
    """Next handshake message, or None after WAIT_LIMIT."""
    if conn.poll(WAIT_LIMIT):
        return conn.recv()
    emit("wait-timeout", waiting_for=what)
    return None


def state_peer(flag, conn):
    _report(flag, "initial")
    conn.send("checked")
    if _recv(conn, "parent's set()") is None:
        return
    _report(flag, "after parent's set")
    emit("clear", "[%s] clear()" % _me())
    flag.clear()
    conn.send("cleared")
    if _recv(conn, "parent's check") is None:
        return
    emit("set", "[%s] set()" % _me())
    flag.set()
    conn.send("set")


def state(args):
    flag = multiprocessing.Event()
    mine, theirs = multiprocessing.Pipe()
    peer = multiprocessing.Process(target=state_peer, args=(flag, theirs))
    peer.start()
    if _recv(mine, "child's first check") is not None:
        emit("set", "[%s] set()" % _me())
        flag.set()
        mine.send("set")
    if _recv(mine, "child's clear()") is not None:
        _report(flag, "after child's clear")
        _report_wait(flag, "after child's clear")
        mine.send("checked")
    if _recv(mine, "child's set()") is not None:
        _report(flag, "after child's set")
        _report_wait(flag, "after child's set")
    peer.join(WAIT_LIMIT)
    emit("exit", "exit", exitcodes={peer.name: peer.exitcode})


# --- gap -------------------------------------------------------------------


def gap_first(e1, e2, timed_out, resume):
    def pause_once(history):
        if len(history) == 1:
            timed_out.set()
            wait_for(resume, "parent to set e1 inside the gap")

    saw = poll_flag(e1, "e1", after_false=pause_once)
    if saw:
        emit("set", "[%s] set e2" % _me(), flag="e2")
        e2.set()


def gap(args):
    e1 = multiprocessing.Event()
    e2 = multiprocessing.Event()
    timed_out = multiprocessing.Event()
    resume = multiprocessing.Event()
    first = multiprocessing.Process(name="first", target=gap_first, args=(e1, e2, timed_out, resume))
    first.start()
    wait_for(timed_out, "first to time out once")
    emit("set", "set e1", flag="e1")
    e1.set()
    resume.set()
    first.join(WAIT_LIMIT)
    e2_set = e2.is_set()
    emit("after", "first exitcode : %s, e2 set : %s" % (first.exitcode, e2_set), exitcode=first.exitcode, e2_set=e2_set)


EVENTS = {
    "chain": ("status", "saw", "set", "loop-ended", "waiting", "exit"),
    "state": ("is-set", "wait", "clear", "set", "exit"),
    "gap": ("status", "saw", "set", "loop-ended", "after"),
}

if __name__ == "__main__":
    run_main(__doc__, {"chain": chain, "state": state, "gap": gap}, EVENTS, default="chain")
