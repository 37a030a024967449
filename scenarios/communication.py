"""Section "Process communication": multiprocessing.Queue and multiprocessing.Pipe.

Variants (the producer is "set_data", the consumer "get_data", as in the note):
  queue        a producer and a consumer child share one Queue; the consumer
               announces its get() first and only then is the producer let go,
               so nothing is on the queue when the consumer turns to get(); a
               numbered sequence (FIFO) and a get() on the empty queue; the
               two printed lines race (with PYTHONUNBUFFERED they can even mix)
  queue-as-noted
               the producer puts and prints before the consumer asks, which
               the note's 1 s sleep makes likely: its order, made certain
  queue-late-print
               as "queue", but the producer prints its line only after the
               consumer printed: the transcript order of the two lines is free
  crowd        three producers and three consumers share one Queue; each
               consumer reports what it took (end marked by one None each)
  copy         the parent exchanges objects with an "echo" child through a
               Queue and a Pipe: what arrives is an equal copy, and when the
               copy is taken (Queue: later, in its feeder thread; Pipe: at send)
  pipe         a child sends first (as in the note), then the two ends
               talk back and forth; a one-way Pipe(duplex=False); sharing an
               end; EOFError once every copy of the peer end is closed
  pipe-late-print
               the child prints only after the parent printed what it received
  pipe-shared  two children hold copies of the same end and both send on it
"""

import multiprocessing
import os
import queue
import threading

from scenarios._cli import WAIT_LIMIT, run_main, wait_for
from scenarios._trace import emit

GREETING = "hello world"
SEQUENCE_LENGTH = 10
PRODUCERS = 3
CONSUMERS = 3
ITEMS_PER_PRODUCER = 10
EMPTY_TIMEOUT = 0.02  # an empty get() is meant to time out: this is the timeout shown


def me():
    return multiprocessing.current_process().name


def exception_facts(exc):
    """What a test needs to know about a caught exception, JSON-serialisable."""
    kind = type(exc)
    return {"module": kind.__module__, "name": kind.__name__, "message": str(exc)}


def join_all(processes):
    for p in processes:
        p.join(WAIT_LIMIT)
    emit("joined", exitcodes={p.name: p.exitcode for p in processes})


# --- queue / queue-as-noted / queue-late-print ----------------------------------


def produce_greeting(q, gates):
    consumer_waiting, producer_printed, consumer_printed = gates
    if consumer_waiting is not None:
        wait_for(consumer_waiting, "consumer to call get()")
    emit("putting", message=GREETING)
    q.put(GREETING)
    if consumer_printed is not None:
        wait_for(consumer_printed, "consumer to print its line")
    emit("put", "[%s] set queue data : %s" % (me(), GREETING), message=GREETING)
    if producer_printed is not None:
        producer_printed.set()
    numbers = list(range(SEQUENCE_LENGTH))
    for n in numbers:
        q.put(n)
    emit("put-sequence", items=numbers)


def consume_greeting(q, gates):
    consumer_waiting, producer_printed, consumer_printed = gates
    if producer_printed is not None:
        wait_for(producer_printed, "producer to print its line")
    emit("getting")
    if consumer_waiting is not None:
        consumer_waiting.set()
    item = q.get(timeout=WAIT_LIMIT)
    emit("got", "[%s] get queue data : %s" % (me(), item), message=item)
    if consumer_printed is not None:
        consumer_printed.set()
    emit("got-sequence", items=[q.get(timeout=WAIT_LIMIT) for _ in range(SEQUENCE_LENGTH)])
    # Everything put has been taken: the queue is empty now.
    for how, call in (("get-timeout", lambda: q.get(timeout=EMPTY_TIMEOUT)), ("get_nowait", q.get_nowait)):
        try:
            result = call()
        except Exception as exc:  # which class it is, is the point
            emit("empty-get", how=how, raised=exception_facts(exc), is_queue_empty=type(exc) is queue.Empty)
        else:
            emit("empty-get", how=how, raised=None, returned=repr(result))


def exchange(consumer_first, producer_first, late_print):
    q = multiprocessing.Queue()
    gates = tuple(
        multiprocessing.Event() if wanted else None for wanted in (consumer_first, producer_first, late_print)
    )
    producer = multiprocessing.Process(name="set_data", target=produce_greeting, args=(q, gates))
    consumer = multiprocessing.Process(name="get_data", target=consume_greeting, args=(q, gates))
    producer.start()
    consumer.start()
    # Small items: the producer's feeder thread flushes them into the pipe and
    # the producer can exit even before the consumer has read them.
    join_all([producer, consumer])


def queue_variant(args):
    exchange(consumer_first=True, producer_first=False, late_print=False)


def queue_as_noted(args):
    exchange(consumer_first=False, producer_first=True, late_print=False)


