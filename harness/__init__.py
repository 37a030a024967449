"""mpspec harness: runs scenarios, reads their traces and logs, keeps the claims.

Specs (``tests/``) import this package; nothing here imports the specs.
"""
