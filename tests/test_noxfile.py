"""noxfile.py puts pyenv's versions on PATH so that `python3.10` is CPython 3.10, never a
PyPy whose bin/ has a python3.10 too, and the newest release of a version comes first."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import types
from pathlib import Path

import pytest

from harness.project import PROJECT_ROOT

pytestmark = pytest.mark.meta

# pyenv version folders, as `pyenv install` names them, in the order PATH must list them.
FOLDERS = ["3.13.0", "3.13.0t", "3.10.13", "3.10.4", "3.9.18", "pypy3.10-7.3.17", "pypy3.9-7.3.16", "miniconda3-latest"]


def load_noxfile(monkeypatch: pytest.MonkeyPatch, path: str) -> types.ModuleType:
    """noxfile.py, imported by path with PATH set to ``path`` (it edits PATH at import:
    monkeypatch restores it), and a stand-in for nox, which requirements-dev.txt installs
    on Python 3.10+ only."""
    nox = types.ModuleType("nox")
    nox.options = types.SimpleNamespace()
    nox.session = lambda **_: lambda function: function
    monkeypatch.setitem(sys.modules, "nox", nox)
    monkeypatch.setenv("PATH", path)
    spec = importlib.util.spec_from_file_location("noxfile_under_test", PROJECT_ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cpython_folders_come_first_newest_first(monkeypatch, tmp_path):
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    noxfile = load_noxfile(monkeypatch, os.environ.get("PATH", ""))
    shuffled = [tmp_path / name / "bin" for name in reversed(FOLDERS)]
    ordered = sorted(shuffled, key=noxfile._version_key, reverse=True)
    assert [p.parent.name for p in ordered] == FOLDERS


@pytest.mark.skipif(os.name == "nt", reason="noxfile.py reads pyenv's versions on POSIX only")
def test_python3_10_on_path_is_cpython_not_pypy(monkeypatch, tmp_path):
    # The old key, every number of the name, put pypy3.10-7.3.17 (3, 10, 7, ...) above 3.10.4.
    for name in ("3.10.4", "pypy3.10-7.3.17", "3.9.18"):
        bin_dir = tmp_path / "versions" / name / "bin"
        bin_dir.mkdir(parents=True)
        for command in ("python3.10", "python3") if name != "3.9.18" else ("python3.9", "python3"):
            (bin_dir / command).write_text("#!/bin/sh\n", encoding="utf-8")
            (bin_dir / command).chmod(0o755)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    load_noxfile(monkeypatch, str(tmp_path / "shims"))  # the versions go before pyenv's shims
    found = shutil.which("python3.10", path=os.environ["PATH"])
    assert found is not None
    assert Path(found).parent.parent.name == "3.10.4"
