"""Claims about the whole note: the __main__ guard, the start method, where the transcripts come from."""

from __future__ import annotations

from harness.claims.catalogue.behaviour import FORKSERVER_36_LOSES_EXIT_CODE
from harness.claims.model import Claim, Comparison, Expectation, NoteFact, Section, Variation, Verdict

SECTION = Section(
    "GUARD",
    "main_guard",
    "Across the note: the __main__ guard, the start method, the transcripts' origin",
    "노트 전체: __main__ 가드, 시작 방식, 실행 결과의 출처",
    (1, 326),
)

GUARD = r"if __name__ ?== ?\"(__main__)\""
EVERY_EXAMPLE = ["__main__"] * 6  # one guard per example

UNGUARDED_CHILD_EXITCODE = Expectation(
    "unguarded-child-exitcode",
    "exit code of the child of a program without the __main__ guard",
    1,
    (
        Variation(
            "Under fork the child is a copy of the parent and never imports the main module: the unguarded "
            "program works.",
            0,
            start_methods=("fork",),
        ),
        FORKSERVER_36_LOSES_EXIT_CODE,
    ),
)

BOOTSTRAP_ERROR_LINKS_DOCS = Expectation(
    "bootstrap-error-links-docs",
    "whether the bootstrapping RuntimeError points to the docs' 'Safe importing of main module'",
    False,
    (
        Variation(
            "PR #102203 appended the pointer to the docs; its 3.11 backport (PR #107991) shipped in 3.11.5.",
            True,
            since=(3, 11, 5),
        ),
    ),
)

_POSIX = ("linux", "freebsd", "openbsd", "netbsd", "sunos5", "aix")
DEFAULT_START_METHOD = Expectation(
    "default-start-method",
    "the start method used when none is chosen",
    "spawn",
    (
        Variation(
            "Linux and other POSIX systems default to fork up to 3.13 (context.py: fork unless darwin).",
            "fork",
            until=(3, 14),
            platforms=_POSIX,
        ),
        Variation(
            "3.14 made forkserver the default on POSIX systems other than macOS that can pass handles (gh-84559, "
            "PR #101556): Linux's default changed, but not to spawn.",
            "forkserver",
            since=(3, 14),
            platforms=_POSIX,
        ),
        Variation(
            "macOS defaulted to fork before 3.8 (bpo-33725 made it spawn).", "fork", until=(3, 8), platforms=("darwin",)
        ),
    ),
)

CHILD_FAILS = Comparison(
    "the child fails (an exit code other than 0), as the guard's being needed implies",
    lambda exitcode, needed: (exitcode != 0) == needed,
)

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "GUARD-01",
        SECTION,
        'Every example starts its processes under `if __name__ == "__main__":`; the guard is required, '
        "since without it starting a child fails.",
        '모든 예제는 `if __name__ == "__main__":` 아래에서 프로세스를 시작한다. 이 가드가 없으면 자식 '
        "프로세스 시작이 실패하므로 꼭 필요하다.",
        Verdict.CAVEAT,
        "Needed under spawn (Windows, as in the note) and forkserver: the child re-runs the module's top "
        "level and refuses to start a process (RuntimeError, child exit code 1); under fork it is not needed.",
        note=NoteFact((1, 326), True, pattern=GUARD, extracted=EVERY_EXAMPLE),
        expectation=UNGUARDED_CHILD_EXITCODE,
        holds_if=CHILD_FAILS,
    ),
    Claim(
        "GUARD-02",
        SECTION,
        "With the guard the examples run under every start method: a spawned child imports the main module "
        "again, but under another name, so only the parent runs the guarded block.",
        "가드가 있으면 예제는 어떤 시작 방식에서도 동작한다: spawn으로 시작한 자식은 메인 모듈을 다시 "
        "import하지만 다른 이름(__mp_main__)으로 하므로 가드 안의 코드는 부모만 실행한다.",
        Verdict.HOLDS,
        "spawn.prepare() runs the main module as '__mp_main__' in spawn and forkserver children; fork children "
        "do not import it at all.",
        note=NoteFact((1, 326), True, pattern=GUARD, extracted=EVERY_EXAMPLE),
    ),
    Claim(
        "GUARD-03",
        SECTION,
        "Run as written, without choosing a start method, the examples use spawn, as they did on the "
        "author's Windows machine, so the transcripts show what a reader gets.",
        "시작 방식을 따로 정하지 않고 예제를 그대로 실행하면 글쓴이의 Windows에서처럼 spawn이 쓰이므로, "
        "독자도 같은 실행 결과를 얻는다.",
        Verdict.VERSION,
        "The platform decides: Windows always spawns, Linux never does (fork up to 3.13, forkserver from 3.14, "
        "gh-84559), so a Linux reader never runs the note's spawn in any version. Only on macOS does the version "
        "decide (fork before 3.8, spawn from 3.8, bpo-33725), and those points, the same platform at two versions "
        "disagreeing, make the derived verdict version-dependent rather than a caveat.",
        note=NoteFact((1, 326), "spawn", pattern=r"(set_start_method|get_context)", extracted=[]),
        expectation=DEFAULT_START_METHOD,
        start_methods=(),
    ),
    Claim(
        "GUARD-04",
        SECTION,
        "(Beside GUARD-03: the note does not say where its transcripts come from.) The note's transcripts were "
        "made on Windows, that is with the spawn start method, by a Python of 3.7 or older.",
        "(GUARD-03 옆에서: 노트는 실행 결과를 어디서 만들었는지 말하지 않는다) 노트의 실행 결과는 "
        "Windows에서, 곧 spawn 시작 방식으로, 3.7 이하의 Python으로 만든 것이다.",
        Verdict.OPINION,
        "An inference about the author's machine, which no run here can observe: its pids (14484, 15756, 17868) "
        "are multiples of 4, as Windows gives out and POSIX systems do not (all three by chance: 1 in 64); Windows "
        "has only spawn; and its reprs have the <Process(name, state)> form of 3.6/3.7 (EXIT-09). The pids are a "
        "cited fact, checked against the note by tests/test_note.py.",
        note=NoteFact(
            (167, 184), True, pattern=r"pid : (\d+)$", extracted=[14484, 15756, 17868, 14484, 15756], beside=True
        ),
        start_methods=(),
    ),
)
