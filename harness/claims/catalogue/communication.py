"""Claims of the section: Process communication: Queue and Pipe (note lines 258-323)."""

from __future__ import annotations

from harness.claims.model import Claim, Expectation, NoteFact, Section, Variation, Verdict

SECTION = Section(
    "COMM", "communication", "Process communication: Queue and Pipe", "프로세스 간 통신: Queue와 Pipe", (258, 323)
)

LATE_PRODUCER = "the producer prints after the consumer's get() returned"
LATE_CHILD = "the child prints after the parent printed what it received"
THIRD_PARTY = "a second child holds a copy of the child's end"

QUEUE_EMPTY_MODULE = Expectation(
    "queue-empty-module",
    "the module that defines the queue.Empty class",
    "_queue",
    (
        Variation(
            "3.6 defines queue.Empty in the queue module itself; 3.7 moved it to _queue (bpo-14976).",
            "queue",
            until=(3, 7),
        ),
        Variation("PyPy keeps queue.Empty in the pure-Python queue module.", "queue", implementations=("pypy",)),
    ),
)

PIPE_END_CLASS = Expectation(
    "pipe-end-class",
    "the class of the two objects Pipe() returns",
    "Connection",
    (
        Variation(
            "On Windows Pipe() joins two named-pipe handles, wrapped in multiprocessing.connection.PipeConnection "
            "(overlapped I/O); POSIX wraps a socketpair or an os.pipe in Connection.",
            "PipeConnection",
            platforms=("win32",),
        ),
    ),
)

