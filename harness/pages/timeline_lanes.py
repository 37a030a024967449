"""What each process of a run did, for its timeline: one lane per process, its marks
(first sign, log lines, trace events, terminate() and join() of others) and how it ended,
read from the run's trace and multiprocessing's log lines with their arrival times."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from harness.claims.catalogue import mp_logging
from harness.running.spec import RunResult

# multiprocessing's log messages, as the catalogue has them, followed by what they name.
TERMINATE = re.compile(re.escape(mp_logging.TERMINATE) + r"(?P<name>.+)$")

JOIN = re.compile(re.escape(mp_logging.JOIN) + r"(?P<name>.+)$")

EXITING = re.compile(re.escape(mp_logging.EXITING) + r"(?P<code>-?\d+)$")

SYNC = re.compile(r"(^|-)(set|clear|wait|waiting|release|released|join|joined|joining|send|sent|recv|put|get|got)($|-)")

MAX_TOOLTIP_CHARS = 300


@dataclass
class Mark:
    t: float  # seconds since the run started
    kind: str  # start, log, event, terminate, join, end
    tooltip: str
    label: str = ""
    css: str = ""
    exitcode: int | None = None


@dataclass
class Lane:
    name: str
    first: float | None = None  # seconds; for ordering
    pid: int | None = None
    marks: list[Mark] = field(default_factory=list)
    end: Mark | None = None


def lanes_of(result: RunResult) -> list[Lane]:
    lanes: dict[str, Lane] = {"MainProcess": Lane("MainProcess")}
    referenced: dict[str, float] = {}  # children named by the parent, for ordering
    exitcodes: dict[str, tuple[int, float, str]] = {}  # name -> code, time, tooltip

    def lane(name: str) -> Lane:
        return lanes.setdefault(name, Lane(name))

    def seen(target: Lane, t: float) -> None:
        if target.first is None or t < target.first:
            target.first = t

    def rel(stamp: float) -> float:
        return max(stamp - result.started_at, 0.0)

    for event in result.trace:
        t = rel(event.t)
        own = lane(event.process)
        own.pid = own.pid or event.pid
        seen(own, t)
        tooltip = f"[{event.process}] {event.event} {_json(event.data)}"
        for name, code in _exit_codes(event.data):
            if name != event.process:
                exitcodes.setdefault(name, (code, t, tooltip))
        named = event.data.get("name")
        if isinstance(named, str) and named != event.process:
            referenced.setdefault(named, t)
        css = "event sync" if SYNC.search(event.event) else "event"
        own.marks.append(Mark(t, "event", tooltip, event.event, css))

    stderr_lines = result.stderr.splitlines()
    for record in result.log:  # parsed from stderr, each line of which has its stamp
        t = rel(result.stderr_times[record.line - 1])
        own = lane(record.process)
        seen(own, t)
        line = stderr_lines[record.line - 1]
        terminated, joined, exiting = (p.match(record.message) for p in (TERMINATE, JOIN, EXITING))
        for match in (terminated, joined):
            if match:
                referenced.setdefault(match["name"], t)
        if terminated:
            target = lane(terminated["name"])
            own.marks.append(Mark(t, "terminate", line, "terminate " + target.name, "marker terminate"))
            if target.end is None:
                target.end = Mark(t, "end", line, "terminated", "signal")
        elif joined:
            own.marks.append(Mark(t, "join", line, "join " + joined["name"], "marker join"))
        elif exiting:
            code = int(exiting["code"])
            own.end = Mark(t, "end", line, f"exit {code}", exit_css(code), code)
        else:
            own.marks.append(Mark(t, "log", line))

    for name, (code, t, tooltip) in exitcodes.items():
        target = lane(name)
        if target.end is not None and target.end.exitcode is None:  # terminated: now with its code
            target.end.exitcode = code
            target.end.label = f"terminated {code}"
            target.end.css = exit_css(code)
            target.end.tooltip += f"\nended: exitcode {code} ({tooltip})"
        elif target.end is None:
            target.end = Mark(t, "end", tooltip, f"ended: exitcode {code}", exit_css(code), code)

    main = lanes["MainProcess"]
    main.end = _parent_end(result)
    for item in lanes.values():  # a child is first seen when the parent names it (started, joined) or it acts
        if item.name in referenced:
            seen(item, referenced[item.name])
    children = [item for item in lanes.values() if item.name != "MainProcess"]
    # Sorted is stable: lanes without any time keep the order they were found in.
    children.sort(key=lambda item: (item.first is None, item.first or 0.0))
    ordered = [main, *children]
    for item in ordered:
        item.marks.sort(key=lambda m: m.t)
        if item.marks:
            first = item.marks[0]
            item.marks.insert(0, Mark(first.t, "start", f"{item.name} first seen: {first.tooltip}", "start"))
    return ordered


def _exit_codes(data: dict[str, Any]) -> list[tuple[str, int]]:
    """Exit codes a trace event reports for other processes: ``name`` with
    ``exitcode``, or an ``exitcodes`` mapping of names to codes."""
    found = []
    name, code = data.get("name"), data.get("exitcode")
    if isinstance(name, str) and isinstance(code, int) and not isinstance(code, bool):
        found.append((name, code))
    codes = data.get("exitcodes")
    if isinstance(codes, dict):
        found += [(k, v) for k, v in codes.items() if isinstance(v, int) and not isinstance(v, bool)]
    return found


def _parent_end(result: RunResult) -> Mark:
    code = result.returncode
    if result.timed_out:
        label, css = "timed out: killed", "signal"
    elif result.interrupted:
        label, css = "interrupted: killed", "signal"
    elif code is None:
        label, css = "no exit status", "unknown"
    else:
        label, css = (f"killed {code}" if code < 0 else f"exit {code}"), exit_css(code)
    tooltip = f"the scenario's exit status: {code} after {result.duration:.3f} s"
    if result.leftovers:
        tooltip += f"; processes left behind (killed): {list(result.leftovers)}"
    return Mark(result.duration, "end", tooltip, label, css, code)


def exit_css(code: int) -> str:
    return "ok" if code == 0 else "signal" if code < 0 else "error"


def _json(data: dict[str, Any]) -> str:
    return short(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str), MAX_TOOLTIP_CHARS)


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
