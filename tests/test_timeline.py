"""The per-run timeline (harness.pages.timeline) and the time stamps it is drawn from.

The stamps are for the picture only: these tests check structure (lanes, markers,
exit codes, tooltips, size), never how long anything took.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from harness.claims.catalogue.mp_logging import EXIT_0, EXITING, JOIN, RUN, TERMINATE
from harness.pages.timeline import render_svg
from harness.project import PROJECT_ROOT
from harness.running import cache as cache_module
from harness.running.cache import RunCache
from harness.running.runner import line_times
from harness.running.spec import RunResult, RunSpec, StoredRunError

pytestmark = pytest.mark.meta

SVG = "{http://www.w3.org/2000/svg}"
# Typically 4-16 KB; under heavy load events spread out, fewer ticks merge and a
# picture grows, so the bound leaves room (the report as a whole must stay < 2 MB).
MAX_BYTES = 32_000
needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert "mpspec-timeline" in root.get("class", "").split()
    return root


def lanes(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-process", ""): g for g in root.iter(f"{SVG}g") if g.get("class") == "lane"}


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def with_class(lane: ET.Element, *names: str) -> list[ET.Element]:
    return [e for e in lane.iter() if set(names) <= classes(e)]


def tooltips(lane: ET.Element) -> list[str]:
    """Every tooltip line of a lane (merged ticks carry several lines)."""
    return [line for t in lane.iter(f"{SVG}title") for line in (t.text or "").splitlines()]


def texts(lane: ET.Element) -> list[str]:
    return [t.text or "" for t in lane.iter(f"{SVG}text")]


def centre(element: ET.Element) -> float:
    """x of a marker's centre: end markers are 8 px squares, terminate/join markers paths."""
    if element.tag == f"{SVG}rect":
        return float(element.get("x", "0")) + float(element.get("width", "0")) / 2
    match = re.match(r"M([\d.]+) ", element.get("d", ""))
    assert match, element.attrib
    return float(match[1])


def drawn(result: RunResult) -> dict[str, ET.Element]:
    """The lanes of a finished run's timeline, after the checks every picture must pass."""
    assert result.returncode == 0
    assert_stamped(result)
    svg = render_svg(result)
    assert len(svg.encode()) < MAX_BYTES
    return lanes(parse(svg))


def assert_stamped(result: RunResult) -> None:
    for text, times in ((result.stdout, result.stdout_times), (result.stderr, result.stderr_times)):
        assert len(times) == len(text.splitlines())
        assert list(times) == sorted(times)
        assert all(t >= result.started_at for t in times)
    stamps = [e.t for e in result.trace]
    assert None not in stamps
    assert stamps == sorted(stamps)  # type: ignore[type-var]  # taken under the trace lock, with seq


# The same runs (on the host) as the daemon and logging specs make, so the session makes each once.
@pytest.fixture
def daemon_lifetime(run_cache: RunCache) -> RunResult:
    return run_cache.get(RunSpec("daemon", "fork", "lifetime", params=(("parent-exit", "normal"),)))


@pytest.fixture
def gated_spawn(run_cache: RunCache) -> RunResult:
    return run_cache.get(RunSpec("mp_logging", "spawn", "gated"))


@needs_fork
def test_daemon_terminated_at_parent_exit_is_drawn_red_with_its_exit_code(daemon_lifetime):
    found = drawn(daemon_lifetime)
    assert list(found) == ["MainProcess", "Process-1", "Process-2"]

    main, daemon, plain = found["MainProcess"], found["Process-1"], found["Process-2"]
    (terminated,) = with_class(daemon, "marker", "end")
    assert terminated.get("data-exitcode") == "-15"
    assert "signal" in classes(terminated)
    assert "terminated -15" in texts(daemon)
    assert f"[INFO/MainProcess] {TERMINATE}Process-1" in tooltips(terminated)
    # Placed at the parent's terminate() line: both come from the same stamp.
    (terminate,) = with_class(main, "marker", "terminate")
    assert centre(terminated) == pytest.approx(centre(terminate), abs=0.2)

    (parent_end,) = with_class(main, "marker", "end")
    assert parent_end.get("data-exitcode") == "0"
    assert "ok" in classes(parent_end)
    assert "exit 0" in texts(main)
    assert centre(parent_end) == max(centre(e) for e in with_class(found["MainProcess"], "marker", "end"))
    assert all(centre(e) <= centre(parent_end) for g in found.values() for e in with_class(g, "marker", "end"))

    (plain_end,) = with_class(plain, "marker", "end")
    assert plain_end.get("data-exitcode") == "0"
    assert f"[INFO/Process-2] {EXIT_0}" in tooltips(plain_end)
    assert f"[INFO/MainProcess] {JOIN}Process-2" in tooltips(main)
    assert f"[INFO/Process-1] {RUN}" in tooltips(daemon)
    assert any(line.startswith("[MainProcess] exit-status ") and '"exitcode": -15' in line for line in tooltips(main))


def test_gated_spawn_shows_every_child_in_start_order_and_each_exit(gated_spawn):
    r = gated_spawn
    found = drawn(r)
    children = [f"Process-{i}" for i in range(1, 6)]
    # A child counts as seen when the parent names it ("started"), so the order is the start order.
    assert list(found) == ["MainProcess", *children]
    for name in children:
        (end,) = with_class(found[name], "marker", "end")
        assert end.get("data-exitcode") == "0"
        assert f"[INFO/{name}] {EXIT_0}" in tooltips(end)
        assert f"[INFO/MainProcess] {JOIN}{name}" in tooltips(found["MainProcess"])
        assert f"[INFO/{name}] {RUN}" in tooltips(found[name])
        assert with_class(found[name], "marker", "start")
    assert "exit 0" in texts(found["MainProcess"])
    # Every log line is in its process's lane, in a tick of its own or a merged one; a merged
    # tick lists MAX_TOOLTIP_LINES of its lines and counts the rest ("... and N more lines").
    for name, lane in found.items():
        logged = Counter(line for line in r.stderr.splitlines() if line.startswith("[") and f"/{name}] " in line)
        shown = tooltips(lane)
        elided = sum(int(m[1]) for m in map(re.compile(r"\.\.\. and (\d+) more lines$").match, shown) if m)
        assert sum((logged - Counter(shown)).values()) == elided, name


