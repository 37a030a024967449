"""The verdict matrix as one compact HTML page (``reports/matrix.html``).

One row per claim, one line high; cells carry marks only and link to a numbered
footnote: each distinct reason is listed once, with the cells it covers
summarised ("cpython 3.8-3.13, all start methods").  The header and the claim
column stay in view while scrolling; each interpreter has its totals; a
checkbox (CSS only) hides the claims that hold everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from harness.claims.catalogue import CLAIMS, SECTIONS
from harness.claims.model import ALL_START_METHODS, NO_METHOD
from harness.pages.style import FONTS, css_class, esc, legend
from harness.verdicts.cells import CAVEAT, DOES_NOT_HOLD, HOLDS, MARK, NOT_APPLICABLE, UNEXPECTED
from harness.verdicts.matrix import Column, columns_of, counts, index

METHOD_ABBREVIATION = {"fork": "f", "spawn": "s", "forkserver": "fs"}
TOTALS = (HOLDS, CAVEAT, DOES_NOT_HOLD, UNEXPECTED)
PROBLEMS = (DOES_NOT_HOLD, UNEXPECTED)

_CSS = f"""
body{{font-family:{FONTS};margin:0 1em 1em;color:#222;font-size:13px}}
h1{{font-size:20px;margin:.6em 0 .2em}}
nav a{{margin-right:1em}}
table{{border-collapse:separate;border-spacing:0;line-height:18px}}
th,td{{border-right:1px solid #ddd;border-bottom:1px solid #ddd;padding:1px 3px;white-space:nowrap;height:18px}}
thead th{{position:sticky;background:#f3f3f3;z-index:2}}
thead tr.systems th{{top:0;height:18px}}
thead tr.groups th{{top:0;height:18px}}
thead tr.methods th{{top:21px;font-weight:normal;color:#555}}
thead tr.systems ~ tr.groups th{{top:21px}}
thead tr.systems ~ tr.methods th{{top:42px}}
th.claim,td.claim{{position:sticky;left:0;background:#fff;z-index:1;text-align:left;max-width:42em;
  overflow:hidden;text-overflow:ellipsis}}
thead th.claim{{z-index:3;background:#f3f3f3}}
td.c{{text-align:center;font-weight:bold;min-width:1.3em;padding:1px 2px}}
td.c a{{color:inherit;text-decoration:none;display:block}}
td.group-start,th.group-start{{border-left:2px solid #999}}
.holds{{background:#d9f2d9}}.holds-with-a-caveat{{background:#eef5c8}}.does-not-hold{{background:#fde2c8}}
.unexpected{{background:#f7b0b0}}.n-a{{background:#f6f6f6;color:#aaa}}.not-run{{background:#fff;color:#999}}
tr.section th{{text-align:left;background:#e3e9f3}}
tr.section th span{{position:sticky;left:4px}}
tfoot td{{text-align:center;font-size:12px}}
tfoot th{{text-align:right;font-weight:normal;position:sticky;left:0;background:#fff}}
#only-problems:checked~table tbody tr.fine{{display:none}}
ol.notes li{{margin:.2em 0}}
ol.notes li:target{{background:#fff3b0}}
ol.notes .where{{color:#555}}
.legend span{{padding:0 4px;margin-right:4px}}
"""


@dataclass
class _Note:
    """A footnote: one reason and the cells it covers."""

    number: int
    text: str
    cells: dict[str, list[tuple[Column, str]]] = field(default_factory=lambda: defaultdict(list))  # claim -> cells


def render(data: dict[str, object], report_href: str = "", note_href: str = "") -> str:
    """The page for a matrix (``harness.verdicts.matrix.build`` or a merge); links to the report and
    the annotated note where their paths are given, relative to the page."""
    columns = columns_of(data)
    cells = index(data)
    notes: dict[str, _Note] = {}
    body = []
    for section in SECTIONS:
        width = 1 + sum(len(c.start_methods) for c in columns)
        body.append(
            f"<tr class='section'><th colspan={width}><span>{esc(section.title_en)} / {esc(section.title_ko)}"
            "</span></th></tr>"
        )
        for claim in (c for c in CLAIMS.values() if c.section == section):
            row, statuses = _row(claim.id, columns, cells, notes, report_href)
            fine = "" if any(s in PROBLEMS for s in statuses) else " fine"
            href = f"{report_href}#claim-{claim.id}" if report_href else ""
            ident = f"<a href='{esc(href)}'>{esc(claim.id)}</a>" if href else esc(claim.id)
            body.append(
                f"<tr class='claim-row{fine}' id='m-{esc(claim.id)}'>"
                f"<td class='claim' title='{esc(claim.en)}'>{ident} <small>{esc(claim.verdict.value)}</small> "
                f"{esc(claim.en)}</td>{row}</tr>"
            )
    links = [("verdict matrix", ""), ("report", report_href), ("the note, annotated", note_href)]
    return "\n".join(
        [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>mpspec verdict matrix</title>",
            f"<style>{_CSS}</style></head><body>",
            "<nav>" + "".join(f"<a href='{esc(h)}'>{esc(t)}</a>" for t, h in links if h) + "</nav>",
            "<h1>mpspec verdict matrix</h1>",
            "<p>Does the note's statement hold on each interpreter and start method, as this run observed it? "
            "A cell links to the note on why. <span class='legend'>" + legend(MARK.items()) + "</span></p>",
            "<p>Cells: " + ", ".join(f"{n} {esc(s)}" for s, n in counts(data).items() if n) + "</p>",
            "<input type='checkbox' id='only-problems'> <label for='only-problems'>only the claims that do not "
            "hold or are unexpected somewhere</label>",
            "<table id='matrix'>",
            _head(columns),
            "<tbody>",
            *body,
            "</tbody>",
            _foot(columns, cells),
            "</table>",
            _notes(notes, columns),
            "</body></html>",
        ]
    )


def _head(columns: list[Column]) -> str:
    """Interpreters over start methods; with several systems (Linux and Windows under Wine,
    say) a row of systems above, so each interpreter's head stays as narrow as its marks."""
    systems: list[tuple[str, int]] = []  # (system, how many method cells), in column order
    for c in columns:
        if systems and systems[-1][0] == c.system:
            systems[-1] = (c.system, systems[-1][1] + len(c.start_methods))
        else:
            systems.append((c.system, len(c.start_methods)))
    several = len(systems) > 1
    groups = "".join(
        f"<th colspan={len(c.start_methods)} class='group-start' title='{esc(c.name)}'>"
        f"{esc(_short_label(c) if several else c.interpreter)}</th>"
        for c in columns
    )
    methods = "".join(
        f"<th title='{esc(m)}'{' class=group-start' if i == 0 else ''}>{esc(METHOD_ABBREVIATION.get(m, m))}</th>"
        for c in columns
        for i, m in enumerate(c.start_methods)
    )
    claim = f"<th class='claim' rowspan={3 if several else 2}>claim (f fork, s spawn, fs forkserver)</th>"
    if not several:
        return f"<thead><tr class='groups'>{claim}{groups}</tr><tr class='methods'>{methods}</tr></thead>"
    row = "".join(
        f"<th colspan={width} class='group-start' title='{esc(system)}'>{esc(_short_system_name(system))}</th>"
        for system, width in systems
    )
    return (
        f"<thead><tr class='systems'>{claim}{row}</tr><tr class='groups'>{groups}</tr>"
        f"<tr class='methods'>{methods}</tr></thead>"
    )


def _short_label(column: Column) -> str:
    """Under a row of systems: "3.13" for CPython, "pypy3.9" for PyPy."""
    return column.interpreter[len("cpython") :] if column.implementation == "cpython" else column.interpreter


def _row(
    claim_id: str,
    columns: list[Column],
    cells: dict[tuple[str, str, str], dict[str, object]],
    notes: dict[str, _Note],
    report_href: str,
) -> tuple[str, list[str]]:
    out, statuses = [], []
    for column in columns:
        free = cells.get((claim_id, column.name, NO_METHOD))
        if free is not None:  # a claim without start methods: one cell across the interpreter
            out.append(_cell(claim_id, column, NO_METHOD, free, notes, len(column.start_methods)))
            statuses.append(str(free["status"]))
            continue
        for i, method in enumerate(column.start_methods):
            found = cells.get((claim_id, column.name, method))
            out.append(_cell(claim_id, column, method, found, notes, 1, first=i == 0))
            statuses.append(str(found["status"]) if found else NOT_APPLICABLE)
    return "".join(out), statuses


def _cell(
    claim_id: str,
    column: Column,
    method: str,
    found: dict[str, object] | None,
    notes: dict[str, _Note],
    span: int,
    first: bool = True,
) -> str:
    status = str(found["status"]) if found else NOT_APPLICABLE
    reasons = [str(r) for r in found["reasons"]] if found else []  # type: ignore[attr-defined]
    numbers = []
    for reason in reasons:
        note = notes.setdefault(reason, _Note(len(notes) + 1, reason))
        note.cells[claim_id].append((column, method))
        numbers.append(note.number)
    where = f"{claim_id} {column.interpreter} {method if method != NO_METHOD else ''}".rstrip()
    title = f"{where}: {status}" + (f" (note {', '.join(map(str, numbers))})" if numbers else "")
    mark = esc(MARK[status])
    inner = f"<a href='#note-{numbers[0]}'>{mark}</a>" if numbers else mark
    classes = f"c {css_class(status)}{' group-start' if first else ''}"
    colspan = f" colspan={span}" if span > 1 else ""
    return f"<td class='{classes}'{colspan} title='{esc(title)}'>{inner}</td>"


def _foot(columns: list[Column], cells: dict[tuple[str, str, str], dict[str, object]]) -> str:
    per_column: dict[str, dict[str, int]] = {c.name: dict.fromkeys(TOTALS, 0) for c in columns}
    for (_, key, _), cell in cells.items():
        status = str(cell["status"])
        if key in per_column and status in per_column[key]:
            per_column[key][status] += 1
    rows = []
    for status in TOTALS:
        tds = "".join(
            f"<td colspan={len(c.start_methods)} class='group-start{_shaded(status, per_column[c.name][status])}'>"
            f"{per_column[c.name][status]}</td>"
            for c in columns
        )
        rows.append(f"<tr class='totals' data-status='{esc(status)}'><th>{MARK[status]} {esc(status)}</th>{tds}</tr>")
    return "<tfoot>" + "".join(rows) + "</tfoot>"


def _shaded(status: str, count: int) -> str:
    """A total takes its status's colour only when it is not zero, so a problem stands out."""
    return f" {css_class(status)}" if count else ""


def _notes(notes: dict[str, _Note], columns: list[Column]) -> str:
    if not notes:
        return "<p>No cell has a note.</p>"
    items = []
    for note in notes.values():
        where = "; ".join(f"{claim}: {summarise(found, columns)}" for claim, found in note.cells.items())
        items.append(f"<li id='note-{note.number}'>{esc(note.text)} <span class='where'>({esc(where)})</span></li>")
    return "<h2>Notes</h2><ol class='notes'>" + "".join(items) + "</ol>"


def summarise(found: list[tuple[Column, str]], columns: list[Column]) -> str:
    """The cells a note covers in few words: "cpython 3.8-3.13, all start methods; pypy3.9, spawn"."""
    methods_of: dict[str, set[str]] = defaultdict(set)
    for column, method in found:
        methods_of[column.name].add(method)
    systems = {c.system for c in columns}
    parts = []
    families: dict[tuple[str, str], list[Column]] = defaultdict(list)
    for column in columns:
        families[(column.system, column.implementation)].append(column)
    for (_, implementation), family in families.items():
        # Consecutive interpreters of a family that share the same methods make one range.
        run: list[Column] = []
        runs: list[tuple[list[Column], frozenset[str]]] = []
        for column in family:
            mine = frozenset(methods_of.get(column.name, ()))
            if run and mine == runs[-1][1]:
                run.append(column)
            else:
                run = [column]
                runs.append((run, mine))
        for members, methods in runs:
            if not methods:
                continue
            name = f"{_short_system(members[0])} " if len(systems) > 1 else ""
            parts.append(f"{name}{implementation} {_versions(members)}, {_methods(methods, members)}")
    return "; ".join(parts)


def _versions(members: list[Column]) -> str:
    first, last = members[0].version, members[-1].version
    return f"{first[0]}.{first[1]}" + (f"-{last[0]}.{last[1]}" if len(members) > 1 else "")


def _methods(methods: frozenset[str], members: list[Column]) -> str:
    if methods == {NO_METHOD}:
        return "no start method involved"
    available = set().union(*(c.start_methods for c in members))
    if methods >= available:
        return "all start methods"
    return ", ".join(m for m in ALL_START_METHODS if m in methods)


def _short_system(column: Column) -> str:
    """ "Linux", "Windows", "Windows (Wine 8.0)"."""
    return _short_system_name(column.system)


def _short_system_name(system: str) -> str:
    platform, _, emulator = system.partition(" ")
    name = {"linux": "Linux", "darwin": "macOS", "win32": "Windows"}.get(platform, platform)
    return f"{name} {emulator}" if emulator else name
