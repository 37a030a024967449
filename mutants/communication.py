"""Mutants of the communication section (claims COMM-*).

``multiprocessing.Queue()`` builds ``multiprocessing.queues.Queue`` at call
time, so patching that class reaches every context.  ``multiprocessing.Pipe``
is a bound method of the default context, captured when multiprocessing was
imported, and multiprocessing's own code (Queue, SimpleQueue, managers) calls
``multiprocessing.connection.Pipe`` directly: the Pipe mutants patch the
context's method (what the document's code calls) and rebind the module-level
name, leaving the internal pipes alone.
"""

import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.queues
import multiprocessing.reduction
import os
import pickle
import queue
import warnings

from mutants import mutant


def _queue_class():
    return multiprocessing.queues.Queue


def _patch_context_pipe(make):
    """Replace ``ctx.Pipe(duplex=True)`` by ``make(original, duplex)`` for every context."""
    original = multiprocessing.context.BaseContext.Pipe

    def Pipe(self, duplex=True):
        return make(lambda d: original(self, d), duplex)

    multiprocessing.context.BaseContext.Pipe = Pipe
    multiprocessing.Pipe = multiprocessing.context._default_context.Pipe


# --- Queue -----------------------------------------------------------------------


class _PickledAtPut:
    """An object already pickled by put(): the feeder thread only ships the bytes."""

    def __init__(self, data):
        self.data = data

    def __reduce__(self):
        return (pickle.loads, (self.data,))


@mutant(
    "queue-pickles-at-put",
    claims=("COMM-01",),
    description="Queue.put() pickles the object at once in the calling thread, not later in the feeder thread",
)
def queue_pickles_at_put():
    cls = _queue_class()
    original = cls.put

    def put(self, obj, block=True, timeout=None):
        data = multiprocessing.reduction.ForkingPickler.dumps(obj)
        original(self, _PickledAtPut(bytes(data)), block, timeout)

    cls.put = put


@mutant(
    "queue-get-does-not-wait",
    claims=("COMM-04", "COMM-06"),
    description="a blocking Queue.get() returns None at once when nothing is in the pipe yet (like dict.get)",
)
def queue_get_does_not_wait():
    cls = _queue_class()
    original = cls.get

    def get(self, block=True, timeout=None):
        if block and not self._reader.poll():
            return None
        return original(self, block, timeout)

    cls.get = get


@mutant(
    "queue-get-ignores-block",
    claims=("COMM-02",),
    description="get() does not wait: with block=True it raises queue.Empty at once on an empty queue, as get_nowait()",
)
def queue_get_ignores_block():
    cls = _queue_class()
    original = cls.get

    def get(self, block=True, timeout=None):
        return original(self, False)

    cls.get = get


@mutant(
    "queue-lifo",
    claims=("COMM-03",),
    description="Queue.get() returns the newest item it can read (last in, first out) instead of the oldest",
)
def queue_lifo():
    cls = _queue_class()
    original = cls.get
    stacks = {}  # (pid, id(queue)) -> items read from the pipe but not handed out

    def get(self, block=True, timeout=None):
        stack = stacks.setdefault((os.getpid(), id(self)), [])
        if not stack:
            stack.append(original(self, block, timeout))  # an empty queue raises queue.Empty as before
        # Take in whatever follows closely, then hand out the newest.
        while True:
            try:
                stack.append(original(self, True, 0.05))
            except queue.Empty:
                break
        return stack.pop()

    cls.get = get


@mutant(
    "queue-get-timeout-raises-timeouterror",
    claims=("COMM-04",),
    description="Queue.get(timeout=...) raises the builtin TimeoutError instead of queue.Empty when time runs out",
)
def queue_get_timeout_raises_timeouterror():
    cls = _queue_class()
    original = cls.get

    def get(self, block=True, timeout=None):
        try:
            return original(self, block, timeout)
        except queue.Empty:
            if block and timeout is not None:
                raise TimeoutError("timed out after %s s" % timeout) from None
            raise

    cls.get = get


