"""Load and check every notebook this machine has, plus notebooks made from real Python modules.

Nothing but :class:`NotebookError` may escape ``check_notebook(load(path))``.

Wheels rarely ship notebooks, so besides every ``*.ipynb`` under site-packages and
``sys.prefix/share/jupyter``, the corpus holds notebooks built from real Python modules of the
standard library and the installed packages (the code real notebooks are made of: imports,
decorators, classes, async code, comprehensions, annotations, odd but valid syntax), split into
cells at top-level statements, with markdown between them and execution counts in order.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
import sysconfig
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from nb2prod.analysis import check_notebook
from nb2prod.errors import NotebookError
from nb2prod.findings import Severity
from nb2prod.notebook import load

MAX_FOUND = 400
MAX_MADE = 250
MAX_MODULE_BYTES = 40_000
MIN_CORPUS = 20
TIME_LIMIT_S = 60.0


def sample(paths: list[Path], limit: int) -> list[Path]:
    """A deterministic sample: the same files on every run, spread over every package."""
    ranked = sorted(paths, key=lambda p: hashlib.sha256(str(p).encode()).hexdigest())
    return sorted(ranked[:limit])


def search_roots() -> list[Path]:
    roots = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    roots.add(os.path.join(sys.prefix, "share", "jupyter"))
    return [Path(root) for root in sorted(roots) if os.path.isdir(root)]


def found_notebooks() -> list[Path]:
    paths: list[Path] = []
    for root in search_roots():
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != ".ipynb_checkpoints"]
            paths.extend(Path(folder, name) for name in files if name.endswith(".ipynb"))
    return sample(paths, MAX_FOUND)


def module_sources() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    roots = [stdlib, *search_roots()]
    paths: list[Path] = []
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in ("site-packages", "__pycache__")]
            for name in files:
                path = Path(folder, name)
                if name.endswith(".py") and 200 < path.stat().st_size <= MAX_MODULE_BYTES:
                    paths.append(path)
    return sample(paths, MAX_MADE * 3)


def cells_of(source: str) -> Iterator[str]:
    """Top-level statements grouped a few at a time, each group keeping its own lines."""
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    group: list[str] = []
    start = 0
    for number, node in enumerate(tree.body):
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        end = node.end_lineno or node.lineno
        group.append("".join(lines[max(first - 1, start) : end]))
        start = end
        if number % 3 == 2:
            yield "".join(group).strip("\n")
            group = []
    if group:
        yield "".join(group).strip("\n")


def notebook_from_module(path: Path) -> str | None:
    try:
        source = path.read_text(encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            chunks = list(cells_of(source))
    except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if len(chunks) < 2:
        return None
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python", "version": sys.version.split()[0]}
    for count, chunk in enumerate(chunks, start=1):
        if count % 4 == 1:
            nb.cells.append(nbformat.v4.new_markdown_cell(f"## Part {count} of `{path.name}`"))
        outputs = []
        if count % 5 == 0:
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=f"{count}\n"))
        nb.cells.append(nbformat.v4.new_code_cell(chunk, execution_count=count, outputs=outputs))
    return nbformat.writes(nb)


def made_notebooks(folder: Path) -> list[Path]:
    made: list[Path] = []
    for number, module in enumerate(module_sources()):
        text = notebook_from_module(module)
        if text is None:
            continue
        target = folder / f"{number:04d}-{module.stem}.ipynb"
        target.write_text(text, encoding="utf-8")
        made.append(target)
        if len(made) >= MAX_MADE:
            break
    return made


@pytest.mark.slow
def test_every_notebook_loads_and_checks_or_says_why(tmp_path: Path) -> None:
    found = found_notebooks()
    made = made_notebooks(tmp_path)
    corpus = found + made
    assert len(corpus) >= MIN_CORPUS, (
        f"only {len(found)} notebooks found under {[str(r) for r in search_roots()]} and "
        f"{len(made)} made from modules: the corpus is too small for this test to mean anything"
    )

    started = time.perf_counter()
    refused: dict[str, str] = {}
    crashed: dict[str, str] = {}
    findings = 0
    for path in corpus:
        try:
            report = check_notebook(load(path))
        except NotebookError as error:
            refused[str(path)] = str(error)
            continue
        except Exception as error:  # the point of the test: report every crash, not the first
            crashed[str(path)] = f"{type(error).__name__}: {error}"
            continue
        json.dumps(report.to_dict())
        for finding in report.findings:
            assert isinstance(finding.severity, Severity)
            assert finding.line >= 0
        findings += len(report.findings)
    elapsed = time.perf_counter() - started

    summary = (
        f"{len(found)} found, {len(made)} made, {len(refused)} refused with NotebookError, "
        f"{len(crashed)} crashed, {findings} findings, {elapsed:.1f} s"
    )
    print(summary)
    assert not crashed, summary + "\n" + "\n".join(f"{p}: {e}" for p, e in sorted(crashed.items()))
    wrongly_refused = {str(p): refused[str(p)] for p in made if str(p) in refused}
    assert not wrongly_refused, f"notebooks made from valid Python were refused: {wrongly_refused}"
    assert elapsed < TIME_LIMIT_S, summary
