"""The answer of ``GET /nb2prod/environment``: what the kernel recorded for a saved notebook, as
``records.read_records`` reads it (so what does not follow ``recorder/FORMAT.md`` is left out)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from nb2prod.errors import NotebookError
from nb2prod.notebook import load
from nb2prod.records import KEY, Records, read_records
from nb2prod.safefiles import read_file


def read_environment(local: str, api_path: str) -> dict[str, Any]:
    """The records of the notebook file at ``local``, named ``api_path`` in the answer.

    Raises :class:`NotebookError` when the file is not a usable notebook.
    """
    notebook = load(local)
    records = read_records(notebook.metadata)
    if records is None:
        return answer(api_path, None, {})
    return answer(api_path, records, _cell_records(local))


def answer(path: str, records: Records | None, cells: Mapping[str, Any]) -> dict[str, Any]:
    """``{"path", "environments", "history", "sources", "cells", "current"}``."""
    if records is None:
        return {"path": path, "environments": {}, "history": [], "sources": {}, "cells": {},
                "current": None}  # fmt: skip
    current = records.current
    return {
        "path": path,
        "environments": {key: dict(env.raw) for key, env in records.environments.items()},
        "history": [dataclasses.asdict(execution) for execution in records.history],
        "sources": dict(records.sources),
        "cells": dict(cells),
        "current": current.id if current is not None else None,
    }


def _cell_records(local: str) -> dict[str, Any]:
    """Each cell's own record (cell metadata ``nb2prod``: its last execution), by cell id.

    The loaded notebook keeps no cell metadata, so the file is read again; only notebooks that
    carry records get here."""
    try:
        raw = json.loads(read_file(local))
    except (NotebookError, ValueError, RecursionError):  # changed since it was loaded
        return {}
    cells = raw.get("cells") if isinstance(raw, dict) else None
    found: dict[str, Any] = {}
    for cell in cells if isinstance(cells, list) else ():
        if not isinstance(cell, dict) or not isinstance(cell.get("id"), str):
            continue
        metadata = cell.get("metadata")
        record = metadata.get(KEY) if isinstance(metadata, dict) else None
        if isinstance(record, dict):
            found[cell["id"]] = record
    return found
