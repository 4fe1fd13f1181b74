"""Each notebook of a class read, checked and rendered, in worker processes.

A notebook is read only when it is a regular file whose real path lies inside the class folder
(:func:`nb2prod.notebook.read_text_inside`: no link out, no FIFO); it is checked with nb2prod's
one analysis (:func:`nb2prod.analysis.check_notebook`), under the course's configuration as
``check`` applies it (ignored kinds, cells and paths). A notebook that cannot be used is a
result with its one-line reason, never an exception.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from nb2prod.classreport.layout import Submission
from nb2prod.classreport.model import NotebookResult
from nb2prod.classreport.render import Rendered
from nb2prod.config import Config
from nb2prod.errors import NotebookError

#: Below this many notebooks, starting worker processes costs more than it saves.
PARALLEL_FROM = 6

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Task:
    """One notebook to examine: ``folder`` is the class folder, ``anchor`` the id of the
    notebook's section in the page, ``render`` whether to render it (HTML) or only check it."""

    folder: str
    submission: Submission
    anchor: str
    render: bool
    config: Config | None = None


@dataclass(frozen=True)
class Examined:
    result: NotebookResult
    rendered: Rendered | None = None


def examine(task: Task) -> Examined:
    """Read, check and (when asked) render one notebook; never raises."""
    from nb2prod.analysis import check_notebook
    from nb2prod.classreport.render import render_notebook
    from nb2prod.notebook import loads

    submission = task.submission
    try:
        text = _read(task.folder, submission.relative)
        notebook = loads(text, submission.relative)
        report = check_notebook(notebook)
        if task.config is not None:
            from nb2prod.configured import configured

            where = os.path.join(task.folder, submission.relative)
            report = configured(report, notebook, task.config, where)
    except NotebookError as error:
        return Examined(NotebookResult(submission, error=error.reason))
    except RecursionError:
        return Examined(NotebookResult(submission, error="nested too deeply to check"))
    except Exception as error:  # one broken notebook must not hide the others' results
        reason = f"internal error ({type(error).__name__}: {error})"
        return Examined(NotebookResult(submission, error=reason))
    rendered = render_notebook(text, report, task.anchor) if task.render else None
    return Examined(NotebookResult(submission, report=report), rendered)


def _read(folder: str, relative: str) -> str:
    from nb2prod.notebook import read_text_inside
    from nb2prod.safefiles import inside

    try:
        inside(folder, relative)
    except NotebookError:
        raise NotebookError(relative, "leads outside the class folder, so it is not read") from None
    return read_text_inside(folder, relative)


def examine_all(
    tasks: Sequence[Task], jobs: int | None = None, progress: Progress | None = None
) -> list[Examined]:
    """:func:`examine` over ``tasks``, in ``jobs`` worker processes (default: one per CPU) when
    there are enough; results keep the order of ``tasks``."""
    workers = jobs or os.cpu_count() or 1
    total = len(tasks)
    done: list[Examined] = []
    if workers < 2 or total < PARALLEL_FROM:
        for task in tasks:
            done.append(examine(task))
            if progress:
                progress(len(done), total)
        return done
    if any(task.render for task in tasks):
        _warm()  # made once here, inherited by the workers where they are forked
    chunk = max(1, total // (workers * 4))
    with ProcessPoolExecutor(max_workers=min(workers, total)) as pool:
        for examined in pool.map(examine, tasks, chunksize=chunk):
            done.append(examined)
            if progress:
                progress(len(done), total)
    return done


def _warm() -> None:
    from nb2prod.analysis import check_notebook  # noqa: F401
    from nb2prod.classreport.render import clean, exporter, highlight

    exporter()
    highlight("")
    clean("")
