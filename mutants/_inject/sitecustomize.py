"""Applies the mutant named by mutants.MUTANT_ENV at interpreter start-up.

Put this folder and the project root on PYTHONPATH: every Python started with
that environment (pytest, scenarios, their children, forkserver servers)
imports this module before running anything else.
"""

import os

import mutants  # the project root is on PYTHONPATH with this folder; its __init__ imports only importlib

if os.environ.get(mutants.MUTANT_ENV):
    mutants.apply(os.environ[mutants.MUTANT_ENV])
