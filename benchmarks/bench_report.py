"""How fast is ``nb2prod report`` over a class? Whole-process timings beside ``jupyter nbconvert
--to html`` over the same notebooks (what an instructor would otherwise run to read them).

Run: ``python3 benchmarks/bench_report.py [--count 500] [--jobs N] [--nbconvert-count N]``.
Builds ``count`` varied notebooks from ``examples/*.ipynb`` in a temporary nbgrader layout
(``submitted/STUDENT/ASSIGNMENT/``, five assignments a student; each copy edited as students
do: a changed number, a cell run again or out of order, a cell never run, a name read that no
cell defines, a note of their own), then times ``nb2prod report`` (best of ``--runs``) and one
``jupyter nbconvert --to html`` over the same files, and prints seconds, notebooks per second
and the ratio. Target: 500 notebooks in under 30 s on two cores. Makes no assertions.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ASSIGNMENTS = 5


def build_class(root: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` varied notebooks under ``root/submitted/``; their paths."""
    sources = sorted(EXAMPLES.glob("*.ipynb"))
    chance = random.Random(seed)
    written = []
    for index in range(count):
        base = sources[index % len(sources)]
        student, assignment = divmod(index, ASSIGNMENTS)
        notebook = json.loads(base.read_text(encoding="utf-8"))
        _vary(notebook, chance, f"student_{student:03d}")
        folder = root / "submitted" / f"student_{student:03d}" / f"ps{assignment + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / base.name
        path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
        written.append(path)
    return written


def _vary(notebook: dict[str, Any], chance: random.Random, student: str) -> None:
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    note = {"cell_type": "markdown", "metadata": {}, "source": [f"Submitted by {student}."]}
    if (notebook["nbformat"], notebook["nbformat_minor"]) >= (4, 5):
        note["id"] = f"note-{student}"
    notebook["cells"].insert(0, note)
    if code and chance.random() < 0.7:  # a number changed
        cell = chance.choice(code)
        text = "".join(cell["source"])
        cell["source"] = re.sub(r"\b(\d+)\b", lambda m: str(int(m[1]) + 1), text, count=1)
    counted = [c for c in code if isinstance(c.get("execution_count"), int)]
    if len(counted) > 2 and chance.random() < 0.3:  # two cells ran the other way round
        first, second = chance.sample(counted, 2)
        first["execution_count"], second["execution_count"] = (
            second["execution_count"],
            first["execution_count"],
        )
    if counted and chance.random() < 0.2:  # a cell run again
        chance.choice(counted)["execution_count"] += 5
    if len(counted) > 1 and chance.random() < 0.15:  # a cell never run
        counted[-2]["execution_count"] = None
        counted[-2]["outputs"] = []
    if code and chance.random() < 0.2:  # a name from a deleted cell
        cell = code[-1]
        cell["source"] = "".join(cell["source"]) + "\nprint(scratch_total)"


def command(name: str, module: str) -> list[str]:
    found = shutil.which(name)
    return [found] if found else [sys.executable, "-m", module]


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv[:4])} ... failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="notebooks (default: 500)")
    parser.add_argument("--jobs", type=int, default=None, help="nb2prod report --jobs")
    parser.add_argument("--runs", type=int, default=3, help="report runs, best kept")
    parser.add_argument(
        "--nbconvert-count",
        type=int,
        default=None,
        help="time nbconvert on only this many of the notebooks, scaled up (default: all)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as temp:
        root = Path(temp)
        paths = build_class(root / "class", args.count)
        report = [*command("nb2prod", "nb2prod"), "report", "class", "-o", "report.html"]
        report += ["--force"] + (["--jobs", str(args.jobs)] if args.jobs else [])
        best = min(timed(report, root) for _ in range(args.runs))
        size = (root / "report.html").stat().st_size
        print(f"nb2prod report: {args.count} notebooks in {best:.2f} s (best of {args.runs}), ")
        print(f"  {args.count / best:.1f} notebooks/s, one page of {size / 1e6:.1f} MB")
        sample = paths[: args.nbconvert_count] if args.nbconvert_count else paths
        nbconvert = [*command("jupyter-nbconvert", "nbconvert"), "--to", "html"]
        nbconvert += ["--output-dir", str(root / "nbconvert"), *map(str, sample)]
        spent = timed(nbconvert, root) * len(paths) / len(sample)
        scaled = f" (scaled from {len(sample)})" if len(sample) < len(paths) else ""
        print(f"jupyter nbconvert --to html: {args.count} notebooks in {spent:.2f} s{scaled}, ")
        print(f"  {args.count / spent:.1f} notebooks/s, {len(paths)} separate pages")
        print(f"ratio: nb2prod report takes {best / spent:.2f} of nbconvert's time")


if __name__ == "__main__":
    main()
