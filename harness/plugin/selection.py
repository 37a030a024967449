"""Which tests run: every collected test's claim recorded (for the meta-tests and the
report) before --claim, --section, -k or -m deselect any; --claim/--section and
--shuffle applied; --claim-failfast's skip of a claim that already failed."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Generator
from pathlib import Path

import pytest

from harness.claims.catalogue import CLAIMS
from harness.claims.model import NO_METHOD
from harness.plugin.keys import (
    CLAIMED,
    COLLECTED_FILES,
    COLUMN,
    OBSERVED,
    SELECTED,
    SKIPPED_MODULES,
    UNKNOWN_CLAIMS,
    claim_id,
)
from harness.running.targets import host


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Record every collected test's claim before --claim, --section, -k or -m
    deselect any; then keep the selected claims' tests."""
    _record_claims(config, items)
    selected = config.stash[SELECTED]
    if selected is not None:
        # Exactly the tests marked with a selected claim: -k would also match names and other claims.
        deselected = [item for item in items if claim_id(item) not in selected]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if claim_id(item) in selected]
    seed: int | None = config.getoption("shuffle")
    if seed is not None:
        # Seeded, so every xdist worker collects the same order, as xdist requires.
        random.Random(seed).shuffle(items)


def _record_claims(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test's claim and start method, for the meta-tests and the report."""
    claimed: dict[str, set[str]] = defaultdict(set)
    observed: dict[str, set[str]] = defaultdict(set)
    unknown: list[str] = []
    files: set[Path] = set()
    for item in items:
        files.add(Path(str(item.path)))
        claim = claim_id(item)
        if claim is None:
            if item.get_closest_marker("meta") is None:
                unknown.append(f"{item.nodeid}: no claim marker")
            continue
        if claim not in CLAIMS:
            unknown.append(f"{item.nodeid}: unknown claim {claim!r}")
            continue
        # `pytest -k LOG-04` selects a claim's tests; `-k LOG` a whole section.
        item.extra_keyword_matches.update({claim, CLAIMS[claim].section.key})
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec else {}
        method = params.get("start_method", NO_METHOD)
        if not isinstance(method, str):
            continue  # no start method of the claim was selected: pytest skips its empty parameter set
        claimed[claim].add(method)
        if "observe" in getattr(item, "fixturenames", ()):
            observed[claim].add(method)
        # Travels with every report (also from xdist workers) to the report and JUnit XML.
        the_target = params.get("target") or host()
        item.user_properties += [("claim", claim), ("python", the_target.name), ("start_method", method)]
        item.stash[COLUMN] = the_target.column_name
        # With --dist loadgroup, tests that share scenario runs share a worker,
        # so no worker waits for a run another one is making.
        item.add_marker(pytest.mark.xdist_group(f"{item.path.stem}-{the_target.name}-{method}"))
    config.stash[CLAIMED] = claimed
    config.stash[OBSERVED] = observed
    config.stash[UNKNOWN_CLAIMS] = unknown
    config.stash[COLLECTED_FILES] = files


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Note a module that skipped itself whole: its tests vanish from the run without a skipped test."""
    report = yield
    if isinstance(collector, pytest.Module) and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        collector.config.stash.setdefault(SKIPPED_MODULES, []).append(f"{report.nodeid}: {reason}")
    return report


def shared_dir(config: pytest.Config, name: str) -> Path:
    """A folder every xdist worker of the session sees: workers' base temp dirs share a parent."""
    base = Path(config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]
    return (base.parent if hasattr(config, "workerinput") else base) / name


def failed_claims_dir(config: pytest.Config) -> Path:
    """--claim-failfast: one empty file per claim that failed, seen by every worker."""
    return shared_dir(config, "mpspec-failed-claims")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """--claim-failfast: a claim that already failed is not run further."""
    claim = claim_id(item)
    if claim and item.config.getoption("claim_failfast") and (failed_claims_dir(item.config) / claim).exists():
        pytest.skip(f"{claim} already failed (--claim-failfast)")
