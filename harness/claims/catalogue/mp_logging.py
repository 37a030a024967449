"""Claims of the section on multiprocessing's logging (note lines 8-69)."""

from __future__ import annotations

from harness.claims.model import Claim, Comparison, Expectation, NoteFact, Section, Variation, Verdict

SECTION = Section("LOG", "mp_logging", "multiprocessing's log", "multiprocessing의 로그", (8, 69))

# multiprocessing's lifecycle messages (multiprocessing/process.py and util.py), the same 3.6-3.13.
RUN = "child process calling self.run()"
SHUTTING_DOWN = "process shutting down"
FINALIZERS_ALL = 'running all "atexit" finalizers with priority >= 0'
FINALIZERS_REST = 'running the remaining "atexit" finalizers'
EXITING = "process exiting with exitcode "  # and the exit code
EXIT_0 = EXITING + "0"
JOIN = "calling join() for process "  # and the child's name
TERMINATE = "calling terminate() for daemon "  # and the daemon's name
CHILDREN = ["Process-1", "Process-2", "Process-3", "Process-4", "Process-5"]
LOG_LINE = r"^\[(?:INFO|DEBUG)/{}\] (.*)$"

VIA_CONTEXT = "created through get_context(method).Process"

HAND_MADE_HANDLERS_IN_CHILD = Expectation(
    "hand-made-handlers-in-child",
    "how many handlers a child's multiprocessing logger has when the parent added one by hand",
    1,
    (
        Variation(
            "spawn and forkserver children re-create only log_to_stderr()'s handler (spawn.prepare()); a handler "
            "added by hand is not passed on, so their records are lost.",
            0,
            start_methods=("spawn", "forkserver"),
        ),
    ),
)

