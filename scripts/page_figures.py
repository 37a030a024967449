#!/usr/bin/env python3
"""Figures and screenshots of mpspec's pages (not a test): each page opened in the
system's Chromium (Playwright, ``executable_path``) at a window of the given size,
with its page width and height and, for a matrix page, the tallest claim row.
The screenshots (the first screen, and the whole page where it is at most 16384 px
tall) go to ``--out``.

    python scripts/page_figures.py reports/matrix.html reports/note.html reports/report.html

Exit status: 0, 1 when a page scrolls sideways or a matrix row is taller than one
line, 2 on bad input (a missing page, no Chromium, no Playwright).
"""

from __future__ import annotations

import sys
from pathlib import Path

from _common import PROJECT_ROOT, OneLineParser

from harness.pages import browser  # _common put the project root on the path

ONE_LINE = 24  # px, as the browser tests have it
FULL_PAGE_LIMIT = 16384  # px: Chromium paints no taller screenshot in one piece

MEASURE = """() => ({
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    tallest: Math.max(0, ...[...document.querySelectorAll('tr.claim-row')].map(r => r.getBoundingClientRect().height)),
})"""


def main() -> int:
    parser = OneLineParser(prog="page_figures", description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", type=Path, help="HTML pages (report, matrix, note)")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports" / "screenshots")
    args = parser.parse_args()
    missing = [str(p) for p in args.pages if not p.is_file()]
    if missing:
        parser.error(f"no such page: {', '.join(missing)}")
    executable = browser.find_chromium()
    if executable is None:
        parser.error(f"no Chromium found ({', '.join(browser.CHROMIUM_NAMES)})")
    try:
        import playwright  # noqa: F401
    except ImportError:
        parser.error("Playwright is not installed: python -m pip install -r requirements-dev.txt")
    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    with browser.chromium(executable) as chromium:
        page = chromium.new_page(viewport={"width": args.width, "height": args.height})
        for path in args.pages:
            page.goto(path.resolve().as_uri())
            found = page.evaluate(MEASURE)
            stem = f"{path.stem}-{args.width}px"
            page.screenshot(path=str(args.out / f"{stem}.png"))
            shots = f"{args.out / stem}.png"
            if found["height"] <= FULL_PAGE_LIMIT:
                page.screenshot(path=str(args.out / f"{stem}-full.png"), full_page=True)
                shots += f" and {stem}-full.png"
            row = f", tallest claim row {found['tallest']:.0f} px" if found["tallest"] else ""
            print(f"{path}: {found['width']} x {found['height']} px at a {args.width} px window{row}")
            print(f"  screenshots: {shots}")
            if found["width"] > args.width or found["tallest"] > ONE_LINE:
                print(f"  {path} scrolls sideways or has a row taller than one line ({ONE_LINE} px)", file=sys.stderr)
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
