"""The faithful form: every step a function of one module whose globals are the notebook's
namespace. Each step declares ``global`` for the names it binds, so a name means in the package
what it meant in the kernel: redefinitions, functions reading or setting globals, defaults and
decorators evaluated when their cell ran. What can be proven the same at module level (imports,
definitions bound once from names already there) is hoisted, so the module still reads like code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst

from nb2prod.analysis.context import Analysed
from nb2prod.convert.faithful import (
    BUILTINS,
    Statement,
    binding_cells,
    namespace_call,
    star_import,
    walk,
)
from nb2prod.convert.importsort import sort_imports
from nb2prod.convert.literal import comment, docstring
from nb2prod.convert.render import (
    SUPPORT_NAMES,
    bare_blank_lines,
    leading_comments,
    step_docstring,
    tidy,
    without_blank_lead,
)
from nb2prod.convert.steps import Step, cell_key
from nb2prod.convert.toplevel import awaits
from nb2prod.scopes import Names, function_locals, names_of


@dataclass
class SharedModule:
    """The module's source; ``pure``: hoisted functions that read no step's names (a test may
    call them alone); ``results``: names the steps bind, in order; ``sure``: those every run
    binds; ``running``: steps with a function; ``awaiting``: those that are coroutines."""

    source: str = ""
    pure: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    sure: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)
    awaiting: list[str] = field(default_factory=list)


def render_shared(
    steps: list[Step],
    found: list[Statement],
    package: str,
    header: str,
    reasons: list[str],
) -> SharedModule:
    """The source of ``src/<package>/steps.py``; ``header`` is its summary line, ``reasons`` why
    the readable form was not used; ``found`` are the steps' statements, analysed (``faithful``)."""
    placed = _Placement(found)
    module = SharedModule()
    functions = []
    for step in steps:
        made = _step_function(step, placed.body.get(step.name, []))
        if made is None:
            continue
        function, bound = made
        functions.append(function)
        module.running.append(step.name)
        if function.startswith("async "):
            module.awaiting.append(step.name)
        for name in bound:
            if name not in module.results:
                module.results.append(name)
    module.sure = [n for n in dict.fromkeys(placed.sure) if n in module.results]
    module.pure = placed.pure()
    why = [f"- {reason}" for reason in reasons[:8]]
    more = len(reasons) - 8
    why += [f"- and {more} more (README)"] if more > 0 else []
    doc = docstring(
        header,
        "",
        "The cells' code is kept in notebook order, sharing this module's namespace as the",
        "cells shared the kernel's, because moving it would change what some names mean:",
        *why,
        "",
    )
    code = "\n\n\n".join([*placed.definitions, *functions])
    imports = sort_imports(
        placed.imports + _support_imports(package, code, placed.all_bound), package
    )
    definition = code.lstrip().startswith(("def ", "class ", "@", "async def "))
    gap = ["", ""] if definition else [""]  # before a definition two lines, else one (isort)
    parts = [doc, "", *imports, *gap, code, ""]
    module.source = "\n".join(parts).replace("\n\n\n\n", "\n\n\n")
    return module


