"""What a claim is: one statement of the document, paraphrased, with a verdict.

The verdict is about the *document*: whether what it says or shows is true.
The tests supply the evidence; a claim's tests pass when the verdict's
reasoning is right on the interpreter at hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

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

    @property
    def testable(self) -> bool:
        return self.verdict is not Verdict.OPINION

    def __post_init__(self) -> None:
        unknown = set(self.start_methods) - set(ALL_START_METHODS)
        if unknown:
            raise ValueError(f"{self.id}: unknown start methods {sorted(unknown)}")
        if not self.id.startswith(self.section.key + "-"):
            raise ValueError(f"{self.id}: claim ids start with their section key {self.section.key!r}")
