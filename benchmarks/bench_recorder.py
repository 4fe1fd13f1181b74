"""What does the recorder cost? Per cell execution, and per environment snapshot.

Run: ``python3 benchmarks/bench_recorder.py`` (after ``pip install -e '.[test]'`` and
``pip install watermark ipython-autotime`` for the alternatives). Makes no assertions; prints:

- per cell: the median and 95th percentile time of ``run_cell`` on a small cell in an IPython shell
  holding a realistic namespace (pandas and numpy loaded, 300 user names), without any extension,
  with ``autotime`` (the usual per-cell timing extension), and with nb2prod's recorder; the
  recorder's added cost is its median minus the plain median (target: under 1 ms);
- per snapshot: nb2prod's environment record (cold, in a fresh process, imports included; and
  warm) beside ``pip freeze`` and ``watermark`` asked for the same facts, each in the same run
  (target: under 50 ms).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CELLS = 2000
CELL = "total = sum(values[:10]) + offset"
SNAPSHOTS = 20


def cell_times(shell: Any) -> list[float]:
    times = []
    with contextlib.redirect_stdout(io.StringIO()):  # autotime prints a line per cell
        for _ in range(CELLS):
            start = time.perf_counter()
            shell.run_cell(CELL, store_history=True)
            times.append((time.perf_counter() - start) * 1000)
    return times


def per_cell() -> None:
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell("import numpy as np, pandas as pd\nvalues = list(range(100))\noffset = 1")
    shell.run_cell("\n".join(f"name_{i} = np.arange({i})" for i in range(300)))
    data = Path(tempfile.mkdtemp()) / "data.csv"
    data.write_text("a,b\n" + "1,2\n" * 10000)
    results = {"plain": cell_times(shell)}
    shell.run_line_magic("load_ext", "autotime")
    results["autotime"] = cell_times(shell)
    shell.run_line_magic("unload_ext", "autotime")
    shell.run_line_magic("load_ext", "nb2prod")
    results["nb2prod recorder"] = cell_times(shell)
    plain = statistics.median(results["plain"])
    print(f"per cell ({CELLS} runs of {CELL!r}, 300 user names, numpy and pandas loaded):")
    for name, times in results.items():
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18]
        added = median - plain
        print(f"  {name:<18} median {median:7.3f} ms  p95 {p95:7.3f} ms  added {added:+.3f} ms")
    start = time.perf_counter()
    shell.run_cell(f"frame = pd.read_csv({str(data)!r})")
    took = (time.perf_counter() - start) * 1000
    print(f"  a cell reading a 40 kB CSV, recorded with its hash: {took:.2f} ms")


def best(action: Callable[[], object], runs: int = SNAPSHOTS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def per_snapshot() -> None:
    from watermark import watermark

    from nb2prod.recorder.environment import snapshot

    cold_code = (
        "import time; s = time.perf_counter()\n"
        "from nb2prod.recorder.environment import snapshot; snapshot()\n"
        "print((time.perf_counter() - s) * 1000)"
    )
    cold = min(
        float(
            subprocess.run(
                [sys.executable, "-c", cold_code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(5)
    )
    record = snapshot()
    names = ",".join(list(record["packages"])[:40])
    freeze = [sys.executable, "-m", "pip", "freeze", "--disable-pip-version-check"]
    timings = {
        "nb2prod snapshot, cold process": cold,
        "nb2prod snapshot, warm": best(snapshot),
        "pip freeze (subprocess)": best(lambda: subprocess.run(freeze, capture_output=True), 5),
        "watermark -v -m, 40 packages": best(
            lambda: watermark(python=True, machine=True, packages=names)
        ),
    }
    print(f"per environment snapshot ({len(record['packages'])} distributions installed):")
    base = timings["nb2prod snapshot, cold process"]
    for name, ms in timings.items():
        print(f"  {name:<32} {ms:8.2f} ms  ratio to nb2prod cold {ms / base:6.2f}")


if __name__ == "__main__":
    per_cell()
    per_snapshot()
