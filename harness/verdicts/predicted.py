"""A verdict matrix as the catalogue predicts it, for any set of interpreters: what a run
would write if every observation were the predicted one.  The browser checks lay pages out
with it wider than this machine's own interpreters make them; the README's merge example
merges two of them."""

from __future__ import annotations

from collections.abc import Iterable

from harness.claims.catalogue import CLAIMS
from harness.claims.model import NO_METHOD, NOTED_CONDITIONS
from harness.verdicts import cells, matrix
from harness.verdicts.observe import Observation


def predicted_matrix(columns: Iterable[matrix.Column]) -> dict[str, object]:
    """The matrix a run would write if every observation were the predicted one."""
    columns = list(columns)
    found: dict[tuple[str, str, str], cells.Found] = {}
    for claim in CLAIMS.values():
        if not claim.testable:
            continue
        for column in columns:
            for method in [m for m in claim.start_methods if m in column.start_methods] or [NO_METHOD]:
                if claim.start_methods and method == NO_METHOD:
                    continue
                observations = []
                for condition in (NOTED_CONDITIONS, *claim.conditions):
                    prediction = claim.predict(column.point(method, condition))
                    because = prediction.variation.reason if prediction.variation else ""
                    value = repr(prediction.value)
                    observations.append(
                        Observation(claim.id, condition, value, prediction.holds, value, prediction.holds, because, "")
                    )
                found[(claim.id, column.name, method)] = cells.Found(["passed"], [], observations, [])
    return matrix.build(columns, found, host_key="")


def columns(platform: str, versions: Iterable[tuple[int, int]], start_methods: tuple[str, ...]) -> list[matrix.Column]:
    """CPython columns of one platform (and, on Linux, PyPy 3.9 beside them)."""
    found = [matrix.Column(platform, "cpython", (*v, 0), start_methods) for v in versions]
    if platform == "linux":
        found.append(matrix.Column(platform, "pypy", (3, 9, 0), start_methods))
    return found
