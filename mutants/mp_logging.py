"""Mutants of the section on multiprocessing's logging (claims LOG-*)."""

import itertools
import multiprocessing.process
import multiprocessing.spawn
import multiprocessing.util
import sys

from mutants import mutant

_FINALIZERS_ALL = 'running all "atexit" finalizers with priority >= 0'


@mutant("log-format-backslash", claims=("LOG-02",), description="log_to_stderr() uses the document's backslash format")
def log_format_backslash():
    multiprocessing.util.DEFAULT_LOGGING_FORMAT = "[%(levelname)s\\%(processName)s]\\ %(message)s"


@mutant(
    "log-to-stderr-writes-stdout",
    claims=("LOG-01",),
    description="log_to_stderr()'s handler writes to sys.stdout instead of sys.stderr",
)
def log_to_stderr_writes_stdout():
    util = multiprocessing.util
    original = util.log_to_stderr

    def log_to_stderr(level=None):
        logger = original(level)
        logger.handlers[-1].stream = sys.stdout  # the handler it just added
        return logger

    # Looked up at call time by BaseContext.log_to_stderr and spawn.prepare().
    util.log_to_stderr = log_to_stderr


@mutant(
    "log-get-logger-propagates",
    claims=("LOG-03",),
    description="get_logger() leaves propagate on: multiprocessing's records also reach the root logger",
)
def log_get_logger_propagates():
    util = multiprocessing.util
    original = util.get_logger

    def get_logger():
        logger = original()
        logger.propagate = 1
        return logger

    util.get_logger = get_logger


@mutant(
    "log-child-exit-lines-swapped",
    claims=("LOG-04",),
    description="a child logs 'exiting with exitcode' before 'shutting down' before 3.13, after it from 3.13",
)
def log_child_exit_lines_swapped():
    util = multiprocessing.util
    BaseProcess = multiprocessing.process.BaseProcess
    original = BaseProcess._bootstrap

    if sys.version_info >= (3, 13):
        # Run the exit function at the end of run(), as _bootstrap did before gh-83856.
        def _bootstrap(self, *args, **kwargs):
            run = self.run

            def run_then_exit_function():
                run()
                util._exit_function()

            self.run = run_then_exit_function
            return original(self, *args, **kwargs)

    else:
        # Defer the exit function until after _bootstrap logged the exit code, as 3.13 does.
        def _bootstrap(self, *args, **kwargs):
            exit_function = util._exit_function
            util._exit_function = lambda *a, **k: None
            try:
                code = original(self, *args, **kwargs)
            finally:
                util._exit_function = exit_function
            exit_function()
            util._flush_std_streams()
            return code

    BaseProcess._bootstrap = _bootstrap


def _exit_function_defaults(**replace):
    """Replace default arguments of util._exit_function in place (atexit holds that very object)."""
    function = multiprocessing.util._exit_function
    names = function.__code__.co_varnames[: function.__code__.co_argcount]
    defaults = list(function.__defaults__)
    offset = len(names) - len(defaults)
    originals = {}
    for i, name in enumerate(names[offset:]):
        if name in replace:
            originals[name] = defaults[i]
            defaults[i] = replace[name](defaults[i])
    function.__defaults__ = tuple(defaults)
    return originals


@mutant(
    "log-exit-joins-before-finalizers",
    claims=("LOG-05",),
    description="at exit the parent joins its children before it runs the finalizers of priority >= 0",
)
def log_exit_joins_before_finalizers():
    util = multiprocessing.util
    active_children = multiprocessing.process.active_children

    def wrap_debug(debug):
        def debug_after_joining(msg, *args):
            if msg == _FINALIZERS_ALL and multiprocessing.process.current_process() is not None:
                for p in active_children():
                    if not p.daemon:
                        util.info("calling join() for process %s", p.name)
                        p.join()
            debug(msg, *args)

        return debug_after_joining

    _exit_function_defaults(debug=wrap_debug)