def queue_late_print(args):
    exchange(consumer_first=True, producer_first=False, late_print=True)


# --- crowd -------------------------------------------------------------------


def crowd_producer(q):
    items = [[me(), i] for i in range(ITEMS_PER_PRODUCER)]
    for item in items:
        q.put(item)
    emit("produced", items=items)


def crowd_consumer(q):
    taken = []
    while True:
        item = q.get(timeout=WAIT_LIMIT)
        if item is None:
            break
        taken.append(item)
    emit("consumed", "[%s] took %d items" % (me(), len(taken)), items=taken)


def crowd(args):
    q = multiprocessing.Queue()
    consumers = [
        multiprocessing.Process(name="consumer-%d" % (i + 1), target=crowd_consumer, args=(q,))
        for i in range(CONSUMERS)
    ]
    producers = [
        multiprocessing.Process(name="producer-%d" % (i + 1), target=crowd_producer, args=(q,))
        for i in range(PRODUCERS)
    ]
    for p in consumers + producers:
        p.start()
    # Consumers keep draining, so joining the producers first cannot deadlock;
    # once they are joined, their feeder threads have flushed every item, and
    # the end markers below come after all of them.
    join_all(producers)
    emit("putting-end-markers", count=len(consumers))
    for _ in consumers:
        q.put(None)
    join_all(consumers)


# --- copy --------------------------------------------------------------------


class Snapshot(object):
    """Records, when pickled, the thread that pickled it.

    With a gate, pickling waits until the gate is set (the sender sets it after
    changing ``items``), so whether the change travels is not left to chance.
    """

    def __init__(self, items, gate=None):
        self.items = items
        self.gate = gate
        self.pickled_in = None

    def __getstate__(self):
        if self.gate is not None and not self.gate.wait(WAIT_LIMIT):
            emit("wait-timeout", waiting_for="snapshot gate")
        return {"items": self.items, "gate": None, "pickled_in": threading.current_thread().name}


def echo(inbox, end):
    original = inbox.get(timeout=WAIT_LIMIT)
    emit("echo-got", value=original, type=type(original).__name__)
    end.send(original)  # pickled right here, before the change below
    original["numbers"].append(4)
    emit("echo-changed", value=original)
    for channel in ("queue", "pipe"):
        snap = inbox.get(timeout=WAIT_LIMIT) if channel == "queue" else end.recv()
        emit("snapshot", channel=channel, items=snap.items, pickled_in=snap.pickled_in)


def copy_variant(args):
    inbox = multiprocessing.Queue()
    parent_end, child_end = multiprocessing.Pipe()
    child = multiprocessing.Process(name="echo", target=echo, args=(inbox, child_end))
    child.start()
    original = {"text": GREETING, "numbers": [1, 2, 3]}
    inbox.put(original)
    back = parent_end.recv()
    emit("echoed", value=back, equal=back == original, same_object=back is original)

    gate = threading.Event()
    by_queue = Snapshot(["before"], gate)
    inbox.put(by_queue)
    by_queue.items.append("after put")
    gate.set()

    by_pipe = Snapshot(["before"])
    parent_end.send(by_pipe)
    by_pipe.items.append("after send")

    join_all([child])
    emit("original-after", value=original)


# --- pipe --------------------------------------------------------------------


class Stamped(object):
    """A message that records the pid of the process that pickles it (inside
    Connection.send()) and of the one that unpickles it (inside recv()): who
    used the pipe, as multiprocessing did it, not as the scenario names it."""

    def __init__(self, text, sent_by=None, received_by=None):
        self.text = text
        self.sent_by = sent_by
        self.received_by = received_by

    def __reduce__(self):
        return (arrived, (self.text, os.getpid()))

    def facts(self):
        return {"message": self.text, "sent_by": self.sent_by, "received_by": self.received_by}


def arrived(text, sent_by):
    return Stamped(text, sent_by, os.getpid())


def say_sent():
    emit("sent", "[%s] send a message to pipe %s:" % (me(), GREETING), message=GREETING)


def talker(end, one_way_sender, waiting_for_reply):
    end.send(Stamped(GREETING))
    say_sent()
    emit("own-end-poll", pending=end.poll(0))
    emit("awaiting-reply")
    waiting_for_reply.set()
    emit("reply", **end.recv().facts())

    one_way_sender.send("one way")
    try:
        one_way_sender.recv()
    except Exception as exc:
        emit("recv-on-send-only", raised=exception_facts(exc))
    else:
        emit("recv-on-send-only", raised=None)
    end.send(Stamped("last word"))


def ends_facts(pair):
    return [{"type": type(c).__name__, "readable": c.readable, "writable": c.writable} for c in pair]


