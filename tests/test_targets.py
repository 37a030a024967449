"""Where `--python all` looks: pyenv, uv's Pythons, the Windows registry (through the
`py` launcher) and PATH; each interpreter once; places this user may not read skipped."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from harness.running import discovery

pytestmark = pytest.mark.meta


def fake_python(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def nowhere(monkeypatch, tmp_path):
    """No pyenv, no uv, an empty PATH: only what a test adds."""
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "home")
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "no-uv"))
    monkeypatch.setenv("PATH", "")
    return tmp_path


@pytest.mark.skipif(os.name == "nt", reason="POSIX file names")
def test_path_uv_and_pyenv_pythons_are_found_once_each(nowhere, monkeypatch):
    pyenv = fake_python(nowhere / "pyenv" / "versions" / "3.12.1" / "bin" / "python3")
    uv = fake_python(nowhere / "uv" / "cpython-3.13.0-linux-x86_64-gnu" / "bin" / "python3")
    on_path = fake_python(nowhere / "bin" / "python3.14")
    fake_python(nowhere / "bin" / "python3-config")  # not an interpreter's name
    (nowhere / "bin" / "python3").symlink_to(on_path)  # the same interpreter by another name
    monkeypatch.setenv("PYENV_ROOT", str(nowhere / "pyenv"))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(nowhere / "uv"))
    monkeypatch.setenv("PATH", str(nowhere / "bin"))
    assert discovery.everywhere() == [str(pyenv), str(uv), str(nowhere / "bin" / "python3")]


def test_a_place_this_user_may_not_read_is_skipped(nowhere, monkeypatch):
    """As for another user's pyenv root: stat() inside it raises PermissionError."""
    fake_python(nowhere / "pyenv" / "versions" / "3.12.1" / "bin" / "python3")
    monkeypatch.setenv("PYENV_ROOT", str(nowhere / "pyenv"))
    monkeypatch.setenv("PATH", str(nowhere / "pyenv" / "versions" / "3.12.1" / "bin"))
    real_is_dir = Path.is_dir

    def refused(self: Path) -> bool:
        if str(self).startswith(str(nowhere / "pyenv")):
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_dir(self)

    monkeypatch.setattr(Path, "is_dir", refused)
    assert discovery.everywhere() == []
    with pytest.raises(discovery.TargetError, match=r"^--python 3\.5: no Python 3\.5 found"):
        discovery.resolve("3.5")
