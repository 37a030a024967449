"""Section "Process communication": multiprocessing.Queue and multiprocessing.Pipe.

Scenario ``communication``: a producer and a consumer sharing a Queue
(variants ``queue``, ``queue-late-print``), many producers and consumers
(``crowd``), copies made on the way (``copy``) and the two ends of a Pipe
(``pipe``).
"""

from __future__ import annotations

import pytest

from harness.runner import RunResult

GREETING = "hello world"
PRODUCER_LINE = "[producer] set queue data : hello world"
CONSUMER_LINE = "[consumer] get queue data : hello world"
PRODUCERS = ["producer-1", "producer-2", "producer-3"]
CONSUMERS = ["consumer-1", "consumer-2", "consumer-3"]


def clean(r: RunResult, children: list[str]) -> RunResult:
    """The run finished, no wait ran out, and every child exited with 0."""
    assert r.returncode == 0
    assert r.trace.named("wait-timeout") == []
    exitcodes: dict[str, int] = {}
    for e in r.trace.named("joined", "MainProcess"):
        exitcodes.update(e["exitcodes"])
    assert exitcodes == {name: 0 for name in children}
    return r


def queue_run(run_scenario, start_method, variant="queue"):
    return clean(run_scenario("communication", start_method, variant=variant), ["producer", "consumer"])


def copy_run(run_scenario, start_method):
    return clean(run_scenario("communication", start_method, variant="copy"), ["echo"])


def pipe_run(run_scenario, start_method):
    return clean(run_scenario("communication", start_method, variant="pipe"), ["talker"])


def crowd_run(run_scenario, start_method):
    return clean(run_scenario("communication", start_method, variant="crowd"), PRODUCERS + CONSUMERS)


# --- COMM-01: an equal copy ------------------------------------------------------


@pytest.mark.claim("COMM-01")
def test_queue_item_arrives_in_another_process_with_equal_value(run_scenario, start_method):
    """What the producer puts, the consumer (another process) gets, with the same value."""
    r = queue_run(run_scenario, start_method)
    put = r.trace.one("putting", "producer")
    got = r.trace.one("got", "consumer")
    assert got["message"] == put["message"] == GREETING
    assert got.pid != put.pid


@pytest.mark.claim("COMM-01")
def test_round_trip_gives_an_equal_but_new_object(run_scenario, start_method):
    """A dict sent to a child and back compares equal to the original and is not the original object."""
    r = copy_run(run_scenario, start_method)
    sent = {"text": GREETING, "numbers": [1, 2, 3]}
    got = r.trace.one("echo-got", "echo")
    assert (got["type"], got["value"]) == ("dict", sent)
    echoed = r.trace.one("echoed", "MainProcess")
    assert (echoed["equal"], echoed["same_object"]) == (True, False)
    assert echoed["value"] == sent


@pytest.mark.claim("COMM-01")
def test_receivers_change_to_its_copy_stays_with_it(run_scenario, start_method):
    """The child changes the dict it received; the parent's original is unchanged."""
    r = copy_run(run_scenario, start_method)
    assert r.trace.one("echo-changed", "echo")["value"] == {"text": GREETING, "numbers": [1, 2, 3, 4]}
    assert r.trace.one("original-after", "MainProcess")["value"] == {"text": GREETING, "numbers": [1, 2, 3]}


@pytest.mark.claim("COMM-01")
def test_queue_copies_in_its_feeder_thread_pipe_at_send(run_scenario, start_method):
    """A Queue pickles later, in QueueFeederThread, so a change right after put() can travel; Pipe.send() does not."""
    r = copy_run(run_scenario, start_method)
    snapshots = {e["channel"]: (e["items"], e["pickled_in"]) for e in r.trace.named("snapshot", "echo")}
    assert snapshots == {
        "queue": (["before", "after put"], "QueueFeederThread"),
        "pipe": (["before"], "MainThread"),
    }


# --- COMM-02: get() blocks --------------------------------------------------------


@pytest.mark.claim("COMM-02")
def test_get_called_first_returns_only_after_the_put(run_scenario, start_method):
    """The consumer announces its get() before the producer may put; the get returns after the put began."""
    r = queue_run(run_scenario, start_method)
    getting = r.trace.one("getting", "consumer").seq
    putting = r.trace.one("putting", "producer").seq
    got = r.trace.one("got", "consumer")
    assert getting < putting < got.seq
    assert got["message"] == GREETING  # the get waited for the item, not returned empty-handed


# --- COMM-03: FIFO ------------------------------------------------------------------


