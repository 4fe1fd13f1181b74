"""What a call does to state: the methods and functions that change an object in place, and
the names some calls bind or read without saying so."""

from __future__ import annotations

import ast
from typing import Literal

from nb2prod.analysis.scope import analyse_scope

#: Methods whose every call changes the object again (a re-run repeats the change).
STRONG_MUTATORS = frozenset(
    {"append", "extend", "insert", "pop", "popleft", "popitem", "remove", "appendleft",
     "extendleft", "reverse", "partial_fit", "rotate"}
)  # fmt: skip
#: Methods that change the object in place, the same way on every run.
WEAK_MUTATORS = frozenset(
    {"sort", "update", "add", "discard", "clear", "setdefault", "fit", "fit_transform",
     "set_params", "set_xlabel", "set_ylabel", "set_title", "load_state_dict", "train",
     "compile", "seed"}
)  # fmt: skip
#: Functions that change their first argument in place.
ARG_MUTATORS = frozenset({"shuffle", "heappush", "heappop", "heapify", "heappushpop", "heapreplace",
                          "setattr", "delattr"})  # fmt: skip


def method_change(node: ast.Call, func: ast.Attribute) -> Literal["strong", "weak"] | None:
    """How ``obj.method(...)`` changes ``obj``: again on every run (strong), the same way each
    run (weak), or not at all."""
    inplace = any(
        k.arg == "inplace" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    )
    method = func.attr
    strong = method in STRONG_MUTATORS or (inplace and method in ("drop", "insert", "pop"))
    in_place_tensor_op = method.endswith("_") and not method.startswith("_")
    if strong or in_place_tensor_op:
        return "strong"
    if inplace or method in WEAK_MUTATORS:
        return "weak"
    return None


_CONSTRUCTORS = frozenset({"__init__", "__new__", "__post_init__"})


def construction_reads(node: ast.ClassDef) -> set[str]:
    """Globals read when the class is instantiated: those of its constructors."""
    constructors = [
        child
        for child in node.body
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and child.name in _CONSTRUCTORS
    ]
    return {name for child in constructors for name in analyse_scope(child).reads_later}


def literal_names(node: ast.Call) -> list[str]:
    """``var('x y')`` / ``var('x, y')``: the names in its one string argument."""
    if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant):
        return []
    value = node.args[0].value
    if not isinstance(value, str):
        return []
    names = value.replace(",", " ").split()
    return names if names and all(n.isidentifier() for n in names) else []


def root_name(node: ast.AST) -> str | None:
    """The variable at the root of ``a.b[c].d``, if any."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Starred):
        node = node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return root_name(node.func.value)
    return node.id if isinstance(node, ast.Name) else None
