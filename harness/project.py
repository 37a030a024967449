"""Where the project is: its root, for the scenarios, mutants and reports it holds."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
