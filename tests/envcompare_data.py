"""Notebooks recorded "elsewhere", for the tests of the environment comparison: their records are
written by hand in ``recorder/FORMAT.md``'s shape.

``H100`` is SYNTHETIC: no GPU machine was at hand, so this record of an H100 (driver 550.54.15,
CUDA 12.4, numpy 1.26.4, scikit-learn 1.5.2) is made up in the shape the recorder writes, as
``recorded_notebooks.SYNTHETIC_GPU`` is. ``LAPTOP`` is a CPU-only record in the same shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nb2prod.recorder.environment import environment_id
from nb2prod.records import source_hash

#: SYNTHETIC (see the module's docstring): an H100 machine.
H100: dict[str, Any] = {
    "recorded": "2026-11-22T10:15:02Z",
    "recorder": "nb2prod 0.5.0",
    "python": {
        "version": "3.11.9",
        "implementation": "CPython",
        "executable": "/home/me/gpu/bin/python3",
    },
    "platform": {
        "system": "Linux",
        "release": "6.1.0",
        "machine": "x86_64",
        "platform": "Linux-6.1.0-x86_64-with-glibc2.36",
    },
    "cpu": {"model": "Intel(R) Xeon(R) Platinum 8480+", "count": 224},
    "memory": {"total_bytes": 2164227645440},
    "interpreter": {"kind": "venv", "name": "gpu", "prefix": "/home/me/gpu"},
    "variables": {"CUDA_VISIBLE_DEVICES": "0"},
    "packages": {
        "joblib": "1.4.2",
        "numpy": "1.26.4",
        "scikit-learn": "1.5.2",
        "scipy": "1.14.1",
        "torch": "2.3.0+cu121",
    },
    "gpu": {
        "available": True,
        "driver_version": "550.54.15",
        "cuda_driver_version": "12.4",
        "devices": [
            {
                "index": 0,
                "name": "NVIDIA H100 80GB HBM3",
                "uuid": "GPU-synthetic",
                "memory_total_bytes": 85520809984,
            }
        ],
    },
    "accelerators": {"torch": {"version": "2.3.0+cu121", "cuda": "12.1", "cudnn": "8902"}},
    "git": None,
}
H100["id"] = environment_id(H100)
#: A CPU-only laptop: what the notebook is opened on.
LAPTOP: dict[str, Any] = {
    "recorded": "2026-12-01T08:00:00Z",
    "recorder": "nb2prod 0.5.0",
    "python": {
        "version": "3.12.3",
        "implementation": "CPython",
        "executable": "/home/me/venv/bin/python3",
    },
    "platform": {
        "system": "Darwin",
        "release": "24.1.0",
        "machine": "arm64",
        "platform": "macOS-15.1-arm64-arm-64bit",
    },
    "cpu": {"model": "Apple M3", "count": 8},
    "memory": {"total_bytes": 17179869184},
    "interpreter": {"kind": "venv", "name": "venv", "prefix": "/home/me/venv"},
    "variables": {},
    "packages": {
        "joblib": "1.5.0",
        "numpy": "2.4.6",
        "pandas": "2.2.3",
        "scikit-learn": "1.5.2",
        "scipy": "1.15.0",
    },
    "gpu": {"available": False, "reason": "no NVIDIA driver"},
    "accelerators": {},
    "git": None,
}
LAPTOP["id"] = environment_id(LAPTOP)

#: The code cells of the notebook: source, and the modules its first run imported (what the
#: recorder saw, transitive imports included), as (module, distribution) pairs.
CODE: list[tuple[str, list[tuple[str, str | None]]]] = [
    (
        "import json\nimport numpy as np\nfrom sklearn.linear_model import LinearRegression",
        [("numpy", "numpy"), ("sklearn", "scikit-learn"), ("scipy", "scipy"), ("joblib", "joblib")],
    ),
    ("x = np.arange(5)\nprint(x.sum())", []),
    ("model = LinearRegression().fit(x.reshape(-1, 1), x)\nmodel.coef_", []),
    ("import helpers\nhelpers.VALUE", [("helpers", None)]),
]


def imports(env: dict[str, Any], seen: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
    versions = env["packages"]
    return [{"module": m, "distribution": d, "version": versions.get(d) if d else None}
            for m, d in seen]  # fmt: skip


def execution(
    source: str, count: int, env: dict[str, Any], cell_id: str | None = None, **more: Any
) -> dict[str, Any]:
    return {
        "session": "9a0b1c2d3e4f5a6b", "cell_id": cell_id, "execution_count": count,
        "started": f"2026-11-22T10:{10 + count:02d}:00Z", "duration_ms": 12.5, "status": "ok",
        "error": None, "source_hash": source_hash(source), "defined": [], "rebound": [],
        "deleted": [], "imports": [], "files": [], "seeds": [], "environment": env["id"], **more,
    }  # fmt: skip


def elsewhere(with_ids: bool = False, env: dict[str, Any] = H100) -> dict[str, Any]:
    """The notebook (as JSON) run top to bottom on ``env``: a title, a markdown cell between code
    cells, so code cells are numbers 2, 3, 5, 6; no cell ids unless ``with_ids``."""
    notebook = new_notebook(cells=[new_markdown_cell("# Fit")])
    history = []
    for count, (source, seen) in enumerate(CODE, start=1):
        if count == 3:
            notebook.cells.append(new_markdown_cell("Fit a line."))
        cell = new_code_cell(source, execution_count=count)
        cell.outputs = [new_output("stream", name="stdout", text=f"{count}\n")]
        notebook.cells.append(cell)
        cell_id = f"cell-{count}" if with_ids else None
        history.append(execution(source, count, env, cell_id, imports=imports(env, seen)))
    if with_ids:
        for cell, name in zip(
            notebook.cells, ["title", "c1", "c2", "note", "c3", "c4"], strict=True
        ):
            cell["id"] = name if cell.cell_type == "markdown" else f"cell-{name[1]}"
    else:
        notebook.nbformat_minor = 4
        for cell in notebook.cells:
            cell.pop("id", None)
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3"}  # fmt: skip
    notebook.metadata["nb2prod"] = {"schema": 1, "environments": {env["id"]: env},
                                    "history": history, "sources": {}}  # fmt: skip
    return dict(notebook)


def write(folder: Path, notebook: dict[str, Any], name: str = "fit.ipynb") -> Path:
    """``notebook`` saved as ``folder/name``, with the local module ``helpers.py`` beside it."""
    path = folder / name
    nbformat.write(nbformat.from_dict(notebook), str(path))
    (folder / "helpers.py").write_text("VALUE = 1\n")
    return path
