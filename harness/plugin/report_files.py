"""The run's files: the HTML report, JUnit XML, the verdict matrix (JSON and HTML) and the
annotated note.  Each path is checked at start (a report that could not be written is one
usage error before any test runs) and each file is replaced whole at the end, so an
interrupted run keeps the last good one."""

from __future__ import annotations

import os
import shlex
from collections.abc import Generator
from pathlib import Path

import pytest

from harness.pages import files, note_page
from harness.plugin.keys import RESULTS, THE_NOTE
from harness.project import MATRIX_JSON


@pytest.hookimpl(tryfirst=True)  # before pytest-html and junitxml open their files
def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # xdist workers write no reports
        return
    _ini_reports_in_the_project(config)
    for path in report_paths(config):
        _check_writable(path)


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
    return config.invocation_params.dir / option if option else config.rootpath / MATRIX_JSON


def note_page_path(matrix_json: Path) -> Path:
    """The annotated note beside the matrix: note.html for matrix.json, X.note.html for X.json."""
    return matrix_json.with_name("note.html" if matrix_json.stem == "matrix" else f"{matrix_json.stem}.note.html")


def relative(target: Path, start: Path) -> str:
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
        _write_pages(session.config)
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


def _write_pages(config: pytest.Config) -> None:
    """The verdict matrix (JSON and HTML) and the annotated note; where they went goes to the summary."""
    results = config.stash.get(RESULTS, None)
    if results is None or config.option.collectonly:
        return
    path = matrix_path(config)
    report = config.getoption("htmlpath", None)
    report_href = relative(config.invocation_params.dir / report, path.parent) if report else ""
    the_note_page = note_page_path(path)
    try:
        data = results.matrix()
        matrix_html = files.write(data, path, report_href, the_note_page.name)
        page = note_page.render(config.stash[THE_NOTE], data, results.transcript_lines, matrix_html.name, report_href)
        files.write_atomic(the_note_page, page)
        results.written = f"{path} and {matrix_html}; the note, annotated: {the_note_page}"
    except OSError as exc:
        results.written = f"not written: {path}: {getattr(exc, 'strerror', None) or exc}"
