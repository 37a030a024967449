"""pytest plugin: claim markers, target interpreters and start methods, scenario
runs and log capture.  The report side is in harness.plugin.report_plugin."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import random
import subprocess
import threading
from collections import defaultdict
from collections.abc import Generator
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Set

import pytest

from harness.claims import note
from harness.claims.catalogue import CLAIMS, SECTIONS
from harness.claims.model import ALL_START_METHODS, NO_METHOD, UNDER_WINE
from harness.running import wine
from harness.running.cache import RunCache
from harness.running.mplog import MpLog, from_logging
from harness.running.runner import RunResult, RunSpec, RunStopped, stop_runs_in_flight
from harness.running.targets import Target, TargetError, discover, host, newest_windows_build
from harness.verdicts.observe import Observer

# claim id -> start methods its collected tests run under ("" = none)
CLAIMED = pytest.StashKey[Dict[str, Set[str]]]()
# claim id -> start methods under which a collected test observes it (uses the observe fixture)
OBSERVED = pytest.StashKey[Dict[str, Set[str]]]()
UNKNOWN_CLAIMS = pytest.StashKey[List[str]]()
COLLECTED_FILES = pytest.StashKey[Set[Path]]()
RUNS = pytest.StashKey[List[RunResult]]()
RUN_FILES = pytest.StashKey[List[str]]()
OBSERVER = pytest.StashKey[Observer]()
REPORT_EXTRA = pytest.StashKey[Dict[str, Any]]()
# The note, read once at configure time (None: not at hand)
THE_NOTE = pytest.StashKey[Optional[note.Note]]()
TARGETS = pytest.StashKey[List[Target]]()
METHODS = pytest.StashKey[List[str]]()
# A claim test's column in the verdict matrix (linux/cpython3.11): for the report, not for JUnit XML
COLUMN = pytest.StashKey[str]()
# --claim / --section: the claims whose tests run (None: every test)
SELECTED = pytest.StashKey[Optional[Set[str]]]()
WINE_KEEPERS = pytest.StashKey[List["subprocess.Popen[bytes]"]]()
# Without --python: the newest Windows build under Wine, if one is installed (marker also_on_windows)
EXTRA_WINDOWS = pytest.StashKey[List[Target]]()
# A test's timer that stops its scenario runs before pytest-timeout's thread method ends pytest
STOPPER = pytest.StashKey[threading.Timer]()
# Test modules that skipped themselves whole at import (importorskip), with the reason
SKIPPED_MODULES = pytest.StashKey[List[str]]()


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
        "--claim",
        action="append",
        default=[],
        metavar="ID",
        help="run only the tests of claim ID (LOG-04); repeatable, and with --section",
    )
    group.addoption(
        "--section",
        action="append",
        default=[],
        metavar="KEY",
        help=f"run only the tests of the claims of section KEY ({', '.join(s.key for s in SECTIONS)}); repeatable",
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
        "--note",
        default=None,
        metavar="PATH",
        help="your copy of the study note (a file, or a folder holding it), for the checks of what it says; "
        f"default: {note.DEFAULT_LOCATION} when it exists",
    )
    group.addoption(
        "--claim-failfast",
        action="store_true",
        help="skip a claim's remaining tests once one of them failed (the mutation self-check uses it)",
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
    config.addinivalue_line(
        "markers", "also_on_windows: without --python, runs on a Windows build under Wine too, where one is installed"
    )
    methods: list[str] = config.getoption("start_method")
    unknown = [m for m in methods if m not in ALL_START_METHODS]
    if unknown:
        raise pytest.UsageError(
            f"--start-method {unknown[0]}: unknown start method (choose from {', '.join(ALL_START_METHODS)})"
        )
    config.stash[METHODS] = methods or list(ALL_START_METHODS)
    config.stash[SELECTED] = selected_claims(config.getoption("claim"), config.getoption("section"))
    try:
        # Read here, so a note that cannot be read is one usage error, not one per test.
        path = note.find(config.getoption("note"))
        config.stash[THE_NOTE] = note.Note.load(path) if path else None
    except note.NoteError as exc:
        raise pytest.UsageError(str(exc)) from None
    if config.getoption("repeat") < 1:
        raise pytest.UsageError(f"--repeat {config.getoption('repeat')}: must be 1 or more")
    specs: list[str] = config.getoption("python")
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and "mpspec_targets" in workerinput:
        # An xdist worker: take the controller's targets instead of probing again.
        config.stash[TARGETS] = [Target.from_json(t) for t in workerinput["mpspec_targets"]]
        config.stash[EXTRA_WINDOWS] = [Target.from_json(t) for t in workerinput["mpspec_extra_windows"]]
        return
    try:
        config.stash[TARGETS] = discover(specs) if specs else [host()]
    except TargetError as exc:
        raise pytest.UsageError(str(exc)) from None
    # The note's own platform beside this one, for the tests marked also_on_windows.
    windows = None if specs else newest_windows_build()
    config.stash[EXTRA_WINDOWS] = [windows] if windows else []
    # One idle Windows process per Wine build for the whole session (harness.running.wine.keep_alive).
    wine_builds = [t for t in config.stash[TARGETS] + config.stash[EXTRA_WINDOWS] if UNDER_WINE in t.environment]
    config.stash[WINE_KEEPERS] = [wine.keep_alive(t.path) for t in wine_builds]


def pytest_unconfigure(config: pytest.Config) -> None:
    for keeper in config.stash.get(WINE_KEEPERS, []):
        wine.release(keeper)


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Where --python all could not have the Windows column, the one line that says how to get it."""
    line = wine.notice() if "all" in config.getoption("python") else None
    return [line] if line else []


