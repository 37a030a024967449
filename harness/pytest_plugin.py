"""pytest plugin: claim markers, start-method parametrisation, scenario runs,
log capture, and the claim/start-method columns of the HTML report."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Set

import pytest

from harness.catalogue import CLAIMS
from harness.mplog import MpLog, from_logging
from harness.runner import RunResult, RunSpec
from harness.scenario_cache import RunCache

# claim id -> start methods its collected tests run under ("" = none)
CLAIMED = pytest.StashKey[Dict[str, Set[str]]]()
UNKNOWN_CLAIMS = pytest.StashKey[List[str]]()
COLLECTED_FILES = pytest.StashKey[Set[Path]]()
RUNS = pytest.StashKey[List[RunResult]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "claim(id): the catalogue claim this test proves")
    config.addinivalue_line("markers", "start_methods(*names): limit the start methods of this test")
    config.addinivalue_line("markers", "meta: checks the suite itself, proves no claim")


def _claim_id(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("claim")
    return str(marker.args[0]) if marker and marker.args else None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "start_method" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("start_methods")
    claim_marker = metafunc.definition.get_closest_marker("claim")
    if marker:
        wanted = tuple(marker.args)
    elif claim_marker and claim_marker.args[0] in CLAIMS:
        wanted = CLAIMS[claim_marker.args[0]].start_methods
    else:
        wanted = tuple(multiprocessing.get_all_start_methods())
    available = multiprocessing.get_all_start_methods()
    methods = [m for m in wanted if m in available]
    metafunc.parametrize("start_method", methods, ids=methods)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Record every collected test's claim before -k/-m deselect any."""
    claimed: dict[str, set[str]] = defaultdict(set)
    unknown: list[str] = []
    files: set[Path] = set()
    for item in items:
        files.add(Path(str(item.path)))
        claim_id = _claim_id(item)
        if claim_id is None:
            if item.get_closest_marker("meta") is None:
                unknown.append(f"{item.nodeid}: no claim marker")
            continue
        if claim_id not in CLAIMS:
            unknown.append(f"{item.nodeid}: unknown claim {claim_id!r}")
            continue
        # `pytest -k LOG-04` selects a claim's tests; `-k LOG` a whole section.
        item.extra_keyword_matches.update({claim_id, CLAIMS[claim_id].section.key})
        callspec = getattr(item, "callspec", None)
        claimed[claim_id].add(callspec.params.get("start_method", "") if callspec else "")
    config.stash[CLAIMED] = claimed
    config.stash[UNKNOWN_CLAIMS] = unknown
    config.stash[COLLECTED_FILES] = files


@pytest.fixture
def collected_claims(request: pytest.FixtureRequest) -> tuple[dict[str, set[str]], list[str], set[Path]]:
    """(claim -> start methods, tests with unknown/no claim, collected files)."""
    config = request.config
    return config.stash[CLAIMED], config.stash[UNKNOWN_CLAIMS], config.stash[COLLECTED_FILES]


def pytest_runtest_setup(item: pytest.Item) -> None:
    claim_id = _claim_id(item)
    if claim_id:
        item.user_properties.append(("claim", claim_id))
    callspec = getattr(item, "callspec", None)
    if callspec and "start_method" in callspec.params:
        item.user_properties.append(("start_method", callspec.params["start_method"]))


@pytest.fixture(scope="session")
def _run_cache(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> RunCache:
    base = tmp_path_factory.getbasetemp()
    # xdist workers' base dirs share a per-session parent: share runs there.
    root = base.parent if worker_id != "master" else base
    return RunCache(root / "mpspec-runs")


ScenarioRunner = Callable[..., RunResult]


@pytest.fixture
def run_scenario(request: pytest.FixtureRequest, _run_cache: RunCache) -> ScenarioRunner:
    """``run_scenario(name, start_method, variant=None, python_flags=(), python=None, **params)``.

    ``python`` is the interpreter that runs the scenario (default: this one).

    Returns the (session-cached) run.  A run that timed out or left processes
    behind fails the test; every run's transcript is attached to the report.
    """
    runs: list[RunResult] = []
    request.node.stash[RUNS] = runs

    def run(
        scenario: str,
        start_method: str,
        variant: str | None = None,
        python_flags: tuple[str, ...] = (),
        python: str | None = None,
        **params: Any,
    ) -> RunResult:
        spec = RunSpec(
            scenario=scenario,
            start_method=start_method,
            variant=variant,
            params=tuple(sorted((k.replace("_", "-"), str(v)) for k, v in params.items())),
            python=python or sys.executable,
            python_flags=tuple(python_flags),
        )
        result = _run_cache.get(spec, on_interrupt=runs.append)
        runs.append(result)
        if result.timed_out:
            pytest.fail(f"scenario timed out after {spec.deadline:.0f} s: {spec.label()}", pytrace=False)
        if result.leftovers:
            pytest.fail(f"scenario left processes behind (now killed): {list(result.leftovers)}", pytrace=False)
        return result

    return run


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    if call.when == "call":
        for result in item.stash.get(RUNS, []):
            item.add_report_section("call", f"scenario {result.spec.label()}", result.transcript())
    return (yield)


@pytest.fixture
def mp_log_capture() -> Iterator[Callable[[], MpLog]]:
    """Capture this process's own multiprocessing log records.

    The multiprocessing logger does not propagate, so ``caplog`` sees its
    records only on pytest 9+ and only if the logger existed before the test
    started.  This works either way; the logger's level, handlers and
    propagate flag, and the flag that tells children to log to stderr, are
    restored afterwards.
    """
    logger = multiprocessing.get_logger()
    # util._log_to_stderr tells spawned children to call log_to_stderr() too.
    saved = (logger.level, list(logger.handlers), logger.propagate, multiprocessing.util._log_to_stderr)  # type: ignore[attr-defined]
    records: list[logging.LogRecord] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = _Keep(level=1)
    logger.addHandler(handler)
    try:
        yield lambda: from_logging(records)
    finally:
        logger.setLevel(saved[0])
        logger.handlers[:] = saved[1]
        logger.propagate = saved[2]
        multiprocessing.util._log_to_stderr = saved[3]  # type: ignore[attr-defined]


# --- pytest-html columns (only when pytest-html is installed) -------------


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_header(cells: list[str]) -> None:
    cells.insert(2, "<th>Claim</th>")
    cells.insert(3, "<th>Start method</th>")


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_row(report: pytest.TestReport, cells: list[str]) -> None:
    props = dict(report.user_properties)
    cells.insert(2, f"<td>{props.get('claim', '')}</td>")
    cells.insert(3, f"<td>{props.get('start_method', '')}</td>")