class _Placement:
    """Which statements go to module level, and which stay in their step, in order."""

    def __init__(self, found: list[Statement]) -> None:
        self.imports: list[str] = []
        self.definitions: list[str] = []
        self.body: dict[str, list[tuple[Analysed, str, cst.BaseStatement]]] = {}
        self.hoisted_names: set[str] = set()
        self.sure: list[str] = []
        self.later: dict[str, frozenset[str]] = {}
        self.opaque: set[str] = set()
        bound = binding_cells(found)
        self.all_bound = set(bound)
        deleted = {n for s in found for n in _deleted(s.code)}
        elsewhere = {n for s in found if s.kind != "imports" for n in s.names.binds | s.names.sets}
        imported_only = set(bound) - elsewhere
        star = any(star_import(s.code) for s in found)
        available = set(BUILTINS)
        for statement in found:
            names, node = statement.names, statement.node
            if statement.kind == "imports" and (
                star_import(statement.code) or names.binds <= imported_only
            ):
                self._add_import(statement.code)
                available |= names.binds
                continue
            if star_import(statement.code):  # `import *` is allowed at module level only
                self.definitions.append(tidy(without_blank_lead(node)).rstrip("\n"))
                continue
            if statement.kind == "definitions" and self._can_hoist(names, bound, available, star):
                self.definitions.append(tidy(without_blank_lead(node)).rstrip("\n"))
                self.hoisted_names |= names.binds
                available |= names.binds
                for name in names.binds:
                    self.later[name] = names.later
                if namespace_call(statement.code):  # eval/globals(): reads it cannot name
                    self.opaque |= names.binds
                continue
            self.body.setdefault(statement.step, []).append(
                (statement.analysed, statement.kind, node)
            )
            if _binds_surely(node):
                self.sure += [n for n in sorted(names.binds) if n not in deleted]

    def _add_import(self, code: str) -> None:
        text = code.strip()
        if text and text not in self.imports:
            if text.startswith("from __future__"):
                self.imports.insert(0, text)
            else:
                self.imports.append(text)

    def _can_hoist(
        self, names: Names, bound: dict[str, list[int]], available: set[str], star: bool
    ) -> bool:
        """Bound once, and all it reads when defined is there already: what it names, and what
        the functions it calls then (a decorator, a default's call) read in turn."""
        if any(len(bound.get(name, [])) != 1 for name in names.binds):
            return False
        needed = set(names.now) - names.binds
        pending = list(needed)
        while pending:  # the hoisted functions it calls when defined read their globals then
            for inner in self.later.get(pending.pop(), frozenset()):
                if inner not in needed:
                    needed.add(inner)
                    pending.append(inner)
        unknown = needed - available - names.binds
        if star:  # a name bound nowhere in the notebook comes from a star import
            unknown = {n for n in unknown if n in bound}
        return not unknown

    def pure(self) -> list[str]:
        """Hoisted names whose functions read only imports, builtins and other pure names."""
        pure = set(self.hoisted_names) - self.opaque
        changed = True
        while changed:
            changed = False
            for name in sorted(pure):
                outside = self.later.get(name, frozenset()) - BUILTINS - pure
                if outside & (self.all_bound - self._imported()):
                    pure.discard(name)
                    changed = True
        return sorted(pure)

    def _imported(self) -> set[str]:
        names: set[str] = set()
        for text in self.imports:
            names |= names_of(text).binds
        return names


def _step_function(
    step: Step, body: list[tuple[Analysed, str, cst.BaseStatement]]
) -> tuple[str, list[str]] | None:
    """The step's function with a ``global`` line for every name it binds, and those names; or
    None when all its code went to module level."""
    if not body:
        return None
    statements: list[cst.BaseStatement] = []
    seen: set[Analysed] = set()
    for cell, _, node in body:
        if cell not in seen:
            seen.add(cell)
            label = f"cell {cell.number} ({cell_key(cell)})"
            marker = cst.EmptyLine(comment=cst.Comment(comment(label)))
            node = node.with_changes(leading_lines=[marker, *leading_comments(node)])
        statements.append(node)
    doc = step_docstring(step)
    function = cst.FunctionDef(
        name=cst.Name(step.name),
        params=cst.Parameters(),
        body=cst.IndentedBlock(body=[doc, *statements]),
        asynchronous=cst.Asynchronous() if awaits(statements) else None,
    )
    draft = cst.Module(body=[function]).code
    names = function_locals(draft.replace("async def", "def", 1), step.name)
    if names:
        declared = [
            cst.SimpleStatementLine([cst.Global([cst.NameItem(cst.Name(n)) for n in part])])
            for part in _chunks(names)
        ]
        function = function.with_changes(body=cst.IndentedBlock(body=[doc, *declared, *statements]))
    return bare_blank_lines(cst.Module(body=[function])).code.rstrip("\n"), names


def _chunks(names: list[str], width: int = 80) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    length = 0
    for name in names:
        if parts[-1] and length + len(name) + 2 > width:
            parts.append([])
            length = 0
        parts[-1].append(name)
        length += len(name) + 2
    return parts


#: Imports lifted magics need (``!cmd`` runs ``subprocess``, ``%env`` sets ``os.environ``).
_LIFTED_NEEDS = {
    "subprocess": "import subprocess",
    "os": "import os",
    "Path": "from pathlib import Path",
}


def _support_imports(package: str, code: str, bound: set[str]) -> list[str]:
    used = names_of(code)
    wanted = used.now | used.later
    support = sorted(n for n in SUPPORT_NAMES if n in wanted and n not in bound)
    lines = [line for name, line in _LIFTED_NEEDS.items() if name in wanted and name not in bound]
    return lines + ([f"from {package}._support import {', '.join(support)}"] if support else [])


def _binds_surely(node: cst.BaseStatement) -> bool:
    """A statement that binds its names whenever it runs (not a loop, branch or ``try``)."""
    if isinstance(node, cst.FunctionDef | cst.ClassDef):
        return True
    if not isinstance(node, cst.SimpleStatementLine):
        return False
    return all(
        isinstance(s, cst.Assign | cst.Import | cst.ImportFrom)
        or (isinstance(s, cst.AnnAssign) and s.value is not None)
        for s in node.body
    )


def _deleted(code: str) -> set[str]:
    if "del" not in code:
        return set()
    return {
        target.id
        for node in walk(code)
        if isinstance(node, ast.Delete)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
