"""What a claim is: one statement of the note, the note's fact it is about, a
prediction of what a run observes, and a verdict about the note.

A verdict is observed, never declared.  The catalogue *predicts*, for every
interpreter, start method and condition (a ``Point``), the value the tests will
observe (an ``Expectation`` and its ``Variation``s); the tests observe the value
(``harness.verdicts.observe``); the note's statement holds at a point where the observed
value agrees with the note's fact (``Claim.holds``).  The declared ``verdict`` is
a prediction as well: it must be what ``harness.claims.points.verdict_of`` derives from the predicted
points and, in a run, from the observed ones.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Tuple

from harness.pythons import dotted

ALL_START_METHODS = ("fork", "spawn", "forkserver")
NO_METHOD = "-"  # the point of a claim the start method plays no part in
NOTED_CONDITIONS = ""  # the conditions of the note's own examples
# Point.environment facts, as the target's probe finds them (harness.running.targets).
UNDER_WINE = "Wine"  # a Windows build run by Wine on Linux or macOS
NO_STDLIB_ASSERTS = "stdlib without asserts"  # the Windows embeddable build compiles its stdlib so


class _NotedValue:
    """Stands for "what the note shows" in a prediction."""

    def __repr__(self) -> str:
        return "NOTED_VALUE"


NOTED_VALUE: Any = _NotedValue()


class Verdict(Enum):
    HOLDS = "holds"
    CAVEAT = "holds with a caveat"
    WRONG = "wrong as written"
    VERSION = "version-dependent"
    OPINION = "opinion"


@dataclass(frozen=True)
class Section:
    """A section of the note, in note order, with its line range.

    ``name`` names the section's four files: harness/claims/catalogue/NAME.py,
    scenarios/NAME.py, tests/test_NAME.py and mutants/NAME.py."""

    key: str  # the prefix of its claims' ids
    name: str
    title_en: str
    title_ko: str
    lines: tuple[int, int]


Version = Tuple[int, ...]  # (3, 13) or, for a patch release, (3, 11, 6); typing.Tuple: evaluated on 3.8


def full_version(version: Version) -> tuple[int, int, int]:
    padded = tuple(version) + (0, 0, 0)
    return (padded[0], padded[1], padded[2])


@dataclass(frozen=True)
class Point:
    """Where a claim is observed: an interpreter, a start method and a condition."""

    implementation: str  # sys.implementation.name
    version: tuple[int, int, int]
    platform: str  # sys.platform
    start_method: str  # NO_METHOD for claims the start method plays no part in
    condition: str = NOTED_CONDITIONS
    # Facts about where the interpreter runs, beyond its platform: UNDER_WINE, NO_STDLIB_ASSERTS.
    environment: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variation:
    """Where the observed value differs from the general case, and why.

    Each empty selector matches everything; ``since`` is the first version
    affected, ``until`` the first no longer affected ((3, 13) or a patch
    release such as (3, 11, 6)).
    """

    reason: str  # what differs, with the CPython change (bpo/gh) behind it
    value: Any  # the value observed where the variation applies
    since: Version | None = None
    until: Version | None = None
    start_methods: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()  # sys.platform values
    implementations: tuple[str, ...] = ()  # sys.implementation.name values
    conditions: tuple[str, ...] = ()
    # Where these facts all hold (Point.environment): a difference of Wine's, say, not CPython's.
    environments: tuple[str, ...] = ()

    def applies(self, point: Point) -> bool:
        return (
            (self.since is None or point.version >= full_version(self.since))
            and (self.until is None or point.version < full_version(self.until))
            and (not self.start_methods or point.start_method in self.start_methods)
            and (not self.platforms or point.platform in self.platforms)
            and (not self.implementations or point.implementation in self.implementations)
            and (not self.conditions or point.condition in self.conditions)
            and all(fact in point.environment for fact in self.environments)
        )

    def where(self) -> str:
        """Where it applies, in a few words: "from 3.13", "win32, 3.11.6 to before 3.11.8"."""
        parts = list(self.implementations) + (["/".join(self.platforms)] if self.platforms else [])
        parts += [f"under {fact}" if fact == UNDER_WINE else fact for fact in self.environments]
        bounds = [dotted(v) if v else "" for v in (self.since, self.until)]
        if self.since and self.until:
            parts.append(f"{bounds[0]} to before {bounds[1]}")
        elif self.since:
            parts.append(f"from {bounds[0]}")
        elif self.until:
            parts.append(f"before {bounds[1]}")
        parts += list(self.start_methods) + list(self.conditions)
        return ", ".join(parts) or "everywhere"


@dataclass(frozen=True)
class Expectation:
    """A value the tests observe, predicted for every point: the general value
    and the variations that change it (the first that applies wins)."""

    key: str  # stable name, used by the mutation self-check
    what: str  # what is observed, for messages
    general: Any
    variations: tuple[Variation, ...] = ()

    def resolve(self, point: Point) -> tuple[Any, Variation | None]:
        for variation in self.variations:
            if variation.applies(point):
                return variation.value, variation
        return self.general, None


# A claim's default expectation: the value the note shows, wherever it is observed.
NOTED_EVERYWHERE = Expectation("", "", NOTED_VALUE)


@dataclass(frozen=True)
class Comparison:
    """How an observed value is held against the note's fact."""

    description: str
    agrees: Callable[[Any, Any], bool]


