"""The layers of harness/ hold, and the contract that keeps them fails a wrong-way import.

The contract is ``[tool.importlinter]`` in pyproject.toml; .ci/run runs ``lint-imports``.
Here it runs on a copy of the project with one import added where a reviewer would
have to catch it: a lower layer importing a higher one, a scenario importing the harness.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.project import PROJECT_ROOT

pytestmark = pytest.mark.meta


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("importlinter", reason="import-linter (requirements-dev.txt, Python 3.11+)")
    # sys.path[0] is the copy: the contract sees its modules, not the project's.
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", code, "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    for package in ("harness", "scenarios", "mutants"):
        shutil.copytree(PROJECT_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_project_keeps_its_layers(project_copy: Path) -> None:
    done = lint_imports(project_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 4 kept, 0 broken." in done.stdout


# module, the import added to it, what the contract then reports
WRONG_WAY = [
    (
        "harness/verdicts/cells.py",
        "from harness.pages import files",
        "harness.verdicts is not allowed to import harness.pages",
    ),
    (
        "harness/claims/model.py",
        "import harness.running.runner",
        "harness.claims is not allowed to import harness.running",
    ),
    (
        "harness/running/runner.py",
        "import harness.plugin.keys",
        "harness.running is not allowed to import harness.plugin",
    ),
    ("scenarios/_trace.py", "import harness.claims.model", "scenarios._trace -> harness.claims.model"),
    ("harness/pages/files.py", "import mutants", "harness.pages.files -> mutants"),
]


def test_each_wrong_way_import_breaks_the_contract(project_copy: Path) -> None:
    """One run for the five (each lint costs seconds): every one is reported."""
    for module, wrong_import, _ in WRONG_WAY:
        with (project_copy / module).open("a", encoding="utf-8") as source:
            source.write(f"\n{wrong_import}  # the wrong way\n")
    done = lint_imports(project_copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert [broken for _, _, broken in WRONG_WAY if broken not in done.stdout] == []
    # The layers, the scenarios' and the harness-to-mutants contracts broke; the mutants' own held.
    assert "Contracts: 1 kept, 3 broken." in done.stdout
