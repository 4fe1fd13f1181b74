"""End to end: ``nb2prod convert`` each example, then ``nb2prod verify`` the package it wrote.

Real installs into fresh venvs (pandas, scikit-learn, matplotlib from PyPI, or pip's cache): about
3 minutes in all with a warm cache on 2 cores. Run alone with
``python3 -m pytest -m slow tests/test_convert_e2e.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONVERTED = [
    p.stem for p in sorted((ROOT / "examples").glob("*.ipynb")) if p.stem != "hidden_state"
]


def nb2prod(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI, from this checkout (tests/conftest.py puts src/ on PYTHONPATH)."""
    command = [sys.executable, "-m", "nb2prod", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=420, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize("stem", CONVERTED)
def test_converted_example_passes_its_own_tests(stem: str, tmp_path: Path) -> None:
    out = tmp_path / stem
    converted = nb2prod("convert", f"examples/{stem}.ipynb", "-o", str(out))
    assert converted.returncode == 0, converted.stderr
    name = re.search(r"package `(\w+)` written", converted.stdout)
    assert name, converted.stdout

    # A package of that name on PYTHONPATH would shadow the installed one, were the caller's
    # PYTHONPATH to leak into the venv: verify must drop it (src/ stays first for nb2prod itself).
    shadow = tmp_path / "shadow" / name[1]
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("PYTHONPATH leaked into the venv")\n')
    path = os.pathsep.join([os.environ["PYTHONPATH"], str(shadow.parent)])
    verified = nb2prod("verify", str(out), env={**os.environ, "PYTHONPATH": path})

    report = f"{verified.stdout}\n{verified.stderr}"
    assert verified.returncode == 0, report
    summary = re.search(r"^(\d+) passed, 0 failed$", verified.stdout, re.MULTILINE)
    assert summary, report
    assert int(summary[1]) >= 2, report
