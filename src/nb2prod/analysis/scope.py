"""Python's scoping rules for nested scopes: which global names a function, lambda, class body or
comprehension reads, and which module-level names it binds.

The rules are the compiler's: a name bound anywhere in a function is local to it unless declared
``global``/``nonlocal``; comprehension targets are local to the comprehension, but a walrus inside
it binds in the enclosing scope; the first iterable of a comprehension is evaluated outside it;
class bodies do not enclose the functions defined in them; ``except E as e`` binds ``e`` locally.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from nb2prod.analysis.walk import child_nodes, walk

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
Comprehension = ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
ScopeNode = FunctionNode | ast.ClassDef | Comprehension
SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
               ast.SetComp, ast.DictComp, ast.GeneratorExp)  # fmt: skip
COMPREHENSION_TYPES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_NAMED_NODES = (ast.ExceptHandler, ast.MatchAs, ast.MatchStar, ast.MatchMapping)


@dataclass
class ScopeResult:
    """Global names a nested scope reads (now: while it is defined; later: when called), the
    module-level names it binds through ``global``, and walrus targets leaking out of it."""

    reads_now: set[str] = field(default_factory=set)
    reads_later: set[str] = field(default_factory=set)
    global_writes: set[str] = field(default_factory=set)
    walrus_out: set[str] = field(default_factory=set)


def outer_parts(node: ScopeNode) -> list[ast.AST]:
    """The parts of a scope node that are evaluated in the enclosing scope."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return [*node.decorator_list, *_arg_defaults(node.args), *_annotations(node)]
    if isinstance(node, ast.Lambda):
        return list(_arg_defaults(node.args))
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    return [node.generators[0].iter]


def analyse_scope(node: ScopeNode, enclosing: frozenset[str] = frozenset()) -> ScopeResult:
    """Global reads and writes of a nested scope; ``enclosing`` are enclosing functions' locals."""
    is_comprehension = isinstance(node, COMPREHENSION_TYPES)
    is_class = isinstance(node, ast.ClassDef)
    own = list(own_nodes(_inner_parts(node)))
    declared_global, declared_nonlocal = _declarations(own)
    leaking = _leaking_walrus(own)
    walrus = _walrus_targets(own) | leaking
    bound = _params(node) | _bindings(own) | leaking
    if is_comprehension:
        bound -= walrus - _comprehension_targets(node)
    local = bound - declared_global
    result = ScopeResult()
    if is_comprehension:
        result.walrus_out = walrus - _comprehension_targets(node)
    result.global_writes = declared_global & bound
    hidden = local | declared_nonlocal | (enclosing - declared_global)
    for sub in own:
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id not in hidden:
            result.reads_now.add(sub.id)
    inner_enclosing = enclosing if is_class else enclosing | frozenset(local)
    for sub in own:
        if isinstance(sub, SCOPE_TYPES) and sub is not node:
            inner = analyse_scope(sub, inner_enclosing)
            result.global_writes |= inner.global_writes
            deferred = isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            target = result.reads_later if deferred else result.reads_now
            target |= inner.reads_now | inner.reads_later
    # A function reads everything when called; a comprehension reads everything at once.
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        result.reads_later |= result.reads_now
        result.reads_now = set()
    elif is_comprehension:
        result.reads_now |= result.reads_later
        result.reads_later = set()
    return result


def own_nodes(roots: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Every node of the current scope (less context and operator markers, see
    :func:`~.walk.child_nodes`); a nested scope yields itself and its outer parts only."""
    stack = list(roots)[::-1]
    while stack:
        node = stack.pop()
        yield node
        children = outer_parts(node) if isinstance(node, SCOPE_TYPES) else child_nodes(node)
        children.reverse()
        stack.extend(children)


def _inner_parts(node: ScopeNode) -> list[ast.AST]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return list(node.body)
    if isinstance(node, ast.Lambda):
        return [node.body]
    parts: list[ast.AST] = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
    for index, gen in enumerate(node.generators):
        parts.append(gen.target)
        if index:
            parts.append(gen.iter)
        parts.extend(gen.ifs)
    return parts


def _arg_defaults(args: ast.arguments) -> Iterator[ast.expr]:
    yield from args.defaults
    yield from (d for d in args.kw_defaults if d is not None)


def _annotations(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.expr]:
    args = node.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None and arg.annotation is not None:
            yield arg.annotation
    if node.returns is not None:
        yield node.returns


def _params(node: ScopeNode) -> set[str]:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        return set()
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return {a.arg for a in every if a is not None}


def _comprehension_targets(node: ScopeNode) -> set[str]:
    if not isinstance(node, COMPREHENSION_TYPES):
        return set()
    return {n.id for gen in node.generators for n in walk(gen.target) if isinstance(n, ast.Name)}


def _declarations(own: list[ast.AST]) -> tuple[set[str], set[str]]:
    declared_global: set[str] = set()
    declared_nonlocal: set[str] = set()
    for node in own:
        if isinstance(node, ast.Global):
            declared_global.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            declared_nonlocal.update(node.names)
    return declared_global, declared_nonlocal


def _walrus_targets(own: list[ast.AST]) -> set[str]:
    return {n.target.id for n in own if isinstance(n, ast.NamedExpr)}


def _leaking_walrus(own: list[ast.AST]) -> set[str]:
    """Walrus targets of comprehensions nested in this scope: they bind here."""
    names: set[str] = set()
    for node in own:
        if isinstance(node, COMPREHENSION_TYPES):
            names |= _walrus_out(node)
    return names


def _walrus_out(node: Comprehension) -> set[str]:
    """``analyse_scope(node).walrus_out``, without the rest of the analysis."""
    own = list(own_nodes(_inner_parts(node)))
    return (_walrus_targets(own) | _leaking_walrus(own)) - _comprehension_targets(node)


def _bindings(own: list[ast.AST]) -> set[str]:
    """Names bound by the nodes of one scope."""
    names: set[str] = set()
    for node in own:
        names.update(binding_names(node))
    return names


def binding_names(node: ast.AST) -> Iterator[str]:
    """The names one node binds in its own scope (not through nested scopes)."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
        yield node.id
    elif isinstance(node, ast.Import | ast.ImportFrom):
        for alias in node.names:
            if alias.name != "*":
                yield alias.asname or alias.name.split(".")[0]
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield node.name
    else:
        name = getattr(node, "rest" if isinstance(node, ast.MatchMapping) else "name", None)
        if isinstance(name, str) and isinstance(node, _NAMED_NODES):
            yield name
