"""What the meta-tests use: the claims of the collected tests, an inner pytest run,
and the plain data a meta-test hands to the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from harness.plugin.keys import CLAIMED, COLLECTED_FILES, OBSERVED, REPORT_EXTRA, UNKNOWN_CLAIMS
from harness.project import IsolatedRun


@pytest.fixture
def collected_claims(request: pytest.FixtureRequest) -> tuple[dict[str, set[str]], list[str], set[Path]]:
    """(claim -> start methods, tests with unknown/no claim, collected files)."""
    config = request.config
    return config.stash[CLAIMED], config.stash[UNKNOWN_CLAIMS], config.stash[COLLECTED_FILES]


@pytest.fixture
def observing_claims(request: pytest.FixtureRequest) -> dict[str, set[str]]:
    """claim -> start methods under which some collected test observes it."""
    return request.config.stash[OBSERVED]


@pytest.fixture
def inner_pytest(pytester: pytest.Pytester) -> Callable[..., pytest.RunResult]:
    """``inner_pytest(*args)``: pytest run in this process (so it sees this process's
    catalogue), serial and without a cache, its temporary files and reports (HTML,
    JUnit, matrix) inside the pytester folder, never in the project's reports/."""

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_inprocess(*IsolatedRun(pytester.path).args(), "-n", "0", *args)

    return run


@pytest.fixture
def report_extra(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Plain data a meta-test hands to the report plugin (the note's counts, say)."""
    extra: dict[str, Any] = request.node.stash.setdefault(REPORT_EXTRA, {})
    return extra
