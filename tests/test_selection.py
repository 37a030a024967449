"""Which tests a run selects: --claim and --section exactly a claim's or a section's tests,
and a start method left out (--start-method) skips the tests that have no other."""

from __future__ import annotations

import textwrap

import pytest

from harness.plugin import PLUGINS
from harness.project import PROJECT_ROOT, IsolatedRun

pytestmark = pytest.mark.meta

TESTS = PROJECT_ROOT / "tests"
# DAEMON-06's tests are in test_daemon.py; names there match -k EXIT too.
FILES = [str(TESTS / "test_daemon.py"), str(TESTS / "test_process_exit.py")]


def claim_of(item: pytest.Item) -> str:
    marker = item.get_closest_marker("claim")
    return str(marker.args[0]) if marker else ""


def collect(pytester: pytest.Pytester, *args: str) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """(selected, deselected) tests of FILES, collected in-process with ``args``."""
    recorder = pytester.inline_run("--collect-only", "-n", "0", *IsolatedRun(pytester.path).args(), *args, *FILES)
    [finished] = recorder.getcalls("pytest_collection_finish")
    deselected = [item for call in recorder.getcalls("pytest_deselected") for item in call.items]
    return list(finished.session.items), deselected


def test_claim_selects_exactly_its_tests(pytester):
    selected, deselected = collect(pytester, "--claim=DAEMON-06")
    assert selected != []
    assert {claim_of(item) for item in selected} == {"DAEMON-06"}
    assert [item.nodeid for item in deselected if claim_of(item) == "DAEMON-06"] == []


def test_section_selects_its_claims_tests_where_a_keyword_would_not(pytester):
    selected, deselected = collect(pytester, "--section=EXIT")
    assert selected != []
    assert {claim_of(item).split("-")[0] for item in selected} == {"EXIT"}
    assert [item.nodeid for item in deselected if claim_of(item).startswith("EXIT-")] == []
    by_keyword, _ = collect(pytester, "-k", "EXIT")
    assert {claim_of(item).split("-")[0] for item in by_keyword} > {"EXIT"}  # test names say "exit" too


def test_a_claims_test_without_a_selected_start_method_is_skipped(pytester, monkeypatch):
    """--start-method spawn, a test limited to fork: skipped, and the run is green."""
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    pytester.makeconftest(f"pytest_plugins = {list(PLUGINS)!r}")
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.claim("LOG-01")
            @pytest.mark.start_methods("fork")
            def test_fork_only(run_scenario, start_method):
                pass
            """
        )
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--start-method", "spawn")
    result.assert_outcomes(skipped=1)
    assert result.ret == pytest.ExitCode.OK
