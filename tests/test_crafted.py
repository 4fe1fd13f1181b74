"""nb2prod's findings on notebooks made by real kernel executions (tests/data/crafted/).

Each ``<rule>__flag.ipynb`` must get a finding of its kind at or above ``severity_at_least``; each
``<rule>__clean.ipynb`` twin must get none. The notebooks and expectations.json are built by
tests/data/build_crafted.py from tests/data/scenarios.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CRAFTED = ROOT / "tests" / "data" / "crafted"
EXPECTATIONS: dict[str, dict[str, Any]] = json.loads(
    (CRAFTED / "expectations.json").read_text(encoding="utf-8")
)
EXAMPLES = sorted((ROOT / "examples").glob("*.ipynb"))
RANK = {"info": 0, "warning": 1, "error": 2}


@cache
def check_json(path: Path) -> tuple[int, dict[str, Any]]:
    """Run the real CLI on one notebook; return its exit status and its notebook entry."""
    result = subprocess.run(
        [sys.executable, "-m", "nb2prod", "check", "--json", "--min-severity", "info", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1), f"exit {result.returncode}: {result.stderr}"
    notebooks = json.loads(result.stdout)["notebooks"]
    assert len(notebooks) == 1, notebooks
    return result.returncode, notebooks[0]


def test_expectations_cover_every_crafted_notebook() -> None:
    on_disk = {p.name for p in CRAFTED.glob("*.ipynb")}
    assert on_disk == set(EXPECTATIONS)


def test_every_flag_has_a_clean_twin() -> None:
    for name, exp in EXPECTATIONS.items():
        rule, _, side = name.removesuffix(".ipynb").rpartition("__")
        assert side in {"flag", "clean"}, name
        assert exp["flag"] is (side == "flag"), name
        twin = f"{rule}__{'clean' if side == 'flag' else 'flag'}.ipynb"
        assert twin in EXPECTATIONS, f"{name} has no twin {twin}"
        assert EXPECTATIONS[twin]["kind"] == exp["kind"], name


@pytest.mark.parametrize(
    "path",
    [CRAFTED / name for name in sorted(EXPECTATIONS)] + EXAMPLES,
    ids=lambda p: p.name,
)
def test_valid_nbformat(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    ids = [cell.id for cell in nb.cells]
    assert len(ids) == len(set(ids)), "cell ids must be unique"
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.language_info.name == "python"


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_crafted_findings(name: str) -> None:
    exp = EXPECTATIONS[name]
    status, entry = check_json(CRAFTED / name)
    assert "error" not in entry, entry
    findings = entry["findings"]
    assert status == (1 if any(f["severity"] == "error" for f in findings) else 0)
    floor = RANK[exp.get("severity_at_least", "info")]
    hits = [f for f in findings if f["kind"] == exp["kind"] and RANK[f["severity"]] >= floor]
    if exp["flag"]:
        assert hits, f"expected a {exp['kind']} finding (>= {floor}), got {findings}"
    else:
        assert not hits, f"expected no {exp['kind']} finding, got {hits}"


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_finding_cells_match_cell_ids(name: str) -> None:
    """``cell`` counts from 1 over all cells (README); it must name the cell ``cell_id`` names."""
    cells = nbformat.read(str(CRAFTED / name), as_version=4).cells
    _, entry = check_json(CRAFTED / name)
    for f in entry["findings"]:
        if f["cell"] is None:
            continue
        assert 1 <= f["cell"] <= len(cells), f
        assert cells[f["cell"] - 1].id == f["cell_id"], f
        source_lines = cells[f["cell"] - 1].source.count("\n") + 1
        assert 0 <= f["line"] <= source_lines, f
