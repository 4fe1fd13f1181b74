"""nb2prod's static ``reproducible`` verdict agrees with a real fresh top-to-bottom run.

For each crafted notebook, a real ``python3`` kernel runs it from the top (tests/reproduce.py) and
that ground truth is compared with (1) the expectation declared in expectations.json, so the test
data stay true to reality, and (2) what ``nb2prod check --json`` says.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from reproduce import reproduces

ROOT = Path(__file__).resolve().parent.parent
CRAFTED = ROOT / "tests" / "data" / "crafted"
EXPECTATIONS = json.loads((CRAFTED / "expectations.json").read_text(encoding="utf-8"))
NOTEBOOKS = sorted(CRAFTED.glob("*.ipynb"))

pytestmark = pytest.mark.kernel


@cache
def fresh_verdict(path: Path) -> bool:
    return reproduces(path)


def cli_verdict(path: Path) -> bool:
    result = subprocess.run(
        [sys.executable, "-m", "nb2prod", "check", "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1), f"exit {result.returncode}: {result.stderr}"
    (entry,) = json.loads(result.stdout)["notebooks"]
    verdict = entry["reproducible"]
    assert isinstance(verdict, bool), entry
    return verdict


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_expectation_is_true_to_reality(path: Path) -> None:
    assert fresh_verdict(path) is EXPECTATIONS[path.name]["reproducible"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cli_verdict_matches_fresh_run(path: Path) -> None:
    assert cli_verdict(path) is fresh_verdict(path)
