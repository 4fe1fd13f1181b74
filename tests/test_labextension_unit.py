"""The sidebar's TypeScript unit tests (jest: findings grouping, the analysis payload, the
records merge on the fixture the Python side reads too), run as part of the suite. Like the UI
tests they fail, never skip, when Node or the project's node_modules are missing."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_sidebar_unit_tests_pass() -> None:
    done = subprocess.run(
        ["npx", "--no-install", "jest", "--ci", "--colors=false"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    counts = re.search(r"Tests:\s+(\d+) passed, (\d+) total", report)
    assert counts is not None, report
    assert int(counts[1]) == int(counts[2]) >= 9
