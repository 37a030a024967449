"""The claim catalogue: every claim of the note, one module per section, and
every expectation (predicted value) the tests observe or rely on.
"""

from __future__ import annotations

from harness.claims.catalogue import behaviour, communication, daemon, event, main_guard, mp_logging, process_exit
from harness.claims.model import Claim, Expectation, Section

# Note order; the main-guard idiom runs through every section, so it is last.
_MODULES = (mp_logging, daemon, process_exit, event, communication, main_guard)

SECTIONS: tuple[Section, ...] = tuple(m.SECTION for m in _MODULES)
CLAIMS: dict[str, Claim] = {c.id: c for m in _MODULES for c in m.CLAIMS}

assert len(CLAIMS) == sum(len(m.CLAIMS) for m in _MODULES), "duplicate claim id"


def _expectations() -> dict[str, Expectation]:
    found: dict[str, Expectation] = {}
    candidates = [v for m in (behaviour, *_MODULES) for v in vars(m).values() if isinstance(v, Expectation)]
    for expectation in candidates + [c.expectation for c in CLAIMS.values()]:
        if found.setdefault(expectation.key, expectation) is not expectation:
            raise ValueError(f"two expectations are called {expectation.key!r}")
    return found


EXPECTATIONS: dict[str, Expectation] = _expectations()


def claim(claim_id: str) -> Claim:
    try:
        return CLAIMS[claim_id]
    except KeyError:
        raise KeyError(f"unknown claim {claim_id!r}; known: {', '.join(CLAIMS)}") from None


def expectation(key: str) -> Expectation:
    """The expectation as the catalogue has it now (a prediction mutant may have replaced it)."""
    return EXPECTATIONS[key]
