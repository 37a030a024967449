"""Target interpreters: the Pythons that run the scenarios.

Tests run in the host pytest; scenarios need only the standard library, so
any CPython 3.6+ or PyPy can be a target.  ``--python`` takes a path, a
version such as ``3.8``, a command name such as ``pypy3``, or ``all``.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

OLDEST = (3, 6)

# Runs under any Python, 2.7 included, so that an old one is named, not crashed on.
_PROBE = """
import json, platform, sys
try:
    import multiprocessing
    methods = multiprocessing.get_all_start_methods()
except Exception:
    methods = []
print(json.dumps({"implementation": platform.python_implementation().lower(),
                  "version": list(sys.version_info[:3]), "start_methods": methods, "platform": sys.platform}))
"""


class TargetError(Exception):
    """A --python value that names no usable interpreter; the message is one line."""


@dataclass(frozen=True)
class Target:
    path: str
    implementation: str  # "cpython", "pypy"
    version: tuple[int, int, int]
    start_methods: tuple[str, ...]
    platform: str  # sys.platform: linux, darwin, win32

    @property
    def column_key(self) -> str:
        """The target's column in the verdict matrix, unique across machines."""
        return f"{self.platform}/{self.label}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Target:
        return cls(
            raw["path"], raw["implementation"], tuple(raw["version"]), tuple(raw["start_methods"]), raw["platform"]
        )

    @property
    def label(self) -> str:
        """Short, unique per minor version: ``cpython3.8``, ``pypy3.9``."""
        return f"{self.implementation}{self.version[0]}.{self.version[1]}"

    @property
    def description(self) -> str:
        return f"{self.implementation} {'.'.join(map(str, self.version))} ({self.path})"


def probe(path: str) -> Target:
    """Ask the interpreter at ``path`` what it is."""
    try:
        out = subprocess.run([path, "-c", _PROBE], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise TargetError(f"--python {path}: cannot run it ({exc.strerror or exc})") from None
    except subprocess.TimeoutExpired:
        raise TargetError(f"--python {path}: no answer within 60 s") from None
    try:
        info = json.loads(out.stdout.strip().splitlines()[-1])
        target = Target(
            path, info["implementation"], tuple(info["version"]), tuple(info["start_methods"]), info["platform"]
        )
    except (ValueError, KeyError, IndexError, TypeError):
        raise TargetError(f"--python {path}: not a Python interpreter (exit status {out.returncode})") from None
    if target.version[:2] < OLDEST:
        raise TargetError(f"--python {path}: Python {'.'.join(map(str, target.version))} is older than 3.6")
    return target


def _listable(folder: Path) -> bool:
    """A folder this user may list: another user's (root's pyenv, say) is skipped, not an error."""
    try:
        return folder.is_dir() and os.access(folder, os.R_OK | os.X_OK)
    except OSError:  # PermissionError from stat() inside a folder we may not enter
        return False


def _pyenv_root() -> Path | None:
    root = os.environ.get("PYENV_ROOT") or (shutil.which("pyenv") and _run_text(["pyenv", "root"]))
    if root and _listable(Path(root, "versions")):
        return Path(root)
    default = Path.home() / ".pyenv"
    return default if _listable(default / "versions") else None


def _run_text(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


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
    return _run_text(["py", f"-{minor}", "-c", "import sys; print(sys.executable)"]) or None


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


_ON_PATH = re.compile(r"(python|pypy)3(\.\d+)?(\.exe)?", re.IGNORECASE)


def _on_path(pyenv_root: Path | None) -> list[str]:
    """python3, python3.X, pypy3 ... in every folder of PATH this user may list."""
    found = []
    # pyenv's shims only lead to its versions, listed already.
    shims = str(pyenv_root / "shims") if pyenv_root else None
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if not folder or folder == shims or not _listable(Path(folder)):
            continue
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if _ON_PATH.fullmatch(name) and _executable(path):
                found.append(path)
    return found


def _uv_pythons() -> list[str]:
    """Pythons uv installed (``uv python install``), in uv's folder for them."""
    folder = os.environ.get("UV_PYTHON_INSTALL_DIR") or (shutil.which("uv") and _run_text(["uv", "python", "dir"]))
    if not folder:
        data = os.environ.get("APPDATA") if os.name == "nt" else os.environ.get("XDG_DATA_HOME")
        default = Path(data) / "uv" / ("data" if os.name == "nt" else "") if data else None
        folder = str((default or Path.home() / ".local" / "share" / "uv") / "python")
    if not _listable(Path(folder)):
        return []
    pattern = "*/python.exe" if os.name == "nt" else "*/bin/python3"
    return sorted(glob.glob(os.path.join(folder, pattern)))


def _registered_pythons() -> list[str]:
    """Windows: the Pythons in the registry (PEP 514), as the ``py`` launcher lists them."""
    if os.name != "nt" or shutil.which("py") is None:
        return []
    return re.findall(r"\s(\S:\\.*?python\.exe)\s*$", _run_text(["py", "--list-paths"]), re.MULTILINE | re.IGNORECASE)


def everywhere() -> list[str]:
    """The interpreters --python all considers: pyenv's, uv's, the Windows registry's, then PATH's.

    Plain folder listings, not python-discovery: it runs every candidate it meets, which
    took 4 s (12 s on a cold cache) per run here, where our probe runs each one once."""
    found: dict[str, str] = {}  # real path -> the first name met: each interpreter is probed once
    root = _pyenv_root()
    for path in [*_pyenv_pythons(root), *_uv_pythons(), *_registered_pythons(), *_on_path(root)]:
        found.setdefault(os.path.realpath(path), path)
    return list(found.values())


def resolve(spec: str) -> list[str]:
    """Interpreter paths for one --python value."""
    if spec == "all":
        return everywhere() or [sys.executable]
    if os.sep in spec or (os.altsep and os.altsep in spec):
        if not _executable(spec):
            raise TargetError(f"--python {spec}: no such executable file")
        return [spec]
    if re.fullmatch(r"\d+\.\d+(\.\d+)?", spec):
        root = _pyenv_root()
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
            targets.setdefault(target.label, target)
    return sorted(targets.values(), key=lambda t: (t.implementation != "cpython", t.version))


def host() -> Target:
    """The interpreter running pytest, without a subprocess."""
    import multiprocessing

    return Target(
        sys.executable,
        sys.implementation.name,
        (sys.version_info[0], sys.version_info[1], sys.version_info[2]),
        tuple(multiprocessing.get_all_start_methods()),
        sys.platform,
    )