@pytest.mark.claim("COMM-03")
def test_one_producers_items_come_out_in_put_order(run_scenario, start_method):
    """Ten numbers put 0..9 are got back as 0..9."""
    r = queue_run(run_scenario, start_method)
    assert r.trace.one("put-sequence", "producer")["items"] == list(range(10))
    assert r.trace.one("got-sequence", "consumer")["items"] == list(range(10))


@pytest.mark.claim("COMM-03")
def test_each_consumer_sees_a_producers_items_in_order(run_scenario, start_method):
    """With many consumers, the items of one producer that a consumer takes are still in put order."""
    r = crowd_run(run_scenario, start_method)
    for event in r.trace.named("consumed"):
        for producer in PRODUCERS:
            numbers = [n for name, n in event["items"] if name == producer]
            assert numbers == sorted(numbers), (event.process, producer)


# --- COMM-04: queue.Empty -----------------------------------------------------------


@pytest.mark.claim("COMM-04")
def test_get_on_empty_queue_with_timeout_raises_queue_empty(run_scenario, start_method):
    """get(timeout=0.02) and get_nowait() on the drained queue raise exactly queue.Empty."""
    r = queue_run(run_scenario, start_method)
    events = r.trace.named("empty-get", "consumer")
    assert [e["how"] for e in events] == ["get-timeout", "get_nowait"]
    # bpo-14976 (3.7): CPython defines queue.Empty in the C module _queue; PyPy keeps it in queue.
    module = "_queue" if r.python_implementation == "cpython" and r.python_version >= (3, 7) else "queue"
    for e in events:
        assert e["raised"] == {"module": module, "name": "Empty", "message": ""}
        assert e["is_queue_empty"] is True


# --- COMM-05: many producers and consumers ------------------------------------------


@pytest.mark.claim("COMM-05")
def test_every_item_is_delivered_exactly_once(run_scenario, start_method):
    """Three producers put 30 items on one queue; three consumers take all 30, none twice."""
    r = crowd_run(run_scenario, start_method)
    produced = [item for e in r.trace.named("produced") for item in e["items"]]
    consumed = [item for e in r.trace.named("consumed") for item in e["items"]]
    assert sorted(produced) == sorted([p, n] for p in PRODUCERS for n in range(10))
    assert sorted(consumed) == sorted(produced)
    assert sorted(e.process for e in r.trace.named("produced")) == PRODUCERS
    assert sorted(e.process for e in r.trace.named("consumed")) == CONSUMERS


@pytest.mark.claim("COMM-05")
def test_end_markers_come_after_every_producer_finished(run_scenario, start_method):
    """The consumers stop on the parent's markers, which follow the joined producers' items."""
    r = crowd_run(run_scenario, start_method)
    markers = r.trace.one("putting-end-markers", "MainProcess")
    assert markers["count"] == 3
    assert [e.seq < markers.seq for e in r.trace.named("produced")] == [True] * 3
    assert [e.seq > markers.seq for e in r.trace.named("consumed")] == [True] * 3


# --- COMM-06: the order of the two printed lines ------------------------------------


@pytest.mark.claim("COMM-06")
def test_put_starts_before_get_returns(run_scenario, start_method, against_document):
    """What is guaranteed: the producer's put begins before the consumer's get returns."""
    r = queue_run(run_scenario, start_method)
    order = [line.split("]")[0].strip("[") for line in r.stdout_lines if line in (PRODUCER_LINE, CONSUMER_LINE)]
    against_document("which process prints first", "producer, then consumer", ", then ".join(order))
    assert r.trace.one("putting", "producer").seq < r.trace.one("got", "consumer").seq
    assert r.trace.one("put", "producer")["message"] == r.trace.one("got", "consumer")["message"]


@pytest.mark.claim("COMM-06")
def test_consumer_line_can_come_first(run_scenario, start_method):
    """When the producer prints late, the consumer's line comes first although the put still came first."""
    r = queue_run(run_scenario, start_method, variant="queue-late-print")
    assert r.stdout_lines == [CONSUMER_LINE, PRODUCER_LINE]
    assert r.trace.one("putting", "producer").seq < r.trace.one("got", "consumer").seq
    assert r.trace.one("got", "consumer").seq < r.trace.one("put", "producer").seq


# --- COMM-08 .. COMM-12: Pipe --------------------------------------------------------


