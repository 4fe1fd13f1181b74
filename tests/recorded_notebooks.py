"""Notebooks carrying kernel records, written by hand in ``recorder/FORMAT.md``'s shape, for the
tests of ``convert`` with records. ``SYNTHETIC_GPU`` is SYNTHETIC: no GPU machine was at hand."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nb2prod.records import source_hash

#: The environment record of a CPU machine, in FORMAT.md's shape (written by hand).
CPU_ENVIRONMENT: dict[str, Any] = {
    "id": "3f1c0a9e5b2d7c41",
    "recorded": "2026-11-22T10:15:02Z",
    "recorder": "nb2prod 0.5.0",
    "python": {"version": "3.10.14", "implementation": "CPython",
               "executable": "/home/me/venv/bin/python3"},
    "platform": {"system": "Linux", "release": "6.1.0", "machine": "x86_64",
                 "platform": "Linux-6.1.0-x86_64-with-glibc2.36"},
    "cpu": {"model": "AMD EPYC 7B13", "count": 16},
    "memory": {"total_bytes": 134217728000},
    "interpreter": {"kind": "venv", "name": "venv", "prefix": "/home/me/venv"},
    "variables": {"VIRTUAL_ENV": "/home/me/venv", "PYTHONHASHSEED": "0"},
    "packages": {"ipykernel": "6.29.5", "numpy": "1.26.4", "pandas": "2.2.3",
                 "python-dateutil": "2.9.0.post0", "pytz": "2024.1", "six": "1.16.0",
                 "tzdata": "2024.1"},
    "gpu": {"available": False, "reason": "no NVIDIA driver"},
    "accelerators": {},
    "git": {"root": "/home/me/project", "commit": "0c4e" * 10, "branch": "main", "dirty": True},
}  # fmt: skip

#: SYNTHETIC: no GPU machine was available, so this H100 record is made up in the shape the
#: recorder writes (driver 550.54.15, CUDA driver 12.4, torch 2.3.0+cu121 built for CUDA 12.1).
#: It is not a real recording.
SYNTHETIC_GPU: dict[str, Any] = {
    **copy.deepcopy(CPU_ENVIRONMENT),
    "id": "9d2e4f6a8b0c1d3e",
    "python": {"version": "3.11.9", "implementation": "CPython",
               "executable": "/home/me/gpu/bin/python3"},
    "packages": {"numpy": "1.26.4", "torch": "2.3.0+cu121"},
    "gpu": {
        "available": True, "driver_version": "550.54.15", "cuda_driver_version": "12.4",
        "devices": [{"index": 0, "name": "NVIDIA H100 80GB HBM3", "uuid": "GPU-synthetic",
                     "memory_total_bytes": 85520809984}],
    },
    "accelerators": {"torch": {"version": "2.3.0+cu121", "cuda": "12.1", "cudnn": "8902"}},
}  # fmt: skip

MACHINE_PATHS = ("/home/me", "venv/bin/python3", "/project")
DATA = "a,b\n1,2\n3,4\n"
#: A code cell: its source, the text it printed, the files its run read.
Cell = tuple[str, str, list[dict[str, Any]]]
READ_CSV = (
    "with open('data/nums.csv') as handle:\n"
    "    rows = handle.read().splitlines()[1:]\n"
    "total = sum(int(row.split(',')[0]) for row in rows)\n"
    "print(total)"
)
#: Reads a file by a name the code builds: no literal names it, only the record does.
READ_BY_NAME = (
    "import os\nname = 'extra'\nfound = os.path.exists(os.path.join('data', name + '.txt'))"
)


def sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def read(path: str, content: str | None = None, **changes: Any) -> dict[str, Any]:
    """A file record; size and hash from ``content`` (as the recorder takes them from the file)."""
    data = (content or "").encode()
    found = {"path": path, "size": len(data), "mtime": "2026-11-20T09:00:00Z"}
    return {**found, "sha256": sha256(data) if content is not None else None, **changes}


def write_notebook(
    folder: Path,
    cells: list[Cell],
    environment: dict[str, Any] | None,
    *,
    gone: dict[str, list[dict[str, Any]]] | None = None,
) -> Path:
    """``folder/analysis.ipynb``: a title, then code cells (source, printed text, files read) run
    once in order, with records of those runs (and of ``gone``: code no cell holds any more)."""
    notebook = new_notebook(cells=[new_markdown_cell("# Recorded analysis")])
    notebook.cells[0]["id"] = "title"
    history = []
    for number, (source, printed, files) in enumerate(cells, start=1):
        cell = new_code_cell(source, execution_count=number, id=f"cell{number}")
        if printed:
            cell.outputs = [new_output("stream", name="stdout", text=printed)]
        notebook.cells.append(cell)
        history.append(_execution(cell["id"], number, source, files, environment))
    sources = {}
    for code, files in (gone or {}).items():
        sources[source_hash(code)] = code
        history.insert(0, _execution(None, None, code, files, environment))
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    if environment is not None:
        notebook.metadata["nb2prod"] = {
            "schema": 1,
            "environments": {environment["id"]: environment},
            "history": history,
            "sources": sources,
        }
    path = folder / "analysis.ipynb"
    nbformat.write(notebook, str(path))
    return path


def _execution(
    cell_id: str | None,
    count: int | None,
    source: str,
    files: list[dict[str, Any]],
    environment: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "session": "9a0b1c2d3e4f5a6b", "cell_id": cell_id, "execution_count": count,
        "started": "2026-11-22T10:16:40Z", "duration_ms": 12.5, "status": "ok", "error": None,
        "source_hash": source_hash(source), "defined": [], "rebound": [], "deleted": [],
        "imports": [], "files": files, "seeds": [],
        "environment": environment["id"] if environment else None,
    }  # fmt: skip
