"""Which scenario run re-enacts each of the note's transcripts, and how its
lines are grouped for comparison.

A transcript line belongs to a *stream*: the first rule whose regular expression
matches names it (``{1}``: the first group, such as a process name); other lines
belong to the stream ``main``.  Within a stream the order counts; a stream whose
name starts with ``*`` is compared without order (timing or a set decides it).
``collapse_repeats``: consecutive equal lines of a stream count as one, since how
often a timed wait ran out depends on timing.
"""

from __future__ import annotations

from dataclasses import dataclass

LOG_PROCESS = (r"^\[\w+/([^\]]+)\]", "{1}")
NAMED = (r"^\[(\w+)\] ", "{1}")


@dataclass(frozen=True)
class TranscriptSpec:
    lines: tuple[int, int]  # the transcript's lines in the note
    scenario: str
    variant: str
    params: tuple[tuple[str, str], ...] = ()
    streams: tuple[tuple[str, str], ...] = ()
    collapse_repeats: bool = False


TRANSCRIPTS: tuple[TranscriptSpec, ...] = (
    TranscriptSpec(
        (32, 69),
        "mp_logging",
        "gated",
        # The parent joins in the order of a set (LOG-11); the counts come in the order children run (LOG-08).
        streams=((r"calling join\(\) for process ", "*joins"), LOG_PROCESS, (r"^count : ", "*counts")),
    ),
    TranscriptSpec((99, 100), "daemon", "document", params=(("join", "yes"),)),
    TranscriptSpec((167, 184), "process_exit", "document", streams=((r"^(?:start|exit) name : (\w+),", "{1}"),)),
    TranscriptSpec((235, 253), "event", "chain", streams=(NAMED,), collapse_repeats=True),
    TranscriptSpec((292, 293), "communication", "queue-as-noted", streams=(NAMED,)),
    TranscriptSpec((322, 323), "communication", "pipe", streams=(NAMED,)),
)
