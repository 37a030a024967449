"""Run a scenario in a fresh interpreter and collect what it did.

The scenario is the leader of a new process group (a new session), so every
process it starts, orphans included, can be found and killed as one tree
when the run ends, hits its deadline or is interrupted.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Callable

from harness.mplog import MpLog
from harness.trace import Trace

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEADLINE = 30.0  # seconds; scenarios bound their own waits at 20 s
EXIT_GRACE = 1.0  # seconds a process that closed its output gets to finish exiting


class HarnessError(Exception):
    """A run could not be made at all (no such interpreter, bad scenario)."""


@dataclass(frozen=True)
class RunSpec:
    """Everything that makes one run differ from another: the cache key."""

    scenario: str
    start_method: str
    variant: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    python: str = sys.executable
    python_flags: tuple[str, ...] = ()
    deadline: float = DEFAULT_DEADLINE
    repetition: int = 0  # --repeat: the same run made again is another cache entry

    def argv(self, trace_path: Path) -> list[str]:
        args = [self.python, *self.python_flags, "-m", f"scenarios.{self.scenario}"]
        args += ["--start-method", self.start_method] if self.start_method else []  # "": the default
        args += ["--trace", str(trace_path)]
        if self.variant:
            args += ["--variant", self.variant]
        for key, value in self.params:
            args += [f"--{key}", value]
        return args

    def label(self) -> str:
        extra = "".join(f" --{k} {v}" for k, v in self.params)
        flags = "".join(f"{f} " for f in self.python_flags)
        variant = f" --variant {self.variant}" if self.variant else ""
        method = f" --start-method {self.start_method}" if self.start_method else ""
        return f"{flags}-m scenarios.{self.scenario}{method}{variant}{extra}"

    def key(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class RunResult:
    spec: RunSpec
    returncode: int | None
    stdout: str
    stderr: str
    trace_text: str
    duration: float
    timed_out: bool = False
    interrupted: bool = False
    leftovers: tuple[int, ...] = ()  # pids still alive after the run; killed
    # For drawing timelines only (tests never assert on timing): time.monotonic()
    # at Popen, and at the arrival of each line of stdout / stderr (one stamp per
    # line of ``stdout.splitlines()`` / ``stderr.splitlines()``).
    started_at: float = 0.0
    stdout_times: tuple[float, ...] = ()
    stderr_times: tuple[float, ...] = ()
    trace: Trace = field(init=False, compare=False, repr=False)
    log: MpLog = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "trace", Trace.parse(self.trace_text))
        object.__setattr__(self, "log", MpLog.parse(self.stderr))

    @property
    def stdout_lines(self) -> list[str]:
        return self.stdout.splitlines()

    @property
    def python_version(self) -> tuple[int, ...]:
        """Version of the interpreter that ran the scenario, from its trace."""
        return tuple(self.trace.one("scenario-start", "MainProcess")["python"]["version"])

    @property
    def python_implementation(self) -> str:
        """``cpython`` or ``pypy``: the scenario interpreter's sys.implementation.name."""
        return str(self.trace.one("scenario-start", "MainProcess")["python"]["implementation"])

    def to_json(self) -> str:
        raw = {
            k: getattr(self, k)
            for k in ("returncode", "stdout", "stderr", "trace_text", "duration", "timed_out", "interrupted")
        }
        raw["leftovers"] = list(self.leftovers)
        raw["started_at"] = self.started_at
        raw["stdout_times"] = list(self.stdout_times)
        raw["stderr_times"] = list(self.stderr_times)
        raw["spec"] = asdict(self.spec)
        return json.dumps(raw)

    @classmethod
    def from_json(cls, text: str) -> RunResult:
        raw = json.loads(text)
        spec = raw.pop("spec")
        spec["params"] = tuple(tuple(p) for p in spec["params"])
        spec["python_flags"] = tuple(spec["python_flags"])
        raw["leftovers"] = tuple(raw["leftovers"])
        for stamps in ("stdout_times", "stderr_times"):  # absent from results stored before they existed
            raw[stamps] = tuple(raw.get(stamps, ()))
        return cls(spec=RunSpec(**spec), **raw)

    def transcript(self) -> str:
        """What a reader would have seen, for failure reports."""
        parts = [f"$ python {self.spec.label()}", f"exit status: {self.returncode}"]
        if self.timed_out:
            parts.append(f"TIMED OUT after {self.spec.deadline:g} s; the process tree was killed")
        if self.interrupted:
            parts.append("INTERRUPTED; the process tree was killed")
        if self.leftovers:
            parts.append(f"processes left behind (killed): {list(self.leftovers)}")
        parts += ["--- stdout ---", self.stdout.rstrip(), "--- stderr ---", self.stderr.rstrip()]
        parts += ["--- trace ---", self.trace.render()]
        return "\n".join(parts)


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
        # A scenario's own variables (trace file, guard depth) must not leak in from
        # outside; the mutation self-check's MPSPEC_MUTANT must reach every target.
        env = {k: v for k, v in os.environ.items() if not k.startswith("MPSPEC_") or k == "MPSPEC_MUTANT"}
        env["PYTHONIOENCODING"] = "utf-8"
        # multiprocessing's own temp dirs (pymp-*) go here too, so they are
        # removed even when a scenario's parent dies without cleaning up.
        env["TMPDIR"] = tmp
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

        try:
            # Like communicate(timeout): both streams to their end, then the exit status.
            deadline = time.monotonic() + spec.deadline
            for reader in (out, err):
                if not reader.join(deadline - time.monotonic()):
                    raise subprocess.TimeoutExpired(proc.args, spec.deadline)
            proc.wait(max(deadline - time.monotonic(), 0.0))
        except subprocess.TimeoutExpired:
            kill_tree(proc, 0.0)
            drain()
            return result(timed_out=True)
        except BaseException:
            kill_tree(proc, 0.0)
            drain()
            if on_interrupt is not None:
                on_interrupt(result(interrupted=True))
            raise
        return result(leftovers=tuple(kill_tree(proc, exit_grace)))


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


