"""Is ``nb2prod check`` fast enough for a pre-commit hook? Whole-process timings of one check of a
1,000-cell notebook beside what any Python tool must pay: the interpreter's start, reading the
JSON and parsing every code cell.

Run: ``python3 benchmarks/bench_check_startup.py [--cells 1000] [--runs 11]``. Prints a table of
medians (wall clock, and the CPU time of the process, steadier on a busy machine) and the ratios;
makes no assertions. Target: ``nb2prod check`` within 2x of "Python start + json load +
ast.parse of every cell" measured in the same run. The cache rows check with nb2prod's cache of
per-cell analysis (``NB2PROD_CACHE_DIR``) empty before every run, then warm; the other rows leave
the cache off (``NB2PROD_NO_CACHE=1``) so they time the analysis itself. Every command runs with
its modules' bytecode compiled once beforehand, as an installed package has it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What any tool pays: start Python, read the JSON, parse every code cell (magics fail to parse).
PARSE_ONLY = """\
import ast, json, sys
with open(sys.argv[1], encoding="utf-8") as handle:
    notebook = json.load(handle)
for cell in notebook["cells"]:
    if cell["cell_type"] == "code":
        source = cell["source"]
        try:
            ast.parse(source if isinstance(source, str) else "".join(source))
        except SyntaxError:
            pass
