"""Claims of the section: Process exit (note lines 112-184)."""

from __future__ import annotations

import signal

from harness.claims.catalogue.behaviour import FORKSERVER_36_LOSES_EXIT_CODE, HAS_KILL, SIGTERM_EXITCODE
from harness.claims.model import UNDER_WINE, Claim, Expectation, NoteFact, Section, Variation, Verdict

SECTION = Section("EXIT", "process_exit", "Process exit", "프로세스 종료", (112, 184))

JOBS = ["good_job", "fail_job", "kill_job"]
EXIT_CODE_LINE = r"<Process\(kill_job, \w+\)> exit code : (\w+)$"


# The exit codes repr() names after the signal that ended the process (-15: SIGTERM), read
# from the signal module as multiprocessing/process.py builds its _exitcode_to_name.
SIGNAL_NAMES = {-int(signum): name for name, signum in vars(signal).items() if name[:3] == "SIG" and "_" not in name}


def process_repr(
    name: str, status: str, exitcode: int | None = None, *, keyword_form: bool, pid: object = "N", parent: object = "N"
) -> str:
    """repr() of a multiprocessing.Process its parent made: ``<Process(name, status)>`` with a
    non-zero exit code in brackets (3.6/3.7), or, with ``keyword_form`` (3.8+, bpo-35491),
    ``<Process name='x' pid=N parent=M status exitcode=C>``, a pid only once started."""
    if not keyword_form:
        if exitcode:
            status = f"stopped[{SIGNAL_NAMES.get(exitcode, exitcode)}]"
        return f"<Process({name}, {status})>"
    info = ["Process", f"name={name!r}"] + ([f"pid={pid}"] if status != "initial" else [])
    info += [f"parent={parent}", status]
    if exitcode is not None:
        info.append(f"exitcode=-{SIGNAL_NAMES[exitcode]}" if exitcode in SIGNAL_NAMES else f"exitcode={exitcode}")
    return "<" + " ".join(info) + ">"


def stage_reprs(name: str, keyword_form: bool) -> list[str]:
    """How ``name`` prints before start, while running, once finished, and after join() (pids as N)."""
    stages = (("initial", None), ("started", None), ("stopped", 0), ("stopped", 0))
    return [process_repr(name, status, code, keyword_form=keyword_form) for status, code in stages]


REPRS = Expectation(
    "EXIT-09/observed",
    "how good_job prints before start, while running, once finished, and after join() (pids as N)",
    stage_reprs("good_job", keyword_form=False),
    (
        Variation(
            "From 3.8 repr() reads <Process name='x' pid=N parent=M state exitcode=C> (bpo-35491).",
            stage_reprs("good_job", keyword_form=True),
            since=(3, 8),
        ),
    ),
)

EXITCODE_RIGHT_AFTER_TERMINATE = Expectation(
    "EXIT-10/observed",
    "the exit code read right after terminate()",
    None,
    (
        Variation(
            "Under Wine, TerminateProcess ends the child before it returns (wineserver kills its threads and "
            "signals the process at once), so the read right after terminate(), a non-blocking poll "
            "(WaitForSingleObject(handle, 0)), finds it ended (-SIGTERM, seen in every try): a difference of "
            "Wine's. On Windows the termination is asynchronous and the read races it.",
            -signal.SIGTERM,
            platforms=("win32",),
            environments=(UNDER_WINE,),
        ),
        *(
            Variation(
                "On Windows terminate() set the exit code to -SIGTERM at once in these releases "
                "(gh-110036, backported); gh-113009 removed it again.",
                -signal.SIGTERM,
                since=since,
                until=until,
                platforms=("win32",),
            )
            for since, until in (((3, 11, 6), (3, 11, 8)), ((3, 12, 1), (3, 12, 2)))
        ),
    ),
)

