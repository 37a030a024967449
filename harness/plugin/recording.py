"""What each test leaves, and what the session's tests left per matrix cell.

The one ``makereport`` wrapper: a failing test's report carries the transcript of every
scenario run it used and, for a claim test, what the claim requires, what was predicted
and what was observed (as h2spec prints it); every report carries the test's
observations and runs as plain data, so xdist brings them from the workers.
``Results``, in the process that writes the reports, gathers them per
(claim, interpreter column, start method) and checks each claim's verdict against
its observed points.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator
from typing import Any

import pytest

from harness.claims.catalogue import CLAIMS
from harness.claims.model import Claim, Point
from harness.pages import note_page
from harness.pages.claims_table import ClaimTests, short_name
from harness.plugin.keys import COLUMN, OBSERVER, REPORT_EXTRA, RESULTS, RUN_FILES, RUNS, TARGETS, claim_id
from harness.plugin.selection import failed_claims_dir
from harness.running.targets import host
from harness.verdicts import derive, matrix
from harness.verdicts.cells import Found
from harness.verdicts.observe import Observation, Observer, Use


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    claim = claim_id(item)
    extra: dict[str, Any] = item.stash.get(REPORT_EXTRA, {})
    observer = item.stash.get(OBSERVER, None)
    if report.failed:
        for result in item.stash.get(RUNS, []):
            report.sections.append((f"scenario {result.spec.command_line()}", result.transcript()))
        if claim in CLAIMS:
            report.sections.append(("mpspec: unexpected", requirement(CLAIMS[str(claim)], observer, report)))
        if claim and item.config.getoption("claim_failfast"):
            failed = failed_claims_dir(item.config)
            failed.mkdir(parents=True, exist_ok=True)
            (failed / claim).touch()
    # Plain data, so xdist carries it from the workers (pytest keeps unknown report attributes).
    report.mpspec = {  # type: ignore[attr-defined]
        "observations": [o.to_json() for o in observer.observations] if observer else [],
        "uses": [u.to_json() for u in observer.uses] if observer else [],
        "runs": list(item.stash.get(RUN_FILES, ())),
        "extra": dict(extra),
        "target": item.stash.get(COLUMN, ""),
    }
    return report


def requirement(claim: Claim, observer: Observer | None, report: pytest.TestReport) -> str:
    """Claim, Requirement, Expected, Actual: of the observation that disagreed with its
    prediction, or else of the prediction at this point against the failure itself."""
    where = f"{observer.target.name} / {observer.start_method}" if observer else "this interpreter"
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
        lines += [f"Expected:    {expected}", f"Actual:      the test failed: {failure_line(report)}"]
    return "\n".join(lines)


def _holds(holds: bool) -> str:
    return "holds" if holds else "does not hold"


def failure_line(report: pytest.TestReport) -> str:
    """The failed test and the first line of its failure."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    text = (crash.message if crash is not None else report.longreprtext).strip()
    first = text.splitlines()[0] if text else "failed"
    return f"{short_name(report.nodeid)}: {first[:300]}"


def pytest_configure(config: pytest.Config) -> None:
    # Only the process that writes reports gathers results: not xdist workers.
    if not hasattr(config, "workerinput"):
        results = Results(config)
        config.stash[RESULTS] = results
        config.pluginmanager.register(results, "mpspec-results")


class Results:
    """What the session's tests left: per matrix cell, per claim, and the note's checks."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.found: defaultdict[tuple[str, str, str], Found] = defaultdict(Found)
        self.per_claim: defaultdict[str, ClaimTests] = defaultdict(ClaimTests)
        self.observed: defaultdict[str, dict[Point, bool]] = defaultdict(dict)
        self.outcomes: defaultdict[tuple[str, str, str], list[str]] = defaultdict(list)  # for --repeat's pass rates
        self.note_lines: list[str] = []  # transcript accounts, one per interpreter
        self.transcript_lines: note_page.LineStatuses = {}  # per interpreter: note line -> how it was printed
        self.note_facts: list[bool] = []  # per cited fact: is it what the note shows
        self.verdict_problems: list[str] = []
        self.written = ""  # where the matrix and the annotated note went, or why they did not

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data: dict[str, Any] = getattr(report, "mpspec", None) or {}
        extra = data.get("extra", {}) if report.when == "call" else {}
        self.note_lines += [str(line) for line in extra.get("note", [])]
        self.transcript_lines.update(extra.get("transcript-lines", {}))
        if "note-fact" in extra:
            self.note_facts.append(bool(extra["note-fact"]))
        props = dict(report.user_properties)
        if "claim" not in props or (report.when != "call" and not report.failed):
            return
        claim, column, method = str(props["claim"]), str(data["target"]), str(props["start_method"])
        observations = [Observation.from_json(o) for o in data.get("observations", [])]
        uses = [Use(**u) for u in data.get("uses", [])]
        failures = [failure_line(report)] if report.failed else []
        cell = (claim, column, method)
        self.found[cell] = self.found[cell].add(Found([report.outcome], failures, observations, uses))
        self.outcomes[cell].append(report.outcome)
        # In-process tests run on the host, which need not be one of the --python targets.
        target = next((t for t in self.config.stash[TARGETS] if t.column_name == column), host())
        for o in observations:
            point = target.point(method, o.condition)
            self.observed[claim][point] = self.observed[claim].get(point, True) and o.holds
        found = self.per_claim[claim]
        found.tests.append((report.nodeid, report.outcome))
        for path in data.get("runs", []):
            found.run_files.setdefault(str(path), None)
        found.observations += [(target.name, method, o) for o in observations]

    @pytest.hookimpl(tryfirst=True)  # before the pages are written: they show the problems
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """A claim whose observed points disagree with its declared verdict fails the run."""
        if self.config.option.collectonly:
            return
        self.verdict_problems = derive.disagreements(self.observed)
        if self.verdict_problems and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def columns(self) -> list[matrix.Column]:
        return [matrix.Column.of(t) for t in self.config.stash[TARGETS]]

    def matrix(self) -> dict[str, object]:
        return matrix.build(self.columns(), self.found, host().column_name)
