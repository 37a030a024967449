"""The harness is a pytest plugin; this file only loads it."""

pytest_plugins = ["harness.pytest_plugin", "harness.report_plugin", "pytester"]