def selected_claims(claim_ids: list[str], section_keys: list[str]) -> set[str] | None:
    """The claims --claim and --section name (None when neither is given); bad input: a UsageError."""
    if not claim_ids and not section_keys:
        return None
    testable = [c.id for c in CLAIMS.values() if c.testable]
    selected = set()
    for given in claim_ids:
        claim = CLAIMS.get(given.upper())
        if claim is None or not claim.testable:
            why = "an opinion, which has no tests" if claim else "unknown claim"
            raise pytest.UsageError(f"--claim {given}: {why} (choose from {', '.join(testable)})")
        selected.add(claim.id)
    keys = [s.key for s in SECTIONS]
    for given in section_keys:
        if given.upper() not in keys:
            raise pytest.UsageError(f"--section {given}: unknown section (choose from {', '.join(keys)})")
        selected.update(c for c in testable if CLAIMS[c].section.key == given.upper())
    return selected


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: hand the probed targets to each worker."""
    node.workerinput["mpspec_targets"] = [t.to_json() for t in node.config.stash[TARGETS]]
    node.workerinput["mpspec_extra_windows"] = [t.to_json() for t in node.config.stash[EXTRA_WINDOWS]]


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
            if metafunc.definition.get_closest_marker("also_on_windows"):
                targets = targets + metafunc.config.stash[EXTRA_WINDOWS]
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
    """Record every collected test's claim before --claim, --section, -k or -m
    deselect any; then keep the selected claims' tests."""
    _record_claims(config, items)
    selected = config.stash[SELECTED]
    if selected is not None:
        # Exactly the tests marked with a selected claim: -k would also match names and other claims.
        deselected = [item for item in items if _claim_id(item) not in selected]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if _claim_id(item) in selected]
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
        method = params.get("start_method", "")
        if not isinstance(method, str):
            continue  # no start method of the claim was selected: pytest skips its empty parameter set
        claimed[claim_id].add(method)
        if "observe" in getattr(item, "fixturenames", ()):
            observed[claim_id].add(method)
        # Travels with every report (also from xdist workers) to the report plugin and JUnit XML.
        the_target = params.get("target") or host()
        item.user_properties += [("claim", claim_id), ("python", the_target.label), ("start_method", method or "-")]
        item.stash[COLUMN] = the_target.column_key
        # With --dist loadgroup, tests that share scenario runs share a worker,
        # so no worker waits for a run another one is making.
        item.add_marker(pytest.mark.xdist_group(f"{item.path.stem}-{the_target.label}-{method or None}"))
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


@pytest.fixture
def collected_claims(request: pytest.FixtureRequest) -> tuple[dict[str, set[str]], list[str], set[Path]]:
    """(claim -> start methods, tests with unknown/no claim, collected files)."""
    config = request.config
    return config.stash[CLAIMED], config.stash[UNKNOWN_CLAIMS], config.stash[COLLECTED_FILES]


@pytest.fixture
def observing_claims(request: pytest.FixtureRequest) -> dict[str, set[str]]:
    """claim -> start methods under which some collected test observes it."""
    return request.config.stash[OBSERVED]


def _shared_dir(config: pytest.Config, name: str) -> Path:
    """A folder every xdist worker of the session sees: workers' base temp dirs share a parent."""
    base = Path(config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]
    return (base.parent if hasattr(config, "workerinput") else base) / name


@pytest.fixture(scope="session")
def run_cache(request: pytest.FixtureRequest) -> RunCache:
    """The session's scenario runs, shared by every test and xdist worker."""
    return RunCache(_shared_dir(request.config, "mpspec-runs"))


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
    # The report plugin shows these runs as the claim's evidence.
    request.node.stash[RUN_FILES] = files

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
        try:
            result = run_cache.get(spec, on_interrupt=runs.append)
        except RunStopped as exc:
            stopped = str(exc)  # failed outside the except clause: no "during handling" chain
        else:
            stopped = ""
        if stopped:
            pytest.fail(f"scenario stopped {stopped}: {spec.label()}", pytrace=False)
        runs.append(result)
        files.append(str(run_cache.file(spec)))
        if result.timed_out:
            pytest.fail(f"scenario timed out after {spec.deadline:g} s: {spec.label()}", pytrace=False)
        if result.leftovers:
            pytest.fail(f"scenario left processes behind (now killed): {list(result.leftovers)}", pytrace=False)
        undeclared = sorted({e.event for e in result.trace.undeclared()})
        if undeclared:
            pytest.fail(f"the scenario emitted undeclared events {undeclared}: {spec.label()}", pytrace=False)
        return result

    return run


