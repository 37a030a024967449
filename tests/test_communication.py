"""Section "Process communication": multiprocessing.Queue and multiprocessing.Pipe.

Scenario ``communication``: the note's producer "set_data" and consumer "get_data"
sharing a Queue (variants ``queue``, ``queue-as-noted``, ``queue-late-print``), many
producers and consumers (``crowd``), copies made on the way (``copy``) and the two
ends of a Pipe (``pipe``, ``pipe-late-print``, ``pipe-shared``).
"""

from __future__ import annotations

import pytest

from harness.claims.catalogue.communication import (
    LATE_CHILD,
    LATE_PRODUCER,
    PIPE_END_CLASS,
    POLL_AFTER_PEER_CLOSED,
    QUEUE_EMPTY_MODULE,
    THIRD_PARTY,
)
from harness.running.spec import RunResult

GREETING = "hello world"
PRODUCER_LINE = "[set_data] set queue data : hello world"
CONSUMER_LINE = "[get_data] get queue data : hello world"
CHILD_LINE = "[child] send a message to pipe hello world:"
RECEIVED_LINE = "received message : hello world"
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
    return clean(run_scenario("communication", start_method, variant=variant), ["set_data", "get_data"])


def copy_run(run_scenario, start_method):
    return clean(run_scenario("communication", start_method, variant="copy"), ["echo"])


def pipe_run(run_scenario, start_method, variant="pipe", children=("child",)):
    return clean(run_scenario("communication", start_method, variant=variant), list(children))


def crowd_run(run_scenario, start_method):
    return clean(run_scenario("communication", start_method, variant="crowd"), PRODUCERS + CONSUMERS)


def queue_openings(lines: list[str]) -> list[str]:
    """Who printed the two Queue lines, in printed order."""
    return [line.split("]")[0].strip("[") for line in lines if line in (PRODUCER_LINE, CONSUMER_LINE)]


def pipe_openings(lines: list[str]) -> list[str]:
    """How the two Pipe lines open, in printed order."""
    return [line.split(" ")[0] for line in lines if line in (CHILD_LINE, RECEIVED_LINE)]


# --- COMM-01: the same value arrives ----------------------------------------------


@pytest.mark.claim("COMM-01")
def test_queue_item_arrives_in_another_process_with_equal_value(run_scenario, start_method, observe):
    """What the producer puts, the consumer gets, with the same value."""
    r = queue_run(run_scenario, start_method)
    assert (r.trace.one("putting").process, r.trace.one("got").process) == ("set_data", "get_data")
    observe([r.trace.one("putting")["message"], r.trace.one("got")["message"]])


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
def test_get_called_first_returns_only_after_the_put(run_scenario, start_method, observe):
    """The consumer announces its get() before the producer may put; the get returns after the put began."""
    r = queue_run(run_scenario, start_method)
    getting = r.trace.one("getting", "get_data").seq
    putting = r.trace.one("putting", "set_data").seq
    got = r.trace.one("got", "get_data")
    observe(getting < putting < got.seq and got["message"] == GREETING)


# --- COMM-03: FIFO ------------------------------------------------------------------


@pytest.mark.claim("COMM-03")
def test_one_producers_items_come_out_in_put_order(run_scenario, start_method, observe):
    """Ten numbers put 0..9 are got back as 0..9."""
    r = queue_run(run_scenario, start_method)
    assert r.trace.one("put-sequence", "set_data")["items"] == list(range(10))
    observe(r.trace.one("got-sequence", "get_data")["items"])


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
def test_get_on_empty_queue_with_timeout_raises_queue_empty(run_scenario, start_method, observe):
    """get(timeout=0.02) and get_nowait() on the drained queue raise exactly queue.Empty."""
    r = queue_run(run_scenario, start_method)
    events = r.trace.named("empty-get", "get_data")
    assert [e["how"] for e in events] == ["get-timeout", "get_nowait"]
    module = observe.expect(QUEUE_EMPTY_MODULE)
    for e in events:
        assert e["raised"] == {"module": module, "name": "Empty", "message": ""}
        observe("queue.Empty" if e["is_queue_empty"] else f"{e['raised']['module']}.{e['raised']['name']}")


# --- COMM-05: many producers and consumers ------------------------------------------


@pytest.mark.claim("COMM-05")
def test_every_item_is_delivered_exactly_once(run_scenario, start_method, observe):
    """Three producers put 30 items on one queue; three consumers take all 30, none twice."""
    r = crowd_run(run_scenario, start_method)
    produced = [item for e in r.trace.named("produced") for item in e["items"]]
    consumed = [item for e in r.trace.named("consumed") for item in e["items"]]
    assert sorted(produced) == sorted([p, n] for p in PRODUCERS for n in range(10))
    assert sorted(e.process for e in r.trace.named("produced")) == PRODUCERS
    assert sorted(e.process for e in r.trace.named("consumed")) == CONSUMERS
    observe(sorted(consumed) == sorted(produced))


