"""``python -m harness LOG-04``: everything about a claim (placeholder until the index lands)."""

from __future__ import annotations


def main(argv: list[str]) -> int:
    raise NotImplementedError
