"""How fast is ``nb2prod check``? Whole-process timings beside ``jupyter nbconvert --to script``.

Run: ``python3 benchmarks/bench_check.py`` (after ``pip install -e '.[test]'``). Prints a table;
makes no assertions. Targets: 1,000 cells checked in under 1 s (whole process), at most half the
time nbconvert takes to export the same notebook, and a re-check after one edited cell in < 50 ms.
"""

from __future__ import annotations

import dataclasses
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from nb2prod.analysis import check_notebook
from nb2prod.notebook import load

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
EDITS = 20

CODE = [
    "import numpy as np\nimport pandas as pd",
    "df{i} = pd.DataFrame({{'a': range({i}), 'b': [x * 2 for x in range({i})]}})",
    "df{i} = df{i}.dropna().reset_index(drop=True)\ndf{i}['c'] = df{i}['a'] / (df{i}['b'] + 1)",
    "summary{i} = df{i}.groupby('a').agg({{'b': 'mean', 'c': ['min', 'max']}})\nsummary{i}.head()",
    "def transform{i}(frame, factor={i}):\n    out = frame.copy()\n"
    "    for col in out.columns:\n        out[col] = out[col] * factor\n    return out",
    "result{i} = transform{i}(df{i})\nprint(result{i}.shape)",
    "values{i} = [v ** 2 for v in range(100) if v % 3]\ntotal{i} = sum(values{i})",
    "lookup{i} = {{k: str(k) for k in range({i} % 50)}}\nlen(lookup{i})",
    "%time squares{i} = np.arange({i}) ** 2",
    "!ls -la",
    "class Model{i}:\n    def __init__(self, rate=0.1):\n        self.rate = rate\n\n"
    "    def fit(self, x):\n        self.mean_ = float(np.mean(x))\n        return self",
    "model{i} = Model{i}(rate=0.{i}).fit(squares{i})\nmodel{i}.mean_",
    "try:\n    ratio{i} = total{i} / len(values{i})\nexcept ZeroDivisionError:\n    ratio{i} = 0.0",
    "with open('notes.txt', 'w') as fh:\n    fh.write(str(ratio{i}))",
]


def realistic_notebook(cells: int = 1000) -> nbformat.NotebookNode:
    """Rounds of CODE cells (each round reads what it made before), markdown between them."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    count = 0
    while len(nb.cells) < cells:
        if len(nb.cells) % 5 == 4:
            nb.cells.append(nbformat.v4.new_markdown_cell(f"## Step {count}\n\nWhat happens next."))
            continue
        source = CODE[count % len(CODE)].format(i=count // len(CODE))
        count += 1
        outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"({count}, 3)\n")]
        if count % 3 == 0:
            outputs.append(
                nbformat.v4.new_output(
                    "execute_result",
                    data={"text/plain": f"{count * 1.5}", "text/html": f"<b>{count}</b>"},
                    execution_count=count,
                )
            )
        nb.cells.append(nbformat.v4.new_code_cell(source, execution_count=count, outputs=outputs))
    return nb


def command(name: str, module: str) -> list[str]:
    found = shutil.which(name)
    return [found] if found else [sys.executable, "-m", module]


def best_of(argv: list[str], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return min(times)


def recheck_ms(path: Path) -> float:
    """Median time to check again after one cell changed, with the per-cell cache warm."""
    nb = load(path)
    check_notebook(nb)
    code = [c.index for c in nb.cells if c.is_code]
    times = []
    for edit in range(EDITS):
        target = nb.cells[code[(edit * 37) % len(code)]]
        changed = dataclasses.replace(target, source=f"{target.source}\nedit_{edit} = {edit}")
        cells = (*nb.cells[: target.index], changed, *nb.cells[target.index + 1 :])
        edited = dataclasses.replace(nb, cells=cells)
        started = time.perf_counter()
        check_notebook(edited)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    nb2prod = [*command("nb2prod", "nb2prod"), "check"]
    nbconvert = [*command("jupyter", "jupyter"), "nbconvert", "--to", "script", "--stdout"]
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder, "bench-1000-cells.ipynb")
        nbformat.write(realistic_notebook(), big)
        notebooks = [big, *sorted(ROOT.glob("examples/*.ipynb"))]
        print(f"whole process, best of {RUNS}; nb2prod: {' '.join(nb2prod)}")
        print(f"{'notebook':<32} {'cells':>6} {'nb2prod s':>10} {'nbconvert s':>12} {'ratio':>7}")
        for path in notebooks:
            ours = best_of([*nb2prod, str(path)])
            theirs = best_of([*nbconvert, str(path)])
            cells = len(nbformat.read(path, as_version=4).cells)
            name = path.name if len(path.name) <= 32 else path.name[:29] + "..."
            print(f"{name:<32} {cells:>6} {ours:>10.3f} {theirs:>12.3f} {ours / theirs:>7.2f}")
        recheck = recheck_ms(big)
    print()
    print("targets: 1,000 cells < 1 s whole process; ratio <= 0.5 (nb2prod / nbconvert)")
    print(f"re-check after one edited cell (1,000 cells, median of {EDITS}): {recheck:.1f} ms")
    print("target: < 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
