"""pyproject.toml's package metadata agrees with the project: its dependencies are
requirements.txt's pins, its packages every package of harness/ and scenarios/."""

from __future__ import annotations

import sys

import pytest

from harness.project import PROJECT_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # requirements.txt pins tomli, tomllib's origin, before 3.11
    import tomli as tomllib

pytestmark = pytest.mark.meta

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_dependencies_are_the_pins_of_requirements_txt():
    text = (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8")
    pins = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert PYPROJECT["project"]["dependencies"] == pins


def test_every_package_of_harness_and_scenarios_is_packaged():
    found = [
        ".".join(init.parent.relative_to(PROJECT_ROOT).parts)
        for top in ("harness", "scenarios")
        for init in (PROJECT_ROOT / top).rglob("__init__.py")
    ]
    assert sorted(PYPROJECT["tool"]["setuptools"]["packages"]) == sorted(found)