EQUAL = Comparison("equal to what the note shows", operator.eq)


class _SameAsShows:
    def __repr__(self) -> str:
        return "SAME_AS_SHOWS"


SAME_AS_SHOWS: Any = _SameAsShows()


@dataclass(frozen=True)
class NoteFact:
    """What the note states or shows, and where (never its text).

    ``lines`` is the inclusive line range in the note.  The meta-test checks the
    fact against those lines: ``pattern`` (a regular expression, applied to each
    cited line with its leading ``#`` marks removed) must find ``extracted``
    (by default ``shows``; literals such as ``None``, ``0`` or ``True`` are read
    as Python values), and every one of ``mentions`` must occur there.
    ``beside`` marks a claim the note is silent on: ``shows`` is then the claim's
    own statement, and the cited lines are what it stands beside.
    """

    lines: tuple[int, int]
    shows: Any
    pattern: str | None = None
    extracted: Any = SAME_AS_SHOWS
    mentions: tuple[str, ...] = ()
    normalise: tuple[tuple[str, str], ...] = ()  # (regex, replacement) applied to what the pattern finds
    unordered: bool = False  # compare what the pattern finds sorted
    distinct: bool = False  # ... sorted and without repeats
    beside: bool = False

    @property
    def expected_extraction(self) -> Any:
        return self.shows if self.extracted is SAME_AS_SHOWS else self.extracted

    def covers(self, line: int) -> bool:
        return self.lines[0] <= line <= self.lines[1]

    def cite(self) -> str:
        first, last = self.lines
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        return f"beside {where}" if self.beside else where


@dataclass(frozen=True)
class Prediction:
    value: Any
    holds: bool
    variation: Variation | None

    def describe(self) -> str:
        because = f" ({self.variation.where()}: {self.variation.reason})" if self.variation else ""
        return f"{'holds' if self.holds else 'does not hold'}: {self.value!r}{because}"


@dataclass(frozen=True)
class Claim:
    id: str
    section: Section
    en: str  # paraphrase, never the note's own sentence
    ko: str
    verdict: Verdict
    reason: str  # why the verdict
    note: NoteFact | None = None  # None only for opinions
    # What the tests observe, predicted at every point; by default the note's own value,
    # everywhere (then the claim gets an expectation of its own, keyed ID/observed).
    expectation: Expectation = NOTED_EVERYWHERE
    holds_if: Comparison = EQUAL
    # Start methods the claim is about; () when the start method plays no part.
    start_methods: tuple[str, ...] = ALL_START_METHODS

    @property
    def testable(self) -> bool:
        return self.verdict is not Verdict.OPINION

    def __post_init__(self) -> None:
        unknown = set(self.start_methods) - set(ALL_START_METHODS)
        if unknown:
            raise ValueError(f"{self.id}: unknown start methods {sorted(unknown)}")
        if not self.id.startswith(self.section.key + "-"):
            raise ValueError(f"{self.id}: claim ids start with their section key {self.section.key!r}")
        if self.testable and self.note is None:
            raise ValueError(f"{self.id}: a testable claim cites the note's fact (note=NoteFact(...))")
        if self.expectation is NOTED_EVERYWHERE:
            object.__setattr__(self, "expectation", Expectation(f"{self.id}/observed", "", NOTED_VALUE))

    @property
    def conditions(self) -> tuple[str, ...]:
        """Tested conditions outside the note's own (python -O, a late print, ...): those its predictions name."""
        return tuple(dict.fromkeys(c for v in self.expectation.variations for c in v.conditions))

    @property
    def point_methods(self) -> tuple[str, ...]:
        """The start methods of the claim's points: its own, or NO_METHOD when it has none."""
        return self.start_methods or (NO_METHOD,)

    def predict(self, point: Point) -> Prediction:
        value, variation = self.expectation.resolve(point)
        if value is NOTED_VALUE:
            value = self.shows
        return Prediction(value, self.holds(value), variation)

    @property
    def shows(self) -> Any:
        return self.note.shows if self.note is not None else None

    def holds(self, observed: Any) -> bool:
        return bool(self.holds_if.agrees(observed, self.shows))

    def variations(self) -> tuple[Variation, ...]:
        return self.expectation.variations
