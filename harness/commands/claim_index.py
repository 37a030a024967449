"""Everything about one claim, as lines of plain text under headings: the catalogue's entry,
the note's cited lines, the prediction, the tests and the scenario runs they make, the
scenarios and mutants, and the cells of the last run.  ``python -m harness LOG-04`` prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harness.claims import note
from harness.claims.model import EQUAL, NO_METHOD, NOTED_VALUE, Claim, NoteFact, Variation
from harness.commands.claim_sources import ClaimTest, claim_tests, mutants_naming, scenario_variants
from harness.project import MATRIX_JSON
from harness.selfcheck import prediction_mutants
from harness.verdicts import matrix
from harness.verdicts.cells import MARK

WIDTH = 100  # a value longer than this is written one item a line
MAX_CITED = 60  # a longer citation (the whole note) is shown by the lines its fact finds
INDENT = "  "


def heading(title: str) -> list[str]:
    return ["", title]


def claim_lines(claim: Claim) -> list[str]:
    section = claim.section
    lines = [f"{claim.id}: {claim.verdict.value}", f"{INDENT}{claim.en}", f"{INDENT}{claim.ko}", ""]
    lines.append(
        f"{INDENT}section: {section.key}, {section.title_en} / {section.title_ko} (note lines {_span(section.lines)})"
    )
    lines.append(f"{INDENT}verdict: {claim.verdict.value}")
    lines.append(f"{INDENT}reason:  {claim.reason}")
    methods = ", ".join(claim.start_methods) or "none (the start method plays no part)"
    lines.append(f"{INDENT}start methods: {methods}")
    return lines


def _span(lines: tuple[int, int]) -> str:
    return f"{lines[0]}-{lines[1]}"


def note_lines(claim: Claim, option: str | None) -> list[str]:
    fact = claim.note
    if fact is None:
        return [*heading("The note"), f"{INDENT}cites nothing: an opinion"]
    title = f"The note, {fact.cite()}"
    try:
        path = note.find(option)
        the_note = note.Note.load(path) if path else None
    except note.NoteError as exc:
        return [*heading(title), f"{INDENT}{exc}", f"{INDENT}{note.HOW_TO_GET_IT}"]
    if the_note is None:
        return [*heading(title), f"{INDENT}{note.HOW_TO_GET_IT}"]
    lines = heading(f"{title} of {the_note.path} ({the_note.encoding})")
    numbers, which = _cited(the_note, fact)
    lines += [f"{INDENT}{which}"] if which else []
    width = len(str(fact.lines[1]))
    lines += [f"{INDENT}{n:>{width}} | {the_note.lines[n - 1]}" for n in numbers]
    problems = note.check(the_note, claim.id, fact)
    return lines + ([f"{INDENT}! {p}" for p in problems] or [f"{INDENT}the catalogue's fact is what these lines show"])


def _cited(the_note: note.Note, fact: NoteFact) -> tuple[list[int], str]:
    """The numbers of the cited lines to print, and which they are when not all of them."""
    numbers = list(range(fact.lines[0], min(fact.lines[1], len(the_note.lines)) + 1))
    if len(numbers) <= MAX_CITED:
        return numbers, ""
    pattern = re.compile(fact.pattern) if fact.pattern else None
    found = [
        n
        for n in numbers
        if (pattern and pattern.search(note.bare(the_note.lines[n - 1])))
        or any(m in the_note.lines[n - 1] for m in fact.mentions)
    ]
    return found, f"{len(found)} of the {len(numbers)} cited lines: those the fact's pattern or mentions find"


def value_lines(value: Any, indent: str) -> list[str]:
    """A value as Python writes it; a long list or tuple one item a line."""
    text = repr(value)
    if len(indent) + len(text) <= WIDTH or not isinstance(value, (list, tuple)) or not value:
        return [indent + text]
    opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
    return [indent + opening, *(f"{indent}  {item!r}," for item in value), indent + closing]


def prediction_lines(claim: Claim) -> list[str]:
    if not claim.testable:
        return [*heading("Prediction"), f"{INDENT}none: an opinion is not tested"]
    expectation = claim.expectation
    lines = heading(f"Prediction: {expectation.key}" + (f" ({expectation.what})" if expectation.what else ""))
    lines.append(f"{INDENT}the note shows ({claim.note.cite() if claim.note else 'nothing'}):")
    lines += value_lines(claim.shows, INDENT * 3)
    if claim.holds_if is not EQUAL:
        lines.append(f"{INDENT}the note's fact holds where the value is {claim.holds_if.description}")
    lines += _predicted(claim, "general, wherever no variation applies", expectation.general, None)
    for variation in expectation.variations:
        lines += _predicted(claim, variation.where(), variation.value, variation)
    return lines


def _predicted(claim: Claim, where: str, value: Any, variation: Variation | None) -> list[str]:
    shown = claim.shows if value is NOTED_VALUE else value
    agrees = "the note's fact holds" if claim.holds(shown) else "the note's fact does not hold"
    if shown == claim.shows:  # written once, above
        lines = [f"{INDENT}{where}: what the note shows ({agrees})"]
    else:
        lines = [f"{INDENT}{where}: {agrees}", *value_lines(shown, INDENT * 3)]
    if variation is not None:
        lines.append(f"{INDENT * 3}because: {variation.reason}")
    return lines


def tests_lines(claim: Claim, root: Path) -> list[str]:
    tests = claim_tests(claim.id, root)
    if not tests:
        none = (
            "an opinion is not tested" if not claim.testable else f"no test is marked @pytest.mark.claim({claim.id!r})"
        )
        return [*heading("Tests"), f"{INDENT}none: {none}"]
    lines = heading(f"Tests: pytest --claim {claim.id}")
    for test in tests:
        lines.append(f"{INDENT}{test.node_id}")
        runs = [f"runs {run.describe()}" for run in test.runs] or ["runs no scenario: it checks in-process"]
        lines += [f"{INDENT * 3}{run}" for run in runs]
    return lines + scenario_lines(tests, root)


def scenario_lines(tests: Iterable[ClaimTest], root: Path) -> list[str]:
    names = dict.fromkeys(run.scenario for test in tests for run in test.runs)
    paths = [root / "scenarios" / f"{name}.py" for name in names]
    lines = heading("Scenarios") if paths else []
    for path in paths:
        if not path.is_file():
            lines.append(f"{INDENT}{path.relative_to(root).as_posix()}: no such file")
            continue
        variants, default = scenario_variants(path)
        listed = ", ".join(f"{v} (default)" if v == default else v for v in variants)
        lines.append(f"{INDENT}{path.relative_to(root).as_posix()}: variants {listed}")
    return lines


def mutant_lines(claim: Claim, root: Path) -> list[str]:
    named = mutants_naming(claim.id, root)
    lines = heading("Mutants: python -m harness mutation NAME")
    lines += [f"{INDENT}{m.name} ({m.kind}, {m.path}): {m.description}" for m in named]
    if not named:
        lines.append(f"{INDENT}no behaviour or note mutant names {claim.id}")
    keys = {claim.id, claim.expectation.key}
    found = prediction_mutants.all_mutants({claim.id: claim}, {claim.expectation.key: claim.expectation})
    predictions = [m.name for m in found.values() if m.key in keys]
    if predictions:
        lines.append(f"{INDENT}prediction mutants: {', '.join(predictions)}")
    return lines


def cell_lines(claim: Claim, option: Path | None, root: Path) -> list[str]:
    """The claim's cells in the matrix ``--matrix`` names, else in the one a plain ``pytest`` writes."""
    path = option or root / MATRIX_JSON
    if not path.exists():
        command = f"pytest --claim {claim.id}" + (f" --matrix-json={path}" if option else "")
        return [*heading("Cells of the last run"), f"{INDENT}no matrix at {path}: `{command}` makes one"]
    try:
        data = matrix.load(path)
    except matrix.MatrixError as exc:
        return [*heading("Cells of the last run"), f"{INDENT}{exc}"]
    rows, reasons = _cell_rows(claim, data)
    lines = heading(f"Cells of the last run ({path})")
    if not rows:
        return [*lines, f"{INDENT}the matrix has no cell of {claim.id}"]
    width = max(len(key) for key, _ in rows)
    lines.append(INDENT + "  ".join(f"{mark} {status}" for status, mark in MARK.items()))
    lines += [f"{INDENT}{key:<{width}}  {marks}" for key, marks in rows]
    return lines + [f"{INDENT}[{n}] {reason}" for reason, n in reasons.items()]


def _cell_rows(claim: Claim, data: dict[str, object]) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Per column, each start method's mark with the numbers of its reasons; each reason
    numbered once, as the matrix page's footnotes are."""
    cells = matrix.index(data)
    rows: list[tuple[str, str]] = []
    reasons: dict[str, int] = {}
    for column in matrix.columns_of(data):
        marks = []
        for method in (*column.start_methods, NO_METHOD):
            cell = cells.get((claim.id, column.name, method))
            if cell is None:
                continue
            notes = "".join(f"[{reasons.setdefault(r, len(reasons) + 1)}]" for r in _strings(cell["reasons"]))
            label = "" if method == NO_METHOD else f"{method} "
            marks.append(f"{label}{MARK[str(cell['status'])]}{notes}")
        if marks:
            rows.append((column.name, "  ".join(marks)))
    return rows, reasons


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def index_lines(claim: Claim, note_option: str | None, matrix_option: Path | None, root: Path) -> list[str]:
    return [
        *claim_lines(claim),
        *note_lines(claim, note_option),
        *prediction_lines(claim),
        *tests_lines(claim, root),
        *mutant_lines(claim, root),
        *cell_lines(claim, matrix_option, root),
    ]
