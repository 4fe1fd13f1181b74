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
    block = ["try:\n    import b\nexcept ImportError:\n    b = None", "import a"]
    assert sort_imports(block, "pkg") == block


def _ruff_isort_passes(tmp_path: Path, lines: list[str]) -> subprocess.CompletedProcess[str]:
    module = tmp_path / "pkg" / "other.py"
    module.parent.mkdir(exist_ok=True)
    (module.parent / "__init__.py").write_text("", encoding="utf-8")
    module.write_text("\n".join(lines) + "\n\nVALUE = 1\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "I",
         "--line-length", "100", str(module)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_notebook_import_blocks_come_out_as_ruff_wants(tmp_path: Path) -> None:
    """Blocks as real notebooks write them: comments above and after imports, several
    modules on one line, an aliased name among plain ones, a line too long."""
    block = [
        "from sympy import isprime # isprime(n) returns True if n is a prime",
        "import matplotlib.pyplot as plt",
        "# view the results as a pandas DataFrame\nimport pandas as pd",
        "import os, sys",
        "from operator import add, mul, truediv as div",
        "from pkg.long_module_name_for_a_step import first_function_name, second_function_name"
        ", third_function_name",
    ]
    ordered = sort_imports(block, "pkg")
    assert "import os" in ordered
    assert "import sys" in ordered
    assert "from operator import truediv as div" in ordered
    assert "from sympy import isprime  # isprime(n) returns True if n is a prime" in ordered
    assert ordered[ordered.index("import pandas as pd") - 1].startswith("# view the results")
    assert all(len(line) <= 100 for text in ordered for line in text.split("\n"))
    checked = _ruff_isort_passes(tmp_path, ordered)
    assert checked.returncode == 0, checked.stdout + "\n".join(ordered)
