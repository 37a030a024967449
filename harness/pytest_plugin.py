"""pytest plugin: claim markers, target interpreters and start methods, scenario
runs and log capture.  The report side is in harness.report_plugin."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import random
from collections import defaultdict
from collections.abc import Generator
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Set

import pytest

from harness.catalogue import CLAIMS
from harness.claims import ALL_START_METHODS
from harness.mplog import MpLog, from_logging
from harness.runner import RunResult, RunSpec
from harness.scenario_cache import RunCache
from harness.targets import Target, TargetError, discover, host

# claim id -> start methods its collected tests run under ("" = none)
CLAIMED = pytest.StashKey[Dict[str, Set[str]]]()
UNKNOWN_CLAIMS = pytest.StashKey[List[str]]()
COLLECTED_FILES = pytest.StashKey[Set[Path]]()
RUNS = pytest.StashKey[List[RunResult]]()
TARGETS = pytest.StashKey[List[Target]]()
METHODS = pytest.StashKey[List[str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mpspec")
    group.addoption(
        "--python",
        action="append",
        default=[],
        metavar="PYTHON",
        help="interpreter that runs the scenarios: a version (3.8), a command (pypy3), a path "
        "(as --python=PATH) or 'all' (every CPython and PyPy found); repeatable; default: the one running pytest",
    )
    group.addoption(
        "--start-method",
        action="append",
        default=[],
        metavar="METHOD",
        help="limit the start methods (fork, spawn, forkserver); repeatable; default: all the target supports",
    )
    group.addoption(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run every scenario N times (as N separate runs) and report the pass rate per claim",
    )
    group.addoption(
        "--shuffle",
        type=int,
        default=None,
        metavar="SEED",
        help="run the tests in an order shuffled with SEED (the same on every xdist worker)",
    )
    group.addoption(
        "--matrix-json",
        default=None,
        metavar="PATH",
        help="where to write the verdict matrix JSON (the HTML goes beside it); default: reports/matrix.json",
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-metadata, whose table lists the targets
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "claim(id): the catalogue claim this test proves")
    config.addinivalue_line("markers", "start_methods(*names): limit the start methods of this test")
    config.addinivalue_line("markers", "meta: checks the suite itself, proves no claim")
    methods: list[str] = config.getoption("start_method")
    unknown = [m for m in methods if m not in ALL_START_METHODS]
    if unknown:
        raise pytest.UsageError(
            f"--start-method {unknown[0]}: unknown start method (choose from {', '.join(ALL_START_METHODS)})"
        )
    config.stash[METHODS] = methods or list(ALL_START_METHODS)
    if config.getoption("repeat") < 1:
        raise pytest.UsageError(f"--repeat {config.getoption('repeat')}: must be 1 or more")
    specs: list[str] = config.getoption("python")
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and "mpspec_targets" in workerinput:
        # An xdist worker: take the controller's targets instead of probing again.
        config.stash[TARGETS] = [Target.from_json(t) for t in workerinput["mpspec_targets"]]
        return
    try:
        config.stash[TARGETS] = discover(specs) if specs else [host()]
    except TargetError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: hand the probed targets to each worker."""
    node.workerinput["mpspec_targets"] = [t.to_json() for t in node.config.stash[TARGETS]]


