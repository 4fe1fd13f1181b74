"""How fast is ``nb2prod convert``? Whole-process timings beside nbconvert and jupytext.

Run: ``python3 benchmarks/bench_convert.py`` (after ``pip install -e '.[test]'`` and
``pip install jupytext``). Times ``nb2prod convert X -o OUT --force`` (best of 5) on every example
notebook and on a generated 1,000-cell notebook, beside ``jupyter nbconvert --to script --stdout``
and ``jupytext --to py --output -`` on the same files in the same run. Prints a table; makes no
assertions. Target: convert no slower than nbconvert's plain export.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from bench_check import RUNS, best_of, command, realistic_notebook

ROOT = Path(__file__).resolve().parent.parent


def convert_argv(nb2prod: list[str], path: Path, out: Path) -> list[str]:
    """The convert command for ``path``; with ``--allow-hidden-state`` when it is refused."""
    argv = [*nb2prod, "convert", str(path), "-o", str(out), "--force"]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode == 1:
        argv.append("--allow-hidden-state")
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{path.name}: nb2prod convert failed:\n{done.stderr}")
    return argv


def main() -> int:
    nb2prod = command("nb2prod", "nb2prod")
    nbconvert = [*command("jupyter", "jupyter"), "nbconvert", "--to", "script", "--stdout"]
    jupytext = [*command("jupytext", "jupytext"), "--to", "py", "--output", "-"]
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder, "bench-1000-cells.ipynb")
        nbformat.write(realistic_notebook(), big)
        notebooks = [big, *sorted(ROOT.glob("examples/*.ipynb"))]
        print(
            f"whole process, best of {RUNS}; nb2prod: {' '.join(nb2prod)} convert X -o OUT --force"
        )
        header = f"{'notebook':<32} {'cells':>6} {'nb2prod s':>10} {'nbconvert s':>12}"
        print(f"{header} {'jupytext s':>11} {'/nbconvert':>11} {'/jupytext':>10}")
        for path in notebooks:
            argv = convert_argv(nb2prod, path, Path(folder, "out"))
            ours = best_of(argv)
            theirs = best_of([*nbconvert, str(path)])
            text = best_of([*jupytext, str(path)])
            cells = len(nbformat.read(path, as_version=4).cells)
            name = path.name + (" *" if "--allow-hidden-state" in argv else "")
            name = name if len(name) <= 32 else name[:29] + "..."
            row = f"{name:<32} {cells:>6} {ours:>10.3f} {theirs:>12.3f} {text:>11.3f}"
            print(f"{row} {ours / theirs:>11.2f} {ours / text:>10.2f}")
    print()
    print("* refused as it is: converted with --allow-hidden-state")
    print("target: no slower than nbconvert (ratio nb2prod / nbconvert <= 1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
