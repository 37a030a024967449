"""Every command in README.md and CONTRIBUTING.md runs, so the docs cannot rot.

`pytest ...` commands collect (``--collect-only``, reports into a temporary folder);
scenarios, the timeline, the matrix merge, ruff and mypy run for real on small inputs;
the mutation check lists the mutants a command names; scripts answer ``--help`` with
every option the command uses; ``pip install -r`` is held against what is installed;
virtual environments are made and their activation scripts found.  A command no
check knows fails.  Opt-in (``pytest -m readme``): ``.ci/run`` runs them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from harness.claims import note
from harness.pages import files
from harness.verdicts import predicted

pytestmark = [pytest.mark.meta, pytest.mark.readme]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("README.md", "CONTRIBUTING.md")
BLOCK = re.compile(r"^```(sh|powershell)\n(.*?)^```", re.MULTILINE | re.DOTALL)
TIMEOUT = 300


@dataclass(frozen=True)
class Command:
    doc: str
    shell: str  # sh or powershell
    text: str

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.text, posix=self.shell == "sh")


def documented() -> list[Command]:
    found = []
    for doc in DOCS:
        for shell, body in BLOCK.findall((ROOT / doc).read_text(encoding="utf-8")):
            for line in body.splitlines():
                line = re.sub(r"\s+#\s.*$", "", line).strip()  # a trailing comment
                if line and not line.startswith("#"):
                    found += [Command(doc, shell, part.strip()) for part in line.split(" && ")]
    return found


COMMANDS = documented()


# Outputs are parsed (nox -l, pytest's counts): no colour, whatever the terminal forces.
COLOUR_FORCED_BY = ("FORCE_COLOR", "PY_COLORS", "PYTHON_COLORS")


def run(argv: list[str], cwd: Path = ROOT, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_XDIST", "PYTEST_ADDOPTS")) and k not in COLOUR_FORCED_BY
    }
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, f"exit status {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


@pytest.fixture
def the_note_file(request: pytest.FixtureRequest) -> str:
    found = note.find(request.config.getoption("note"))
    if found is None:
        pytest.skip(note.HOW_TO_GET_IT)
    return str(found)


def test_the_docs_have_commands() -> None:
    assert len(COMMANDS) > 30
    assert {c.shell for c in COMMANDS} == {"sh", "powershell"}


def test_no_command_writes_where_windows_has_no_folder() -> None:
    """Every command is spelt the same on all three systems: no /tmp/ (a relative path instead)."""
    assert [c.text for c in COMMANDS if any(a.startswith("/tmp/") for a in c.argv)] == []


@pytest.mark.parametrize("command", COMMANDS, ids=[f"{c.doc}:{c.text}" for c in COMMANDS])
def test_documented_command_runs(command: Command, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    argv = command.argv
    if argv[0] in ("py", "python", "python3"):
        argv = [sys.executable, *argv[1:]]
    head = argv[0] if argv[0] != sys.executable else " ".join(argv[1:3])
    if head == "-m venv":
        ok(run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / ".venv")]))
    elif head in (".", "source") or argv[0].lower().endswith(("activate.ps1", "activate.bat")):
        activation(argv, tmp_path)
    elif head == "-m pip":
        pip(argv[3:], tmp_path)
    elif argv[0] == "pytest":
        collects(argv[1:], tmp_path, request)
    elif head.startswith("-m scenarios.") or argv[1:4] == ["-m", "harness", "timeline"]:
        ok(run([sys.executable, *substituted(argv[1:], tmp_path)]))
    elif argv[1:4] == ["-m", "harness", "merge"]:
        merges(argv[3:], tmp_path)
    elif argv[1:4] == ["-m", "harness", "wine"]:
        # install downloads: its --help must know the command; list runs as it is.
        ok(run([sys.executable, *argv[1:5], "--help"] if argv[4] == "install" else [sys.executable, *argv[1:]]))
    elif argv[1:4] == ["-m", "harness", "mutation"]:
        names = [a for a in argv[4:] if not a.startswith("--") and a != "PATH"]
        ok(run([sys.executable, "-m", "harness", "mutation", "--list", *names]))
    elif head == "-m harness":
        ok(run([sys.executable, *argv[1:]]))
    elif argv[0] == "nox":
        sessions(argv[1:])
    elif head.startswith("scripts/"):
        answers_help(argv[1:])
    elif argv[0] == "lint-imports":
        pytest.importorskip("importlinter", reason="import-linter (requirements-dev.txt, Python 3.11+)")
        ok(run(argv))
    elif argv[0] in ("ruff", "mypy"):
        ok(run([*argv[:2], "--check", *argv[2:]] if argv[:2] == ["ruff", "format"] else argv))
    elif argv[0] == "bash":
        ok(run(["bash", "-n", argv[1]]))
    elif argv[0] == "Set-ExecutionPolicy":
        # Scripts allowed in this PowerShell window only: the reader's machine policy stays.
        assert argv[1:] == ["-Scope", "Process", "-ExecutionPolicy", "Bypass"], command.text
    else:
        pytest.fail(f"{command.doc}: no check knows the command {command.text!r}: add one here")


def activation(argv: list[str], tmp_path: Path) -> None:
    """The activation script the command names exists in a fresh venv (bin/ on POSIX, Scripts\\ on Windows)."""
    ok(run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / ".venv")]))
    script = re.split(r"[\\/]", argv[-1])[-1].lower()
    scripts = next(d for d in (tmp_path / ".venv" / "bin", tmp_path / ".venv" / "Scripts") if d.is_dir())
    assert script in {p.name.lower() for p in scripts.iterdir()}


def pip(args: list[str], tmp_path: Path) -> None:
    if args[:2] == ["install", "-e"]:
        ok(run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "-e", str(ROOT)]))
        return
    files = [args[i + 1] for i, a in enumerate(args) if a == "-r"]
    assert files, args
    for name in files:
        installed_as_pinned(ROOT / name)


def installed_as_pinned(requirements: Path) -> None:
    """What the file pins for this Python is what this environment has: the one the docs tested."""
    from packaging.requirements import Requirement

    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        wanted = Requirement(line)
        if wanted.marker is not None and not wanted.marker.evaluate():
            continue
        try:
            have = version(wanted.name)
        except PackageNotFoundError:
            pytest.fail(f"{requirements.name}: {wanted.name} is not installed")
        assert wanted.specifier.contains(have, prereleases=True), f"{requirements.name}: {wanted} but {have}"


def substituted(args: list[str], tmp_path: Path) -> list[str]:
    """The docs' example paths made real: an interpreter, a trace file, an output file."""
    places = {"/opt/py3.12/bin/python": sys.executable}
    out = []
    for arg in args:
        arg = places.get(arg, arg)
        if arg.endswith((".jsonl", ".svg")):
            arg = str(tmp_path / Path(arg).name)
        out.append(arg)
    return out


