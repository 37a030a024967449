"""The HTML report itself: self-contained, and rendered by a real browser (headless
Chromium) with its claims summary, its timelines and the Claim column.

The browser tests are opt-in (``pytest -m browser``) and skip where no Chromium is
installed; CI installs Debian's.  Screenshots land in ``reports/screenshots/``."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

# One worker builds the small report once for every test here.
pytestmark = [pytest.mark.meta, pytest.mark.xdist_group("report-browser")]

SELECTION = "DAEMON-02 and fork"  # also matches forkserver: a few tests, a few seconds
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WINDOW = (1400, 2400)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- the report under test: one small inner pytest run ---------------------------------------


@dataclass(frozen=True)
class InnerReport:
    dir: Path
    html: Path
    matrix_html: Path
    passed: frozenset[str]  # node ids


@pytest.fixture(scope="module")
def inner_report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> InnerReport:
    """`pytest --html ... -k "DAEMON-02 and fork"` in the project, as a reader runs it."""
    out = tmp_path_factory.mktemp("report")
    html = out / "report.html"
    env = dict(os.environ)
    # The inner run is a plain, serial pytest: not one of our xdist workers, no extra options.
    for name in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT"):
        env.pop(name, None)
    args = [
        *(sys.executable, "-m", "pytest", f"--html={html}", "--self-contained-html"),
        *("-k", SELECTION, "-p", "no:cacheprovider", "-n", "0", "-rA"),
        *(f"--matrix-json={out / 'matrix.json'}", f"--basetemp={out / 'basetemp'}"),
    ]
    proc = subprocess.run(
        args, cwd=request.config.rootpath, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, f"inner pytest exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    passed = frozenset(re.findall(r"^PASSED (\S+)", proc.stdout, re.MULTILINE))
    assert passed, f"inner pytest passed no test:\n{proc.stdout}"
    return InnerReport(out, html, out / "matrix.html", passed)


@pytest.mark.browser  # shares the inner run; .ci/run also checks the default run's report size
def test_report_is_self_contained_and_small(inner_report: InnerReport) -> None:
    """A reader opens the report offline, from a CI artefact: nothing is fetched."""
    remote = re.compile(r"<script[^>]*\ssrc=|<link[^>]*\shref=[\"']?https?:|@import\s+url\([\"']?https?:", re.I)
    for page in (inner_report.html, inner_report.matrix_html):
        text = page.read_text(encoding="utf-8")
        assert remote.findall(text) == [], page.name
        assert page.stat().st_size < 2 * 1024 * 1024, page.name


# --- headless Chromium --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    found = next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)
    if found is None:
        pytest.skip(f"no Chromium found ({', '.join(CHROMIUM_NAMES)}): the browser check needs one")
    return found


def run_chromium(exe: str, profile: Path, *args: str, timeout: float = 60.0) -> str:
    """Run headless Chromium to completion; return its stdout.  Its own process group,
    killed as a whole on timeout and afterwards, so no renderer or zygote outlives it."""
    proc = subprocess.Popen(
        [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        pytest.fail(f"chromium did not finish in {timeout:.0f} s: {' '.join(args)}", pytrace=False)
    _kill_group(proc)
    assert proc.returncode == 0, f"chromium exited {proc.returncode}: {err[-2000:]}"
    return out


def _kill_group(proc: subprocess.Popen[str]) -> None:
    if not hasattr(os, "killpg"):
        proc.kill()
        return
    with contextlib.suppress(ProcessLookupError):  # the group already ended
        os.killpg(proc.pid, signal.SIGKILL)


def screenshot(
    exe: str, profile: Path, url: str, png: Path, size: tuple[int, int] = WINDOW, extra: tuple[str, ...] = ()
) -> Path:
    run_chromium(exe, profile, f"--window-size={size[0]},{size[1]}", *extra, f"--screenshot={png}", url)
    return png


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a PNG starts with."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def keep(png: Path, root: Path, name: str) -> None:
    """Copy a screenshot where a person can look at it (reports/ is git-ignored)."""
    target = root / "reports" / "screenshots" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, target)


# --- the DOM after the page's own JavaScript ran ------------------------------------------------


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: tuple[Element, ...]
    texts: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        return "".join(self.texts).strip()


class Dom(HTMLParser):
    """Just enough of a DOM to ask "which elements, inside which": flat, with ancestors."""

    VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"))

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, tuple(self._open))
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, tuple(self._open)))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.texts.append(data)

    def by_id(self, id_: str) -> list[Element]:
        return [e for e in self.elements if e.attrs.get("id") == id_]

    def select(self, tag: str, cls: str | None = None, within: Element | None = None, **attrs: str) -> list[Element]:
        """Elements `tag` (with class `cls` and attributes `attrs`; data_claim= is data-claim=) inside `within`."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            e
            for e in self.elements
            if e.tag == tag
            and (cls is None or cls in e.classes)
            and all(e.attrs.get(k) == v for k, v in wanted.items())
            and (within is None or within in e.ancestors)
        ]


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chromium-profile")


