"""Claims' verdicts from observations: the check that a declared verdict agrees with
what was observed (and predicted where nothing was observed), and a one-line
account of what a run observed, for the terminal's claims tree and the report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Mapping as MappingAlias  # subscriptable at run time on 3.8, for the alias

from harness.claims.catalogue import CLAIMS
from harness.claims.model import NO_METHOD, NOTED_VALUE, Claim, Point, Verdict
from harness.claims.points import predicted_points, verdict_of
from harness.pythons import dotted, interpreter_name, system_prefixed

Observed = MappingAlias[Point, bool]


def derived(claim: Claim, observed: Observed) -> Verdict | None:
    """The verdict the points show: the predicted ones, with what this run observed in their place."""
    points = predicted_points(claim)
    points.update(observed)
    return verdict_of(points)


def disagreements(observed: Mapping[str, Observed]) -> list[str]:
    """Claims whose declared verdict is not the one their points show, one line each."""
    problems = []
    for claim in CLAIMS.values():
        if not claim.testable:
            continue
        mine = observed.get(claim.id, {})
        shown = derived(claim, mine)
        if shown is not claim.verdict:
            what = observed_account(claim, mine) if mine else "nothing observed in this run"
            problems.append(
                f"{claim.id}: the catalogue says {claim.verdict.value!r}, the points show "
                f"{shown.value if shown else 'nothing'!r} ({what})"
            )
    return problems


def _label(point: Point) -> tuple[str, int, int]:
    """As ``Target.name``, in parts: another system's build is prefixed with it (win32-cpython, 3, 13)."""
    return (system_prefixed(point.implementation, point.platform), point.version[0], point.version[1])


def _ranges(labels: Iterable[tuple[str, int, int]]) -> str:
    """cpython 3.6, 3.7, 3.8 and pypy 3.9 -> "cpython3.6-3.8, pypy3.9"."""
    parts: list[str] = []
    run: list[tuple[str, int, int]] = []
    for label in sorted(set(labels), key=lambda x: (x[0] != "cpython", x)):
        if run and (label[0] != run[-1][0] or label[1:] != (run[-1][1], run[-1][2] + 1)):
            parts.append(_run_text(run))
            run = []
        run.append(label)
    if run:
        parts.append(_run_text(run))
    return ", ".join(parts)


def _run_text(run: list[tuple[str, int, int]]) -> str:
    first, last = run[0], run[-1]
    return interpreter_name(first[0], first[1:]) + (f"-{dotted(last[1:])}" if last != first else "")


def _where(points: Iterable[Point]) -> str:
    """Interpreters, grouped by the start methods observed there."""
    methods: defaultdict[tuple[str, int, int], set[str]] = defaultdict(set)
    for point in points:
        methods[_label(point)].add(point.start_method)
    by_methods: defaultdict[tuple[str, ...], list[tuple[str, int, int]]] = defaultdict(list)
    order = {m: i for i, m in enumerate(("fork", "spawn", "forkserver", NO_METHOD))}
    for label, found in methods.items():
        by_methods[tuple(sorted(found, key=order.__getitem__))].append(label)
    parts = []
    for found_methods, labels in by_methods.items():
        shown = [m for m in found_methods if m != NO_METHOD]
        parts.append(_ranges(labels) + (f" ({', '.join(shown)})" if shown else ""))
    return "; ".join(parts)


def observed_account(claim: Claim, observed: Observed) -> str:
    """What a run observed of the claim, and where it is predicted not to hold beyond that.

    ``holds on cpython3.11 (fork, spawn, forkserver); predicted not to hold: from 3.13``
    """
    parts = []
    as_noted = {p: h for p, h in observed.items() if not p.condition}
    holding = [p for p, h in as_noted.items() if h]
    failing = [p for p, h in as_noted.items() if not h]
    if holding:
        parts.append(f"holds on {_where(holding)}")
    if failing:
        parts.append(f"not on {_where(failing)}")
    for condition in sorted({p.condition for p in observed if p.condition}):
        found = {h for p, h in observed.items() if p.condition == condition}
        parts.append(f"under {condition}: " + ("holds" if found == {True} else "not" if found == {False} else "mixed"))
    if not parts:
        parts.append("not observed in this run")
    elsewhere = [
        v.where()
        for v in claim.variations()
        if not claim.holds(claim.shows if v.value is NOTED_VALUE else v.value)
        and not v.conditions
        and not any(v.applies(p) for p in observed)
    ]
    if elsewhere:
        parts.append("predicted not to hold: " + "; ".join(elsewhere))
    return "; ".join(parts)
