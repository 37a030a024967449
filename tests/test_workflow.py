"""The GitHub workflow: .ci/workflow_env.py gives .ci/run's pytest and nox commands the
variables the workflow sets, read from its YAML, so a variable added there reaches them
(what the script cannot read as GitHub would is refused in one line); the packages its
jobs install exist on Ubuntu's runners."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from harness.project import PROJECT_ROOT

pytestmark = pytest.mark.meta

SCRIPT = PROJECT_ROOT / ".ci" / "workflow_env.py"
WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "ci.yml"
SHOW = "import json, os, sys; print(json.dumps({n: os.environ.get(n) for n in sys.argv[1:]}))"


def workflow_env(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60, check=False)


def with_lines(text: str, after: str, lines: str) -> str:
    """``text`` with ``lines`` inserted after its first line ``after``."""
    head, found, tail = text.partition(f"\n{after}\n")
    assert found, f"no line {after!r} in the workflow"
    return f"{head}{found}{lines}{tail}"


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_a_variable_added_to_the_workflow_reaches_the_command(newline, tmp_path):
    text = WORKFLOW.read_text(encoding="utf-8")
    text = with_lines(text, "env:", '  MPSPEC_CANARY: "from the workflow"  # a comment\n')
    text = with_lines(text, "  tests:", "    env:\n      JOB_CANARY: 'the job''s'\n      FORCE_COLOR: \"0\"\n")
    workflow = tmp_path / "ci.yml"
    workflow.write_text(text, encoding="utf-8", newline=newline)
    names = ("MPSPEC_CANARY", "JOB_CANARY", "FORCE_COLOR")
    proc = workflow_env(f"--workflow={workflow}", "--", sys.executable, "-c", SHOW, *names)
    assert proc.returncode == 0, proc.stderr
    # The job's env wins over the workflow's.
    assert json.loads(proc.stdout) == {
        "MPSPEC_CANARY": "from the workflow",
        "JOB_CANARY": "the job's",
        "FORCE_COLOR": "0",
    }


def test_the_commands_exit_status_is_the_scripts(tmp_path):
    proc = workflow_env("--", sys.executable, "-c", "raise SystemExit(7)")
    assert proc.returncode == 7


def test_the_workflow_as_committed_is_read():
    proc = workflow_env("--print")
    assert (proc.returncode, proc.stderr) == (0, "")
    lines = proc.stdout.splitlines()
    assert lines != []
    assert [line for line in lines if not line.split("=", 1)[0].isidentifier()] == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ('env: {A: "1"}\n', "line 1: env must be a block mapping, one NAME: value a line"),
        (
            "env:\n  A: ${{ matrix.python }}\n",
            "line 2: '${{ matrix.python }}' is an expression only GitHub can evaluate",
        ),
        ("env:\n  A: |\n    text\n", "line 2: '|' is not a one-line plain or quoted value"),
        ("env:\n  A:\n", "line 2: no value"),
        ("env:\n  A: '1'\n", "no job 'tests' in the workflow"),
    ],
)
def test_what_it_cannot_read_is_refused_in_one_line(env, message, tmp_path):
    workflow = tmp_path / "ci.yml"
    workflow.write_text(env + ("jobs:\n  tests:\n    runs-on: x\n" if "tests" not in message else ""), encoding="utf-8")
    proc = workflow_env(f"--workflow={workflow}", "--", sys.executable, "-c", "")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"workflow_env.py: error: {workflow}: {message}\n"


def test_a_missing_workflow_or_command_is_refused_in_one_line(tmp_path):
    missing = tmp_path / "nowhere.yml"
    for args, message in (
        ((f"--workflow={missing}", "--", "true"), f"{missing}: No such file or directory"),
        ((), "no command given (after --)"),
        (("--", str(tmp_path / "no-such-command")), f"cannot run {tmp_path / 'no-such-command'}: "),
    ):
        proc = workflow_env(*args)
        assert proc.returncode == 2
        assert proc.stderr.startswith(f"workflow_env.py: error: {message}")
        assert proc.stderr.count("\n") == 1


# Ubuntu has these only as transition packages that install a snap, which runners lack.
SNAP_STUBS = {"chromium", "chromium-browser", "chromium-chromedriver", "firefox"}


def test_the_jobs_install_no_package_ubuntu_has_only_as_a_snap():
    installs = re.findall(r"apt-get install ([^\n&|;]*)", WORKFLOW.read_text(encoding="utf-8"))
    assert installs != []
    packages = {word for line in installs for word in line.split() if not word.startswith("-")}
    assert packages & SNAP_STUBS == set()
