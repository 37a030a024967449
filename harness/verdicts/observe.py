"""What a claim's test observed, held against the catalogue's prediction.

A test calls ``observe(value)`` with the value it observed about the note's
fact (normalised to the note's terms: pids as N, ...).  The observation records
whether the note's fact holds there; where the value is not the one predicted
for this interpreter, start method and condition, the test fails at once with
a message naming both: the cell is "unexpected".

``observe.expect(expectation)`` gives a test the predicted value of a fact it
asserts on (an exit code, a repr form ...), so no test branches on versions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pytest

from harness.claims import catalogue
from harness.claims.model import NO_METHOD, NOTED_CONDITIONS, Claim, Expectation, Point
from harness.running.targets import Target


@dataclass(frozen=True)
class Observation:
    claim: str
    condition: str
    value: str  # repr() of the observed value
    holds: bool  # does the note's fact hold there
    predicted: str  # repr() of the predicted value
    predicted_holds: bool
    because: str  # the variation behind the prediction ("" for the general case)
    message: str  # why it disagrees with the prediction ("" when it agrees)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Observation:
        return cls(**raw)


@dataclass(frozen=True)
class Use:
    """An expectation a test relied on, and the variation that set its value."""

    key: str
    value: str
    because: str  # "" for the general value

    def to_json(self) -> dict[str, str]:
        return asdict(self)


class Observer:
    """The ``observe`` fixture: one per test."""

    def __init__(self, claim: Claim | None, target: Target, start_method: str) -> None:
        self.claim = claim
        self.target = target
        self.start_method = start_method or NO_METHOD
        self.observations: list[Observation] = []
        self.uses: list[Use] = []

    def point(self, condition: str = NOTED_CONDITIONS) -> Point:
        return self.target.point(self.start_method, condition)

    def expect(self, expectation: Expectation, condition: str = NOTED_CONDITIONS) -> Any:
        """The value ``expectation`` predicts here (as the catalogue has it now)."""
        current = catalogue.expectation(expectation.key)
        value, variation = current.resolve(self.point(condition))
        use = Use(current.key, repr(value), variation.reason if variation else "")
        if use not in self.uses:
            self.uses.append(use)
        return value

    def __call__(self, value: Any, condition: str = NOTED_CONDITIONS) -> None:
        """Record ``value`` as what the test observed of its claim's fact; fail if it is not the predicted one."""
        if self.claim is None:
            raise RuntimeError("observe() needs a test marked with @pytest.mark.claim(...)")
        claim = catalogue.claim(self.claim.id)
        prediction = claim.predict(self.point(condition))
        holds = claim.holds(value)
        message = ""
        if value != prediction.value:
            where = f"{self.target.name} ({self.start_method}{', ' + condition if condition else ''})"
            message = (
                f"{claim.id} on {where}: predicted {prediction.describe()}; "
                f"observed {'holds' if holds else 'does not hold'}: {value!r}"
            )
        self.observations.append(
            Observation(
                claim.id,
                condition,
                repr(value),
                holds,
                repr(prediction.value),
                prediction.holds,
                prediction.variation.reason if prediction.variation else "",
                message,
            )
        )
        if message:
            pytest.fail(message, pytrace=False)
