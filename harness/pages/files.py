"""Writing the pages: each file replaced in one step, the matrix's JSON with its HTML page beside it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from harness.pages import matrix_page


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` in one step, so an interrupted run keeps the last good file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write(data: dict[str, object], json_path: Path, report_href: str = "", note_href: str = "") -> Path:
    """Write the JSON and, beside it, the HTML page (linking to the report and the annotated
    note where their paths, relative to it, are given); return the HTML path."""
    html_path = json_path.with_suffix(".html")
    write_atomic(json_path, json.dumps(data, indent=1, ensure_ascii=False))
    write_atomic(html_path, matrix_page.render(data, report_href, note_href))
    return html_path
