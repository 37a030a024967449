"""Mutation self-check: does every claim's test suite bite?

    python -m harness.mutation                 baseline, canary, then every mutant
    python -m harness.mutation NAME [NAME...]  baseline, canary and the named mutants
    python -m harness.mutation --list          the mutants and the claims they target
    python -m harness.mutation -- -k LOG       extra pytest arguments after --

Each run is a fresh ``pytest`` with ``MPSPEC_MUTANT`` set and
``mutants/_inject`` on PYTHONPATH, so the mutant is applied at start-up in
pytest, in every scenario interpreter, spawned child and forkserver server.
A mutant is killed when some claim's tests fail ("unexpected" in the run's
verdict matrix).  The check passes when the baseline is green, the canary
is killed, every mutant is killed, and every testable claim kills at least
one mutant that names it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from harness.catalogue import CLAIMS
from harness.runner import PROJECT_ROOT

INJECT = PROJECT_ROOT / "mutants" / "_inject"
BASELINE, CANARY = "(baseline)", "canary"


@dataclass(frozen=True)
class Outcome:
    mutant: str
    exit_status: int
    killers: tuple[str, ...]  # claims with an unexpected cell
    seconds: float

    @property
    def killed(self) -> bool:
        return bool(self.killers) or self.exit_status not in (0, 5)


def _mutants() -> dict[str, tuple[tuple[str, ...], str]]:
    """name -> (claims, description), read in a clean interpreter (mutants are 3.6 code)."""
    code = (
        "import json, mutants; print(json.dumps({n: [list(m.claims), m.description]"
        " for n, m in mutants.all_mutants().items()}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    return {name: (tuple(claims), text) for name, (claims, text) in json.loads(out).items()}


def run_one(mutant: str | None, work: Path, pytest_args: list[str]) -> Outcome:
    name = mutant or BASELINE
    tag = name.strip("()")
    env = dict(os.environ)
    env.pop("MPSPEC_MUTANT", None)
    if mutant is not None:
        env["MPSPEC_MUTANT"] = mutant
        env["PYTHONPATH"] = os.pathsep.join([str(INJECT), str(PROJECT_ROOT), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    matrix_json = work / f"{tag}.json"
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--html={work / tag}.html",
        f"--junitxml={work / tag}.xml",
        f"--matrix-json={matrix_json}",
        *pytest_args,
    ]
    started = time.monotonic()
    proc = subprocess.run(argv, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killers: set[str] = set()
    if matrix_json.exists():
        for cell in json.loads(matrix_json.read_text(encoding="utf-8"))["cells"]:
            if cell["status"] == "unexpected":
                killers.add(cell["claim"])
    return Outcome(name, proc.returncode, tuple(sorted(killers, key=list(CLAIMS).index)), time.monotonic() - started)


def check(names: list[str], pytest_args: list[str]) -> int:
    catalogue = _mutants()
    unknown = [n for n in names if n not in catalogue]
    if unknown:
        print(f"error: unknown mutant {unknown[0]!r} (see --list)", file=sys.stderr)
        return 2
    chosen = names or [n for n in catalogue if n != CANARY]
    problems: list[str] = []
    caught: dict[str, set[str]] = {}  # claim -> mutants of its own it killed
    with tempfile.TemporaryDirectory(prefix="mpspec-mutation-") as tmp:
        work = Path(tmp)
        for mutant in [None, CANARY, *chosen]:
            outcome = run_one(mutant, work, pytest_args)
            targets = catalogue[mutant][0] if mutant else ()
            if mutant is None:
                verdict = "green" if not outcome.killed else "RED: the suite fails without any mutant"
                if outcome.killed:
                    problems.append("baseline is not green")
            elif outcome.killed:
                verdict = "killed by " + (", ".join(outcome.killers) or f"pytest exit status {outcome.exit_status}")
                for claim in set(targets) & set(outcome.killers):
                    caught.setdefault(claim, set()).add(mutant)
                missed = [c for c in targets if c not in outcome.killers]
                if missed:
                    verdict += f"  (named but did not kill it: {', '.join(missed)})"
            else:
                verdict = "SURVIVED"
                problems.append(f"mutant {mutant} survived")
            print(f"{outcome.mutant:<34} {outcome.seconds:5.1f} s  {verdict}", flush=True)
    if not names:
        uncovered = [c.id for c in CLAIMS.values() if c.testable and c.id not in caught]
        if uncovered:
            problems.append("claims that killed no mutant of their own: " + ", ".join(uncovered))
        else:
            print(f"every testable claim ({sum(c.testable for c in CLAIMS.values())}) killed a mutant of its own")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, pytest_args = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(prog="python -m harness.mutation", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, (claims, text) in _mutants().items():
            print(f"{name:<34} {', '.join(claims) or '-':<24} {text}")
        return 0
    return check(args.names, pytest_args)


if __name__ == "__main__":
    sys.exit(main())
