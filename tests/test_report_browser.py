"""The reader's pages in a real browser: the report, the verdict matrix and the
annotated note, driven by Playwright in the system's Chromium (nothing is
downloaded).  Opt-in (``pytest -m browser``); without Chromium or Playwright the
tests skip, and ``.ci/run`` installs both.  Screenshots land in ``reports/screenshots/``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from harness.claims.catalogue import CLAIMS
from harness.claims.model import NO_STDLIB_ASSERTS, UNDER_WINE
from harness.pages import browser, files
from harness.project import IsolatedRun
from harness.verdicts import matrix, predicted

# One worker builds the small report once for every test here.
pytestmark = [pytest.mark.meta, pytest.mark.browser, pytest.mark.xdist_group("report-browser")]

# A few tests, a few seconds, under spawn: the start method every platform has.
SELECTION = "DAEMON-02 and spawn"
WIDE = {"width": 1600, "height": 1000}
NINE = [(3, v) for v in range(6, 14)]  # CPython 3.6-3.13, and PyPy 3.9: this machine's `--python all`
ONE_LINE = 24  # px: the tallest a one-line matrix row may be


@dataclass(frozen=True)
class InnerReport:
    dir: Path
    html: Path
    matrix_html: Path
    note_html: Path
    passed: frozenset[str]  # node ids


@pytest.fixture(scope="module")
def inner_report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> InnerReport:
    """`pytest --html ... -k "DAEMON-02 and spawn"` in the project, as a reader runs it."""
    out = tmp_path_factory.mktemp("report")
    isolated = IsolatedRun(out)
    env = dict(os.environ)
    # The inner run is a plain, serial pytest: not one of our xdist workers, no extra options.
    for name in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT"):
        env.pop(name, None)
    # Started from a terminal (or CI) that forces colour: --color=no below must win.
    env.update(FORCE_COLOR="1", PY_COLORS="1")
    args = [
        *(sys.executable, "-m", "pytest", *isolated.args(), "--self-contained-html"),
        # --color=no: the PASSED lines are parsed.
        *("-k", SELECTION, "-n", "0", "-rA", "--color=no"),
    ]
    proc = subprocess.run(
        args, cwd=request.config.rootpath, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, f"inner pytest exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    passed = frozenset(re.findall(r"^PASSED (\S+)", proc.stdout, re.MULTILINE))
    assert passed, f"inner pytest passed no test:\n{proc.stdout}"
    return InnerReport(out, isolated.html, out / "matrix.html", out / "note.html", passed)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    executable = browser.find_chromium()
    if executable is None:
        pytest.skip(f"no Chromium found ({', '.join(browser.CHROMIUM_NAMES)}): the browser checks need one")
    pytest.importorskip("playwright", reason="the browser checks drive Chromium with Playwright")
    with browser.chromium(executable) as opened:
        yield opened


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=WIDE)
    try:
        yield context.new_page()
    finally:
        context.close()


def keep(page, root: Path, name: str, full_page: bool = False) -> Path:
    """A screenshot where a person can look at it (reports/ is git-ignored)."""
    target = root / "reports" / "screenshots" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=full_page)
    assert target.stat().st_size > 20_000, f"{name}: a blank page compresses to a few KB"
    return target


def layout(page) -> dict[str, int]:
    """Page width and height, the viewport's width, and the tallest claim row of a matrix page."""
    return page.evaluate(
        """() => ({
            width: document.documentElement.scrollWidth,
            height: document.documentElement.scrollHeight,
            viewport: document.documentElement.clientWidth,
            tallest: Math.max(0, ...[...document.querySelectorAll('tr.claim-row')]
                .map(r => r.getBoundingClientRect().height)),
            rows: document.querySelectorAll('tr.claim-row').length,
        })"""
    )


def on_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] < WIDE["height"]


# --- the report ---------------------------------------------------------------------------------


def test_report_is_self_contained_and_small(inner_report: InnerReport) -> None:
    """A reader opens the pages offline, from a CI artefact: nothing is fetched."""
    remote = re.compile(r"<script[^>]*\ssrc=|<link[^>]*\shref=[\"']?https?:|@import\s+url\([\"']?https?:", re.I)
    for page in (inner_report.html, inner_report.matrix_html, inner_report.note_html):
        text = page.read_text(encoding="utf-8")
        assert remote.findall(text) == [], page.name
        assert page.stat().st_size < 2 * 1024 * 1024, page.name


def test_claims_come_first_and_the_environment_after(page, inner_report: InnerReport, request) -> None:
    page.goto(inner_report.html.as_uri())
    claims = page.locator("#mpspec-claims").bounding_box()
    environment = page.locator("#environment").bounding_box()
    assert claims is not None
    assert environment is not None
    assert claims["y"] < environment["y"]
    assert claims["y"] < page.viewport_size["height"], "the claims start below the first screen"
    keep(page, request.config.rootpath, "report-top.png")


