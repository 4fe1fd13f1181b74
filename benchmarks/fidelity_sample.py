"""The notebooks the fidelity harness measures: a sample file, a folder, or the rule that made
``benchmarks/fidelity_sample.txt`` out of the pinned corpus.

The rule, fixed before any result was looked at: from each repository of ``scripts/corpus.json``,
in the manifest's order, every notebook but each fourth (indexes 3, 7, 11... within its
repository are left out). ``python3 benchmarks/fidelity_sample.py > benchmarks/fidelity_sample.txt``
writes the sample again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fidelity_runs import Notebook

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "scripts" / "corpus.json"
#: Of each repository's pinned notebooks, those whose index is ``SKIP_EVERY - 1`` modulo this
#: number are left out of the sample.
SKIP_EVERY = 4


def sample_lines(manifest: Path = MANIFEST) -> list[str]:
    """``kind|owner__repo/path`` for every sampled notebook, in the manifest's order."""
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    lines = []
    for entry in doc["repos"]:
        folder = entry["repo"].replace("/", "__")
        for index, path in enumerate(entry["notebooks"]):
            if index % SKIP_EVERY != SKIP_EVERY - 1:
                lines.append(f"{entry['kind']}|{folder}/{path}")
    return lines


def read_sample(sample: Path, root: Path) -> list[Notebook]:
    """The notebooks a sample file lists (``kind|path under root``; blank and ``#`` lines
    skipped)."""
    notebooks = []
    for line in sample.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, rel = line.partition("|")
        if not rel:
            kind, rel = "-", kind
        notebooks.append(Notebook(kind.strip(), rel.strip(), root / rel.strip()))
    return notebooks


def folder_notebooks(folder: Path) -> list[Notebook]:
    """Every ``*.ipynb`` under ``folder`` (checkpoints and the harness's own files left out),
    its kind the name of its first folder below ``folder``."""
    notebooks = []
    for path in sorted(folder.rglob("*.ipynb")):
        rel = path.relative_to(folder).as_posix()
        if ".ipynb_checkpoints" in path.parts or path.name == "ran.ipynb":
            continue
        kind = rel.split("/", 1)[0] if "/" in rel else "-"
        notebooks.append(Notebook(kind, rel, path))
    return notebooks


if __name__ == "__main__":
    sys.stdout.write("".join(f"{line}\n" for line in sample_lines()))
