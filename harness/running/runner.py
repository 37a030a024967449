"""Run a scenario in a fresh interpreter and collect what it did.

The scenario is the leader of a new process group (a new session on POSIX), and
every process of the run inherits a tag unique to the run in its environment, so
every process it starts, orphans included, can be found (psutil) and killed as
one tree when the run ends, hits its deadline or is interrupted.
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
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Mapping

import psutil

from harness.project import PROJECT_ROOT
from harness.running.mplog import MpLog
from harness.running.trace import Trace

DEFAULT_DEADLINE = 30.0  # seconds; scenarios bound their own waits at 20 s
EXIT_GRACE = 1.0  # seconds a process that closed its output gets to finish exiting
# Every process of a run inherits it, with a value unique to the run: it finds a process
# that left the run's tree and process group (os.setsid(), or an orphan on Windows).
RUN_TAG = "MPSPEC_RUN"
# mutants.MUTANT_ENV, which must reach every target of the mutation self-check.  Not imported:
# mutants/ is not packaged (pyproject.toml), and an installed harness runs scenarios without it;
# tests/test_environment.py holds the two together.
MUTANT_ENV = "MPSPEC_MUTANT"


class HarnessError(Exception):
    """A run could not be made at all (no such interpreter, bad scenario)."""


class RunStopped(HarnessError):
    """The harness killed a run in flight from outside it (stop_runs_in_flight)."""


class StoredRunError(ValueError):
    """Text that is not a run as RunResult.to_json stores it."""


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

    def command_line(self) -> str:
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

    def to_json(self) -> str:
        """Every field but the trace and log parsed from them (tuples as lists)."""
        raw = {f.name: getattr(self, f.name) for f in fields(self) if f.init and f.name != "spec"}
        raw["spec"] = asdict(self.spec)
        return json.dumps(raw)

    @classmethod
    def from_json(cls, text: str) -> RunResult:
        """A run as ``to_json`` stored it; StoredRunError for anything else (a run an earlier
        harness stored, with other fields, is run again rather than read)."""
        try:
            raw = json.loads(text)
            stored = {f.name for f in fields(cls) if f.init}
            if set(raw) != stored:
                raise ValueError(f"fields {sorted(raw)}, not {sorted(stored)}")
            spec = raw.pop("spec")
            spec["params"] = tuple(tuple(p) for p in spec["params"])
            spec["python_flags"] = tuple(spec["python_flags"])
            for name in ("leftovers", "stdout_times", "stderr_times"):
                raw[name] = tuple(raw[name])
            return cls(spec=RunSpec(**spec), **raw)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoredRunError(f"not a run this harness stores: {exc}") from None

    def transcript(self) -> str:
        """What a reader would have seen, for failure reports."""
        parts = [f"$ python {self.spec.command_line()}", f"exit status: {self.returncode}"]
        if self.timed_out:
            parts.append(f"TIMED OUT after {self.spec.deadline:g} s; the process tree was killed")
        if self.interrupted:
            parts.append("INTERRUPTED; the process tree was killed")
        if self.leftovers:
            parts.append(f"processes left behind (killed): {list(self.leftovers)}")
        parts += ["--- stdout ---", self.stdout.rstrip(), "--- stderr ---", self.stderr.rstrip()]
        parts += ["--- trace ---", self.trace.render()]
        return "\n".join(parts)


# Variables a user's terminal, shell profile or CI job may set that change what a
# scenario prints or how it runs; the runner drops them, so they change no verdict
# (docs/TRACE.md, "Environment").  Every other variable passes on (PATH, SYSTEMROOT,
# WINE*, PYTHONPATH, PYTHONHASHSEED, TERM ...).
DROPPED_VARIABLES = (
    # Colour: from 3.13 tracebacks (from 3.14 argparse's help too) are coloured
    # into a pipe when forced.
    "FORCE_COLOR",
    "NO_COLOR",
    "PYTHON_COLORS",
    # The interpreter's own lines on stderr: warnings, development mode, fault
    # dumps, import and allocator reports, traceback carets.
    "PYTHONWARNINGS",
    "PYTHONDEVMODE",
    "PYTHONFAULTHANDLER",
    "PYTHONVERBOSE",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONMALLOC",
    "PYTHONMALLOCSTATS",
    "PYTHONTRACEMALLOC",
    "PYTHONWARNDEFAULTENCODING",
    "PYTHONNODEBUGRANGES",
    # How the program runs: python -O, a prompt (and its start-up file) after it,
    # the project left off sys.path, unbuffered output.
    "PYTHONOPTIMIZE",
    "PYTHONINSPECT",
    "PYTHONSTARTUP",
    "PYTHONSAFEPATH",
    "PYTHONUNBUFFERED",
)


def scenario_environment(tmp: Path, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """What a scenario run inherits: ``environ`` without DROPPED_VARIABLES and the
    scenarios' own MPSPEC_* variables (the mutation self-check's MUTANT_ENV must
    reach every target), with UTF-8 output and ``tmp`` as the temporary folder."""
    env = {
        k: v
        for k, v in environ.items()
        if k not in DROPPED_VARIABLES and (not k.startswith("MPSPEC_") or k == MUTANT_ENV)
    }
    # The harness decodes the output as UTF-8, whatever the console's code page (cp949).
    env["PYTHONIOENCODING"] = "utf-8"
    # multiprocessing's own temp dirs (pymp-*) go here too, so they are
    # removed even when a scenario's parent dies without cleaning up.
    env["TMPDIR"] = str(tmp)
    return env


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


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie has exited and only awaits reaping."""
    try:
        return _running(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def _running(p: psutil.Process) -> bool:
    """``p`` (not another process that got its pid since) still runs."""
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:  # ZombieProcess (macOS) is one too
        return False


def group_members(pgid: int) -> list[psutil.Process]:
    """Processes in process group ``pgid`` (POSIX): orphans re-parented away
    from the tree are still there."""
    if os.name == "nt":
        return []
    try:
        # One system call answers the usual case (the group is empty).
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return []
    except PermissionError:
        pass  # a member we may not signal is still a member
    members = []
    for pid in psutil.pids():
        with contextlib.suppress(OSError, psutil.NoSuchProcess):  # gone meanwhile
            if os.getpgid(pid) == pgid:
                members.append(psutil.Process(pid))
    return members


def tagged(tag: str, since: float) -> list[psutil.Process]:
    """The processes started at ``since`` (a psutil create_time) or later whose environment
    carries ``tag`` as RUN_TAG.  Only those are read: reading every process's environment
    would cost several times as much."""
    found = []
    for p in psutil.process_iter():  # its processes know their create_time from the last call
        with contextlib.suppress(psutil.AccessDenied, psutil.NoSuchProcess):  # ZombieProcess is one too
            if p.create_time() >= since and p.environ().get(RUN_TAG) == tag:
                found.append(p)
    return found


class ProcessTree:
    """The processes of one run: the leader's descendants, remembered from
    every look while the leader runs (Windows has no process groups to find
    an orphan by), on POSIX every member of the leader's process group, and,
    at the end of the run, every process carrying the run's tag."""

    def __init__(self, leader: subprocess.Popen[bytes], tag: str) -> None:
        self.leader = leader
        self.stopped = ""  # why stop_runs_in_flight() killed the tree
        self._tag = tag
        self._seen: dict[int, psutil.Process] = {}
        self._lock = threading.Lock()  # stop_runs_in_flight() looks from another thread
        try:
            # A second early, for the rounding of start times: a process of the run starts after its leader.
            self._since = psutil.Process(leader.pid).create_time() - 1.0
        except psutil.Error:  # the leader already ended: read every process's environment
            self._since = 0.0

    def look(self) -> None:
        """Remember the leader's descendants; once it is reaped its pid may be another's."""
        if self.leader.returncode is not None:
            return
        try:
            root = psutil.Process(self.leader.pid)
            found = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        self._remember(found)

    def _remember(self, found: list[psutil.Process]) -> None:
        with self._lock:
            for p in found:
                self._seen.setdefault(p.pid, p)

    def alive(self) -> list[psutil.Process]:
        self.look()
        with self._lock:
            members = dict(self._seen)
        members.update((p.pid, p) for p in group_members(self.leader.pid))
        return [p for p in members.values() if _running(p)]

    def alive_tagged(self) -> list[psutil.Process]:
        """The running processes that carry the run's tag, remembered from now on.  It reads
        the environment of every process started since the run: not for each look."""
        found = tagged(self._tag, self._since)
        self._remember(found)
        return [p for p in found if _running(p)]

    def alive_after(self, grace: float) -> list[psutil.Process]:
        """Polled for up to ``grace`` seconds until none is left (an orphan closes
        its output a moment before it is gone)."""
        grace_ends = time.monotonic() + grace
        while True:
            alive = self.alive()
            if not alive or time.monotonic() >= grace_ends:
                return alive
            time.sleep(0.01)

    def kill(self, members: list[psutil.Process]) -> None:
        """SIGKILL the process group where there is one, and each member.  A refusal is no
        error: macOS refuses to signal a group that holds only zombies, Windows to end a
        process that is already ending; kill_tree() names any member that really survives."""
        if os.name != "nt":
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.leader.pid, signal.SIGKILL)
        for p in members:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                p.kill()


KILL_WAIT = 5.0  # seconds for killed processes to disappear
# The exit status of a process the harness killed: -SIGKILL on POSIX; on Windows psutil's
# kill() is TerminateProcess(handle, SIGTERM), so the status is 15.
KILLED_STATUS = signal.SIGTERM if os.name == "nt" else -signal.SIGKILL


def kill_tree(tree: ProcessTree, grace: float) -> list[int]:
    """Kill every process of the run; return the pids still alive after
    ``grace`` seconds (the leader's, while it had not exited)."""
    tree.alive_tagged()
    left = [p.pid for p in tree.alive_after(grace)]
    # Killing is asynchronous, and a dying parent may still start a child:
    # return only once nothing of the run is left, the tagged processes looked for last.
    gone_by = time.monotonic() + KILL_WAIT
    while True:
        alive = tree.alive() or tree.alive_tagged()
        if not alive:
            break
        if time.monotonic() >= gone_by:
            raise HarnessError(
                f"processes {[p.pid for p in alive]} of run {tree.leader.pid} survived SIGKILL for {KILL_WAIT:.0f} s"
            )
        tree.kill(alive)
        time.sleep(0.01)
    if tree.leader.returncode is None:
        tree.leader.wait()
    return left
