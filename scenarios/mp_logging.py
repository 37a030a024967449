"""Section "multiprocessing's log": log_to_stderr() and get_logger().

The parent turns on multiprocessing's logging, starts five children that each
print a count, and never calls join(); what the log shows at exit is the point.

Variants:
  document  children run freely, as in the document (order is up to the OS)
  gated     each child waits until the parent's exit code logs that it joins
            that child, so every "calling join()" line is certain to appear;
            the parent records the order of its set of children at exit
  reverse   child i waits for child i+1 to finish: completion order is the
            reverse of start order, names still follow start order

--via context creates the children through get_context(method).Process
instead of multiprocessing.Process, as readers who use contexts do.
"""

import logging
import multiprocessing
import multiprocessing.util
import sys

from scenarios._cli import WAIT_LIMIT, run_main, wait_for
from scenarios._exit_hooks import on_exit_join
from scenarios._trace import emit

CHILDREN = 5


def logger_state(logger):
    handlers = []
    for h in logger.handlers:
        stream = getattr(h, "stream", None)
        handlers.append(
            {
                "type": type(h).__name__,
                "stream": "stderr" if stream is sys.stderr else "stdout" if stream is sys.stdout else repr(stream),
                "format": h.formatter._fmt if h.formatter is not None else None,
            }
        )
    return {
        "name": logger.name,
        "level": logger.level,
        "effective_level": logger.getEffectiveLevel(),
        "propagate": logger.propagate,
        "handlers": handlers,
    }


def worker(count, ready, gate, wait_first, done):
    emit("child-logger", logger=logger_state(multiprocessing.get_logger()))
    if ready is not None:
        ready.release()
    if gate is not None:
        wait_for(gate, "parent's exit join")
    if wait_first is not None:
        wait_for(wait_first, "next child to finish")
    emit("count", "count : %s" % count, count=count)
    if done is not None:
        done.set()


def configure(args):
    """Turn logging on after all primitives exist: creating them logs DEBUG lines
    the document's program (which has none) never shows.

    ``--setup handler`` attaches a hand-made stderr handler instead of calling
    log_to_stderr(), to show what spawned children do not inherit.
    """
    before = logger_state(multiprocessing.get_logger())
    if args.setup == "log_to_stderr":
        returned = multiprocessing.log_to_stderr()
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(multiprocessing.util.DEFAULT_LOGGING_FORMAT))
        returned = multiprocessing.get_logger()
        returned.addHandler(handler)
    logger = multiprocessing.get_logger()
    logger.setLevel(getattr(logging, args.level))
    emit(
        "parent-logger",
        before=before,
        after=logger_state(logger),
        same_object=returned is logger,
    )
    return logger


def start_children(via, ready=None, gates=None, chain=None):
    """Start the children; return their names in start order.

    With ``ready``, wait until every child holds its arguments: the exit code
    unlinks named semaphores (a finalizer of priority 0) before it joins, so a
    spawned child still unpickling an Event at that point would fail.
    """
    if via == "context":
        process_class = multiprocessing.get_context(multiprocessing.get_start_method()).Process
    else:
        process_class = multiprocessing.Process
    names = []
    for i in range(CHILDREN):
        gate = gates[i] if gates is not None else None
        wait_first = chain[i + 1] if chain is not None and i + 1 < CHILDREN else None
        done = chain[i] if chain is not None else None
        p = process_class(target=worker, args=(i, ready, gate, wait_first, done))
        p.start()
        emit("started", name=p.name, pid=p.pid, index=i)
        names.append(p.name)
    if ready is not None:
        for _ in names:
            if not ready.acquire(timeout=WAIT_LIMIT):
                emit("wait-timeout", waiting_for="children ready")
    return names


def document(args):
    configure(args)
    start_children(args.via)
    emit("main-returns")


def gated(args):
    ready = multiprocessing.Semaphore(0)
    gates = [multiprocessing.Event() for _ in range(CHILDREN)]
    configure(args)
    names = start_children(args.via, ready=ready, gates=gates)
    gate_of = dict(zip(names, gates))

    def release(name):
        if not any(gate.is_set() for gate in gates):
            # The exit code joins the processes of active_children(), a list made from a set.
            emit("children-order", names=[p.name for p in multiprocessing.active_children()])
        gate_of[name].set()

    on_exit_join(release)
    emit("main-returns")


def reverse(args):
    ready = multiprocessing.Semaphore(0)
    chain = [multiprocessing.Event() for _ in range(CHILDREN)]
    configure(args)
    start_children(args.via, ready=ready, chain=chain)
    emit("main-returns")


def add_arguments(parser):
    parser.add_argument("--level", choices=["DEBUG", "INFO"], default="DEBUG", help="multiprocessing logger level")
    parser.add_argument(
        "--setup", choices=["log_to_stderr", "handler"], default="log_to_stderr", help="how logging is turned on"
    )
    parser.add_argument(
        "--via", choices=["process", "context"], default="process", help="multiprocessing.Process or a context's"
    )


_COMMON = ("child-logger", "count", "parent-logger", "started", "main-returns")
EVENTS = {"document": _COMMON, "gated": _COMMON + ("children-order",), "reverse": _COMMON}

if __name__ == "__main__":
    run_main(
        __doc__,
        {"document": document, "gated": gated, "reverse": reverse},
        EVENTS,
        default="document",
        add_arguments=add_arguments,
    )
