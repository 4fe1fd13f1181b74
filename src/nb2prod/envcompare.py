"""The environment a notebook's outputs were made in, against the live one.

A notebook recorded on a GPU machine with numpy 1.26 and opened on a laptop with numpy 2 shows
outputs that this laptop did not make. :func:`compare` says so: which recorded environments made
the cells' current outputs (:mod:`nb2prod.envcells`), how each differs from the live environment,
fact by fact (:mod:`nb2prod.envrows`), which cells to mark, and a one-line verdict. The package
rows are the distributions the notebook's own code imports (mapped as ``nb2prod.deps.mapping``
maps them, the standard library and local modules left out), never the whole installed list.

Pure: no I/O. Every recorded value has passed its check in :func:`nb2prod.records.read_records`
and the live record passes the same checks here; a value that fails is left out with a notice.
The ``nb2prod env --compare`` command and ``POST /nb2prod/environment/compare`` are its faces.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from nb2prod import metadata_values as mv
from nb2prod.deps.mapping import distribution_of, top_level_modules
from nb2prod.deps.requirement import Environment as Installed
from nb2prod.deps.requirement import canonical
from nb2prod.envcells import CellRef, CodeCell, by_environment, code_cell, outputs_made
from nb2prod.envrows import Row, rows
from nb2prod.envverdict import verdict
from nb2prod.records import Environment, Records, clean_environment, read_records

if TYPE_CHECKING:
    from nb2prod.notebook import Notebook

State = Literal["same", "different", "unrecorded"]
Reason = Literal["differs", "mixed"]
LIVE = "live"


@dataclass(frozen=True)
class Source:
    """A recorded environment that made some cells' current outputs, compared with live."""

    environment: str
    recorded: str | None
    cells: tuple[CellRef, ...]
    rows: tuple[Row, ...]

    @property
    def differences(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.differs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "recorded": self.recorded,
            "cells": [c.to_dict() for c in self.cells],
            "differences": len(self.differences),
            "rows": [r.to_dict() for r in self.rows],
        }


@dataclass(frozen=True)
class Marked:
    """A cell whose outputs this environment did not make: ``differs`` (made in an environment
    that differs from live), ``mixed`` (made in an older environment than the newest one that
    made the notebook's outputs)."""

    cell: CellRef
    environment: str
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.cell.to_dict(), "environment": self.environment,
                "reasons": list(self.reasons)}  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    """Where the outputs were made against the live environment. ``rows`` compare
    ``environment`` (the newest that made outputs, else the newest recorded) with live."""

    verdict: str
    state: State
    environment: str | None
    rows: tuple[Row, ...]
    sources: tuple[Source, ...] = ()
    marked: tuple[Marked, ...] = ()
    unrecorded: tuple[CellRef, ...] = ()
    notices: tuple[mv.Ignored, ...] = ()

    @property
    def differs(self) -> bool:
        return self.state == "different"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "state": self.state,
            "environment": self.environment,
            "differences": sum(r.differs for r in self.rows),
            "rows": [r.to_dict() for r in self.rows],
            "sources": [s.to_dict() for s in self.sources],
            "marked": [m.to_dict() for m in self.marked],
            "unrecorded": [c.to_dict() for c in self.unrecorded],
            "notices": [{"what": n.what, "reason": n.reason} for n in self.notices],
        }


def compare_notebook(
    notebook: Notebook,
    live: Mapping[str, Any],
    *,
    providers: Mapping[str, tuple[str, ...]] | None = None,
    is_local: Callable[[str], bool] = lambda module: False,
) -> Comparison:
    """:func:`compare` for a loaded notebook: its records, its code cells, the modules its code
    imports (``nb2prod.analysis``'s facts)."""
    from nb2prod.analysis import analyse_notebook

    analysed = analyse_notebook(notebook)
    cells = [
        code_cell(a.cell.index, a.cell.id, a.cell.source, a.cell.execution_count) for a in analysed
    ]
    modules = top_level_modules(i for a in analysed for i in a.facts.imports)
    records = read_records(notebook.metadata)
    return compare(records, cells, modules, live, providers=providers, is_local=is_local)


