"""The Pythons the project supports, how it names them, and where pyenv keeps them.

Two facts, each stated once here:

- the scenarios and mutants (standard library only, Python 3.6 syntax) run on every
  CPython from OLDEST_TARGET and on PyPy: these are the targets, and the versions the
  catalogue predicts for (``harness.claims.points.MINORS``);
- pytest and the harness, the host, run on every CPython from OLDEST_HOST (noxfile.py's
  sessions).

pyproject.toml (requires-python, the classifiers, ruff's target) and the workflow's
matrix cannot import this module: tests/test_packaging.py holds them to it.

Standard library only and free of the rest of the harness: noxfile.py imports it under
nox's own Python, which has none of the requirements.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Tuple

Minor = Tuple[int, int]  # typing.Tuple: evaluated at run time on 3.8

OLDEST_TARGET: Minor = (3, 6)
OLDEST_HOST: Minor = (3, 8)
NEWEST: Minor = (3, 15)
# Tested before their release (the workflow's allow-prereleases); no trove classifier yet.
PRERELEASES: tuple[Minor, ...] = ((3, 15),)
PYPY: tuple[Minor, ...] = ((3, 9), (3, 10), (3, 11))


def cpython_from(oldest: Minor) -> tuple[Minor, ...]:
    """Every CPython minor version from ``oldest`` to NEWEST."""
    return tuple((3, minor) for minor in range(oldest[1], NEWEST[1] + 1))


CPYTHON_TARGETS = cpython_from(OLDEST_TARGET)
CPYTHON_HOSTS = cpython_from(OLDEST_HOST)


def dotted(version: tuple[int, ...]) -> str:
    """(3, 8) -> "3.8"."""
    return ".".join(map(str, version))


def interpreter_name(implementation: str, version: Sequence[int]) -> str:
    """An interpreter as the matrix's columns, the test ids and the verdict summaries name it:
    ``cpython3.13``, ``pypy3.9``."""
    return f"{implementation}{version[0]}.{version[1]}"


def system_name(platform: str, emulator: str) -> str:
    """Where an interpreter runs: ``linux``, ``win32``, ``win32 (Wine 8.0)``."""
    return f"{platform} ({emulator})" if emulator else platform


def column_name(platform: str, emulator: str, implementation: str, version: Sequence[int]) -> str:
    """A target's column in the verdict matrix, unique across machines: ``linux/cpython3.13``,
    ``win32 (Wine 8.0)/cpython3.13`` (kept apart from a real Windows' ``win32/cpython3.13``)."""
    return f"{system_name(platform, emulator)}/{interpreter_name(implementation, version)}"


def system_prefixed(name: str, platform: str) -> str:
    """``name`` (an implementation or a label) of a build for another system than pytest's,
    prefixed with that system: ``win32-cpython3.13``."""
    return name if platform == sys.platform else f"{platform}-{name}"


def listable(folder: Path) -> bool:
    """A folder this user may list: another user's (root's pyenv, say) is skipped, not an error."""
    try:
        return folder.is_dir() and os.access(folder, os.R_OK | os.X_OK)
    except OSError:  # PermissionError from stat() inside a folder we may not enter
        return False


def command_output(argv: list[str]) -> str:
    """What ``argv`` prints, stripped; "" when it cannot run or takes over 30 s."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def pyenv_root() -> Path | None:
    """pyenv's root ($PYENV_ROOT, else what ``pyenv root`` says, else ~/.pyenv), if it has versions to list."""
    root = os.environ.get("PYENV_ROOT") or (shutil.which("pyenv") and command_output(["pyenv", "root"]))
    if root and listable(Path(root, "versions")):
        return Path(root)
    default = Path.home() / ".pyenv"
    return default if listable(default / "versions") else None
