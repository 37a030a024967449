"""Stand-alone programs that re-enact each section of the document.

Each module runs with the standard library only (Python 3.6+ syntax) so that
any interpreter can execute it: ``python -m scenarios.<name> --start-method spawn``.
"""