# pytest-timeout's thread method (Windows; or off the main thread) ends pytest with os._exit(),
# which never lets a run kill its process tree: a timer of ours does it a moment before.
STOP_AHEAD = 1.0  # seconds before pytest-timeout's timer (half the timeout at most)


@pytest.hookimpl(optionalhook=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> None:
    """Returns None, so pytest-timeout's own implementation sets its timer too."""
    if settings.method != "thread" and threading.current_thread() is threading.main_thread():
        return  # the signal method raises in the test: the run being made kills its tree itself
    ahead = min(STOP_AHEAD, settings.timeout / 2)
    why = f"{ahead:g} s before pytest-timeout's {settings.timeout:g} s, whose thread method ends pytest at once"
    stopper = threading.Timer(settings.timeout - ahead, stop_runs_in_flight, (why,))
    stopper.daemon = True
    item.stash[STOPPER] = stopper
    stopper.start()


@pytest.hookimpl(optionalhook=True)
def pytest_timeout_cancel_timer(item: pytest.Item) -> None:
    stopper = item.stash.get(STOPPER, None)
    if stopper is not None:
        stopper.cancel()
        stopper.join()  # a stop under way ends before the next test starts runs
        del item.stash[STOPPER]


@pytest.fixture
def observe(request: pytest.FixtureRequest) -> Observer:
    """``observe(value, condition="")``: what this test observed about its claim's
    fact, held against the catalogue's prediction for this interpreter and start
    method; ``observe.expect(expectation)``: a predicted value to assert on."""
    callspec = getattr(request.node, "callspec", None)
    params = callspec.params if callspec else {}
    claim_id = _claim_id(request.node)
    observer = Observer(
        CLAIMS.get(claim_id) if claim_id else None,
        params.get("target") or host(),
        params.get("start_method") or NO_METHOD,
    )
    request.node.stash[OBSERVER] = observer
    return observer


@pytest.fixture
def inner_pytest(pytester: pytest.Pytester) -> Callable[..., pytest.RunResult]:
    """``inner_pytest(*args)``: pytest run in this process (so it sees this process's
    catalogue), serial and without a cache, its temporary files and reports (HTML,
    JUnit, matrix) inside the pytester folder, never in the project's reports/."""

    def run(*args: str) -> pytest.RunResult:
        here = pytester.path
        return pytester.runpytest_inprocess(
            *("-p", "no:cacheprovider", "-n", "0", f"--basetemp={here / 'tmp'}", f"--html={here / 'report.html'}"),
            *(f"--junitxml={here / 'junit.xml'}", f"--matrix-json={here / 'matrix.json'}", *args),
        )

    return run


@pytest.fixture
def report_extra(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Plain data a meta-test hands to the report plugin (the note's counts, say)."""
    extra: dict[str, Any] = request.node.stash.setdefault(REPORT_EXTRA, {})
    return extra


@pytest.fixture
def the_note(request: pytest.FixtureRequest) -> note.Note:
    """The study note (``--note PATH`` or the default location); skips the test without it."""
    the_note = request.config.stash[THE_NOTE]
    if the_note is None:
        pytest.skip(note.HOW_TO_GET_IT)
    return the_note


def _failed_claims_dir(config: pytest.Config) -> Path:
    return _shared_dir(config, "mpspec-failed-claims")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """--claim-failfast: a claim that already failed is not run further."""
    claim_id = _claim_id(item)
    if claim_id and item.config.getoption("claim_failfast") and (_failed_claims_dir(item.config) / claim_id).exists():
        pytest.skip(f"{claim_id} already failed (--claim-failfast)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing test shows the transcript of every scenario run it used; every
    report carries what the test observed and relied on, and its runs."""
    report = yield
    if report.failed:
        for result in item.stash.get(RUNS, []):
            report.sections.append((f"scenario {result.spec.label()}", result.transcript()))
        claim_id = _claim_id(item)
        if claim_id and item.config.getoption("claim_failfast"):
            failed = _failed_claims_dir(item.config)
            failed.mkdir(parents=True, exist_ok=True)
            (failed / claim_id).touch()
    observer = item.stash.get(OBSERVER, None)
    run_files: list[str] = item.stash.get(RUN_FILES, [])
    extra: dict[str, Any] = item.stash.get(REPORT_EXTRA, {})
    # Plain data, so xdist carries it from the workers (pytest keeps unknown report attributes).
    report.mpspec = {  # type: ignore[attr-defined]
        "observations": [o.to_json() for o in observer.observations] if observer else [],
        "uses": [u.to_json() for u in observer.uses] if observer else [],
        "runs": list(run_files),
        "extra": dict(extra),
        "target": item.stash.get(COLUMN, ""),
    }
    return report


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
