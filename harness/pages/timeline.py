"""A picture of one run: an inline SVG timeline, one lane per process.

``render_svg(result)`` draws what a run's trace and multiprocessing's log lines
say each process did, against the time since the harness started the scenario
(``RunResult.started_at``): trace events carry ``t`` (time.monotonic() in the
process that wrote them) and log records take the arrival time of their stderr
line.  The stamps are for the picture only; no test asserts on timing.

The SVG is self-contained (no script, no external references, generic font
families only) and meant to be embedded in HTML.  Elements a reader or a test
can select::

    svg.mpspec-timeline[data-scenario]          the picture
    g.lane[data-process=NAME]                   one process; MainProcess first
    text.lane-label                             the process name, on the left
    line.lifeline                               first to last sign of the process
    .marker.start / .tick.log / .marker.event   first sign, log lines, trace events
    .marker.event.sync                          set / wait / join / send ... events
    .marker.terminate / .marker.join            the parent's terminate() / join() log lines
    .marker.end[data-exitcode]                  how the process ended, with
        .ok (exit 0) / .error (exit > 0) / .signal (exit < 0, red) / .unknown
    text.label                                  short labels; every marker has a <title>

``python -m harness timeline SCENARIO [--start-method M] [--variant V] [-o out.svg]``
draws a run by hand (``harness.commands.timeline``).
"""

from __future__ import annotations

import re
from typing import Any

from harness.pages.timeline_lanes import Lane, Mark, lanes_of, short
from harness.running.spec import RunResult

WIDTH = 900
LABEL_WIDTH = 110  # lane labels
PLOT_LEFT = LABEL_WIDTH + 14
PLOT_RIGHT = WIDTH - 120  # room for the end labels ("terminated -15")
HEADER = 30  # title and time axis
LANE_HEIGHT = 38
FOOTER = 8
MERGE_PX = 2.0  # ticks of one lane closer than this become one tick
MAX_TICKS = 60  # per lane; beyond it ticks are merged more coarsely
MAX_TOOLTIP_LINES = 8
CHAR_PX = 5.6  # approximate width of a 9 px label character

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_STYLE = (
    ".mpspec-timeline{font-family:sans-serif;font-size:9px}"
    ".mpspec-timeline .lane-label{font-size:11px;font-family:monospace}"
    ".mpspec-timeline .axis{stroke:#ddd}"
    ".mpspec-timeline .axis-label{fill:#888}"
    ".mpspec-timeline .lifeline{stroke:#999;stroke-width:2}"
    ".mpspec-timeline .lifeline.open{stroke-dasharray:3 3}"
    ".mpspec-timeline .tick{stroke:#8a8;stroke-width:1.5}"
    ".mpspec-timeline .event{fill:#36c}"
    ".mpspec-timeline .event.sync{fill:#c80}"
    ".mpspec-timeline .start{fill:#fff;stroke:#333}"
    ".mpspec-timeline .terminate{fill:#d22}"
    ".mpspec-timeline .join{fill:#777}"
    ".mpspec-timeline .end.ok{fill:#2a2}"
    ".mpspec-timeline .end.error{fill:#e70}"
    ".mpspec-timeline .end.signal{fill:#d22}"
    ".mpspec-timeline .end.unknown{fill:#999}"
    ".mpspec-timeline text.end-label.signal{fill:#d22;font-weight:bold}"
    ".mpspec-timeline text.end-label.ok{fill:#262}"
)


