"""Prediction mutants: the catalogue changed one prediction at a time.

The mutation self-check changes ``multiprocessing`` (behaviour mutants, in
``mutants/``) and, here, the catalogue's predictions, to prove that a wrong
prediction makes the suite fail wherever it is observable:

- ``bound``: a variation's ``since`` or ``until`` moved by one minor version;
- ``value``: a variation predicts the general value instead of its own (a
  variation that breaks a claim then predicts that it holds, a note predicts
  the general value);
- ``verdict``: a claim's declared verdict flipped between holds and wrong as written.

A mutant is named like ``LOG-04/observed[0].since-1``, ``exitcode-after-sigterm[0].value``
or ``LOG-02.verdict``; the variable ``MPSPEC_PREDICTION_MUTANT`` names the one the pytest
plugin applies at configure time (``harness.plugin.options``), in pytest and in every xdist worker.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass

from harness.claims.model import Claim, Expectation, Point, Variation, Verdict, Version
from harness.pythons import dotted

ENV = "MPSPEC_PREDICTION_MUTANT"  # the prediction mutant a pytest run applies
FLIPPED = {Verdict.HOLDS: Verdict.WRONG, Verdict.WRONG: Verdict.HOLDS}


@dataclass(frozen=True)
class PredictionMutant:
    name: str
    kind: str  # bound, value, verdict
    description: str
    key: str  # the expectation changed, or the claim whose verdict flips
    change: Callable[[MutableMapping[str, Claim], MutableMapping[str, Expectation]], None]


def _moved(bound: Version, delta: int) -> Version:
    return (bound[0], bound[1] + delta, *bound[2:])


def _replacing(index: int, variation: Variation) -> Callable[[Expectation], Expectation]:
    """A change of an expectation: its variation ``index`` replaced by ``variation``."""

    def make(expectation: Expectation) -> Expectation:
        variations = list(expectation.variations)
        variations[index] = variation
        return dataclasses.replace(expectation, variations=tuple(variations))

    return make


def _swap(key: str, make: Callable[[Expectation], Expectation]) -> Callable[..., None]:
    def change(claims: MutableMapping[str, Claim], expectations: MutableMapping[str, Expectation]) -> None:
        new = make(expectations[key])
        expectations[key] = new
        for claim_id, claim in list(claims.items()):
            if claim.expectation.key == key:
                claims[claim_id] = dataclasses.replace(claim, expectation=new)

    return change


def _flip_verdict(claim_id: str) -> Callable[..., None]:
    def change(claims: MutableMapping[str, Claim], expectations: MutableMapping[str, Expectation]) -> None:
        claims[claim_id] = dataclasses.replace(claims[claim_id], verdict=FLIPPED[claims[claim_id].verdict])

    return change


def all_mutants(
    claims: MutableMapping[str, Claim], expectations: MutableMapping[str, Expectation]
) -> dict[str, PredictionMutant]:
    found: list[PredictionMutant] = []
    for key, expectation in expectations.items():
        for index, variation in enumerate(expectation.variations):
            label = f"{key}[{index}]"
            for attr in ("since", "until"):
                bound = getattr(variation, attr)
                if bound is None:
                    continue
                for delta in (-1, 1):
                    moved = _moved(bound, delta)
                    new = (
                        dataclasses.replace(variation, since=moved)
                        if attr == "since"
                        else dataclasses.replace(variation, until=moved)
                    )
                    found.append(
                        PredictionMutant(
                            f"{label}.{attr}{delta:+d}",
                            "bound",
                            f"{key}: the variation '{variation.where()}' with {attr} "
                            f"{dotted(bound)} -> {dotted(moved)}",
                            key,
                            _swap(key, _replacing(index, new)),
                        )
                    )
            general = dataclasses.replace(variation, value=expectation.general)
            found.append(
                PredictionMutant(
                    f"{label}.value",
                    "value",
                    f"{key}: the variation '{variation.where()}' predicts the general value {expectation.general!r}",
                    key,
                    _swap(key, _replacing(index, general)),
                )
            )
    for claim_id, claim in claims.items():
        if claim.verdict in FLIPPED:
            found.append(
                PredictionMutant(
                    f"{claim_id}.verdict",
                    "verdict",
                    f"{claim_id}: the verdict '{claim.verdict.value}' -> '{FLIPPED[claim.verdict].value}'",
                    claim_id,
                    _flip_verdict(claim_id),
                )
            )
    return {m.name: m for m in found}


class UnknownMutant(Exception):
    """A prediction mutant name that names none; the message is one line."""


def apply(name: str, claims: MutableMapping[str, Claim], expectations: MutableMapping[str, Expectation]) -> None:
    mutants = all_mutants(claims, expectations)
    if name not in mutants:
        raise UnknownMutant(f"unknown prediction mutant {name!r} (see python -m harness mutation --list)")
    mutants[name].change(claims, expectations)


def changed_points(
    mutant: PredictionMutant,
    claims: MutableMapping[str, Claim],
    expectations: MutableMapping[str, Expectation],
    points: Iterable[Point],
) -> list[Point]:
    """The points where the mutant changes a predicted value (for claims: the
    value as held against the note)."""
    if mutant.kind == "verdict":
        return list(points)
    before_claims, before = dict(claims), dict(expectations)
    after_claims, after = dict(claims), dict(expectations)
    mutant.change(after_claims, after)
    owners = [c for c in before_claims.values() if c.expectation.key == mutant.key]
    changed = []
    for point in points:
        if owners:
            differs = any(
                before_claims[c.id].predict(point).value != after_claims[c.id].predict(point).value for c in owners
            )
        else:
            differs = before[mutant.key].resolve(point)[0] != after[mutant.key].resolve(point)[0]
        if differs:
            changed.append(point)
    return changed
