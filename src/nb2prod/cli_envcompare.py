"""``nb2prod env --compare NOTEBOOK``: the environment that made a notebook's outputs against this
Python's. Thin over :mod:`nb2prod.envcompare`; the live side is what ``nb2prod env`` records, with
the installed versions read through ``importlib.metadata``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nb2prod.envcompare import Comparison, Source
    from nb2prod.envrows import Row

EXIT_SAME, EXIT_DIFFERENT, EXIT_UNUSABLE = 0, 1, 2
#: The mark of a row that differs, in the table.
MARK = "*"


def run_compare(args: argparse.Namespace) -> int:
    from nb2prod.deps.mapping import is_local
    from nb2prod.envcompare import compare_notebook
    from nb2prod.errors import NotebookError
    from nb2prod.notebook import load

    path: str = args.compare
    try:
        notebook = load(path)
    except NotebookError as error:
        print(error, file=sys.stderr)
        return EXIT_UNUSABLE
    live, providers = live_environment()
    folder = notebook.directory
    comparison = compare_notebook(
        notebook, live, providers=providers, is_local=lambda module: is_local(module, folder)
    )
    for notice in comparison.notices:
        print(notice.line(path), file=sys.stderr)
    if args.json:
        print(json.dumps(comparison.to_dict(), indent=2, sort_keys=True))
    else:
        print(render_comparison(comparison))
    return EXIT_DIFFERENT if comparison.differs else EXIT_SAME


def live_environment() -> tuple[dict[str, Any], Mapping[str, tuple[str, ...]]]:
    """This Python's environment record, its packages as ``importlib.metadata`` reads them, and
    which distributions provide each importable module."""
    from nb2prod.deps.requirement import Environment
    from nb2prod.recorder.environment import snapshot

    record = snapshot()
    installed = Environment.current()
    record["packages"] = {name: version for name, (_, version) in installed.installed.items()}
    return record, installed.providers


def render_comparison(comparison: Comparison) -> str:
    """The verdict, the table (a mark on each difference), then the cells to mark."""
    lines = [comparison.verdict]
    if comparison.rows:
        lines += ["", *_table(comparison.rows)]
    if len(comparison.sources) > 1:
        lines.append("")
        lines += [_source(source) for source in comparison.sources]
    if comparison.marked:
        marked = _numbers(m.cell.number for m in comparison.marked)
        lines += ["", f"cells from another environment: {marked}"]
    if comparison.unrecorded and comparison.environment is not None:
        lines.append("cells with no record: " + _numbers(c.number for c in comparison.unrecorded))
    return "\n".join(lines)


def _source(source: Source) -> str:
    """``environment 9d2e4f6a8b0c1d3e, recorded 2026-11-22T10:15:02Z: cells 1, 2; 3 difference(s)``
    (a recorded environment that made outputs, when there are several)."""
    from nb2prod.envverdict import cells

    when = f", recorded {source.recorded}" if source.recorded else ""
    count = len(source.differences)
    return f"environment {source.environment}{when}: {cells(source)}; {count} difference(s)"


def _table(rows: Sequence[Row]) -> list[str]:
    header = ("", "recorded", "live")
    body = [(r.label, r.recorded_text, r.live_text) for r in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(2)]
    marks = [" "] + [MARK if r.differs else " " for r in rows]
    return [
        f"{mark} {a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip()
        for mark, (a, b, c) in zip(marks, [header, *body], strict=True)
    ]


def _numbers(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)