def render_svg(result: RunResult) -> str:
    """The timeline of ``result`` as one ``<svg class="mpspec-timeline">`` element."""
    lanes = lanes_of(result)
    span = max([result.duration, 1e-3] + [m.t for lane in lanes for m in lane.marks + _opt(lane.end)])
    height = HEADER + LANE_HEIGHT * max(len(lanes), 1) + FOOTER

    def x(t: float) -> float:
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * max(t, 0.0) / span

    out = [
        f'<svg class="mpspec-timeline" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" data-scenario={_attr(result.spec.command_line())}>',
        f"<title>{_text('timeline of python ' + result.spec.command_line())}</title>",
        f"<style>{_STYLE}</style>",
    ]
    out += _axis(span, height, x)
    for index, lane in enumerate(lanes):
        out += _draw_lane(lane, HEADER + LANE_HEIGHT * index + LANE_HEIGHT // 2, x)
    out.append("</svg>")
    return "".join(out)


def _opt(mark: Mark | None) -> list[Mark]:
    return [] if mark is None else [mark]


# --- drawing --------------------------------------------------------------------


def _axis(span: float, height: int, x: Any) -> list[str]:
    step = _nice_step(span / 6)
    parts = []
    tick = 0.0
    while tick <= span + 1e-9:
        px = x(tick)
        text = f"{tick * 1000:.0f} ms" if span < 2 else f"{tick:.1f} s"
        parts.append(
            f'<line class="axis" x1="{px:.1f}" y1="{HEADER - 8}" x2="{px:.1f}" y2="{height - FOOTER}"/>'
            f'<text class="axis-label" x="{px:.1f}" y="{HEADER - 11}" text-anchor="middle">{text}</text>'
        )
        tick += step
    return parts


def _nice_step(raw: float) -> float:
    magnitude = 10 ** _floor_log10(raw)
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


def _floor_log10(value: float) -> int:
    exponent = 0
    while value >= 10:
        value /= 10
        exponent += 1
    while value < 1:
        value *= 10
        exponent -= 1
    return exponent


def _draw_lane(lane: Lane, y: int, x: Any) -> list[str]:
    title = lane.name if lane.pid is None else f"{lane.name} (pid {lane.pid})"
    pid = "" if lane.pid is None else f' data-pid="{lane.pid}"'
    parts = [
        f'<g class="lane" data-process={_attr(lane.name)}{pid}>',
        f'<text class="lane-label" x="6" y="{y + 4}"><title>{_text(title)}</title>{_text(short(lane.name, 18))}</text>',
    ]
    times = [m.t for m in lane.marks + _opt(lane.end)]
    if times:
        begin, end = min(times), max(times)
        if lane.name == "MainProcess" and begin > 0:  # from Popen: the interpreter starting
            parts.append(f'<line class="lifeline open" x1="{PLOT_LEFT}" y1="{y}" x2="{x(begin):.1f}" y2="{y}"/>')
        parts.append(f'<line class="lifeline" x1="{x(begin):.1f}" y1="{y}" x2="{x(end):.1f}" y2="{y}"/>')
        if lane.end is None:  # how it ended is unknown: the line fades out to the right
            parts.append(f'<line class="lifeline open" x1="{x(end):.1f}" y1="{y}" x2="{PLOT_RIGHT}" y2="{y}"/>')
    labels = _Labels()
    if lane.end is not None:
        parts.append(_end_marker(lane.end, y, x, labels))
    ticks = [m for m in lane.marks if m.kind == "log"]
    for px, tooltip in _merged_ticks(ticks, x):
        parts.append(
            f'<line class="tick log" x1="{px:.1f}" y1="{y - 5}" x2="{px:.1f}" y2="{y + 5}">'
            f"<title>{_text(tooltip)}</title></line>"
        )
    for mark in lane.marks:
        if mark.kind == "log":
            continue
        px = x(mark.t)
        parts.append(_shape(mark, px, y))
        if mark.label:
            parts += labels.place(px, y, mark.label, "label")
    parts.append("</g>")
    return parts


def _end_marker(mark: Mark, y: int, x: Any, labels: _Labels) -> str:
    px = x(mark.t)
    code = "" if mark.exitcode is None else f' data-exitcode="{mark.exitcode}"'
    square = (
        f'<rect class="marker end {mark.css}"{code} x="{px - 4:.1f}" y="{y - 6}" width="8" height="12">'
        f"<title>{_text(mark.tooltip)}</title></rect>"
    )
    labels.taken[0].append((px - 4, px + 4))
    labels.taken[1].append((px - 4, px + 4))
    width = len(mark.label) * CHAR_PX * 1.1
    return square + (
        f'<text class="label end-label {mark.css}" x="{px + 7:.1f}" y="{y + 4}">{_text(mark.label)}</text>'
        if not labels.overlaps(2, px + 7, px + 7 + width)
        else ""
    )


def _shape(mark: Mark, px: float, y: int) -> str:
    title = f"<title>{_text(mark.tooltip)}</title>"
    if mark.kind == "start":
        return f'<circle class="marker start" cx="{px:.1f}" cy="{y}" r="4">{title}</circle>'
    if mark.kind in ("terminate", "join"):
        return f'<path class="{mark.css}" d="M{px:.1f} {y - 7}l4 7l-4 7l-4 -7z">{title}</path>'  # a tall diamond
    if "sync" in mark.css:
        return f'<rect class="marker {mark.css}" x="{px - 3:.1f}" y="{y - 3}" width="6" height="6">{title}</rect>'
    return f'<path class="marker {mark.css}" d="M{px:.1f} {y - 4}l4 4l-4 4l-4 -4z">{title}</path>'


class _Labels:
    """Short labels of one lane in two rows (above and below the lifeline);
    a label that fits in neither is left out (its marker keeps the tooltip)."""

    def __init__(self) -> None:
        self.taken: list[list[tuple[float, float]]] = [[], [], []]  # above, below, end labels

    def overlaps(self, row: int, left: float, right: float) -> bool:
        if any(left < r + 3 and l_ - 3 < right for l_, r in self.taken[row]):
            return True
        self.taken[row].append((left, right))
        return False

    def place(self, px: float, y: int, text: str, css: str) -> list[str]:
        text = short(text, 22)
        width = len(text) * CHAR_PX
        left = px - width / 2
        for row, dy in ((0, -8), (1, 15)):
            if not self.overlaps(row, left, left + width):
                return [f'<text class="{css}" x="{px:.1f}" y="{y + dy}" text-anchor="middle">{_text(text)}</text>']
        return []


def _merged_ticks(marks: list[Mark], x: Any) -> list[tuple[float, str]]:
    merge = MERGE_PX
    while True:
        groups: list[tuple[float, list[str]]] = []
        for mark in marks:
            px = x(mark.t)
            if groups and px - groups[-1][0] < merge:
                groups[-1][1].append(mark.tooltip)
            else:
                groups.append((px, [mark.tooltip]))
        if len(groups) <= MAX_TICKS:
            break
        merge *= 2
    return [(px, _tooltip_lines(lines)) for px, lines in groups]


def _tooltip_lines(lines: list[str]) -> str:
    shown = [short(line, 160) for line in lines[:MAX_TOOLTIP_LINES]]
    if len(lines) > MAX_TOOLTIP_LINES:
        shown.append(f"... and {len(lines) - MAX_TOOLTIP_LINES} more lines")
    return "\n".join(shown)


# --- text -----------------------------------------------------------------------


def _text(text: str) -> str:
    """Escaped character data; characters XML cannot carry become U+FFFD."""
    text = _NOT_XML.sub("\ufffd", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    """A quoted, escaped attribute value."""
    return '"' + _text(text).replace('"', "&quot;") + '"'
