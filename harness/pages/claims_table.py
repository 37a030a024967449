"""The claims summary at the top of report.html: claims first, evidence beside them.

Pure HTML (plus an inline SVG per run, no script): grouped by the note's
sections, each claim with its paraphrase (English or Korean, switched by CSS),
its verdict, what this run observed and the reason, its outcome per interpreter
and start method, links to its tests, the note's fact (with the lines it cites)
against every value the tests observed, and the runs its tests asserted on (log
lines, exit codes, pids, transcript, timeline).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harness.claims.catalogue import CLAIMS, SECTIONS
from harness.claims.model import NO_METHOD, Claim, Point
from harness.pages import timeline
from harness.pages.style import FONTS, css_class, esc
from harness.running.spec import RunResult, StoredRunError
from harness.verdicts import derive, matrix
from harness.verdicts.cells import MARK
from harness.verdicts.observe import Observation


def test_anchor(nodeid: str) -> str:
    """The id of a test's row in the results table, for links from the summary."""
    return "t-" + hashlib.sha1(nodeid.encode()).hexdigest()[:12]


@dataclass
class ClaimTests:
    """What the tests of one claim left for the report."""

    tests: list[tuple[str, str]] = field(default_factory=list)  # (nodeid, outcome)
    run_files: dict[str, None] = field(default_factory=dict)  # ordered set of run JSON files
    observations: list[tuple[str, str, Observation]] = field(default_factory=list)  # (python, method, what)


# The claims come first: pytest-html puts its environment table above the summary,
# so the page is laid out as a column with the summary ordered before it.
_CSS = f"""
body{{font-family:{FONTS};display:flex;flex-direction:column}}
body>*{{order:3}}body>#title,body>p:first-of-type{{order:0}}body>.summary{{order:1}}
body>#environment-header,body>#environment{{order:2}}body>footer{{order:4}}
#mpspec-claims{{font-size:13px;margin-bottom:2em;color:#222}}
#mpspec-claims a{{color:#235}}
#mpspec-claims table{{border-collapse:collapse;width:100%}}
#mpspec-claims th,#mpspec-claims td{{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}}
#mpspec-claims tr.section th{{background:#e3e9f3;font-size:14px}}
#mpspec-claims .mark{{display:inline-block;min-width:1.3em;text-align:center;font-weight:bold;margin:1px}}
#mpspec-claims .holds{{background:#d9f2d9}}#mpspec-claims .does-not-hold{{background:#fde2c8}}
#mpspec-claims .unexpected{{background:#f7b0b0}}#mpspec-claims .n-a,#mpspec-claims .not-run{{color:#999}}
#mpspec-claims .verdict{{font-weight:bold;white-space:nowrap}}
#mpspec-claims[data-lang=en] .ko,#mpspec-claims[data-lang=ko] .en{{display:none}}
#mpspec-claims .mpspec-lang button[aria-pressed=true]{{font-weight:bold}}
#mpspec-claims nav a{{margin-right:1em}}
#mpspec-claims pre{{background:#f7f7f7;padding:4px;max-height:18em;overflow:auto;white-space:pre-wrap}}
#mpspec-claims .differs{{background:#fde2c8}}
#mpspec-claims details>summary{{cursor:pointer;color:#235}}
"""


# The language toggle: the section's data-lang picks which paraphrases the CSS shows.
_TOGGLE = """(function () {
  var section = document.getElementById('mpspec-claims');
  var buttons = section.querySelectorAll('.mpspec-lang button');
  buttons.forEach(function (button) {
    button.addEventListener('click', function () {
      section.setAttribute('data-lang', button.getAttribute('data-lang'));
      buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b === button)); });
    });
  });
})();"""


def render(
    columns: list[matrix.Column],
    data: dict[str, object],
    per_claim: dict[str, ClaimTests],
    observed: dict[str, dict[Point, bool]],
    links: tuple[tuple[str, str], ...] = (),
) -> str:
    """The section; ``links``: (text, href) of the other pages (matrix, annotated note)."""
    cells = {(c["claim"], c["column"], c["start_method"]): c for c in data["cells"]}  # type: ignore[attr-defined]
    shown_runs: set[str] = set()
    out = [
        f"<section id='mpspec-claims' data-lang='en'><style>{_CSS}</style>",
        "<h2>Claims of the note</h2>",
        "<nav>" + "".join(f"<a href='{esc(h)}'>{esc(t)}</a>" for t, h in links if h) + "</nav>",
        "<p>Each claim paraphrases one statement of the study note; the verdict is about the note, and "
        "what this run observed stands beside it. "
        "Marks per interpreter and start method: "
        + " ".join(f"<span class='mark {css_class(s)}'>{m}</span> {s}" for s, m in MARK.items())
        + ".</p>",
        "<p class='mpspec-lang'>Paraphrases in <button type='button' data-lang='en' aria-pressed='true'>English"
        "</button> <button type='button' data-lang='ko' aria-pressed='false' lang='ko'>한국어</button></p>",
        f"<script>{_TOGGLE}</script>",
        "<table><tr><th>claim</th><th>paraphrase</th><th>verdict and reason</th>"
        f"<th>outcome ({esc(', '.join(c.interpreter for c in columns))})</th><th>tests</th></tr>",
    ]
    for section in SECTIONS:
        out.append(
            f"<tr class='section'><th colspan=5><span class='en'>{esc(section.title_en)}</span>"
            f"<span class='ko' lang='ko'>{esc(section.title_ko)}</span></th></tr>"
        )
        for claim in (c for c in CLAIMS.values() if c.section == section):
            found = per_claim.get(claim.id, ClaimTests())
            out.append(_claim_row(claim, columns, cells, found, observed.get(claim.id, {})))
            out.append(_evidence_row(claim, found, shown_runs))
    out.append("</table></section>")
    return "\n".join(out)