class _DaemonsOnly(object):
    """active_children() for the join loop of _exit_function: only daemonic children."""

    def __init__(self, active_children):
        self._active_children = active_children

    def __call__(self):
        return [p for p in self._active_children() if p.daemon]


@mutant(
    "log-exit-joins-daemons-only",
    claims=("LOG-05", "LOG-06"),
    description="at exit the parent joins only its daemonic children: it leaves without waiting for the others",
)
def log_exit_joins_daemons_only():
    _exit_function_defaults(active_children=_DaemonsOnly)


@mutant(
    "log-names-count-from-zero",
    claims=("LOG-07",),
    description="unnamed processes are called Process-0, Process-1, ...",
)
def log_names_count_from_zero():
    multiprocessing.process._process_counter = itertools.count(0)


@mutant(
    "log-event-wait-returns-at-once",
    claims=("LOG-08",),
    description="Event.wait() does not block: it returns is_set() at once, so nothing can hold a child back",
)
def log_event_wait_returns_at_once():
    try:
        import multiprocessing.synchronize as synchronize
    except ImportError:  # no sem_open on this platform: no Event either
        return

    def wait(self, timeout=None):
        return self.is_set()

    synchronize.Event.wait = wait


@mutant(
    "log-spawn-skips-log-to-stderr",
    claims=("LOG-09",),
    description="spawn.prepare() ignores 'log_to_stderr': spawned and forkserver children get the level, no handler",
)
def log_spawn_skips_log_to_stderr():
    spawn = multiprocessing.spawn
    original = spawn.prepare

    def prepare(data):
        data = dict(data)
        data.pop("log_to_stderr", None)
        return original(data)

    spawn.prepare = prepare


@mutant(
    "log-exit-code-line-at-debug",
    claims=("LOG-10",),
    description="a child's 'process exiting with exitcode N' line is logged at DEBUG instead of INFO",
)
def log_exit_code_line_at_debug():
    util = multiprocessing.util
    info = util.info

    def info_or_debug(msg, *args):
        if msg.startswith("process exiting with exitcode"):
            util.debug(msg, *args)
        else:
            info(msg, *args)

    # _bootstrap looks util.info up at call time; _exit_function keeps the original.
    util.info = info_or_debug


class _EachTwice(object):
    """active_children() for _exit_function: every child listed twice."""

    def __init__(self, active_children):
        self._active_children = active_children

    def __call__(self):
        return [p for p in self._active_children() for _ in (0, 1)]


@mutant(
    "log-exit-joins-each-child-twice",
    claims=("LOG-11",),
    description="at exit the parent logs and makes a join for every child twice",
)
def log_exit_joins_each_child_twice():
    _exit_function_defaults(active_children=_EachTwice)


@mutant(
    "log-main-process-renamed",
    claims=("LOG-12",),
    description="the main process is named 'Main', not 'MainProcess', so the parent's records carry that name",
)
def log_main_process_renamed():
    main = multiprocessing.process.current_process()
    # process.py deletes the class once it has made the main process; a spawned child is renamed by prepare().
    if type(main).__name__ == "_MainProcess":
        main._name = "Main"


class _NoWait(object):
    """A child as _exit_function sees it, whose join() returns at once."""

    def __init__(self, process):
        self._process = process

    def __getattr__(self, name):
        return getattr(self._process, name)

    def join(self, timeout=None):
        return self._process.join(0)


class _FirstWaitedFor(object):
    """active_children() for _exit_function: only the first non-daemonic child is really waited for."""

    def __init__(self, active_children):
        self._active_children = active_children

    def __call__(self):
        children = self._active_children()
        first = next((p for p in children if not p.daemon), None)
        return [p if p is first or p.daemon else _NoWait(p) for p in children]


@mutant(
    "log-exit-waits-for-one-child",
    claims=("LOG-06",),
    description="at exit the parent logs a join for every child but waits only for the first non-daemonic one",
)
def log_exit_waits_for_one_child():
    _exit_function_defaults(active_children=_FirstWaitedFor)
