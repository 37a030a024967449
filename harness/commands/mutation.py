"""``python -m harness mutation``: does every claim's test suite bite, and does every prediction count?

    python -m harness mutation                  everything (baselines, canary, all mutants)
    python -m harness mutation NAME [NAME...]   baselines, canary and the named mutants
    python -m harness mutation --list           every mutant, with the claims it concerns
    python -m harness mutation --jobs 2         pytest runs side by side (default: the number of cores)
    python -m harness mutation -- -x            extra pytest arguments after --

Three kinds of mutant, each run as a fresh ``pytest`` on the claims it concerns:

- behaviour (``mutants/``): ``multiprocessing`` changed, applied at interpreter
  start-up through ``mutants/_inject`` on PYTHONPATH (pytest, scenarios, their
  children, forkserver servers); run with ``--claim-failfast`` so a mutant that
  hangs costs one deadline per claim, not one per test;
- note (``NOTE_MUTANTS``): the study note changed, given as ``--note``;
- prediction (``harness.selfcheck.prediction_mutants``): one prediction of the catalogue
  changed, run on the interpreters here where the change is observable; the
  others are listed with the reason.

The check passes when the baselines are green, the canary is killed, every
behaviour and note mutant is killed, every testable claim killed a mutant of its
own, and every observable prediction mutant made the suite fail.
"""

from __future__ import annotations

import argparse
import os
import sys

from harness.selfcheck.mutation import check, list_mutants


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, pytest_args = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(prog="python -m harness mutation", description="The mutation self-check.")
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants (or the named ones) and exit")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="pytest runs side by side")
    parser.add_argument("--note", metavar="PATH", help="the study note (default: ../shared/seed/ when it exists)")
    args = parser.parse_args(argv)
    if args.list:
        return list_mutants(args.names)
    return check(args.names, pytest_args, args.jobs, args.note)
