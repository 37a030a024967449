"""Mutants of the guard section (claims GUARD-*)."""

import multiprocessing.context
import multiprocessing.spawn
import runpy
import sys

from mutants import mutant


@mutant(
    "guard-bootstrap-check-disabled",
    claims=("GUARD-01",),
    description="spawn's _check_not_importing_main() never refuses: a child re-running the main module may start one",
)
def guard_bootstrap_check_disabled():
    # Looked up at call time by spawn.get_preparation_data().
    multiprocessing.spawn._check_not_importing_main = lambda: None


class _RunpyAsMain(object):
    """runpy for spawn.py, with the main module's re-import named __main__ instead of __mp_main__."""

    def __getattr__(self, name):
        return getattr(runpy, name)

    @staticmethod
    def _rename(kwargs):
        if kwargs.get("run_name") == "__mp_main__":
            kwargs["run_name"] = "__main__"
        return kwargs

    def run_module(self, *args, **kwargs):
        return runpy.run_module(*args, **self._rename(kwargs))

    def run_path(self, *args, **kwargs):
        return runpy.run_path(*args, **self._rename(kwargs))


@mutant(
    "guard-mp-main-runs-as-main",
    claims=("GUARD-02",),
    description="spawn and forkserver children re-import the main module as __main__, not __mp_main__",
)
def guard_mp_main_runs_as_main():
    multiprocessing.spawn.runpy = _RunpyAsMain()


@mutant(
    "guard-default-start-method-changed",
    claims=("GUARD-03",),
    description="the default start method is spawn where it is fork or forkserver, and fork where it is spawn",
)
def guard_default_start_method_changed():
    context = multiprocessing.context
    default = context._default_context
    concrete = getattr(context, "_concrete_contexts", None)
    if sys.platform == "win32" or concrete is None or default._actual_context is not None:
        return  # Windows has spawn only
    name = default._default_context._name
    other = "fork" if name == "spawn" else "spawn"
    if other in concrete:
        default._default_context = concrete[other]
