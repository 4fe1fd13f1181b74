"""The class report: every notebook of a class folder checked at once, for an instructor.

:func:`build_report` finds the notebooks (:mod:`.layout`), examines them in worker processes
(:mod:`.examine`: read safely, checked, rendered by nbconvert with the findings beside the cells,
:mod:`.render`) and returns the report as values (:mod:`.model`); :mod:`.page` writes the one
offline HTML page, with its chart (:mod:`.chart`) and teaching text (:mod:`.teaching`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from nb2prod.classreport.examine import Progress, Task, examine_all
from nb2prod.classreport.layout import Layout
from nb2prod.classreport.model import ClassReport
from nb2prod.classreport.render import Rendered
from nb2prod.config import Config


@dataclass(frozen=True)
class Built:
    """The report, and each notebook's rendering (None where none was asked), in its order."""

    report: ClassReport
    rendered: tuple[Rendered | None, ...]

    def problems(self, folder: str) -> list[str]:
        """One line for each notebook that could not be used: ``FOLDER/PATH: reason``."""
        return [
            f"{os.path.join(folder, n.submission.relative)}: {n.error}"
            for n in self.report.notebooks
            if n.error is not None
        ]


def anchor(index: int) -> str:
    """The id of the page's section about the notebook at ``index`` (from 0)."""
    return f"nb-{index + 1}"


def build_report(
    folder: str,
    layout: Layout,
    jobs: int | None = None,
    progress: Progress | None = None,
    *,
    render: bool = True,
    config: Config | None = None,
) -> Built:
    """Examine every notebook ``layout`` found in ``folder``, under ``config`` when given."""
    tasks = [Task(folder, s, anchor(i), render, config) for i, s in enumerate(layout.submissions)]
    examined = examine_all(tasks, jobs, progress)
    report = ClassReport(folder, layout.kind, tuple(e.result for e in examined), layout.notes)
    return Built(report, tuple(e.rendered for e in examined))
