"""What a reader sees at the end: the terminal's claims tree (and matrix, with several
interpreters), the note's checks and pass rates; the HTML report's claims summary, its
claim / Python / start method columns, and its environment table's allow-list."""

from __future__ import annotations

import multiprocessing
import platform
from collections import defaultdict

import pytest

from harness.claims.catalogue import CLAIMS, SECTIONS
from harness.claims.model import Point, Verdict
from harness.pages import claims_table, matrix_text
from harness.pages.claims_table import test_anchor
from harness.plugin.keys import RESULTS, TARGETS, THE_NOTE
from harness.plugin.recording import Results
from harness.plugin.report_files import matrix_path, note_page_path, relative
from harness.verdicts import derive
from harness.verdicts.cells import UNEXPECTED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    results = config.stash.get(RESULTS, None)
    if results is None or not results.written:
        return
    data = results.matrix()
    terminalreporter.section("mpspec: the note's claims")
    for line in claims_tree(data, results.observed):
        terminalreporter.write_line(line)
    if len(results.columns()) > 1:
        terminalreporter.section("mpspec verdict matrix")
        for line in matrix_text.terminal_table(data):
            terminalreporter.write_line(line)
    else:
        for line in matrix_text.unexpected_lines(data):
            terminalreporter.write_line(line, red=True)
    if results.verdict_problems:
        terminalreporter.section("mpspec: verdicts that disagree with their points", red=True)
        for line in results.verdict_problems:
            terminalreporter.write_line(line, red=True)
    _note_checks(terminalreporter, config, results)
    if config.getoption("repeat") > 1:
        terminalreporter.section("mpspec: pass rate per claim over repeated runs")
        for line in pass_rates(results.outcomes):
            terminalreporter.write_line(line)
    terminalreporter.write_line(f"matrix: {results.written}")
    html_path = config.getoption("htmlpath", None)
    if html_path:
        terminalreporter.write_line(f"report: {config.invocation_params.dir / html_path}")


def _note_checks(terminalreporter: pytest.TerminalReporter, config: pytest.Config, results: Results) -> None:
    """The note's cited facts and transcripts, as the meta-tests checked them."""
    if not results.note_lines and not results.note_facts:
        return
    terminalreporter.section("mpspec: the note")
    the_note = config.stash[THE_NOTE]
    if the_note is not None:
        terminalreporter.write_line(f"note: {the_note.path} (read as {the_note.encoding})")
    if results.note_facts:
        wrong = results.note_facts.count(False)
        terminalreporter.write_line(
            f"cited facts: {len(results.note_facts)} checked against the note, {wrong} not what it shows"
        )
    order = [t.name for t in config.stash[TARGETS]]
    for line in sorted(results.note_lines, key=lambda text: (order + [text.split()[0]]).index(text.split()[0])):
        terminalreporter.write_line(f"transcripts on {line}")


def pass_rates(outcomes: dict[tuple[str, str, str], list[str]]) -> list[str]:
    per_claim: defaultdict[str, list[str]] = defaultdict(list)
    for (claim_id, _, _), found in outcomes.items():
        per_claim[claim_id] += found
    lines = []
    for claim_id in (c for c in CLAIMS if c in per_claim):
        found = per_claim[claim_id]
        passed = found.count("passed")
        lines.append(f"{claim_id:<10} {passed}/{len(found)} passed ({100 * passed / len(found):.0f}%)")
    return lines


TREE_MARK = {
    Verdict.HOLDS: "✓",
    Verdict.CAVEAT: "~",
    Verdict.WRONG: "✗",
    Verdict.VERSION: "±",
    Verdict.OPINION: "·",
}


def claims_tree(data: dict[str, object], observed: dict[str, dict[Point, bool]]) -> list[str]:
    """A line per claim under its section: the verdict's mark, or ! when a test
    of the claim failed (unexpected) and ? when none observed it; then what
    this run observed and where the claim is predicted not to hold beyond it."""
    statuses: defaultdict[str, set[str]] = defaultdict(set)
    for cell in data["cells"]:  # type: ignore[attr-defined]
        statuses[cell["claim"]].add(cell["status"])
    totals: defaultdict[str, int] = defaultdict(int)
    lines = []
    for section in SECTIONS:
        lines.append(f"{section.key:<7} {section.title_en}")
        for claim in (c for c in CLAIMS.values() if c.section == section):
            seen = statuses[claim.id]
            mine = observed.get(claim.id, {})
            if UNEXPECTED in seen:
                mark, word = "!", "unexpected"
            elif claim.testable and not mine:
                mark, word = "?", "not run"
            else:
                mark, word = TREE_MARK[claim.verdict], claim.verdict.value
            totals[word] += 1
            detail = derive.observed_account(claim, mine) if claim.testable and mine else _clipped(claim.en, 80)
            lines.append(f"  {mark} {claim.id:<10} {word}: {detail}")
    lines.append("claims: " + ", ".join(f"{n} {w}" for w, n in totals.items()))
    return lines


def _clipped(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_summary(
    prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session
) -> None:
    config = session.config
    results = config.stash.get(RESULTS, None)
    if results is None:
        return
    links: tuple[tuple[str, str], ...] = ()
    report = config.getoption("htmlpath", None)
    if report:
        pages = (config.invocation_params.dir / report).parent
        json_path = matrix_path(config)
        links = (
            ("verdict matrix", relative(json_path.with_suffix(".html"), pages)),
            ("the note, annotated", relative(note_page_path(json_path), pages)),
        )
    prefix.append(claims_table.render(results.columns(), results.matrix(), results.per_claim, results.observed, links))


@pytest.hookimpl(optionalhook=True)
def pytest_metadata(metadata: dict[str, object], config: pytest.Config) -> None:
    """The report's environment table: an allow-list, so no environment variable
    (CI tokens, paths) that pytest-metadata would add can leak into a report."""
    kept: dict[str, object] = {k: metadata[k] for k in ("Python", "Platform", "Packages", "Plugins") if k in metadata}
    metadata.clear()
    metadata.update(kept)
    metadata["Implementation"] = f"{platform.python_implementation()} {platform.python_version()}"
    metadata["Start methods (host)"] = ", ".join(multiprocessing.get_all_start_methods())
    metadata["Scenario interpreters"] = ", ".join(t.description for t in config.stash[TARGETS])
    the_note = config.stash[THE_NOTE]
    # Its file name only: the folder would put a reader's paths into a shared report.
    metadata["Note"] = f"{the_note.path.name} (read as {the_note.encoding})" if the_note else "not at hand"


# --- pytest-html columns (only when pytest-html is installed) -------------

_COLUMNS = (("claim", "Claim"), ("python", "Python"), ("start_method", "Start method"))


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_header(cells: list[str]) -> None:
    for offset, (_, title) in enumerate(_COLUMNS):
        cells.insert(2 + offset, f"<th>{title}</th>")


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_row(report: pytest.TestReport, cells: list[str]) -> None:
    # pytest-html also passes the CollectReport of a module that failed to import: no user_properties.
    props = dict(getattr(report, "user_properties", ()))
    for offset, (key, _) in enumerate(_COLUMNS):
        cells.insert(2 + offset, f"<td>{props.get(key, '')}</td>")
    # The claims summary links each claim to its tests' rows.
    cells[2] = cells[2].replace("<td>", f"<td id='{test_anchor(report.nodeid)}'>", 1)
