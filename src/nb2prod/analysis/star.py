"""``from module import *``: which names it binds, found without running the notebook's code.

A module's source is read and parsed: a literal ``__all__`` wins, else its public top-level names.
Modules beside the notebook, or anywhere outside the standard library and site-packages, are only
ever parsed, never imported. An installed module whose names cannot be read statically (a computed
``__all__``, a compiled extension) is imported: that runs the installed package, never the
notebook or the user's files. Anything else is unknown, and said to be.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.machinery
import io
import os
import sys
import sysconfig
from collections.abc import Callable
from functools import lru_cache

from nb2prod.analysis.ipython import PARSE_ERRORS
from nb2prod.errors import NotebookError
from nb2prod.safefiles import read_file

_MAX_SOURCE = 2_000_000
#: Modules whose import does something visible (opens a browser, prints): never imported.
_NEVER_IMPORT = frozenset(
    {"antigravity", "this", "__hello__", "__phello__", "idlelib", "turtledemo"}
)


def star_names(module: str, level: int, notebook_dir: str) -> frozenset[str] | None:
    """The names ``from module import *`` binds, or None when they cannot be known."""
    if level or not module:
        package = os.path.join(notebook_dir, *module.split(".")) if module else notebook_dir
        return _from_path(_source_of(package), notebook_dir)
    return _resolve(module, notebook_dir)


_resolving: set[tuple[str, str]] = set()


@lru_cache(maxsize=256)
def _resolve(module: str, notebook_dir: str) -> frozenset[str] | None:
    key = (module, notebook_dir)
    if key in _resolving:
        return None  # star imports in a cycle
    _resolving.add(key)
    try:
        return _locate_and_read(module, notebook_dir)
    finally:
        _resolving.discard(key)


def _locate_and_read(module: str, notebook_dir: str) -> frozenset[str] | None:
    local = _find(module, [notebook_dir])
    if local is not None:
        return _from_path(local.origin if local.has_location else None, notebook_dir)
    spec = _find(module, sys.path)
    if spec is None:
        in_stdlib = module.split(".")[0] in sys.stdlib_module_names
        return _imported_names(module) if in_stdlib else None
    names = _from_path(spec.origin if spec.has_location else None, notebook_dir)
    if names is not None:
        return names
    return _imported_names(module) if _installed(spec) else None


def _installed(spec: importlib.machinery.ModuleSpec) -> bool:
    """Built in, or under the standard library or site-packages: never the user's own files."""
    if not spec.has_location or not spec.origin:
        return True
    origin = os.path.realpath(spec.origin)
    roots = {os.path.realpath(p) for p in _library_roots()}
    return any(origin.startswith(root + os.sep) for root in roots)


@lru_cache(maxsize=1)
def _library_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    return tuple(paths[n] for n in names if n in paths)


def _find(module: str, path: list[str]) -> importlib.machinery.ModuleSpec | None:
    """Locate a module on ``path`` without importing it or its parents."""
    search: list[str] | None = [p or os.getcwd() for p in path]
    spec = None
    for part in module.split("."):
        if search is None:
            return None
        try:
            spec = importlib.machinery.PathFinder.find_spec(part, search)
        except (ImportError, ValueError, OSError):
            return None
        if spec is None:
            if part == module and part in sys.builtin_module_names:
                return importlib.machinery.ModuleSpec(part, None)
            return None
        locations = spec.submodule_search_locations
        search = list(locations) if locations is not None else None
    return spec


def _source_of(base: str) -> str | None:
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def _from_path(origin: str | None, notebook_dir: str) -> frozenset[str] | None:
    if not origin or not origin.endswith(".py"):
        return None
    try:  # only a regular file, size-capped: a FIFO named like a module never blocks
        tree = ast.parse(read_file(origin, _MAX_SOURCE).decode("utf-8", errors="replace"))
    except (NotebookError, *PARSE_ERRORS):
        return None

    def follow(module: str, level: int) -> frozenset[str] | None:
        if not level:
            return _resolve(module, notebook_dir)
        base = os.path.dirname(origin)
        for _ in range(level - 1):
            base = os.path.dirname(base)
        target = os.path.join(base, *module.split(".")) if module else base
        return _from_path(_source_of(target), notebook_dir) if target != base else None

    return public_names(tree, follow)


def public_names(
    tree: ast.Module, follow: Callable[[str, int], frozenset[str] | None] | None = None
) -> frozenset[str] | None:
    """A module's ``__all__`` if it is a literal; its public top-level names if it has none.

    ``follow`` resolves the module's own star imports (module, level), whose names it re-exports.
    """
    names: set[str] = set()
    for node in tree.body:
        if _assigns_all(node):
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            try:
                literal = ast.literal_eval(value) if value is not None else None
            except (TypeError, *PARSE_ERRORS):
                return None
            if isinstance(literal, list | tuple) and all(isinstance(n, str) for n in literal):
                return frozenset(literal)
            return None
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            exported = follow(node.module or "", node.level) if follow else None
            if exported is None:
                return None  # re-exports names that cannot be known
            names.update(exported)
            continue
        for child in ast.walk(node) if isinstance(node, ast.If | ast.Try) else [node]:
            names.update(_top_level_bindings(child))
    return frozenset(n for n in names if not n.startswith("_"))


def _assigns_all(node: ast.stmt) -> bool:
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


def _top_level_bindings(node: ast.AST) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {a.asname or a.name.split(".")[0] for a in node.names if a.name != "*"}
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.For | ast.With):
        return {
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
    return set()


def _imported_names(module: str) -> frozenset[str] | None:
    if module.split(".")[0] in _NEVER_IMPORT:
        return None
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            loaded = importlib.import_module(module)
    except (Exception, SystemExit):  # a package failing to import is "unknown", whatever it raises
        return None
    exported = getattr(loaded, "__all__", None)
    if isinstance(exported, list | tuple) and all(isinstance(n, str) for n in exported):
        return frozenset(exported)
    return frozenset(n for n in dir(loaded) if not n.startswith("_"))
