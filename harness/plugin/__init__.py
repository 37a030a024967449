"""The pytest plugin, one module per job, as pytest splits its own (conftest.py loads them):

options        --python, --claim, --note ...: read and checked once, at configure time
parametrize    the target interpreters (probed once, handed to xdist workers) x start methods
selection      every test's claim recorded; --claim/--section/--shuffle applied; --claim-failfast
fixtures       run_scenario, observe, the_note, mp_log_capture: what claim tests use
meta_fixtures  what the meta-tests use: the collected claims, an inner pytest, report extras
recording      the one makereport wrapper: transcripts, the failed requirement, the report payload;
               the session's results per matrix cell
report_files   where the reports go, checked at start, written whole at the end
summary        the terminal's claims tree and matrix; the HTML report's summary and columns

Their shared state is the stash keys of ``harness.plugin.keys``.
"""

# The plugins a pytest run of the suite loads (the meta-tests' inner runs load them too).
# pluggy calls the hooks of one priority last-registered first: options, after parametrize
# here, checks the command line before parametrize probes the targets.
CORE = (
    "harness.plugin.parametrize",
    "harness.plugin.options",
    "harness.plugin.selection",
    "harness.plugin.fixtures",
    "harness.plugin.meta_fixtures",
    "harness.plugin.recording",
)
REPORTS = ("harness.plugin.report_files", "harness.plugin.summary")
PLUGINS = CORE + REPORTS
