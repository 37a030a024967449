"""pyproject.toml's package metadata agrees with the project: its dependencies are
requirements.txt's pins, its packages every package of harness/ and scenarios/, its
Python versions (and the workflow's) harness.pythons'."""

from __future__ import annotations

import re
import sys

import pytest

from harness.project import PROJECT_ROOT
from harness.pythons import CPYTHON_HOSTS, OLDEST_HOST, PRERELEASES, dotted

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


def test_the_supported_versions_are_those_of_harness_pythons():
    """The files that cannot import harness.pythons say what it says: pytest runs on CPYTHON_HOSTS."""
    assert PYPROJECT["project"]["requires-python"] == f">={dotted(OLDEST_HOST)}"
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py{}{}".format(*OLDEST_HOST)
    prefix = "Programming Language :: Python :: 3."
    classified = [c[len(prefix) - 2 :] for c in PYPROJECT["project"]["classifiers"] if c.startswith(prefix)]
    assert classified == [dotted(v) for v in CPYTHON_HOSTS if v not in PRERELEASES]
    workflow = (PROJECT_ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    [matrix] = re.findall(r"^ +python: \[(.*)\]$", workflow, re.MULTILINE)
    assert re.findall(r'"([^"]+)"', matrix) == [dotted(v) for v in CPYTHON_HOSTS]
