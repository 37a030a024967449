"""pytest plugin, report side: the HTML report's claims summary and claim
columns, outcomes per (claim, interpreter, start method), the verdict matrix,
the terminal claims tree, and the environment table's allow-list."""

from __future__ import annotations

import multiprocessing
import os
import platform
import shlex
from collections import defaultdict
from collections.abc import Generator
from pathlib import Path

import pytest

from harness.claims.catalogue import CLAIMS, SECTIONS
from harness.claims.model import Claim, Point, Verdict
from harness.pages import claims_table, files, matrix_text, note_page
from harness.pages.claims_table import ClaimTests, test_anchor
from harness.plugin.pytest_plugin import OBSERVER, TARGETS, THE_NOTE
from harness.running.targets import host
from harness.verdicts import cells, derive, matrix
from harness.verdicts.observe import Observation, Observer, Use


@pytest.hookimpl(tryfirst=True)  # before pytest-html and junitxml open their files
def pytest_configure(config: pytest.Config) -> None:
    # Only the process that writes reports records outcomes: not xdist workers.
    if hasattr(config, "workerinput"):
        return
    _ini_reports_in_the_project(config)
    for path in report_paths(config):
        _check_writable(path)
    config.pluginmanager.register(_MatrixRecorder(config), "mpspec-matrix")


# The report options pytest.ini's addopts sets, by destination: each one's spellings.
INI_REPORT_OPTIONS = {"htmlpath": ("--html",), "xmlpath": ("--junitxml", "--junit-xml")}


def _ini_reports_in_the_project(config: pytest.Config) -> None:
    """A relative report path that only pytest.ini gives is taken from the project's root,
    so `cd tests && pytest` still writes reports/ there; one given on the command line
    (or in PYTEST_ADDOPTS) stays relative to where pytest was started."""
    given = [*map(str, config.invocation_params.args), *shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))]
    for dest, spellings in INI_REPORT_OPTIONS.items():
        value = config.getoption(dest, None)
        from_ini = not any(arg.split("=", 1)[0] in spellings for arg in given)
        if value and from_ini and not Path(value).is_absolute():
            setattr(config.option, dest, str(config.rootpath / value))


def report_paths(config: pytest.Config) -> list[Path]:
    """The files this run will write: HTML report, JUnit XML, verdict matrix (and its HTML)."""
    here = config.invocation_params.dir
    paths = [here / p for p in (config.getoption("htmlpath", None), config.getoption("xmlpath", None)) if p]
    return [*paths, matrix_path(config), note_page_path(matrix_path(config))]


def matrix_path(config: pytest.Config) -> Path:
    option: str | None = config.getoption("matrix_json")
    # A relative --matrix-json is taken from where pytest was started, as --html is.
    return config.invocation_params.dir / option if option else config.rootpath / "reports" / "matrix.json"


def note_page_path(matrix_json: Path) -> Path:
    """The annotated note beside the matrix: note.html for matrix.json, X.note.html for X.json."""
    return matrix_json.with_name("note.html" if matrix_json.stem == "matrix" else f"{matrix_json.stem}.note.html")


def _relative(target: Path, start: Path) -> str:
    """A link from a page in ``start`` to ``target`` (absolute when on another drive)."""
    try:
        return Path(os.path.relpath(target, start)).as_posix()
    except ValueError:
        return target.resolve().as_uri()


def _check_writable(path: Path) -> None:
    """Refuse at start, in one line, a report that could not be written at the end."""
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "it is a directory")
        blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocking is not None:
            raise NotADirectoryError(20, f"{blocking} is not a directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.with_name(f".{path.name}.{os.getpid()}.probe")
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise pytest.UsageError(f"cannot write the report {path}: {exc.strerror or exc}") from None


@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session: pytest.Session) -> Generator[None, None, None]:
    """pytest-html and junitxml write their files in place; point them at a
    temporary name and rename it afterwards, so an interrupted or failed write
    never replaces the last good report with half of one."""
    if hasattr(session.config, "workerinput"):
        return (yield)
    moves = []
    for plugin, attr, final in report_writers(session.config):
        temporary = Path(final).with_name(f".{Path(final).name}.{os.getpid()}.tmp")
        setattr(plugin, attr, type(final)(temporary) if isinstance(final, str) else temporary)
        moves.append((plugin, attr, final, temporary))
    try:
        return (yield)
    finally:
        for plugin, attr, final, temporary in moves:
            setattr(plugin, attr, final)
            if temporary.exists():
                os.replace(temporary, final)


