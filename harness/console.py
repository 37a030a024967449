"""Output of the harness's command-line tools on a console whose encoding lacks the marks.

A Windows console in cp1252, or cp949 on Korean Windows (and a pipe or a file opened with
such an encoding), has no ✓ or ✗: print() would raise UnicodeEncodeError and lose the rest
of the output.  There, each mark is written as an ASCII one, and any other character the
encoding lacks as its \\u escape, so nothing is lost.
"""

from __future__ import annotations

import argparse
import codecs
import io
import sys
from typing import NoReturn

ERRORS = "mpspec-ascii-marks"
ASCII_MARKS = {"✓": "+", "✗": "x", "±": "+-", "·": ".", "…": "..."}


def _in_ascii(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    lacking = error.object[error.start : error.end]
    return "".join(ASCII_MARKS.get(c) or c.encode("ascii", "backslashreplace").decode() for c in lacking), error.end


codecs.register_error(ERRORS, _in_ascii)


def tolerate_narrow_encodings() -> None:
    """Make stdout and stderr write what their encoding lacks as above, instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=ERRORS)


class OneLineParser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (and exit status 2), not the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")
