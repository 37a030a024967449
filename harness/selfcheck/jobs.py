"""The self-check's pytest runs: each job a fresh ``pytest`` (a mutant applied through the
environment, its own report files in the work folder), run a few at a time; its outcome is
the claims whose cells turned unexpected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from harness.claims.catalogue import CLAIMS
from harness.project import PROJECT_ROOT, IsolatedRun
from harness.selfcheck import prediction_mutants
from mutants import MUTANT_ENV  # the self-check runs in a checkout, where mutants/ is

INJECT = PROJECT_ROOT / "mutants" / "_inject"


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


def _selection(claims: Iterable[str]) -> list[str]:
    claims = sorted(set(claims), key=list(CLAIMS).index)
    return ["-k", " or ".join(claims)] if claims else []


def run_job(job: Job, work: Path, pytest_args: list[str]) -> Outcome:
    tag = job.name.replace("/", "_").strip("()")
    env = {k: v for k, v in os.environ.items() if k not in (MUTANT_ENV, prediction_mutants.ENV)}
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
