"""``python -m harness wine install|list``: the official Windows CPython builds, run by Wine."""

from __future__ import annotations

import argparse
import sys

from harness.console import OneLineParser
from harness.running.wine import MINORS, WineError, cache_dir, install, installed, wine_command


def _minor(text: str) -> tuple[int, int]:
    parts = text.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or (int(parts[0]), int(parts[1])) not in MINORS:
        raise argparse.ArgumentTypeError(f"{text!r}: choose from {', '.join(f'{a}.{b}' for a, b in MINORS)}")
    return int(parts[0]), int(parts[1])


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(
        prog="python -m harness wine", description="The official Windows CPython builds, run by Wine."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("install", help="download the Windows builds into the cache (default: 3.8 to 3.13)")
    add.add_argument("versions", nargs="*", type=_minor, metavar="3.X")
    sub.add_parser("list", help="the builds in the cache, and where it is")
    args = parser.parse_args(argv)
    if args.command == "list":
        builds = installed()
        print(f"cache: {cache_dir()}  wine: {wine_command() or 'not installed'}")
        for (major, minor), wrapper in builds.items():
            print(f"cpython{major}.{minor}: {wrapper}  (pytest --python win{major}.{minor})")
        if not builds:
            print("no builds: python -m harness wine install")
        return 0
    try:
        for line in install(args.versions or list(MINORS)):
            print(line, flush=True)
    except WineError as exc:
        print(f"python -m harness wine: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"python -m harness wine: error: {exc.strerror or exc} ({cache_dir()})", file=sys.stderr)
        return 1
    return 0
