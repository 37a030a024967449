"""Command line shared by the scenarios.

``run_main`` parses ``--start-method``, ``--variant`` (its default named by each
scenario's call) and ``--trace``, selects the start method the way the document's
code sees it (``multiprocessing.set_start_method`` and plain
``multiprocessing.Process``, so children are named ``Process-N``), then calls the
chosen variant.
"""

import argparse
import multiprocessing
import os
import sys

from scenarios._trace import EVENTS_ENV, RESERVED_EVENTS, TRACE_ENV, WAIT_LIMIT, emit, interpreter


class _OneLineParser(argparse.ArgumentParser):
    """Bad input gets one line on stderr and exit status 2, not a usage dump.

    harness.console.OneLineParser's twin: scenarios run on 3.6 and import nothing from the harness."""

    def error(self, message):
        self.exit(2, "%s: error: %s\n" % (self.prog, message))


def run_main(description, variants, events, default, add_arguments=None, argv=None):
    """Run one of ``variants`` (name -> callable taking the parsed args); ``default``
    names the one that runs without ``--variant``.

    ``events`` maps each variant to the trace events its processes may emit
    besides the reserved ones; the trace refuses any other name.
    """
    names = list(variants)
    if set(events) != set(names):
        raise ValueError("declare the events of every variant, and only of those: %s" % ", ".join(names))
    if default not in variants:
        raise ValueError("the default variant %r is not one of: %s" % (default, ", ".join(names)))
    parser = _OneLineParser(
        prog="python -m " + _module_name(),
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--start-method",
        choices=multiprocessing.get_all_start_methods(),
        help="how children are started (default: the platform's default)",
    )
    parser.add_argument("--variant", choices=names, default=default, help="default: %(default)s")
    parser.add_argument("--trace", metavar="FILE", help="append a JSON-lines trace to FILE")
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args(argv)
    if args.trace:
        os.environ[TRACE_ENV] = os.path.abspath(args.trace)
    declared = sorted(set(events[args.variant]) | set(RESERVED_EVENTS))
    os.environ[EVENTS_ENV] = ",".join(declared)
    if args.start_method:
        # force=True: a spawned child re-runs unguarded top-level code (see the
        # main_guard scenario) and must reach the point the document is about.
        multiprocessing.set_start_method(args.start_method, force=True)
    emit(
        "scenario-start",
        variant=args.variant,
        start_method=multiprocessing.get_start_method(),
        python=interpreter(),
        optimize=sys.flags.optimize,
        events=declared,
    )
    variants[args.variant](args)


def trace_from_argv():
    """Point the trace at ``--trace FILE`` before run_main() parses it, so that
    a module's top-level code (the main-guard scenarios) is traced as well."""
    if TRACE_ENV not in os.environ and "--trace" in sys.argv[:-1]:
        os.environ[TRACE_ENV] = os.path.abspath(sys.argv[sys.argv.index("--trace") + 1])


def _module_name():
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return spec.name if spec is not None else os.path.basename(sys.argv[0])


def wait_for(event, what):
    """Wait for ``event``; record a ``wait-timeout`` instead of hanging."""
    if not event.wait(WAIT_LIMIT):
        emit("wait-timeout", waiting_for=what)
        return False
    return True
