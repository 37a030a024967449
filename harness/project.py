"""Where the project is: its root, for the scenarios, mutants and reports it holds; and
where a pytest run of the suite that the project starts itself writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Where a run writes the verdict matrix unless told otherwise (pytest --matrix-json), from the root.
MATRIX_JSON = Path("reports", "matrix.json")


@dataclass(frozen=True)
class IsolatedRun:
    """A pytest run of the suite started by the project itself (a test's inner run, a
    mutant's, a script's): without the cache, its temporary files and reports (HTML, JUnit,
    matrix) in ``folder``, named after ``tag`` if any, never in the project's reports/."""

    folder: Path
    tag: str = ""

    def _named(self, stem: str, suffix: str = "") -> Path:
        return self.folder / (f"{stem}-{self.tag}{suffix}" if self.tag else f"{stem}{suffix}")

    @property
    def basetemp(self) -> Path:
        return self._named("tmp")

    @property
    def html(self) -> Path:
        return self._named("report", ".html")

    @property
    def junit(self) -> Path:
        return self._named("junit", ".xml")

    @property
    def matrix_json(self) -> Path:
        return self._named("matrix", ".json")

    def args(self) -> list[str]:
        """pytest's options for it."""
        return [
            *("-p", "no:cacheprovider", f"--basetemp={self.basetemp}", f"--html={self.html}"),
            *(f"--junitxml={self.junit}", f"--matrix-json={self.matrix_json}"),
        ]
