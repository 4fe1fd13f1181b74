"""Files a notebook makes itself, read from its code when it has no record (with a record, the
kernel's own account decides: tests/test_fidelity_cases.py::saves-then-loads)."""

from __future__ import annotations

from typing import Any

from nb2prod.analysis import analyse_notebook
from nb2prod.convert.produced import produced_files
from nb2prod.notebook import from_dict


def _code(*sources: str) -> list[Any]:
    cells = [
        {"cell_type": "code", "id": f"c{i}", "source": s, "execution_count": i + 1,
         "metadata": {}, "outputs": []}
        for i, s in enumerate(sources)
    ]  # fmt: skip
    raw = {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
           "metadata": {"language_info": {"name": "python"}}}  # fmt: skip
    return analyse_notebook(from_dict(raw, "memory.ipynb"))


def test_written_before_read_is_produced_and_read_first_is_an_input() -> None:
    code = _code(
        "import numpy as np\nnp.save('m.npy', np.eye(2))\ndf = pd.read_csv('in.csv')",
        "df.to_csv('in.csv')\ndf.to_csv('./out/summary.csv')",
        "with open('log.txt', 'w') as f:\n    f.write('x')\nPath('notes.md').write_text('y')",
        "back = np.load('m.npy')\nopen('log.txt').read()\nfig.savefig('plot.png')",
    )
    assert produced_files(code, None) == {
        "m.npy", "out/summary.csv", "log.txt", "notes.md", "plot.png",
    }  # fmt: skip


def test_reads_alone_and_unparsable_cells_produce_nothing() -> None:
    code = _code("open('data.txt').read()\nopen('other.txt', 'r')", "print 'py2'")
    assert produced_files(code, None) == set()