def hand_made(**changes: object) -> RunResult:
    base = 100.0
    events = [
        {"seq": 0, "pid": 10, "process": "MainProcess", "event": "scenario-start", "data": {}, "t": base + 0.1},
        {"seq": 1, "pid": 12, "process": "worker<&>", "event": "set", "data": {"text": 'a <b> & "c"'}, "t": base + 0.3},
        {"seq": 2, "pid": 10, "process": "MainProcess", "event": "exit-status", "t": base + 0.5,
         "data": {"name": "Process-1", "exitcode": -9}},
    ]  # fmt: skip
    stderr = [
        f"[INFO/Process-1] {RUN}",
        "a traceback line \x01 that is not a log record",
        f"[INFO/MainProcess] {TERMINATE}Process-1",
        f"[INFO/worker<&>] {EXITING}3",
    ]
    fields: dict[str, object] = {
        "spec": RunSpec("daemon", "fork", "lifetime"),
        "returncode": -9,
        "stdout": "",
        "stderr": "\n".join(stderr) + "\n",
        "trace_text": "".join(json.dumps(e) + "\n" for e in events),
        "duration": 0.6,
        "started_at": base,
        "stderr_times": (base + 0.2, base + 0.25, base + 0.4, base + 0.45),
    }
    fields.update(changes)
    return RunResult(**fields)  # type: ignore[arg-type]


def test_hand_made_run_orders_lanes_by_first_sign_and_escapes_text():
    svg = render_svg(hand_made())
    root = parse(svg)  # escaped: the names and data above would break unescaped XML
    found = lanes(root)
    # Process-1 logs (0.2 s) before worker<&> traces (0.3 s); MainProcess always comes first.
    assert list(found) == ["MainProcess", "Process-1", "worker<&>"]
    worker = found["worker<&>"]
    assert '[worker<&>] set {"text": "a <b> & \\"c\\""}' in tooltips(worker)
    assert with_class(worker, "marker", "event", "sync")
    (worker_end,) = with_class(worker, "marker", "end")
    assert worker_end.get("data-exitcode") == "3"
    assert "error" in classes(worker_end)
    (killed,) = with_class(found["Process-1"], "marker", "end")
    assert killed.get("data-exitcode") == "-9"
    assert "terminated -9" in texts(found["Process-1"])
    (parent_end,) = with_class(found["MainProcess"], "marker", "end")
    assert "killed -9" in texts(found["MainProcess"])
    assert "signal" in classes(parent_end)
    assert "<script" not in svg
    assert "href" not in svg
    assert "url(" not in svg


def test_a_run_stored_before_time_stamps_is_run_again(tmp_path, monkeypatch):
    """A stored run is read back as it was; one an earlier harness stored, without the time stamps
    of its lines or of its trace, is refused, and the cache runs it again."""
    assert RunResult.from_json(hand_made().to_json()) == hand_made()
    stored = json.loads(hand_made().to_json())
    untimed = [{k: v for k, v in json.loads(line).items() if k != "t"} for line in stored["trace_text"].splitlines()]
    for old in (
        {k: v for k, v in stored.items() if k not in ("started_at", "stdout_times", "stderr_times")},
        {**stored, "trace_text": "".join(json.dumps(event) + "\n" for event in untimed)},
    ):
        with pytest.raises(StoredRunError):
            RunResult.from_json(json.dumps(old))
    cache = RunCache(tmp_path)
    spec = hand_made().spec
    cache.file(spec).write_text(json.dumps(old), encoding="utf-8")
    made = []
    monkeypatch.setattr(cache_module, "run", lambda spec, on_interrupt=None: made.append(spec) or hand_made())
    assert cache.get(spec) == hand_made()
    assert made == [spec]
    assert RunResult.from_json(cache.file(spec).read_text(encoding="utf-8")) == hand_made()


def test_line_stamps_follow_splitlines():
    chunks = [(b"one\n", 1.0), (b"two\rtwo-b\n", 2.0), (b"\xe2\x82\n", 3.0), (b"last", 4.0)]
    text = b"".join(c for c, _ in chunks).decode("utf-8", "replace")
    assert text.splitlines() == ["one", "two", "two-b", "\ufffd", "last"]
    assert line_times(text, chunks) == (1.0, 2.0, 2.0, 3.0, 4.0)
    assert line_times("", []) == ()


def test_cli_refuses_bad_input_in_one_line():
    for args in (["no_such_scenario"], ["daemon", "--start-method", "nope"], ["--bogus"]):
        done = subprocess.run(
            [sys.executable, "-m", "harness", "timeline", *args], cwd=PROJECT_ROOT, capture_output=True, text=True
        )
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.splitlines()) == 1, done.stderr
        assert done.stdout == ""


@needs_fork
def test_cli_writes_the_svg(tmp_path):
    out = tmp_path / "run.svg"
    done = subprocess.run(
        [sys.executable, "-m", "harness", "timeline", "daemon", "--start-method", "fork", "--variant", "lifetime",
         "-o", str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert list(lanes(parse(out.read_text(encoding="utf-8")))) == ["MainProcess", "Process-1", "Process-2"]
