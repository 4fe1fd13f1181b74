"""Whether a notebook can take the readable form (one module a step, definitions at module level,
values handed between steps as arguments) without changing what any name means. Each reason it
cannot is a sentence for the package's README; with any reason, convert keeps the cells' code in
notebook order in one shared namespace instead (see ``shared``)."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from nb2prod.analysis.context import Analysed
from nb2prod.convert.lift import LiftedCell
from nb2prod.convert.render import code_of
from nb2prod.convert.steps import Step
from nb2prod.scopes import Names, names_of

#: Names every cell can read without binding them: Python's builtins and IPython's.
BUILTINS = frozenset(dir(builtins)) | {"display", "get_ipython", "__name__", "__file__"}

#: Calls that read or write the namespace as a whole: only one shared namespace keeps them true.
_NAMESPACE_CALLS = frozenset({"globals", "locals", "vars", "exec", "eval"})


@dataclass(frozen=True)
class Statement:
    """One lifted statement: its step, its cell, where lifting put it, its code and its names
    (analysed once, for the choice of form and for the faithful form's placement)."""

    step: str
    analysed: Analysed
    kind: str  # "imports", "definitions" or "body"
    node: cst.BaseStatement
    code: str
    names: Names

    @property
    def cell(self) -> int:
        return self.analysed.number


def statements(steps: list[Step], lifted: dict[Analysed, LiftedCell]) -> list[Statement]:
    """Every lifted statement of every step, in notebook order."""
    found: list[Statement] = []
    for step in steps:
        for cell in step.cells:
            for kind, node in lifted[cell].in_order():
                code = code_of(node)
                found.append(Statement(step.name, cell, kind, node, code, names_of(code)))
    return found


def binding_cells(found: Iterable[Statement]) -> dict[str, list[int]]:
    """Each module-level name and the cells of the statements that bind it (a function's
    ``global`` counts), once a statement."""
    cells: dict[str, list[int]] = {}
    for statement in found:
        for name in statement.names.binds | statement.names.sets:
            cells.setdefault(name, []).append(statement.cell)
    return cells


def readable_blockers(found: list[Statement]) -> list[str]:
    """Why the readable form would change the meaning of some name; empty when it would not."""
    reasons: list[str] = []
    bound = binding_cells(found)
    imported = {n for s in found if s.kind == "imports" for n in s.names.binds}
    hoisted = {n for s in found if s.kind == "definitions" for n in s.names.binds}
    stepped = {n for s in found if s.kind == "body" for n in s.names.binds}
    for statement in found:
        reasons += _statement_reasons(statement, bound, imported | hoisted | BUILTINS, stepped)
    for name in sorted(imported & (hoisted | stepped)):
        reasons.append(f"`{name}` is imported and also bound (cells {_cells(bound[name])})")
    return list(dict.fromkeys(reasons))


def _statement_reasons(
    statement: Statement, bound: dict[str, list[int]], static: set[str], stepped: set[str]
) -> list[str]:
    reasons: list[str] = []
    names = statement.names
    where = f"cell {statement.cell}"
    if star_import(statement.code):
        reasons.append(f"{where} imports `*`: the names it binds are known only when it runs")
    for name in sorted(names.sets):
        reasons.append(f"a function in {where} sets the global `{name}`")
    called = namespace_call(statement.code)
    if called:
        reasons.append(f"{where} calls `{called}()`, which sees the notebook's whole namespace")
    if statement.kind != "definitions":
        return reasons
    for name in sorted(names.binds):
        if len(bound.get(name, [])) > 1:
            reasons.append(f"`{name}` is bound more than once (cells {_cells(bound[name])})")
    for name in sorted(names.now - static - names.binds):
        if name in stepped:
            reasons.append(f"{where} uses `{name}` where it defines, and step code sets it")
    for name in sorted(names.later & stepped):
        reasons.append(f"a function in {where} reads `{name}`, which step code sets")
    return reasons


def _cells(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in dict.fromkeys(numbers))


def star_import(code: str) -> bool:
    """Whether ``code`` holds ``from m import *``."""
    return "*" in code and any(
        isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
        for node in walk(code)
    )


def namespace_call(code: str) -> str | None:
    """The first call in ``code`` that reads or writes a namespace as a whole, if any."""
    if not any(name in code for name in _NAMESPACE_CALLS):
        return None
    for node in walk(code):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _NAMESPACE_CALLS
            and not (node.func.id == "vars" and node.args)
        ):
            return node.func.id
    return None


def walk(code: str) -> list[ast.AST]:
    """Every node of ``code``; none when it cannot be read."""
    try:
        return list(ast.walk(ast.parse(code)))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
