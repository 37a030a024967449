"""Mutation self-check: does every claim's test suite bite, and does every prediction count?

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

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.claims import note
from harness.claims.catalogue import CLAIMS, EXPECTATIONS
from harness.project import PROJECT_ROOT
from harness.running.discovery import discover
from harness.running.targets import TargetError
from harness.selfcheck import prediction_mutants
from harness.selfcheck.jobs import Job, run_jobs
from harness.selfcheck.prediction_plan import plan_predictions, users_of_expectations
from mutants import MUTANT_ENV  # the self-check runs in a checkout, where mutants/ is

CANARY = "canary"


@dataclass(frozen=True)
class NoteMutant:
    name: str
    claims: tuple[str, ...]
    description: str
    change: Callable[[str], str]


NOTE_MUTANTS = (
    NoteMutant(
        "note-pids-not-windows",
        ("GUARD-04",),
        "the note's first pid is one more (14485): not every pid is a multiple of 4 any longer; GUARD-04 is a "
        "note fact without a run, so its citation check (tests/test_note.py) is what fails",
        lambda text: text.replace("14484", "14485"),
    ),
)


def _behaviour_mutants() -> dict[str, tuple[tuple[str, ...], str]]:
    """name -> (claims, description), read in a clean interpreter (mutants are 3.6 code)."""
    code = (
        "import json, mutants; print(json.dumps({n: [list(m.claims), m.description]"
        " for n, m in mutants.all_mutants().items()}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    return {name: (tuple(claims), text) for name, (claims, text) in json.loads(out).items()}


def check(names: list[str], pytest_args: list[str], workers: int, note_option: str | None = None) -> int:
    behaviour = _behaviour_mutants()
    notes = {m.name: m for m in NOTE_MUTANTS}
    predictions = prediction_mutants.all_mutants(dict(CLAIMS), dict(EXPECTATIONS))
    unknown = [n for n in names if n not in behaviour and n not in notes and n not in predictions]
    if unknown:
        print(f"error: unknown mutant {unknown[0]!r} (see --list)", file=sys.stderr)
        return 2
    everything = not names
    try:
        targets = discover(["all"])
    except TargetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        note_path = note.find(note_option)
        the_note = note.Note.load(note_path) if note_path else None
    except note.NoteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if note_path is not None:
        # Every run reads the same note (a note mutant's own copy comes later on its command line and wins).
        pytest_args = [f"--note={note_path}", *pytest_args]
    problems: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mpspec-mutation-") as tmp:
        work = Path(tmp)
        print(f"interpreters here: {', '.join(t.name for t in targets)}; pytest runs {workers} at a time", flush=True)
        outcomes = run_jobs([Job("(baseline)", "baseline", parallel=True)], work, pytest_args, 1)
        plans = plan_predictions(
            targets, users_of_expectations(work / "baseline.json"), None if everything else set(names)
        )
        elsewhere = [p.job for p in plans if p.job is not None and p.mutant.kind != "verdict"]
        if elsewhere:
            # The prediction mutants run on other interpreters: there, too, the runs must be green without one.
            pythons = tuple(sorted({a for job in elsewhere for a in job.args if a.startswith("--python=")}))
            claims = tuple(sorted({c for job in elsewhere for c in job.claims}, key=list(CLAIMS).index))
            name = "(baseline, the prediction mutants' interpreters)"
            outcomes += run_jobs([Job(name, "baseline", claims, args=pythons, parallel=True)], work, pytest_args, 1)
        if any(o.killed for o in outcomes):
            problems.append("a baseline is not green")
        jobs = [Job(CANARY, "canary", env=((MUTANT_ENV, CANARY),), args=("-k", "LOG-01"))]
        jobs += [
            Job(n, "behaviour", claims, ((MUTANT_ENV, n),), ("--claim-failfast",))
            for n, (claims, _) in behaviour.items()
            if n != CANARY and (everything or n in names)
        ]
        for mutant in NOTE_MUTANTS:
            if (everything or mutant.name in names) and the_note is not None:
                copy = work / f"{mutant.name}.txt"
                copy.write_text(mutant.change(the_note.text), encoding="utf-8")
                jobs.append(Job(mutant.name, "note", mutant.claims, args=(f"--note={copy}",)))
        jobs += [plan.job for plan in plans if plan.job is not None]
        outcomes += run_jobs(jobs, work, pytest_args, workers)
    by_name = {o.job.name: o for o in outcomes}
    caught: dict[str, set[str]] = {}
    for o in outcomes:
        if o.job.kind == "canary" and not o.killed:
            problems.append("the canary survived: mutants are not injected")
        if o.job.kind in ("behaviour", "note"):
            if not o.killed:
                problems.append(f"mutant {o.job.name} survived")
            for claim in set(o.job.claims) & set(o.killers):
                caught.setdefault(claim, set()).add(o.job.name)
    print("\nprediction mutants:")
    for plan in plans:
        result = by_name.get(plan.mutant.name)
        if result is None:
            status = f"not observable here: {plan.reason}"
        elif result.killed:
            status = f"detected ({plan.reason}) by " + (", ".join(result.killers) or "a failing meta-test")
        else:
            status = f"MISSED ({plan.reason})"
            problems.append(f"prediction mutant {plan.mutant.name} was not detected")
        print(f"  {plan.mutant.name:<46} {plan.mutant.kind:<8} {status}")
        print(f"  {'':<46} {'':<8} ({plan.mutant.description})")
    observable = [p for p in plans if p.job is not None]
    print(
        f"prediction mutants: {len(plans)}, observable here {len(observable)}, "
        f"detected {sum(1 for p in observable if by_name[p.mutant.name].killed)}, "
        f"not observable here {len(plans) - len(observable)}"
    )
    if note_path is None:
        print(f"note mutants not run: {note.HOW_TO_GET_IT}")
    if everything:
        # Without the note, the claims only a note mutant can kill are excused (and named).
        excused = {c for m in NOTE_MUTANTS for c in m.claims} if note_path is None else set()
        if excused:
            print(f"not required without the note: a mutant of their own for {', '.join(sorted(excused))}")
        uncovered = [c.id for c in CLAIMS.values() if c.testable and c.id not in caught and c.id not in excused]
        if uncovered:
            problems.append("claims that killed no behaviour or note mutant of their own: " + ", ".join(uncovered))
        else:
            print(f"every testable claim ({sum(c.testable for c in CLAIMS.values())}) killed a mutant of its own")
    print(f"self-check took {time.monotonic() - started:.0f} s")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


def list_mutants(names: list[str]) -> int:
    """Every mutant, or the named ones (exit 2 naming the first unknown one)."""
    lines = [
        *(
            (name, f"behaviour  {name:<40} {', '.join(c) or '-':<24} {t}")
            for name, (c, t) in _behaviour_mutants().items()
        ),
        *((m.name, f"note       {m.name:<40} {', '.join(m.claims):<24} {m.description}") for m in NOTE_MUTANTS),
        *(
            (p.name, f"prediction {p.name:<40} {p.kind:<24} {p.description}")
            for p in prediction_mutants.all_mutants(dict(CLAIMS), dict(EXPECTATIONS)).values()
        ),
    ]
    unknown = [n for n in names if n not in {name for name, _ in lines}]
    if unknown:
        print(f"error: unknown mutant {unknown[0]!r} (see --list)", file=sys.stderr)
        return 2
    for name, line in lines:
        if not names or name in names:
            print(line)
    return 0
