"""Verdicts follow from points: the rules, and a run that fails when a declared verdict disagrees."""

from __future__ import annotations

import dataclasses

import pytest

from harness.claims.catalogue import CLAIMS
from harness.claims.model import Point, Verdict
from harness.claims.points import verdict_of
from harness.project import PROJECT_ROOT
from harness.verdicts import derive

pytestmark = pytest.mark.meta


def point(version=(3, 11, 7), method="fork", condition="", platform="linux"):
    return Point("cpython", version, platform, method, condition)


def test_the_verdict_rules():
    assert verdict_of({point(): True, point(method="spawn"): True}) is Verdict.HOLDS
    assert verdict_of({point(): False, point(method="spawn"): False}) is Verdict.WRONG
    assert verdict_of({point(): True, point(version=(3, 13, 0)): False}) is Verdict.VERSION
    assert verdict_of({point(): True, point(method="spawn"): False}) is Verdict.CAVEAT
    assert verdict_of({point(): True, point(condition="python -O"): False}) is Verdict.CAVEAT
    assert verdict_of({}) is None


def test_an_observation_against_the_verdict_is_a_disagreement():
    here = point()
    assert derive.disagreements({"LOG-01": {here: True}}) == []
    [problem] = derive.disagreements({"LOG-01": {here: False}})
    assert problem.startswith("LOG-01: the catalogue says 'holds', the points show ")


def test_the_summary_says_what_was_observed_and_what_is_predicted_beyond_it():
    observed = {point(method=m): True for m in ("fork", "spawn", "forkserver")}
    assert derive.observed_account(CLAIMS["LOG-04"], observed) == (
        "holds on cpython3.11 (fork, spawn, forkserver); predicted not to hold: from 3.13"
    )


# One test of LOG-01, under spawn: the start method every platform has (Windows only that one).
LOG_01_SPAWN = ("-k", "test_log_records_are_written_to_stderr_only", "--start-method=spawn")


def test_a_run_whose_verdict_disagrees_fails(inner_pytest, monkeypatch):
    """LOG-01's verdict flipped to wrong as written: its test still passes, the run does not."""
    monkeypatch.setitem(CLAIMS, "LOG-01", dataclasses.replace(CLAIMS["LOG-01"], verdict=Verdict.WRONG))
    # In-process: the inner run sees this process's catalogue, with the flipped verdict.
    result = inner_pytest(*LOG_01_SPAWN, str(PROJECT_ROOT / "tests" / "test_mp_logging.py"))
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*LOG-01: the catalogue says 'wrong as written', the points show 'holds'*"])


def test_a_failing_claim_test_says_requirement_expected_and_actual(pytester, inner_pytest, monkeypatch):
    """As h2spec does: the claim, its paraphrase, the predicted value (and from which
    prediction) and the observed one, in the failure's own section of the report."""
    log_01 = CLAIMS["LOG-01"]
    wrong = dataclasses.replace(log_01, note=dataclasses.replace(log_01.note, shows="sys.stdout"))
    monkeypatch.setitem(CLAIMS, "LOG-01", wrong)
    result = inner_pytest("-rN", *LOG_01_SPAWN, str(PROJECT_ROOT / "tests" / "test_mp_logging.py"))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*mpspec: unexpected*",
            "Claim:       LOG-01 (multiprocessing's log, note lines 16-17) on cpython*.* / spawn",
            f"Requirement: {log_01.en}",
            "Expected:    'sys.stdout', so the note's fact holds (the general prediction)",
            "Actual:      'sys.stderr', so the note's fact does not hold",
        ]
    )
    report = (pytester.path / "report.html").read_text(encoding="utf-8")
    assert "Requirement: " in report
