"""Support for the steps lifted from recorded_analysis.ipynb: results, figures, data files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
_saved: list[Path] = []


def show_result(value: Any) -> None:
    """Print what the notebook displayed at this point, in its plain-text form."""
    if value is not None:
        print(repr(value))


def save_figure() -> Path:
    """Save the current matplotlib figure (the notebook showed it here) and close it."""
    import matplotlib.pyplot as plt

    folder = Path(os.environ.get("RECORDED_ANALYSIS_FIGURES", "figures"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"figure-{len(_saved) + 1:02d}.png"
    plt.savefig(path)
    plt.close()
    _saved.append(path)
    return path


def data_path(relative: str = "") -> str:
    """A data file the notebook read, shipped inside the package."""
    return str(DATA / relative)
