"""The verdict matrix: claim x interpreter x start method -> status.

A cell says whether the note's statement holds on that target, as the tests
*observed* it (``harness.observe``), never as the catalogue declares it:

  holds          every observation agrees with the note's fact
  holds with a caveat
                 it holds as in the note, and a tested condition outside the
                 note's (python -O, a late print ...) breaks it
  does not hold  the observations disagree with the note's fact, as predicted
  unexpected     a test failed: an observation was not the predicted one, or
                 an assertion failed
  n/a            the claim does not apply there (opinion, start method absent)
  not run        no test of the cell observed the claim

Written as JSON and HTML under reports/.  ``python -m harness.matrix merge``
joins the JSON files of several runs (other machines, other CI jobs).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import console
from harness.catalogue import CLAIMS
from harness.claims import AS_NOTED_CONDITION, NO_METHOD, Claim, Point, full_version
from harness.observe import Observation, Use

SCHEMA = "mpspec-matrix/3"  # 3: columns name their emulator and environment
HOLDS, CAVEAT, DOES_NOT_HOLD = "holds", "holds with a caveat", "does not hold"
UNEXPECTED, NOT_APPLICABLE, NOT_RUN = "unexpected", "n/a", "not run"
MARK = {HOLDS: "✓", CAVEAT: "~", DOES_NOT_HOLD: "✗", UNEXPECTED: "!", NOT_APPLICABLE: "·", NOT_RUN: "?"}
WORST_FIRST = (UNEXPECTED, NOT_RUN, DOES_NOT_HOLD, CAVEAT, HOLDS, NOT_APPLICABLE)


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
    def label(self) -> str:
        return f"{self.implementation}{self.version[0]}.{self.version[1]}"

    @property
    def system(self) -> str:
        """``linux``, ``win32``, ``win32 (Wine 8.0)``."""
        return f"{self.platform} ({self.emulator})" if self.emulator else self.platform

    @property
    def key(self) -> str:
        """The same as ``Target.column_key``."""
        return f"{self.system}/{self.label}"

    def point(self, start_method: str, condition: str = AS_NOTED_CONDITION) -> Point:
        """As ``Target.point``: a column's version may lack its patch release (3.13 is 3.13.0)."""
        version = full_version(self.version)
        return Point(self.implementation, version, self.platform, start_method, condition, self.environment)

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


@dataclass
class Found:
    """What the tests of one cell left: outcomes, failures, observations, expectations relied on."""

    outcomes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line per failed test
    observations: list[Observation] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)

    def add(self, other: Found) -> Found:
        return Found(
            self.outcomes + other.outcomes,
            self.failures + other.failures,
            self.observations + other.observations,
            self.uses + other.uses,
        )


IN_PROCESS_ONLY = "checked in-process, on the interpreter that runs pytest"
NOT_OBSERVED = "no test of this cell observed the claim (only supporting tests ran)"


