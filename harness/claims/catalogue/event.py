"""Claims of the section: Process events (note lines 189-253)."""

from __future__ import annotations

from harness.claims.model import Claim, Expectation, NoteFact, Section, Variation, Verdict

SECTION = Section("EVENT", "event", "Process events", "프로세스 이벤트", (189, 253))

SET_IN_THE_GAP = "set() lands between a timed-out wait and the loop's is_set() test"
STATUS = r"event status : \((\w+)\)$"

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "EVENT-01",
        SECTION,
        "A multiprocessing Event set by one process wakes the processes waiting on it: the parent's set() "
        "releases one child, and a child's set() releases another child.",
        "한 프로세스가 multiprocessing Event를 set하면 그 이벤트를 기다리던 다른 프로세스가 깨어난다: 부모의 "
        "set()은 자식을, 자식의 set()은 다른 자식을 풀어 준다.",
        Verdict.HOLDS,
        "The flag and its condition are OS semaphores shared by every process holding the Event "
        "(synchronize.SemLock): on POSIX a sem_open semaphore, unlinked at creation in a fork context (unlink_now; "
        "children inherit it), kept by name for spawn and forkserver children to open; on Windows an unnamed "
        "semaphore whose handle the child is given. Whatever the start method, all share one state.",
        note=NoteFact((244, 252), ["first", "second"], pattern=r"^\[(\w+)\] e\d is set$"),
    ),
    Claim(
        "EVENT-02",
        SECTION,
        "wait() with a timeout gives back False when the time runs out with the flag clear and True once "
        "the flag is set, which is what the transcript's '(False)' and '(True)' show.",
        "시간 제한을 준 wait()는 플래그가 꺼진 채 시간이 다 되면 False를, 플래그가 켜지면 True를 돌려준다. "
        "실행 결과의 '(False)'와 '(True)'가 바로 그 값이다.",
        Verdict.HOLDS,
        "Event.wait returns the flag's state when it returns (a real bool, not None); same code 3.6-3.13.",
        note=NoteFact((236, 251), [False, True], pattern=STATUS, distinct=True),
    ),
    Claim(
        "EVENT-03",
        SECTION,
        "The two events form a relay over three processes: the parent sets e1, 'first' notices it and sets e2, "
        "then 'second' notices e2; until then 'second' keeps reporting False, even after e1 was set.",
        "두 이벤트는 세 프로세스에 걸친 릴레이가 된다: 부모가 e1을 켜면 'first'가 이를 보고 e2를 켜고, 이어서 "
        "'second'가 e2를 본다. 그 전까지 'second'는 e1이 켜진 뒤에도 계속 False를 보고한다.",
        Verdict.HOLDS,
        "The relay order is fixed by the events themselves; the transcript's neat first/second alternation "
        "while both poll is not (it comes from equal 1 s timeouts and the scheduler).",
        note=NoteFact(
            (244, 252),
            ["set e1", "[first] e1 is set", "[first] set e2", "[second] e2 is set"],
            pattern=r"^(set e1|\[\w+\] e\d is set|\[\w+\] set e\d)$",
        ),
    ),
    Claim(
        "EVENT-04",
        SECTION,
        "The event's state is one state for all processes: after set() in one process is_set() is True "
        "in the others, and after clear() it is False there.",
        "이벤트의 상태는 모든 프로세스에 하나뿐이다: 한 프로세스에서 set()하면 다른 프로세스의 is_set()도 "
        "True가 되고, clear()하면 False가 된다.",
        Verdict.HOLDS,
        "is_set/set/clear operate on the shared semaphore behind the Event, not on a per-process copy; the "
        "note's loops rely on it (they test is_set() on events other processes set).",
        note=NoteFact((196, 207), True, mentions=("e1.is_set()", "e2.is_set()")),
    ),
    Claim(
        "EVENT-05",
        SECTION,
        "Using events between processes is not the recommended way, because multiprocessing offers other "
        "means of communication.",
        "multiprocessing에는 다른 통신 수단이 있으므로 프로세스 간에 이벤트를 쓰는 것은 권장되지 않는다.",
        Verdict.OPINION,
        "A judgement on which primitive to prefer; nothing in it can be run or measured.",
        note=NoteFact((190, 190), None, mentions=("권장",)),
        start_methods=(),
    ),
    Claim(
        "EVENT-06",
        SECTION,
        "The example's polling loop always leads 'first' to notice e1 and pass the signal on to e2.",
        "예제의 폴링 루프라면 'first'는 반드시 e1을 알아차리고 e2로 신호를 넘긴다.",
        Verdict.CAVEAT,
        "Only if set() lands during a wait: if it lands after a wait timed out and before the loop's "
        "is_set() test, the loop just ends, e2 is never set and 'second' would poll forever.",
        note=NoteFact((196, 203), True, mentions=("is_set()", "wait(1)", "e2.set()")),
        expectation=Expectation(
            "EVENT-06/observed",
            "whether 'first' passes the signal on to e2",
            True,
            (
                Variation(
                    "The loop tests is_set() before each wait: a set() landing after a timed-out wait ends the "
                    "loop without the branch that sets e2.",
                    False,
                    conditions=(SET_IN_THE_GAP,),
                ),
            ),
        ),
    ),
    Claim(
        "EVENT-07",
        SECTION,
        "set() wakes a process blocked in wait(timeout) at once, long before its timeout: the transcript's "
        "'first' reports True right after 'set e1'.",
        "set()은 wait(timeout)으로 막혀 있는 프로세스를 시간 제한보다 훨씬 먼저 곧바로 깨운다: 실행 결과에서 "
        "'first'는 'set e1' 바로 뒤에 True를 보고한다.",
        Verdict.HOLDS,
        "wait() blocks on the Event's condition, which set() notifies; it does not wait out the timeout.",
        note=NoteFact(
            (244, 245),
            True,
            pattern=r"^(set e1|\[first\] event status : \(\w+\))$",
            extracted=["set e1", "[first] event status : (True)"],
        ),
    ),
    Claim(
        "EVENT-08",
        SECTION,
        "In the note's example, where no event is ever cleared, a wait(timeout) that gives back False has "
        "waited the whole timeout: each '(False)' in the transcript stands for a full wait.",
        "이벤트를 한 번도 clear()하지 않는 노트의 예제에서는, False를 돌려준 wait(timeout)은 시간 제한을 다 "
        "기다린 것이다: 실행 결과의 '(False)' 하나가 한 번의 온전한 기다림이다.",
        Verdict.HOLDS,
        "Event.wait returns the flag as it finds it when the condition's wait ends (synchronize.Event.wait, the "
        "same 3.6-3.13). That wait ends at the timeout or when set() notifies it; a clear() that gets the lock "
        "after that set() and before the woken waiter re-checks makes it return False early. The note never "
        "clears, so its False waits are full ones.",
        note=NoteFact((236, 243), True, pattern=STATUS, extracted=[False] * 8),
    ),
)
