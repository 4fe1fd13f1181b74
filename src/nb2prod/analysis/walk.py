"""A node visitor whose generic walk keeps no Python frames per level of the tree.

``ast.NodeVisitor.generic_visit`` recurses once per level, so a long ``a + b + c + ...`` (a
left-nested chain of ``BinOp``) of a few hundred terms exhausts Python's recursion limit though
Python compiles it. Here nodes without a ``visit_`` method of their own (operators, attributes,
subscripts, comparisons, conditional expressions...) are walked with an explicit stack; only the
visitor's own methods recurse. The order of calls is the order ``NodeVisitor`` gives.
"""

from __future__ import annotations

import ast


class StackVisitor(ast.NodeVisitor):
    """``ast.NodeVisitor`` with an iterative :meth:`generic_visit`."""

    def generic_visit(self, node: ast.AST) -> None:
        stack = _children_last_first(node)
        while stack:
            child = stack.pop()
            method = getattr(self, "visit_" + type(child).__name__, None)
            if method is not None:
                method(child)
            else:
                stack.extend(_children_last_first(child))


def _children_last_first(node: ast.AST) -> list[ast.AST]:
    children = list(ast.iter_child_nodes(node))
    children.reverse()
    return children
