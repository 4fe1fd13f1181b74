"""Finding notebooks and checking many of them at once, on all cores."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nb2prod.errors import NotebookError
from nb2prod.findings import Report

if TYPE_CHECKING:
    from nb2prod.config import Config
    from nb2prod.notebook import Notebook

_SKIP_DIRS = frozenset({".ipynb_checkpoints", ".git", "node_modules", "__pycache__", ".venv"})
#: Below this many notebooks, starting worker processes costs more than it saves.
_PARALLEL_FROM = 6


@dataclass(frozen=True)
class Outcome:
    """The result of checking one path: a report, or the reason it could not be used."""

    path: str
    report: Report | None = None
    error: str | None = None


def notebook_paths(paths: list[str]) -> Iterator[str]:
    """Files as given; folders walked (sorted) for ``*.ipynb``, skipping checkpoints."""
    for path in paths:
        if not os.path.isdir(path):
            yield path
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
            for name in sorted(files):
                if name.endswith(".ipynb"):
                    yield os.path.join(root, name)


def check_path(path: str, config: Config | None = None, cache: bool = True) -> Outcome:
    """Load and check one notebook, as ``config`` says (see ``configured``); never raises.
    ``cache``: keep the cells' analyses on disk between runs (see ``analysis.cellcache``)."""
    from nb2prod.notebook import load

    try:
        notebook = load(path)
        report = _check(notebook, cache)
        if config is not None:
            from nb2prod.configured import configured

            report = configured(report, notebook, config)
        return Outcome(path, report=report)
    except NotebookError as exc:
        return Outcome(path, error=str(exc))
    except RecursionError:
        return Outcome(path, error=f"{path}: notebook structure nested too deeply to check")
    except Exception as exc:  # one broken notebook must not hide the others' results
        return Outcome(path, error=f"{path}: internal error ({type(exc).__name__}: {exc})")


def _check(notebook: Notebook, cache: bool) -> Report:
    from nb2prod.analysis import check_notebook

    if not cache:
        return check_notebook(notebook)
    from nb2prod.analysis import cellcache

    kept = cellcache.restore(notebook)
    report = check_notebook(notebook)
    if kept is not None:
        cellcache.store(notebook, kept)
    return report


def check_paths(
    paths: list[str],
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    config: Config | None = None,
    cache: bool = True,
) -> list[Outcome]:
    """Check notebooks, in parallel when there are enough; results keep the input order."""
    workers = jobs or os.cpu_count() or 1
    total = len(paths)
    outcomes: list[Outcome] = []
    if workers < 2 or total < _PARALLEL_FROM:
        for path in paths:
            outcomes.append(check_path(path, config, cache))
            if progress:
                progress(len(outcomes), total)
        return outcomes
    from concurrent.futures import ProcessPoolExecutor  # only now: it imports multiprocessing

    with ProcessPoolExecutor(max_workers=min(workers, total)) as pool:
        chunks = max(1, total // (workers * 4))
        every = [config] * total, [cache] * total
        for outcome in pool.map(check_path, paths, *every, chunksize=chunks):
            outcomes.append(outcome)
            if progress:
                progress(len(outcomes), total)
    return outcomes
