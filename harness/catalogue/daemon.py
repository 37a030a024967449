"""Claims of the section: Daemon processes."""

from harness.claims import Claim, Section, Variation, Verdict

SECTION = Section("DAEMON", "Daemon processes", "데몬 프로세스")

CLAIMS = (
    Claim(
        "DAEMON-01",
        SECTION,
        "As with threads, a program whose child process is not a daemon does not finish until that child has finished.",
        "스레드와 마찬가지로, 데몬이 아닌 자식 프로세스가 끝나기 전에는 프로그램도 끝나지 않는다.",
        Verdict.HOLDS,
        "multiprocessing's atexit exit function (util._exit_function) joins every non-daemonic child still "
        "running, after main() has returned.",
    ),
    Claim(
        "DAEMON-02",
        SECTION,
        "A daemonic child does not hold the program back: when the parent ends, the daemonic child ends with it.",
        "데몬 자식 프로세스는 프로그램 종료를 막지 않으며, 부모가 끝나면 함께 끝난다.",
        Verdict.CAVEAT,
        "Only at a normal exit, where the exit function sends SIGTERM (exitcode -15); a parent killed by SIGKILL "
        "or leaving by os._exit() runs no atexit code, and the daemon runs on as an orphan.",
        variations=(
            Variation(
                "The terminated daemon's exit code is 255, not -15, under 3.6's forkserver (bpo-30589).",
                breaks_claim=False,
                until=(3, 7),
                start_methods=("forkserver",),
            ),
        ),
    ),
    Claim(
        "DAEMON-03",
        SECTION,
        "A child with daemon=False is not ended when its parent ends; the parent waits for it (joins it) before "
        "it exits itself.",
        "daemon=False인 자식은 부모가 끝나도 종료되지 않으며, 부모는 자신이 끝나기 전에 그 자식을 join하며 기다린다.",
        Verdict.HOLDS,
        "The exit function only joins non-daemonic children; a parent killed outright does not wait, but the "
        "child is not ended either and runs on as an orphan.",
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
    ),
    Claim(
        "DAEMON-05",
        SECTION,
        "Calling join() on a process blocks the caller until that process has ended.",
        "process.join()을 호출하면 호출한 쪽은 그 프로세스가 끝날 때까지 블로킹되어 기다린다.",
        Verdict.HOLDS,
        "join() waits on the child's sentinel; join(timeout) instead returns after the timeout with the child "
        "still alive and exitcode None.",
    ),
    Claim(
        "DAEMON-06",
        SECTION,
        "A daemonic process cannot start child processes of its own.",
        "데몬 프로세스는 자기 자식 프로세스를 만들 수 없다.",
        Verdict.CAVEAT,
        "start() checks it with an assert ('daemonic processes are not allowed to have children'), "
        "so python -O strips the check and the grandchild starts.",
    ),
    Claim(
        "DAEMON-07",
        SECTION,
        "The rule exists so that, when the parent's exit ends a daemonic child, that child's own children are "
        "not left behind as orphans.",
        "이 제약은 부모 종료 시 데몬 자식이 끝나면서 그 자식의 자식들이 고아 프로세스로 남는 것을 막기 위한 것이다.",
        Verdict.HOLDS,
        "terminate() signals a single pid: the ended process's own children survive and are re-parented, "
        "as shown with a terminated child and, under -O, with a daemon ended at exit.",
    ),
    Claim(
        "DAEMON-08",
        SECTION,
        "The daemon flag is set before start(), as the example does; it cannot be changed afterwards.",
        "daemon 플래그는 예제처럼 start() 전에 설정해야 하며, 그 뒤에는 바꿀 수 없다.",
        Verdict.HOLDS,
        "Setting it after start() fails the assertion 'process has already started' and the flag keeps its value.",
    ),
)
