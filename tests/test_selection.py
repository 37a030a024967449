"""Which tests a run selects: a start method left out (--start-method) skips the tests that have no other."""

from __future__ import annotations

import textwrap

import pytest

from harness.runner import PROJECT_ROOT

pytestmark = pytest.mark.meta


def test_a_claims_test_without_a_selected_start_method_is_skipped(pytester, monkeypatch):
    """--start-method spawn, a test limited to fork: skipped, and the run is green."""
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    pytester.makeconftest('pytest_plugins = ["harness.pytest_plugin", "harness.report_plugin"]')
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