"""

#: One round of a notebook's code; ``{i}`` numbers the round so names differ between rounds and
#: later cells read what earlier ones made.
CODE = (
    "import os\nimport re\nimport json\nimport numpy as np\nimport pandas as pd\n"
    "import matplotlib.pyplot as plt\nfrom pathlib import Path\nfrom collections import Counter",
    "DATA{i} = Path('data') / 'part_{i}.csv'\n"
    "df{i} = pd.read_csv(DATA{i}, parse_dates=['when'], dtype={{'code': str}})\ndf{i}.head()",
    "df{i} = df{i}.dropna(subset=['value']).reset_index(drop=True)\n"
    "df{i}['ratio'] = df{i}['value'] / df{i}['count'].clip(lower=1)\n"
    "df{i} = df{i}.assign(week=lambda d: d['when'].dt.isocalendar().week)",
    "summary{i} = (\n    df{i}.groupby(['code', 'week'])\n"
    "    .agg(total=('value', 'sum'), mean_ratio=('ratio', 'mean'), n=('value', 'size'))\n"
    "    .sort_values('total', ascending=False)\n)\nsummary{i}.head(10)",
    "def clean_text{i}(text, *, lower=True, pattern=r'[^a-z0-9 ]+'):\n"
    '    """Normalise one free-text field."""\n'
    "    if not isinstance(text, str):\n        return ''\n"
    "    out = text.lower() if lower else text\n"
    "    out = re.sub(pattern, ' ', out)\n    return ' '.join(out.split())",
    "words{i} = Counter()\nfor note in df{i}.get('note', []):\n"
    "    for word in clean_text{i}(note).split():\n        if len(word) > 2:\n"
    "            words{i}[word] += 1\nwords{i}.most_common(5)",
    "%time squares{i} = np.arange(10_000) ** 2",
    "class Scaler{i}:\n    def __init__(self, factor=1.0, offset=0.0):\n"
    "        self.factor = factor\n        self.offset = offset\n\n"
    "    def fit(self, values):\n        self.mean_ = float(np.mean(values))\n"
    "        self.std_ = float(np.std(values)) or 1.0\n        return self\n\n"
    "    def transform(self, values):\n"
    "        return [(v - self.mean_) / self.std_ * self.factor + self.offset for v in values]",
    "scaler{i} = Scaler{i}(factor=2.0).fit(df{i}['ratio'])\n"
    "scaled{i} = scaler{i}.transform(df{i}['ratio'].tolist())\n"
    "print(f'{{len(scaled{i})}} values, mean {{scaler{i}.mean_:.3f}}')",
    "lookup{i} = {{code: group['value'].sum() for code, group in df{i}.groupby('code')}}\n"
    "top{i} = sorted(lookup{i}.items(), key=lambda kv: kv[1], reverse=True)[:3]\ntop{i}",
    "!ls -la data | head -5",
    "fig, ax = plt.subplots(figsize=(6, 4))\n"
    "ax.plot(summary{i}['total'].values, marker='o', label='total')\n"
    "ax.set_title(f'round {i}')\nax.legend()\nplt.show()",
    "try:\n    ratio{i} = sum(scaled{i}) / len(scaled{i})\nexcept ZeroDivisionError:\n"
    "    ratio{i} = 0.0\nelse:\n    ratio{i} = round(ratio{i}, 4)\nratio{i}",
    "os.makedirs('out', exist_ok=True)\nwith open(f'out/summary_{i}.json', 'w') as handle:\n"
    "    json.dump({{'ratio': ratio{i}, 'top': [k for k, _ in top{i}]}}, handle)",
    "%%timeit -n 3\nsorted(lookup{i}.values())",
    "rng{i} = np.random.default_rng({i})\nsample{i} = rng{i}.normal(size=200)\n"
    "if (n{i} := len(sample{i})) > 100:\n    print(n{i}, sample{i}[:3].round(2))",
)


def make_notebook(cells: int) -> dict[str, object]:
    """A deterministic notebook of ``cells`` cells: rounds of :data:`CODE`, a markdown cell
    before every fifth, outputs with text, and a few cells run out of order or re-run, as in
    notebooks people commit."""
    chance = random.Random(20240601)
    made: list[dict[str, object]] = []
    count = 0
    while len(made) < cells:
        if len(made) % 5 == 4:
            made.append(_markdown(len(made)))
            continue
        number = sum(1 for c in made if c["cell_type"] == "code")
        source = CODE[number % len(CODE)].format(i=number // len(CODE))
        count += 2 if chance.random() < 0.03 else 1  # a re-run the notebook no longer shows
        made.append(_code(source, count, _outputs(source, count, chance)))
    _swap_counts(made, chance)
    return {
        "cells": made,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python", "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _markdown(index: int) -> dict[str, object]:
    text = f"## Step {index}\n\nWhat the next cells compute, and why."
    return {"cell_type": "markdown", "id": f"m{index:07d}", "metadata": {},
            "source": text.splitlines(keepends=True)}  # fmt: skip


def _code(source: str, count: int, outputs: list[dict[str, object]]) -> dict[str, object]:
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": f"c{count:07d}",
        "metadata": {},
        "outputs": outputs,
        "source": source.splitlines(keepends=True),
    }


def _outputs(source: str, count: int, chance: random.Random) -> list[dict[str, object]]:
    if source.startswith(("import", "def ", "class ", "os.")):
        return []
    if source.startswith("!"):
        lines = [f"-rw-r--r-- 1 user user {chance.randint(100, 99999):6d} part_{n}.csv\n"
                 for n in range(5)]  # fmt: skip
        return [{"name": "stdout", "output_type": "stream", "text": lines}]
    if source.startswith("%"):
        text = f"CPU times: user {chance.randint(1, 99)} ms, sys: 1 ms, total: 5 ms\n"
        return [{"name": "stdout", "output_type": "stream", "text": [text]}]
    table = "".join(f"{n:>4} {chance.random():.4f} {chance.randint(0, 999):>5}\n" for n in range(8))
    return [
        {"name": "stdout", "output_type": "stream", "text": [f"({count}, 5)\n"]},
        {
            "data": {
                "text/plain": table.splitlines(keepends=True),
                "text/html": [f"<table><tr><td>{count}</td></tr></table>"],
            },
            "execution_count": count,
            "metadata": {},
            "output_type": "execute_result",
        },
    ]


def _swap_counts(cells: list[dict[str, object]], chance: random.Random) -> None:
    """Swap the counts of a few neighbouring cells: run out of order."""
    code = [c for c in cells if c["cell_type"] == "code"]
    for _ in range(max(1, len(code) // 100)):
        first = chance.randrange(len(code) - 1)
        a, b = code[first], code[first + 1]
        a["execution_count"], b["execution_count"] = b["execution_count"], a["execution_count"]


@dataclass
class Row:
    """One command and its timings; ``before`` runs ahead of every timed run (not timed)."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    before: Callable[[], None] | None = None
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def time_once(row: Row, cwd: str) -> None:
    if row.before is not None:
        row.before()
    env = {**os.environ, **row.env}
    started_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        row.argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        check=False,
    )  # fmt: skip
    row.wall.append(time.perf_counter() - started)
    ended_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    row.cpu.append(
        ended_cpu.ru_utime + ended_cpu.ru_stime - started_cpu.ru_utime - started_cpu.ru_stime
    )