def _claim_id(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("claim")
    return str(marker.args[0]) if marker and marker.args else None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise scenario tests over (target interpreter, start method) pairs,
    or over targets alone for a test that lets each target use its default."""
    repeat: int = metafunc.config.getoption("repeat")
    if repeat > 1 and "run_scenario" in metafunc.fixturenames:
        metafunc.parametrize("repetition", range(repeat), ids=[f"run{i + 1}" for i in range(repeat)])
    if "start_method" not in metafunc.fixturenames:
        if "target" in metafunc.fixturenames and "run_scenario" in metafunc.fixturenames:
            targets = metafunc.config.stash[TARGETS]
            metafunc.parametrize("target", targets, ids=[t.label for t in targets])
        return
    marker = metafunc.definition.get_closest_marker("start_methods")
    claim_marker = metafunc.definition.get_closest_marker("claim")
    if marker:
        wanted = tuple(marker.args)
    elif claim_marker and claim_marker.args[0] in CLAIMS:
        wanted = CLAIMS[claim_marker.args[0]].start_methods
    else:
        wanted = ALL_START_METHODS
    selected = metafunc.config.stash[METHODS]
    if "target" not in metafunc.fixturenames:
        methods = [m for m in wanted if m in selected and m in multiprocessing.get_all_start_methods()]
        metafunc.parametrize("start_method", methods, ids=methods)
        return
    pairs = [(t, m) for t in metafunc.config.stash[TARGETS] for m in wanted if m in selected and m in t.start_methods]
    metafunc.parametrize(("target", "start_method"), pairs, ids=[f"{t.label}-{m}" for t, m in pairs])


@pytest.fixture
def repetition() -> int:
    """Which of the --repeat runs of each scenario this test asserts on."""
    return 0


@pytest.fixture
def target() -> Target:
    """The interpreter that runs this test's scenarios (parametrised when tests take a start method)."""
    return host()


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
        params = callspec.params if callspec else {}
        claimed[claim_id].add(params.get("start_method", ""))
        # Travels with every report (also from xdist workers) to the report plugin.
        the_target = params.get("target") or host()
        item.user_properties += [
            ("claim", claim_id),
            ("target", the_target.column_key),
            ("python", the_target.label),
            ("start_method", params.get("start_method", "-")),
        ]
        # With --dist loadgroup, tests that share scenario runs share a worker,
        # so no worker waits for a run another one is making.
        item.add_marker(pytest.mark.xdist_group(f"{item.path.stem}-{the_target.label}-{params.get('start_method')}"))
    config.stash[CLAIMED] = claimed
    config.stash[UNKNOWN_CLAIMS] = unknown
    config.stash[COLLECTED_FILES] = files
    seed: int | None = config.getoption("shuffle")
    if seed is not None:
        # Seeded, so every xdist worker collects the same order, as xdist requires.
        random.Random(seed).shuffle(items)


@pytest.fixture
def collected_claims(request: pytest.FixtureRequest) -> tuple[dict[str, set[str]], list[str], set[Path]]:
    """(claim -> start methods, tests with unknown/no claim, collected files)."""
    config = request.config
    return config.stash[CLAIMED], config.stash[UNKNOWN_CLAIMS], config.stash[COLLECTED_FILES]


@pytest.fixture(scope="session")
def run_cache(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> RunCache:
    """The session's scenario runs, shared by every test and xdist worker."""
    base = tmp_path_factory.getbasetemp()
    # xdist workers' base dirs share a per-session parent: share runs there.
    root = base.parent if worker_id != "master" else base
    return RunCache(root / "mpspec-runs")


ScenarioRunner = Callable[..., RunResult]


@pytest.fixture
def run_scenario(
    request: pytest.FixtureRequest, run_cache: RunCache, target: Target, repetition: int
) -> ScenarioRunner:
    """``run_scenario(name, start_method, variant=None, python_flags=(), python=None, **params)``.

    ``python`` is the interpreter that runs the scenario (default: the test's target);
    ``start_method=""`` leaves the choice to the interpreter's default.

    Returns the (session-cached) run.  A run that timed out or left processes
    behind fails the test; a failing test's report carries every run's transcript.
    """
    runs: list[RunResult] = []
    request.node.stash[RUNS] = runs
    files: list[str] = []
    # Travels with the report: the report plugin shows these runs as the claim's evidence.
    request.node.user_properties.append(("runs", files))

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
            python=python or target.path,
            python_flags=tuple(python_flags),
            repetition=repetition,
        )
        result = run_cache.get(spec, on_interrupt=runs.append)
        runs.append(result)
        files.append(str(run_cache.file(spec)))
        if result.timed_out:
            pytest.fail(f"scenario timed out after {spec.deadline:g} s: {spec.label()}", pytrace=False)
        if result.leftovers:
            pytest.fail(f"scenario left processes behind (now killed): {list(result.leftovers)}", pytrace=False)
        return result

    return run


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing test shows the transcript of every scenario run it used."""
    report = yield
    if report.failed:
        for result in item.stash.get(RUNS, []):
            report.sections.append((f"scenario {result.spec.label()}", result.transcript()))
    return report


@pytest.fixture
def against_document(request: pytest.FixtureRequest) -> Callable[[str, str, str], None]:
    """``against_document(what, document, this_run)``: one line of the report's
    side-by-side, where the document showed output.  ``document`` describes or
    cites the fact the document's transcript shows, never its text at length."""

    def record(what: str, document: str, this_run: str) -> None:
        request.node.user_properties.append(("evidence", {"what": what, "document": document, "run": this_run}))

    return record


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
