"""pytest plugin, report side: the HTML report's claim columns, outcomes per
(claim, interpreter, start method), the verdict matrix and its terminal table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator

import pytest

from harness import matrix
from harness.pytest_plugin import TARGETS
from harness.targets import host


def pytest_configure(config: pytest.Config) -> None:
    # Only the process that writes reports records outcomes: not xdist workers.
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(_MatrixRecorder(config), "mpspec-matrix")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Name a failing claim test for what it is: an unexpected outcome."""
    report = yield
    props = dict(item.user_properties)
    if report.failed and "claim" in props:
        report.sections.append(
            (
                "mpspec verdict",
                f"UNEXPECTED: claim {props['claim']} on {props['python']} / {props['start_method']}: "
                "the behaviour matched no expectation the claim states",
            )
        )
    return report


class _MatrixRecorder:
    """Collects outcomes per (claim, target column, start method) and writes the matrix."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.outcomes: defaultdict[tuple[str, str, str], list[str]] = defaultdict(list)
        self.data: dict[str, object] | None = None
        self.written = ""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if "claim" not in props or (report.when != "call" and not report.failed):
            return
        key = (str(props["claim"]), str(props["target"]), str(props["start_method"]))
        self.outcomes[key].append(report.outcome)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.config.option.collectonly:
            return
        columns = [
            matrix.Column(t.platform, t.implementation, t.version, t.start_methods) for t in self.config.stash[TARGETS]
        ]
        self.data = matrix.build(columns, self.outcomes, host().column_key)
        option: str | None = self.config.getoption("matrix_json")
        # A relative --matrix-json is taken from where pytest was started, as --html is.
        default = self.config.rootpath / "reports" / "matrix.json"
        path = self.config.invocation_params.dir / option if option else default
        try:
            self.written = f"{path} and {matrix.write(self.data, path)}"
        except OSError as exc:
            self.written = f"not written: {path}: {exc.strerror or exc}"

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.data is None:
            return
        terminalreporter.section("mpspec verdict matrix")
        for line in matrix.terminal_table(self.data):
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"matrix: {self.written}")


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
