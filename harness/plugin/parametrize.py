"""The target interpreters (``--python``) and start methods a test runs under.

The controller probes the targets once and hands them to each xdist worker; scenario
tests are parametrised over (target, start method) pairs, or over targets alone for a
test that lets each target use its default start method.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest

from harness.claims.catalogue import CLAIMS
from harness.claims.model import ALL_START_METHODS, UNDER_WINE
from harness.plugin.keys import EXTRA_WINDOWS, START_METHODS, TARGETS, WINE_KEEPERS
from harness.running import wine
from harness.running.discovery import discover, newest_windows_build
from harness.running.targets import Target, TargetError, host


@pytest.hookimpl(tryfirst=True)  # before pytest-metadata, whose table lists the targets
def pytest_configure(config: pytest.Config) -> None:
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


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: hand the probed targets to each worker."""
    node.workerinput["mpspec_targets"] = [t.to_json() for t in node.config.stash[TARGETS]]
    node.workerinput["mpspec_extra_windows"] = [t.to_json() for t in node.config.stash[EXTRA_WINDOWS]]


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
            metafunc.parametrize("target", targets, ids=[t.name for t in targets])
        return
    marker = metafunc.definition.get_closest_marker("start_methods")
    claim_marker = metafunc.definition.get_closest_marker("claim")
    if marker:
        wanted = tuple(marker.args)
    elif claim_marker and claim_marker.args[0] in CLAIMS:
        wanted = CLAIMS[claim_marker.args[0]].start_methods
    else:
        wanted = ALL_START_METHODS
    selected = metafunc.config.stash[START_METHODS]
    if "target" not in metafunc.fixturenames:
        methods = [m for m in wanted if m in selected and m in multiprocessing.get_all_start_methods()]
        metafunc.parametrize("start_method", methods, ids=methods)
        return
    pairs = [(t, m) for t in metafunc.config.stash[TARGETS] for m in wanted if m in selected and m in t.start_methods]
    metafunc.parametrize(("target", "start_method"), pairs, ids=[f"{t.name}-{m}" for t, m in pairs])


@pytest.fixture
def repetition() -> int:
    """Which of the --repeat runs of each scenario this test asserts on."""
    return 0


@pytest.fixture
def target() -> Target:
    """The interpreter that runs this test's scenarios (parametrised when tests take a start method)."""
    return host()
