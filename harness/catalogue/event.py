"""Claims of the section: Process events."""

from harness.claims import Claim, Section

SECTION = Section("EVENT", "Process events", "프로세스 이벤트")

CLAIMS: tuple[Claim, ...] = ()
