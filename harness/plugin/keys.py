"""The plugin's shared state: pytest stash keys, written by one module and read by others."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set

import pytest

from harness.claims.note import Note
from harness.running.spec import RunResult
from harness.running.targets import Target
from harness.verdicts.observe import Observer

if TYPE_CHECKING:
    from harness.plugin.recording import Results  # noqa: F401  (recording imports these keys)

# --- the session (config.stash) ---
# The note, read once at configure time (None: not at hand)
THE_NOTE = pytest.StashKey[Optional[Note]]()
TARGETS = pytest.StashKey[List[Target]]()
# --start-method, or every start method
START_METHODS = pytest.StashKey[List[str]]()
# --claim / --section: the claims whose tests run (None: every test)
SELECTED = pytest.StashKey[Optional[Set[str]]]()
# Without --python: the newest Windows build under Wine, if one is installed (marker also_on_windows)
EXTRA_WINDOWS = pytest.StashKey[List[Target]]()
WINE_KEEPERS = pytest.StashKey[List["subprocess.Popen[bytes]"]]()
# claim id -> start methods its collected tests run under (NO_METHOD: none)
CLAIMED = pytest.StashKey[Dict[str, Set[str]]]()
# claim id -> start methods under which a collected test observes it (uses the observe fixture)
OBSERVED = pytest.StashKey[Dict[str, Set[str]]]()
# Collected tests without a claim marker, or with an unknown claim: one line each
UNKNOWN_CLAIMS = pytest.StashKey[List[str]]()
COLLECTED_FILES = pytest.StashKey[Set[Path]]()
# Test modules that skipped themselves whole at import (importorskip), with the reason
SKIPPED_MODULES = pytest.StashKey[List[str]]()
# What the session's tests left, per matrix cell (the process that writes reports only)
RESULTS = pytest.StashKey["Results"]()

# --- one test (item.stash) ---
RUNS = pytest.StashKey[List[RunResult]]()
# The run files shown in the report as the claim's evidence
RUN_FILES = pytest.StashKey[List[str]]()
OBSERVER = pytest.StashKey[Observer]()
# Plain data a meta-test hands to the report (the note's counts, say)
REPORT_EXTRA = pytest.StashKey[Dict[str, Any]]()
# A claim test's column in the verdict matrix (linux/cpython3.11): for the report, not for JUnit XML
COLUMN = pytest.StashKey[str]()
# A test's timer that stops its scenario runs before pytest-timeout's thread method ends pytest
STOPPER = pytest.StashKey[threading.Timer]()


def claim_id(item: pytest.Item) -> str | None:
    """The claim a test is marked with (``@pytest.mark.claim("LOG-04")``)."""
    marker = item.get_closest_marker("claim")
    return str(marker.args[0]) if marker and marker.args else None
