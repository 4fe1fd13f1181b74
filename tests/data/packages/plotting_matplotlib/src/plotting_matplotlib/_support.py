"""Support for the steps lifted from plotting_matplotlib.ipynb: results, figures, data files."""

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
_raised: dict[str, str | None] = {}


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

    folder = Path(os.environ.get("PLOTTING_MATPLOTLIB_FIGURES", "figures"))
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for number in plt.get_fignums():
        path = folder / f"figure-{len(_saved) + len(_pending) + len(paths) + 1}.png"
        plt.figure(number).savefig(path)
        paths.append(path)
    plt.close("all")
    if cell is None:
        _pending.extend(paths)
        return paths
    named: list[Path] = []
    for path in [*_pending, *paths]:
        named.append(path.replace(folder / f"{cell}-{len(named) + 1}.png"))
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
