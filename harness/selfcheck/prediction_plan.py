"""Where each prediction mutant is observable: on an interpreter here (a job that must fail),
or only elsewhere (listed with the platforms and versions where it would be)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from harness.claims.catalogue import CLAIMS, EXPECTATIONS
from harness.claims.model import ALL_START_METHODS, NO_METHOD, NOTED_CONDITIONS, Point
from harness.claims.points import readers_points
from harness.pythons import dotted
from harness.running.targets import Target
from harness.selfcheck import prediction_mutants
from harness.selfcheck.jobs import Job


def users_of_expectations(baseline: Path | None) -> dict[str, set[str]]:
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
            for method in claim.point_methods:
                if method != NO_METHOD and method not in target.start_methods:
                    continue
                for condition in ("", *claim.conditions):
                    points.append(target.point(method, condition))
    return points


def _everywhere(claims: Iterable[str]) -> list[Point]:
    """The points of every platform, implementation and version the readers run, with every version bound."""
    conditions = {NOTED_CONDITIONS} | {c for claim in claims for c in CLAIMS[claim].conditions}
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
        env = ((prediction_mutants.ENV, name),)
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
