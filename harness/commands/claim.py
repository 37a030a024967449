"""``python -m harness LOG-04``: everything about a claim, from its id, in one command
(``python -m harness LOG``: a section's claims).  Read from the catalogue, the note, the
test, scenario and mutant files (with ``ast``) and the last run's matrix: nothing is
collected or run, so it answers at once."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from harness.claims import note
from harness.claims.catalogue import CLAIMS, SECTIONS
from harness.claims.model import Section
from harness.commands.claim_index import INDENT, index_lines
from harness.console import OneLineParser
from harness.project import PROJECT_ROOT

EXAMPLES = """\
examples:
  python -m harness LOG-04                 the claim: catalogue, note, prediction, tests, mutants, cells
  python -m harness LOG                    a section's claims, one a line
  python -m harness LOG-04 --note PATH     the cited lines from your copy of the note
  python -m harness LOG-04 --matrix PATH   the cells of another run's matrix
"""


def parser() -> OneLineParser:
    made = OneLineParser(
        prog="python -m harness",
        usage="python -m harness ID [--note PATH] [--matrix PATH]",
        description="Everything about a claim (or a section's claims): nothing is collected or run.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    made.add_argument("id", metavar="ID", help="a claim id (LOG-04) or a section key (LOG)")
    made.add_argument(
        "--note",
        metavar="PATH",
        help=f"your copy of the study note (a file, or a folder holding it); default: {note.DEFAULT_LOCATION}",
    )
    made.add_argument(
        "--matrix",
        metavar="PATH",
        type=Path,
        help="the verdict matrix JSON of a run; default: reports/matrix.json, where pytest writes it",
    )
    return made


def main(argv: list[str]) -> int:
    the_parser = parser()
    args = the_parser.parse_args(argv)
    wanted = args.id.upper()
    section = next((s for s in SECTIONS if s.key == wanted), None)
    if wanted in CLAIMS:
        lines = index_lines(CLAIMS[wanted], args.note, args.matrix, PROJECT_ROOT)
    elif section is not None:
        lines = section_lines(section)
    else:
        the_parser.error(f"unknown claim or section {args.id!r}; known: {known()}")
    try:
        print("\n".join(lines), flush=True)
    except BrokenPipeError:  # `| head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush does not fail again
    return 0


def section_lines(section: Section) -> list[str]:
    claims = [c for c in CLAIMS.values() if c.section == section]
    title = f"{section.key}: {section.title_en} / {section.title_ko} (note lines {section.lines[0]}-{section.lines[1]})"
    width = max(len(c.verdict.value) for c in claims)
    lines = [f"{title}, {len(claims)} claims"]
    lines += [f"{INDENT}{c.id}  {c.verdict.value:<{width}}  {c.en}" for c in claims]
    return [*lines, f"everything about one: python -m harness {claims[0].id}"]


def known() -> str:
    """Each section with the range of its claim ids: LOG (LOG-01..LOG-10), DAEMON (...)."""
    ranges = []
    for section in SECTIONS:
        ids = [c for c in CLAIMS if CLAIMS[c].section == section]
        ranges.append(f"{section.key} ({ids[0]}..{ids[-1]})" if len(ids) > 1 else f"{section.key} ({ids[0]})")
    return ", ".join(ranges)