def compare(
    records: Records | None,
    cells: Sequence[CodeCell],
    modules: Sequence[str],
    live: Mapping[str, Any],
    *,
    providers: Mapping[str, tuple[str, ...]] | None = None,
    is_local: Callable[[str], bool] = lambda module: False,
) -> Comparison:
    """Compare the environments that made ``cells``' outputs with ``live``.

    ``modules``: the top-level modules the notebook's code imports; ``live``: an environment
    record as ``nb2prod env --json`` prints it (untrusted: checked here); ``providers``: import
    name -> installed distributions of the live environment, when known (else the recorded
    imports and ``deps.mapping``'s aliases name them); ``is_local``: whether a module is the
    user's own code beside the notebook."""
    notices: list[mv.Ignored] = []
    current = Environment(LIVE, clean_environment(_mapping(live), notices))
    notices = [dataclasses.replace(n, what=_live_what(n.what)) for n in notices]
    found = _distributions(modules, records, current, providers or {}, is_local)
    if records is None or not records.environments:
        table = rows(None, current, found)
        notices = [*(records.notices if records else ()), *notices]
        no_record = verdict(table, (), None, recorded=False)
        return Comparison(no_record, "unrecorded", None, table, notices=mv.unique(notices))
    sources, unrecorded = _sources(records, cells, current, found)
    newest = records.environments[sources[0].environment] if sources else records.current
    table = sources[0].rows if sources else rows(newest, current, found, None)
    state: State = "unrecorded" if newest is None else "same"
    if any(r.differs for r in table) or any(s.differences for s in sources) or len(sources) > 1:
        state = "different"
    key = newest.id if newest is not None else None
    return Comparison(verdict(table, sources, key), state, key, table, sources, _marked(sources),
                      unrecorded, mv.unique([*records.notices, *notices]))  # fmt: skip


def _sources(
    records: Records, cells: Sequence[CodeCell], live: Environment, distributions: set[str]
) -> tuple[tuple[Source, ...], tuple[CellRef, ...]]:
    """The environments that made the cells' outputs, each compared with ``live``, the newest
    first; and the cells whose run no record holds."""
    made, unrecorded = outputs_made(records, cells)
    imported = _imported(records)
    sources = tuple(
        Source(env.id, _text(env.raw.get("recorded")), tuple(m.cell for m in items),
               rows(env, live, distributions, imported.get(env.id)))
        for env, items in by_environment(made)
    )  # fmt: skip
    return sources, tuple(unrecorded)


def _marked(sources: Sequence[Source]) -> tuple[Marked, ...]:
    found: list[Marked] = []
    for position, source in enumerate(sources):
        reasons: tuple[Reason, ...] = ("differs",) if source.differences else ()
        if position:
            reasons += ("mixed",)
        found += [Marked(cell, source.environment, reasons) for cell in source.cells if reasons]
    return tuple(sorted(found, key=lambda m: m.cell.number))


def _distributions(
    modules: Sequence[str],
    records: Records | None,
    live: Environment,
    providers: Mapping[str, tuple[str, ...]],
    is_local: Callable[[str], bool],
) -> set[str]:
    """The canonical names of the distributions ``modules`` come from: as the recorder saw them,
    else as the live environment provides them, else by ``deps.mapping``'s alias table."""
    recorded = {i.module: i for e in (records.history if records else ()) for i in e.imports}
    installed = Installed(providers, {canonical(k): (k, v) for k, v in live.packages.items()})
    found: set[str] = set()
    for module in modules:
        if module in sys.stdlib_module_names or module in sys.builtin_module_names:
            continue
        if module == "__future__" or is_local(module):
            continue
        seen = recorded.get(module)
        if seen is not None and seen.distribution is None and module not in providers:
            continue  # the recorder saw it outside any distribution: the user's own code
        name = seen.distribution if seen and seen.distribution else None
        name = canonical(name or distribution_of(module, installed).name)
        if mv.is_good(name, mv.distribution_name):
            found.add(name)
    return found


def _imported(records: Records) -> dict[str, dict[str, str]]:
    """The versions each environment's executions imported, by environment id."""
    found: dict[str, dict[str, str]] = {}
    for execution in records.history:
        for item in execution.imports:
            if execution.environment and item.distribution and item.version:
                table = found.setdefault(execution.environment, {})
                table[canonical(item.distribution)] = item.version
    return found


def _live_what(what: str) -> str:
    """A notice about the live record names it so (``recorded version of`` -> ``live ...``)."""
    return "live " + what.removeprefix("recorded ") if what.startswith("recorded ") else what


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
