"""``python -m harness``: the harness's commands.

python -m harness LOG-04          everything about a claim (or LOG: a section's claims)
python -m harness merge ...       join the verdict matrices of several runs
python -m harness mutation ...    the mutation self-check
python -m harness timeline ...    run a scenario and draw its timeline
python -m harness wine ...        the official Windows CPython builds, run by Wine
"""

from __future__ import annotations

import importlib
import sys

from harness import console

# command -> the module of harness.commands whose main(argv) runs it
COMMANDS = {"claim": "claim", "merge": "merge", "mutation": "mutation", "timeline": "timeline", "wine": "wine"}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    # A claim id or a section key is the command "claim": python -m harness LOG-04.
    command, args = (argv[0], argv[1:]) if argv[0] in COMMANDS else ("claim", argv)
    module = importlib.import_module(f"harness.commands.{COMMANDS[command]}")
    status: int = module.main(args)
    return status


if __name__ == "__main__":
    console.tolerate_narrow_encodings()
    sys.exit(main(sys.argv[1:]))
