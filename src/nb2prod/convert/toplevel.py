"""A cell's code runs at module level, a step's in a function: the statements whose meaning or
validity differs between the two, found with libcst. Each finder skips the functions and classes
the cell defines, whose bodies keep their own scope wherever they are."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst


def awaits(statements: Iterable[cst.BaseStatement]) -> bool:
    """Whether a step's statements await (``await``, ``async for``, ``async with``): the
    notebook ran them with IPython's top-level await, so its function is a coroutine function."""
    finder = _AwaitFinder()
    for statement in statements:
        statement.visit(finder)
    return finder.found


class _TopLevel:
    """A visitor mixin that does not enter the functions and classes a cell defines."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


class _AwaitFinder(_TopLevel, cst.CSTVisitor):
    """Awaiting at the top level of a cell; not inside the functions and classes it defines."""

    def __init__(self) -> None:
        self.found = False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Await(self, node: cst.Await) -> None:
        self.found = True

    def visit_For(self, node: cst.For) -> None:
        self.found = self.found or node.asynchronous is not None

    def visit_With(self, node: cst.With) -> None:
        self.found = self.found or node.asynchronous is not None

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.found = self.found or node.asynchronous is not None


class ModuleGlobals(_TopLevel, cst.CSTTransformer):
    """Drops ``global`` outside functions and classes: at a cell's top level it changes nothing
    (the cell runs at module level), inside a step function it would (or would not compile)."""

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        body = [small for small in updated.body if not isinstance(small, cst.Global)]
        if body:
            return updated.with_changes(body=body) if len(body) < len(updated.body) else updated
        if any(line.comment for line in updated.leading_lines):
            return cst.SimpleStatementLine([cst.Pass()], leading_lines=updated.leading_lines)
        return cst.RemoveFromParent()


STAR_BLOCK = (
    "a block with `from M import *` runs at module level (Python allows a star import nowhere "
    "else), when the module is imported rather than when the step runs"
)
STAR_TODO = "# TODO(nb2prod): star import, allowed only at module level: this runs on import"


def star_imports(statement: cst.BaseCompoundStatement) -> bool:
    """Whether a ``try``/``if``/``with``/loop block star-imports outside its own functions."""
    finder = _StarFinder()
    statement.visit(finder)
    return finder.found


class _StarFinder(_TopLevel, cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.found = self.found or isinstance(node.names, cst.ImportStar)
