"""Claims of the section: Process communication: Queue and Pipe."""

from __future__ import annotations

from harness.claims import Claim, Section, Variation, Verdict

SECTION = Section("COMM", "Process communication: Queue and Pipe", "프로세스 간 통신: Queue와 Pipe")

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "COMM-01",
        SECTION,
        "multiprocessing offers Queue and Pipe to move data between processes; what one process hands over "
        "reaches the other as an equal copy, not as the same object.",
        "multiprocessing은 프로세스 사이에 데이터를 옮기는 수단으로 Queue와 Pipe를 제공하며, 한 프로세스가 넘긴 "
        "값은 같은 객체가 아니라 값이 같은 복사본으로 상대 프로세스에 도착한다.",
        Verdict.HOLDS,
        "Both pickle the object and the receiver unpickles a new one; a Queue pickles in its feeder thread "
        "after put() returns, so a change made just after put() may travel (Pipe.send() pickles at once).",
    ),
    Claim(
        "COMM-02",
        SECTION,
        "Queue.get() waits until there is an item: a consumer that asks first gets its answer only after "
        "a producer has put one.",
        "Queue.get()은 꺼낼 항목이 생길 때까지 기다린다. 먼저 get()을 부른 소비자는 생산자가 항목을 넣은 뒤에야 "
        "값을 받는다.",
        Verdict.HOLDS,
        "get() with block=True polls the queue's pipe without a deadline until a message can be read.",
    ),
    Claim(
        "COMM-03",
        SECTION,
        "Items one producer puts on a Queue are taken out in the order they were put (first in, first out).",
        "한 생산자가 Queue에 넣은 항목은 넣은 순서 그대로(선입선출) 꺼내진다.",
        Verdict.HOLDS,
        "One feeder thread writes the buffered items to a single pipe in order, and the pipe keeps that order.",
    ),
    Claim(
        "COMM-04",
        SECTION,
        "(Not in the document; the bounded form of waiting.) get() with a timeout, or get_nowait(), on an "
        "empty Queue raises queue.Empty.",
        "(문서에는 없음: 기다림에 한도를 둔 형태) 빈 Queue에서 timeout을 준 get()이나 get_nowait()는 "
        "queue.Empty를 일으킨다.",
        Verdict.HOLDS,
        "multiprocessing.queues imports Empty from the queue module, so the class is queue.Empty itself "
        "(defined in _queue from 3.7, bpo-14976).",
        variations=(
            Variation(
                "queue.Empty is defined in the queue module itself on 3.6; from 3.7 in _queue (bpo-14976).",
                breaks_claim=False,
                until=(3, 7),
            ),
            Variation(
                "PyPy keeps queue.Empty in the pure-Python queue module (no _queue class).",
                breaks_claim=False,
                implementations=("pypy",),
            ),
        ),
    ),
    Claim(
        "COMM-05",
        SECTION,
        "Several producers and several consumers can use one Queue at once; each item reaches exactly one "
        "consumer, exactly once.",
        "여러 생산자와 여러 소비자가 한 Queue를 함께 쓸 수 있고, 각 항목은 정확히 한 소비자에게 한 번만 전달된다.",
        Verdict.HOLDS,
        "Writers and readers are serialised by the queue's locks, and each message is read from the pipe once.",
    ),
    Claim(
        "COMM-06",
        SECTION,
        "In the document's run the producer's line is printed before the consumer's.",
        "문서의 실행 결과에서는 생산자의 출력이 소비자의 출력보다 먼저 나온다.",
        Verdict.CAVEAT,
        "Only put-before-get-returns is guaranteed; the two prints race (the 1 s sleep makes the shown order "
        "likely), and with unbuffered stdout two lines can even mix.",
    ),
    Claim(
        "COMM-07",
        SECTION,
        "A Queue is what people usually pick for simple data exchange between processes.",
        "값을 단순히 주고받을 때 널리 쓰이는 선택은 Queue다.",
        Verdict.OPINION,
        "A statement about common practice; no program can check it.",
        start_methods=(),
    ),
    Claim(
        "COMM-08",
        SECTION,
        "Pipe() gives two connection objects; a message sent on one of them is received on the other.",
        "Pipe()는 연결 객체 두 개를 돌려주며, 한쪽에서 보낸 메시지는 다른 쪽에서 받는다.",
        Verdict.HOLDS,
        "multiprocessing.connection.Pipe returns a pair of Connection objects joined by a socketpair "
        "(duplex) or an os.pipe (one-way).",
    ),
    Claim(
        "COMM-09",
        SECTION,
        "A pipe connects exactly two parties, one to one.",
        "Pipe는 두 당사자만 잇는 일대일 통로다.",
        Verdict.CAVEAT,
        "It has exactly two ends and a message goes only to the opposite end, once; but nothing stops several "
        "processes from holding one end, which the docs warn may corrupt data when used at the same time.",
    ),
    Claim(
        "COMM-10",
        SECTION,
        "By default both ends of a Pipe can send and receive; the document's example relies on the child's "
        "end sending.",
        "Pipe의 두 끝은 기본적으로 모두 보내고 받을 수 있으며, 문서의 예제는 자식 쪽 끝이 보내는 것에 기대고 있다.",
        Verdict.HOLDS,
        "Pipe(duplex=True) is the default and makes both Connection objects readable and writable.",
    ),
    Claim(
        "COMM-11",
        SECTION,
        "Pipe(duplex=False) gives (receive-only end, send-only end); using an end the wrong way raises OSError.",
        "Pipe(duplex=False)는 (받기 전용 끝, 보내기 전용 끝)을 돌려주며, 끝을 반대 용도로 쓰면 OSError가 난다.",
        Verdict.HOLDS,
        "The first end is made readable only and the second writable only; send() on the first raises "
        "OSError('connection is read-only'), recv() on the second OSError('connection is write-only').",
    ),
    Claim(
        "COMM-12",
        SECTION,
        "recv() waits until a message arrives; once every copy of the other end is closed and nothing is left "
        "to read, it raises EOFError.",
        "recv()는 메시지가 올 때까지 기다리며, 상대 끝의 모든 사본이 닫히고 읽을 것이 없으면 EOFError를 일으킨다.",
        Verdict.HOLDS,
        "Connection._recv raises EOFError on end of file before a message; the OS reports end of file only when "
        "no process holds the peer end open.",
    ),
)