# Private: where pytest-html's report and junitxml's LogXML keep the path of the file they write
# (tests/test_reports.py fails when an upgrade renames them).
REPORT_PATH_ATTRIBUTES = ("_report_path", "logfile")


def report_writers(config: pytest.Config) -> list[tuple[object, str, str | Path]]:
    """(plugin, attribute, path) of each report file a plugin writes at the end of the session."""
    found = []
    for plugin in config.pluginmanager.get_plugins():
        for attr in REPORT_PATH_ATTRIBUTES:
            path = getattr(plugin, attr, None)
            if isinstance(path, (str, Path)) and Path(path).suffix in (".html", ".xml"):
                found.append((plugin, attr, path))
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing claim test says, as h2spec does, what the note's claim requires,
    what was expected (and from which prediction) and what was observed."""
    report = yield
    props = dict(item.user_properties)
    if report.failed and props.get("claim") in CLAIMS:
        observer = item.stash.get(OBSERVER, None)
        report.sections.append(("mpspec: unexpected", requirement(CLAIMS[str(props["claim"])], observer, report)))
    return report


def requirement(claim: Claim, observer: Observer | None, report: pytest.TestReport) -> str:
    """Claim, Requirement, Expected, Actual: of the observation that disagreed with its
    prediction, or else of the prediction at this point against the failure itself."""
    where = f"{observer.target.label} / {observer.start_method}" if observer else "this interpreter"
    lines = [
        f"Claim:       {claim.id} ({claim.section.title_en}, note {claim.note.cite() if claim.note else 'n/a'}) "
        f"on {where}",
        f"Requirement: {claim.en}",
    ]
    mismatch = next((o for o in observer.observations if o.message), None) if observer else None
    if mismatch is not None:
        because = f" (prediction: {mismatch.because})" if mismatch.because else " (the general prediction)"
        lines += [
            f"Expected:    {mismatch.predicted}, so the note's fact {_holds(mismatch.predicted_holds)}{because}",
            f"Actual:      {mismatch.value}, so the note's fact {_holds(mismatch.holds)}",
        ]
    else:
        expected = claim.predict(observer.point()).describe() if observer else claim.verdict.value
        lines += [f"Expected:    {expected}", f"Actual:      the test failed: {_failure_line(report)}"]
    return "\n".join(lines)


def _holds(holds: bool) -> str:
    return "holds" if holds else "does not hold"


def _failure_line(report: pytest.TestReport) -> str:
    """The failed test and the first line of its failure."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    text = (crash.message if crash is not None else report.longreprtext).strip()
    first = text.splitlines()[0] if text else "failed"
    return f"{claims_table.short_name(report.nodeid)}: {first[:300]}"


