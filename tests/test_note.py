"""The note itself, read at run time: every fact the catalogue cites is what the cited lines
show, and every line of every transcript ("실행 결과") is matched by a scenario run or
explained by a claim.  Without the note these tests skip and say how to get it."""

from __future__ import annotations

import dataclasses

import pytest

from harness import note
from harness.catalogue import CLAIMS
from harness.catalogue.transcripts import TRANSCRIPTS
from harness.claims import Point
from harness.pytest_plugin import METHODS
from harness.targets import host
from harness.transcripts import Account, account

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
    selected = request.config.stash[METHODS]
    method = next(m for m in ("spawn", *selected) if m in selected and m in target.start_methods)
    point = target.point(method)
    total = Account()
    for spec in TRANSCRIPTS:
        r = run_scenario(spec.scenario, method, variant=spec.variant, **dict(spec.params))
        total.add(account(the_note, spec, r.stdout_lines + r.stderr.splitlines(), point))
    report_extra["note"] = [f"{target.label} ({method}): {total.summary()}"]
    # The annotated note marks the lines printed differently, per interpreter.
    report_extra["transcript-lines"] = {f"{target.label} ({method})": total.statuses}
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
    here = host()
    daemon = next(spec for spec in TRANSCRIPTS if spec.scenario == "daemon")
    found = account(the_note, daemon, ["start"], Point(here.implementation, here.version, here.platform, "spawn"))
    assert (found.lines, found.matched, found.unaccounted) == (2, 1, [(100, "exit")])
