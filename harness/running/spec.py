"""What a scenario run is (``RunSpec``: everything that makes one run differ from another)
and what it left (``RunResult``: exit status, output, trace, log records), stored as JSON."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from harness.running.mplog import MpLog
from harness.running.trace import Trace

DEFAULT_DEADLINE = 30.0  # seconds; scenarios bound their own waits at 20 s


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