NEITHER_IN_START_ORDER = Comparison(
    "neither the observed nor the note's order is the start order",
    lambda seen, shown: seen != sorted(seen) and shown != sorted(shown),
)

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "LOG-01",
        SECTION,
        "log_to_stderr() sends multiprocessing's log records to standard error, not standard output.",
        "log_to_stderr()는 multiprocessing의 로그를 표준 출력이 아닌 표준 에러로 보낸다.",
        Verdict.HOLDS,
        "It adds a logging.StreamHandler whose stream is sys.stderr (multiprocessing/util.py).",
        note=NoteFact((16, 17), "sys.stderr", pattern=r"(sys\.std[a-z]+)"),
    ),
    Claim(
        "LOG-02",
        SECTION,
        "The format log_to_stderr() installs is shown with backslashes between the level, "
        "the process name and the message.",
        "log_to_stderr()의 로그 형식은 레벨, 프로세스 이름, 메시지 사이를 백슬래시로 구분한다고 적혀 있다.",
        Verdict.WRONG,
        "The format is '[%(levelname)s/%(processName)s] %(message)s': a slash and a space, "
        "as the note's own transcript shows.",
        note=NoteFact((16, 16), "\\", pattern=r"%\(levelname\)s(.)%\(processName\)s"),
        expectation=Expectation("LOG-02/observed", "the character between level and process name", "/"),
    ),
    Claim(
        "LOG-03",
        SECTION,
        "get_logger() returns multiprocessing's logger, the object log_to_stderr() configures; "
        "a level must be set on it to see INFO and DEBUG records.",
        "get_logger()는 log_to_stderr()가 설정하는 multiprocessing 로거를 돌려주며, INFO·DEBUG 로그를 보려면 "
        "레벨을 지정해야 한다.",
        Verdict.HOLDS,
        "Logger 'multiprocessing' has level NOTSET (effective WARNING) and no handler until configured; "
        "log_to_stderr() returns the same object.",
        note=NoteFact((16, 19), True, mentions=("log_to_stderr()", "get_logger()", "setLevel", "DEBUG")),
    ),
    Claim(
        "LOG-04",
        SECTION,
        "Each child logs, in order: that it calls run(), that it is shutting down, the two DEBUG "
        "atexit-finalizer lines, and that it exits with exit code 0.",
        "각 자식 프로세스는 run() 호출, 종료 시작, 두 줄의 DEBUG atexit finalizer, exitcode 0 종료를 차례로 기록한다.",
        Verdict.VERSION,
        "Up to 3.12 _bootstrap runs the exit function before logging the exit code; from 3.13 the exit "
        "function runs through atexit after it, so 'exiting with exitcode 0' comes first (gh-83856).",
        note=NoteFact(
            (35, 65),
            [RUN, SHUTTING_DOWN, FINALIZERS_ALL, FINALIZERS_REST, EXIT_0],
            pattern=LOG_LINE.format("Process-2"),
        ),
        expectation=Expectation(
            "LOG-04/observed",
            "a child's lifecycle lines, in order",
            [RUN, SHUTTING_DOWN, FINALIZERS_ALL, FINALIZERS_REST, EXIT_0],
            (
                Variation(
                    "From 3.13 the exit function runs through atexit after _bootstrap logs the exit code, so "
                    "'process exiting with exitcode 0' precedes 'process shutting down' (gh-83856, PR #114279).",
                    [RUN, EXIT_0, SHUTTING_DOWN, FINALIZERS_ALL, FINALIZERS_REST],
                    since=(3, 13),
                ),
            ),
        ),
    ),
    Claim(
        "LOG-05",
        SECTION,
        "At exit the parent logs that it is shutting down, runs the atexit finalizers, logs a join for "
        "each child still running, then runs the remaining finalizers.",
        "부모는 종료할 때 종료 시작, atexit finalizer 실행, 아직 실행 중인 자식마다 join 호출, 남은 finalizer "
        "실행을 차례로 기록한다.",
        Verdict.HOLDS,
        "multiprocessing.util._exit_function logs these steps in this order; unchanged 3.6-3.13.",
        note=NoteFact(
            (32, 69),
            [SHUTTING_DOWN, FINALIZERS_ALL, *[JOIN + "Process-N"] * 5, FINALIZERS_REST],
            pattern=LOG_LINE.format("MainProcess"),
            normalise=((r"Process-\d+", "Process-N"),),
        ),
    ),
    Claim(
        "LOG-06",
        SECTION,
        "Although the program never calls join(), the parent waits for every child before it exits.",
        "프로그램이 join()을 호출하지 않아도 부모는 종료 전에 모든 자식을 기다린다.",
        Verdict.HOLDS,
        "util._exit_function, registered with atexit, joins (no timeout) every child active_children() still "
        "lists, after terminating the daemonic ones; the note's children are not daemons, so it waits for each "
        "(the same 3.6-3.13).",
        note=NoteFact(
            (32, 69), CHILDREN, pattern=r"^\[INFO/(Process-\d+)\] process exiting with exitcode 0$", unordered=True
        ),
    ),
    Claim(
        "LOG-07",
        SECTION,
        "Unnamed processes are called Process-1, Process-2, ... in the order they were created.",
        "이름을 주지 않은 프로세스는 생성 순서대로 Process-1, Process-2, ...로 불린다.",
        Verdict.CAVEAT,
        "The name is the class name plus a per-process counter: plain multiprocessing.Process, as in the note, "
        "gives 'Process-N'; a reader who creates processes through a context gets SpawnProcess-N, "
        "ForkProcess-N or ForkServerProcess-N.",
        note=NoteFact(
            (32, 69), CHILDREN, pattern=r"/(Process-\d+)\] child process calling self\.run\(\)$", unordered=True
        ),
        expectation=Expectation(
            "LOG-07/observed",
            "the names of unnamed children, in creation order",
            CHILDREN,
            tuple(
                Variation(
                    f"A context's Process class is {prefix}Process; the name is the class name plus the counter.",
                    [f"{prefix}Process-{i}" for i in range(1, 6)],
                    start_methods=(method,),
                    conditions=(VIA_CONTEXT,),
                )
                for method, prefix in (("fork", "Fork"), ("spawn", "Spawn"), ("forkserver", "ForkServer"))
            ),
        ),
    ),
    Claim(
        "LOG-08",
        SECTION,
        "Children run and finish in an order unrelated to the order they were started.",
        "자식 프로세스의 실행·종료 순서는 시작 순서와 무관하다.",
        Verdict.HOLDS,
        "Nothing orders them: the scheduler decides, and the note's transcript shows one such order (counts "
        "1, 3, 2, 4, 0); a run whose children wait for each other in reverse finishes 4, 3, 2, 1, 0.",
        note=NoteFact((32, 69), [1, 3, 2, 4, 0], pattern=r"^count : (\d+)$"),
        expectation=Expectation("LOG-08/observed", "the order children print their counts", [4, 3, 2, 1, 0]),
        holds_if=NEITHER_IN_START_ORDER,
    ),
    Claim(
        "LOG-09",
        SECTION,
        "Children print multiprocessing's log lines too, with the level the parent set, also when they are "
        "started by spawn as on Windows.",
        "자식 프로세스도 부모가 정한 레벨로 로그를 남기며, Windows처럼 spawn으로 시작해도 마찬가지다.",
        Verdict.HOLDS,
        "fork copies the logger; spawn and forkserver re-run log_to_stderr() and set the parent's effective "
        "level in the child. Beside it: only that set-up is passed on, not handlers added by hand.",
        note=NoteFact((32, 69), ["DEBUG", "INFO"], pattern=r"^\[(\w+)/Process-\d+\]", distinct=True),
    ),
    Claim(
        "LOG-10",
        SECTION,
        "The DEBUG level is what shows the atexit-finalizer lines; at INFO only the INFO lines remain.",
        "atexit finalizer 줄은 DEBUG 레벨에서만 보이며, INFO 레벨에서는 INFO 줄만 남는다.",
        Verdict.HOLDS,
        "Those two lines are logged with util.debug(); the others with util.info().",
        note=NoteFact(
            (32, 69), ["DEBUG"], pattern=r'^\[(\w+)/[\w-]+\] running [\w ]+"atexit" finalizers', distinct=True
        ),
    ),
    Claim(
        "LOG-11",
        SECTION,
        "At exit the parent joins each child exactly once, in no particular order (the note's run joins "
        "Process-2, 4, 5, 3, 1).",
        "종료할 때 부모는 각 자식을 정확히 한 번씩 join하며, 그 순서는 정해져 있지 않다(노트의 실행에서는 "
        "Process-2, 4, 5, 3, 1 순).",
        Verdict.HOLDS,
        "_exit_function joins the processes of active_children(), a list made from a set: one join each, in "
        "the set's order, not the start order.",
        note=NoteFact(
            (32, 69),
            CHILDREN,
            pattern=r"calling join\(\) for process (Process-\d+)$",
            extracted=["Process-2", "Process-4", "Process-5", "Process-3", "Process-1"],
        ),
    ),
    Claim(
        "LOG-12",
        SECTION,
        "The records the parent logs itself carry the process name MainProcess, where the children's carry "
        "their own names.",
        "부모가 직접 남기는 로그 레코드에는 프로세스 이름 MainProcess가 붙고, 자식의 레코드에는 각자의 이름이 붙는다.",
        Verdict.HOLDS,
        "The format's %(processName)s is multiprocessing.current_process().name, which logging asks for each "
        "record; in the parent that is the _MainProcess object, named 'MainProcess' (multiprocessing/process.py, "
        "the same 3.6-3.13), under every start method.",
        note=NoteFact((32, 69), ["MainProcess"], pattern=r"^\[\w+/((?!Process-)[\w-]+)\]", distinct=True),
    ),
)