def cell(claim: Claim, column: Column, method: str, found: Found, is_host: bool) -> tuple[str, list[str]]:
    """Status and reasons of one cell, from what its tests observed."""
    if not claim.testable:
        return NOT_APPLICABLE, ["opinion: nothing to run"]
    if method == NO_METHOD:
        if claim.start_methods:
            return NOT_APPLICABLE, []
        if not is_host and not found.outcomes:
            return NOT_APPLICABLE, [IN_PROCESS_ONLY]
    elif method not in claim.start_methods or method not in column.start_methods:
        return NOT_APPLICABLE, []
    if not found.outcomes:
        return NOT_RUN, []
    if any(o == "failed" for o in found.outcomes):
        mismatches = [o.message for o in found.observations if o.message]
        # A test that failed on a mismatch says so already: keep its other failures only.
        others = [f for f in found.failures if not any(m in f or f.split(": ", 2)[-1] in m for m in mismatches)]
        return UNEXPECTED, _unique(mismatches + others)
    if not found.observations:
        return NOT_RUN, [NOT_OBSERVED]
    as_noted = [o for o in found.observations if not o.condition]
    outside = [o for o in found.observations if o.condition]
    reasons = [o.because or claim.reason for o in as_noted if not o.holds]
    reasons += [f"under {o.condition}: does not hold ({o.because or claim.reason})" for o in outside if not o.holds]
    reasons += [o.because for o in found.observations if o.holds and o.because]
    reasons += [u.because for u in found.uses if u.because]
    if (as_noted and not all(o.holds for o in as_noted)) or not any(o.holds for o in found.observations):
        status = DOES_NOT_HOLD
    elif not all(o.holds for o in outside):
        status = CAVEAT
    else:
        status = HOLDS
    return status, _unique(reasons)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def build(columns: Iterable[Column], found: dict[tuple[str, str, str], Found], host_key: str) -> dict[str, object]:
    """``found``: (claim id, column key, method) -> what the cell's tests left; ``host_key``:
    the column of the interpreter running pytest (it alone runs in-process tests)."""
    columns = list(columns)
    cells = []
    for claim in CLAIMS.values():
        for column in columns:
            for method in (*column.start_methods, NO_METHOD):
                mine = found.get((claim.id, column.key, method), Found())
                if method != NO_METHOD:
                    # An in-process test of a start-method claim speaks for every method of its column.
                    mine = mine.add(found.get((claim.id, column.key, NO_METHOD), Found()))
                status, reasons = cell(claim, column, method, mine, column.key == host_key)
                if status == NOT_APPLICABLE and method == NO_METHOD and claim.start_methods:
                    continue
                if status == NOT_APPLICABLE and method != NO_METHOD and not claim.start_methods:
                    continue
                observed = {(o.condition, o.value, o.holds) for o in mine.observations}
                cells.append(
                    {
                        "claim": claim.id,
                        "column": column.key,
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
            columns.setdefault(Column.from_json(c).key, c)
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


def terminal_table(data: dict[str, object]) -> list[str]:
    """One row per claim, one column per interpreter, one mark per start method."""
    columns = columns_of(data)
    cells = index(data)
    # Another system's columns (Windows under Wine beside Linux) are prefixed with it.
    first = columns[0].system if columns else ""
    titles = [c.label if c.system == first else f"{c.platform}:{c.label}" for c in columns]
    widths = [max(11, len(t)) for t in titles]
    header = f"{'claim':<10} {'verdict':<20} " + " ".join(f"{t:<{w}}" for t, w in zip(titles, widths))
    lines = [header]
    for claim in CLAIMS.values():
        row = []
        for column, width in zip(columns, widths):
            marks = ""
            for method in (*column.start_methods, NO_METHOD):
                found = cells.get((claim.id, column.key, method))
                if found is not None:
                    marks += MARK[str(found["status"])]
            row.append(f"{marks:<{width}}")
        lines.append(f"{claim.id:<10} {claim.verdict.value:<20} " + " ".join(row))
    methods = "/".join(columns[0].start_methods) if columns else ""
    legend = ", ".join(f"{m} {s}" for s, m in MARK.items())
    lines.append(f"marks per interpreter: {methods} (one mark for method-free claims); {legend}")
    totals = counts(data)
    lines.append("cells: " + ", ".join(f"{n} {s}" for s, n in totals.items() if n))
    if len(columns) > 1:
        for column in columns:
            statuses = [c["status"] for c in data["cells"] if c["column"] == column.key]  # type: ignore[attr-defined]
            lines.append(f"  {column.key}: " + ", ".join(f"{statuses.count(s)} {s}" for s in MARK if statuses.count(s)))
    lines += unexpected_lines(data)
    return lines


def markdown(data: dict[str, object]) -> str:
    """The matrix for a CI job summary: totals per interpreter, then the terminal table."""
    columns = columns_of(data)
    shown = (HOLDS, CAVEAT, DOES_NOT_HOLD, UNEXPECTED, NOT_RUN)
    lines = ["## mpspec verdict matrix", "", "| interpreter | " + " | ".join(f"{MARK[s]} {s}" for s in shown) + " |"]
    lines.append("|---" * (len(shown) + 1) + "|")
    for column in columns:
        found = [c["status"] for c in data["cells"] if c["column"] == column.key]  # type: ignore[attr-defined]
        lines.append(f"| {column.key} | " + " | ".join(str(found.count(s)) for s in shown) + " |")
    lines += ["", "```", *terminal_table(data), "```", ""]
    return "\n".join(lines)


def unexpected_lines(data: dict[str, object]) -> list[str]:
    """One line per reason of every unexpected cell: what was predicted, what was seen."""
    lines = []
    for c in data["cells"]:  # type: ignore[attr-defined]
        if c["status"] == UNEXPECTED:
            for reason in c["reasons"] or ["a test failed"]:
                lines.append(f"! {c['claim']} {c['column']} {c['start_method']}: {reason}")
    return lines


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` in one step, so an interrupted run keeps the last good file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write(data: dict[str, object], json_path: Path, report_href: str = "", note_href: str = "") -> Path:
    """Write the JSON and, beside it, the HTML page (linking to the report and the annotated
    note where their paths, relative to it, are given); return the HTML path."""
    from harness import matrix_page  # it imports this module's names

    html_path = json_path.with_suffix(".html")
    write_atomic(json_path, json.dumps(data, indent=1, ensure_ascii=False))
    write_atomic(html_path, matrix_page.render(data, report_href, note_href))
    return html_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.matrix", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    merge_cmd = sub.add_parser("merge", help="join matrix JSON files of several runs")
    merge_cmd.add_argument("inputs", nargs="+", type=Path, help="matrix.json files")
    merge_cmd.add_argument("-o", "--output", type=Path, default=Path("reports/matrix.json"))
    merge_cmd.add_argument(
        "--summary",
        type=Path,
        metavar="FILE",
        help="append a Markdown summary to FILE (in GitHub Actions: $GITHUB_STEP_SUMMARY)",
    )
    args = parser.parse_args(argv)
    try:
        merged = merge([load(p) for p in args.inputs])
        html_path = write(merged, args.output)
        if args.summary:
            with args.summary.open("a", encoding="utf-8") as summary:
                summary.write(markdown(merged))
    except MatrixError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print("\n".join(terminal_table(merged)))
    print(f"matrix: {args.output} and {html_path}")
    return 1 if counts(merged)[UNEXPECTED] else 0


if __name__ == "__main__":
    console.tolerate_narrow_encodings()
    sys.exit(main())
