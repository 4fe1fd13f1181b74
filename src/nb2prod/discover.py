"""Finding notebooks and checking many of them at once, on all cores."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nb2prod.errors import NotebookError
from nb2prod.findings import Report

if TYPE_CHECKING:
    from nb2prod.config import Config

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


def check_path(path: str, config: Config | None = None) -> Outcome:
    """Load and check one notebook, as ``config`` says (see ``configured``); never raises."""
    from nb2prod.analysis import check_notebook
    from nb2prod.notebook import load

    try:
        notebook = load(path)
        report = check_notebook(notebook)
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


def check_paths(
    paths: list[str],
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    config: Config | None = None,
) -> list[Outcome]:
    """Check notebooks, in parallel when there are enough; results keep the input order."""
    workers = jobs or os.cpu_count() or 1
    total = len(paths)
    outcomes: list[Outcome] = []
    if workers < 2 or total < _PARALLEL_FROM:
        for path in paths:
            outcomes.append(check_path(path, config))
            if progress:
                progress(len(outcomes), total)
        return outcomes
    with ProcessPoolExecutor(max_workers=min(workers, total)) as pool:
        chunks = max(1, total // (workers * 4))
        for outcome in pool.map(check_path, paths, [config] * total, chunksize=chunks):
            outcomes.append(outcome)
            if progress:
                progress(len(outcomes), total)
    return outcomes
