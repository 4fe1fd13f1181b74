"""The fixed files of a generated package, filled in with its names.

Only :func:`fill` fills them, and only with identifiers and quoted literals (``literal.py``): no
notebook text reaches a template any other way. A ``{doc}`` is a whole docstring literal."""

from __future__ import annotations

import ast
import re

from nb2prod.convert.literal import Distribution, Identifier, Quoted, distribution, toml_string

_DISTRIBUTION = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")


def fill(template: str, **values: Identifier | Quoted | Distribution) -> str:
    """``template`` with its ``{fields}`` replaced; every value must be an identifier (or a
    distribution name made of one), or a literal: anything else is refused before it is pasted."""
    for key, value in values.items():
        if not (value.isidentifier() or _DISTRIBUTION.fullmatch(value) or _is_literal(value)):
            raise ValueError(f"{{{key}}}: neither an identifier nor a quoted literal: {value!r}")
    return template.format(**values)


def _is_literal(value: str) -> bool:
    try:
        tree = ast.parse(value, mode="eval")
        ast.literal_eval(tree)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return False
    return not isinstance(tree.body, ast.Name)


SUPPORT = '''{doc}

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
_saved: list[Path] = []
_pending: list[Path] = []
_raised: dict[str, str | None] = {{}}


def plain_text(value: Any) -> str:
    """The value's plain-text form by IPython's rules (its pretty printer), as the notebook
    showed it; ``repr`` where IPython is not installed."""
    try:
        from IPython.lib.pretty import pretty
    except ImportError:
        return repr(value)
    return pretty(value, max_width=79)


def show_result(value: Any) -> Any:
    """Print what the notebook displayed at this point, in its plain-text form; returns the
    value, which IPython kept as ``_``. A display hook a library installed (sympy's
    ``init_printing()``) shows it as that library showed it in the notebook."""
    if value is None:
        return value
    if sys.displayhook is not sys.__displayhook__:
        sys.displayhook(value)
    else:
        print(plain_text(value))
    return value


class DisplayHandle:
    """What ``display(..., display_id=True)`` gives: updating it shows the new value (the
    notebook kept only the last one in place)."""

    def __init__(self, display_id: str) -> None:
        self.display_id = display_id

    def display(self, value: Any, **options: Any) -> None:
        show_result(value)

    def update(self, value: Any, **options: Any) -> None:
        show_result(value)


def display(*values: Any, display_id: Any = None, **options: Any) -> DisplayHandle | None:
    """IPython's ``display()`` outside a kernel: each value in its plain-text form."""
    for value in values:
        show_result(value)
    if display_id:
        return DisplayHandle(str(display_id))
    return None


def update_display(value: Any, *, display_id: Any = None, **options: Any) -> None:
    """IPython's ``update_display()``: the new value, shown."""
    show_result(value)


def clear_output(wait: bool = False) -> None:
    """IPython's ``clear_output()``: nothing to clear in printed text."""


def save_figure(cell: str | None = None) -> list[Path]:
    """Save every open matplotlib figure, one file each, and close them. ``cell`` names the
    cell that showed them; a function of the notebook's saves without one, and those files take
    the name of the cell whose end comes next (the cell that called it)."""
    import matplotlib.pyplot as plt

    folder = Path(os.environ.get("{upper}_FIGURES", "figures"))
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for number in plt.get_fignums():
        path = folder / f"figure-{{len(_saved) + len(_pending) + len(paths) + 1}}.png"
        plt.figure(number).savefig(path)
        paths.append(path)
    plt.close("all")
    if cell is None:
        _pending.extend(paths)
        return paths
    named: list[Path] = []
    for path in [*_pending, *paths]:
        named.append(path.replace(folder / f"{{cell}}-{{len(named) + 1}}.png"))
    _pending.clear()
    _saved.extend(named)
    return named


@contextlib.contextmanager
def raises_here(name: str, cell: str) -> Iterator[None]:
    """The notebook showed ``cell`` raise ``name`` on purpose: run its code expecting that error
    (anything else still stops the run), note it, and go on as the notebook did."""
    try:
        yield
    except Exception as error:
        if type(error).__name__ != name:
            raise
        _raised[cell] = name
    else:
        _raised[cell] = None


def raised() -> dict[str, str | None]:
    """The error each such cell raised in this run (None: it raised none)."""
    return dict(_raised)


def saved_figures() -> list[Path]:
    """The figures saved so far, in order."""
    return list(_saved)


def data_path(relative: str = "") -> str:
    """A data file the notebook read, shipped inside the package."""
    return str(DATA / relative)
'''

INIT = """{doc}

from __future__ import annotations

from typing import Any

__all__ = ["run"]


def __getattr__(name: str) -> Any:
    \"\"\"``run``, imported when first asked for, so that ``python -m`` checks the machine
    before any step's imports run.\"\"\"
    if name == "run":
        from {package}.pipeline import run

        return run
    raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
"""

