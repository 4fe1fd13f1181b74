"""For the generated tests: the pipeline, run once, and how shown text compares."""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest

from iris_model.pipeline import run

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?")
_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?")
_NUMBER = re.compile(r"-?\d+\.?\d*(?:[eE][-+]?\d+)?|\b(?:True|False)\b")


def normalize(text: str) -> str:
    """Text as compared: no memory addresses, timestamps or float noise, spaces collapsed."""
    text = _ADDRESS.sub("0x?", text)
    text = _TIME.sub("<time>", text)
    text = _FLOAT.sub(lambda m: f"{float(m.group()):.6g}", text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _notebook_display_options() -> None:
    """Tables print as they did in the notebook, whatever terminal runs the tests."""
    try:
        import pandas
    except ImportError:
        return
    pandas.set_option("display.width", 80)
    pandas.set_option("display.max_columns", 20)


def _shape(text: str) -> str:
    """Every number and truth value as ``#``, and no spaces (numbers of other widths pad
    differently)."""
    return "\n".join("".join(_NUMBER.sub("#", line).split()) for line in text.splitlines())


def shows(printed: str, expected: str, values: bool = True) -> None:
    """The pipeline printed ``expected`` (as the notebook showed it), give or take noise; with
    ``values`` false, every number counts as the same (the text's shape only). Else fails with
    the difference between what the notebook showed and the nearest printed text."""
    want, got = normalize(expected), normalize(printed)
    if not values:
        want, got = _shape(want), _shape(got)
    if want in got:
        return
    wanted = want.splitlines()
    lines = got.splitlines()
    first = difflib.get_close_matches(wanted[0], lines, n=1, cutoff=0.0) if wanted else []
    start = lines.index(first[0]) if first else 0
    near = lines[start : start + len(wanted)]
    diff = difflib.unified_diff(wanted, near, "notebook", "package", lineterm="", n=1)
    raise AssertionError("shown text differs:\n" + "\n".join(list(diff)[:40]))


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """What ``run()`` returns and prints, run in a scratch folder."""
    folder = tmp_path_factory.mktemp("run")
    os.environ.setdefault("MPLBACKEND", "Agg")
    _notebook_display_options()
    previous = Path.cwd()
    printed = io.StringIO()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(printed):
            results = run()
    finally:
        os.chdir(previous)
    return results, printed.getvalue()
