"""Built-in mutants of multiprocessing: each changes one documented behaviour.

The mutation self-check (``python -m harness mutation``) runs the whole spec
once per mutant; a mutant is *killed* when some claim's tests fail.  A mutant
is applied at interpreter start-up by ``mutants/_inject/sitecustomize.py``
when ``MPSPEC_MUTANT`` names it, so the pytest process, every scenario
interpreter, spawned children and forkserver servers all run mutated code.

Standard library only, Python 3.6 syntax: mutants run inside every target.
"""

import importlib

MUTANT_ENV = "MPSPEC_MUTANT"
# One module per section of the document, named as the section is everywhere
# (harness/claims/catalogue/, tests/test_*.py, scenarios/), plus the canary.
_MODULES = (
    "mutants.canary",
    "mutants.mp_logging",
    "mutants.daemon",
    "mutants.process_exit",
    "mutants.event",
    "mutants.communication",
    "mutants.main_guard",
)

_REGISTRY = {}


class Mutant(object):
    def __init__(self, name, claims, description, apply):
        self.name = name
        self.claims = tuple(claims)  # the claims whose tests must kill it
        self.description = description
        self.apply = apply


def mutant(name, claims, description):
    """Register the decorated function as the mutant ``name``."""

    def register(apply):
        if name in _REGISTRY:
            raise ValueError("duplicate mutant %r" % name)
        _REGISTRY[name] = Mutant(name, claims, description, apply)
        return apply

    return register


def all_mutants():
    for module in _MODULES:
        importlib.import_module(module)
    return dict(_REGISTRY)


def apply(name):
    mutants = all_mutants()
    if name not in mutants:
        raise SystemExit("unknown mutant %r (%s)" % (name, ", ".join(sorted(mutants))))
    mutants[name].apply()