def console_script(name: str) -> str | None:
    """The script installed beside this Python (a version manager's shim adds its own start)."""
    beside = Path(sysconfig.get_path("scripts"), name)
    return str(beside) if beside.exists() else shutil.which(name)


def rows(notebook: str, cache: str) -> list[Row]:
    python = sys.executable
    no_cache = {"NB2PROD_NO_CACHE": "1"}
    found = [
        Row("python3 -c pass", [python, "-c", "pass"]),
        Row("python3: json + ast.parse each cell", [python, "-c", PARSE_ONLY, notebook]),
        Row("python3 -m nb2prod check", [python, "-m", "nb2prod", "check", notebook], no_cache),
    ]
    script = console_script("nb2prod")
    if script:
        found.append(Row("nb2prod check (console script)", [script, "check", notebook], no_cache))
    module = [python, "-m", "nb2prod", "check", notebook]
    with_cache = {"NB2PROD_CACHE_DIR": cache}
    found.append(Row("python3 -m nb2prod check, cache cold", module, with_cache,
                     lambda: shutil.rmtree(cache, ignore_errors=True)))  # fmt: skip
    found.append(Row("python3 -m nb2prod check, cache warm", module, with_cache))
    ruff = console_script("ruff")
    if ruff:
        found.append(Row("ruff check (its cache warm)", [ruff, "check", "--quiet", notebook]))
    return found


def report(found: list[Row], cells: int, runs: int) -> None:
    print(f"{cells}-cell notebook, whole process, median of {runs} runs (runs interleaved)")
    print(f"{'command':<40} {'wall s':>8} {'cpu s':>8} {'wall / parse':>13} {'cpu / parse':>12}")
    parse = found[1]
    base_wall, base_cpu = statistics.median(parse.wall), statistics.median(parse.cpu)
    for row in found:
        wall, cpu = statistics.median(row.wall), statistics.median(row.cpu)
        print(f"{row.name:<40} {wall:>8.3f} {cpu:>8.3f} "
              f"{wall / base_wall:>13.2f} {cpu / base_cpu:>12.2f}")  # fmt: skip
    start = statistics.median(found[0].wall)
    print(f"\nPython's start alone: {start:.3f} s wall; json + parse adds "
          f"{base_wall - start:.3f} s.")  # fmt: skip
    print("target: python3 -m nb2prod check <= 2.00 x (json + ast.parse each cell), wall")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=1000, help="cells in the notebook")
    parser.add_argument("--runs", type=int, default=11, help="timed runs of each command")
    args = parser.parse_args(argv)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
    )  # this working tree's nb2prod, whatever the installed one points to
    with tempfile.TemporaryDirectory() as folder:
        # Bytecode is compiled once (the warm-up run), as pip does on install, even where the
        # environment says not to write it: into a folder of its own, never the source tree.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(folder, "bytecode"))
        notebook = str(Path(folder, "bench-startup.ipynb"))
        Path(notebook).write_text(json.dumps(make_notebook(args.cells), indent=1), "utf-8")
        found = rows(notebook, str(Path(folder, "cache")))
        for row in found:  # warm the file system, ruff's cache and nb2prod's
            time_once(row, folder)
            row.wall.clear()
            row.cpu.clear()
        for _ in range(args.runs):
            for row in found:
                time_once(row, folder)
        report(found, args.cells, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
