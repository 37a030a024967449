"""What the project's files say about a claim, read with ``ast``: the tests marked with it
and the scenario runs they make, the scenarios' variants, the mutants that name it.

Nothing is imported or collected (no pytest, no scenario, no mutant module), so the index
answers at once and shows the calls as they are written.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

RUNNER = "run_scenario"  # the fixture a claim test runs scenarios with
MUTANT_MAKERS = {"mutant": "behaviour", "NoteMutant": "note"}  # mutants/*.py; harness.selfcheck.mutation
NOTE_MUTANTS_FILE = Path("harness") / "selfcheck" / "mutation.py"


@dataclass(frozen=True)
class ScenarioRun:
    """One ``run_scenario(...)`` call, its arguments as written; where a helper of the test
    file makes it, the helper's parameters are replaced by what the test passes."""

    scenario: str  # the scenario's name, or the expression as written when it is not a literal
    variant: str  # '"document"'; '"queue" | "pipe" (parametrised)'; "" when not given
    keywords: tuple[tuple[str, str], ...] = ()
    through: str = ""  # the helper the test calls

    def describe(self) -> str:
        parts = [self.scenario, f"variant={self.variant}" if self.variant else "no variant (the scenario's default)"]
        parts += [f"{name}={value}" for name, value in self.keywords]
        return ", ".join(parts) + (f" (through {self.through}())" if self.through else "")


@dataclass(frozen=True)
class ClaimTest:
    path: str  # "tests/test_mp_logging.py"
    name: str
    runs: tuple[ScenarioRun, ...]

    @property
    def node_id(self) -> str:
        return f"{self.path}::{self.name}"


@dataclass(frozen=True)
class MutantEntry:
    name: str
    kind: str  # behaviour or note
    path: str
    description: str


def _dotted(node: ast.AST) -> str:
    """``pytest.mark.claim`` for the attribute chain, "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _marks(function: ast.FunctionDef, name: str) -> Iterator[ast.Call]:
    """The ``@pytest.mark.NAME(...)`` decorators of ``function``."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and _dotted(decorator.func).endswith(f"mark.{name}"):
            yield decorator


def _literal(node: ast.AST | None) -> object:
    try:
        return ast.literal_eval(node) if node is not None else None
    except (ValueError, TypeError, SyntaxError):
        return None


def _literal_text(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError):
        return None


def claim_of(function: ast.FunctionDef) -> str | None:
    for mark in _marks(function, "claim"):
        first = _literal(mark.args[0]) if mark.args else None
        if isinstance(first, str):
            return first
    return None


def segment(lines: list[bytes], node: ast.expr) -> str:
    """The node's source text: ast.get_source_segment, without splitting the file at each call."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    start, end = node.col_offset, node.end_col_offset  # offsets in UTF-8 bytes
    if first == last:
        return lines[first][start:end].decode("utf-8")
    return b"".join([lines[first][start:], *lines[first + 1 : last], lines[last][:end]]).decode("utf-8")


@dataclass(frozen=True)
class _TestFile:
    lines: list[bytes]
    functions: Mapping[str, ast.FunctionDef]  # the module's top-level functions: tests and helpers

    def text(self, node: ast.expr, env: Mapping[str, str]) -> str:
        """A value as written, or what a helper's parameter (or a parametrised name) stands for."""
        if isinstance(node, ast.Name) and node.id in env:
            return env[node.id]
        return segment(self.lines, node)

    def runs(
        self, function: ast.FunctionDef, env: Mapping[str, str], through: str = "", seen: frozenset[str] = frozenset()
    ) -> list[ScenarioRun]:
        """The scenario runs of ``function``, its helpers' included (``through``: the helper the test called)."""
        found: list[ScenarioRun] = []
        for call in _calls(function):
            callee = call.func.id if isinstance(call.func, ast.Name) else ""
            if callee == RUNNER:
                found.append(self.run(call, env, through))
            elif callee in self.functions and callee not in seen:  # a helper: document(run_scenario, start_method)
                helper = self.functions[callee]
                found += self.runs(helper, self.bind(helper, call, env), through or callee, seen | {function.name})
        return list(dict.fromkeys(found))

    def run(self, call: ast.Call, env: Mapping[str, str], through: str) -> ScenarioRun:
        given = dict(zip(("scenario", "start_method", "variant"), call.args))
        given.update((k.arg, k.value) for k in call.keywords if k.arg)
        scenario = given.pop("scenario", None)
        name = self.text(scenario, env) if scenario is not None else "?"
        variant = given.pop("variant", None)
        method = given.pop("start_method", None)
        keywords = [(k, self.text(v, env)) for k, v in given.items()]
        if method is not None and not (isinstance(method, ast.Name) and method.id == "start_method"):
            keywords.insert(0, ("start_method", self.text(method, env)))  # a fixed one: "" is the default
        written = _literal_text(name)
        return ScenarioRun(
            written if isinstance(written, str) else name,
            self.text(variant, env) if variant is not None else "",
            tuple(keywords),
            through,
        )

    def bind(self, helper: ast.FunctionDef, call: ast.Call, env: Mapping[str, str]) -> dict[str, str]:
        """The helper's parameters: its defaults, then the call's arguments."""
        params = [*helper.args.posonlyargs, *helper.args.args]
        defaults = helper.args.defaults
        bound = {p.arg: self.text(d, {}) for p, d in zip(params[len(params) - len(defaults) :], defaults)}
        bound.update({p.arg: self.text(d, {}) for p, d in zip(helper.args.kwonlyargs, helper.args.kw_defaults) if d})
        bound.update({p.arg: self.text(a, env) for p, a in zip(params, call.args)})
        bound.update({k.arg: self.text(k.value, env) for k in call.keywords if k.arg})
        return bound


