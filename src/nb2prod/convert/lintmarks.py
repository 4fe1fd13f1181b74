"""Marking the notebook's own code where ruff's rules flag it, when ruff is installed.

The package's code passes the rules its ``pyproject.toml`` selects; what nb2prod writes is made
so, and :mod:`nb2prod.convert.hygiene` mends what changes no behaviour. What is left are
judgements on the author's code (``zip()`` without ``strict=``, a loop variable never used, a
``typing.List``): convert keeps the code as written and adds a ``# noqa`` naming each rule, as
``ruff check --add-noqa`` does when a project adopts rules on existing code. A reviewer reads
them as the list of what to modernize. Without ruff the code is written unmarked; the version
that marked it is kept in ``nb2prod.json``, so two conversions can be compared.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from nb2prod.convert.hygiene import lint_clean

#: Seconds ruff may take over one package (it takes well under one).
_LIMIT = 60


def ruff_binary() -> str | None:
    """The ruff executable of this environment, or None."""
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]
    except ImportError:
        return None
    try:
        return str(find_ruff_bin())
    except FileNotFoundError:
        return None


def mark_for_ruff(files: Mapping[str, str | bytes], data: str) -> tuple[dict[str, str], str]:
    """The generated modules (outside ``data``) with a ``# noqa`` where ruff flags a line, and
    the ruff version that marked them; ``({}, "")`` when ruff is missing or fails."""
    binary = ruff_binary()
    modules = {
        path: text
        for path, text in files.items()
        if path.endswith(".py") and isinstance(text, str) and not path.startswith(data)
    }
    config = files.get("pyproject.toml")
    if binary is None or not modules or not isinstance(config, str):
        return {}, ""
    with tempfile.TemporaryDirectory(prefix="nb2prod-lint-") as folder:
        root = Path(folder)
        for path, text in {**modules, "pyproject.toml": config}.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        try:
            version = _run([binary, "--version"], root).split()[-1]
            _run([binary, "check", "--quiet", "--no-cache", "--add-noqa", "."], root)
        except (OSError, subprocess.SubprocessError, IndexError):
            return {}, ""
        marked = {path: (root / path).read_text(encoding="utf-8") for path in modules}
    return {p: t for p, t in marked.items() if t != modules[p]}, version


def _run(argv: list[str], cwd: Path) -> str:
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=_LIMIT, check=False, env=env
    )
    if done.returncode not in (0, 1):  # 1: diagnostics left (ones no noqa can take)
        raise subprocess.SubprocessError(done.stderr.strip()[:200])
    return done.stdout


def with_marker(provenance: str, version: str, marked: list[str]) -> str:
    """``nb2prod.json`` naming the ruff that marked the code, and the files it marked."""
    data = json.loads(provenance)
    data["lint_marks"] = {"tool": "ruff", "version": version, "files": sorted(marked)}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def lint_package(files: dict[str, str | bytes], name: str) -> dict[str, str | bytes]:
    """The generated modules as ruff's rules want them: mended where that keeps their meaning,
    the notebook's own lines marked where it would not (when ruff is installed)."""
    data = f"src/{name}/data/"
    cleaned = {
        path: lint_clean(content)
        if path.endswith(".py") and isinstance(content, str) and not path.startswith(data)
        else content
        for path, content in files.items()
    }
    marked, version = mark_for_ruff(cleaned, data)
    if marked:
        cleaned.update(marked)
        provenance = cleaned["nb2prod.json"]
        assert isinstance(provenance, str)
        cleaned["nb2prod.json"] = with_marker(provenance, version, list(marked))
    return cleaned