@pytest.mark.claim("COMM-05")
def test_end_markers_come_after_every_producer_finished(run_scenario, start_method):
    """The consumers stop on the parent's markers, which follow the joined producers' items."""
    r = crowd_run(run_scenario, start_method)
    markers = r.trace.one("putting-end-markers", "MainProcess")
    assert markers["count"] == 3
    assert [e.seq < markers.seq for e in r.trace.named("produced")] == [True] * 3
    assert [e.seq > markers.seq for e in r.trace.named("consumed")] == [True] * 3


# --- COMM-06 / COMM-13: the order of the two printed lines ------------------------------


@pytest.mark.claim("COMM-06")
def test_producer_line_first_when_it_prints_before_the_get(run_scenario, start_method, observe):
    """The note's order, made certain: the producer prints before the consumer asks, so its line is first."""
    r = queue_run(run_scenario, start_method, variant="queue-as-noted")
    assert r.stdout_lines == [PRODUCER_LINE, CONSUMER_LINE]
    observe(queue_openings(r.stdout_lines))


@pytest.mark.claim("COMM-06")
def test_consumer_line_can_come_first(run_scenario, start_method, observe):
    """When the producer prints late, the consumer's line comes first although the put still came first."""
    r = queue_run(run_scenario, start_method, variant="queue-late-print")
    assert r.trace.one("got", "get_data")["message"] == GREETING
    observe(queue_openings(r.stdout_lines), condition=LATE_PRODUCER)


@pytest.mark.claim("COMM-13")
def test_child_line_first_when_it_prints_before_the_parent(run_scenario, start_method, observe):
    """The note's order, made certain: the child prints before the parent prints what it received."""
    r = pipe_run(run_scenario, start_method)
    observe(pipe_openings(r.stdout_lines))


@pytest.mark.claim("COMM-13")
def test_parent_line_can_come_first(run_scenario, start_method, observe):
    """When the child prints after the parent's line, the parent's 'received message' line is first."""
    r = pipe_run(run_scenario, start_method, variant="pipe-late-print")
    assert r.stdout_lines == [RECEIVED_LINE, CHILD_LINE]
    observe(pipe_openings(r.stdout_lines), condition=LATE_CHILD)


# --- COMM-08 .. COMM-14: Pipe --------------------------------------------------------


@pytest.mark.claim("COMM-08")
def test_pipe_message_sent_by_child_is_received_by_parent(run_scenario, start_method, observe):
    """Pipe() gives two Connection objects; the child's message on its end is received on the parent's."""
    r = pipe_run(run_scenario, start_method)
    assert [end["type"] for end in r.trace.one("pipe-made")["duplex"]] == [observe.expect(PIPE_END_CLASS)] * 2
    sent = r.trace.one("sent", "child")
    received = r.trace.one("received", "MainProcess")
    assert r.stdout_lines[:2] == [CHILD_LINE, RECEIVED_LINE]
    observe([sent["message"], received["message"]])


def deliveries(r: RunResult, *events: str) -> list[tuple[str, int, int]]:
    """Each message taken off the pipe: its text, the pid that pickled it (send), the pid that unpickled it (recv)."""
    return [(e["message"], e["sent_by"], e["received_by"]) for e in r.trace if e.event in events]


def pids_that_used_it(used: list[tuple[str, int, int]]) -> int:
    """How many processes pickled or unpickled a message of the pipe."""
    return len({pid for _, sent_by, received_by in used for pid in (sent_by, received_by)})


@pytest.mark.claim("COMM-09")
def test_pipe_has_two_ends_and_sender_does_not_see_its_message(run_scenario, start_method, observe):
    """Exactly two ends; every message on them was sent and received by the parent or the child, by pid."""
    r = pipe_run(run_scenario, start_method)
    made = r.trace.one("pipe-made")
    assert (len(made["duplex"]), len(made["one_way"])) == (2, 2)
    assert r.trace.one("own-end-poll", "child")["pending"] is False
    used = deliveries(r, "received", "shared-end-delivery", "reply", "after-exit")
    observe(pids_that_used_it(used))
    # The pids as the OS gives them: Process.pid and os.getpid() in the parent, os.getpid() in the child.
    parties = r.trace.one("parties", "MainProcess")
    parent, child = parties["parent"], parties["child"]
    assert (parent, child) == (parties.pid, r.trace.one("sent", "child").pid)
    assert parent != child
    assert used == [
        (GREETING, child, parent),
        ("from the shared end", parent, parent),
        ("reply", parent, child),
        ("last word", child, parent),
    ]


