"""The distributions a generated package needs: from the notebook's imports and those of the
user's own modules it ships (``localmods``: beside it, or written by it), its ``!pip install``
lines, and what some calls need without an import (``load_wine(as_frame=True)`` needs pandas).
Names (with the version specifiers a ``pip install`` line gave) only: pinning versions is the lock
file's job. Every entry is rebuilt from checked parts (``metadata_values.requirement_line``): a
URL, a path or an option never reaches ``pyproject.toml``."""

from __future__ import annotations

import ast
import re
import sys

from nb2prod import metadata_values as mv
from nb2prod.analysis.context import Analysed
from nb2prod.analysis.ipython import ParseFailure, parse_cell
from nb2prod.convert.localmods import user_modules
from nb2prod.deps.mapping import ALIASES, is_local
from nb2prod.magic_table import meaning_of

#: Methods and functions that need a distribution the notebook does not import.
_CALLS = {
    "read_excel": "openpyxl", "to_excel": "openpyxl", "ExcelWriter": "openpyxl",
    "read_parquet": "pyarrow", "to_parquet": "pyarrow", "to_markdown": "tabulate",
}  # fmt: skip
_PLOTS = frozenset({"plot", "hist", "boxplot", "scatter_matrix"})
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def dependencies(code: list[Analysed], requirements: list[str], notebook_dir: str) -> list[str]:
    """Sorted distribution names."""
    modules = {i.module.split(".")[0] for c in code for i in c.facts.imports if not i.level}
    shipped = user_modules(code, notebook_dir)
    modules |= shipped.imports()
    found = {
        ALIASES.get(m, m)
        for m in modules
        if m and m not in sys.stdlib_module_names and m != "__future__"
        and m not in shipped.names and not is_local(m, notebook_dir)
    }  # fmt: skip
    found |= _implied(code, modules)
    found |= set(requirements)
    return _one_each({r for r in map(mv.requirement_line, found) if isinstance(r, str)})


def _one_each(lines: set[str]) -> list[str]:
    """One line per distribution (``IPython`` and ``ipython`` are one), sorted: the one with
    version specifiers when there is one."""
    from packaging.utils import canonicalize_name

    chosen: dict[str, str] = {}
    for line in sorted(lines, key=lambda text: (-len(text), text)):
        name = _NAME.match(line)
        chosen.setdefault(canonicalize_name(name[0] if name else line), line)
    return sorted(chosen.values(), key=str.lower)


def _implied(code: list[Analysed], modules: set[str]) -> set[str]:
    found: set[str] = set()
    for cell in code:
        for magic in cell.facts.magics:  # `%matplotlib inline` imports matplotlib
            found.update(meaning_of(magic).needs)
    for cell in code:
        try:
            tree = parse_cell(cell.cell.source).tree
        except ParseFailure:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if any(k.arg == "as_frame" for k in node.keywords):
                found.add("pandas")
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if name in _CALLS:
                found.add(_CALLS[name])
            if name in _PLOTS and "pandas" in modules and "matplotlib" not in modules:
                found.add("matplotlib")
    return found