MAIN = """{doc}

from __future__ import annotations

import argparse
from collections.abc import Sequence

from {package}._environment import EXIT_MISMATCH, check


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m {package}", description=__doc__)
"""

#: After ``MAIN`` and the ``parser.add_argument`` lines of the parameters.
MAIN_END = """    parser.add_argument(
        "--strict-environment",
        action="store_true",
        help="refuse to run where the machine differs from the recorded one in a way that "
        "matters (no GPU where the notebook used one, another CUDA major version)",
    )
    arguments = vars(parser.parse_args(argv))
    if not check(strict=arguments.pop("strict_environment")):  # before any import of the steps
        return EXIT_MISMATCH
    from {package}.pipeline import run

    run(**arguments)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
"""

CONFTEST = '''"""For the generated tests: the pipeline, run once, and how shown text compares."""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest

from {package}.pipeline import run

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_TIME = re.compile(r"\\d{{4}}-\\d{{2}}-\\d{{2}}[ T]\\d{{2}}:\\d{{2}}:\\d{{2}}(?:\\.\\d+)?")
_FLOAT = re.compile(r"(?<![\\w.])-?\\d+\\.\\d+(?:[eE][-+]?\\d+)?")
_NUMBER = re.compile(r"-?\\d+\\.?\\d*(?:[eE][-+]?\\d+)?|\\b(?:True|False)\\b")


def normalize(text: str) -> str:
    """Text as compared: no memory addresses, timestamps or float noise, spaces collapsed."""
    text = _ADDRESS.sub("0x?", text)
    text = _TIME.sub("<time>", text)
    text = _FLOAT.sub(lambda m: f"{{float(m.group()):.6g}}", text)
    return "\\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _notebook_display_options() -> None:
    """Tables print as they did in the notebook, whatever terminal runs the tests."""
    try:
        import pandas
    except ImportError:
        return
    pandas.set_option("display.width", 80)
    pandas.set_option("display.max_columns", 20)


def _shape(text: str) -> str:
    """Every number and truth value as ``#``, and no spaces (numbers of other widths pad
    differently)."""
    return "\\n".join("".join(_NUMBER.sub("#", line).split()) for line in text.splitlines())


def shows(printed: str, expected: str, values: bool = True) -> None:
    """The pipeline printed ``expected`` (as the notebook showed it), give or take noise; with
    ``values`` false, every number counts as the same (the text's shape only). Else fails with
    the difference between what the notebook showed and the nearest printed text."""
    want, got = normalize(expected), normalize(printed)
    if not values:
        want, got = _shape(want), _shape(got)
    if want in got:
        return
    wanted = want.splitlines()
    lines = got.splitlines()
    first = difflib.get_close_matches(wanted[0], lines, n=1, cutoff=0.0) if wanted else []
    start = lines.index(first[0]) if first else 0
    near = lines[start : start + len(wanted)]
    diff = difflib.unified_diff(wanted, near, "notebook", "package", lineterm="", n=1)
    raise AssertionError("shown text differs:\\n" + "\\n".join(list(diff)[:40]))


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """What ``run()`` returns and prints, run in a scratch folder."""
    folder = tmp_path_factory.mktemp("run")
    os.environ.setdefault("MPLBACKEND", "Agg")
    _notebook_display_options()
    previous = Path.cwd()
    printed = io.StringIO()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(printed):
            results = run()
    finally:
        os.chdir(previous)
    return results, printed.getvalue()
'''

PYPROJECT = """[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = {name}
version = "0.1.0"
description = {description}
readme = "README.md"
requires-python = {requires_python}
dependencies = {dependencies}

[project.optional-dependencies]
test = ["pytest"]

[project.scripts]
{distribution} = "{package}.__main__:main"

[tool.hatch.build.targets.wheel]
packages = ["src/{package}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
filterwarnings = ["error::SyntaxWarning"]

[tool.ruff]
line-length = 100
# files the notebook reads, shipped as they were: data, not the package's code
extend-exclude = ["src/{package}/data"]

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP"]
"""


def pyproject(
    package: Identifier, title: str, notebook: str, python: str, dependencies: list[str]
) -> str:
    """``pyproject.toml``: every value a TOML string, every name the package's."""
    listed = "[" + ", ".join(toml_string(d) for d in dependencies) + "]"
    return fill(
        PYPROJECT,
        name=toml_string(distribution(package)),
        description=toml_string(f"{title}: lifted from {notebook} by nb2prod"),
        requires_python=toml_string(f">={python}"),
        dependencies=Quoted(listed),  # a list of TOML strings: a Python list literal too
        distribution=distribution(package),
        package=package,
    )
