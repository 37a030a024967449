"""A cell of the verdict matrix: one claim on one interpreter under one start method.

Its status says whether the note's statement holds there, as the tests *observed*
it (``harness.verdicts.observe``), never as the catalogue declares it:

  holds          every observation agrees with the note's fact
  holds with a caveat
                 it holds as in the note, and a tested condition outside the
                 note's (python -O, a late print ...) breaks it
  does not hold  the observations disagree with the note's fact, as predicted
  unexpected     a test failed: an observation was not the predicted one, or
                 an assertion failed
  n/a            the claim does not apply there (opinion, start method absent)
  not run        no test of the cell observed the claim
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harness.claims.model import NO_METHOD, Claim

if TYPE_CHECKING:  # observe imports pytest: the matrix is read without it (python -m harness LOG-04)
    from harness.verdicts.observe import Observation, Use

HOLDS, CAVEAT, DOES_NOT_HOLD = "holds", "holds with a caveat", "does not hold"

UNEXPECTED, NOT_APPLICABLE, NOT_RUN = "unexpected", "n/a", "not run"

MARK = {HOLDS: "✓", CAVEAT: "~", DOES_NOT_HOLD: "✗", UNEXPECTED: "!", NOT_APPLICABLE: "·", NOT_RUN: "?"}

WORST_FIRST = (UNEXPECTED, NOT_RUN, DOES_NOT_HOLD, CAVEAT, HOLDS, NOT_APPLICABLE)


@dataclass
class Found:
    """What the tests of one cell left: outcomes, failures, observations, expectations relied on."""

    outcomes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line per failed test
    observations: list[Observation] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)

    def add(self, other: Found) -> Found:
        return Found(
            self.outcomes + other.outcomes,
            self.failures + other.failures,
            self.observations + other.observations,
            self.uses + other.uses,
        )


IN_PROCESS_ONLY = "checked in-process, on the interpreter that runs pytest"

NOT_OBSERVED = "no test of this cell observed the claim (only supporting tests ran)"


def cell(
    claim: Claim, column_methods: tuple[str, ...], method: str, found: Found, is_host: bool
) -> tuple[str, list[str]]:
    """Status and reasons of one cell, from what its tests observed (``column_methods``:
    the start methods its interpreter has)."""
    if not claim.testable:
        return NOT_APPLICABLE, ["opinion: nothing to run"]
    if method == NO_METHOD:
        if claim.start_methods:
            return NOT_APPLICABLE, []
        if not is_host and not found.outcomes:
            return NOT_APPLICABLE, [IN_PROCESS_ONLY]
    elif method not in claim.start_methods or method not in column_methods:
        return NOT_APPLICABLE, []
    if not found.outcomes:
        return NOT_RUN, []
    if any(o == "failed" for o in found.outcomes):
        mismatches = [o.message for o in found.observations if o.message]
        # A test that failed on a mismatch says so already: keep its other failures only.
        others = [f for f in found.failures if not any(m in f or f.split(": ", 2)[-1] in m for m in mismatches)]
        return UNEXPECTED, _unique(mismatches + others)
    if not found.observations:
        return NOT_RUN, [NOT_OBSERVED]
    as_noted = [o for o in found.observations if not o.condition]
    outside = [o for o in found.observations if o.condition]
    reasons = [o.because or claim.reason for o in as_noted if not o.holds]
    reasons += [f"under {o.condition}: does not hold ({o.because or claim.reason})" for o in outside if not o.holds]
    reasons += [o.because for o in found.observations if o.holds and o.because]
    reasons += [u.because for u in found.uses if u.because]
    if (as_noted and not all(o.holds for o in as_noted)) or not any(o.holds for o in found.observations):
        status = DOES_NOT_HOLD
    elif not all(o.holds for o in outside):
        status = CAVEAT
    else:
        status = HOLDS
    return status, _unique(reasons)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
