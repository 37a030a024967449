"""The note itself, read at run time: every fact the catalogue cites is what the cited lines
show, and every line of every transcript ("실행 결과") is matched by a scenario run or
explained by a claim.  Without the note these tests skip and say how to get it."""

from __future__ import annotations

import codecs
import dataclasses

import pytest

from harness.claims import note
from harness.claims.catalogue import CLAIMS
from harness.claims.catalogue.transcript_runs import TRANSCRIPTS
from harness.claims.note_transcripts import Account, account
from harness.plugin.keys import START_METHODS
from harness.project import PROJECT_ROOT
from harness.running.targets import host

pytestmark = pytest.mark.meta

CITED = [c.id for c in CLAIMS.values() if c.note is not None]


@pytest.mark.parametrize("claim_id", CITED)
def test_cited_fact_is_what_the_note_shows(the_note, claim_id, report_extra):
    """The catalogue's fact (pattern and value, or mentions) is what the cited lines show."""
    problems = note.check(the_note, claim_id, CLAIMS[claim_id].note)
    report_extra["note-fact"] = not problems
    assert problems == [], "\n".join(problems)


def test_the_note_has_the_transcripts_the_catalogue_accounts_for(the_note):
    assert the_note.transcripts() == [spec.lines for spec in TRANSCRIPTS]


@pytest.mark.also_on_windows
def test_every_transcript_line_is_accounted_for(the_note, run_scenario, target, request, report_extra):
    """Each transcript against the scenario run that re-enacts it (spawn, as the note's were made)."""
    selected = request.config.stash[START_METHODS]
    method = next(m for m in ("spawn", *selected) if m in selected and m in target.start_methods)
    point = target.point(method)
    total = Account()
    for spec in TRANSCRIPTS:
        r = run_scenario(spec.scenario, method, variant=spec.variant, **dict(spec.params))
        total.add(account(the_note, spec, r.stdout_lines + r.stderr.splitlines(), point))
    report_extra["note"] = [f"{target.name} ({method}): {total.summary()}"]
    # The annotated note marks the lines printed differently, per interpreter.
    report_extra["transcript-lines"] = {f"{target.name} ({method})": total.statuses}
    assert total.unaccounted == [], total.summary()


# --- the checks themselves can fail ---------------------------------------------------------


def test_a_wrong_citation_is_refused(the_note):
    """Wrong lines, a wrong value and a missing mention are each reported."""
    log_04 = CLAIMS["LOG-04"].note
    first, last = log_04.lines
    assert note.check(the_note, "LOG-04", dataclasses.replace(log_04, lines=(first + 40, last + 40))) != []
    assert note.check(the_note, "LOG-04", dataclasses.replace(log_04, shows=log_04.shows[::-1])) != []
    daemon_06 = CLAIMS["DAEMON-06"].note
    assert note.check(the_note, "DAEMON-06", dataclasses.replace(daemon_06, lines=(104, 104))) == [
        "DAEMON-06 cites line 104: they do not mention 'daemon', '증손자'"
    ]


def test_a_line_the_run_did_not_print_is_unaccounted(the_note):
    """A run that printed only "start" leaves the daemon transcript's "exit" line unaccounted."""
    daemon = next(spec for spec in TRANSCRIPTS if spec.scenario == "daemon")
    found = account(the_note, daemon, ["start"], host().point("spawn"))
    assert (found.lines, found.matched, found.unaccounted) == (2, 1, [(100, "exit")])


# --- the note as a Korean reader's editor saves it ------------------------------------------


def as_text(the_note: note.Note) -> str:
    return "\n".join(the_note.lines) + "\n"


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


SAVED_AS = {
    # Notepad's "ANSI" on Korean Windows; a character CP949 lacks (the note's no-break
    # spaces) it writes as "?", as encode(errors="replace") does.
    "CP949": lambda text: crlf(text).encode("cp949", "replace"),
    "UTF-8 with BOM": lambda text: codecs.BOM_UTF8 + crlf(text).encode("utf-8"),
    "UTF-16 LE with BOM": lambda text: codecs.BOM_UTF16_LE + crlf(text).encode("utf-16-le"),  # Notepad's "Unicode"
    "UTF-16 BE with BOM": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
}


@pytest.mark.parametrize("encoding", SAVED_AS)
def test_a_copy_of_the_note_saved_by_a_korean_editor_reads_as_the_note(the_note, encoding, tmp_path):
    copy = tmp_path / "note.txt"
    copy.write_bytes(SAVED_AS[encoding](as_text(the_note)))
    read = note.Note.load(copy)
    assert read.encoding == encoding
    assert len(read.lines) == len(the_note.lines)
    differ = [n for n, (a, b) in enumerate(zip(read.lines, the_note.lines), 1) if a != b]
    assert differ == ([n for n, line in enumerate(the_note.lines, 1) if "\xa0" in line] if encoding == "CP949" else [])


READING_THE_NOTE = (
    "test_cited_fact_is_what_the_note_shows",
    "test_the_note_has_the_transcripts_the_catalogue_accounts_for",
)


@pytest.mark.parametrize("encoding", ["CP949", "UTF-8 with BOM", "UTF-16 LE with BOM"])
def test_the_note_checks_pass_on_such_a_copy_and_name_its_encoding(the_note, encoding, inner_pytest, tmp_path):
    """The checks of what the note says pass on the copy (those of its transcripts against
    runs read the same lines), and the summary says how the copy was read."""
    copy = tmp_path / f"note-{encoding.split()[0].lower()}.txt"
    copy.write_bytes(SAVED_AS[encoding](as_text(the_note)))
    tests = [f"{PROJECT_ROOT / 'tests' / 'test_note.py'}::{name}" for name in READING_THE_NOTE]
    result = inner_pytest(f"--note={copy}", *tests)
    result.assert_outcomes(passed=len(CITED) + 1)
    result.stdout.fnmatch_lines(
        [
            f"note: {copy} (read as {encoding})",
            f"cited facts: {len(CITED)} checked against the note, 0 not what it shows",
        ]
    )
