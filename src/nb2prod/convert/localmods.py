"""The user's own modules beside the notebook (``helpers.py``, ``utils/``): copied into the
package, and imports of them rewritten to import from the package (they are not distributions to
lock)."""

from __future__ import annotations

import ast
import os

import libcst as cst

from nb2prod.analysis.context import Analysed
from nb2prod.errors import NotebookError
from nb2prod.safefiles import read_inside

_MAX_FILES = 200
_MAX_SOURCE = 4 * 1024 * 1024


def local_modules(code: list[Analysed], notebook_dir: str) -> dict[str, str]:
    """Modules beside the notebook that it imports, directly or through each other -> their
    file or folder."""
    wanted = [i.module.split(".")[0] for c in code for i in c.facts.imports if not i.level]
    found: dict[str, str] = {}
    while wanted:
        name = wanted.pop(0)
        if not name or name in found:
            continue
        base = os.path.join(notebook_dir, name)
        origin = base + ".py" if os.path.isfile(base + ".py") else base
        if not (origin.endswith(".py") or os.path.isfile(os.path.join(base, "__init__.py"))):
            continue
        entry = origin if origin.endswith(".py") else os.path.join(origin, "__init__.py")
        if read_source(entry, notebook_dir) is None:
            continue  # a link leading out of the notebook's folder, a FIFO...: not copied
        found[name] = origin
        for path in module_files(name, origin).values():
            wanted += _imported_modules(read_source(path, notebook_dir) or "")
    return dict(sorted(found.items()))


def read_source(path: str, notebook_dir: str) -> str | None:
    """A local module's source through the safe reader: None unless it is a regular file whose
    real path is inside the notebook's folder."""
    try:
        data = read_inside(notebook_dir, os.path.relpath(path, notebook_dir), _MAX_SOURCE)
    except NotebookError:
        return None
    return data.decode("utf-8", errors="replace")


def _imported_modules(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.append(node.module.split(".")[0])
    return names


def module_files(name: str, origin: str) -> dict[str, str]:
    """The ``.py`` files of a local module, by path relative to the package folder."""
    if origin.endswith(".py"):
        return {f"{name}.py": origin}
    files: dict[str, str] = {}
    for root, dirs, names in os.walk(origin):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
        for file in sorted(names):
            if file.endswith(".py") and len(files) < _MAX_FILES:
                path = os.path.join(root, file)
                relative = os.path.relpath(path, os.path.dirname(origin)).replace(os.sep, "/")
                files[relative] = path
    return files


class LocalImports(cst.CSTTransformer):
    """``import helpers`` -> ``from PKG import helpers``; ``from helpers import f`` ->
    ``from PKG.helpers import f``."""

    def __init__(self, local: set[str], package: str) -> None:
        self.local = local
        self.package = package

    def leave_Import(
        self, original: cst.Import, updated: cst.Import
    ) -> cst.Import | cst.ImportFrom:
        names = [a for a in updated.names if _dotted(a.name) in self.local]
        if not names or len(names) != len(updated.names):
            return updated  # a mix of local and other modules stays as written
        return cst.ImportFrom(
            module=cst.Name(self.package),
            names=[a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in names],
        )

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        if updated.relative or updated.module is None:
            return updated
        dotted = _dotted(updated.module)
        if dotted.split(".")[0] not in self.local:
            return updated
        module = cst.parse_expression(f"{self.package}.{dotted}")
        assert isinstance(module, cst.Attribute | cst.Name)
        return updated.with_changes(module=module)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def rewrite_source(source: str, local: set[str], package: str) -> str:
    """A copied module's own imports of its sibling local modules, pointed at the package."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return source
    return module.visit(LocalImports(local, package)).code
