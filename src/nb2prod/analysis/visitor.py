"""The module-level walk of one cell, in evaluation order.

At module level order matters (``x = x + 1`` reads ``x`` before binding it), so statements are
visited in the order Python runs them; nested scopes are handed to :mod:`.scope`.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable

from nb2prod.analysis import practices
from nb2prod.analysis.calls import (
    ARG_MUTATORS,
    construction_reads,
    literal_names,
    method_change,
    root_name,
)
from nb2prod.analysis.facts import CellFacts, Import, Note, Pos
from nb2prod.analysis.notes import PracticeNotes, dotted_name
from nb2prod.analysis.scope import ScopeNode, analyse_scope, binding_names, outer_parts, own_nodes
from nb2prod.analysis.walk import walk

#: Resolves ``from module import *`` (module, level) to the names it binds, or None if unknown.
StarResolver = Callable[[str, int], frozenset[str] | None]


class CellVisitor(PracticeNotes):
    """Fills a :class:`CellFacts` from a cell's module-level statements."""

    def __init__(
        self, facts: CellFacts, resolve_star: StarResolver, line_base: int = 0, source: str = ""
    ) -> None:
        self.facts = facts
        self.resolve_star = resolve_star
        self.line_base = line_base
        self.lines = source.splitlines() if not source.isascii() else []
        self.bound: set[str] = set()
        self.aliases: dict[str, str] = dict(practices.CONVENTIONAL_ALIASES)
        self.modules: set[str] = set(practices.CONVENTIONAL_ALIASES)
        self.loops: list[Counter[str]] = []
        self.augmenting: str | None = None
        self.passed: set[int] = set()

    # Positions and the three things that happen to a name ------------------------------------

    def pos(self, node: ast.AST) -> Pos:
        """Where ``node`` starts; columns count characters, as libcst does (ast counts bytes)."""
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        if self.lines and 0 < line <= len(self.lines) and not self.lines[line - 1].isascii():
            col = len(self.lines[line - 1].encode("utf-8")[:col].decode("utf-8", "ignore"))
        return Pos(line + self.line_base, col)

    def read(self, name: str, node: ast.AST) -> None:
        if name in self.bound or any(self._carried(name, loop) for loop in self.loops):
            return
        self.facts.reads.setdefault(name, self.pos(node))

    def _carried(self, name: str, loop: Counter[str]) -> bool:
        """Bound elsewhere in an enclosing loop: a later iteration may read an earlier one's."""
        return loop[name] > (1 if self.augmenting == name else 0)

    def call(self, name: str, node: ast.AST) -> None:
        """``name`` is called (or handed to a call): the globals its body reads are read now."""
        if name not in self.bound:
            self.facts.calls.setdefault(name, self.pos(node))
            return
        for inner in self._deferred_closure(name):
            self.read(inner, node)

    def bind(self, name: str, node: ast.AST) -> None:
        self.bound.add(name)
        self.facts.defines.setdefault(name, self.pos(node))
        self.facts.deletes.pop(name, None)

    def unbind(self, name: str, node: ast.AST, *, deleted: bool) -> None:
        if deleted and name not in self.bound:
            self.read(name, node)
        self.bound.discard(name)
        self.facts.defines.pop(name, None)
        if deleted:
            self.facts.deletes[name] = self.pos(node)

    def mutate(self, target: ast.AST, node: ast.AST, *, strong: bool) -> None:
        name = root_name(target)
        if name is None or name in self.bound or name in self.modules:
            return  # a module's own functions (np.append) do not change the module
        self.facts.mutates.setdefault(name, self.pos(node))
        changes = self.facts.strong_changes if strong else self.facts.weak_changes
        changes.setdefault(name, self.pos(node))

    def _deferred_closure(self, name: str) -> set[str]:
        seen: set[str] = set()
        todo = [name]
        while todo:
            for inner in self.facts.deferred.get(todo.pop(), frozenset()):
                if inner not in seen:
                    seen.add(inner)
                    todo.append(inner)
        return seen

    # Statements ------------------------------------------------------------------------------

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring or a bare string: nothing runs
        self.visit(node.value)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.read(node.id, node)
        elif isinstance(node.ctx, ast.Store):
            self.bind(node.id, node)
        else:
            self.unbind(node.id, node, deleted=True)

    def visit_Assign(self, node: ast.Assign) -> None:
        name = node.targets[0].id if isinstance(node.targets[0], ast.Name) else None
        if isinstance(node.value, ast.Lambda) and name is not None and len(node.targets) == 1:
            self.visit_all(outer_parts(node.value))
            result = analyse_scope(node.value)
            self.facts.deferred[name] = frozenset(result.reads_now | result.reads_later)
        else:
            self.visit(node.value)
        for target in node.targets:
            self._note_rebinding(target, node.value)
            self.assign_target(target, node)
        if name is not None:
            self._note_secret(name, node.value, node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit(node.annotation)
        if node.value is None:
            return  # a bare annotation binds nothing
        self.visit(node.value)
        self._note_rebinding(node.target, node.value)
        self.assign_target(node.target, node)
        if isinstance(node.target, ast.Name):
            self._note_secret(node.target.id, node.value, node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        target = node.target
        if isinstance(target, ast.Name):
            external = target.id not in self.bound
            self.augmenting = target.id
            self.read(target.id, target)
            self.augmenting = None
            if external:
                self.facts.strong_changes.setdefault(target.id, self.pos(node))
            self.bind(target.id, target)
        else:
            self.visit(target)
            self.mutate(target, node, strong=True)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.assign_target(node.target, node)
        self._loop_body(node.body)
        self.visit_all(node.orelse)

    def visit_While(self, node: ast.While) -> None:
        self._loop_body([node.test, *node.body])
        self.visit_all(node.orelse)

    def _loop_body(self, body: list[ast.stmt] | list[ast.AST]) -> None:
        bound: Counter[str] = Counter()
        for child in own_nodes(body):
            bound.update(binding_names(child))
        self.loops.append(bound)
        try:
            self.visit_all(body)
        finally:
            self.loops.pop()

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.assign_target(item.optional_vars, node)
        self.visit_all(node.body)

    visit_AsyncWith = visit_With

    def visit_Try(self, node: ast.Try) -> None:
        self.visit_all(node.body)
        for handler in node.handlers:
            if handler.type is not None:
                self.visit(handler.type)
            if handler.name:
                self.bind(handler.name, handler)
            self.visit_all(handler.body)
            if handler.name:
                self.unbind(handler.name, handler, deleted=False)  # Python deletes it here
        self.visit_all(node.orelse)
        self.visit_all(node.finalbody)

    visit_TryStar = visit_Try  # type: ignore[assignment]

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._delete_target(target, node)

    def _delete_target(self, target: ast.AST, node: ast.Delete) -> None:
        if isinstance(target, ast.Name):
            self.unbind(target.id, target, deleted=True)
        elif isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                self._delete_target(elt, node)
        else:
            self.visit(target)
            self.mutate(target, node, strong=True)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            self.facts.imports.append(Import(alias.name, bound, self.pos(node)))
            self.aliases[bound] = alias.name if alias.asname else bound
            self.modules.add(bound)
            self.bind(bound, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                self._star_import(module, node)
                continue
            bound = alias.asname or alias.name
            self.facts.imports.append(Import(module, bound, self.pos(node), alias.name, node.level))
            if not node.level:
                self.aliases[bound] = f"{module}.{alias.name}"
            self.bind(bound, node)

    def _star_import(self, module: str, node: ast.ImportFrom) -> None:
        self.facts.star_imports.setdefault(module, self.pos(node))
        self.facts.imports.append(Import(module, "*", self.pos(node), "*", node.level))
        names = self.resolve_star(module, node.level)
        if names is None:
            self.facts.opaque.append(
                Note("star-import", self.pos(node), f"`from {'.' * node.level}{module} import *`")
            )
            return
        for name in sorted(names):
            self.bind(name, node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.visit_all(outer_parts(node))
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Name):
                self.call(decorator.id, decorator)
        self._define_scope(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.visit_all(outer_parts(node))
        self._define_scope(node, node.name)

    def _define_scope(self, node: ScopeNode, name: str) -> None:
        result = analyse_scope(node)
        self.scan_nested(node)
        for read_now in sorted(result.reads_now):
            self.read(read_now, node)
        self.facts.deferred[name] = frozenset(
            construction_reads(node) if isinstance(node, ast.ClassDef) else result.reads_later
        )
        for global_name in sorted(result.global_writes):
            self.bind(global_name, node)
        self.bind(name, node)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        if id(node) in self.passed:
            self._inline_scope(node)  # handed to a call: it runs now (key=, apply, map...)
        else:
            self.visit_all(outer_parts(node))  # kept for later: its body reads when called
            self.scan_nested(node)

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._inline_scope(node)

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp  # type: ignore[assignment]

    def _inline_scope(self, node: ScopeNode) -> None:
        """A lambda or comprehension used in place: its reads happen now."""
        self.visit_all(outer_parts(node))
        result = analyse_scope(node)
        for name in sorted(result.reads_now | result.reads_later):
            self.read(name, node)
        for name in sorted(result.walrus_out):
            self.bind(name, node)
        self.scan_nested(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.bind(node.target.id, node.target)

    def visit_Global(self, node: ast.Global) -> None:
        return None

    visit_Nonlocal = visit_Global  # type: ignore[assignment]

    def visit_Match(self, node: ast.Match) -> None:
        self.visit(node.subject)
        for case in node.cases:
            self._pattern(case.pattern)
            if case.guard is not None:
                self.visit(case.guard)
            self.visit_all(case.body)

    def _pattern(self, pattern: ast.pattern) -> None:
        if isinstance(pattern, ast.MatchValue):
            self.visit(pattern.value)
            return
        if isinstance(pattern, ast.MatchClass):
            self.visit(pattern.cls)
        if isinstance(pattern, ast.MatchMapping):
            self.visit_all(pattern.keys)
        for child in ast.iter_child_nodes(pattern):
            if isinstance(child, ast.pattern):
                self._pattern(child)
        name = getattr(pattern, "name", None) or getattr(pattern, "rest", None)
        if isinstance(name, str):
            self.bind(name, pattern)

    # Expressions -----------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        from nb2prod.analysis.magics import handle_ipython_call

        if handle_ipython_call(self, node):
            return
        self.passed.update(id(a) for a in [*node.args, *(k.value for k in node.keywords)])
        self.generic_visit(node)
        for called in [node.func, *node.args, *(k.value for k in node.keywords)]:
            if isinstance(called, ast.Name):
                self.call(called.id, called)
        self._note_call(node)

    def visit_all(self, nodes: list[ast.AST] | list[ast.expr] | list[ast.stmt]) -> None:
        for child in nodes:
            self.visit(child)

    def assign_target(self, target: ast.AST, node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, target)
        elif isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                self.assign_target(elt, node)
        elif isinstance(target, ast.Starred):
            self.assign_target(target.value, node)
        else:
            self.visit(target)
            self.mutate(target, node, strong=False)

    def _note_rebinding(self, target: ast.AST, value: ast.AST) -> None:
        """``x = x + 1`` changes state on every run; ``df = df.dropna()`` reads its old value."""
        if isinstance(target, ast.Subscript | ast.Attribute):
            if _reads_itself(target, value):  # df["a"] = df["a"] * 2
                self.mutate(target, target, strong=True)
            return
        if not isinstance(target, ast.Name) or target.id in self.bound:
            return
        if not any(isinstance(n, ast.Name) and n.id == target.id for n in walk(value)):
            return
        strong = isinstance(value, ast.BinOp) and any(
            isinstance(side, ast.Name) and side.id == target.id
            for side in (value.left, value.right)
        )
        changes = self.facts.strong_changes if strong else self.facts.weak_changes
        changes.setdefault(target.id, self.pos(target))

    def _note_call(self, node: ast.Call) -> None:
        dotted = dotted_name(node.func)
        if dotted in ("exec", "globals", "locals", "vars", "builtins.exec"):
            self.facts.opaque.append(Note("dynamic", self.pos(node), f"`{dotted}()`"))
        if dotted.rpartition(".")[2] == "var" and literal_names(node):  # sympy's var('x y')
            for name in literal_names(node):
                self.bind(name, node)
        if isinstance(node.func, ast.Attribute):
            self._note_method_mutation(node, node.func)
        last = dotted.rpartition(".")[2] if dotted else ""
        if last in ARG_MUTATORS and node.args:
            self.mutate(node.args[0], node, strong=last != "setattr")
        self._note_call_practices(node, dotted)

    def _note_method_mutation(self, node: ast.Call, func: ast.Attribute) -> None:
        change = method_change(node, func)
        if change is not None:
            self.mutate(func.value, node, strong=change == "strong")


def _reads_itself(target: ast.Subscript | ast.Attribute, value: ast.AST) -> bool:
    """Whether ``value`` holds an expression written as ``target`` is (``df["a"]``). Only a node
    of the same type (and, for an attribute, the same name) can read the same, so only those are
    unparsed to compare."""
    kind = type(target)
    attribute = target.attr if isinstance(target, ast.Attribute) else None
    written: str | None = None
    for node in walk(value):
        if type(node) is not kind or (isinstance(node, ast.Attribute) and node.attr != attribute):
            continue
        written = written or ast.unparse(target)
        if ast.unparse(node) == written:
            return True
    return False
