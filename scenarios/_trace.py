"""Structured trace shared by the scenarios.

Every process of a scenario appends JSON lines to one file named by the
environment variable ``MPSPEC_TRACE``.  The channel is a plain file guarded by
an OS file lock, so it does not depend on any multiprocessing primitive that a
scenario puts under test.  Children inherit the variable under every start
method, because the environment is copied to each new process.
"""

import json
import multiprocessing
import os
import sys
import time

TRACE_ENV = "MPSPEC_TRACE"
# The events the running variant declared (comma-separated), inherited by its children.
EVENTS_ENV = "MPSPEC_EVENTS"
# Events every scenario may emit (docs/TRACE.md); the harness imports this one definition.
RESERVED_EVENTS = ("scenario-start", "wait-timeout")

# Upper bound for a scenario's waits, by convention: nothing enforces it (docs/TRACE.md,
# "Waiting"); the harness's deadline (longer) kills whatever hangs.
WAIT_LIMIT = 20.0

if os.name == "nt":  # pragma: no cover - exercised on Windows CI only
    import msvcrt

    def _lock(f):
        """Lock the file's first byte, waiting up to WAIT_LIMIT for the other processes.

        Not msvcrt.locking(LK_LOCK), which tries ten times and then fails: Windows' C
        runtime waits 1 s between its tries, but Wine's _locking waits 1 ms and fails
        at once under contention (a crowd of processes) with OSError [Errno 0].  A loop
        on LK_NBLCK waits the same on both.
        """
        deadline = time.monotonic() + WAIT_LIMIT
        while True:
            f.seek(0)
            try:
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
                return
            except OSError as exc:  # EACCES while another process holds it (errno 0 on Wine)
                if time.monotonic() >= deadline:
                    raise OSError("the trace file stayed locked for %g s: %s (%s)" % (WAIT_LIMIT, f.name, exc)) from exc
            time.sleep(0.001)

    def _unlock(f):
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(f):
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)

    def _unlock(f):
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def emit(event, text=None, **data):
    """Record ``event`` in the trace; print ``text`` as a transcript line.

    ``event`` must be one the variant declared (or a reserved one): a test that
    asserts an event did not happen must not pass because it was renamed.

    The sequence number is the number of lines already in the file, read
    under the lock, so it orders events of all processes globally.  ``t`` is
    time.monotonic(), also taken under the lock (so it grows with ``seq``); it
    is for drawing timelines only (CLOCK_MONOTONIC is system-wide, so the
    stamps of all processes and of the harness share one clock).
    """
    declared = os.environ.get(EVENTS_ENV)
    if declared is not None and event not in RESERVED_EVENTS and event not in declared.split(","):
        raise ValueError("undeclared trace event %r (declare it in the variant's events)" % event)
    if text is not None:
        # One write per line: print() writes the text and the newline
        # separately, and lines of several processes would interleave.
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    path = os.environ.get(TRACE_ENV)
    if not path:
        return
    record = {
        "pid": os.getpid(),
        "process": multiprocessing.current_process().name,
        "event": event,
        "data": data,
    }
    with open(path, "a+b") as f:
        _lock(f)
        try:
            f.seek(0)
            record["seq"] = f.read().count(b"\n")
            record["t"] = time.monotonic()
            f.seek(0, os.SEEK_END)
            f.write(json.dumps(record, sort_keys=True).encode("utf-8") + b"\n")
            f.flush()
        finally:
            _unlock(f)


def interpreter():
    """Implementation and version of the running Python, for the trace header."""
    impl = sys.implementation.name
    return {"implementation": impl, "version": list(sys.version_info[:3])}
