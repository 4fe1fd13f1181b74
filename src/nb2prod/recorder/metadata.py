"""Records into a notebook's metadata (FORMAT.md, "In the notebook file"): pure, on notebook dicts.

Earlier records in the notebook are kept (other sessions, other machines); new ones are added, the
history is cut to its newest ``HISTORY_LIMIT`` executions, environments no execution points at are
dropped, and executed code is kept only where no cell holds it now.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from nb2prod.records import HISTORY_LIMIT, KEY, SCHEMA, source_hash


def merge(notebook: Mapping[str, Any], state: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``notebook`` (nbformat 4 dict) with ``state`` (the recorder's export) merged in."""
    merged = copy.deepcopy(dict(notebook))
    metadata = merged.setdefault("metadata", {})
    old = metadata.get(KEY) if isinstance(metadata.get(KEY), dict) else {}
    history = _history(old.get("history"), state.get("history"))
    sources = {**_mapping(old.get("sources")), **_mapping(state.get("sources"))}
    current = {
        source_hash(_text(c.get("source")))
        for c in merged.get("cells", [])
        if c.get("cell_type") == "code"
    }
    used = {h["source_hash"] for h in history}
    environments = {**_mapping(old.get("environments")), **_mapping(state.get("environments"))}
    wanted = {h.get("environment") for h in history}
    metadata[KEY] = {
        "schema": SCHEMA,
        "environments": {k: environments[k] for k in sorted(environments) if k in wanted},
        "history": history,
        "sources": {k: sources[k] for k in sorted(sources) if k in used and k not in current},
    }
    _stamp_cells(merged.get("cells", []), history)
    return merged


def cell_record(execution: Mapping[str, Any]) -> dict[str, Any]:
    """The small record a cell keeps of its last execution."""
    keys = ("environment", "execution_count", "started", "duration_ms", "status", "source_hash")
    return {k: execution.get(k) for k in keys}


#: What identifies one execution in a history (the sidebar's ``executionKey`` uses the same).
EXECUTION_KEY = ("session", "execution_count", "started", "source_hash")


def _history(old: Any, new: Any) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    found = []
    for entry in [*_list(old), *_list(new)]:
        if not isinstance(entry, dict) or not isinstance(entry.get("source_hash"), str):
            continue
        key = tuple(entry.get(k) for k in EXECUTION_KEY)
        if key not in seen:
            seen.add(key)
            found.append(entry)
    return found[-HISTORY_LIMIT:]


def _stamp_cells(cells: list[dict[str, Any]], history: list[dict[str, Any]]) -> None:
    last = {h["cell_id"]: h for h in history if h.get("cell_id")}
    for cell in cells:
        execution = last.get(cell.get("id"))
        if cell.get("cell_type") == "code" and execution is not None:
            cell.setdefault("metadata", {})[KEY] = cell_record(execution)


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []
