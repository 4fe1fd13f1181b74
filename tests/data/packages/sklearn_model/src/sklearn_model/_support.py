"""Support for the steps lifted from sklearn_model.ipynb: results, figures, data files."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
_saved: list[Path] = []
_raised: dict[str, str | None] = {}


def plain_text(value: Any) -> str:
    """The value's plain-text form by IPython's rules (its pretty printer), as the notebook
    showed it; ``repr`` where IPython is not installed."""
    try:
        from IPython.lib.pretty import pretty
    except ImportError:
        return repr(value)
    return pretty(value, max_width=79)


def show_result(value: Any) -> None:
    """Print what the notebook displayed at this point, in its plain-text form."""
    if value is not None:
        print(plain_text(value))


def display(*values: Any, **options: Any) -> None:
    """IPython's ``display()`` outside a kernel: each value in its plain-text form."""
    for value in values:
        show_result(value)


def save_figure(cell: str = "figure") -> list[Path]:
    """Save every open matplotlib figure, as the notebook showed them at the end of ``cell``,
    one file each, and close them."""
    import matplotlib.pyplot as plt

    folder = Path(os.environ.get("SKLEARN_MODEL_FIGURES", "figures"))
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for number in plt.get_fignums():
        path = folder / f"{cell}-{len(paths) + 1}.png"
        plt.figure(number).savefig(path)
        paths.append(path)
    plt.close("all")
    _saved.extend(paths)
    return paths


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
