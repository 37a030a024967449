"""``python -m harness timeline SCENARIO``: run a scenario and draw its timeline (SVG)."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

from harness.console import OneLineParser
from harness.pages.timeline import render_svg
from harness.project import PROJECT_ROOT
from harness.running.runner import run
from harness.running.spec import HarnessError, RunSpec


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m harness timeline", description="Run a scenario and draw its timeline.")
    parser.add_argument("scenario", help="a module of scenarios/, e.g. daemon")
    parser.add_argument("--start-method", default="", help="fork, spawn or forkserver (default: the platform's)")
    parser.add_argument("--variant", help="the scenario's variant")
    parser.add_argument("-o", "--output", type=Path, help="write the SVG here (default: stdout)")
    args = parser.parse_args(argv)
    scenarios = PROJECT_ROOT / "scenarios"
    if args.scenario.startswith("_") or not (scenarios / f"{args.scenario}.py").is_file():
        parser.error(f"no scenario {args.scenario!r} (one of: {', '.join(_scenario_names(scenarios))})")
    if args.start_method and args.start_method not in multiprocessing.get_all_start_methods():
        parser.error(f"unknown start method {args.start_method!r}")
    try:
        result = run(RunSpec(args.scenario, args.start_method, args.variant))
    except HarnessError as exc:
        parser.error(str(exc))
    if result.returncode == 2 and not result.trace:  # the scenario refused its arguments
        message = result.stderr.strip().splitlines()
        parser.error(message[-1] if message else "the scenario refused its arguments")
    svg = render_svg(result)
    if args.output is None:
        sys.stdout.write(svg + "\n")
    else:
        try:
            args.output.write_text(svg + "\n", encoding="utf-8")
        except OSError as exc:
            parser.error(f"cannot write {str(args.output)!r}: {exc.strerror or exc}")
        print(f"{args.output}: {len(svg.encode())} bytes, exit status {result.returncode}", file=sys.stderr)
    return 0


def _scenario_names(directory: Path) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.py") if not p.stem.startswith("_"))
