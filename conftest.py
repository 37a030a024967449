"""The harness is a pytest plugin; this file only loads it."""

from harness.plugin import PLUGINS

pytest_plugins = [*PLUGINS, "pytester"]
