"""Helpers of tests/test_server.py: HTTP calls to nb2prod's endpoints and what they answer, and
notebook records built as the recorder saves them (recorder/FORMAT.md)."""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_event_loop
from tornado.httpclient import HTTPResponse

from nb2prod.records import source_hash

Fetch = Callable[..., Awaitable[HTTPResponse]]


def asynchronous(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an ``async def`` test on pytest-jupyter's event loop, as its plugin would."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        ensure_event_loop(prefer_selector_loop=True).run_until_complete(test(*args, **kwargs))

    return run


async def call(fetch: Fetch, endpoint: str, body: Any = None, **params: str) -> HTTPResponse:
    if body is None:
        return await fetch("nb2prod", endpoint, params=params, raise_error=False)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await fetch("nb2prod", endpoint, method="POST", body=data, raise_error=False)


def answer(response: HTTPResponse) -> Any:
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    return json.loads(response.body)


def failure(response: HTTPResponse, status: int, code: str) -> str:
    """The message of an error reply, after checking its status, code and shape."""
    found = answer(response)
    assert (response.code, found.get("code")) == (status, code), found
    assert set(found) <= {"code", "message", "findings", "folder"}, found
    message: str = found["message"]
    assert "\n" not in message
    assert "Traceback" not in message
    return message


def stream(response: HTTPResponse) -> list[dict[str, Any]]:
    """The lines of an NDJSON answer; every one but the last is progress."""
    assert response.code == 200, response.body
    assert response.headers["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.body.decode().splitlines()]
    assert lines, "an empty stream"
    assert all(line["type"] == "progress" for line in lines[:-1]), lines
    return lines


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def recorded(notebook: Path) -> dict[str, Any]:
    """Give ``notebook`` records as the recorder saves them (recorder/FORMAT.md): two
    environments, the newest execution in the second; returns the metadata written."""
    raw = json.loads(notebook.read_text())
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    old, new = environment("3.11.7", "1.26.4"), environment("3.12.3", "2.1.0")
    history = [execution(code[0], 1, old["id"]), execution(code[1], 2, new["id"])]
    history.append({"cell_id": "no-source-hash", "environment": old["id"]})  # skipped: malformed
    raw["metadata"]["nb2prod"] = {
        "schema": 1,
        "environments": {old["id"]: old, new["id"]: new},
        "history": history,
        "sources": {},
    }
    for cell, run in zip(code[:2], history[:2], strict=True):
        keys = ("environment", "execution_count", "started", "duration_ms", "status", "source_hash")
        cell["metadata"]["nb2prod"] = {k: run[k] for k in keys}
    notebook.write_text(json.dumps(raw, indent=1))
    return raw["metadata"]["nb2prod"]  # type: ignore[no-any-return]


def environment(python: str, numpy: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "recorder": "nb2prod 0.1.0",
        "python": {"version": python, "implementation": "CPython", "executable": "/v/bin/python"},
        "packages": {"numpy": numpy},
        "gpu": {"available": False, "reason": "no NVIDIA driver"},
        "accelerators": {},
        "git": None,
    }
    return {"id": source_hash(json.dumps(record, sort_keys=True)), **record}


def execution(cell: dict[str, Any], count: int, env: str) -> dict[str, Any]:
    return {
        "session": "9a0b1c2d3e4f5a6b", "cell_id": cell["id"], "execution_count": count,
        "started": f"2026-11-22T10:16:4{count}Z", "duration_ms": 12.5, "status": "ok",
        "error": None, "source_hash": source_hash("".join(cell["source"])), "defined": ["x"],
        "rebound": [], "deleted": [], "imports": [], "files": [], "writes": [], "seeds": [],
        "environment": env,
    }  # fmt: skip
