"""Claims of the section on multiprocessing's logging."""

from harness.claims import Claim, Section, Variation, Verdict

SECTION = Section("LOG", "multiprocessing's log", "multiprocessing의 로그")

CLAIMS = (
    Claim(
        "LOG-01",
        SECTION,
        "log_to_stderr() sends multiprocessing's log records to standard error, not standard output.",
        "log_to_stderr()는 multiprocessing의 로그를 표준 출력이 아닌 표준 에러로 보낸다.",
        Verdict.HOLDS,
        "It adds a logging.StreamHandler whose stream is sys.stderr (multiprocessing/util.py).",
    ),
    Claim(
        "LOG-02",
        SECTION,
        "The format log_to_stderr() installs is shown with backslashes between the level, "
        "the process name and the message.",
        "log_to_stderr()의 로그 형식은 레벨, 프로세스 이름, 메시지 사이를 백슬래시로 구분한다고 적혀 있다.",
        Verdict.WRONG,
        "The format is '[%(levelname)s/%(processName)s] %(message)s': a slash and a space, "
        "as the document's own transcript shows.",
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
        variations=(
            Variation(
                "From 3.13 the exit function runs through atexit after _bootstrap logs the exit code, so "
                "'process exiting with exitcode 0' precedes 'process shutting down' (gh-83856, PR #114279).",
                breaks_claim=True,
                since=(3, 13),
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
    ),
    Claim(
        "LOG-06",
        SECTION,
        "Although the program never calls join(), the parent waits for every child before it exits.",
        "프로그램이 join()을 호출하지 않아도 부모는 종료 전에 모든 자식을 기다린다.",
        Verdict.HOLDS,
        "_exit_function, registered with atexit, joins every non-daemonic child still alive.",
    ),
    Claim(
        "LOG-07",
        SECTION,
        "Unnamed processes are called Process-1, Process-2, ... in the order they were created.",
        "이름을 주지 않은 프로세스는 생성 순서대로 Process-1, Process-2, ...로 불린다.",
        Verdict.HOLDS,
        "The name is the class name plus a per-process counter; plain multiprocessing.Process gives "
        "'Process-N' (a context's Process would give e.g. 'SpawnProcess-N').",
    ),
    Claim(
        "LOG-08",
        SECTION,
        "Children run and finish in an order unrelated to the order they were started.",
        "자식 프로세스의 실행·종료 순서는 시작 순서와 무관하다.",
        Verdict.CAVEAT,
        "Nothing orders them: the scheduler decides, so any order can occur, start order included; "
        "the transcript is one possible interleaving.",
    ),
    Claim(
        "LOG-09",
        SECTION,
        "Children print multiprocessing's log lines too, with the level the parent set, also when they are "
        "started by spawn as on Windows.",
        "자식 프로세스도 부모가 정한 레벨로 로그를 남기며, Windows처럼 spawn으로 시작해도 마찬가지다.",
        Verdict.CAVEAT,
        "fork copies the logger; spawn and forkserver re-run log_to_stderr() and set the parent's effective "
        "level in the child. Only that set-up is passed on: handlers added by hand are not.",
    ),
    Claim(
        "LOG-10",
        SECTION,
        "The DEBUG level is what shows the atexit-finalizer lines; at INFO only the INFO lines remain.",
        "atexit finalizer 줄은 DEBUG 레벨에서만 보이며, INFO 레벨에서는 INFO 줄만 남는다.",
        Verdict.HOLDS,
        "Those two lines are logged with util.debug(); the others with util.info().",
    ),
)
