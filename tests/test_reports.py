"""The report files: JUnit XML carries only a test's claim, Python and start method; the
attributes through which pytest-html and junitxml are made to write atomically still exist;
pytest.ini's report paths are the project's, wherever pytest is started."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.plugin import PLUGINS
from harness.plugin.report_files import report_writers
from harness.project import PROJECT_ROOT
from harness.running.targets import host

pytestmark = pytest.mark.meta

CONFTEST = f"pytest_plugins = {list(PLUGINS)!r}"


def test_junit_xml_carries_only_claim_python_and_start_method(pytester, inner_pytest):
    junit = pytester.path / "junit.xml"
    result = inner_pytest(
        # "--claim=ID": pytest < 9 takes a separate value for a path, and loses the test path after it.
        "--claim=DAEMON-02",
        "--start-method=spawn",
        str(PROJECT_ROOT / "tests" / "test_daemon.py"),
    )
    result.assert_outcomes(passed=1)
    [case] = ET.parse(junit).getroot().iter("testcase")
    properties = [(p.get("name"), p.get("value")) for p in case.iter("property")]
    assert properties == [("claim", "DAEMON-02"), ("python", host().name), ("start_method", "spawn")]
    text = junit.read_text(encoding="utf-8")
    assert [path for path in (str(PROJECT_ROOT), sys.executable, str(pytester.path)) if path in text] == []


def test_the_report_writers_keep_their_paths_where_the_atomic_write_expects(pytester):
    """pytest-html's ``_report_path`` and junitxml's ``logfile`` are private: an upgrade may rename them."""
    html, xml = pytester.path / "out" / "report.html", pytester.path / "out" / "junit.xml"
    config = pytester.parseconfigure("-p", "no:cacheprovider", f"--html={html}", f"--junitxml={xml}")
    found = {attr: Path(path) for _, attr, path in report_writers(config)}
    assert found == {"_report_path": html, "logfile": xml}


def test_ini_reports_land_in_the_project_from_a_subfolder(pytester, monkeypatch):
    """`cd tests && pytest` writes pytest.ini's reports/ in the project; an explicit relative path stays local."""
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    pytester.makefile(
        ".ini",
        pytest="[pytest]\naddopts = --html=reports/report.html --self-contained-html --junitxml=reports/junit.xml",
    )
    pytester.makeconftest(CONFTEST)
    sub = pytester.mkdir("sub")
    (sub / "test_one.py").write_text("import pytest\n\n@pytest.mark.meta\ndef test_one():\n    pass\n")
    monkeypatch.chdir(sub)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert sorted(p.name for p in (pytester.path / "reports").iterdir()) == [
        "junit.xml",
        "matrix.html",
        "matrix.json",
        "note.html",
        "report.html",
    ]
    assert not (sub / "reports").exists()
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "--html=mine.html", "--junit-xml=mine.xml")
    assert (sub / "mine.html").is_file()
    assert (sub / "mine.xml").is_file()
