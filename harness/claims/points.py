"""A claim's verdict, derived from points: every point the note's readers can run (each
platform with its start methods, implementation, minor version and version bound the
predictions name, and condition), and what the claim predicts at each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from harness.claims.model import (
    ALL_START_METHODS,
    NO_METHOD,
    NOTED_CONDITIONS,
    Claim,
    Point,
    Variation,
    Verdict,
    full_version,
)
from harness.pythons import CPYTHON_TARGETS, PYPY

# The Pythons the note's readers run, for predictions where no run observes: every target.
PLATFORM_METHODS = {"linux": ALL_START_METHODS, "darwin": ALL_START_METHODS, "win32": ("spawn",)}
MINORS = {"cpython": CPYTHON_TARGETS, "pypy": PYPY}


def verdict_of(points: Mapping[Point, bool]) -> Verdict | None:
    """The verdict that a set of points (point -> does the note hold there) shows:
    every point holds -> holds; none -> wrong as written; points that differ
    only by version -> version-dependent; otherwise a start method or condition
    breaks it -> holds with a caveat.  None without points."""
    found = set(points.values())
    if not found:
        return None
    if found == {True}:
        return Verdict.HOLDS
    if found == {False}:
        return Verdict.WRONG
    by_rest: defaultdict[tuple[str, str, str, str, tuple[str, ...]], set[bool]] = defaultdict(set)
    for point, holds in points.items():
        rest = (point.implementation, point.platform, point.start_method, point.condition, point.environment)
        by_rest[rest].add(holds)
    if any(len(seen) > 1 for seen in by_rest.values()):
        return Verdict.VERSION
    return Verdict.CAVEAT


def readers_points(methods: Iterable[str], conditions: Iterable[str], variations: Iterable[Variation]) -> list[Point]:
    """Every point the note's readers can run: each platform (with the ``methods``
    it has), implementation and condition, at each minor version and at every
    version bound the ``variations`` name."""
    bounds = {full_version(b) for v in variations for b in (v.since, v.until) if b is not None}
    points = []
    for implementation, minors in MINORS.items():
        versions = sorted({(*minor, 0) for minor in minors} | {b for b in bounds if b[:2] in minors})
        for platform, platform_methods in PLATFORM_METHODS.items():
            here = [m for m in methods if m == NO_METHOD or m in platform_methods]
            for version in versions:
                for method in here:
                    for condition in conditions:
                        points.append(
                            Point(implementation, (version[0], version[1], version[2]), platform, method, condition)
                        )
    return points


def known_points(claim: Claim) -> list[Point]:
    """Every point the note's readers can run the claim at."""
    return readers_points(claim.point_methods, (NOTED_CONDITIONS, *claim.conditions), claim.expectation.variations)


def predicted_points(claim: Claim) -> dict[Point, bool]:
    return {point: claim.predict(point).holds for point in known_points(claim)}
