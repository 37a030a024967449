"""The study note, read at run time: its lines, its transcripts, and the check of
every fact the catalogue cites from it.

The project never contains the note's text.  A reader points at their own copy
with ``--note PATH``; by default mpspec looks in ``../shared/seed/`` beside the
project.
"""

from __future__ import annotations

import ast
import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.claims.model import NoteFact
from harness.project import PROJECT_ROOT

DEFAULT_LOCATION = PROJECT_ROOT.parent / "shared" / "seed"
TRANSCRIPT_MARK = "(실행 결과)"  # the heading of each transcript ("run result")
HOW_TO_GET_IT = (
    "the note is not at hand: give mpspec your copy with --note=PATH (the study note on multiprocessing "
    f"from the series on writing Pythonic code), or put it in {DEFAULT_LOCATION}"
)


class NoteError(Exception):
    """A --note that names no readable note; the message is one line."""


# How a Korean reader's editor saves the note.  A byte-order mark decides: UTF-8 with one,
# or UTF-16 (Notepad's "Unicode").  Without one, UTF-8, else CP949 (Notepad's "ANSI" on
# Korean Windows; EUC-KR is a subset).  A single-byte code page is never tried: it decodes
# any bytes, so a wrong guess would pass for text.
WITH_BOM = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 LE with BOM"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 BE with BOM"),
)
WITHOUT_BOM = (("utf-8", "UTF-8"), ("cp949", "CP949"))
# Control characters no text holds (tab, line and page breaks aside): a binary file, or
# UTF-16 or UTF-32 read with the wrong codec, decodes to them.
NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode(data: bytes) -> tuple[str, str]:
    """The note's text and the name of its encoding; ValueError when none of them reads it."""
    candidates = [(codec, name) for bom, codec, name in WITH_BOM if data.startswith(bom)] or WITHOUT_BOM
    for codec, name in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not NOT_TEXT.search(text):
            return text, name
    raise ValueError("not text in " + " or ".join(name for _, name in candidates))


def find(option: str | None) -> Path | None:
    """The note's file: ``--note PATH`` (a file, or a folder holding one text file),
    else the default location when it exists; None when absent and not asked for."""
    if option:
        path = Path(option)
        if not path.exists():
            raise NoteError(f"--note {option}: no such file or folder")
        return _one_file(path, f"--note {option}")
    return _one_file(DEFAULT_LOCATION, str(DEFAULT_LOCATION)) if DEFAULT_LOCATION.is_dir() else None


def _one_file(path: Path, what: str) -> Path:
    if path.is_file():
        return path
    texts = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in (".txt", ".md"))
    if len(texts) != 1:
        raise NoteError(f"{what}: expected one .txt or .md file in the folder, found {len(texts)}")
    return texts[0]


def bare(line: str) -> str:
    """A line without the ``#`` marks the note puts before code, prose and transcripts."""
    return re.sub(r"^#+ ?", "", line)


@dataclass(frozen=True)
class Note:
    path: Path
    lines: tuple[str, ...]
    encoding: str = "UTF-8"  # as decode() names it

    @classmethod
    def load(cls, path: Path) -> Note:
        try:
            text, encoding = decode(path.read_bytes())
        except OSError as exc:
            raise NoteError(f"--note {path}: cannot read it ({exc.strerror or exc})") from None
        except ValueError as exc:
            raise NoteError(f"--note {path}: cannot read it ({exc})") from None
        # splitlines(): CRLF and CR line ends too.
        return cls(path, tuple(text.splitlines()), encoding)

    @property
    def text(self) -> str:
        return "".join(f"{line}\n" for line in self.lines)

    def cited(self, first: int, last: int) -> list[tuple[int, str]]:
        """Lines ``first`` to ``last`` (1-based, inclusive), without their ``#`` marks."""
        return [(n, bare(self.lines[n - 1])) for n in range(first, min(last, len(self.lines)) + 1)]

    def transcripts(self) -> list[tuple[int, int]]:
        """The line range of each transcript: the ``# `` lines after a transcript heading."""
        found = []
        for start, line in enumerate(self.lines, 1):
            if line.strip() != TRANSCRIPT_MARK:
                continue
            numbers = []
            for n in range(start + 1, len(self.lines) + 1):
                text = self.lines[n - 1]
                if text.startswith("# "):
                    numbers.append(n)
                elif text.strip() and numbers:
                    break
            if numbers:
                found.append((numbers[0], numbers[-1]))
        return found

    def transcript(self, first: int, last: int) -> list[tuple[int, str]]:
        return [(n, self.lines[n - 1][2:]) for n in range(first, last + 1) if self.lines[n - 1].startswith("# ")]


def literal(text: str) -> Any:
    """``None``, ``0``, ``True`` ... as Python values; any other text as it is."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def extract(note: Note, fact: NoteFact) -> list[Any]:
    """What ``fact.pattern`` finds in the cited lines (group 1, or the whole match)."""
    assert fact.pattern is not None
    pattern = re.compile(fact.pattern)
    found: list[Any] = []
    for _, text in note.cited(*fact.lines):
        for match in pattern.finditer(text):
            item = match.group(1) if pattern.groups else match.group(0)
            for regex, replacement in fact.normalise:
                item = re.sub(regex, replacement, item)
            found.append(literal(item))
    return found


def _arranged(items: Any, fact: NoteFact) -> Any:
    if fact.distinct:
        return sorted(set(items), key=repr)
    if fact.unordered:
        return sorted(items, key=repr)
    return items


def check(note: Note, claim_id: str, fact: NoteFact) -> list[str]:
    """What is wrong with the catalogue's statement of ``fact`` (nothing, when it is what the lines show)."""
    first, last = fact.lines
    where = f"{claim_id} cites {fact.cite()}"
    if not 1 <= first <= last <= len(note.lines):
        return [f"{where}: the note has lines 1-{len(note.lines)}"]
    problems = []
    if fact.pattern is not None:
        found = _arranged(extract(note, fact), fact)
        # A single value is what one match shows.
        expected = (
            fact.expected_extraction if isinstance(fact.expected_extraction, list) else [fact.expected_extraction]
        )
        expected = _arranged(expected, fact)
        if found != expected:
            problems.append(f"{where}: {fact.pattern!r} finds {found!r} there, the catalogue says {expected!r}")
    text = "\n".join(line for _, line in note.cited(first, last))
    missing = [m for m in fact.mentions if m not in text]
    if missing:
        problems.append(f"{where}: they do not mention {', '.join(map(repr, missing))}")
    if fact.pattern is None and not fact.mentions:
        problems.append(f"{where}: the fact has neither a pattern nor mentions to check it by")
    return problems
