"""``python -m harness LOG-04``: everything about a claim, from its id, in one command.

Run in-process (``harness.__main__.main``), and once as the command itself.  The parts
are checked line by line where the catalogue fixes them (paraphrases, reasons, tests,
scenario runs); the note's lines need the note, the cells a matrix written here.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness.__main__ import main
from harness.claims import note
from harness.claims.catalogue import CLAIMS, SECTIONS
from harness.commands import claim_sources
from harness.project import PROJECT_ROOT
from harness.verdicts import matrix

pytestmark = pytest.mark.meta

LINUX_313 = matrix.Column("linux", "cpython", (3, 13), ("fork", "spawn", "forkserver"))
WINE_312 = matrix.Column("win32", "cpython", (3, 12), ("spawn",), "Wine 9.0", ("Wine",))


def index(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(list(args)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out.splitlines()


def a_matrix(tmp_path: Path, claim_id: str, statuses: dict[tuple[matrix.Column, str], tuple[str, list[str]]]) -> Path:
    """A run's matrix holding the given cells of ``claim_id``: (column, method) -> (status, reasons)."""
    cells = [
        {"claim": claim_id, "column": column.name, "start_method": method, "status": status, "reasons": reasons}
        for (column, method), (status, reasons) in statuses.items()
    ]
    data = {
        "schema": matrix.SCHEMA,
        "columns": [LINUX_313.to_json(), WINE_312.to_json()],
        "cells": [{**cell, "observed": [], "expectations": []} for cell in cells],
    }
    path = tmp_path / "matrix.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    matrix.load(path)  # the file is a matrix as pytest writes them
    return path


