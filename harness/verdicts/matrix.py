"""The verdict matrix as data: its columns (interpreters), its cells (``harness.verdicts.cells``),
built from what a run's tests left, read from and merged with other runs' JSON files.

The pages that show it are in ``harness.pages``; ``python -m harness merge`` joins the JSON
files of several runs (other machines, other CI jobs).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.claims.catalogue import CLAIMS
from harness.claims.model import NO_METHOD, NOTED_CONDITIONS, Point, full_version
from harness.pythons import column_name, interpreter_name, system_name
from harness.running.targets import Target
from harness.verdicts.cells import MARK, NOT_APPLICABLE, WORST_FIRST, Found, cell

SCHEMA = "mpspec-matrix/3"  # 3: columns name their emulator and environment


class MatrixError(Exception):
    """A result file that is not an mpspec matrix; the message is one line."""


@dataclass(frozen=True)
class Column:
    platform: str  # sys.platform of the target
    implementation: str
    version: tuple[int, ...]
    start_methods: tuple[str, ...]
    emulator: str = ""  # "Wine 8.0": a Windows build observed under Wine, kept apart from real Windows
    environment: tuple[str, ...] = ()  # the target's Point.environment

    @property
    def interpreter(self) -> str:
        return interpreter_name(self.implementation, self.version)

    @property
    def system(self) -> str:
        return system_name(self.platform, self.emulator)

    @property
    def name(self) -> str:
        return column_name(self.platform, self.emulator, self.implementation, self.version)

    def point(self, start_method: str, condition: str = NOTED_CONDITIONS) -> Point:
        """As ``Target.point``: a column's version may lack its patch release (3.13 is 3.13.0)."""
        version = full_version(self.version)
        return Point(self.implementation, version, self.platform, start_method, condition, self.environment)

    @classmethod
    def of(cls, target: Target) -> Column:
        """The column of a target interpreter."""
        return cls(
            target.platform,
            target.implementation,
            target.version,
            target.start_methods,
            target.emulator,
            target.environment,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "implementation": self.implementation,
            "version": list(self.version),
            "start_methods": list(self.start_methods),
            "emulator": self.emulator,
            "environment": list(self.environment),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Column:
        return cls(
            str(raw["platform"]),
            str(raw["implementation"]),
            tuple(int(n) for n in raw["version"]),
            tuple(str(m) for m in raw["start_methods"]),
            str(raw["emulator"]),
            tuple(str(e) for e in raw["environment"]),
        )


def build(columns: Iterable[Column], found: dict[tuple[str, str, str], Found], host_key: str) -> dict[str, object]:
    """``found``: (claim id, column key, method) -> what the cell's tests left; ``host_key``:
    the column of the interpreter running pytest (it alone runs in-process tests)."""
    columns = list(columns)
    cells = []
    for claim in CLAIMS.values():
        for column in columns:
            for method in (*column.start_methods, NO_METHOD):
                mine = found.get((claim.id, column.name, method), Found())
                if method != NO_METHOD:
                    # An in-process test of a start-method claim speaks for every method of its column.
                    mine = mine.add(found.get((claim.id, column.name, NO_METHOD), Found()))
                status, reasons = cell(claim, column.start_methods, method, mine, column.name == host_key)
                if status == NOT_APPLICABLE and method == NO_METHOD and claim.start_methods:
                    continue
                if status == NOT_APPLICABLE and method != NO_METHOD and not claim.start_methods:
                    continue
                observed = {(o.condition, o.value, o.holds) for o in mine.observations}
                cells.append(
                    {
                        "claim": claim.id,
                        "column": column.name,
                        "start_method": method,
                        "status": status,
                        "reasons": reasons,
                        "observed": [
                            {"condition": c, "value": v, "holds": h} for c, v, h in sorted(observed, key=repr)
                        ],
                        "expectations": sorted({u.key for u in mine.uses}),
                    }
                )
    return {
        "schema": SCHEMA,
        "columns": [c.to_json() for c in columns],
        "cells": cells,
    }


def load(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MatrixError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise MatrixError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise MatrixError(f"{path}: not an mpspec matrix (schema {SCHEMA!r} expected)")
    try:
        for c in data["columns"]:
            Column.from_json(c)
        for c in data["cells"]:
            if c["status"] not in MARK or not isinstance(c["reasons"], list) or not isinstance(c["observed"], list):
                raise ValueError(c)
            str(c["claim"]) + str(c["column"]) + str(c["start_method"])
    except (KeyError, TypeError, ValueError):
        raise MatrixError(f"{path}: malformed mpspec matrix") from None
    return data


def merge(parts: list[dict[str, object]]) -> dict[str, object]:
    """Join matrices; where two runs filled the same cell, the worse status wins."""
    columns: dict[str, dict[str, object]] = {}
    cells: dict[tuple[str, str, str], dict[str, object]] = {}
    for part in parts:
        for c in part["columns"]:  # type: ignore[attr-defined]
            columns.setdefault(Column.from_json(c).name, c)
        for c in part["cells"]:  # type: ignore[attr-defined]
            key3 = (c["claim"], c["column"], c["start_method"])
            old = cells.get(key3)
            if old is None or WORST_FIRST.index(c["status"]) < WORST_FIRST.index(str(old["status"])):
                cells[key3] = c
    return {"schema": SCHEMA, "columns": list(columns.values()), "cells": list(cells.values())}


def columns_of(data: dict[str, object]) -> list[Column]:
    cols = [Column.from_json(c) for c in data["columns"]]  # type: ignore[attr-defined]
    return sorted(cols, key=lambda c: (c.platform, c.emulator, c.implementation != "cpython", c.version))


def index(data: dict[str, object]) -> dict[tuple[str, str, str], dict[str, object]]:
    return {(c["claim"], c["column"], c["start_method"]): c for c in data["cells"]}  # type: ignore[attr-defined]


def counts(data: dict[str, object]) -> dict[str, int]:
    totals = dict.fromkeys(MARK, 0)
    for c in data["cells"]:  # type: ignore[attr-defined]
        totals[c["status"]] += 1
    return totals
