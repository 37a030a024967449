"""The browser checks' Chromium: the system's own, driven by Playwright (``executable_path``:
nothing is downloaded)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

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
