"""``python -m harness mutation [NAME ...] [--list] [--jobs N] [--note PATH] [-- PYTEST ARGS]``: the
mutation self-check (``harness.selfcheck.mutation`` says what it runs and when it passes)."""

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
