"""The report files: JUnit XML carries only a test's claim, Python and start method; the
attributes through which pytest-html and junitxml are made to write atomically still exist."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.report_plugin import report_writers
from harness.runner import PROJECT_ROOT
from harness.targets import host

pytestmark = pytest.mark.meta


def test_junit_xml_carries_only_claim_python_and_start_method(pytester):
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest_inprocess(
        *("-p", "no:cacheprovider", "-n", "0", "--claim", "DAEMON-02", "--start-method", "spawn"),
        f"--basetemp={pytester.path / 'tmp'}",
        f"--html={pytester.path / 'report.html'}",
        f"--junitxml={junit}",
        f"--matrix-json={pytester.path / 'matrix.json'}",
        str(PROJECT_ROOT / "tests" / "test_daemon.py"),
    )
    result.assert_outcomes(passed=1)
    [case] = ET.parse(junit).getroot().iter("testcase")
    properties = [(p.get("name"), p.get("value")) for p in case.iter("property")]
    assert properties == [("claim", "DAEMON-02"), ("python", host().label), ("start_method", "spawn")]
    text = junit.read_text(encoding="utf-8")
    assert [path for path in (str(PROJECT_ROOT), sys.executable, str(pytester.path)) if path in text] == []


def test_the_report_writers_keep_their_paths_where_the_atomic_write_expects(pytester):
    """pytest-html's ``_report_path`` and junitxml's ``logfile`` are private: an upgrade may rename them."""
    html, xml = pytester.path / "out" / "report.html", pytester.path / "out" / "junit.xml"
    config = pytester.parseconfigure("-p", "no:cacheprovider", f"--html={html}", f"--junitxml={xml}")
    found = {attr: Path(path) for _, attr, path in report_writers(config)}
    assert found == {"_report_path": html, "logfile": xml}
