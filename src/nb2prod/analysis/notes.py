"""Practice notes gathered while walking a cell: credentials, absolute paths, randomness.

A mixin of :class:`~nb2prod.analysis.visitor.CellVisitor`: it records facts, never names.
"""

from __future__ import annotations

import ast

from nb2prod.analysis import practices
from nb2prod.analysis.facts import CellFacts, Note, Pos, RandomUse
from nb2prod.analysis.scope import ScopeNode, outer_parts
from nb2prod.analysis.walk import StackVisitor, child_nodes


class PracticeNotes(StackVisitor):
    """Notes for the practice findings; needs ``facts``, ``aliases`` and ``pos``."""

    facts: CellFacts
    aliases: dict[str, str]

    def pos(self, node: ast.AST) -> Pos:
        raise NotImplementedError

    def visit_Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, str):
            return
        kind = practices.token_kind(node.value)
        if kind:
            self.facts.notes.append(
                Note("secret", self.pos(node), f"{kind} ({practices.mask(node.value)})")
            )
        elif practices.is_absolute_path(node.value):
            self.facts.notes.append(Note("absolute-path", self.pos(node), node.value))

    # Helpers ---------------------------------------------------------------------------------

    def _note_secret(self, name: str, value: ast.AST, node: ast.AST) -> None:
        if (
            practices.is_secret_name(name)
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and practices.is_real_secret_value(value.value)
            and practices.token_kind(value.value) is None
        ):
            detail = f"`{name}` = {practices.mask(value.value)}"
            self.facts.notes.append(Note("secret", self.pos(node), detail))

    def _note_call_practices(self, node: ast.Call, dotted: str) -> None:
        for keyword in node.keywords:
            if keyword.arg:
                self._note_secret(keyword.arg, keyword.value, keyword.value)
        if not dotted:
            return
        head, _, rest = dotted.partition(".")
        canonical = self.aliases.get(head, head) + (f".{rest}" if rest else "")
        keywords = frozenset(k.arg for k in node.keywords if k.arg)
        family = practices.random_family(canonical, keywords, len(node.args))
        if family is not None:
            self.facts.random_uses.append(
                RandomUse(canonical, self.pos(node), family[1], family[0])
            )

    def scan_nested(self, node: ScopeNode) -> None:
        """Practice notes from inside a nested scope (its names are handled by .scope)."""
        outer = {id(part) for part in outer_parts(node)}  # children of ``node``, none deeper
        stack = [c for c in child_nodes(node) if id(c) not in outer]
        while stack:
            child = stack.pop()
            if isinstance(child, ast.Constant):
                self.visit_Constant(child)
            elif isinstance(child, ast.Call):
                self._note_call_practices(child, dotted_name(child.func))
            elif isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant):
                continue  # docstrings
            stack.extend(child_nodes(child))


def dotted_name(node: ast.AST) -> str:
    """``np.random.rand`` for that attribute chain; empty when the root is not a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))