@mutant(
    "queue-resends-last-item-at-close",
    claims=("COMM-05",),
    description="a Queue's feeder, told to quit (close() or process exit), sends the last item put once more",
)
def queue_resends_last_item_at_close():
    cls = _queue_class()
    original_put = cls.put
    original_close = cls.__dict__["_finalize_close"].__func__
    last = {}  # id(buffer) -> (the last object put on that buffer, the queue's size semaphore)

    def put(self, obj, block=True, timeout=None):
        original_put(self, obj, block, timeout)
        last[id(self._buffer)] = (obj, self._sem)

    def _finalize_close(buffer, notempty):
        obj, sem = last.pop(id(buffer), (None, None))
        # The copy takes a slot like a put() would, or the reader's release() overflows the semaphore.
        if sem is not None and sem.acquire(False):
            with notempty:
                buffer.append(obj)
                notempty.notify()
        original_close(buffer, notempty)

    cls.put = put
    cls._finalize_close = staticmethod(_finalize_close)


# --- Pipe ------------------------------------------------------------------------


@mutant(
    "pipe-one-way-by-default",
    claims=("COMM-08", "COMM-09", "COMM-10", "COMM-11", "COMM-12", "COMM-13", "COMM-14"),
    description="multiprocessing.Pipe() defaults to duplex=False: (receive-only end, send-only end), like os.pipe",
)
def pipe_one_way_by_default():
    def make(original, duplex):
        return original(False)

    _patch_context_pipe(make)


@mutant(
    "pipe-one-way-ends-swapped",
    claims=("COMM-11",),
    description="Pipe(duplex=False) returns (send-only end, receive-only end): the order of os.pipe() reversed",
)
def pipe_one_way_ends_swapped():
    def make(original, duplex):
        first, second = original(duplex)
        return (first, second) if duplex else (second, first)

    _patch_context_pipe(make)


@mutant(
    "pipe-echoes-to-sender",
    claims=("COMM-09", "COMM-10", "COMM-12"),
    description="a duplex Connection also delivers what it sends to its own end (poll()/recv() there see it first)",
)
def pipe_echoes_to_sender():
    base = multiprocessing.connection._ConnectionBase
    original_send = base.send
    original_recv = base.recv
    original_poll = base.poll
    echoes = {}  # (pid, id(connection)) -> messages this process sent on it

    def pending(self):
        return echoes.setdefault((os.getpid(), id(self)), [])

    def send(self, obj):
        original_send(self, obj)
        if self.readable and self.writable:
            pending(self).append(obj)

    def recv(self):
        mine = pending(self)
        if mine:
            return mine.pop(0)
        return original_recv(self)

    def poll(self, timeout=0.0):
        if pending(self):
            return True
        return original_poll(self, timeout)

    base.send = send
    base.recv = recv
    base.poll = poll


@mutant(
    "pipe-sent-by-a-courier",
    claims=("COMM-09",),
    description="Connection.send() hands each message to a courier process, forked for it, which pickles and "
    "writes it: a third process takes part in every exchange (POSIX; nothing changes where there is no fork)",
)
def pipe_sent_by_a_courier():
    if not hasattr(os, "fork"):
        return
    base = multiprocessing.connection._ConnectionBase
    original = base.send

    def send(self, obj):
        self._check_closed()  # what send() refuses, it refuses in the caller, as before
        self._check_writable()
        with warnings.catch_warnings():  # 3.12+: fork() in a process with threads warns on stderr
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            code = 1
            try:
                original(self, obj)
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            raise OSError("the courier could not send the message")

    base.send = send


@mutant(
    "pipe-recv-none-at-eof",
    claims=("COMM-14",),
    description="Connection.recv() returns None at end of file instead of raising EOFError",
)
def pipe_recv_none_at_eof():
    base = multiprocessing.connection._ConnectionBase
    original = base.recv

    def recv(self):
        try:
            return original(self)
        except EOFError:
            return None

    base.recv = recv


@mutant(
    "pipe-recv-does-not-wait",
    claims=("COMM-12", "COMM-13"),
    description="Connection.recv() returns None at once when no message has arrived yet, instead of waiting",
)
def pipe_recv_does_not_wait():
    base = multiprocessing.connection._ConnectionBase
    original = base.recv

    def recv(self):
        if not base.poll(self, 0):
            return None
        return original(self)

    base.recv = recv