def collects(args: list[str], tmp_path: Path, request: pytest.FixtureRequest) -> None:
    args = substituted(args, tmp_path)
    for i, arg in enumerate(args):
        if arg.startswith("--note=") and "notes" in arg:  # the docs' example of a reader's own copy
            args[i] = f"--note={request.getfixturevalue('the_note_file')}"
        if arg == "--python=/opt/py3.12/bin/python":
            args[i] = f"--python={sys.executable}"
    own = [f"--html={tmp_path / 'r.html'}", f"--junitxml={tmp_path / 'j.xml'}", f"--matrix-json={tmp_path / 'm.json'}"]
    proc = run(
        [sys.executable, "-m", "pytest", *args, "--collect-only", "-q", "-n", "0", "-o", f"cache_dir={tmp_path}", *own]
    )
    if proc.returncode == 4 and re.search(r"no Python|no Windows CPython|Wine is not installed", proc.stderr):
        pytest.skip(f"an interpreter the command names is not on this machine: {proc.stderr.strip()}")
    text = ok(proc)
    assert re.search(r"(\d+/)?[1-9]\d* tests? collected|collected [1-9]", text), text[-2000:]


def merges(args: list[str], tmp_path: Path) -> None:
    """`merge -o OUT A B`: two matrices made for the example's systems, merged for real."""
    assert args[:1] == ["merge"], args
    inputs = []
    for arg in args[1:]:
        if arg.endswith(".json") and "/" in arg and not arg.startswith("reports/"):
            system = arg.split("/")[0]
            platform = {"linux": "linux", "macos": "darwin", "windows": "win32"}[system]
            path = tmp_path / arg
            path.parent.mkdir(parents=True, exist_ok=True)
            cols = predicted.columns(platform, [(3, 12)], ("spawn",))
            files.write(predicted.predicted_matrix(cols), path)
            inputs.append(str(path))
    ok(run([sys.executable, "-m", "harness", "merge", "-o", str(tmp_path / "merged.json"), *inputs]))


def sessions(args: list[str]) -> None:
    if importlib.util.find_spec("nox") is None:
        pytest.skip("nox is not installed (requirements-dev.txt; Python 3.10+)")
    listed = ok(run([sys.executable, "-m", "nox", "-l"]))
    if args[:1] == ["-s"]:
        assert re.search(rf"^\* {re.escape(args[1])}\b", listed, re.MULTILINE), listed


def test_a_terminal_that_forces_colour_changes_no_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """nox -l's session list is parsed: with colour forced, its names would be painted apart."""
    for name in COLOUR_FORCED_BY:
        monkeypatch.setenv(name, "1")
    sessions(["-s", "tests-3.12"])


def answers_help(args: list[str]) -> None:
    text = ok(run([sys.executable, args[0], "--help"]))
    for option in (a for a in args[1:] if a.startswith("--")):
        assert option in text, f"{args[0]} --help does not know {option}"
