"""Claims of the section: The __main__ guard (used by every example)."""

from __future__ import annotations

from harness.claims import Claim, Section, Variation, Verdict

SECTION = Section("GUARD", "The __main__ guard (used by every example)", "__main__ 가드 (모든 예제에서 사용)")

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "GUARD-01",
        SECTION,
        'Every example starts its processes under `if __name__ == "__main__":`; the guard is required, '
        "since without it starting a child fails.",
        '모든 예제는 `if __name__ == "__main__":` 아래에서 프로세스를 시작한다. 이 가드가 없으면 자식 '
        "프로세스 시작이 실패하므로 꼭 필요하다.",
        Verdict.CAVEAT,
        "Needed under spawn (Windows, as in the document) and forkserver: the child re-runs the module's top "
        "level and refuses to start a process (RuntimeError, child exit code 1); under fork it is not needed.",
        variations=(
            Variation(
                "Under fork the child is a copy of the parent and never imports the main module: "
                "the unguarded program works.",
                breaks_claim=True,
                start_methods=("fork",),
            ),
            Variation(
                "The refused child's exit code is 255, not 1, under 3.6's forkserver (bpo-30589).",
                breaks_claim=False,
                until=(3, 7),
                start_methods=("forkserver",),
            ),
            Variation(
                "From 3.11 the RuntimeError adds a pointer to the docs' 'Safe importing of main module' (PR #102203).",
                breaks_claim=False,
                since=(3, 11),
            ),
        ),
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
    ),
    Claim(
        "GUARD-03",
        SECTION,
        "Run as written, without choosing a start method, the examples use spawn, as they did on the "
        "author's Windows machine, so the transcripts show what a reader gets.",
        "시작 방식을 따로 정하지 않고 예제를 그대로 실행하면 글쓴이의 Windows에서처럼 spawn이 쓰이므로, "
        "독자도 같은 실행 결과를 얻는다.",
        Verdict.VERSION,
        "The default start method depends on the platform and version: spawn on Windows, and on macOS from 3.8; "
        "fork on Linux up to 3.13, forkserver from 3.14.",
        start_methods=(),
        variations=(
            Variation(
                "The default on Linux and other POSIX systems is fork up to 3.13 (forkserver from 3.14, gh-84559).",
                breaks_claim=True,
                platforms=("linux", "freebsd", "openbsd", "netbsd", "sunos5", "aix"),
            ),
            Variation(
                "macOS defaulted to fork before 3.8 (bpo-33725 made it spawn).",
                breaks_claim=True,
                until=(3, 8),
                platforms=("darwin",),
            ),
        ),
    ),
)