def _calls(function: ast.FunctionDef) -> list[ast.Call]:
    """The calls in the function's body, in source order."""
    calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
    return sorted(calls, key=lambda c: (c.lineno, c.col_offset))


def parametrised(function: ast.FunctionDef, lines: list[bytes]) -> dict[str, str]:
    """Each name ``@pytest.mark.parametrize`` gives the test, with its values as written."""
    values: dict[str, list[str]] = {}
    for mark in _marks(function, "parametrize"):
        if len(mark.args) < 2:
            continue
        names = _literal(mark.args[0])
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else names
        if not isinstance(names, (list, tuple)):
            continue
        cases = mark.args[1]
        if not isinstance(cases, (ast.List, ast.Tuple)):  # a name: its values are not written here
            for name in names:
                values.setdefault(str(name), []).append(f"each of {segment(lines, cases)}")
            continue
        for case in cases.elts:
            if isinstance(case, ast.Call) and _dotted(case.func).endswith("param"):
                items = case.args
            else:
                items = case.elts if len(names) > 1 and isinstance(case, (ast.Tuple, ast.List)) else [case]
            for name, item in zip(names, items):
                values.setdefault(str(name), []).append(segment(lines, item))
    return {name: " | ".join(texts) + " (parametrised)" for name, texts in values.items()}


def claim_tests(claim_id: str, root: Path) -> list[ClaimTest]:
    """The test functions of ``root/tests/test_*.py`` marked ``@pytest.mark.claim(claim_id)``."""
    found = []
    for path in sorted((root / "tests").glob("test_*.py")):
        source = path.read_bytes()
        if claim_id.encode() not in source:  # most files: not parsed at all
            continue
        tree = ast.parse(source, str(path))
        functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        module = _TestFile(source.splitlines(keepends=True), functions)
        for function in functions.values():
            if function.name.startswith("test") and claim_of(function) == claim_id:
                runs = module.runs(function, parametrised(function, module.lines))
                found.append(ClaimTest(path.relative_to(root).as_posix(), function.name, tuple(runs)))
    return found


def scenario_variants(path: Path) -> tuple[list[str], str]:
    """The variants a scenario's ``run_main(...)`` call registers, and its default."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _dotted(node.func) == "run_main" and len(node.args) > 1:
            table = node.args[1]
            names = [k.value for k in table.keys if isinstance(k, ast.Constant)] if isinstance(table, ast.Dict) else []
            default = next((_literal(k.value) for k in node.keywords if k.arg == "default"), None)
            return [str(n) for n in names], str(default or "")
    return [], ""


def mutants_naming(claim_id: str, root: Path) -> list[MutantEntry]:
    """The behaviour mutants (``@mutant(name, claims=..., description=...)``) and note mutants
    (``NoteMutant(name, claims, description, ...)``) whose claims include ``claim_id``."""
    found = []
    for path in [*sorted((root / "mutants").glob("*.py")), root / NOTE_MUTANTS_FILE]:
        source = path.read_bytes() if path.is_file() else b""
        if claim_id.encode() not in source:
            continue
        for node in ast.walk(ast.parse(source, str(path))):
            if isinstance(node, ast.Call) and _dotted(node.func) in MUTANT_MAKERS:
                given = dict(zip(("name", "claims", "description"), node.args))
                given.update((k.arg, k.value) for k in node.keywords if k.arg)
                name, claims, description = (_literal(given.get(k)) for k in ("name", "claims", "description"))
                if isinstance(claims, (tuple, list)) and claim_id in claims:
                    kind = MUTANT_MAKERS[_dotted(node.func)]
                    found.append(MutantEntry(str(name), kind, path.relative_to(root).as_posix(), str(description)))
    return found
