"""The catalogue and the tests agree: every testable claim is proven and observed, every
test names a claim, and every declared verdict is the one the claim's predictions show."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from harness.claims.catalogue import CLAIMS, SECTIONS
from harness.claims.model import NO_METHOD
from harness.claims.points import predicted_points, verdict_of
from harness.plugin.keys import SKIPPED_MODULES, START_METHODS, TARGETS
from harness.project import PROJECT_ROOT

TESTS = Path(__file__).parent
TESTABLE = [c.id for c in CLAIMS.values() if c.testable]


@pytest.mark.meta
def test_every_test_names_a_known_claim(collected_claims):
    _, problems, _ = collected_claims
    assert problems == []


@pytest.mark.meta
def test_no_test_module_skips_itself_whole(request):
    """A module-level skip (importorskip) drops its tests quietly, and with them the checks
    below, which run only when every test file was collected."""
    assert request.config.stash.get(SKIPPED_MODULES, []) == []


def runnable_start_methods(config: pytest.Config) -> set[str]:
    """The start methods this run selected (--start-method) that some collected interpreter has."""
    present = {m for target in config.stash[TARGETS] for m in target.start_methods}
    return set(config.stash[START_METHODS]) & present


@pytest.mark.meta
def test_every_testable_claim_has_tests_under_each_start_method(collected_claims, request):
    """Under each start method of the claim that this run can use (none: one test without a method)."""
    claimed, _, files = collected_claims
    if not set(TESTS.glob("test_*.py")) <= files:
        pytest.skip("only part of the suite was collected")
    runnable = runnable_start_methods(request.config)
    missing = {}
    for claim in CLAIMS.values():
        if not claim.testable:
            continue
        wanted = set(claim.start_methods) & runnable if claim.start_methods else {NO_METHOD}
        lacking = wanted - claimed.get(claim.id, set())
        if lacking:
            missing[claim.id] = sorted(lacking)
    assert missing == {}


@pytest.mark.meta
def test_every_testable_claim_is_observed_under_each_start_method(collected_claims, observing_claims):
    """Some test of each claim observes its fact (the observe fixture), wherever the claim has tests."""
    claimed, _, files = collected_claims
    if not set(TESTS.glob("test_*.py")) <= files:
        pytest.skip("only part of the suite was collected")
    lacking = {}
    for claim_id in TESTABLE:
        wanted = (set(CLAIMS[claim_id].start_methods) or {NO_METHOD}) & claimed.get(claim_id, set())
        missing = wanted - observing_claims.get(claim_id, set())
        if missing:
            lacking[claim_id] = sorted(missing)
    assert lacking == {}


@pytest.mark.meta
@pytest.mark.parametrize("claim_id", TESTABLE)
def test_verdict_is_what_the_predictions_show(claim_id):
    """The declared verdict follows from the predicted points (every platform, version, start method, condition)."""
    claim = CLAIMS[claim_id]
    shown = verdict_of(predicted_points(claim))
    assert shown is claim.verdict, (
        f"{claim_id} is declared {claim.verdict.value!r}; its predictions show {shown.value if shown else None!r}"
    )


@pytest.mark.meta
def test_opinions_are_kept_but_have_no_tests(collected_claims):
    claimed, _, _ = collected_claims
    opinions = [c.id for c in CLAIMS.values() if not c.testable]
    assert [c for c in opinions if c in claimed] == []


@pytest.mark.meta
def test_every_section_has_claims():
    assert {s.key for s in SECTIONS} == {c.section.key for c in CLAIMS.values()}


@pytest.mark.meta
def test_every_claim_cites_lines_of_its_section():
    outside = {
        c.id: c.note.lines
        for c in CLAIMS.values()
        if c.note is not None and not c.section.lines[0] <= c.note.lines[0] <= c.note.lines[1] <= c.section.lines[1]
    }
    assert outside == {}


@pytest.mark.meta
def test_each_section_names_its_four_files():
    """A maintainer finds a section's catalogue, scenario, tests and mutants by its one name."""
    expected = {
        f"{section.key}: {path}"
        for section in SECTIONS
        for path in (
            f"harness/claims/catalogue/{section.name}.py",
            f"scenarios/{section.name}.py",
            f"tests/test_{section.name}.py",
            f"mutants/{section.name}.py",
        )
    }
    assert {line for line in expected if not (PROJECT_ROOT / line.split(": ")[1]).is_file()} == set()
    assert [s for s in SECTIONS if importlib.import_module(f"harness.claims.catalogue.{s.name}").SECTION is not s] == []
