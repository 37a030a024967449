"""Runs shared by every test (and every xdist worker) of one pytest session.

Many tests assert on one run; the first to ask runs it, the others read the
stored result.  A file lock per run key keeps two workers from running the
same scenario at once.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Callable

from filelock import FileLock

from harness.running.runner import run
from harness.running.spec import RunResult, RunSpec, StoredRunError


class RunCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def file(self, spec: RunSpec) -> Path:
        """Where the finished run is stored (the report reads its evidence there)."""
        return self.directory / f"{spec.key()}.json"

    def get(self, spec: RunSpec, on_interrupt: Callable[[RunResult], None] | None = None) -> RunResult:
        stored = self.file(spec)
        with FileLock(str(stored.with_suffix(".lock"))):
            if stored.exists():
                with contextlib.suppress(StoredRunError):  # else stored by an earlier harness: run it again
                    return RunResult.from_json(stored.read_text(encoding="utf-8"))
            result = run(spec, on_interrupt=on_interrupt)
            tmp = stored.with_suffix(".tmp")
            tmp.write_text(result.to_json(), encoding="utf-8")
            tmp.replace(stored)
            return result
