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
from collections.abc import Callable, Iterator
from typing import Any

#: Fields that hold only context and operator markers, never code.
_MARKERS = frozenset({"ctx", "op", "ops"})
_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """The node's children in field order, as ``ast.iter_child_nodes`` gives them, less the
    context and operator markers."""
    kind = type(node)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(f for f in kind._fields if f not in _MARKERS)
    found: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if type(value) is list:
            found.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            found.append(value)
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
