"""Every line of the note's transcripts, accounted for against a scenario run.

A transcript line is *matched* when the run printed it (after normalising what
must differ: pids, and the interleaving of processes, which only timing decides),
*explained* when a claim citing that line is predicted not to hold on the run's
interpreter (the claim says why the run prints it differently), and otherwise
*unaccounted*.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from harness.claims.catalogue import CLAIMS, SECTIONS
from harness.claims.catalogue.transcript_runs import TranscriptSpec
from harness.claims.model import NOTED_CONDITIONS, Claim, Point, Section
from harness.claims.note import Note

MUST_DIFFER = ((r"pid : \d+", "pid : N"), (r"pid=\d+", "pid=N"), (r"parent=\d+", "parent=N"))


@dataclass
class Account:
    lines: int = 0
    matched: int = 0
    explained: Counter[str] = field(default_factory=Counter)  # claim -> lines it explains
    unaccounted: list[tuple[int, str]] = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)  # note line -> matched / explained by X / unaccounted

    def add(self, other: Account) -> None:
        self.lines += other.lines
        self.matched += other.matched
        self.explained.update(other.explained)
        self.unaccounted += other.unaccounted
        self.statuses.update(other.statuses)

    def summary(self) -> str:
        why = ", ".join(f"{claim} {n}" for claim, n in sorted(self.explained.items()))
        return (
            f"{self.lines} transcript lines: {self.matched} matched, {sum(self.explained.values())} explained"
            + (f" ({why})" if why else "")
            + f", {len(self.unaccounted)} unaccounted"
        )


def normalised(line: str) -> str:
    for regex, replacement in MUST_DIFFER:
        line = re.sub(regex, replacement, line)
    return line.rstrip()


def stream_of(line: str, spec: TranscriptSpec) -> str:
    for regex, name in spec.streams:
        match = re.search(regex, line)
        if match:
            return name.replace("{1}", match.group(1)) if match.groups() else name
    return "main"


def _streams(lines: list[tuple[int, str]], spec: TranscriptSpec) -> dict[str, list[tuple[int, str]]]:
    """(number, normalised line) by stream, in order."""
    found: dict[str, list[tuple[int, str]]] = {}
    for number, line in lines:
        found.setdefault(stream_of(line, spec), []).append((number, normalised(line)))
    return found


def _collapse(items: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], dict[int, list[int]]]:
    """A run of equal lines kept as its first line, which stands for the others (their numbers)."""
    kept: list[tuple[int, str]] = []
    repeats: dict[int, list[int]] = {}
    for number, line in items:
        if kept and kept[-1][1] == line:
            repeats[kept[-1][0]].append(number)
        else:
            kept.append((number, line))
            repeats[number] = []
    return kept, repeats


def _common_subsequence(note: list[str], run: list[str]) -> set[int]:
    """Indices of ``note`` in a longest common subsequence with ``run``."""
    rows, cols = len(note), len(run)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if note[i] == run[j] else max(table[i + 1][j], table[i][j + 1])
    matched, i, j = set(), 0, 0
    while i < rows and j < cols:
        if note[i] == run[j]:
            matched.add(i)
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return matched


def matched_lines(note_lines: list[tuple[int, str]], run_lines: list[str], spec: TranscriptSpec) -> set[int]:
    """Numbers of the note's transcript lines the run printed."""
    note_streams = _streams(note_lines, spec)
    run_streams = _streams(list(enumerate(run_lines)), spec)
    matched: set[int] = set()
    for name, items in note_streams.items():
        repeats: dict[int, list[int]] = {n: [] for n, _ in items}
        theirs = [line for _, line in run_streams.get(name, [])]
        if spec.collapse_repeats:
            items, repeats = _collapse(items)
            theirs = [line for _, line in _collapse(list(enumerate(theirs)))[0]]
        if name.startswith("*"):
            available = Counter(theirs)
            hits = []
            for number, line in items:
                if available[line] > 0:
                    available[line] -= 1
                    hits.append(number)
        else:
            hits = [items[i][0] for i in _common_subsequence([line for _, line in items], theirs)]
        for number in hits:
            matched.update([number, *repeats[number]])
    return matched


def account(note: Note, spec: TranscriptSpec, run_lines: list[str], point: Point) -> Account:
    """Match one transcript against a run's output; explain or count the rest."""
    lines = note.transcript(*spec.lines)
    matched = matched_lines(lines, run_lines, spec)
    result = Account(lines=len(lines), matched=len(matched))
    candidates = _explainers(spec, point)
    for number, text in lines:
        if number in matched:
            result.statuses[number] = "matched"
            continue
        explaining = [c.id for c in candidates if c.note is not None and c.note.covers(number)]
        if explaining:
            result.explained[explaining[0]] += 1
            result.statuses[number] = f"explained by {explaining[0]}"
        else:
            result.unaccounted.append((number, text))
            result.statuses[number] = "unaccounted"
    return result


def _explainers(spec: TranscriptSpec, point: Point) -> list[Claim]:
    """Claims that can explain a line of the transcript printed differently: those predicted
    not to hold at ``point`` that cite lines of the transcript's own section, the ones a
    variation sets apart at that point first (the run differs there for a known reason)."""
    home = min((s for s in SECTIONS if s.lines[0] <= spec.lines[0] <= spec.lines[1] <= s.lines[1]), key=_width)
    found = []
    for claim in CLAIMS.values():
        if not claim.testable or claim.note is None:
            continue
        if not home.lines[0] <= claim.note.lines[0] <= claim.note.lines[1] <= home.lines[1]:
            continue
        method = point.start_method if point.start_method in claim.point_methods else claim.point_methods[0]
        prediction = claim.predict(replace(point, start_method=method, condition=NOTED_CONDITIONS))
        if not prediction.holds:
            found.append((prediction.variation is None, claim))
    return [claim for _, claim in sorted(found, key=lambda pair: pair[0])]


def _width(section: Section) -> int:
    return section.lines[1] - section.lines[0]
