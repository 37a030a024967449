"""The structured trace a scenario writes: one JSON object per line (docs/TRACE.md).

A scenario declares the events its variant can emit (in its ``scenario-start``
record); queries for any other name are refused, so an assertion that an event
did not happen cannot pass because the event was renamed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

# The scenarios' own definition, so the two sides cannot disagree (docs/TRACE.md).
from scenarios._trace import RESERVED_EVENTS


class TraceFormatError(ValueError):
    """A trace line is not the JSON object the scenarios write."""


class UndeclaredEvent(AssertionError):
    """A query for an event the scenario's variant does not declare."""


@dataclass(frozen=True)
class TraceEvent:
    seq: int
    pid: int
    process: str
    event: str
    data: dict[str, Any]
    t: float  # time.monotonic() when recorded; for drawing only

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


@dataclass(frozen=True)
class Trace:
    events: tuple[TraceEvent, ...]

    @classmethod
    def parse(cls, text: str) -> Trace:
        events = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                events.append(
                    TraceEvent(raw["seq"], raw["pid"], raw["process"], raw["event"], raw["data"], float(raw["t"]))
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise TraceFormatError(f"trace line {number}: {exc}: {line[:200]}") from exc
        return cls(tuple(sorted(events, key=lambda e: e.seq)))

    @classmethod
    def read(cls, path: Path) -> Trace:
        return cls.parse(path.read_text(encoding="utf-8")) if path.exists() else cls(())

    def __iter__(self) -> Iterator[TraceEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    @property
    def declared(self) -> frozenset[str]:
        """The events the scenario declared, with the reserved ones."""
        found = set(RESERVED_EVENTS)
        for e in self.events:
            if e.event == "scenario-start":
                found.update(e.data.get("events", ()))
        return frozenset(found)

    def undeclared(self) -> list[TraceEvent]:
        """Recorded events the scenario did not declare (a broken contract)."""
        return [e for e in self.events if e.event not in self.declared]

    def named(self, event: str, process: str | None = None) -> list[TraceEvent]:
        """Events called ``event`` (of ``process`` when given), in sequence order."""
        if event not in self.declared:
            raise UndeclaredEvent(
                f"the scenario does not declare an event {event!r}; it declares {sorted(self.declared)}"
            )
        return [e for e in self.events if e.event == event and (process is None or e.process == process)]

    def one(self, event: str, process: str | None = None) -> TraceEvent:
        """The single event called ``event``; an AssertionError names what was found."""
        found = self.named(event, process)
        where = f" of {process}" if process else ""
        assert len(found) == 1, f"expected one {event!r} event{where}, found {len(found)}: {found}"
        return found[0]

    def render(self) -> str:
        """Readable form for failure reports."""
        return "\n".join(f"{e.seq:3d} {e.process:<16} {e.pid:>7} {e.event} {json.dumps(e.data)}" for e in self.events)