@pytest.mark.claim("COMM-08")
def test_pipe_message_sent_by_child_is_received_by_parent(run_scenario, start_method, against_document):
    """Pipe() gives two Connection objects; the child's message on its end is received on the parent's."""
    r = pipe_run(run_scenario, start_method)
    against_document(
        "what the parent receives from the child's end", GREETING, r.trace.one("received", "MainProcess")["message"]
    )
    assert [end["type"] for end in r.trace.one("pipe-made")["duplex"]] == ["Connection", "Connection"]
    sent = r.trace.one("sent", "talker")
    received = r.trace.one("received", "MainProcess")
    assert sent["message"] == received["message"] == GREETING
    assert sent.seq < received.seq
    assert r.stdout_lines == ["[talker] sent to the pipe: hello world", "received message : hello world"]


@pytest.mark.claim("COMM-09")
def test_pipe_has_two_ends_and_sender_does_not_see_its_message(run_scenario, start_method):
    """Exactly two ends; right after sending, nothing is waiting at the sending end."""
    r = pipe_run(run_scenario, start_method)
    made = r.trace.one("pipe-made")
    assert len(made["duplex"]) == 2
    assert len(made["one_way"]) == 2
    assert r.trace.one("own-end-poll", "talker")["pending"] is False


@pytest.mark.claim("COMM-09")
def test_one_end_can_be_shared_and_messages_go_to_the_other_end_only(run_scenario, start_method):
    """The parent also sends on the talker's end: it arrives at the parent's end, never at the waiting talker."""
    r = pipe_run(run_scenario, start_method)
    assert r.trace.one("shared-end-delivery", "MainProcess")["message"] == "from the shared end"
    assert r.trace.one("reply", "talker")["message"] == "reply"
    assert r.trace.one("after-exit", "MainProcess")["message"] == "last word"


@pytest.mark.claim("COMM-10")
def test_both_ends_of_a_default_pipe_send_and_receive(run_scenario, start_method):
    """Both ends are readable and writable; the child's end sends, and also receives the parent's reply."""
    r = pipe_run(run_scenario, start_method)
    flags = [(end["readable"], end["writable"]) for end in r.trace.one("pipe-made")["duplex"]]
    assert flags == [(True, True), (True, True)]
    assert r.trace.one("received", "MainProcess")["message"] == GREETING
    assert r.trace.one("reply", "talker")["message"] == r.trace.one("replying", "MainProcess")["message"]


@pytest.mark.claim("COMM-11")
def test_one_way_pipe_is_receive_end_then_send_end(run_scenario, start_method):
    """Pipe(duplex=False) returns (read-only, write-only); the child sends on the second, the parent reads the first."""
    r = pipe_run(run_scenario, start_method)
    flags = [(end["readable"], end["writable"]) for end in r.trace.one("pipe-made")["one_way"]]
    assert flags == [(True, False), (False, True)]
    assert r.trace.one("one-way", "MainProcess")["message"] == "one way"


@pytest.mark.claim("COMM-11")
def test_using_a_one_way_end_backwards_raises_oserror(run_scenario, start_method):
    """send() on the receive end and recv() on the send end raise OSError with a read-only/write-only message."""
    r = pipe_run(run_scenario, start_method)
    assert r.trace.one("send-on-receive-only", "MainProcess")["raised"] == {
        "module": "builtins",
        "name": "OSError",
        "message": "connection is read-only",
    }
    assert r.trace.one("recv-on-send-only", "talker")["raised"] == {
        "module": "builtins",
        "name": "OSError",
        "message": "connection is write-only",
    }


@pytest.mark.claim("COMM-12")
def test_recv_returns_only_after_the_send(run_scenario, start_method):
    """The talker waits in recv() first; the reply it gets was sent afterwards."""
    r = pipe_run(run_scenario, start_method)
    waiting = r.trace.one("awaiting-reply", "talker").seq
    replying = r.trace.one("replying", "MainProcess").seq
    reply = r.trace.one("reply", "talker").seq
    assert waiting < replying < reply


@pytest.mark.claim("COMM-12")
def test_recv_raises_eoferror_once_the_last_peer_copy_is_closed(run_scenario, start_method):
    """After the talker exits its last message is still read; while the parent's copy is open no EOF, then EOFError."""
    r = pipe_run(run_scenario, start_method)
    assert r.trace.one("after-exit", "MainProcess")["message"] == "last word"
    assert r.trace.one("peer-copy-open-poll", "MainProcess")["ready"] is False
    assert r.trace.one("peer-closed-poll", "MainProcess")["ready"] is True
    assert r.trace.one("recv-after-close", "MainProcess")["raised"] == {
        "module": "builtins",
        "name": "EOFError",
        "message": "",
    }
