"""The mutation self-check (``python -m harness mutation``), one module per job:

mutation            the check: baselines, the canary, every behaviour, note and prediction mutant
jobs                one pytest run per mutant, a few at a time, and what each one killed
prediction_mutants  the catalogue changed one prediction at a time
prediction_plan     where each prediction mutant is observable here, or why not
"""
