"""The verdict matrix: how observations become cell statuses, and how matrices merge."""

import json
import os
import subprocess
import sys

import pytest

from harness import console
from harness.claims.catalogue import CLAIMS
from harness.claims.model import NO_METHOD
from harness.pages import matrix_text
from harness.project import PROJECT_ROOT
from harness.verdicts import cells, matrix
from harness.verdicts.observe import Observation

pytestmark = pytest.mark.meta

LINUX_312 = matrix.Column("linux", "cpython", (3, 12, 1), ("fork", "spawn", "forkserver"))
LINUX_313 = matrix.Column("linux", "cpython", (3, 13, 0), ("fork", "spawn", "forkserver"))


def seen(claim_id, holds, condition="", message=""):
    return Observation(claim_id, condition, "'x'", holds, "'x'", holds, "", message)


def status(claim_id, outcomes=("passed",), observations=(), column=LINUX_312, method="spawn", is_host=True):
    found = cells.Found(list(outcomes), [], list(observations), [])
    return cells.cell(CLAIMS[claim_id], column.start_methods, method, found, is_host)


def test_a_failed_test_makes_the_cell_unexpected_with_its_message():
    mismatch = seen("LOG-04", True, message="LOG-04 on cpython3.12 (spawn): predicted does not hold")
    assert status("LOG-04", ["passed", "failed"], [mismatch]) == (cells.UNEXPECTED, [mismatch.message])


def test_the_cell_is_what_was_observed_not_what_the_catalogue_declares():
    # LOG-02 is declared wrong as written; the cell shows what the observation says.
    assert status("LOG-02", observations=[seen("LOG-02", True)])[0] == cells.HOLDS
    assert status("LOG-01", observations=[seen("LOG-01", False)])[0] == cells.DOES_NOT_HOLD


def test_a_condition_outside_the_note_that_breaks_it_is_a_caveat():
    observations = [seen("DAEMON-06", True), seen("DAEMON-06", False, condition="python -O")]
    result, reasons = status("DAEMON-06", observations=observations)
    assert result == cells.CAVEAT
    assert reasons[0].startswith("under python -O: does not hold")


def test_passing_tests_that_observed_nothing_leave_the_cell_not_run():
    assert status("LOG-01") == (cells.NOT_RUN, [cells.NOT_OBSERVED])


def test_opinions_missing_methods_and_unselected_cells():
    assert status("EVENT-05", method=NO_METHOD)[0] == cells.NOT_APPLICABLE
    windows = matrix.Column("win32", "cpython", (3, 12, 1), ("spawn",))
    assert status("LOG-01", column=windows, method="fork")[0] == cells.NOT_APPLICABLE
    assert status("LOG-01", outcomes=())[0] == cells.NOT_RUN
    assert status("EXIT-08", outcomes=(), method=NO_METHOD, is_host=False)[0] == cells.NOT_APPLICABLE


def test_merge_keeps_every_column_and_the_worse_status_of_a_shared_cell():
    passed = cells.Found(["passed"], [], [seen("LOG-01", True)], [])
    failed = cells.Found(["failed"], ["test_x: boom"], [], [])
    first = matrix.build([LINUX_312], {("LOG-01", LINUX_312.name, "fork"): passed}, LINUX_312.name)
    second = matrix.build([LINUX_312, LINUX_313], {("LOG-01", LINUX_312.name, "fork"): failed}, LINUX_312.name)
    merged = matrix.merge([first, second])
    assert [c["version"] for c in merged["columns"]] == [[3, 12, 1], [3, 13, 0]]
    status = {(c["claim"], c["column"], c["start_method"]): c["status"] for c in merged["cells"]}
    assert status[("LOG-01", "linux/cpython3.12", "fork")] == cells.UNEXPECTED
    assert status[("LOG-01", "linux/cpython3.13", "fork")] == cells.NOT_RUN


def test_a_footnote_summarises_the_cells_it_covers():
    from harness.pages import matrix_page

    methods = ("fork", "spawn", "forkserver")
    columns = [matrix.Column("linux", "cpython", (3, v, 0), methods) for v in range(6, 14)]
    columns.append(matrix.Column("linux", "pypy", (3, 9, 0), methods))
    everywhere_from_38 = [(c, m) for c in columns[2:8] for m in methods]
    assert matrix_page.summarise(everywhere_from_38, columns) == "cpython 3.8-3.13, all start methods"
    mixed = [(columns[0], "forkserver"), (columns[1], "forkserver"), (columns[8], "spawn")]
    assert matrix_page.summarise(mixed, columns) == "cpython 3.6-3.7, forkserver; pypy 3.9, spawn"
    windows = matrix.Column("win32", "cpython", (3, 12, 0), ("spawn",))
    assert (
        matrix_page.summarise([(windows, "spawn")], [columns[0], windows]) == "Windows cpython 3.12, all start methods"
    )


def test_the_annotated_note_without_the_note_says_how_to_get_it():
    from harness.claims import note
    from harness.pages import note_page

    page = note_page.render(None, {"cells": []}, {}, "matrix.html", "report.html")
    assert note.HOW_TO_GET_IT in page
    assert "<div class='line" not in page


def test_marks_a_narrow_encoding_lacks_are_written_in_ascii_and_nothing_is_lost():
    assert "✓ ✗ ± · … 한 ~".encode("ascii", console.ERRORS) == b"+ x +- . ... \\ud55c ~"
    assert "✓ ± ·".encode("cp1252", console.ERRORS) == "+ ± ·".encode("cp1252")


@pytest.mark.parametrize("encoding", ["cp1252", "cp949"])
def test_merge_prints_its_table_through_a_pipe_in_a_narrow_encoding(tmp_path, encoding):
    """A Windows console's code page (Western, Korean) has no ✓ or ✗: the table is printed all
    the same, those marks in ASCII, as its legend says."""
    found = {
        ("LOG-01", LINUX_312.name, "fork"): cells.Found(["passed"], [], [seen("LOG-01", True)], []),
        ("LOG-02", LINUX_312.name, "fork"): cells.Found(["passed"], [], [seen("LOG-02", False)], []),
    }
    part = tmp_path / "part.json"
    part.write_text(json.dumps(matrix.build([LINUX_312], found, LINUX_312.name)), encoding="utf-8")
    merged = tmp_path / "merged.json"
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "merge", "-o", str(merged), str(part)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        capture_output=True,  # stdout a pipe, so its encoding is PYTHONIOENCODING's
        check=False,
    )
    assert (proc.returncode, proc.stderr.decode(encoding)) == (0, "")
    table = matrix_text.terminal_table(matrix.load(merged))
    printed = proc.stdout.decode(encoding).splitlines()
    assert printed == [line.encode(encoding, console.ERRORS).decode(encoding) for line in table] + [
        f"matrix: {merged} and {merged.with_suffix('.html')}"
    ]
    assert printed[1].startswith("LOG-01     holds                +")
    assert printed[2].startswith("LOG-02     wrong as written     x")
    assert "+ holds, ~ holds with a caveat, x does not hold, ! unexpected, · n/a, ? not run" in printed[-3]
