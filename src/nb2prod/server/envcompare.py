"""``POST /nb2prod/environment/compare``: the environment that made the open notebook's outputs
against the live kernel's, as :mod:`nb2prod.envcompare` compares them (the sidebar renders the
answer; it never compares by itself).

The body is small: the notebook's ``metadata.nb2prod``, its cells' ids and code (no outputs), and
the kernel's environment record. Its shape is checked here, in the server's process; the
comparison (which analyses the cells' code) runs in a worker like every analysis.
"""

from __future__ import annotations

import json
import os
from typing import Any

import tornado.web

from nb2prod.errors import NotebookError
from nb2prod.server.base import (
    MAX_BODY_BYTES,
    MAX_BODY_SETTING,
    Nb2prodHandler,
    allowed_to,
    text_field,
)
from nb2prod.server.errors import ApiError

#: The largest body taken: records, code and an environment record, no outputs.
MAX_COMPARE_BYTES = 16 * 1024 * 1024


class EnvironmentCompareHandler(Nb2prodHandler):
    """``POST /nb2prod/environment/compare``: ``{"metadata", "cells", "live"[, "path"]}`` ->
    the comparison's ``to_dict()``."""

    @tornado.web.authenticated
    @allowed_to("read")
    async def post(self) -> None:
        limit = min(MAX_COMPARE_BYTES, int(self.settings.get(MAX_BODY_SETTING, MAX_BODY_BYTES)))
        if len(self.request.body) > limit:
            raise ApiError(
                413,
                "too-large",
                f"the request body is {len(self.request.body)} bytes, over the limit of {limit} "
                "for a comparison (send the cells' code without their outputs)",
            )
        body = await self.json_body()
        metadata, cells, live = compare_request(body)
        path = text_field(body, "path")
        folder = os.path.dirname(self.confine(path).local) if path else os.path.realpath(self.root)
        try:
            found = await self.analysing(
                compare_job,
                metadata,
                cells,
                live,
                folder,
                subject=path or "",
                weight=len(self.request.body),
            )
        except NotebookError as error:
            raise ApiError(400, "bad-request", error.reason) from None
        self.finish(json.dumps(found))


def compare_request(body: dict[str, Any]) -> tuple[Any, list[dict[str, Any]], dict[str, Any]]:
    """The body's ``metadata`` (any JSON: read as untrusted records), its cells as notebook cells,
    and ``live``; or 400 ``bad-request`` naming the field that is wrong."""
    live = body.get("live")
    if not isinstance(live, dict):
        raise ApiError(400, "bad-request", "`live` must be a JSON object (an environment record)")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise ApiError(400, "bad-request", "`metadata` must be a JSON object or null")
    raw = body.get("cells")
    if not isinstance(raw, list):
        raise ApiError(400, "bad-request", '`cells` must be a list of {"id", "source"} objects')
    return metadata, [_cell(index, cell) for index, cell in enumerate(raw)], live


def _cell(index: int, raw: Any) -> dict[str, Any]:
    """One cell of the body as a notebook cell (nbformat 4), or 400 naming it."""
    where = f"`cells[{index}]`"
    if not isinstance(raw, dict):
        raise ApiError(400, "bad-request", f"{where} must be a JSON object")
    source = raw.get("source")
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise ApiError(400, "bad-request", f"{where}.source must be a string")
    kind = raw.get("cell_type", "code")
    if kind not in ("code", "markdown", "raw"):
        raise ApiError(400, "bad-request", f"{where}.cell_type must be code, markdown or raw")
    cell_id, count = raw.get("id"), raw.get("execution_count")
    if cell_id is not None and not isinstance(cell_id, str):
        raise ApiError(400, "bad-request", f"{where}.id must be a string or null")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
        raise ApiError(400, "bad-request", f"{where}.execution_count must be a number or null")
    return {"cell_type": kind, "id": cell_id, "source": source, "metadata": {},
            "execution_count": count, "outputs": []}  # fmt: skip


def compare_job(
    metadata: Any, cells: list[dict[str, Any]], live: dict[str, Any], folder: str
) -> dict[str, Any]:
    """In a worker: the comparison of the notebook made of ``cells`` and ``metadata`` with
    ``live``; local modules are looked up in ``folder`` (the notebook's, inside the root)."""
    from nb2prod.deps.mapping import is_local
    from nb2prod.envcompare import compare_notebook
    from nb2prod.notebook import from_dict
    from nb2prod.records import KEY

    raw = {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
           "metadata": {KEY: metadata} if metadata is not None else {}}  # fmt: skip
    notebook = from_dict(raw, os.path.join(folder, "notebook.ipynb"))
    comparison = compare_notebook(notebook, live, is_local=lambda module: is_local(module, folder))
    return comparison.to_dict()
