"""nox sessions: the suite natively under each supported Python, and the verdict matrix.

    nox -l                          list the sessions
    nox -s tests-3.8                pytest run by Python 3.8 (its own venv, requirements.txt)
    nox -s oldest                   a few claims with pytest on Python 3.8, the oldest host (.ci/run)
    nox -s pypy                     pytest on the Python that runs nox, scenarios on PyPy (pypy3)
    nox -s matrix                   pytest --python all, run by the Python that runs nox
    nox -s tests-3.12 -- -k LOG-04  arguments after -- go to pytest

Each session writes its HTML report, verdict matrix and JUnit XML to reports/<session>/.
Interpreters come from PATH or, on POSIX, from pyenv (no `pyenv local` needed).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import nox

# nox runs this file from its folder, which only `python -m nox` puts on sys.path.
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
from harness.pythons import CPYTHON_HOSTS, dotted, pyenv_root  # noqa: E402  (standard library only)

PYTHONS = [dotted(minor) for minor in CPYTHON_HOSTS]
OLDEST = PYTHONS[0]
# A claim per section: enough to prove the harness runs on the oldest host, in seconds.
OLDEST_CLAIMS = ("LOG-04", "DAEMON-02", "EXIT-02", "EVENT-01", "COMM-08", "GUARD-02")

# virtualenv no longer creates 3.8 environments; the venv module of each interpreter does.
nox.options.default_venv_backend = "venv"
# A missing interpreter skips its session (fails under CI=true); nox never downloads one.
nox.options.download_python = "never"


def _version_key(path: Path) -> tuple[bool, tuple[int, ...], bool]:
    """Orders pyenv's version folders (``path`` is one's bin/): CPython's (3.10.13) above
    any other implementation's (pypy3.10-7.3.17, whose bin/ has a python3.10 too), by the
    Python version only (not PyPy's own after "-"), a release above its variants (3.13.0t)."""
    name = path.parent.name
    found = re.match(r"([A-Za-z]*)(\d+(?:\.\d+)*)", name)
    if found is None:
        return (False, (), False)
    implementation, version = found.groups()
    return (implementation == "", tuple(int(n) for n in version.split(".")), found.end() == len(name))


def _add_pyenv_versions_to_path() -> None:
    """Put every pyenv version's bin directory on PATH, ahead of pyenv's shims:
    a shim refuses `python3.8` unless 3.8 is the active version, the real binary does not."""
    root = pyenv_root()
    if root is None or os.name == "nt":
        return
    dirs = sorted((root / "versions").glob("*/bin"), key=_version_key, reverse=True)
    entries = os.environ.get("PATH", "").split(os.pathsep)
    new = [str(d) for d in dirs if str(d) not in entries]
    shims = str(root / "shims")
    at = entries.index(shims) if shims in entries else len(entries)
    os.environ["PATH"] = os.pathsep.join(entries[:at] + new + entries[at:])


_add_pyenv_versions_to_path()


def _pytest(session: nox.Session, *args: str) -> None:
    reports = Path("reports", session.name)
    session.install("-r", "requirements.txt")
    session.run(
        "python",
        "-m",
        "pytest",
        f"--html={reports / 'report.html'}",
        f"--matrix-json={reports / 'matrix.json'}",
        f"--junitxml={reports / 'junit.xml'}",
        *args,
        *session.posargs,
    )


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The suite, run by this Python: tests and scenarios on the same interpreter."""
    _pytest(session)


@nox.session(python=OLDEST)
def oldest(session: nox.Session) -> None:
    """A few claims with pytest on the oldest supported Python: "pytest runs on 3.8+", proven here."""
    _pytest(session, *(f"--claim={claim}" for claim in OLDEST_CLAIMS))


@nox.session(python=sys.executable)
def pypy(session: nox.Session) -> None:
    """The suite with its scenarios under PyPy (the pypy3 command), pytest on the Python running nox."""
    _pytest(session, "--python", "pypy3")


@nox.session(python=sys.executable)
def matrix(session: nox.Session) -> None:
    """The verdict matrix: pytest on the Python running nox, scenarios on every CPython and PyPy found."""
    _pytest(session, "--python", "all")


@nox.session(python=sys.executable)
def mutation(session: nox.Session) -> None:
    """The mutation self-check: behaviour, note and prediction mutants (python -m harness mutation)."""
    session.install("-r", "requirements.txt")
    session.run("python", "-m", "harness", "mutation", *session.posargs)
