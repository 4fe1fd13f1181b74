"""Fast walks of a cell's tree, and a node visitor whose generic walk keeps no Python frames per
level of the tree.

``ast.NodeVisitor.generic_visit`` recurses once per level, so a long ``a + b + c + ...`` (a
left-nested chain of ``BinOp``) of a few hundred terms exhausts Python's recursion limit though
Python compiles it. Here nodes without a ``visit_`` method of their own (operators, attributes,
subscripts, comparisons, conditional expressions...) are walked with an explicit stack; only the
visitor's own methods recurse. The order of calls is the order ``NodeVisitor`` gives.

:func:`child_nodes` is ``ast.iter_child_nodes`` without the context and operator markers
(``Load``, ``Store``, ``Add``, ``Eq``...): leaves no analysis looks at, and a third of the nodes of
ordinary code. It reads each node type's fields once, not on every node: every walk of the
analysis goes through it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from typing import Any

#: ASDL types that are no code: plain values, and the context and operator markers.
_NOT_CODE = frozenset({"identifier", "string", "constant", "int", "object", "expr_context",
                       "operator", "boolop", "cmpop", "unaryop"})  # fmt: skip
_MARKERS = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)
_SIGNATURE = re.compile(r"\w+\((.*)\)")
#: How a field holds code: a list of nodes, one node (or None), or either (a type whose
#: signature could not be read).
_LIST, _NODE, _EITHER = 0, 1, 2
#: For each node type: its fields that may hold code, each with how it holds it.
_SPECS: dict[type[ast.AST], tuple[tuple[str, int], ...]] = {}


def _spec(kind: type[ast.AST]) -> tuple[tuple[str, int], ...]:
    """The code fields of ``kind``, read from its ASDL signature (the docstring ``Call(expr
    func, expr* args, keyword* keywords)``); every field, held either way, when there is none."""
    found = _SIGNATURE.fullmatch((kind.__doc__ or "").strip())
    declared = [part.split() for part in found.group(1).split(", ")] if found else []
    if found and [field[-1] for field in declared] == list(kind._fields):
        spec = tuple((name, _LIST if of.endswith("*") else _NODE) for of, name in declared
                     if of.rstrip("*?") not in _NOT_CODE)  # fmt: skip
    else:
        spec = tuple((name, _EITHER) for name in kind._fields)
    _SPECS[kind] = spec
    return spec


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """The node's children in field order, as ``ast.iter_child_nodes`` gives them, less the
    context and operator markers."""
    spec = _SPECS.get(type(node))
    if spec is None:
        spec = _spec(type(node))
    found: list[ast.AST] = []
    for name, held in spec:
        value = getattr(node, name, None)
        if value is None:
            continue
        if held == _NODE:
            found.append(value)
        elif type(value) is list:
            found.extend([item for item in value if isinstance(item, ast.AST)])
        elif held == _EITHER and isinstance(value, ast.AST) and not isinstance(value, _MARKERS):
            found.append(value)
    return found


def breadth_first(node: ast.AST) -> list[ast.AST]:
    """:func:`walk`'s nodes, in its order, as a list."""
    found = [node]
    index = 0
    while index < len(found):
        found.extend(child_nodes(found[index]))
        index += 1
    return found


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``node`` (itself first) in ``ast.walk``'s breadth-first order, less the
    context and operator markers."""
    queue = [node]
    index = 0
    while index < len(queue):
        current = queue[index]
        index += 1
        queue.extend(child_nodes(current))
        yield current


_Method = Callable[[Any, Any], None]
_DISPATCH: dict[tuple[type[Any], type[ast.AST]], _Method | None] = {}


def _method(visitor: type[Any], kind: type[ast.AST]) -> _Method | None:
    """The visitor class's ``visit_<Kind>`` for a node type, looked up once."""
    key = (visitor, kind)
    try:
        return _DISPATCH[key]
    except KeyError:
        found: _Method | None = getattr(visitor, "visit_" + kind.__name__, None)
        _DISPATCH[key] = found
        return found


class StackVisitor(ast.NodeVisitor):
    """``ast.NodeVisitor`` with an iterative :meth:`generic_visit` and cached dispatch."""

    def visit(self, node: ast.AST) -> Any:
        method = _method(type(self), type(node))
        if method is None:
            self.generic_visit(node)
        else:
            method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        visitor = type(self)
        stack = child_nodes(node)
        stack.reverse()
        while stack:
            child = stack.pop()
            method = _method(visitor, type(child))
            if method is not None:
                method(self, child)
            else:
                children = child_nodes(child)
                children.reverse()
                stack.extend(children)
