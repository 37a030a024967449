"""The catalogue and the tests agree: every testable claim is proven, every test names a claim."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.catalogue import CLAIMS, SECTIONS

TESTS = Path(__file__).parent


@pytest.mark.meta
def test_every_test_names_a_known_claim(collected_claims):
    _, problems, _ = collected_claims
    assert problems == []


@pytest.mark.meta
def test_every_testable_claim_has_tests_under_each_start_method(collected_claims):
    claimed, _, files = collected_claims
    if not set(TESTS.glob("test_*.py")) <= files:
        pytest.skip("only part of the suite was collected")
    missing = {}
    for claim in CLAIMS.values():
        if not claim.testable:
            continue
        wanted = set(claim.start_methods) or {""}
        lacking = wanted - claimed.get(claim.id, set())
        if lacking:
            missing[claim.id] = sorted(lacking)
    assert missing == {}


@pytest.mark.meta
def test_opinions_are_kept_but_have_no_tests(collected_claims):
    claimed, _, _ = collected_claims
    opinions = [c.id for c in CLAIMS.values() if not c.testable]
    assert [c for c in opinions if c in claimed] == []


@pytest.mark.meta
def test_every_section_has_claims():
    assert {s.key for s in SECTIONS} == {c.section.key for c in CLAIMS.values()}