def check_language_toggle(page) -> None:
    """Every paraphrase switches: all English shown, then all Korean, then English again."""
    claims = page.locator("#mpspec-claims tr.mpspec-claim")
    rows = claims.count()
    assert rows == len(CLAIMS)

    def shown(lang: str) -> int:
        return claims.locator(f"td span.{lang}:visible").count()

    assert (shown("en"), shown("ko")) == (rows, 0)
    page.locator("#mpspec-claims .mpspec-lang button[data-lang=ko]").click()
    assert (shown("en"), shown("ko")) == (0, rows), "the 한국어 button did not switch every paraphrase"
    page.locator("#mpspec-claims .mpspec-lang button[data-lang=en]").click()
    assert (shown("en"), shown("ko")) == (rows, 0), "the English button did not switch back"


def test_language_toggle_switches_every_paraphrase(page, inner_report: InnerReport) -> None:
    page.goto(inner_report.html.as_uri())
    check_language_toggle(page)


def test_the_toggle_check_fails_when_the_toggle_script_is_broken(page, inner_report: InnerReport) -> None:
    """The check above can fail: a copy of the report whose toggle script sets a misspelt attribute."""
    text = inner_report.html.read_text(encoding="utf-8")
    toggle = "section.setAttribute('data-lang'"
    assert text.count(toggle) == 1
    broken = inner_report.dir / "broken-toggle.html"
    broken.write_text(text.replace(toggle, "section.setAttribute('data-lagn'"), encoding="utf-8")
    page.goto(broken.as_uri())
    with pytest.raises(AssertionError, match="did not switch every paraphrase"):
        check_language_toggle(page)


def test_evidence_blocks_open_with_their_timelines(page, inner_report: InnerReport) -> None:
    page.goto(inner_report.html.as_uri())
    evidence = page.locator("tr.mpspec-evidence[data-claim=DAEMON-02] > td > details")
    assert evidence.get_attribute("open") is None
    timeline = evidence.locator("svg.mpspec-timeline").first
    assert not timeline.is_visible()
    evidence.locator("> summary").click()
    assert evidence.get_attribute("open") == ""
    assert timeline.is_visible()
    assert timeline.locator("g.lane").count() >= 2  # the parent and its daemon, at least


def test_results_table_lists_the_selected_tests_with_their_claim(page, inner_report: InnerReport) -> None:
    # pytest-html builds its rows from a JSON blob with JavaScript: present only if the script ran.
    page.goto(inner_report.html.as_uri())
    headers = page.locator("#results-table thead th").all_inner_texts()
    claim_column = [h.strip() for h in headers].index("Claim")
    rows = page.locator("#results-table tbody.results-table-row")
    ids = {rows.nth(i).get_attribute("id") for i in range(rows.count())}
    assert ids == inner_report.passed
    claims = page.locator(f"#results-table tbody.results-table-row tr.collapsible td:nth-child({claim_column + 1})")
    assert set(claims.all_inner_texts()) == {"DAEMON-02"}


def test_pages_link_to_each_other(page, inner_report: InnerReport) -> None:
    for source, wanted in (
        (inner_report.html, {"matrix.html", "note.html"}),
        (inner_report.matrix_html, {"report.html", "note.html"}),
        (inner_report.note_html, {"report.html", "matrix.html"}),
    ):
        page.goto(source.as_uri())
        hrefs = page.locator("nav a").evaluate_all("links => links.map(a => a.href)")
        names = {_local(h).name for h in hrefs}
        assert wanted <= names, source.name
        for href in hrefs:
            assert _local(href).exists(), href


def _local(href: str) -> Path:
    return Path(unquote(urlparse(href).path))


# --- the verdict matrix -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nine_interpreters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The matrix page of `--python all` on this machine (CPython 3.6-3.13 and PyPy), as predicted."""
    json_path = tmp_path_factory.mktemp("nine") / "matrix.json"
    cols = predicted.columns("linux", NINE, ("fork", "spawn", "forkserver"))
    return files.write(predicted.predicted_matrix(cols), json_path)


@pytest.fixture(scope="module")
def with_windows_under_wine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`--python all` here with the Windows builds of `python -m harness wine install`: 15 interpreters."""
    json_path = tmp_path_factory.mktemp("wine") / "matrix.json"
    windows = [
        matrix.Column("win32", "cpython", (3, minor, 0), ("spawn",), "Wine 8.0", (UNDER_WINE, NO_STDLIB_ASSERTS))
        for minor in range(8, 14)
    ]
    cols = [*predicted.columns("linux", NINE, ("fork", "spawn", "forkserver")), *windows]
    return files.write(predicted.predicted_matrix(cols), json_path)


@pytest.fixture(scope="module")
def three_systems(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with macOS and Windows columns merged in, as the CI workflow makes it."""
    json_path = tmp_path_factory.mktemp("merged") / "matrix.json"
    cols = [
        *predicted.columns("linux", NINE, ("fork", "spawn", "forkserver")),
        *predicted.columns("darwin", [(3, 8), (3, 13)], ("spawn", "fork", "forkserver")),
        *predicted.columns("win32", [(3, 8), (3, 11), (3, 13)], ("spawn",)),
    ]
    return files.write(predicted.predicted_matrix(cols), json_path)


