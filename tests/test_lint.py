"""The code stays clean: ruff on everything, mypy (strict, set in pyproject) on the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_ruff_check() -> None:
    result = run("ruff", "check", "src", "tests", "benchmarks")
    assert result.returncode == 0, f"ruff check failed:\n{result.stdout}\n{result.stderr}"


@pytest.mark.slow
def test_mypy_strict() -> None:
    result = run("mypy")
    assert result.returncode == 0, f"mypy failed:\n{result.stdout}\n{result.stderr}"


@pytest.mark.parametrize(
    "package", sorted(p.name for p in (ROOT / "tests/data/packages").iterdir() if p.is_dir())
)
def test_generated_packages_are_ruff_clean(package: str) -> None:
    """Each golden package, under the rules its own pyproject selects (E, F, W, I, B, UP)."""
    folder = ROOT / "tests" / "data" / "packages" / package
    assert 'select = ["E", "F", "W", "I", "B", "UP"]' in (folder / "pyproject.toml").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout
