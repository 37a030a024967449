"""Run a command with the variables a GitHub workflow's job sets: the workflow's top-level
``env:`` and the job's own (which wins), read from the YAML, never copied, and added to
this process's environment.  .ci/run runs its pytest commands through it, so a variable
that breaks the job breaks .ci/run too.

    python .ci/workflow_env.py [--workflow FILE] [--job NAME] -- COMMAND [ARG ...]
    python .ci/workflow_env.py --print      the variables, NAME=VALUE, one a line

It reads the two ``env:`` block mappings with plain, 'single-' or "double-quoted" values;
anything else there (a flow mapping, a block, tagged or empty value, a ${{ }} expression,
which only GitHub can evaluate) is refused in one line with exit status 2.  Standard
library only: it runs before any virtual environment exists.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from harness.console import OneLineParser  # noqa: E402  (standard library only)

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
KEY = re.compile(r"""(?P<key>[A-Za-z_][\w.-]*|"[^"]*"|'[^']*')\s*:(?:\s+(?P<value>.*))?$""")
DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$')
SINGLE = re.compile(r"'((?:[^']|'')*)'\s*(?:#.*)?$")


class WorkflowError(Exception):
    """The workflow cannot be read as this script reads it; the message is one line."""


def scalar(text: str | None, where: str) -> str:
    """The string a YAML scalar on one line stands for."""
    text = (text or "").strip()
    if not text or text.startswith("#"):
        raise WorkflowError(f"{where}: no value")
    if text[0] == '"':
        double = DOUBLE.match(text)
        try:
            value = str(json.loads(f'"{double.group(1)}"')) if double else None
        except ValueError:  # an escape YAML has and JSON has not
            value = None
    elif text[0] == "'":
        single = SINGLE.match(text)
        value = single.group(1).replace("''", "'") if single else None
    elif text[0] in "|>{[&*!%@`":
        value = None
    else:
        value = re.split(r"\s+#", text, maxsplit=1)[0].rstrip()
    if value is None:
        raise WorkflowError(f"{where}: {text!r} is not a one-line plain or quoted value")
    if "${{" in value:
        raise WorkflowError(f"{where}: {text!r} is an expression only GitHub can evaluate")
    return value


def job_env(text: str, job: str) -> dict[str, str]:
    """The workflow's top-level env, then the job's env over it."""
    parents = (("env",), ("jobs", job, "env"))
    found: dict[tuple[str, ...], dict[str, str]] = {parent: {} for parent in parents}
    seen: set[tuple[str, ...]] = set()
    stack: list[tuple[int, str]] = []  # (indent, key) of the mappings the line is inside
    block_scalar_at: int | None = None  # the indent of a `key: |` line whose lines follow
    for number, line in enumerate(text.splitlines(), 1):
        body = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if block_scalar_at is not None:
            if not body or indent > block_scalar_at:
                continue
            block_scalar_at = None
        if not body or body.startswith("#"):
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if body == "-" or body.startswith("- "):  # a list item, and a mapping inside it maybe
            stack.append((indent, "-"))
            item = body[1:].lstrip()
            indent, body = indent + len(body) - len(item), item
            if not body:
                continue
        key = KEY.match(body)
        if key is None:  # a continued scalar or a form read nowhere here
            stack.append((indent, "?"))
            continue
        name, value = key.group("key").strip("\"'"), key.group("value")
        parent = tuple(k for _, k in stack)
        path = (*parent, name)
        seen.add(path)
        where = f"line {number}"
        if parent in found:
            found[parent][name] = scalar(value, where)
        elif path in found and value and not value.startswith("#"):
            raise WorkflowError(f"{where}: {'.'.join(path)} must be a block mapping, one NAME: value a line")
        if value and value.lstrip()[0] in "|>":
            block_scalar_at = indent
        stack.append((indent, name))
    if ("jobs", job) not in seen:
        raise WorkflowError(f"no job {job!r} in the workflow")
    return {**found[("env",)], **found[("jobs", job, "env")]}


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(
        prog="workflow_env.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workflow", type=Path, default=WORKFLOW, help="the workflow file (default: %(default)s)")
    parser.add_argument("--job", default="tests", help="the job whose env is added (default: %(default)s)")
    parser.add_argument("--print", action="store_true", help="print the variables instead of running a command")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    try:
        text = args.workflow.read_text(encoding="utf-8")
    except OSError as exc:
        parser.error(f"{args.workflow}: {exc.strerror or exc}")
    try:
        env = job_env(text, args.job)
    except WorkflowError as exc:
        parser.error(f"{args.workflow}: {exc}")
    if args.print:
        print("".join(f"{name}={value}\n" for name, value in env.items()), end="")
        return 0
    if not command:
        parser.error("no command given (after --)")
    try:
        status = subprocess.call(command, env={**os.environ, **env})
    except OSError as exc:
        parser.error(f"cannot run {command[0]}: {exc.strerror or exc}")
    return status if status >= 0 else 128 - status  # killed by a signal: as a shell says it


if __name__ == "__main__":
    sys.exit(main())
