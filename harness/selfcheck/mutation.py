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
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from harness.claims import note
from harness.claims.catalogue import CLAIMS, EXPECTATIONS, PREDICTION_MUTANT_ENV
from harness.claims.model import ALL_START_METHODS, AS_NOTED_CONDITION, NO_METHOD, Point, readers_points
from harness.project import PROJECT_ROOT, IsolatedRun
from harness.pythons import dotted
from harness.running.targets import Target, TargetError, discover
from harness.selfcheck import prediction_mutants
from mutants import MUTANT_ENV  # the self-check runs in a checkout, where mutants/ is

INJECT = PROJECT_ROOT / "mutants" / "_inject"
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
        "the note's first pid is one more (14485): not every pid is a multiple of 4 any longer",
        lambda text: text.replace("14484", "14485"),
    ),
)


@dataclass(frozen=True)
class Job:
    """One pytest run of the self-check."""

    name: str
    kind: str  # baseline, canary, behaviour, note, prediction
    claims: tuple[str, ...] = ()  # -k selection; () runs everything
    env: tuple[tuple[str, str], ...] = ()
    args: tuple[str, ...] = ()
    parallel: bool = False  # run pytest itself with xdist workers (baselines)


@dataclass
class Outcome:
    job: Job
    exit_status: int
    killers: tuple[str, ...]  # claims with an unexpected cell
    seconds: float
    missed: list[str] = field(default_factory=list)  # claims the job named that did not fail
    tail: list[str] = field(default_factory=list)  # the end of pytest's output, when it failed

    @property
    def killed(self) -> bool:
        return self.exit_status not in (0, 5)


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


def _selection(claims: Iterable[str]) -> list[str]:
    claims = sorted(set(claims), key=list(CLAIMS).index)
    return ["-k", " or ".join(claims)] if claims else []


