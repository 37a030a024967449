"""The claim catalogue: every claim of the document, one module per section."""

from __future__ import annotations

from harness.catalogue import communication, daemon, event, main_guard, mp_logging, process_exit
from harness.claims import Claim, Section

# Document order; the main-guard idiom runs through every section, so it is last.
_MODULES = (mp_logging, daemon, process_exit, event, communication, main_guard)

SECTIONS: tuple[Section, ...] = tuple(m.SECTION for m in _MODULES)
CLAIMS: dict[str, Claim] = {c.id: c for m in _MODULES for c in m.CLAIMS}

assert len(CLAIMS) == sum(len(m.CLAIMS) for m in _MODULES), "duplicate claim id"


def claim(claim_id: str) -> Claim:
    try:
        return CLAIMS[claim_id]
    except KeyError:
        raise KeyError(f"unknown claim {claim_id!r}; known: {', '.join(CLAIMS)}") from None
