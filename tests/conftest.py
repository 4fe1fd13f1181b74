"""Tests use this checkout's nb2prod, also in the subprocesses they start, and a cache of cell
analyses of their own (never the user's ~/.cache/nb2prod)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

SRC = str(Path(__file__).resolve().parent.parent / "src")
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, os.environ.get("PYTHONPATH", "")) if p)
os.environ["NB2PROD_CACHE_DIR"] = tempfile.mkdtemp(prefix="nb2prod-test-cache-")
