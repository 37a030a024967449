"""The verdict matrix as text: the terminal's table, the lines of unexpected cells and
the Markdown of a CI job summary."""

from __future__ import annotations

from harness.claims.catalogue import CLAIMS
from harness.claims.model import NO_METHOD
from harness.verdicts.cells import CAVEAT, DOES_NOT_HOLD, HOLDS, MARK, NOT_RUN, UNEXPECTED
from harness.verdicts.matrix import columns_of, counts, index


def terminal_table(data: dict[str, object]) -> list[str]:
    """One row per claim, one column per interpreter, one mark per start method."""
    columns = columns_of(data)
    cells = index(data)
    # Another system's columns (Windows under Wine beside Linux) are prefixed with it.
    first = columns[0].system if columns else ""
    titles = [c.interpreter if c.system == first else f"{c.platform}:{c.interpreter}" for c in columns]
    widths = [max(11, len(t)) for t in titles]
    header = f"{'claim':<10} {'verdict':<20} " + " ".join(f"{t:<{w}}" for t, w in zip(titles, widths))
    lines = [header]
    for claim in CLAIMS.values():
        row = []
        for column, width in zip(columns, widths):
            marks = ""
            for method in (*column.start_methods, NO_METHOD):
                found = cells.get((claim.id, column.name, method))
                if found is not None:
                    marks += MARK[str(found["status"])]
            row.append(f"{marks:<{width}}")
        lines.append(f"{claim.id:<10} {claim.verdict.value:<20} " + " ".join(row))
    methods = "/".join(columns[0].start_methods) if columns else ""
    legend = ", ".join(f"{m} {s}" for s, m in MARK.items())
    lines.append(f"marks per interpreter: {methods} (one mark for method-free claims); {legend}")
    totals = counts(data)
    lines.append("cells: " + ", ".join(f"{n} {s}" for s, n in totals.items() if n))
    if len(columns) > 1:
        for column in columns:
            statuses = [c["status"] for c in data["cells"] if c["column"] == column.name]  # type: ignore[attr-defined]
            counted = ", ".join(f"{statuses.count(s)} {s}" for s in MARK if statuses.count(s))
            lines.append(f"  {column.name}: {counted}")
    lines += unexpected_lines(data)
    return lines


def markdown(data: dict[str, object]) -> str:
    """The matrix for a CI job summary: totals per interpreter, then the terminal table."""
    columns = columns_of(data)
    shown = (HOLDS, CAVEAT, DOES_NOT_HOLD, UNEXPECTED, NOT_RUN)
    lines = ["## mpspec verdict matrix", "", "| interpreter | " + " | ".join(f"{MARK[s]} {s}" for s in shown) + " |"]
    lines.append("|---" * (len(shown) + 1) + "|")
    for column in columns:
        found = [c["status"] for c in data["cells"] if c["column"] == column.name]  # type: ignore[attr-defined]
        lines.append(f"| {column.name} | " + " | ".join(str(found.count(s)) for s in shown) + " |")
    lines += ["", "```", *terminal_table(data), "```", ""]
    return "\n".join(lines)


def unexpected_lines(data: dict[str, object]) -> list[str]:
    """One line per reason of every unexpected cell: what was predicted, what was seen."""
    lines = []
    for c in data["cells"]:  # type: ignore[attr-defined]
        if c["status"] == UNEXPECTED:
            for reason in c["reasons"] or ["a test failed"]:
                lines.append(f"! {c['claim']} {c['column']} {c['start_method']}: {reason}")
    return lines