@pytest.mark.claim("COMM-09")
def test_one_end_can_be_shared_and_messages_go_to_the_other_end_only(run_scenario, start_method):
    """The parent also sends on the child's end: it arrives at the parent's end, never at the waiting child."""
    r = pipe_run(run_scenario, start_method)
    parent = r.trace.one("parties", "MainProcess")["parent"]
    assert deliveries(r, "shared-end-delivery") == [("from the shared end", parent, parent)]
    assert r.trace.one("reply", "child")["message"] == "reply"
    assert r.trace.one("after-exit", "MainProcess")["message"] == "last word"


@pytest.mark.claim("COMM-09")
def test_a_third_process_can_use_a_copied_end(run_scenario, start_method, observe):
    """Two children holding copies of one end both send on it; the parent receives both messages, by pid."""
    r = pipe_run(run_scenario, start_method, variant="pipe-shared", children=("child", "second"))
    used = sorted(deliveries(r, "received"))
    observe(pids_that_used_it(used), condition=THIRD_PARTY)
    parties = r.trace.one("parties", "MainProcess")
    parent = parties["parent"]
    assert parent == parties.pid
    assert {name: r.trace.one("sent", name).pid for name in ("child", "second")} == {
        "child": parties["child"],
        "second": parties["second"],
    }
    assert used == [("child", parties["child"], parent), ("second", parties["second"], parent)]


@pytest.mark.claim("COMM-10")
def test_both_ends_of_a_default_pipe_send_and_receive(run_scenario, start_method, observe):
    """Both ends are readable and writable; the child's end sends, and also receives the parent's reply."""
    r = pipe_run(run_scenario, start_method)
    flags = [(end["readable"], end["writable"]) for end in r.trace.one("pipe-made")["duplex"]]
    assert r.trace.one("received", "MainProcess")["message"] == GREETING
    assert r.trace.one("reply", "child")["message"] == r.trace.one("replying", "MainProcess")["message"]
    observe(flags == [(True, True), (True, True)])


@pytest.mark.claim("COMM-11")
def test_one_way_pipe_is_receive_end_then_send_end(run_scenario, start_method, observe):
    """Pipe(duplex=False) returns (read-only, write-only); the child sends on the second, the parent reads the first."""
    r = pipe_run(run_scenario, start_method)
    assert r.trace.one("one-way", "MainProcess")["message"] == "one way"
    observe([[end["readable"], end["writable"]] for end in r.trace.one("pipe-made")["one_way"]])


@pytest.mark.claim("COMM-11")
def test_using_a_one_way_end_backwards_raises_oserror(run_scenario, start_method):
    """send() on the receive end and recv() on the send end raise OSError with a read-only/write-only message."""
    r = pipe_run(run_scenario, start_method)
    assert r.trace.one("send-on-receive-only", "MainProcess")["raised"] == {
        "module": "builtins",
        "name": "OSError",
        "message": "connection is read-only",
    }
    assert r.trace.one("recv-on-send-only", "child")["raised"] == {
        "module": "builtins",
        "name": "OSError",
        "message": "connection is write-only",
    }


@pytest.mark.claim("COMM-12")
def test_recv_returns_only_after_the_send(run_scenario, start_method, observe):
    """The child waits in recv() first; the reply it gets was sent afterwards."""
    r = pipe_run(run_scenario, start_method)
    waiting = r.trace.one("awaiting-reply", "child").seq
    replying = r.trace.one("replying", "MainProcess").seq
    reply = r.trace.one("reply", "child")
    observe(waiting < replying < reply.seq and reply["message"] == "reply")


@pytest.mark.claim("COMM-14")
def test_recv_raises_eoferror_once_the_last_peer_copy_is_closed(run_scenario, start_method, observe):
    """After the child exits its last message is still read; while the parent's copy is open no EOF, then EOFError."""
    r = pipe_run(run_scenario, start_method)
    assert r.trace.one("after-exit", "MainProcess")["message"] == "last word"
    assert r.trace.one("peer-copy-open-poll", "MainProcess")["ready"] is False
    poll = r.trace.one("peer-closed-poll", "MainProcess")
    polled = poll["ready"] if poll["raised"] is None else poll["raised"]["name"]
    assert polled == observe.expect(POLL_AFTER_PEER_CLOSED)
    raised = r.trace.one("recv-after-close", "MainProcess")["raised"]
    assert (raised or {}).get("message") == ""
    observe((raised or {}).get("name"))
