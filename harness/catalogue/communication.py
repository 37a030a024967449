"""Claims of the section: Process communication."""

from harness.claims import Claim, Section

SECTION = Section("COMM", "Process communication", " Queue and Pipe:프로세스 간 통신: Queue와 Pipe")

CLAIMS: tuple[Claim, ...] = ()