def _claim_row(
    claim: Claim,
    columns: list[matrix.Column],
    cells: dict[tuple[str, str, str], dict[str, object]],
    found: ClaimTests,
    observed: dict[Point, bool],
) -> str:
    marks = []
    for column in columns:
        for method in (*column.start_methods, NO_METHOD):
            cell = cells.get((claim.id, column.name, method))
            if cell is None:
                continue
            status = str(cell["status"])
            reasons = "; ".join(cell["reasons"])  # type: ignore[arg-type]
            title = f"{column.interpreter} {method}: {status}" + (f" ({reasons})" if reasons else "")
            marks.append(f"<span class='mark {css_class(status)}' title='{esc(title)}'>{MARK[status]}</span>")
        marks.append(f"<small>{esc(column.interpreter)}</small><br>")
    links = " ".join(
        f"<a href='#{test_anchor(nodeid)}' class='{css_class(outcome)}' title='{esc(nodeid)}'>"
        f"{esc(short_name(nodeid))}</a>"
        for nodeid, outcome in found.tests
    )
    return (
        f"<tr class='mpspec-claim' id='claim-{esc(claim.id)}' data-claim='{esc(claim.id)}'><td>{esc(claim.id)}</td>"
        f"<td><span class='en'>{esc(claim.en)}</span><span class='ko' lang='ko'>{esc(claim.ko)}</span></td>"
        f"<td><span class='verdict'>{esc(claim.verdict.value)}</span>"
        f"{'<br><i>observed: ' + esc(derive.observed_account(claim, observed)) + '</i>' if observed else ''}"
        f"<br>{esc(claim.reason)}</td>"
        f"<td>{''.join(marks)}</td><td>{links or '<small>no test ran</small>'}</td></tr>"
    )


def _evidence_row(claim: Claim, found: ClaimTests, shown_runs: set[str]) -> str:
    parts = []
    if claim.note is not None and found.observations:
        rows = "".join(
            f"<tr class='{'' if o.holds else 'differs'}'><td>{esc(python)} {esc(method)}"
            f"{esc(', ' + o.condition) if o.condition else ''}</td><td>{esc(o.value)}</td>"
            f"<td>{'holds' if o.holds else 'does not hold'}</td>"
            f"<td>{esc(o.message or ('as predicted' + (': ' + o.because if o.because else '')))}</td></tr>"
            for python, method, o in _unique(found.observations)
        )
        shows = "the claim states" if claim.note.beside else "the note shows"
        what = f" ({esc(claim.expectation.what)})" if claim.expectation.what else ""
        parts.append(
            f"<p>Observed{what}: {shows} ({esc(claim.note.cite())}) <code>{esc(repr(claim.shows))}</code>; "
            f"compared: {esc(claim.holds_if.description)}</p>"
            "<table><tr><th>where</th><th>this run observed</th><th>the note's fact there</th><th>prediction</th></tr>"
            f"{rows}</table>"
        )
    for path in found.run_files:
        if path in shown_runs:
            parts.append(f"<p>Run <a href='#{_run_anchor(path)}'>{esc(Path(path).stem)}</a> (shown above).</p>")
            continue
        result = _load(path)
        if result is None:
            continue
        shown_runs.add(path)
        parts.append(_run_block(path, result))
    if not parts:
        return ""
    return (
        f"<tr class='mpspec-evidence' data-claim='{esc(claim.id)}'><td></td><td colspan=4>"
        f"<details><summary>evidence for {esc(claim.id)}</summary>{''.join(parts)}</details></td></tr>"
    )


def _run_block(path: str, result: RunResult) -> str:
    pids = {e.process: e.pid for e in result.trace}
    log = "\n".join(f"[{r.level}/{r.process}] {r.message}" for r in result.log)
    return (
        f"<div class='mpspec-run' id='{_run_anchor(path)}'>"
        f"<p><code>$ python {esc(result.spec.command_line())}</code> (interpreter {esc(result.spec.python)}): "
        f"exit status {esc(str(result.returncode))}; pids {esc(json.dumps(pids))}</p>"
        f"{timeline.render_svg(result)}"
        f"<details><summary>multiprocessing log lines ({len(result.log)})</summary><pre>{esc(log)}</pre></details>"
        f"<details><summary>transcript (stdout)</summary><pre>{esc(result.stdout)}</pre></details>"
        "</div>"
    )


def _load(path: str) -> RunResult | None:
    """The run stored at ``path``; None if it is gone or not a run this harness stores."""
    try:
        return RunResult.from_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, StoredRunError):
        return None


def _unique(rows: Iterable[tuple[str, str, Observation]]) -> list[tuple[str, str, Observation]]:
    return list(dict.fromkeys(rows))


def _run_anchor(path: str) -> str:
    return "run-" + Path(path).stem


def short_name(nodeid: str) -> str:
    name = nodeid.split("::")[-1]
    return name[len("test_") :] if name.startswith("test_") else name
