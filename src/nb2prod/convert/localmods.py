"""The user's own modules: those beside the notebook (``helpers.py``, ``utils/``) and those the
notebook writes itself (``%%writefile helpers.py``). Copied into the package, and imports of them
rewritten to import from the package: they are not distributions to lock, but what they import
is."""

from __future__ import annotations

import ast
import keyword
import os
import posixpath
from dataclasses import dataclass, field

import libcst as cst

from nb2prod.analysis.context import Analysed
from nb2prod.analysis.ipython import ParseFailure, ipython_call, parse_cell
from nb2prod.errors import NotebookError
from nb2prod.magic_table import Lift, meaning, writefile_target
from nb2prod.safefiles import read_inside

_MAX_FILES = 200
_MAX_SOURCE = 4 * 1024 * 1024


def read_source(path: str, notebook_dir: str) -> str | None:
    """A local module's source through the safe reader: None unless it is a regular file whose
    real path is inside the notebook's folder."""
    try:
        data = read_inside(notebook_dir, os.path.relpath(path, notebook_dir), _MAX_SOURCE)
    except NotebookError:
        return None
    return data.decode("utf-8", errors="replace")


def written_modules(code: list[Analysed]) -> dict[str, str]:
    """The modules the notebook writes itself (``%%writefile helpers.py``, ``%%file``): their path
    in the package -> their source, the cells' text in notebook order (``-a`` appends). Only
    files Python can import beside the notebook (``helpers.py``, ``utils/io.py``)."""
    written: dict[str, str] = {}
    for cell in code:
        for path, append, body in _writefile_cells(cell.cell.source):
            module = module_path(path)
            if module is not None:
                written[module] = written.get(module, "") + body if append else body
    return dict(sorted(written.items()))


def _writefile_cells(source: str) -> list[tuple[str, bool, str]]:
    """``(path, append, body)`` of a ``%%writefile`` cell, as IPython reads it."""
    if "%%" not in source:
        return []
    try:
        tree = parse_cell(source).tree
    except ParseFailure:
        return []
    found: list[tuple[str, bool, str]] = []
    for node in ast.walk(tree):
        call = ipython_call(node) if isinstance(node, ast.Call) else None
        if call is None or call.method != "run_cell_magic" or len(call.args) != 3:
            continue
        name, line, body = call.args
        target = writefile_target(line) if meaning("cell", name).lift is Lift.MODULE else None
        if target is not None:
            found.append((*target, body))
    return found


def module_path(path: str) -> str | None:
    """Where a file the notebook writes goes in the package when Python can import it from the
    notebook's folder (``./helpers.py`` -> ``helpers.py``, ``utils/io.py``), else None."""
    relative = posixpath.normpath(path.replace("\\", "/"))
    parts = relative.split("/")
    if relative.startswith("/") or not relative.endswith(".py"):
        return None
    parts[-1] = parts[-1].removesuffix(".py")
    if not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
        return None
    if parts[0].startswith("__") or any(p.startswith("__") for p in parts[1:-1]):
        return None  # `__init__.py` beside the notebook is no module it imports
    return relative


def top_name(relative: str) -> str:
    """``utils/io.py`` -> ``utils``; ``helpers.py`` -> ``helpers``: the name imports use."""
    return relative.split("/")[0].removesuffix(".py")


@dataclass(frozen=True)
class UserModules:
    """The user's own modules a package ships: the names the notebook imports them by, their
    files (path in the package -> source as the user wrote it), and the names of those the
    notebook imports, directly or through each other (a script it writes only to run it is
    shipped, but what it imports is no dependency)."""

    names: frozenset[str] = frozenset()
    sources: dict[str, str] = field(default_factory=dict)
    imported: frozenset[str] = frozenset()

    def rewritten(self, package: str) -> dict[str, str]:
        """Their files, their imports of each other pointed at ``package``."""
        local = set(self.names)
        return {path: rewrite_source(text, local, package) for path, text in self.sources.items()}

    def imports(self) -> set[str]:
        """The top-level names the code of the imported ones imports (each other's included)."""
        return {
            name
            for path, text in self.sources.items()
            if top_name(path) in self.imported
            for name in _imported_modules(text)
        }


def user_modules(code: list[Analysed], notebook_dir: str) -> UserModules:
    """The modules the notebook writes itself, and those beside it that it imports, directly or
    through each other. A written module wins over a file of the same name beside the notebook:
    the cell's text, not the file a past run left, is what a fresh run imports."""
    written: dict[str, dict[str, str]] = {}
    for path, text in written_modules(code).items():
        written.setdefault(top_name(path), {})[path] = text
    files = dict(written)
    wanted = [i.module.split(".")[0] for c in code for i in c.facts.imports if not i.level]
    imported: set[str] = set()
    while wanted:
        name = wanted.pop(0)
        if not name or name in imported:
            continue
        found = files.get(name) or _beside(name, notebook_dir)
        if not found:
            continue
        files[name] = found
        imported.add(name)
        for text in found.values():
            wanted += _imported_modules(text)
    sources = {path: text for found in files.values() for path, text in found.items()}
    return UserModules(frozenset(files), dict(sorted(sources.items())), frozenset(imported))


def _beside(name: str, notebook_dir: str) -> dict[str, str]:
    """The files of module ``name`` beside the notebook (path in the package -> source), or
    nothing: not there, or its entry file not one the safe reader gives (a link leading out of
    the notebook's folder, a FIFO...)."""
    base = os.path.join(notebook_dir, name)
    origin = base + ".py" if os.path.isfile(base + ".py") else base
    entry = origin if origin.endswith(".py") else os.path.join(origin, "__init__.py")
    if not os.path.isfile(entry) or read_source(entry, notebook_dir) is None:
        return {}
    found: dict[str, str] = {}
    for relative, path in module_files(name, origin).items():
        text = read_source(path, notebook_dir)
        if text is not None:
            found[relative] = text
    return found


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
