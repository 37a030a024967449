"""Finding the target interpreters: ``--python 3.8``, ``pypy3``, a path, or ``all`` (pyenv's,
uv's, those on PATH, the Windows launcher's and registry's, the Wine builds), each probed once."""

from __future__ import annotations

import glob
import os
import re
import shutil
import sys
from pathlib import Path

from harness.pythons import (
    command_output,
    listable,
    pyenv_root,
)
from harness.running import wine
from harness.running.targets import Target, TargetError, probe


def _pyenv_pythons(root: Path | None) -> list[str]:
    if root is None:
        return []
    found = []
    for bin_dir in sorted(glob.glob(str(root / "versions" / "*" / "bin"))):
        for name in ("python3", "pypy3"):
            candidate = Path(bin_dir, name)
            if candidate.exists():
                found.append(str(candidate))
                break
    return found


def _py_launcher(minor: str) -> str | None:
    """Windows has no pythonX.Y commands; its ``py`` launcher knows the installs."""
    if os.name != "nt" or shutil.which("py") is None:
        return None
    return command_output(["py", f"-{minor}", "-c", "import sys; print(sys.executable)"]) or None


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


_ON_PATH = re.compile(r"(python|pypy)3(\.\d+)?(\.exe)?", re.IGNORECASE)


def _on_path(pyenv_root: Path | None) -> list[str]:
    """python3, python3.X, pypy3 ... in every folder of PATH this user may list."""
    found = []
    # pyenv's shims only lead to its versions, listed already.
    shims = str(pyenv_root / "shims") if pyenv_root else None
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if not folder or folder == shims or not listable(Path(folder)):
            continue
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if _ON_PATH.fullmatch(name) and _executable(path):
                found.append(path)
    return found


def _uv_pythons() -> list[str]:
    """Pythons uv installed (``uv python install``), in uv's folder for them."""
    folder = os.environ.get("UV_PYTHON_INSTALL_DIR") or (shutil.which("uv") and command_output(["uv", "python", "dir"]))
    if not folder:
        data = os.environ.get("APPDATA") if os.name == "nt" else os.environ.get("XDG_DATA_HOME")
        default = Path(data) / "uv" / ("data" if os.name == "nt" else "") if data else None
        folder = str((default or Path.home() / ".local" / "share" / "uv") / "python")
    if not listable(Path(folder)):
        return []
    pattern = "*/python.exe" if os.name == "nt" else "*/bin/python3"
    return sorted(glob.glob(os.path.join(folder, pattern)))


def _registered_pythons() -> list[str]:
    """Windows: the Pythons in the registry (PEP 514), as the ``py`` launcher lists them."""
    if os.name != "nt" or shutil.which("py") is None:
        return []
    return re.findall(
        r"\s(\S:\\.*?python\.exe)\s*$", command_output(["py", "--list-paths"]), re.MULTILINE | re.IGNORECASE
    )


def everywhere() -> list[str]:
    """The interpreters --python all considers: pyenv's, uv's, the Windows registry's, PATH's,
    then the Windows builds of ``python -m harness wine install`` where Wine is installed.

    Plain folder listings, not python-discovery: it runs every candidate it meets, which
    took 4 s (12 s on a cold cache) per run here, where our probe runs each one once."""
    found: dict[str, str] = {}  # real path -> the first name met: each interpreter is probed once
    root = pyenv_root()
    windows = list(wine.installed().values()) if wine.wine_command() else []
    for path in [*_pyenv_pythons(root), *_uv_pythons(), *_registered_pythons(), *_on_path(root), *windows]:
        found.setdefault(os.path.realpath(path), path)
    return list(found.values())


_WINDOWS_BUILD = re.compile(r"win(\d+)\.(\d+)")


def resolve(spec: str) -> list[str]:
    """Interpreter paths for one --python value."""
    if spec == "all":
        return everywhere() or [sys.executable]
    windows = _WINDOWS_BUILD.fullmatch(spec)
    if windows:
        try:
            return [wine.resolve((int(windows[1]), int(windows[2])), spec)]
        except wine.WineError as exc:
            raise TargetError(str(exc)) from None
    if os.sep in spec or (os.altsep and os.altsep in spec):
        if not _executable(spec):
            raise TargetError(f"--python {spec}: no such executable file")
        return [spec]
    if re.fullmatch(r"\d+\.\d+(\.\d+)?", spec):
        root = pyenv_root()
        if root is not None:
            for bin_dir in sorted(glob.glob(str(root / "versions" / f"{spec}*" / "bin")), reverse=True):
                name = re.escape(spec)
                if re.fullmatch(rf"{name}(\.\d+)?", Path(bin_dir).parent.name) and Path(bin_dir, "python3").exists():
                    return [str(Path(bin_dir, "python3"))]
        minor = ".".join(spec.split(".")[:2])
        found = shutil.which(f"python{minor}") or _py_launcher(minor)
        if found:
            return [found]
        raise TargetError(f"--python {spec}: no Python {spec} found (looked in pyenv and PATH)")
    found = shutil.which(spec)
    if found is None:
        raise TargetError(f"--python {spec}: no such command on PATH")
    return [found]


def discover(specs: list[str]) -> list[Target]:
    """Targets for the --python values, one per distinct interpreter, in version order."""
    targets: dict[str, Target] = {}
    for spec in specs or [sys.executable]:
        for path in resolve(spec):
            try:
                target = probe(path)
            except TargetError:
                if spec == "all":
                    continue  # e.g. a Python 2 in pyenv: "all" means all usable ones
                raise
            targets.setdefault(target.name, target)
    # This system's interpreters first, then the builds for another (Windows under Wine).
    return sorted(targets.values(), key=lambda t: (t.platform != sys.platform, t.implementation, t.version))


def newest_windows_build() -> Target | None:
    """The newest Windows build of ``python -m harness wine install``, where Wine can run it."""
    builds = wine.installed() if wine.wine_command() else {}
    for minor in sorted(builds, reverse=True):
        try:
            return probe(builds[minor])
        except TargetError:
            continue
    return None
