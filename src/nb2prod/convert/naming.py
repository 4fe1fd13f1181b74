"""Valid, stable Python identifiers for packages, modules and steps."""

from __future__ import annotations

import importlib.util
import keyword
import os
import re
import sys
import unicodedata
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[^0-9a-zA-Z]+")


def identifier(text: str, fallback: str = "step") -> str:
    """``"1. Load the data!"`` -> ``load_the_data``: lower case, ASCII, not a keyword."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [w for w in _NOT_WORD.split(ascii_text.lower()) if w]
    while words and words[0].isdigit():
        words.pop(0)
    name = "_".join(words[:6]) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _RESERVED:
        name = f"{name}_step"
    return name


#: Module names a step may not take: the package's own files and common imports.
_RESERVED = frozenset(
    {"pipeline", "main", "test", "tests", "data", "display", "os", "sys", "re", "json", "math",
     "random", "time", "typing", "logging", "pathlib", "subprocess", "collections", "string",
     "copy", "io", "types", "abc", "numpy", "pandas", "matplotlib", "sklearn", "scipy",
     "parameters", "run", "results"}
)  # fmt: skip


def unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... whichever is not yet taken; records the choice."""
    candidate = name
    number = 2
    while candidate in taken:
        candidate = f"{name}_{number}"
        number += 1
    taken.add(candidate)
    return candidate


def package_name(notebook_path: str) -> str:
    """The import name of a package made from a notebook file: ``Sales Report.ipynb`` ->
    ``sales_report``."""
    stem = re.sub(r"\.ipynb$", "", notebook_path.replace("\\", "/").rsplit("/", 1)[-1])
    return identifier(stem, fallback="notebook")


def unshadowed(name: str, imported: Iterable[str] = ()) -> str:
    """``name``, or ``name_nb`` (``name_nb_nb``...) when a package called ``name`` would hide a
    module its code needs: one of the standard library, one importable here, a well-known import
    name, or a top-level module the notebook imports (``datetime.ipynb`` -> ``datetime_nb``)."""
    taken = set(imported)
    while name in taken or _shadows(name):
        name = f"{name}_nb"
    return name


def _shadows(name: str) -> bool:
    from nb2prod.deps.mapping import ALIASES

    if name in sys.stdlib_module_names or name in sys.builtin_module_names or name in ALIASES:
        return True
    return _importable(name)


def _importable(name: str) -> bool:
    """A module or regular package of that name is importable here, from elsewhere than the
    current folder (what lies there is no installed module, and would make the name depend on
    where nb2prod runs). Nothing is imported: only its place is looked up."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    if spec is None or spec.origin is None:  # nothing, or a namespace package (any folder)
        return False
    if spec.origin in ("built-in", "frozen"):
        return True
    home = os.path.dirname(spec.origin)
    if spec.submodule_search_locations is not None:
        home = os.path.dirname(home)
    return os.path.realpath(home) != os.path.realpath(os.getcwd())
