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


def _pyenv_root() -> Path | None:
    root = os.environ.get("PYENV_ROOT") or (shutil.which("pyenv") and _run_text(["pyenv", "root"]))
    if root and Path(root, "versions").is_dir():
        return Path(root)
    default = Path.home() / ".pyenv"
    return default if (default / "versions").is_dir() else None


def _run_text(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _pyenv_pythons() -> list[str]:
    root = _pyenv_root()
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


def resolve(spec: str) -> list[str]:
    """Interpreter paths for one --python value."""
    if spec == "all":
        paths = _pyenv_pythons()
        for name in ("pypy3", "pypy"):
            found = shutil.which(name)
            if found:
                paths.append(found)
                break
        return paths or [sys.executable]
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
