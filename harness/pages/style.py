"""What every page mpspec writes shares: a font stack that renders Korean wherever a CJK
font exists, and the escaping of text and statuses."""

from __future__ import annotations

import html
from collections.abc import Iterable

# System UI fonts first; then the CJK fonts of Linux (Noto, Nanum), macOS and Windows, so
# Hangul never falls back to boxes while a Korean-capable font is installed.
FONTS = (
    "system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK KR','Noto Sans KR',"
    "'Apple SD Gothic Neo','Malgun Gothic','NanumGothic','Source Han Sans K',sans-serif"
)
MONO_FONTS = (
    "ui-monospace,'SFMono-Regular',Menlo,Consolas,'Noto Sans Mono CJK KR','NanumGothicCoding','D2Coding',monospace"
)


def esc(text: str) -> str:
    """Text for HTML, quotes included (it goes into attributes too)."""
    return html.escape(text, quote=True)


def css_class(status: str) -> str:
    """A matrix status as a CSS class: "does not hold" -> "does-not-hold"."""
    return status.replace(" ", "-").replace("/", "-")


def legend(marks: Iterable[tuple[str, str]]) -> str:
    """(status, mark) pairs as coloured swatches, the key to a page's marks."""
    return "".join(f"<span class='{css_class(status)}'>{esc(mark)} {esc(status)}</span>" for status, mark in marks)