def pipe_variant(args):
    pair = multiprocessing.Pipe()
    one_way = multiprocessing.Pipe(duplex=False)
    emit("pipe-made", duplex=ends_facts(pair), one_way=ends_facts(one_way))
    # Indexed, not unpacked: a pair of another length still reaches the trace above.
    parent_end, child_end = pair[0], pair[1]
    receive_only, send_only = one_way[0], one_way[1]
    waiting_for_reply = multiprocessing.Event()
    child = multiprocessing.Process(name="child", target=talker, args=(child_end, send_only, waiting_for_reply))
    child.start()
    emit("parties", parent=os.getpid(), child=child.pid)

    message = parent_end.recv()
    # Printing waits until the child has printed (it signals after that), so
    # the two lines cannot mix; the note's order is not otherwise given.
    wait_for(waiting_for_reply, "talker to wait for a reply")
    emit("received", "received message : %s" % message.text, **message.facts())

    # The parent holds a copy of the child's end too. What it sends there goes
    # to parent_end, never to the child, who is waiting on that same end.
    child_end.send(Stamped("from the shared end"))
    emit("shared-end-delivery", **parent_end.recv().facts())
    emit("replying", message="reply")
    parent_end.send(Stamped("reply"))

    emit("one-way", message=receive_only.recv())
    try:
        receive_only.send("back")
    except Exception as exc:
        emit("send-on-receive-only", raised=exception_facts(exc))
    else:
        emit("send-on-receive-only", raised=None)

    join_all([child])
    # The child has exited, so its copy of child_end is closed; its last
    # message is still there to read.
    emit("after-exit", **parent_end.recv().facts())
    emit("peer-copy-open-poll", ready=parent_end.poll(EMPTY_TIMEOUT))
    child_end.close()  # the last copy of the peer end; nothing is left to read
    try:
        ready = parent_end.poll(WAIT_LIMIT)
    except Exception as exc:  # Windows: BrokenPipeError from PeekNamedPipe (gh-85180)
        emit("peer-closed-poll", ready=None, raised=exception_facts(exc))
    else:
        emit("peer-closed-poll", ready=ready, raised=None)
    try:
        parent_end.recv()
    except Exception as exc:
        emit("recv-after-close", raised=exception_facts(exc))
    else:
        emit("recv-after-close", raised=None)


# --- pipe-late-print / pipe-shared ------------------------------------------------


def late_talker(end, parent_printed):
    end.send(GREETING)
    wait_for(parent_printed, "parent to print what it received")
    say_sent()


def pipe_late_print(args):
    parent_end, child_end = multiprocessing.Pipe()
    parent_printed = multiprocessing.Event()
    child = multiprocessing.Process(name="child", target=late_talker, args=(child_end, parent_printed))
    child.start()
    message = parent_end.recv()
    emit("received", "received message : %s" % message, message=message)
    parent_printed.set()
    join_all([child])


def sender(end):
    end.send(Stamped(me()))
    emit("sent", message=me())


def pipe_shared(args):
    parent_end, child_end = multiprocessing.Pipe()
    children = [multiprocessing.Process(name=name, target=sender, args=(child_end,)) for name in ("child", "second")]
    for child in children:
        child.start()
    emit("parties", parent=os.getpid(), **{child.name: child.pid for child in children})
    for _ in children:
        if not parent_end.poll(WAIT_LIMIT):
            emit("wait-timeout", waiting_for="a child's message")
            break
        emit("received", **parent_end.recv().facts())
    join_all(children)


_QUEUE = ("putting", "put", "put-sequence", "getting", "got", "got-sequence", "empty-get", "joined")
EVENTS = {
    "queue": _QUEUE,
    "queue-as-noted": _QUEUE,
    "queue-late-print": _QUEUE,
    "crowd": ("produced", "consumed", "putting-end-markers", "joined"),
    "copy": ("echo-got", "echo-changed", "snapshot", "echoed", "original-after", "joined"),
    "pipe": (
        "pipe-made",
        "parties",
        "sent",
        "own-end-poll",
        "awaiting-reply",
        "reply",
        "recv-on-send-only",
        "received",
        "shared-end-delivery",
        "replying",
        "one-way",
        "send-on-receive-only",
        "joined",
        "after-exit",
        "peer-copy-open-poll",
        "peer-closed-poll",
        "recv-after-close",
    ),
    "pipe-late-print": ("sent", "received", "joined"),
    "pipe-shared": ("parties", "sent", "received", "joined"),
}

if __name__ == "__main__":
    run_main(
        __doc__,
        {
            "queue": queue_variant,
            "queue-as-noted": queue_as_noted,
            "queue-late-print": queue_late_print,
            "crowd": crowd,
            "copy": copy_variant,
            "pipe": pipe_variant,
            "pipe-late-print": pipe_late_print,
            "pipe-shared": pipe_shared,
        },
        EVENTS,
        default="queue",
    )
