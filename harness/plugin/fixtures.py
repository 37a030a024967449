"""What claim tests use: ``run_scenario`` (a scenario run in a fresh interpreter, shared
through the session's run cache), ``observe``, ``the_note`` and ``mp_log_capture``; and a
timer that stops runs in flight before pytest-timeout's thread method ends pytest."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import threading
from typing import Any, Callable, Iterator

import pytest

from harness.claims import note
from harness.claims.catalogue import CLAIMS
from harness.claims.model import NO_METHOD
from harness.plugin.keys import OBSERVER, RUN_FILES, RUNS, STOPPER, THE_NOTE, claim_id
from harness.plugin.selection import shared_dir
from harness.running.cache import RunCache
from harness.running.mplog import MpLog, from_logging
from harness.running.runner import stop_runs_in_flight
from harness.running.spec import RunResult, RunSpec, RunStopped
from harness.running.targets import Target, host
from harness.verdicts.observe import Observer


@pytest.fixture(scope="session")
def run_cache(request: pytest.FixtureRequest) -> RunCache:
    """The session's scenario runs, shared by every test and xdist worker."""
    return RunCache(shared_dir(request.config, "mpspec-runs"))


ScenarioRunner = Callable[..., RunResult]


@pytest.fixture
def run_scenario(
    request: pytest.FixtureRequest, run_cache: RunCache, target: Target, repetition: int
) -> ScenarioRunner:
    """``run_scenario(name, start_method, variant=NAME, python_flags=(), python=None, **params)``.

    The variant is always named, so a reader of the test sees which program it runs.

    ``python`` is the interpreter that runs the scenario (default: the test's target);
    ``start_method=""`` leaves the choice to the interpreter's default.

    Returns the (session-cached) run.  A run that timed out or left processes
    behind fails the test; a failing test's report carries every run's transcript.
    """
    runs: list[RunResult] = []
    request.node.stash[RUNS] = runs
    files: list[str] = []
    request.node.stash[RUN_FILES] = files

    def run(
        scenario: str,
        start_method: str,
        *,
        variant: str,
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
            pytest.fail(f"scenario stopped {stopped}: {spec.command_line()}", pytrace=False)
        runs.append(result)
        files.append(str(run_cache.file(spec)))
        if result.timed_out:
            pytest.fail(f"scenario timed out after {spec.deadline:g} s: {spec.command_line()}", pytrace=False)
        if result.leftovers:
            pytest.fail(f"scenario left processes behind (now killed): {list(result.leftovers)}", pytrace=False)
        undeclared = sorted({e.event for e in result.trace.undeclared()})
        if undeclared:
            pytest.fail(f"the scenario emitted undeclared events {undeclared}: {spec.command_line()}", pytrace=False)
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
    claim = claim_id(request.node)
    observer = Observer(
        CLAIMS.get(claim) if claim else None,
        params.get("target") or host(),
        params.get("start_method") or NO_METHOD,
    )
    request.node.stash[OBSERVER] = observer
    return observer


@pytest.fixture
def the_note(request: pytest.FixtureRequest) -> note.Note:
    """The study note (``--note PATH`` or the default location); skips the test without it."""
    the_note = request.config.stash[THE_NOTE]
    if the_note is None:
        pytest.skip(note.HOW_TO_GET_IT)
    return the_note


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
