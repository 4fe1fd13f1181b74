"""The fidelity harness: do lifted packages of real notebooks pass their own tests?

For each notebook of a folder or a sample file (``kind|path`` lines, paths under ROOT):

1. run it top to bottom in a fresh kernel, in a copy of its folder (``nb2prod run``), cached
   under OUT/runs by notebook path and content (``--rerun`` runs again);
2. lift the run (``nb2prod convert ran.ipynb -o pkg --force``, locked) in a fresh copy of the
   run's folder under OUT/work, and prove the package (``nb2prod verify pkg``);
3. score ``nb2prod check``'s error-level cell claims on the original notebook against the fresh
   run: a claim is confirmed when the cell's shown text differs from the stored one, or the run
   failed at or before it; and count the cells whose text differed that no claim named.

Prints one line per notebook, the pass rate (verified / ran to completion), the failures by cause
with their first error line, and the scores; ``--json`` writes it all.

    python3 scripts/corpus.py extract corpus
    python3 benchmarks/fidelity.py corpus --sample benchmarks/fidelity_sample.txt --out /tmp/fid

``--run-only`` does the run stage alone (to fill the cache ahead of measurements);
``--check-only`` scores check on the (cached) runs without converting; ``--jobs N``
measures N notebooks at once; ``--match TEXT`` keeps the notebooks whose path holds TEXT.
benchmarks/fidelity_sample.py says how the sample was chosen; the earlier 30-notebook sample,
scripts/fidelity_sample.txt, works the same way.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fidelity_measure import measure
from fidelity_report import render_line, render_report, render_runs, summary
from fidelity_runs import Notebook
from fidelity_sample import folder_notebooks, read_sample

ROOT = Path(__file__).resolve().parent.parent


def measured_tree() -> str:
    """The commit measured, and whether src/ had changes not committed."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    head = git("rev-parse", "--short=10", "HEAD") or "unknown"
    dirty = [line for line in git("status", "--porcelain", "--", "src").splitlines() if line]
    return f"{head} + {len(dirty)} uncommitted file(s) in src/" if dirty else head


def notebooks_of(args: argparse.Namespace) -> list[Notebook]:
    chosen = read_sample(args.sample, args.root) if args.sample else folder_notebooks(args.root)
    return [nb for nb in chosen if args.match in nb.rel]


def measure_all(args: argparse.Namespace, notebooks: list[Notebook]) -> list[dict[str, Any]]:
    """Each notebook measured, ``--jobs`` at once; a line printed as each one finishes."""
    lock = threading.Lock()
    width = len(str(len(notebooks)))

    def one(index: int, notebook: Notebook) -> dict[str, Any]:
        record = measure(
            args.nb2prod, args.out, notebook, args.rerun, args.run_only, args.tree, args.check_only
        )
        record["index"] = index
        with lock:
            print(render_line(record, width), flush=True)
        return record

    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        futures = [pool.submit(one, i, nb) for i, nb in enumerate(notebooks, 1)]
        return [future.result() for future in futures]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    top.add_argument("root", type=Path, help="a folder of notebooks (the corpus for a sample)")
    top.add_argument("--sample", type=Path, help="a file of `kind|path under ROOT` lines")
    top.add_argument("--out", type=Path, default=Path("/tmp/fidelity"), help="cache and work")
    top.add_argument("--jobs", type=int, default=1, help="notebooks measured at once")
    top.add_argument("--rerun", action="store_true", help="run notebooks again, cached or not")
    top.add_argument("--run-only", action="store_true", help="only the (cached) run stage")
    top.add_argument(
        "--check-only", action="store_true", help="the (cached) runs and check's scores alone"
    )
    top.add_argument("--json", type=Path, help="write the summary and every record here")
    top.add_argument("--match", default="", help="only notebooks whose path contains this")
    top.add_argument("--nb2prod", default="nb2prod", help="shell command that runs nb2prod")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.root, args.out = args.root.resolve(), args.out.resolve()
    args.nb2prod = shlex.split(args.nb2prod)
    if not args.root.is_dir() or (args.sample and not args.sample.is_file()):
        print(f"{args.sample or args.root}: no such sample file or folder", file=sys.stderr)
        return 2
    notebooks = notebooks_of(args)
    tree = args.tree = measured_tree()
    print(f"nb2prod at {tree}; {len(notebooks)} notebook(s); cache and work under {args.out}")
    records = measure_all(args, notebooks)
    print((render_runs if args.run_only else render_report)(records, tree))
    if args.json:
        doc = {"tree": tree, "summary": summary(records), "records": records}
        args.json.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
