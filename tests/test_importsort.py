"""Generated import blocks in isort's layout (what ruff's I001 checks), proven against ruff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nb2prod.convert.importsort import sort_imports

BLOCK = [
    "from pkg._support import show_result",
    "import pandas as pd",
    "from collections import defaultdict",
    "from __future__ import annotations",
    "import os",
    "from sklearn.model_selection import train_test_split, StratifiedKFold",
    "from pkg.load import load",
    "from pkg.load import SEED",
    "import numpy as np",
]


def test_sorted_as_isort_sorts(tmp_path: Path) -> None:
    ordered = sort_imports(BLOCK, "pkg")
    assert ordered[0] == "from __future__ import annotations"
    assert "from pkg.load import SEED, load" in ordered
    module = tmp_path / "pkg" / "mod.py"
    module.parent.mkdir()
    (module.parent / "__init__.py").write_text("", encoding="utf-8")
    module.write_text("\n".join(ordered) + "\n", encoding="utf-8")
    checked = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "I", str(module)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout


def test_a_block_it_cannot_read_keeps_its_order() -> None:
    block = ["import b  # first", "import a"]
    assert sort_imports(block, "pkg") == block
