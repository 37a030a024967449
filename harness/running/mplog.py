"""multiprocessing's log records, parsed from ``[LEVEL/ProcessName] message`` lines.

That is ``multiprocessing.util.DEFAULT_LOGGING_FORMAT``, the format
``log_to_stderr()`` installs.  Lines of other origin (prints, tracebacks) are
kept out of the records but counted by line number, so order stays checkable.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

LINE = re.compile(r"^\[(?P<level>[A-Z]+|Level \d+)/(?P<process>[^\]]+)\] (?P<message>.*)$")


@dataclass(frozen=True)
class LogRecord:
    level: str
    process: str
    message: str
    line: int = 0


class MpLog(Sequence[LogRecord]):
    """An ordered list of records with the queries the specs need."""

    def __init__(self, records: Iterable[LogRecord]) -> None:
        self.records = tuple(records)

    @classmethod
    def parse(cls, text: str) -> MpLog:
        records = []
        for number, line in enumerate(text.splitlines(), 1):
            match = LINE.match(line)
            if match:
                records.append(LogRecord(match["level"], match["process"], match["message"], number))
        return cls(records)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self.records[index]

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[LogRecord]:
        return iter(self.records)

    def of(self, process: str) -> MpLog:
        return MpLog(r for r in self.records if r.process == process)

    def at(self, level: str) -> MpLog:
        return MpLog(r for r in self.records if r.level == level)

    def messages(self, process: str | None = None) -> list[str]:
        return [r.message for r in self.records if process is None or r.process == process]

    def processes(self) -> list[str]:
        return list(dict.fromkeys(r.process for r in self.records))

    def index(self, process: str, message: str) -> int:  # type: ignore[override]
        """Position of the first record of ``process`` with exactly ``message``."""
        for i, r in enumerate(self.records):
            if r.process == process and r.message == message:
                return i
        raise AssertionError(f"no record [{process}] {message!r} in:\n{self.render()}")

    def render(self) -> str:
        return "\n".join(f"[{r.level}/{r.process}] {r.message}" for r in self.records)


def from_logging(records: Iterable[logging.LogRecord]) -> MpLog:
    """Records captured in this process, in the same form as parsed ones."""
    return MpLog(LogRecord(r.levelname, r.processName or "", r.getMessage(), i) for i, r in enumerate(records, 1))
