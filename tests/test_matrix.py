"""The verdict matrix: how outcomes and the catalogue's variations become cell statuses."""

import pytest

from harness import matrix
from harness.catalogue import CLAIMS

pytestmark = pytest.mark.meta

LINUX_312 = matrix.Column("linux", "cpython", (3, 12, 1), ("fork", "spawn", "forkserver"))
LINUX_313 = matrix.Column("linux", "cpython", (3, 13, 0), ("fork", "spawn", "forkserver"))
LINUX_36 = matrix.Column("linux", "cpython", (3, 6, 15), ("fork", "spawn", "forkserver"))


def status(claim_id, column, method, outcomes=("passed",), is_host=True):
    return matrix.cell(CLAIMS[claim_id], column, method, list(outcomes), is_host)[0]


def test_a_failed_test_makes_the_cell_unexpected():
    assert status("LOG-01", LINUX_312, "spawn", ["passed", "failed"]) == matrix.UNEXPECTED


def test_passing_tests_of_a_claim_that_holds_give_holds():
    assert status("LOG-01", LINUX_312, "spawn") == matrix.HOLDS


def test_a_claim_wrong_as_written_does_not_hold_anywhere():
    assert status("LOG-02", LINUX_312, "fork") == matrix.DOES_NOT_HOLD


def test_a_breaking_variation_applies_only_where_it_says():
    assert status("LOG-04", LINUX_312, "spawn") == matrix.HOLDS
    assert status("LOG-04", LINUX_313, "spawn") == matrix.DOES_NOT_HOLD
    assert status("EXIT-04", LINUX_36, "fork") == matrix.HOLDS
    assert status("EXIT-04", LINUX_312, "fork") == matrix.DOES_NOT_HOLD
    assert status("GUARD-01", LINUX_312, "fork") == matrix.DOES_NOT_HOLD
    assert status("GUARD-01", LINUX_312, "spawn") == matrix.HOLDS


def test_a_note_keeps_holds_and_gives_its_reason():
    result, reasons = matrix.cell(CLAIMS["EXIT-07"], LINUX_312, "spawn", ["passed"], True)
    assert result == matrix.HOLDS
    assert reasons == []
    result, reasons = matrix.cell(CLAIMS["EXIT-07"], LINUX_36, "spawn", ["passed"], True)
    assert (result, len(reasons)) == (matrix.HOLDS, 1)
    assert "bpo-35727" in reasons[0]


def test_opinions_missing_methods_and_unselected_cells():
    assert status("EVENT-05", LINUX_312, "fork") == matrix.NOT_APPLICABLE
    windows = matrix.Column("win32", "cpython", (3, 12, 1), ("spawn",))
    assert status("LOG-01", windows, "fork") == matrix.NOT_APPLICABLE
    assert status("LOG-01", LINUX_312, "fork", outcomes=()) == matrix.NOT_RUN
    assert status("EXIT-08", LINUX_312, matrix.NO_METHOD, outcomes=(), is_host=False) == matrix.NOT_APPLICABLE


def test_merge_keeps_every_column_and_the_worse_status_of_a_shared_cell():
    first = matrix.build([LINUX_312], {("LOG-01", LINUX_312.key, "fork"): ["passed"]}, LINUX_312.key)
    second = matrix.build([LINUX_312, LINUX_313], {("LOG-01", LINUX_312.key, "fork"): ["failed"]}, LINUX_312.key)
    merged = matrix.merge([first, second])
    assert [c["version"] for c in merged["columns"]] == [[3, 12, 1], [3, 13, 0]]
    cells = {(c["claim"], c["column"], c["start_method"]): c["status"] for c in merged["cells"]}
    assert cells[("LOG-01", "linux/cpython3.12", "fork")] == matrix.UNEXPECTED
    assert cells[("LOG-01", "linux/cpython3.13", "fork")] == matrix.NOT_RUN
