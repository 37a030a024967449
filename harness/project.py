"""Where the project is: its root, for the scenarios, mutants and reports it holds."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Where a run writes the verdict matrix unless told otherwise (pytest --matrix-json), from the root.
MATRIX_JSON = Path("reports", "matrix.json")