class _MatrixRecorder:
    """Collects, per (claim, target column, start method), what the tests observed;
    writes the verdict matrix, the report's claims summary and the terminal tree,
    and fails the run where a claim's verdict disagrees with its points."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.found: defaultdict[tuple[str, str, str], cells.Found] = defaultdict(cells.Found)
        self.per_claim: defaultdict[str, ClaimTests] = defaultdict(ClaimTests)
        self.observed: defaultdict[str, dict[Point, bool]] = defaultdict(dict)
        self.outcomes: defaultdict[tuple[str, str, str], list[str]] = defaultdict(list)  # for --repeat's pass rates
        self.note_lines: list[str] = []  # transcript accounts, one per interpreter
        self.transcript_lines: note_page.LineStatuses = {}  # per interpreter: note line -> how it was printed
        self.note_facts: list[bool] = []  # per cited fact: is it what the note shows
        self.verdict_problems: list[str] = []
        self.written = ""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, "mpspec", None) or {}
        extra = data.get("extra", {}) if report.when == "call" else {}
        self.note_lines += [str(line) for line in extra.get("note", [])]
        self.transcript_lines.update(extra.get("transcript-lines", {}))
        if "note-fact" in extra:
            self.note_facts.append(bool(extra["note-fact"]))
        props = dict(report.user_properties)
        if "claim" not in props or (report.when != "call" and not report.failed):
            return
        claim_id, column, method = str(props["claim"]), str(data["target"]), str(props["start_method"])
        observations = [Observation.from_json(o) for o in data.get("observations", [])]
        uses = [Use(**u) for u in data.get("uses", [])]
        failures = [_failure_line(report)] if report.failed else []
        cell = (claim_id, column, method)
        self.found[cell] = self.found[cell].add(cells.Found([report.outcome], failures, observations, uses))
        self.outcomes[cell].append(report.outcome)
        # In-process tests run on the host, which need not be one of the --python targets.
        target = next((t for t in self.config.stash[TARGETS] if t.column_key == column), host())
        for o in observations:
            point = target.point(method, o.condition)
            self.observed[claim_id][point] = self.observed[claim_id].get(point, True) and o.holds
        found = self.per_claim[claim_id]
        found.tests.append((report.nodeid, report.outcome))
        for path in data.get("runs", []):
            found.run_files.setdefault(str(path), None)
        found.observations += [(target.label, method, o) for o in observations]

    def columns(self) -> list[matrix.Column]:
        return [
            matrix.Column(t.platform, t.implementation, t.version, t.start_methods, t.emulator, t.environment)
            for t in self.config.stash[TARGETS]
        ]

    def matrix(self) -> dict[str, object]:
        return matrix.build(self.columns(), self.found, host().column_key)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.config.option.collectonly:
            return
        self.verdict_problems = derive.disagreements(self.observed)
        if self.verdict_problems and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        path = matrix_path(self.config)
        pages = path.parent
        report = self.config.getoption("htmlpath", None)
        report_href = _relative(self.config.invocation_params.dir / report, pages) if report else ""
        the_note_page = note_page_path(path)
        try:
            data = self.matrix()
            matrix_html = files.write(data, path, report_href, the_note_page.name)
            page = note_page.render(
                self.config.stash[THE_NOTE], data, self.transcript_lines, matrix_html.name, report_href
            )
            files.write_atomic(the_note_page, page)
            self.written = f"{path} and {matrix_html}; the note, annotated: {the_note_page}"
        except OSError as exc:
            self.written = f"not written: {path}: {getattr(exc, 'strerror', None) or exc}"

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.written:
            return
        data = self.matrix()
        terminalreporter.section("mpspec: the note's claims")
        for line in claims_tree(data, self.observed):
            terminalreporter.write_line(line)
        if len(self.columns()) > 1:
            terminalreporter.section("mpspec verdict matrix")
            for line in matrix_text.terminal_table(data):
                terminalreporter.write_line(line)
        else:
            for line in matrix_text.unexpected_lines(data):
                terminalreporter.write_line(line, red=True)
        if self.verdict_problems:
            terminalreporter.section("mpspec: verdicts that disagree with their points", red=True)
            for line in self.verdict_problems:
                terminalreporter.write_line(line, red=True)
        if self.note_lines or self.note_facts:
            terminalreporter.section("mpspec: the note")
            the_note = self.config.stash[THE_NOTE]
            if the_note is not None:
                terminalreporter.write_line(f"note: {the_note.path} (read as {the_note.encoding})")
            if self.note_facts:
                wrong = self.note_facts.count(False)
                terminalreporter.write_line(
                    f"cited facts: {len(self.note_facts)} checked against the note, {wrong} not what it shows"
                )
            order = [t.label for t in self.config.stash[TARGETS]]
            for line in sorted(self.note_lines, key=lambda text: (order + [text.split()[0]]).index(text.split()[0])):
                terminalreporter.write_line(f"transcripts on {line}")
        if self.config.getoption("repeat") > 1:
            terminalreporter.section("mpspec: pass rate per claim over repeated runs")
            for line in pass_rates(self.outcomes):
                terminalreporter.write_line(line)
        terminalreporter.write_line(f"matrix: {self.written}")
        html_path = self.config.getoption("htmlpath", None)
        if html_path:
            terminalreporter.write_line(f"report: {self.config.invocation_params.dir / html_path}")

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list[str], summary: list[str], postfix: list[str]) -> None:
        links: tuple[tuple[str, str], ...] = ()
        report = self.config.getoption("htmlpath", None)
        if report:
            pages = (self.config.invocation_params.dir / report).parent
            json_path = matrix_path(self.config)
            links = (
                ("verdict matrix", _relative(json_path.with_suffix(".html"), pages)),
                ("the note, annotated", _relative(note_page_path(json_path), pages)),
            )
        prefix.append(claims_table.render(self.columns(), self.matrix(), self.per_claim, self.observed, links))


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
            if cells.UNEXPECTED in seen:
                mark, word = "!", "unexpected"
            elif claim.testable and not mine:
                mark, word = "?", "not run"
            else:
                mark, word = TREE_MARK[claim.verdict], claim.verdict.value
            totals[word] += 1
            detail = derive.summary(claim, mine) if claim.testable and mine else _clipped(claim.en, 80)
            lines.append(f"  {mark} {claim.id:<10} {word}: {detail}")
    lines.append("claims: " + ", ".join(f"{n} {w}" for w, n in totals.items()))
    return lines


def _clipped(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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