@pytest.fixture(scope="module")
def dom(chromium: str, profile: Path, inner_report: InnerReport) -> Dom:
    html = run_chromium(
        chromium, profile, f"--window-size={WINDOW[0]},{WINDOW[1]}", "--dump-dom", report_url(inner_report)
    )
    return Dom(html)


def framed(report: InnerReport, url: str, size: tuple[int, int]) -> Path:
    """A page showing `url` in a window-sized iframe.  Headless Chromium's --screenshot of a
    page it scrolled to a #fragment paints only part of the window; of an iframe, all of it."""
    page = report.dir / "framed.html"
    page.write_text(
        f'<!DOCTYPE html><body style="margin:0"><iframe src="{url}" '
        f'style="border:0;width:{size[0]}px;height:{size[1]}px"></iframe></body>',
        encoding="utf-8",
    )
    return page


def report_url(report: InnerReport, query: str = "", fragment: str = "") -> str:
    url = report.html.as_uri()
    return url + (f"?{query}" if query else "") + (f"#{quote(fragment, safe='')}" if fragment else "")


# --- the checks ---------------------------------------------------------------------------------


@pytest.mark.browser
def test_screenshot_of_the_report_is_a_full_window_png(
    chromium: str, profile: Path, inner_report: InnerReport, request: pytest.FixtureRequest
) -> None:
    png = screenshot(chromium, profile, report_url(inner_report), inner_report.dir / "report.png")
    data = png.read_bytes()
    assert png_size(data) == WINDOW
    # A blank page compresses to a few KB; a rendered report with text does not.
    assert len(data) > 20_000
    keep(png, request.config.rootpath, "report.png")


@pytest.mark.browser
def test_results_table_lists_the_selected_tests_with_their_claim(dom: Dom, inner_report: InnerReport) -> None:
    # pytest-html builds its rows from a JSON blob with JavaScript: present only if the script ran.
    (table,) = dom.select("table", id="results-table")
    headers = [th.text for th in dom.select("th", within=table)]
    assert "Claim" in headers
    rows = dom.select("tbody", "results-table-row", within=table)
    assert {row.attrs["id"] for row in rows} == inner_report.passed
    for row in rows:
        (summary,) = dom.select("tr", "collapsible", within=row)
        cells = [td.text for td in dom.select("td", within=summary)]
        assert cells[headers.index("Claim")] == "DAEMON-02", row.attrs["id"]


@pytest.mark.browser
def test_claims_summary_renders_the_selected_claim(dom: Dom) -> None:
    (summary,) = dom.by_id("mpspec-claims")
    assert dom.select("tr", "mpspec-claim", within=summary, data_claim="DAEMON-02")


@pytest.mark.browser
def test_timelines_render_with_lanes(
    dom: Dom, chromium: str, profile: Path, inner_report: InnerReport, request: pytest.FixtureRequest
) -> None:
    timelines = [svg for svg in dom.select("svg", "mpspec-timeline") if dom.select("g", "lane", within=svg)]
    assert timelines, "no svg.mpspec-timeline with g.lane elements"
    # A second screenshot, scrolled to the first timeline (its nearest element with an id;
    # Chromium opens a closed <details> around it) with every result row expanded
    # (pytest-html's ?collapsed=), at twice the scale.
    first = timelines[0]
    anchor = next((e.attrs["id"] for e in (first, *reversed(first.ancestors)) if e.attrs.get("id")), "")
    view = framed(inner_report, report_url(inner_report, query="collapsed=", fragment=anchor), (1000, 700))
    png = screenshot(
        chromium,
        profile,
        view.as_uri(),
        inner_report.dir / "timeline.png",
        (1000, 700),
        ("--force-device-scale-factor=2",),
    )
    data = png.read_bytes()
    assert png_size(data) == (2000, 1400)
    assert len(data) > 20_000  # a blank window (the fragment-scroll paint bug) is ~11 KB
    keep(png, request.config.rootpath, "timeline.png")
