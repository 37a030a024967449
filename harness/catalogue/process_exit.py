"""Claims of the section: Process exit."""

from __future__ import annotations

from harness.claims import Claim, Section, Variation, Verdict

SECTION = Section("EXIT", "Process exit", "프로세스 종료")

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "EXIT-01",
        SECTION,
        "The parent can stop a child process by force: after terminate() the child's work ends "
        "and never reaches its last line.",
        "부모는 자식 프로세스를 강제로 멈출 수 있다: terminate() 뒤 자식의 작업은 끝나고 마지막 줄에 이르지 못한다.",
        Verdict.HOLDS,
        "terminate() sends SIGTERM on POSIX (TerminateProcess on Windows); the blocked job never prints its end line.",
    ),
    Claim(
        "EXIT-02",
        SECTION,
        "The transcript shows exit code None for the process that was terminated.",
        "실행 결과는 terminate()한 프로세스의 exit code를 None으로 보여 준다.",
        Verdict.CAVEAT,
        "terminate() only sends the signal: exitcode is None until the child is reaped, -SIGTERM after join() "
        "(255 on 3.6 forkserver, bpo-30589; Windows 3.11.7/3.12.1 give -15 at once, gh-110036, undone by gh-113009).",
        variations=(
            Variation(
                "On Windows 3.11.7 and 3.12.1 terminate() sets the exit code to -15 at once (gh-110036); "
                "3.13 removed that again (gh-113009).",
                breaks_claim=True,
                since=(3, 11),
                until=(3, 13),
                platforms=("win32",),
            ),
            Variation(
                "After join() the exit code is 255, not -15: 3.6's forkserver poll() turns end-of-file into 255 "
                "(fixed in 3.7, bpo-30589).",
                breaks_claim=False,
                until=(3, 7),
                start_methods=("forkserver",),
            ),
        ),
    ),
    Claim(
        "EXIT-03",
        SECTION,
        "Besides terminate(), kill() stops a child by force; its exit code is then minus SIGKILL.",
        "terminate() 말고도 kill()로 자식을 강제로 멈출 수 있으며, 이때 exit code는 -SIGKILL이다.",
        Verdict.VERSION,
        "Process.kill() exists from 3.7 (bpo-30794); 3.6 has only terminate().",
        variations=(
            Variation(
                "Process.kill() does not exist before 3.7 (bpo-30794).",
                breaks_claim=True,
                until=(3, 7),
            ),
        ),
    ),
    Claim(
        "EXIT-04",
        SECTION,
        "is_alive() is False before start(), True while the child runs and False once it ended; the printed "
        "process reads <Process(name, state)> with state initial, started, then stopped.",
        "is_alive()는 start() 전 False, 실행 중 True, 끝난 뒤 False이고, 출력된 프로세스는 "
        "<Process(이름, 상태)> 꼴로 initial, started, stopped 순서의 상태를 보인다.",
        Verdict.VERSION,
        "The states hold everywhere; the <Process(name, state)> form is 3.6-3.7 only, 3.8+ prints "
        "<Process name='x' pid=N parent=M state exitcode=C> (bpo-35491).",
        variations=(
            Variation(
                "From 3.8 repr() reads <Process name='x' pid=N parent=M state ...> (bpo-35491).",
                breaks_claim=True,
                since=(3, 8),
            ),
        ),
    ),
    Claim(
        "EXIT-05",
        SECTION,
        "Inside the child, current_process() reports the name given to Process(name=...) and the child's own pid.",
        "자식 안에서 current_process()는 Process(name=...)에 준 이름과 자식 자신의 pid를 알려 준다.",
        Verdict.HOLDS,
        "The name travels with the Process object; the pid is the child's os.getpid(), equal to p.pid in the parent.",
    ),
    Claim(
        "EXIT-06",
        SECTION,
        "The parent can get back the result of the work the child did.",
        "부모는 자식 프로세스가 수행한 결과를 돌려받을 수 있다.",
        Verdict.WRONG,
        "The target's return value is discarded; the parent only sees exitcode 0 (results need a Queue, Pipe or Pool).",
    ),
    Claim(
        "EXIT-07",
        SECTION,
        "The exit code tells how a child ended: 0 after a normal return, 1 after an exception, the number given "
        "to sys.exit(), 1 after sys.exit() with a text, and minus the signal number when a signal ended it.",
        "exit code는 자식이 끝난 방식을 알려 준다: 정상 반환 0, 예외 1, sys.exit()에 준 숫자, 문자열을 준 "
        "sys.exit()는 1, 시그널로 끝나면 시그널 번호의 음수.",
        Verdict.VERSION,
        "sys.exit() with no argument gives 1 on 3.6-3.8 and 0 from 3.9 (bpo-35727); an exception also prints "
        "'Process <name>:' and the traceback on stderr.",
        variations=(
            Variation(
                "A child ended by a signal reports 255 under 3.6's forkserver, not minus the signal (bpo-30589).",
                breaks_claim=True,
                until=(3, 7),
                start_methods=("forkserver",),
            ),
            Variation(
                "sys.exit() with no argument gives exit code 1 up to 3.8 (bpo-35727 made it 0 from 3.9).",
                breaks_claim=False,
                until=(3, 9),
            ),
        ),
    ),
    Claim(
        "EXIT-08",
        SECTION,
        "Unlike a process, a thread started inside a program cannot be stopped from outside.",
        "프로세스와 달리, 프로그램 안에서 띄운 스레드는 밖에서 멈출 방법이 없다.",
        Verdict.HOLDS,
        "threading.Thread offers no terminate()/kill()/stop(); a thread can only be asked to stop cooperatively.",
        start_methods=(),
    ),
)