TERMINATED_REPR = Expectation(
    "EXIT-15/observed",
    "the state and exit code the terminated job's repr shows once joined (after its name, pid and parent)",
    "stopped exitcode=-SIGTERM",
    (
        Variation(
            FORKSERVER_36_LOSES_EXIT_CODE.reason + " The repr then names 255.",
            "stopped[255]",
            until=FORKSERVER_36_LOSES_EXIT_CODE.until,
            start_methods=FORKSERVER_36_LOSES_EXIT_CODE.start_methods,
        ),
        Variation(
            "Before 3.8 the repr puts a non-zero exit code in brackets, named after the signal without the minus: "
            "stopped[SIGTERM] (bpo-35491 gave it the keyword form in 3.8).",
            "stopped[SIGTERM]",
            until=(3, 8),
        ),
    ),
)

SIGNALS_HANDLED_AFTER_TERMINATE = Expectation(
    "signals-handled-after-terminate",
    "the signals a child's SIGTERM handler receives when the parent calls terminate()",
    [int(signal.SIGTERM)],
    (
        Variation(
            "On Windows terminate() is TerminateProcess(handle, TERMINATE) (popen_spawn_win32): the child ends at "
            "once, with no signal and no handler run.",
            [],
            platforms=("win32",),
        ),
    ),
)

