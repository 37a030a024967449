"""Target interpreters: the Pythons that run the scenarios, each probed once for what it is
(implementation, version, platform, start methods, emulator, environment).

Tests run in the host pytest; scenarios need only the standard library, so any CPython 3.6+
or PyPy can be a target.  ``harness.running.discovery`` finds them for ``--python``.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from typing import Any

from harness.claims.catalogue.daemon import ALREADY_STARTED
from harness.claims.model import NO_STDLIB_ASSERTS, NOTED_CONDITIONS, UNDER_WINE, Point
from harness.pythons import (
    OLDEST_TARGET,
    column_name,
    dotted,
    interpreter_name,
    system_prefixed,
)
from harness.running.environment import DROPPED_VARIABLES

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
