"""``python -m harness merge``: join the verdict matrices of several runs (other machines,
CI jobs on other systems) into one JSON file and its page, and print the table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.pages.files import write
from harness.pages.matrix_text import markdown, terminal_table
from harness.verdicts.cells import UNEXPECTED
from harness.verdicts.matrix import MatrixError, counts, load, merge


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m harness merge", description="Join the verdict matrices of several runs."
    )
    parser.add_argument("inputs", nargs="+", type=Path, help="matrix.json files")
    parser.add_argument("-o", "--output", type=Path, default=Path("reports/matrix.json"))
    parser.add_argument(
        "--summary",
        type=Path,
        metavar="FILE",
        help="append a Markdown summary to FILE (in GitHub Actions: $GITHUB_STEP_SUMMARY)",
    )
    args = parser.parse_args(argv)
    try:
        merged = merge([load(p) for p in args.inputs])
        html_path = write(merged, args.output)
        if args.summary:
            with args.summary.open("a", encoding="utf-8") as summary:
                summary.write(markdown(merged))
    except MatrixError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print("\n".join(terminal_table(merged)))
    print(f"matrix: {args.output} and {html_path}")
    return 1 if counts(merged)[UNEXPECTED] else 0