def test_log_04_has_every_part(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    claim = CLAIMS["LOG-04"]
    [since_313] = claim.expectation.variations
    reason = "From 3.13 the exit function runs through atexit after _bootstrap logs the exit code"
    path = a_matrix(tmp_path, "LOG-04", {(LINUX_313, m): ("does not hold", [reason]) for m in ("fork", "spawn")})
    lines = index(capsys, "LOG-04", "--matrix", str(path))
    assert lines[:3] == ["LOG-04: version-dependent", f"  {claim.en}", f"  {claim.ko}"]
    for line in (
        "  section: LOG, multiprocessing's log / multiprocessing의 로그 (note lines 8-69)",
        f"  reason:  {claim.reason}",
        "Prediction: LOG-04/observed (a child's lifecycle lines, in order)",
        "  the note shows (lines 35-65):",
        "  general, wherever no variation applies: what the note shows (the note's fact holds)",
        "  from 3.13: the note's fact does not hold",
        "        'process exiting with exitcode 0',",
        f"      because: {since_313.reason}",
        "Tests: pytest --claim LOG-04",
        "  tests/test_mp_logging.py::test_each_child_logs_its_lifecycle_in_order",
        '      runs mp_logging, variant="document"',
        "  scenarios/mp_logging.py: variants document (default), gated, reverse",
        "  prediction mutants: LOG-04/observed[0].since-1, LOG-04/observed[0].since+1, LOG-04/observed[0].value",
        f"Cells of the last run ({path})",
        "  linux/cpython3.13  fork ✗[1]  spawn ✗[1]",
        f"  [1] {reason}",
    ):
        assert line in lines
    assert any(line.startswith("  log-child-exit-lines-swapped (behaviour, mutants/mp_logging.py): ") for line in lines)


def test_exit_10_shows_each_variation_where_and_why(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    claim = CLAIMS["EXIT-10"]
    wine = claim.expectation.variations[0].reason
    path = a_matrix(tmp_path, "EXIT-10", {(LINUX_313, "fork"): ("holds", []), (WINE_312, "spawn"): ("holds", [wine])})
    lines = index(capsys, "EXIT-10", "--matrix", str(path))
    assert lines[1] == f"  {claim.en}"
    assert [line for line in lines if line.startswith("  win32, ")] == [
        "  win32, under Wine: the note's fact does not hold",
        "  win32, 3.11.6 to before 3.11.8: the note's fact does not hold",
        "  win32, 3.12.1 to before 3.12.2: the note's fact does not hold",
    ]
    for variation in claim.expectation.variations:
        assert f"      because: {variation.reason}" in lines
    for line in (
        "  general, wherever no variation applies: what the note shows (the note's fact holds)",
        "  tests/test_process_exit.py::test_exitcode_is_none_right_after_terminate",
        '      runs process_exit, variant="document" (through document())',
        "  scenarios/process_exit.py: variants document (default), endings, cleanup",
        "  linux/cpython3.13             fork ✓",
        "  win32 (Wine 9.0)/cpython3.12  spawn ✓[1]",
        f"  [1] {wine}",
    ):
        assert line in lines
    assert any(line.startswith("  exitcode-set-at-terminate (behaviour, mutants/process_exit.py): ") for line in lines)


def test_the_notes_cited_lines_come_from_the_readers_copy(
    capsys: pytest.CaptureFixture[str], the_note: note.Note
) -> None:
    lines = index(capsys, "LOG-04", "--note", str(the_note.path))
    cited = [f"  {n} | {the_note.lines[n - 1]}" for n in range(35, 66)]
    start = lines.index(cited[0])
    assert lines[start - 1 : start + len(cited) + 1] == [
        f"The note, lines 35-65 of {the_note.path} ({the_note.encoding})",
        *cited,
        "  the catalogue's fact is what these lines show",
    ]


def test_without_the_note_or_a_matrix_it_says_how_to_get_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty, missing = tmp_path / "empty", tmp_path / "none.json"
    empty.mkdir()
    lines = index(capsys, "EXIT-10", "--note", str(empty), "--matrix", str(missing))
    at = lines.index("The note, line 184")
    assert lines[at + 1 : at + 3] == [
        f"  --note {empty}: expected one .txt or .md file in the folder, found 0",
        f"  {note.HOW_TO_GET_IT}",
    ]
    assert lines[-2:] == [
        "Cells of the last run",
        f"  no matrix at {missing}: `pytest --claim EXIT-10 --matrix-json={missing}` makes one",
    ]
    assert "Tests: pytest --claim EXIT-10" in lines  # the rest is all there


def test_a_section_key_lists_its_claims_one_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    claims = [c for c in CLAIMS.values() if c.section.key == "LOG"]
    lines = index(capsys, "log")
    assert lines[0] == f"LOG: multiprocessing's log / multiprocessing의 로그 (note lines 8-69), {len(claims)} claims"
    width = len("holds with a caveat")  # the longest verdict among LOG's
    assert lines[1:-1] == [f"  {c.id}  {c.verdict.value:<{width}}  {c.en}" for c in claims]
    assert lines[-1] == "everything about one: python -m harness LOG-01"


def test_the_command_itself_and_an_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    def command(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "harness", *args]
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # the Korean paraphrase, whatever the console's encoding
        return subprocess.run(argv, cwd=PROJECT_ROOT, env=env, capture_output=True, encoding="utf-8", check=False)

    done = command("LOG-04")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == index(capsys, "LOG-04")
    unknown = command("LOG-99")
    assert (unknown.returncode, unknown.stdout) == (2, "")
    ranges = ", ".join(
        f"{s.key} ({s.key}-01..{[c for c in CLAIMS if c.startswith(s.key + '-')][-1]})" for s in SECTIONS
    )
    assert unknown.stderr == f"python -m harness: error: unknown claim or section 'LOG-99'; known: {ranges}\n"


@pytest.mark.parametrize("argv", [["LOG-04", "--help"], ["claim", "--help"]])
def test_help(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m harness ID [--note PATH] [--matrix PATH]\n")
    assert "python -m harness LOG                    a section's claims, one a line" in out


def marked_claim_tests() -> set[tuple[str, str]]:
    """(claim, tests/file.py::name) for every test function whose marks, as pytest applies
    them, name a claim: the test modules imported, not parsed."""
    found = set()
    for path in sorted((PROJECT_ROOT / "tests").glob("test_*.py")):
        if "mark.claim" not in path.read_text(encoding="utf-8"):
            continue
        spec = importlib.util.spec_from_file_location(f"claim_index_check_{path.stem}", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        in_module = getattr(module, "pytestmark", [])
        in_module = in_module if isinstance(in_module, list) else [in_module]
        for name, function in vars(module).items():
            if name.startswith("test") and getattr(function, "__module__", None) == module.__name__:
                marks = [getattr(m, "mark", m) for m in [*getattr(function, "pytestmark", []), *in_module]]
                claims = [m.args[0] for m in marks if m.name == "claim"]
                if claims:
                    found.add((claims[0], f"tests/{path.name}::{name}"))
    return found


def test_the_index_finds_every_claim_test_and_each_run_names_its_variant() -> None:
    """What ast finds is what pytest's marks say, and every scenario run names its variant."""
    indexed = {c: claim_sources.claim_tests(c, PROJECT_ROOT) for c in CLAIMS}
    assert {(c, t.node_id) for c, tests in indexed.items() for t in tests} == marked_claim_tests()
    runs = [(t.node_id, r) for tests in indexed.values() for t in tests for r in t.runs]
    assert len(runs) > 50
    assert [(node_id, r.describe()) for node_id, r in runs if not r.variant.startswith('"')] == []


def test_helpers_and_parametrised_variants_are_followed(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_fake.py").write_text(
        textwrap.dedent(
            """
            import pytest

            def queue_run(run_scenario, start_method, variant="queue"):
                return run_scenario("communication", start_method, variant=variant)

            @pytest.mark.claim("COMM-02")
            @pytest.mark.parametrize("variant", ["queue", "pipe"])
            def test_direct(run_scenario, start_method, variant):
                run_scenario("communication", start_method, variant=variant, python_flags=("-O",))

            @pytest.mark.claim("COMM-02")
            @pytest.mark.parametrize(("variant", "n"), [("copy", 1), pytest.param("crowd", 2, id="c")])
            def test_through_a_helper(run_scenario, start_method, variant, n):
                queue_run(run_scenario, start_method, variant)

            @pytest.mark.claim("COMM-02")
            def test_the_helpers_default(run_scenario, start_method):
                queue_run(run_scenario, start_method)

            @pytest.mark.claim("COMM-03")
            def test_of_another_claim(run_scenario, start_method):
                run_scenario("communication", start_method, variant="crowd")
            """
        ),
        encoding="utf-8",
    )
    found = claim_sources.claim_tests("COMM-02", tmp_path)
    assert [(t.name, [r.describe() for r in t.runs]) for t in found] == [
        ("test_direct", ['communication, variant="queue" | "pipe" (parametrised), python_flags=("-O",)']),
        ("test_through_a_helper", ['communication, variant="copy" | "crowd" (parametrised) (through queue_run())']),
        ("test_the_helpers_default", ['communication, variant="queue" (through queue_run())']),
    ]
    assert {t.path for t in found} == {"tests/test_fake.py"}


def test_nothing_but_the_entry_point_imports_the_commands() -> None:
    """harness.commands is the top layer: it may import all of harness, and nothing imports it."""
    importers = []
    for path in (PROJECT_ROOT / "harness").rglob("*.py"):
        if path.parent.name == "commands" or path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):  # from harness.commands import x; from harness import commands
                names += [f"{node.module}.{a.name}" for a in node.names]
            if any(name.startswith("harness.commands") for name in names):
                importers.append(path.relative_to(PROJECT_ROOT).as_posix())
    assert importers == []
