"""Claims of the section: Process exit."""

from harness.claims import Claim, Section

SECTION = Section("EXIT", "Process exit", "프로세스 종료")

CLAIMS: tuple[Claim, ...] = ()