def run_job(job: Job, work: Path, pytest_args: list[str]) -> Outcome:
    tag = job.name.replace("/", "_").strip("()")
    env = {k: v for k, v in os.environ.items() if k not in (MUTANT_ENV, PREDICTION_MUTANT_ENV)}
    env.update(dict(job.env))
    if MUTANT_ENV in env:
        env["PYTHONPATH"] = os.pathsep.join([str(INJECT), str(PROJECT_ROOT), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    isolated = IsolatedRun(work, tag)
    matrix_json = isolated.matrix_json
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        *isolated.args(),
        *([] if job.parallel else ["-n", "0"]),
        *pytest_args,
        *job.args,  # after the shared arguments, so a note mutant's --note wins
        *_selection(job.claims),
    ]
    started = time.monotonic()
    log = work / f"{tag}.log"
    with log.open("wb") as out:
        proc = subprocess.run(argv, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    killers: set[str] = set()
    if matrix_json.exists():
        for cell in json.loads(matrix_json.read_text(encoding="utf-8"))["cells"]:
            if cell["status"] == "unexpected":
                killers.add(cell["claim"])
    ordered = tuple(sorted(killers, key=list(CLAIMS).index))
    missed = [c for c in job.claims if c not in killers] if job.kind in ("behaviour", "note") else []
    tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-12:] if proc.returncode else []
    return Outcome(job, proc.returncode, ordered, time.monotonic() - started, missed, tail)


def run_jobs(jobs: list[Job], work: Path, pytest_args: list[str], workers: int) -> list[Outcome]:
    """Run the jobs ``workers`` at a time, printing each outcome as it arrives."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(run_job, job, work, pytest_args) for job in jobs]
        outcomes = []
        for future in futures:
            outcome = future.result()
            print(_line(outcome), flush=True)
            outcomes.append(outcome)
    return outcomes


def _line(o: Outcome) -> str:
    if o.job.kind == "baseline":
        verdict = (
            "green" if not o.killed else f"RED (pytest exit status {o.exit_status}):\n    " + "\n    ".join(o.tail)
        )
    elif o.killed:
        verdict = "killed by " + (", ".join(o.killers) or f"pytest exit status {o.exit_status}")
        if o.missed:
            verdict += f"  (named but did not fail: {', '.join(o.missed)})"
    else:
        verdict = "SURVIVED"
    return f"{o.job.kind:<10} {o.job.name:<46} {o.seconds:6.1f} s  {verdict}"


# --- prediction mutants: where each change is observable --------------------------------


def _users(baseline: Path | None) -> dict[str, set[str]]:
    """expectation key -> claims whose tests relied on it (from a baseline's matrix) or observe it."""
    users: dict[str, set[str]] = {}
    for claim in CLAIMS.values():
        users.setdefault(claim.expectation.key, set()).add(claim.id)
    if baseline is not None and baseline.exists():
        for cell in json.loads(baseline.read_text(encoding="utf-8"))["cells"]:
            for key in cell.get("expectations", []):
                users.setdefault(key, set()).add(cell["claim"])
    return users


def _available(targets: list[Target], claims: Iterable[str]) -> list[Point]:
    points = []
    for claim_id in claims:
        claim = CLAIMS[claim_id]
        for target in targets:
            for method in claim.methods:
                if method != NO_METHOD and method not in target.start_methods:
                    continue
                for condition in ("", *claim.conditions):
                    points.append(target.point(method, condition))
    return points


def _everywhere(claims: Iterable[str]) -> list[Point]:
    """The points of every platform, implementation and version the readers run, with every version bound."""
    conditions = {AS_NOTED_CONDITION} | {c for claim in claims for c in CLAIMS[claim].conditions}
    variations = [v for e in EXPECTATIONS.values() for v in e.variations]
    return readers_points((*ALL_START_METHODS, NO_METHOD), sorted(conditions), variations)


def _where(points: list[Point]) -> str:
    platforms = sorted({p.platform for p in points})
    versions = sorted({p.version for p in points})
    low, high = dotted(versions[0]), dotted(versions[-1])
    methods = sorted({p.start_method for p in points if p.start_method != NO_METHOD})
    conditions = sorted({p.condition for p in points if p.condition})
    text = f"{'/'.join(platforms)} {low}" + (f" to {high}" if high != low else "")
    if set(methods) != set(ALL_START_METHODS) and methods:
        text += f", {'/'.join(methods)}"
    return text + (f", under {'; '.join(conditions)}" if conditions else "")


@dataclass(frozen=True)
class PredictionPlan:
    mutant: prediction_mutants.PredictionMutant
    job: Job | None  # None: not observable here
    reason: str  # where it is observable, or why not


def plan_predictions(targets: list[Target], users: dict[str, set[str]], names: set[str] | None) -> list[PredictionPlan]:
    plans = []
    claims, expectations = dict(CLAIMS), dict(EXPECTATIONS)
    for name, mutant in prediction_mutants.all_mutants(claims, expectations).items():
        if names is not None and name not in names:
            continue
        env = ((PREDICTION_MUTANT_ENV, name),)
        if mutant.kind == "verdict":
            # The meta-test that derives each verdict from its predictions, and the session's check, catch it.
            job = Job(name, "prediction", (mutant.key,), env, ("-m", "meta"))
            plans.append(PredictionPlan(mutant, job, "everywhere: the verdict is checked against the predictions"))
            continue
        concerned = sorted(users.get(mutant.key, set()), key=list(CLAIMS).index)
        here = prediction_mutants.changed_points(mutant, claims, expectations, _available(targets, concerned))
        if here:
            # One interpreter where the change applies shows that it is observed: the host if it is one.
            chosen = max(
                (t for t in targets if any(_same_python(p, t) for p in here)),
                key=lambda t: (t.path == sys.executable, t.implementation == "cpython", t.version),
            )
            at = [p for p in here if _same_python(p, chosen)]
            methods = sorted({p.start_method for p in at})
            args: tuple[str, ...] = (f"--python={chosen.path}",)
            if NO_METHOD not in methods:
                args += tuple(f"--start-method={m}" for m in methods)
            plans.append(PredictionPlan(mutant, Job(name, "prediction", tuple(concerned), env, args), _where(at)))
            continue
        anywhere = prediction_mutants.changed_points(mutant, claims, expectations, _everywhere(concerned))
        reason = (
            f"changes the prediction only on {_where(anywhere)}: no such interpreter here"
            if anywhere
            else "changes no prediction on any platform or version the readers run"
        )
        plans.append(PredictionPlan(mutant, None, reason))
    return plans


def _same_python(point: Point, target: Target) -> bool:
    return (point.implementation, point.version) == (target.implementation, target.version)


# --- the check ------------------------------------------------------------------------------


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
        print(f"interpreters here: {', '.join(t.label for t in targets)}; pytest runs {workers} at a time", flush=True)
        outcomes = run_jobs([Job("(baseline)", "baseline", parallel=True)], work, pytest_args, 1)
        plans = plan_predictions(
            targets, _users(IsolatedRun(work, "baseline").matrix_json), None if everything else set(names)
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
