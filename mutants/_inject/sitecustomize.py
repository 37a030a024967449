"""Applies the mutant named by MPSPEC_MUTANT at interpreter start-up.

Put this folder and the project root on PYTHONPATH: every Python started with
that environment (pytest, scenarios, their children, forkserver servers)
imports this module before running anything else.
"""

import os

if os.environ.get("MPSPEC_MUTANT"):
    import mutants

    mutants.apply(os.environ["MPSPEC_MUTANT"])
