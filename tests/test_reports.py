"""The report files: JUnit XML carries only a test's claim, Python and start method."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import pytest

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
