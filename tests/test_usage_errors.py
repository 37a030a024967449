"""Bad input gets one line and a usage-error exit status, never a traceback."""

import gzip
import json
import os
import random
import shutil
from pathlib import Path

import pytest

from harness.claims.catalogue import CLAIMS
from harness.commands import merge
from harness.plugin import PLUGINS
from harness.plugin.report_files import _check_writable
from harness.project import PROJECT_ROOT
from harness.running.discovery import discover
from harness.running.targets import TargetError
from harness.verdicts import matrix

pytestmark = pytest.mark.meta

PYTHON2 = next(iter(sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("2.*/bin/python"))), None)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("/nonexistent/python", "--python /nonexistent/python: no such executable file"),
        ("3.5", "--python 3.5: no Python 3.5 found (looked in pyenv and PATH)"),
        ("no-such-python-command", "--python no-such-python-command: no such command on PATH"),
    ],
)
def test_unknown_interpreter_is_named_in_one_line(spec, message):
    with pytest.raises(TargetError) as caught:
        discover([spec])
    assert str(caught.value) == message


@pytest.mark.skipif(shutil.which("true") is None, reason="needs a non-Python executable")
def test_non_python_executable_is_refused():
    true = shutil.which("true")
    with pytest.raises(TargetError) as caught:
        discover([true])
    assert str(caught.value) == f"--python {true}: not a Python interpreter (exit status 0)"


@pytest.mark.skipif(PYTHON2 is None, reason="no Python 2 installed by pyenv")
def test_python_older_than_3_6_is_refused():
    with pytest.raises(TargetError) as caught:
        discover([str(PYTHON2)])
    assert str(caught.value).startswith(f"--python {PYTHON2}: Python 2.")
    assert str(caught.value).endswith(" is older than 3.6")


def test_pytest_reports_a_bad_option_in_one_line_with_status_4(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    pytester.makeconftest(f"pytest_plugins = {list(PLUGINS)!r}")
    pytester.makepyfile("def test_nothing(): pass")
    # In-process: the message and exit status come from pytest's own main(), with no interpreter to start.
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--start-method", "bogus", "--python", "/nonexistent/python"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line.strip()] == [
        "ERROR: --start-method bogus: unknown start method (choose from fork, spawn, forkserver)"
    ]
    assert "Traceback" not in result.stdout.str()


def test_an_unknown_claim_or_section_is_refused_in_one_line(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    pytester.makeconftest(f"pytest_plugins = {list(PLUGINS)!r}")
    pytester.makepyfile("def test_nothing(): pass")
    testable = ", ".join(c.id for c in CLAIMS.values() if c.testable)
    opinion = next(c.id for c in CLAIMS.values() if not c.testable)
    for args, message in (
        (("--claim", "LOG-04", "--claim", "LOG-99"), f"--claim LOG-99: unknown claim (choose from {testable})"),
        (("--claim", opinion), f"--claim {opinion}: an opinion, which has no tests (choose from {testable})"),
        (
            ("--section", "EXITS"),
            "--section EXITS: unknown section (choose from LOG, DAEMON, EXIT, EVENT, COMM, GUARD)",
        ),
    ):
        result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        assert [line for line in result.stderr.lines if line.strip()] == [f"ERROR: {message}"]


def test_a_missing_note_is_refused_in_one_line(pytester, monkeypatch, tmp_path):
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    pytester.makeconftest(f"pytest_plugins = {list(PLUGINS)!r}")
    pytester.makepyfile("def test_nothing(): pass")
    empty = tmp_path / "empty"
    empty.mkdir()
    for option, message in (
        (tmp_path / "nowhere.txt", f"--note {tmp_path / 'nowhere.txt'}: no such file or folder"),
        (empty, f"--note {empty}: expected one .txt or .md file in the folder, found 0"),
    ):
        result = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--note={option}")
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        assert [line for line in result.stderr.lines if line.strip()] == [f"ERROR: {message}"]


@pytest.mark.parametrize(
    ("contents", "why"),
    [
        (bytes(random.Random(15).choices(range(256), k=4096)), "not text in UTF-8 or CP949"),
        (gzip.compress("다중 처리 multiprocessing\n".encode() * 50), "not text in UTF-8 or CP949"),
        ("UTF-32: its BOM begins as UTF-16's".encode("utf-32"), "not text in UTF-16 LE with BOM"),
    ],
    ids=["random-bytes", "gzip", "utf-32"],
)
def test_a_note_that_cannot_be_read_is_one_usage_error(inner_pytest, pytester, tmp_path, contents, why):
    """Refused once, while pytest is configured, not by an error in each test that reads it;
    and the reports already written stay as they were."""
    unreadable = tmp_path / "note.txt"
    unreadable.write_bytes(contents)
    earlier = pytester.path / "report.html"
    earlier.write_text("an earlier run's report", encoding="utf-8")
    result = inner_pytest(f"--note={unreadable}", str(PROJECT_ROOT / "tests" / "test_note.py"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line.strip()] == [
        f"ERROR: --note {unreadable}: cannot read it ({why})"
    ]
    assert "Traceback" not in result.stdout.str()
    assert earlier.read_text(encoding="utf-8") == "an earlier run's report"


def test_merge_rejects_a_foreign_file_in_one_line(tmp_path, capsys):
    foreign = tmp_path / "junit.json"
    foreign.write_text(json.dumps({"tests": []}))
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"schema": matrix.SCHEMA, "columns": [], "cells": []}))
    out = tmp_path / "merged.json"
    assert merge.main(["-o", str(out), str(good), str(foreign)]) == 2
    assert capsys.readouterr().err == f"error: {foreign}: not an mpspec matrix (schema {matrix.SCHEMA!r} expected)\n"
    assert not out.exists()


def test_merge_rejects_a_corrupt_file_in_one_line(tmp_path, capsys):
    corrupt = tmp_path / "matrix.json"
    corrupt.write_text(json.dumps({"schema": matrix.SCHEMA, "columns": [], "cells": [{"claim": 1}]}))
    assert merge.main(["-o", str(tmp_path / "m.json"), str(corrupt)]) == 2
    assert capsys.readouterr().err == f"error: {corrupt}: malformed mpspec matrix\n"


def test_an_unwritable_report_is_refused_in_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cases = {
        tmp_path: f"cannot write the report {tmp_path}: it is a directory",
        blocker / "junit.xml": f"cannot write the report {blocker / 'junit.xml'}: {blocker} is not a directory",
    }
    for path, message in cases.items():
        with pytest.raises(pytest.UsageError) as caught:
            _check_writable(path)
        assert str(caught.value) == message
    _check_writable(tmp_path / "new" / "report.html")  # a missing folder is made
    assert (tmp_path / "new").is_dir()
    assert list((tmp_path / "new").iterdir()) == []
