"""Run a scenario in a fresh interpreter and collect what it did.

The scenario is the leader of a new process group (a new session on POSIX), and
every process of the run inherits a tag unique to the run in its environment, so
every process it starts, orphans included, can be found (psutil) and killed as
one tree when the run ends, hits its deadline or is interrupted.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from harness.project import PROJECT_ROOT
from harness.running.environment import RUN_TAG, scenario_environment
from harness.running.process_tree import ProcessTree, kill_tree
from harness.running.spec import HarnessError, RunResult, RunSpec, RunStopped

EXIT_GRACE = 1.0  # seconds a process that closed its output gets to finish exiting


def run(
    spec: RunSpec,
    exit_grace: float = EXIT_GRACE,
    on_interrupt: Callable[[RunResult], None] | None = None,
) -> RunResult:
    """Run ``spec`` once; never leaves a process of the run behind.

    If the wait is interrupted (Ctrl-C, a pytest-timeout signal), the tree is
    killed, ``on_interrupt`` gets what the run printed so far, and the
    interruption propagates.
    """
    with tempfile.TemporaryDirectory(prefix="mpspec-") as tmp:
        trace_path = Path(tmp) / "trace.jsonl"
        env = scenario_environment(Path(tmp))
        env[RUN_TAG] = uuid.uuid4().hex
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                spec.argv(trace_path),
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # Own process group, so the whole tree can be killed as one.
                start_new_session=os.name != "nt",
                creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
            )
        except OSError as exc:
            raise HarnessError(f"cannot start interpreter {spec.python!r}: {exc.strerror or exc}") from None

        out = _LineReader(proc.stdout)
        err = _LineReader(proc.stderr)

        def result(**outcome: Any) -> RunResult:
            stdout, stdout_times = out.collected()
            stderr, stderr_times = err.collected()
            return RunResult(
                spec=spec,
                returncode=proc.returncode,
                stdout=stdout,
                stderr=stderr,
                trace_text=trace_path.read_text(encoding="utf-8") if trace_path.exists() else "",
                duration=time.monotonic() - started,
                started_at=started,
                stdout_times=stdout_times,
                stderr_times=stderr_times,
                **outcome,
            )

        def drain() -> None:
            """After the tree was killed: the rest of the output, within a bound."""
            for reader in (out, err):
                reader.join(READER_WAIT)

        tree = ProcessTree(proc, env[RUN_TAG])
        with _in_flight(tree):
            try:
                # Like communicate(timeout): both streams to their end, then the exit status.
                deadline = time.monotonic() + spec.deadline
                for reader in (out, err):
                    if not _join_looking(reader, tree, deadline):
                        raise subprocess.TimeoutExpired(proc.args, spec.deadline)
                tree.look()
                proc.wait(max(deadline - time.monotonic(), 0.0))
                if tree.stopped:
                    raise RunStopped(tree.stopped)
            except subprocess.TimeoutExpired:
                kill_tree(tree, 0.0)
                drain()
                return result(timed_out=True)
            except BaseException:
                kill_tree(tree, 0.0)
                drain()
                if on_interrupt is not None:
                    on_interrupt(result(interrupted=True))
                raise
            return result(leftovers=tuple(kill_tree(tree, exit_grace)))


_IN_FLIGHT: set[ProcessTree] = set()  # the trees of the runs being made, in any thread

_IN_FLIGHT_LOCK = threading.Lock()


@contextlib.contextmanager
def _in_flight(tree: ProcessTree) -> Iterator[None]:
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT.add(tree)
    try:
        yield
    finally:
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT.discard(tree)


def stop_runs_in_flight(why: str) -> None:
    """Kill the process tree of every run being made, from any thread; each of those runs
    then raises RunStopped(why) in its own thread.  For whatever is about to end this
    process without letting the runs clean up (pytest-timeout's thread method)."""
    with _IN_FLIGHT_LOCK:
        trees = list(_IN_FLIGHT)
    for tree in trees:
        tree.stopped = why
        kill_tree(tree, 0.0)


READER_WAIT = 5.0  # seconds to collect the remaining output once the tree is killed


class _LineReader:
    """Reads a child's stream line by line in a thread, stamping each line
    with time.monotonic() on arrival."""

    def __init__(self, stream: IO[bytes] | None) -> None:
        self._chunks: list[tuple[bytes, float]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes] | None) -> None:
        if stream is None:
            return
        try:
            for line in iter(stream.readline, b""):
                arrived = time.monotonic()
                with self._lock:
                    self._chunks.append((line, arrived))
        except (OSError, ValueError):  # the stream was closed under us
            pass
        finally:
            with contextlib.suppress(OSError):
                stream.close()

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the end of the stream; True if reached."""
        self._thread.join(max(timeout, 0.0))
        return not self._thread.is_alive()

    def collected(self) -> tuple[str, tuple[float, ...]]:
        """The text so far (decoded as a whole, exactly as communicate()'s bytes
        would be) and one arrival time per line of ``text.splitlines()``."""
        with self._lock:
            chunks = list(self._chunks)
        text = b"".join(chunk for chunk, _ in chunks).decode("utf-8", "replace")
        return text, line_times(text, chunks)


LOOK_EVERY = 0.25  # seconds between looks for the tree's processes while a run goes on


def _join_looking(reader: _LineReader, tree: ProcessTree, deadline: float) -> bool:
    """Wait until ``deadline`` for the end of ``reader``'s stream (True if reached),
    noting the tree's processes meanwhile, so a child orphaned early is known."""
    while not reader.join(min(LOOK_EVERY, deadline - time.monotonic())):
        if time.monotonic() >= deadline:
            return False
        tree.look()
    return True


def line_times(text: str, chunks: list[tuple[bytes, float]]) -> tuple[float, ...]:
    """The arrival time of each line of ``text.splitlines()``: that of the chunk
    (a line as read, up to its newline) in which the line begins.  splitlines()
    also splits at carriage returns, form feeds ...: such lines share their chunk's time."""
    starts: list[int] = []  # character offset of each chunk in text
    offset = 0
    for chunk, _ in chunks:
        starts.append(offset)
        # A chunk ends at a newline (or at the end of the stream), so decoding it
        # alone gives the same characters as decoding the whole stream.
        offset += len(chunk.decode("utf-8", "replace"))
    times: list[float] = []
    position = 0
    for line in text.splitlines(keepends=True):
        index = bisect.bisect_right(starts, position) - 1
        times.append(chunks[index][1] if index >= 0 else 0.0)
        position += len(line)
    return tuple(times)