def test_nine_interpreters_fit_1600_px_one_line_a_claim(page, nine_interpreters: Path, request) -> None:
    page.goto(nine_interpreters.as_uri())
    found = layout(page)
    assert found["width"] <= found["viewport"] == WIDE["width"], found
    assert found["rows"] == len(CLAIMS)
    assert found["tallest"] <= ONE_LINE, found
    keep(page, request.config.rootpath, "matrix-nine-interpreters.png")


def test_the_windows_columns_under_wine_fit_beside_them(page, with_windows_under_wine: Path, request) -> None:
    """Six one-method Windows columns more: a row of systems above keeps each head as narrow as its marks."""
    page.goto(with_windows_under_wine.as_uri())
    found = layout(page)
    assert found["width"] <= found["viewport"] == WIDE["width"], found
    assert found["tallest"] <= ONE_LINE, found
    systems = page.locator("#matrix thead tr.systems th:not(.claim)").all_inner_texts()
    assert systems == ["Linux", "Windows (Wine 8.0)"]
    keep(page, request.config.rootpath, "matrix-with-windows-under-wine.png")


def test_header_and_claim_column_stay_in_view(page, three_systems: Path, request) -> None:
    """Merged with other systems' columns, in a window too narrow for them, the page scrolls
    sideways but stays readable."""
    page.set_viewport_size({"width": 1000, "height": WIDE["height"]})
    page.goto(three_systems.as_uri())
    found = layout(page)
    assert found["tallest"] <= ONE_LINE, found
    page.evaluate("window.scrollTo(document.documentElement.scrollWidth, 900)")
    header = page.locator("#matrix thead tr").first.locator("th").last.bounding_box()
    claim = page.locator("#matrix tr.claim-row td.claim").nth(30).bounding_box()
    assert header is not None
    assert claim is not None
    assert abs(header["y"]) <= 1, header  # stuck to the top
    assert abs(claim["x"]) <= 1, claim  # stuck to the left
    keep(page, request.config.rootpath, "matrix-three-systems-scrolled.png")


def test_a_cell_links_to_its_footnote(page, nine_interpreters: Path) -> None:
    page.goto(nine_interpreters.as_uri())
    link = page.locator("#matrix td.c a[href^='#note-']").first
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == target
    note = page.locator(f"li{target}")
    assert note.is_visible()
    assert on_screen(note), "the footnote is not on screen"
    assert note.locator(".where").inner_text().strip() != ""  # the cells it covers, summarised


def test_totals_per_interpreter(page, nine_interpreters: Path) -> None:
    page.goto(nine_interpreters.as_uri())
    data = matrix.load(nine_interpreters.with_suffix(".json"))
    columns = matrix.columns_of(data)
    for status in ("holds", "does not hold", "unexpected"):
        shown = page.locator(f"#matrix tfoot tr[data-status='{status}'] td").all_inner_texts()
        expected = [
            sum(1 for c in data["cells"] if c["column"] == col.name and c["status"] == status) for col in columns
        ]
        assert [int(n) for n in shown] == expected, status


def test_the_filter_keeps_the_claims_that_do_not_hold_somewhere(page, nine_interpreters: Path) -> None:
    page.goto(nine_interpreters.as_uri())
    data = matrix.load(nine_interpreters.with_suffix(".json"))
    problems = {c["claim"] for c in data["cells"] if c["status"] in ("does not hold", "unexpected")}
    rows = page.locator("#matrix tr.claim-row:visible")
    assert rows.count() == len(CLAIMS)
    page.locator("#only-problems").check()
    shown = {str(rows.nth(i).get_attribute("id"))[len("m-") :] for i in range(rows.count())}
    assert shown == problems


# --- the annotated note -------------------------------------------------------------------------


def test_the_notes_marks_link_to_the_claims_evidence(page, inner_report: InnerReport, request) -> None:
    page.goto(inner_report.note_html.as_uri())
    if page.locator("#no-note").count():
        pytest.skip("the note is not at hand (--note PATH or ../shared/seed/)")
    marks = page.locator("a.mark")
    cited = {c.id for c in CLAIMS.values() if c.note is not None}
    assert {marks.nth(i).get_attribute("data-claim") for i in range(marks.count())} == cited
    keep(page, request.config.rootpath, "note.png")
    page.locator("a.mark[data-claim=DAEMON-02]").click()
    # pytest-html's script adds its own query (?sort=result) to the report's address once loaded.
    page.wait_for_url(re.compile(r"report\.html(\?[^#]*)?#claim-DAEMON-02$"))
    assert page.evaluate("document.querySelector(':target')?.id") == "claim-DAEMON-02"
    assert page.locator("#claim-DAEMON-02").is_visible()


def test_the_matrix_page_of_this_run(page, inner_report: InnerReport, request) -> None:
    page.goto(inner_report.matrix_html.as_uri())
    found = layout(page)
    assert found["width"] <= found["viewport"], found
    assert found["tallest"] <= ONE_LINE, found
    keep(page, request.config.rootpath, "matrix.png")