SYS_EXIT_CODES = {"sys.exit(3)": 3, "sys.exit('giving up')": 1, "sys.exit()": 0}

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "EXIT-01",
        SECTION,
        "The parent can stop a child process by force: after terminate() the child's work ends "
        "and never reaches its last line.",
        "부모는 자식 프로세스를 강제로 멈출 수 있다: terminate() 뒤 자식의 작업은 끝나고 마지막 줄에 이르지 못한다.",
        Verdict.HOLDS,
        "terminate() sends SIGTERM on POSIX (TerminateProcess on Windows); the blocked job never prints its end line.",
        note=NoteFact((176, 184), ["fail_job", "good_job"], pattern=r"^exit name : (\w+), pid", unordered=True),
    ),
    Claim(
        "EXIT-02",
        SECTION,
        "A process that was terminated has exit code None, as the transcript's last line shows.",
        "terminate()된 프로세스의 exit code는 실행 결과의 마지막 줄처럼 None이다.",
        Verdict.WRONG,
        "terminate() only sends the signal (TerminateProcess on Windows). Reading exitcode is itself a "
        "non-blocking reap (Popen.poll: os.waitpid(pid, WNOHANG) on POSIX, WaitForSingleObject(handle, 0) on "
        "Windows), so it is -SIGTERM (-15) from the first read after the child died, and after join() always. The "
        "note's None is a read made right after terminate(), when the child had not died yet (EXIT-10).",
        note=NoteFact((184, 184), None, pattern=EXIT_CODE_LINE),
        expectation=SIGTERM_EXITCODE,
    ),
    Claim(
        "EXIT-03",
        SECTION,
        "Besides terminate(), kill() stops a child by force.",
        "terminate() 말고도 kill()로 자식을 강제로 멈출 수 있다.",
        Verdict.VERSION,
        "The note says a process can be ended by force; Process.kill() (SIGKILL, exit code -9) exists from 3.7 "
        "(bpo-30794), 3.6 has only terminate().",
        note=NoteFact((113, 114), True, mentions=("강제로 종료",)),
        expectation=HAS_KILL,
    ),
    Claim(
        "EXIT-04",
        SECTION,
        "is_alive() is False before start(), True while the child runs and False once it has ended.",
        "is_alive()는 start() 전 False, 실행 중 True, 끝난 뒤 False다.",
        Verdict.HOLDS,
        "is_alive() is False until start(), then polls the child: True until it has exited (3.6-3.13).",
        note=NoteFact((167, 180), [False, True, False], pattern=r"<Process\(good_job, \w+\)>, (\w+)$"),
    ),
    Claim(
        "EXIT-05",
        SECTION,
        "Inside the child, current_process() reports the name given to Process(name=...) and the child's own pid.",
        "자식 안에서 current_process()는 Process(name=...)에 준 이름과 자식 자신의 pid를 알려 준다.",
        Verdict.HOLDS,
        "The name travels with the Process object; the pid is the child's os.getpid(), equal to p.pid in the parent.",
        note=NoteFact((168, 172), JOBS, pattern=r"^start name : (\w+), pid"),
    ),
    Claim(
        "EXIT-06",
        SECTION,
        "The parent can get back the result of the work the child did.",
        "부모는 자식 프로세스가 수행한 결과를 돌려받을 수 있다.",
        Verdict.WRONG,
        "The target's return value is discarded; the parent only sees exitcode 0 (results need a Queue, Pipe or Pool).",
        note=NoteFact((114, 114), True, mentions=("결과를 반환",)),
        expectation=Expectation("EXIT-06/observed", "whether the parent receives the value the target returned", False),
    ),
    Claim(
        "EXIT-07",
        SECTION,
        "A child whose target returns normally has exit code 0, as the transcript shows for good_job and fail_job.",
        "대상 함수가 정상적으로 반환한 자식의 exit code는 실행 결과의 good_job, fail_job처럼 0이다.",
        Verdict.HOLDS,
        "_bootstrap gives 0 after run() returns, whatever the target returned; the note's fail_job fails nothing "
        "(it returns like good_job), hence its 0.",
        note=NoteFact((182, 183), [0, 0], pattern=r"exit code : (-?\d+)$"),
    ),
    Claim(
        "EXIT-08",
        SECTION,
        "Unlike a process, a thread started inside a program cannot be stopped from outside.",
        "프로세스와 달리, 프로그램 안에서 띄운 스레드는 밖에서 멈출 방법이 없다.",
        Verdict.HOLDS,
        "threading.Thread has no terminate()/kill()/stop(). What exists, the C API PyThreadState_SetAsyncExc "
        "(reachable through ctypes), only raises an exception in the thread at its next bytecode: it cannot "
        "interrupt a blocking call, the thread may catch it, and its cleanup runs, whereas terminate() ends a "
        "process from outside whatever it is doing.",
        note=NoteFact((113, 113), False, mentions=("스레드", "방법이 없었다")),
        start_methods=(),
    ),
    Claim(
        "EXIT-09",
        SECTION,
        "A process prints as <Process(name, state)>, its state going initial, started, stopped.",
        "프로세스는 <Process(이름, 상태)> 꼴로 출력되며, 상태는 initial, started, stopped 순으로 바뀐다.",
        Verdict.VERSION,
        "The states hold everywhere; the <Process(name, state)> form is 3.6-3.7 only, 3.8+ prints "
        "<Process name='x' pid=N parent=M state exitcode=C> (bpo-35491).",
        note=NoteFact((167, 184), stage_reprs("good_job", keyword_form=False), pattern=r"(<Process\(good_job, \w+\)>)"),
        expectation=REPRS,
    ),
    Claim(
        "EXIT-10",
        SECTION,
        "Read right after terminate(), before the child has ended, the exit code is None (the transcript's last line).",
        "terminate() 직후 자식이 끝나기 전에 읽은 exit code는 None이다(실행 결과의 마지막 줄).",
        Verdict.VERSION,
        "terminate() only sends the signal, and reading exitcode polls without waiting (Popen.poll, WNOHANG): None "
        "only means the child had not died yet when read. A read right after terminate() races the child's end: "
        "on Linux the read comes first (None); under Wine the child is already gone (-15 every time). Windows "
        "3.11.6-3.11.7 and 3.12.1 set it to -15 inside terminate() (gh-110036), which 3.11.8 and 3.12.2 undid "
        "(gh-113009).",
        note=NoteFact((184, 184), None, pattern=EXIT_CODE_LINE),
        expectation=EXITCODE_RIGHT_AFTER_TERMINATE,
    ),
    Claim(
        "EXIT-11",
        SECTION,
        "(Beside the note's terminate().) A terminated job runs none of its remaining code: neither its "
        "finally: blocks nor its atexit handlers.",
        "(노트의 terminate() 옆에서) terminate()된 작업은 남은 코드를 실행하지 않는다: finally: 블록도 atexit "
        "핸들러도 실행되지 않는다.",
        Verdict.HOLDS,
        "SIGTERM's default action ends the process at once (TerminateProcess on Windows): no Python code runs "
        "after it, unlike a normal return, which runs finally: blocks and, where the start method allows, atexit.",
        note=NoteFact((155, 155), [], mentions=("terminate()",), beside=True),
    ),
    Claim(
        "EXIT-12",
        SECTION,
        "(Beside the note's fail_job, which returns normally.) A child whose target raises an exception ends "
        "with exit code 1 and prints 'Process <name>:' and the traceback on stderr.",
        "(정상적으로 반환하는 노트의 fail_job 옆에서) 대상 함수가 예외를 일으킨 자식은 exit code 1로 끝나며 "
        "stderr에 'Process <이름>:'과 traceback을 출력한다.",
        Verdict.HOLDS,
        "_bootstrap catches the exception, prints the traceback and returns 1.",
        note=NoteFact((126, 131), 1, mentions=("fail_job",), beside=True),
    ),
    Claim(
        "EXIT-13",
        SECTION,
        "(Beside the exit codes the note shows.) sys.exit() in the child sets its exit code as it does for a "
        "program: a number gives that number, a text gives 1, no argument gives 0.",
        "(노트가 보여 주는 exit code 옆에서) 자식의 sys.exit()는 프로그램에서처럼 exit code를 정한다: 숫자는 그 "
        "숫자, 문자열은 1, 인자가 없으면 0.",
        Verdict.VERSION,
        "_bootstrap turns SystemExit into the exit code; without an argument it gave 1 up to 3.8 and gives 0 "
        "from 3.9 (bpo-35727).",
        note=NoteFact((182, 184), SYS_EXIT_CODES, mentions=("exit code",), beside=True),
        expectation=Expectation(
            "EXIT-13/observed",
            "the exit codes of sys.exit(3), sys.exit('giving up') and sys.exit()",
            SYS_EXIT_CODES,
            (
                Variation(
                    "sys.exit() with no argument gives exit code 1 up to 3.8: _bootstrap tested 'not e.args' "
                    "(bpo-35727 made it 0 from 3.9).",
                    {**SYS_EXIT_CODES, "sys.exit()": 1},
                    until=(3, 9),
                ),
            ),
        ),
    ),
    Claim(
        "EXIT-14",
        SECTION,
        "(Beside the exit codes the note shows.) A child ended by a signal has minus the signal number as its "
        "exit code: -15 after terminate().",
        "(노트가 보여 주는 exit code 옆에서) 시그널로 끝난 자식의 exit code는 시그널 번호의 음수다: "
        "terminate() 뒤에는 -15.",
        Verdict.VERSION,
        "POSIX reports the signal and multiprocessing negates it; 3.6's forkserver loses it and reports 255 "
        "(bpo-30589).",
        note=NoteFact((182, 184), -signal.SIGTERM, mentions=("exit code",), beside=True),
        expectation=SIGTERM_EXITCODE,
    ),
    Claim(
        "EXIT-15",
        SECTION,
        "A process that was terminated still prints as started, as kill_job does in the transcript's last line.",
        "terminate()된 프로세스는 실행 결과 마지막 줄의 kill_job처럼 여전히 started로 출력된다.",
        Verdict.WRONG,
        "Once the terminated child has ended, its repr says stopped and names the signal as its exit code: "
        "'stopped exitcode=-SIGTERM' from 3.8, 'stopped[SIGTERM]' in 3.6-3.7 (bpo-35491 changed the form; 3.6's "
        "forkserver shows 255, bpo-30589). The note's 'started' is the repr read right after terminate(), before "
        "the child had died (EXIT-10).",
        note=NoteFact((184, 184), "started", pattern=r"<Process\(kill_job, (\w+)\)> exit code"),
        expectation=TERMINATED_REPR,
    ),
)
