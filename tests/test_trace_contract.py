"""The trace contract (docs/TRACE.md): an event no variant declared is refused where it is
written (emit), where the variants are declared (run_main) and where a test reads the run
(the run_scenario fixture); a query for one is refused too (Trace.named)."""

from __future__ import annotations

import ast
import os
import textwrap

import pytest

from harness.plugin import CORE
from harness.project import PROJECT_ROOT
from harness.running import trace as harness_trace
from harness.running.trace import Trace, UndeclaredEvent
from scenarios import _trace as scenario_trace
from scenarios._cli import run_main
from scenarios._trace import EVENTS_ENV, TRACE_ENV, emit

pytestmark = pytest.mark.meta


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process as a scenario's starts: no trace file, no declared events.  Whatever
    emit() or run_main() set in the environment is undone after the test."""
    for name in (TRACE_ENV, EVENTS_ENV):
        monkeypatch.setenv(name, "")  # recorded first, so the undo removes what the test sets
        monkeypatch.delenv(name)


# --- where an event is written: emit() -------------------------------------------------


@pytest.mark.usefixtures("bare_environment")
def test_emit_refuses_an_event_the_variant_did_not_declare(monkeypatch, capsys):
    monkeypatch.setenv(EVENTS_ENV, "declared")
    with pytest.raises(ValueError, match=r"^undeclared trace event 'renamed' \(declare it"):
        emit("renamed", "a transcript line")
    assert capsys.readouterr().out == ""  # refused before its line is printed


@pytest.mark.usefixtures("bare_environment")
def test_emit_takes_the_declared_and_the_reserved_events(monkeypatch, capsys):
    monkeypatch.setenv(EVENTS_ENV, "declared")
    emit("declared", "one")
    emit("wait-timeout", "two", waiting_for="a set")  # reserved: accepted though not in the list
    assert capsys.readouterr().out == "one\ntwo\n"


@pytest.mark.usefixtures("bare_environment")
def test_emit_refuses_nothing_before_run_main_declares_the_events(capsys):
    """A module's top level runs before run_main (main_guard_missing): only the harness
    can refuse what it records."""
    emit("anything", "a line")
    assert capsys.readouterr().out == "a line\n"


# --- where the events are declared: run_main() ------------------------------------------

DECLARATIONS = {
    "a variant declares nothing": {"declared": ()},
    "a declaration names no variant": {"declared": (), "forgotten": (), "gone": ()},
}


@pytest.mark.parametrize("events", DECLARATIONS.values(), ids=DECLARATIONS)
@pytest.mark.usefixtures("bare_environment")
def test_run_main_refuses_a_declaration_that_misses_or_invents_a_variant(events):
    """Refused whichever variant is run: not only when the undeclared one runs."""
    ran = []
    variants = {"declared": ran.append, "forgotten": ran.append}
    with pytest.raises(
        ValueError, match=r"^declare the events of every variant, and only of those: declared, forgotten$"
    ):
        run_main("doc", variants, events, default="declared", argv=["--variant", "declared"])
    assert ran == []


@pytest.mark.usefixtures("bare_environment")
def test_run_main_declares_the_variants_events_with_the_reserved_ones():
    """What emit() holds the variant and its children (who inherit it) to."""
    seen = []
    run_main("doc", {"only": lambda args: seen.append(os.environ[EVENTS_ENV])}, {"only": ("counted",)}, "only", argv=[])
    assert seen == ["counted,scenario-start,wait-timeout"]


# --- where a test reads the run: Trace and the run_scenario fixture ---------------------

TRACE = "\n".join(
    [
        '{"seq": 0, "pid": 1, "t": 0.0, "process": "MainProcess", "event": "scenario-start", '
        '"data": {"events": ["declared"]}}',
        '{"seq": 1, "pid": 1, "t": 0.0, "process": "MainProcess", "event": "declared", "data": {}}',
        '{"seq": 2, "pid": 1, "t": 0.0, "process": "MainProcess", "event": "renamed", "data": {}}',
    ]
)


def test_a_trace_names_the_events_its_scenario_did_not_declare():
    assert [(e.seq, e.event) for e in Trace.parse(TRACE).undeclared()] == [(2, "renamed")]


def test_a_query_for_an_undeclared_event_is_refused():
    """So `trace.named("x") == []` cannot pass because the scenario calls it "y" now."""
    trace = Trace.parse(TRACE)
    with pytest.raises(UndeclaredEvent, match=r"^the scenario does not declare an event 'gone'; it declares \["):
        trace.named("gone")
    assert [e.seq for e in trace.named("declared")] == [1]
    assert trace.named("wait-timeout") == []  # reserved: every scenario may emit it


def test_the_run_scenario_fixture_fails_a_test_whose_run_emitted_an_undeclared_event(pytester, monkeypatch):
    """The inner test asserts nothing: only the fixture can fail it."""
    # An inner pytest (a subprocess) with mpspec's plugin, importing the project (as tests/test_harness.py).
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    pytester.makeconftest(f"pytest_plugins = {list(CORE)!r}")
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.meta
            def test_uses_the_run(run_scenario):
                run_scenario("_harness_check", "", variant="undeclared")
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "0")
    result.assert_outcomes(failed=1)
    label = "-m scenarios._harness_check --variant undeclared"
    assert f"the scenario emitted undeclared events ['undeclared-event']: {label}" in result.outlines


# --- one definition of the reserved events -----------------------------------------------


def test_the_harness_takes_the_reserved_events_from_the_scenarios():
    assert harness_trace.RESERVED_EVENTS is scenario_trace.RESERVED_EVENTS


def test_the_harness_imports_of_the_scenarios_only_their_trace_module():
    """The contract's constants, defined once; never a scenario (README, "How it fits together")."""
    imported = set()
    for path in sorted((PROJECT_ROOT / "harness").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module == "scenarios":  # from scenarios import x
                names = [f"scenarios.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            where = path.relative_to(PROJECT_ROOT).as_posix()
            imported.update(f"{where}: {name}" for name in names if name.split(".")[0] == "scenarios")
    assert imported == {"harness/running/trace.py: scenarios._trace"}
