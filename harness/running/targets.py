"""Target interpreters: the Pythons that run the scenarios.

Tests run in the host pytest; scenarios need only the standard library, so
any CPython 3.6+ or PyPy can be a target.  ``--python`` takes a path, a
version such as ``3.8``, a command name such as ``pypy3``, or ``all``.
"""

from __future__ import annotations

import contextlib
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

from harness.claims.catalogue.daemon import ALREADY_STARTED
from harness.claims.model import NO_STDLIB_ASSERTS, NOTED_CONDITIONS, UNDER_WINE, Point
from harness.pythons import (
    OLDEST_TARGET,
    column_name,
    command_output,
    dotted,
    interpreter_name,
    listable,
    pyenv_root,
    system_prefixed,
)
from harness.running import wine
from harness.running.runner import DROPPED_VARIABLES

PROBE_WAIT = 60.0  # seconds; a Wine prefix's first start takes several

# Runs under any Python, 2.7 included, so that an old one is named, not crashed on.
# Besides what the interpreter is, it tells where it runs: under Wine (ntdll says so), and
# whether its standard library kept its asserts (the Windows embeddable build's is compiled
# without them, so the checks multiprocessing makes with assert are gone there).
_PROBE = """
import json, platform, sys
try:
    import multiprocessing, multiprocessing.process
    methods = multiprocessing.get_all_start_methods()
    setter = multiprocessing.process.BaseProcess.daemon.fset.__code__
    asserts = ALREADY_STARTED in setter.co_consts
except Exception:
    methods, asserts = [], True
emulator = ""
if sys.platform == "win32":
    try:
        import ctypes
        get = ctypes.windll.ntdll.wine_get_version
        get.restype = ctypes.c_char_p
        emulator = "Wine " + get().decode()
    except Exception:
        pass
print(json.dumps({"implementation": platform.python_implementation().lower(),
                  "version": list(sys.version_info[:3]), "start_methods": methods, "platform": sys.platform,
                  "emulator": emulator, "stdlib_asserts": asserts}))
""".replace("ALREADY_STARTED", repr(ALREADY_STARTED))


class TargetError(Exception):
    """A --python value that names no usable interpreter; the message is one line."""


@dataclass(frozen=True)
class Target:
    path: str
    implementation: str  # "cpython", "pypy"
    version: tuple[int, int, int]
    start_methods: tuple[str, ...]
    platform: str  # sys.platform: linux, darwin, win32
    emulator: str = ""  # what runs a foreign build here, with its version ("Wine 8.0"); "" when native
    environment: tuple[str, ...] = ()  # UNDER_WINE, NO_STDLIB_ASSERTS: facts the predictions may select on

    @property
    def column_name(self) -> str:
        """The target's column in the verdict matrix (``harness.pythons.column_name``)."""
        return column_name(self.platform, self.emulator, self.implementation, self.version)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Target:
        return cls(
            raw["path"],
            raw["implementation"],
            tuple(raw["version"]),
            tuple(raw["start_methods"]),
            raw["platform"],
            raw["emulator"],
            tuple(raw["environment"]),
        )

    def point(self, start_method: str, condition: str = NOTED_CONDITIONS) -> Point:
        """Where an observation on this target is made, for the catalogue's predictions."""
        return Point(self.implementation, self.version, self.platform, start_method, condition, self.environment)

    @property
    def name(self) -> str:
        """Short, unique per minor version and system: ``cpython3.8``, ``pypy3.9``; a build for
        another system than pytest's is prefixed with it: ``win32-cpython3.13``."""
        return system_prefixed(interpreter_name(self.implementation, self.version), self.platform)

    @property
    def description(self) -> str:
        return f"{self.implementation} {dotted(self.version)} ({self.path})"


def _ask(path: str) -> tuple[int, str]:
    """Run the probe; (exit status, what it printed).  On POSIX its output is read once it
    has exited, not to end of file: processes it left running (a Wine prefix's services,
    started by a first Windows client) may hold the pipe open for good.  (A pipe, not a
    file: under Wine a Windows Python cannot start with a regular file as its stdout.)"""
    # As a scenario would run: PYTHONOPTIMIZE, say, would hide the stdlib's asserts from the probe.
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_VARIABLES}
    proc = subprocess.Popen(
        [path, "-c", _PROBE], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert proc.stdout is not None
    with proc.stdout:
        if os.name == "nt":
            printed, _ = proc.communicate(timeout=PROBE_WAIT)
            return proc.returncode, printed.decode("utf-8", "replace")
        try:
            proc.wait(PROBE_WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        os.set_blocking(proc.stdout.fileno(), False)
        chunks = []
        with contextlib.suppress(BlockingIOError):  # all that was written is read; nothing more comes
            for chunk in iter(lambda: os.read(proc.stdout.fileno(), 65536), b""):  # type: ignore[union-attr]
                chunks.append(chunk)
        return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def probe(path: str) -> Target:
    """Ask the interpreter at ``path`` what it is."""
    try:
        returncode, printed = _ask(path)
    except OSError as exc:
        raise TargetError(f"--python {path}: cannot run it ({exc.strerror or exc})") from None
    except subprocess.TimeoutExpired:
        raise TargetError(f"--python {path}: no answer within {PROBE_WAIT:g} s") from None
    try:
        info = json.loads(printed.strip().splitlines()[-1])
        emulator = str(info.get("emulator", ""))
        environment = ((UNDER_WINE,) if emulator.startswith("Wine") else ()) + (
            () if info.get("stdlib_asserts", True) else (NO_STDLIB_ASSERTS,)
        )
        target = Target(
            path,
            info["implementation"],
            tuple(info["version"]),
            tuple(info["start_methods"]),
            info["platform"],
            emulator,
            environment,
        )
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise TargetError(f"--python {path}: not a Python interpreter (exit status {returncode})") from None
    if target.version[:2] < OLDEST_TARGET:
        raise TargetError(f"--python {path}: Python {dotted(target.version)} is older than {dotted(OLDEST_TARGET)}")
    return target


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
