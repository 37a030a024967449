"""Claims of the section: Daemon processes."""

from harness.claims import Claim, Section

SECTION = Section("DAEMON", "Daemon processes", "데몬 프로세스")

CLAIMS: tuple[Claim, ...] = ()
