"""What the browser checks of mpspec's pages share: the system's Chromium driven by
Playwright (``executable_path``: nothing is downloaded), and a verdict matrix as
the catalogue predicts it for any set of interpreters, to lay out pages wider
than the machine's own interpreters make them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from harness.claims.catalogue import CLAIMS
from harness.claims.model import NO_METHOD, NOTED_CONDITIONS
from harness.verdicts import cells, matrix
from harness.verdicts.observe import Observation

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Where macOS and Windows install Chrome and Chromium (not on PATH there).
INSTALLED = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    os.path.join(os.environ.get("PROGRAMFILES", r"C:\Program Files"), "Google", "Chrome", "Application", "chrome.exe"),
    os.path.join(os.environ.get("LOCALAPPDATA", ""), "Google", "Chrome", "Application", "chrome.exe"),
)


def find_chromium() -> str | None:
    """$MPSPEC_CHROMIUM, else a Chromium or Chrome on PATH, else one where macOS or Windows installs it."""
    chosen = os.environ.get("MPSPEC_CHROMIUM")
    if chosen:
        return chosen
    on_path = next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)
    return on_path or next((path for path in INSTALLED if os.path.isfile(path)), None)


@contextmanager
def chromium(executable: str) -> Iterator[Browser]:
    """Headless Chromium under Playwright; closed (with every page and process) on exit."""
    from playwright.sync_api import sync_playwright  # only the browser checks need it

    with sync_playwright() as driver:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        browser = driver.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def predicted_matrix(columns: Iterable[matrix.Column]) -> dict[str, object]:
    """The matrix a run would write if every observation were the predicted one."""
    columns = list(columns)
    found: dict[tuple[str, str, str], cells.Found] = {}
    for claim in CLAIMS.values():
        if not claim.testable:
            continue
        for column in columns:
            for method in [m for m in claim.start_methods if m in column.start_methods] or [NO_METHOD]:
                if claim.start_methods and method == NO_METHOD:
                    continue
                observations = []
                for condition in (NOTED_CONDITIONS, *claim.conditions):
                    prediction = claim.predict(column.point(method, condition))
                    because = prediction.variation.reason if prediction.variation else ""
                    value = repr(prediction.value)
                    observations.append(
                        Observation(claim.id, condition, value, prediction.holds, value, prediction.holds, because, "")
                    )
                found[(claim.id, column.name, method)] = cells.Found(["passed"], [], observations, [])
    return matrix.build(columns, found, host_key="")


def columns(platform: str, versions: Iterable[tuple[int, int]], start_methods: tuple[str, ...]) -> list[matrix.Column]:
    """CPython columns of one platform (and, on Linux, PyPy 3.9 beside them)."""
    found = [matrix.Column(platform, "cpython", (*v, 0), start_methods) for v in versions]
    if platform == "linux":
        found.append(matrix.Column(platform, "pypy", (3, 9, 0), start_methods))
    return found
