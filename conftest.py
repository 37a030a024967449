"""The harness is a pytest plugin; this file only loads it."""

pytest_plugins = ["harness.plugin.pytest_plugin", "harness.plugin.report_plugin", "pytester"]
