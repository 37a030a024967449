"""What a scenario inherits: the caller's environment without the variables that change
what a program prints or how it runs, plus the run's tag, UTF-8 output and its own temp folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

# Every process of a run inherits it, with a value unique to the run: it finds a process
# that left the run's tree and process group (os.setsid(), or an orphan on Windows).
RUN_TAG = "MPSPEC_RUN"

# mutants.MUTANT_ENV, which must reach every target of the mutation self-check.  Not imported:
# mutants/ is not packaged (pyproject.toml), and an installed harness runs scenarios without it;
# tests/test_environment.py holds the two together.
MUTANT_ENV = "MPSPEC_MUTANT"


# Variables a user's terminal, shell profile or CI job may set that change what a
# scenario prints or how it runs; the runner drops them, so they change no verdict
# (docs/TRACE.md, "Environment").  Every other variable passes on (PATH, SYSTEMROOT,
# WINE*, PYTHONPATH, PYTHONHASHSEED, TERM ...).
DROPPED_VARIABLES = (
    # Colour: from 3.13 tracebacks (from 3.14 argparse's help too) are coloured
    # into a pipe when forced.
    "FORCE_COLOR",
    "NO_COLOR",
    "PYTHON_COLORS",
    # The interpreter's own lines on stderr: warnings, development mode, fault
    # dumps, import and allocator reports, traceback carets.
    "PYTHONWARNINGS",
    "PYTHONDEVMODE",
    "PYTHONFAULTHANDLER",
    "PYTHONVERBOSE",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONMALLOC",
    "PYTHONMALLOCSTATS",
    "PYTHONTRACEMALLOC",
    "PYTHONWARNDEFAULTENCODING",
    "PYTHONNODEBUGRANGES",
    # How the program runs: python -O, a prompt (and its start-up file) after it,
    # the project left off sys.path, unbuffered output.
    "PYTHONOPTIMIZE",
    "PYTHONINSPECT",
    "PYTHONSTARTUP",
    "PYTHONSAFEPATH",
    "PYTHONUNBUFFERED",
)


def scenario_environment(tmp: Path, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """What a scenario run inherits: ``environ`` without DROPPED_VARIABLES and the
    scenarios' own MPSPEC_* variables (the mutation self-check's MUTANT_ENV must
    reach every target), with UTF-8 output and ``tmp`` as the temporary folder."""
    env = {
        k: v
        for k, v in environ.items()
        if k not in DROPPED_VARIABLES and (not k.startswith("MPSPEC_") or k == MUTANT_ENV)
    }
    # The harness decodes the output as UTF-8, whatever the console's code page (cp949).
    env["PYTHONIOENCODING"] = "utf-8"
    # multiprocessing's own temp dirs (pymp-*) go here too, so they are
    # removed even when a scenario's parent dies without cleaning up.
    env["TMPDIR"] = str(tmp)
    return env
