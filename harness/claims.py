"""What a claim is: one statement of the document, paraphrased, with a verdict.

The verdict is about the *document*: whether what it says or shows is true.
The tests supply the evidence; a claim's tests pass when the verdict's
reasoning is right on the interpreter at hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Tuple

ALL_START_METHODS = ("fork", "spawn", "forkserver")


class Verdict(Enum):
    HOLDS = "holds"
    CAVEAT = "holds with a caveat"
    WRONG = "wrong as written"
    VERSION = "version-dependent"
    OPINION = "opinion"


@dataclass(frozen=True)
class Section:
    """A section of the document, in document order."""

    key: str
    title_en: str
    title_ko: str


Version = Tuple[int, int]  # typing.Tuple: evaluated at run time on 3.8


@dataclass(frozen=True)
class Variation:
    """Where the behaviour differs from the claim's general case, and why.

    ``breaks_claim``: the document's statement does not hold there (the
    verdict matrix says "does not hold"); otherwise it is a note beside
    "holds".  Each empty selector matches everything.
    """

    reason: str  # what differs, with the CPython change (bpo/gh) behind it
    breaks_claim: bool
    since: Version | None = None  # first (major, minor) affected
    until: Version | None = None  # first (major, minor) no longer affected
    start_methods: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()  # sys.platform values
    implementations: tuple[str, ...] = ()  # sys.implementation.name values

    def applies(self, implementation: str, version: tuple[int, ...], platform: str, start_method: str) -> bool:
        minor = (version[0], version[1])
        return (
            (self.since is None or minor >= self.since)
            and (self.until is None or minor < self.until)
            and (not self.start_methods or start_method in self.start_methods)
            and (not self.platforms or platform in self.platforms)
            and (not self.implementations or implementation in self.implementations)
        )


@dataclass(frozen=True)
class Claim:
    id: str
    section: Section
    en: str  # paraphrase, never the document's own sentence
    ko: str
    verdict: Verdict
    reason: str  # one line: why the verdict
    # Start methods the claim is about; () when the start method plays no part.
    start_methods: tuple[str, ...] = ALL_START_METHODS
    variations: tuple[Variation, ...] = ()

    @property
    def testable(self) -> bool:
        return self.verdict is not Verdict.OPINION

    def __post_init__(self) -> None:
        unknown = set(self.start_methods) - set(ALL_START_METHODS)
        if unknown:
            raise ValueError(f"{self.id}: unknown start methods {sorted(unknown)}")
        if not self.id.startswith(self.section.key + "-"):
            raise ValueError(f"{self.id}: claim ids start with their section key {self.section.key!r}")