POLL_AFTER_PEER_CLOSED = Expectation(
    "poll-after-peer-closed",
    "what poll() on a Pipe end with nothing left to read gives once every copy of the other end is closed: "
    "its result, or the class of the exception it raises",
    True,
    (
        Variation(
            "On Windows poll() first asks PeekNamedPipe how much is waiting, which fails with ERROR_BROKEN_PIPE "
            "once the other end is closed: poll() raises BrokenPipeError instead of reporting the end of file as "
            "ready (gh-85180, bpo-41008, open); recv() then raises EOFError as on POSIX.",
            "BrokenPipeError",
            platforms=("win32",),
        ),
    ),
)

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "COMM-01",
        SECTION,
        "multiprocessing offers Queue and Pipe to move data between processes; what one process hands over "
        "reaches the other with the same value.",
        "multiprocessing은 프로세스 사이에 데이터를 옮기는 수단으로 Queue와 Pipe를 제공하며, 한 프로세스가 넘긴 "
        "값은 같은 값으로 상대 프로세스에 도착한다.",
        Verdict.HOLDS,
        "Both pickle the object and the receiver unpickles a new, equal one; a Queue pickles in its feeder "
        "thread after put() returns, so a change made just after put() may travel (Pipe.send() pickles at once).",
        note=NoteFact((292, 293), ["hello world", "hello world"], pattern=r"queue data : (.+)$"),
    ),
    Claim(
        "COMM-02",
        SECTION,
        "(Beside the note's consumer, which sleeps 1 s before it asks.) Queue.get() waits until there is an "
        "item: a consumer that asks first gets its answer only after a producer has put one.",
        "(get 전에 1초 자는 노트의 소비자 옆에서) Queue.get()은 꺼낼 항목이 생길 때까지 기다린다. 먼저 get()을 "
        "부른 소비자는 생산자가 항목을 넣은 뒤에야 값을 받는다.",
        Verdict.HOLDS,
        "get() with block=True and no timeout takes the queue's read lock and does a blocking read of its pipe "
        "(queues.Queue.get, the same 3.6-3.13): it returns once a message has arrived; only a timeout makes it poll.",
        note=NoteFact((271, 273), True, mentions=("sleep(1)", "q.get()"), beside=True),
    ),
    Claim(
        "COMM-03",
        SECTION,
        "(Beside the note's Queue.) Items one producer puts on a Queue are taken out in the order they were "
        "put (first in, first out).",
        "(노트의 Queue 옆에서) 한 생산자가 Queue에 넣은 항목은 넣은 순서 그대로(선입선출) 꺼내진다.",
        Verdict.HOLDS,
        "One feeder thread writes the buffered items to a single pipe in order, and the pipe keeps that order.",
        note=NoteFact((259, 260), list(range(10)), mentions=("queue",), beside=True),
    ),
    Claim(
        "COMM-04",
        SECTION,
        "(Beside the note's get(), which has no timeout.) get() with a timeout, or get_nowait(), on an empty "
        "Queue raises queue.Empty.",
        "(시간 제한이 없는 노트의 get() 옆에서) 빈 Queue에서 timeout을 준 get()이나 get_nowait()는 "
        "queue.Empty를 일으킨다.",
        Verdict.HOLDS,
        "multiprocessing.queues imports Empty from the queue module, so the class is queue.Empty itself.",
        note=NoteFact((273, 273), "queue.Empty", mentions=("q.get()",), beside=True),
    ),
    Claim(
        "COMM-05",
        SECTION,
        "(Beside the note's one producer and one consumer.) Several producers and several consumers can use "
        "one Queue at once; each item reaches exactly one consumer, exactly once.",
        "(생산자 하나, 소비자 하나인 노트의 예제 옆에서) 여러 생산자와 여러 소비자가 한 Queue를 함께 쓸 수 있고, "
        "각 항목은 정확히 한 소비자에게 한 번만 전달된다.",
        Verdict.HOLDS,
        "Writers and readers are serialised by the queue's locks, and each message is read from the pipe once.",
        note=NoteFact((259, 260), True, mentions=("queue",), beside=True),
    ),
    Claim(
        "COMM-06",
        SECTION,
        "The producer's line is printed before the consumer's, as in the note's run.",
        "노트의 실행 결과처럼 생산자의 출력이 소비자의 출력보다 먼저 나온다.",
        Verdict.CAVEAT,
        "Only put-before-get-returns is guaranteed; the two prints race. The note's 1 s sleep makes its order "
        "likely; a producer that prints after the consumer's get() returned comes second.",
        note=NoteFact((292, 293), ["set_data", "get_data"], pattern=r"^\[(\w+)\]"),
        expectation=Expectation(
            "COMM-06/observed",
            "the processes whose lines are printed, in order",
            ["set_data", "get_data"],
            (
                Variation(
                    "Nothing orders the producer's print after its put() against the consumer's print.",
                    ["get_data", "set_data"],
                    conditions=(LATE_PRODUCER,),
                ),
            ),
        ),
    ),
    Claim(
        "COMM-07",
        SECTION,
        "A Queue is what people usually pick for simple data exchange between processes.",
        "값을 단순히 주고받을 때 널리 쓰이는 선택은 Queue다.",
        Verdict.OPINION,
        "A statement about common practice; no program can check it.",
        note=NoteFact((260, 260), None, mentions=("queue",)),
        start_methods=(),
    ),
    Claim(
        "COMM-08",
        SECTION,
        "Pipe() gives two connection objects; a message sent on one of them is received on the other.",
        "Pipe()는 연결 객체 두 개를 돌려주며, 한쪽에서 보낸 메시지는 다른 쪽에서 받는다.",
        Verdict.HOLDS,
        "multiprocessing.connection.Pipe returns a pair of Connection objects joined by a socketpair "
        "(duplex) or an os.pipe (one-way); on Windows, PipeConnection objects joined by a named pipe.",
        note=NoteFact((322, 323), ["hello world", "hello world"], pattern=r"(hello world)"),
    ),
    Claim(
        "COMM-09",
        SECTION,
        "A pipe connects exactly two parties, one to one.",
        "Pipe는 두 당사자만 잇는 일대일 통로다.",
        Verdict.CAVEAT,
        "It has exactly two ends and a message goes only to the opposite end, once; but nothing stops several "
        "processes from holding one end, which the docs warn may corrupt data when used at the same time.",
        note=NoteFact((298, 298), 2, mentions=("pipe", "1:1")),
        expectation=Expectation(
            "COMM-09/observed",
            "how many processes used the pipe",
            2,
            (
                Variation(
                    "An end is a file descriptor: every process holding a copy can use it.",
                    3,
                    conditions=(THIRD_PARTY,),
                ),
            ),
        ),
    ),
    Claim(
        "COMM-10",
        SECTION,
        "By default both ends of a Pipe can send and receive; the note's example relies on the child's end sending.",
        "Pipe의 두 끝은 기본적으로 모두 보내고 받을 수 있으며, 노트의 예제는 자식 쪽 끝이 보내는 것에 기대고 있다.",
        Verdict.HOLDS,
        "Pipe(duplex=True) is the default and makes both Connection objects readable and writable.",
        note=NoteFact((308, 308), True, mentions=("Pipe()",)),
    ),
    Claim(
        "COMM-11",
        SECTION,
        "(Beside the note's 'by default'.) Pipe(duplex=False) gives (receive-only end, send-only end); using an "
        "end the wrong way raises OSError.",
        "(노트의 '기본적으로' 옆에서) Pipe(duplex=False)는 (받기 전용 끝, 보내기 전용 끝)을 돌려주며, 끝을 반대 "
        "용도로 쓰면 OSError가 난다.",
        Verdict.HOLDS,
        "The first end is made readable only and the second writable only; send() on the first raises "
        "OSError('connection is read-only'), recv() on the second OSError('connection is write-only').",
        note=NoteFact((298, 298), [[True, False], [False, True]], mentions=("기본적으로",), beside=True),
    ),
    Claim(
        "COMM-12",
        SECTION,
        "(Beside the note's recv().) recv() waits until a message arrives.",
        "(노트의 recv() 옆에서) recv()는 메시지가 올 때까지 기다린다.",
        Verdict.HOLDS,
        "Connection.recv() blocks reading the next message from the socket or pipe.",
        note=NoteFact((311, 311), True, mentions=("recv()",), beside=True),
    ),
    Claim(
        "COMM-13",
        SECTION,
        "In the Pipe example the child's line is printed before the parent's 'received message' line, as in "
        "the note's run.",
        "Pipe 예제에서는 노트의 실행 결과처럼 자식의 출력이 부모의 'received message' 줄보다 먼저 나온다.",
        Verdict.CAVEAT,
        "As COMM-06 for the Queue: only send-before-recv-returns is guaranteed; the child's print after its "
        "send() races the parent's print after its recv().",
        note=NoteFact((322, 323), ["[child]", "received"], pattern=r"^(\[child\]|received)"),
        expectation=Expectation(
            "COMM-13/observed",
            "the two lines' openings, in printed order",
            ["[child]", "received"],
            (
                Variation(
                    "Nothing orders the child's print after its send() against the parent's print.",
                    ["received", "[child]"],
                    conditions=(LATE_CHILD,),
                ),
            ),
        ),
    ),
    Claim(
        "COMM-14",
        SECTION,
        "(Beside the note's recv().) Once every copy of the other end is closed and nothing is left to read, "
        "recv() raises EOFError.",
        "(노트의 recv() 옆에서) 상대 끝의 모든 사본이 닫히고 읽을 것이 없으면 recv()는 EOFError를 일으킨다.",
        Verdict.HOLDS,
        "Connection._recv raises EOFError on end of file before a message; the OS reports end of file only when "
        "no process holds the peer end open.",
        note=NoteFact((311, 311), "EOFError", mentions=("recv()",), beside=True),
    ),
)