def _proc_stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None."""
    try:
        stat = Path("/proc", str(pid), "stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie has exited and only awaits reaping (Linux)."""
    fields = _proc_stat(pid)
    return fields is not None and fields[0] != "Z"


def group_members(pgid: int) -> list[int]:
    """Live pids in process group ``pgid`` (Linux /proc; elsewhere a probe)."""
    try:
        # One system call answers the usual case (the group is empty), which
        # spares a read of every /proc/PID/stat on the machine.
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return []
    except PermissionError:
        pass  # a member we may not signal is still a member
    if not Path("/proc").is_dir():
        return [pgid]  # the group has members; without /proc their pids are unknown
    members = []
    for entry in Path("/proc").iterdir():
        fields = _proc_stat(entry.name) if entry.name.isdigit() else None
        # fields[0] is the state, fields[2] the process group.
        if fields is not None and int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


KILL_WAIT = 5.0  # seconds for killed processes to disappear


def _still_alive(proc: subprocess.Popen[bytes], grace: float) -> list[int]:
    """Group members other than the reaped leader, polled for up to ``grace``
    seconds until none is left (an orphan closes its output a moment before
    it is gone; a killed process takes a moment to die)."""
    grace_ends = time.monotonic() + grace
    while True:
        alive = [pid for pid in group_members(proc.pid) if pid != proc.pid or proc.returncode is None]
        if not alive or time.monotonic() >= grace_ends:
            return alive
        time.sleep(0.01)


def kill_tree(proc: subprocess.Popen[bytes], grace: float) -> list[int]:
    """Kill every process of the run's group; return the pids still alive
    after ``grace`` seconds."""
    if os.name == "nt":  # pragma: no cover - Windows
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True)
        return []
    alive = _still_alive(proc, grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode is None:
        proc.wait()
    # SIGKILL is delivered asynchronously: return only once the group is gone.
    if _still_alive(proc, KILL_WAIT):
        raise HarnessError(f"process group {proc.pid} survived SIGKILL for {KILL_WAIT:.0f} s")
    return alive
