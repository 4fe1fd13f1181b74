"""Valid, stable Python identifiers for packages, modules and steps."""

from __future__ import annotations

import keyword
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
    module its code needs: one of the standard library, a well-known import name of a common
    distribution, or a top-level module the notebook imports (``datetime.ipynb`` ->
    ``datetime_nb``). What happens to be installed here is not consulted, so the same notebook
    gives the same name on every machine."""
    taken = set(imported)
    while name in taken or _shadows(name):
        name = f"{name}_nb"
    return name


def _shadows(name: str) -> bool:
    from nb2prod.deps.mapping import ALIASES

    return (
        name in sys.stdlib_module_names
        or name in sys.builtin_module_names
        or name in ALIASES
        or name in _COMMON_MODULES
    )


#: Top-level modules of distributions that notebooks and their dependencies commonly install:
#: a package of one of these names would hide it once installed beside it.
_COMMON_MODULES = frozenset(
    {"numpy", "pandas", "scipy", "matplotlib", "seaborn", "sklearn", "statsmodels", "sympy",
     "networkx", "requests", "urllib3", "certifi", "idna", "charset_normalizer", "six", "pytz",
     "dateutil", "tzdata", "packaging", "pyparsing", "cycler", "kiwisolver", "fontTools",
     "contourpy", "joblib", "threadpoolctl", "PIL", "yaml", "tqdm", "torch", "torchvision",
     "tensorflow", "keras", "jax", "jaxlib", "xgboost", "lightgbm", "catboost", "plotly", "bokeh",
     "altair", "IPython", "ipykernel", "ipywidgets", "jupyter", "notebook", "nbformat", "attr",
     "attrs", "jinja2", "markupsafe", "pygments", "setuptools", "pip", "wheel", "pkg_resources",
     "typing_extensions", "cv2", "skimage", "bs4", "lxml", "h5py", "tables", "pyarrow", "numba",
     "llvmlite", "dask", "polars", "pydantic", "click", "rich", "pytest", "nb2prod"}
)  # fmt: skip
