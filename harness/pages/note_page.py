"""The note, annotated (``reports/note.html``): the reader's own copy of the note,
line by line and section by section, each claim's mark beside the lines it cites
(its worst cell across the matrix, the cell counts on hover), linked to the
claim's evidence in the report; transcript lines this run printed differently
are marked, with where and why.

The page is generated output: the note's text comes from the note at run time
and is never part of the project.  Without the note the page says how to get it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Dict

from harness.claims.catalogue import CLAIMS, SECTIONS
from harness.claims.model import Claim
from harness.claims.note import HOW_TO_GET_IT, TRANSCRIPT_MARK, Note, bare
from harness.pages.style import FONTS, MONO_FONTS, css_class, esc, legend
from harness.verdicts.cells import MARK, NOT_APPLICABLE, NOT_RUN, WORST_FIRST

# The mark a claim gets: its worst cell that ran; "not run" only when none did.
MARK_ORDER = (*(s for s in WORST_FIRST if s not in (NOT_RUN, NOT_APPLICABLE)), NOT_RUN, NOT_APPLICABLE)
MATCHED = "matched"

# Per interpreter label: note line -> "matched", "explained by CLAIM" or "unaccounted".
LineStatuses = Dict[str, Dict[int, str]]  # typing.Dict: evaluated on 3.8

_CSS = f"""
body{{font-family:{FONTS};margin:0 auto;max-width:70em;padding:0 1em 2em;color:#222;font-size:14px}}
nav a{{margin-right:1em}}
h2{{background:#e3e9f3;padding:3px 6px;font-size:16px;margin:1.2em 0 .3em}}
.line{{display:grid;grid-template-columns:3.2em 9.5em 1fr;align-items:baseline;line-height:1.45}}
.line .n{{color:#999;text-align:right;padding-right:.6em;font-size:12px}}
.line .text{{white-space:pre-wrap;overflow-wrap:anywhere}}
.code .text,.transcript .text{{font-family:{MONO_FONTS};font-size:13px}}
.transcript .text{{background:#f4f4f4}}
.cited .text{{border-left:3px solid #8aa4cf;padding-left:4px}}
.line .text:empty::before{{content:'\\200b'}}
.differs .text{{background:#fde2c8}}.unaccounted .text{{background:#f7b0b0}}
a.mark{{display:inline-block;font-size:11px;font-weight:bold;padding:0 3px;margin:0 2px 1px 0;border-radius:3px;
  color:#222;text-decoration:none;border:1px solid #bbb;white-space:nowrap}}
.holds{{background:#d9f2d9}}.holds-with-a-caveat{{background:#eef5c8}}.does-not-hold{{background:#fde2c8}}
.unexpected{{background:#f7b0b0}}.not-run,.n-a{{background:#fff;color:#999}}
.legend span{{padding:0 4px;margin-right:4px}}
"""


def claim_statuses(data: dict[str, object]) -> dict[str, Counter[str]]:
    """claim id -> how many of its matrix cells have each status."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for cell in data["cells"]:  # type: ignore[attr-defined]
        found[str(cell["claim"])][str(cell["status"])] += 1
    return found


def worst(statuses: Counter[str]) -> str:
    return next((s for s in MARK_ORDER if statuses.get(s)), NOT_RUN)


def render(
    note: Note | None, data: dict[str, object], lines: LineStatuses, matrix_href: str, report_href: str = ""
) -> str:
    """The page; the hrefs lead to the matrix page and the report, relative to this page."""
    head = (
        "<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><title>mpspec: the note, annotated</title>"
        f"<style>{_CSS}</style></head><body><nav><a href='{esc(matrix_href)}'>verdict matrix</a>"
        + (f"<a href='{esc(report_href)}'>report</a>" if report_href else "")
        + "</nav><h1 lang='en'>The note, annotated</h1>"
    )
    if note is None:
        return head + f"<p lang='en' id='no-note'>Not at hand: {esc(HOW_TO_GET_IT)}.</p></body></html>"
    statuses = claim_statuses(data)
    by_first_line: dict[int, list[Claim]] = defaultdict(list)
    cited: set[int] = set()
    for claim in CLAIMS.values():
        if claim.note is not None:
            by_first_line[claim.note.lines[0]].append(claim)
            cited.update(range(claim.note.lines[0], claim.note.lines[1] + 1))
    transcript_lines = {n for first, last in note.transcripts() for n in range(first, last + 1)}
    starts = {s.lines[0]: s for s in SECTIONS}
    out = [
        head,
        f"<p lang='en'>{esc(note.path.name)}: {len(note.lines)} lines. Beside each statement the catalogue "
        "cites, the claim's mark (its worst cell in the verdict matrix; the cell counts on hover) links to its "
        "evidence in the report. Transcript lines this run printed differently are shaded. <span class='legend'>"
        + legend((s, MARK[s]) for s in MARK_ORDER)
        + "</span></p>",
    ]
    for number, raw in enumerate(note.lines, 1):
        if number in starts:
            section = starts[number]
            out.append(f"<h2 id='s-{esc(section.key)}'>{esc(section.title_en)} / {esc(section.title_ko)}</h2>")
        kind = _kind(raw, number in transcript_lines)
        classes = [kind, *(["cited"] if number in cited else [])]
        title = ""
        if number in transcript_lines:
            differs, title = _printed(number, lines)
            classes += differs
        marks = "".join(
            _mark(c, statuses.get(c.id, Counter()), matrix_href, report_href) for c in by_first_line.get(number, ())
        )
        out.append(
            f"<div class='line {' '.join(classes)}' id='L{number}'{_title(title)}><span class='n'>{number}</span>"
            f"<span class='marks'>{marks}</span><span class='text'>{esc(bare(raw))}</span></div>"
        )
    out.append("</body></html>")
    return "\n".join(out)


def _kind(raw: str, in_transcript: bool) -> str:
    if in_transcript:
        return "transcript"
    if raw.strip() == TRANSCRIPT_MARK:
        return "transcript-heading"
    if raw.startswith("##"):
        return "prose"
    return "code" if raw.startswith("#") else "text"


def _printed(number: int, lines: LineStatuses) -> tuple[list[str], str]:
    """Classes and hover text of a transcript line: where this run printed it differently."""
    elsewhere = {label: found[number] for label, found in lines.items() if found.get(number, MATCHED) != MATCHED}
    if not lines:
        return [], "no transcript was compared in this run"
    if not elsewhere:
        return [], f"printed as in the note on {', '.join(lines)}"
    text = "printed differently on " + "; ".join(f"{label}: {why}" for label, why in elsewhere.items())
    unaccounted = any(why == "unaccounted" for why in elsewhere.values())
    return ["differs", *(["unaccounted"] if unaccounted else [])], text


def _mark(claim: Claim, statuses: Counter[str], matrix_href: str, report_href: str) -> str:
    status = worst(statuses)
    counts = ", ".join(f"{MARK[s]} {n}" for s in MARK_ORDER if (n := statuses.get(s)))
    beside = " (beside the note)" if claim.note is not None and claim.note.beside else ""
    title = f"{claim.id} {claim.verdict.value}{beside}: {claim.en} [cells: {counts or 'none'}]"
    href = f"{report_href}#claim-{claim.id}" if report_href else f"{matrix_href}#m-{claim.id}"
    return (
        f"<a class='mark {css_class(status)}' href='{esc(href)}' data-claim='{esc(claim.id)}' lang='en' "
        f"title='{esc(title)}'>{esc(MARK[status])} {esc(claim.id)}</a>"
    )


def _title(text: str) -> str:
    return f" title='{esc(text)}'" if text else ""
