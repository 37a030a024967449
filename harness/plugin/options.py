"""The suite's command-line options and markers, read and checked once at configure time:
bad input is one usage error, not a failure per test."""

from __future__ import annotations

import os

import pytest

from harness.claims import note
from harness.claims.catalogue import CLAIMS, EXPECTATIONS, SECTIONS
from harness.claims.model import ALL_START_METHODS
from harness.plugin.keys import SELECTED, START_METHODS, THE_NOTE
from harness.selfcheck import prediction_mutants


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


@pytest.hookimpl(tryfirst=True)  # before the targets are probed: bad input costs nothing
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
    mutant = os.environ.get(prediction_mutants.ENV)
    if mutant:  # the mutation self-check's run with one prediction changed
        try:
            prediction_mutants.apply(mutant, CLAIMS, EXPECTATIONS)
        except prediction_mutants.UnknownMutant as exc:
            raise pytest.UsageError(str(exc)) from None
    config.stash[START_METHODS] = methods or list(ALL_START_METHODS)
    config.stash[SELECTED] = selected_claims(config.getoption("claim"), config.getoption("section"))
    try:
        path = note.find(config.getoption("note"))
        config.stash[THE_NOTE] = note.Note.load(path) if path else None
    except note.NoteError as exc:
        raise pytest.UsageError(str(exc)) from None
    if config.getoption("repeat") < 1:
        raise pytest.UsageError(f"--repeat {config.getoption('repeat')}: must be 1 or more")


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
