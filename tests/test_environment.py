"""A user's environment changes no verdict: the variables a terminal, shell profile or CI
job sets that change how a scenario prints or runs never reach a scenario (the runner
drops them), and runs made with them set observe what runs without them observe."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.project import PROJECT_ROOT
from harness.running.discovery import discover
from harness.running.environment import DROPPED_VARIABLES, scenario_environment
from harness.running.runner import run
from harness.running.spec import RunSpec
from harness.running.targets import TargetError, host
from mutants import MUTANT_ENV  # the self-check's; the runner keeps a copy (why: harness.running.runner)

pytestmark = pytest.mark.meta

# A value that makes each dropped variable take effect (most of them: any non-empty one).
EFFECTIVE = {"PYTHONWARNINGS": "error", "PYTHONMALLOC": "debug", "PYTHONOPTIMIZE": "2"}


def environment_seen(names: list[str]) -> dict[str, str | None]:
    """The values a scenario run sees of ``names`` (None: unset); the run must be clean."""
    r = run(RunSpec("_harness_check", "", "environment", params=(("names", ",".join(names)),)))
    assert (r.returncode, r.stderr) == (0, ""), r.transcript()
    values: dict[str, str | None] = r.trace.one("environment")["values"]
    return values


@pytest.mark.parametrize("name", DROPPED_VARIABLES)
def test_a_scenario_never_sees_a_dropped_variable(name, monkeypatch, tmp_path):
    startup = tmp_path / "startup.py"  # PYTHONSTARTUP's file: it would print, were it run
    startup.write_text("print('the start-up file ran')\n", encoding="utf-8")
    monkeypatch.setenv(name, str(startup) if name == "PYTHONSTARTUP" else EFFECTIVE.get(name, "1"))
    assert environment_seen([name]) == {name: None}


def test_a_scenario_sees_what_the_runner_sets_and_passes_on(monkeypatch):
    """The console's encoding (cp949) gives way to UTF-8; what changes no output passes on."""
    passed = {"TRUSTCHECK_RUN": "run-1", "PYTHONHASHSEED": "0", "TERM": "dumb", "WINEDEBUG": "-all"}
    for name, value in passed.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PYTHONIOENCODING", "cp949")
    monkeypatch.setenv("MPSPEC_GUARD_DEPTH", "7")  # a scenario's own variable, from outside
    seen = environment_seen([*passed, "PYTHONIOENCODING", "MPSPEC_GUARD_DEPTH", "TMPDIR"])
    tmpdir = seen.pop("TMPDIR")
    assert seen == {**passed, "PYTHONIOENCODING": "utf-8", "MPSPEC_GUARD_DEPTH": None}
    assert tmpdir is not None
    assert Path(tmpdir).name.startswith("mpspec-")


def test_the_mutation_self_checks_variable_passes_on_and_the_scenarios_own_do_not():
    given = {MUTANT_ENV: "m", "MPSPEC_TRACE": "elsewhere", "PATH": "p", "SYSTEMROOT": "C:\\Windows"}
    env = scenario_environment(Path("tmp"), {**given, **dict.fromkeys(DROPPED_VARIABLES, "1")})
    assert env == {
        MUTANT_ENV: "m",
        "PATH": "p",
        "SYSTEMROOT": "C:\\Windows",
        "PYTHONIOENCODING": "utf-8",
        "TMPDIR": "tmp",
    }


def python_313_or_newer() -> str:
    """An interpreter that colours tracebacks when told to (3.13+): this one, or a 3.13 found."""
    if sys.version_info >= (3, 13):
        return sys.executable
    try:
        return discover(["3.13"])[0].path
    except TargetError:
        pytest.skip("no Python 3.13 or newer here: older ones colour no traceback")


# (the variables set, the claim whose verdict must not change, its tests): one case per kind.
CASES = {
    # a traceback on stderr, coloured from 3.13
    "colour": ({"FORCE_COLOR": "1", "PYTHON_COLORS": "1"}, "GUARD-01", "test_main_guard.py"),
    "no colour": ({"NO_COLOR": "1"}, "GUARD-01", "test_main_guard.py"),
    # the log on stderr
    "warnings": ({"PYTHONWARNINGS": "error", "PYTHONDEVMODE": "1"}, "LOG-01", "test_mp_logging.py"),
    # an assert's refusal; python -O is a condition of its own, tested on purpose
    "optimize": ({"PYTHONOPTIMIZE": "1"}, "DAEMON-06", "test_daemon.py"),
    "start-up": (
        {"PYTHONSAFEPATH": "1", "PYTHONINSPECT": "1", "PYTHONUNBUFFERED": "1"},
        "COMM-08",
        "test_communication.py",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_claims_verdict_is_the_same_with_the_variables_set(case, inner_pytest, monkeypatch):
    """The inner run, in this process, starts its scenarios with the variables in its environment."""
    variables, claim, tests = CASES[case]
    python = python_313_or_newer() if case == "colour" else host().path
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    result = inner_pytest(f"--claim={claim}", f"--python={python}", str(PROJECT_ROOT / "tests" / tests))
    outcomes = result.parseoutcomes()
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()[-3000:]
    assert outcomes.get("passed", 0) > 0
    assert set(outcomes) <= {"passed", "skipped", "deselected"}, outcomes
