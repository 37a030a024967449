"""Claims of the section: The __main__ guard (used by every example)."""

from harness.claims import Claim, Section

SECTION = Section("GUARD", "The __main__ guard (used by every example)", "__main__ 가드 (모든 예제에서 사용)")

CLAIMS: tuple[Claim, ...] = ()
