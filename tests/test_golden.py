"""Golden files: the full ``check`` report of every crafted and example notebook is checked in.

A change in what nb2prod finds shows up as a diff of tests/data/golden/ in review. To accept a
change on purpose, regenerate with
``NB2PROD_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py`` and read the diff first.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from nb2prod.analysis import check_notebook
from nb2prod.notebook import load

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden"
NOTEBOOKS = sorted((ROOT / "tests" / "data" / "crafted").glob("*.ipynb")) + sorted(
    (ROOT / "examples").glob("*.ipynb")
)


def rendered(path: Path) -> str:
    relative = path.relative_to(ROOT).as_posix()
    notebook = dataclasses.replace(load(path), path=relative)
    report = check_notebook(notebook).to_dict()
    return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def test_there_are_golden_notebooks() -> None:
    assert len(NOTEBOOKS) >= 40


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_report_matches_golden_file(path: Path) -> None:
    golden = GOLDEN / f"{path.parent.name}__{path.stem}.json"
    actual = rendered(path)
    if os.environ.get("NB2PROD_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: regenerate with NB2PROD_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8")
