"""The server's pool of worker processes over real HTTP: a small request is answered while big
ones run; a request past its time limit is stopped (504) while others are served; a worker that
dies fails only its own request. Orders of completion are asserted, not durations."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

import pytest

# pytest-jupyter's fixtures, for this module only (see tests/test_server.py).
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import HTTPResponse

from server_helpers import Fetch, answer, asynchronous, call, failure


def config(**tornado_settings: Any) -> dict[str, Any]:
    return {
        "ServerApp": {
            "jpserver_extensions": {"nb2prod": True},
            "tornado_settings": tornado_settings,
        }
    }


def notebook(cells: int, stem: str) -> str:
    """``cells`` code cells, each reading the one above: reproducible, and as slow to check as it
    is long (about a second per few thousand cells). ``stem`` keeps the sources of different
    notebooks apart, so no worker's cache of cell analyses answers for another notebook."""
    sources = [f"{stem}_0 = 1"] + [
        f"{stem}_{i} = {stem}_{i - 1} * 2 + len(str({stem}_{i - 1}))\nprint({stem}_{i})"
        for i in range(1, cells)
    ]
    kernel = {"name": "python3", "language": "python", "display_name": "Python 3"}
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": kernel},
        "cells": [
            {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": i + 1,
             "outputs": [], "source": source}
            for i, source in enumerate(sources)
        ],
    })  # fmt: skip


@pytest.fixture
def root(jp_root_dir: Path) -> Path:
    (jp_root_dir / "small.ipynb").write_text(notebook(3, "small"))
    return Path(jp_root_dir)


async def analyze(fetch: Fetch, path: str, finished: list[str]) -> HTTPResponse:
    """``/analyze`` of ``path``; ``finished`` gets the path once the answer is in."""
    body = json.dumps({"path": path})
    response = await fetch(
        "nb2prod", "analyze", method="POST", body=body, raise_error=False, request_timeout=600
    )
    finished.append(path)
    return response


def workers() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "nb2prod-worker"]


@pytest.mark.parametrize("jp_server_config", [config(nb2prod_workers=2)])
@asynchronous
async def test_a_small_request_is_answered_while_five_big_ones_run(
    jp_fetch: Fetch, root: Path
) -> None:
    """Two workers for five big requests: every worker is busy and three big requests wait, yet
    the small one is answered first (by the express worker, which takes only small jobs)."""
    for n in range(5):
        (root / f"big{n}.ipynb").write_text(notebook(10_000, f"big{n}"))
    warm = await asyncio.gather(*(call(jp_fetch, "analyze", {"path": "small.ipynb"})
                                  for _ in range(2)))  # fmt: skip
    assert [r.code for r in warm] == [200] * 2  # two workers started
    finished: list[str] = []
    big = [asyncio.ensure_future(analyze(jp_fetch, f"big{n}.ipynb", finished)) for n in range(5)]
    await asyncio.sleep(0.5)  # the five are sent first
    small = await analyze(jp_fetch, "small.ipynb", finished)
    assert answer(small)["reproducible"] is True
    assert finished == ["small.ipynb"], "the small request waited for a big one"
    for response in await asyncio.gather(*big):
        found = answer(response)
        assert (found["reproducible"], found["findings"]) == (True, [])
    assert len(finished) == 6


@pytest.mark.parametrize(
    "jp_server_config", [config(nb2prod_workers=3, nb2prod_analysis_seconds=4)]
)
@asynchronous
async def test_a_request_past_its_time_limit_is_stopped_while_others_are_served(
    jp_fetch: Fetch, root: Path
) -> None:
    (root / "huge.ipynb").write_text(notebook(80_000, "huge"))
    warm = await asyncio.gather(*(call(jp_fetch, "analyze", {"path": "small.ipynb"})
                                  for _ in range(3)))  # fmt: skip
    assert [r.code for r in warm] == [200] * 3
    finished: list[str] = []
    stuck = asyncio.ensure_future(analyze(jp_fetch, "huge.ipynb", finished))
    await asyncio.sleep(0.5)
    for _ in range(3):
        assert answer(await analyze(jp_fetch, "small.ipynb", finished))["reproducible"] is True
    message = failure(await stuck, 504, "timeout")
    assert finished == ["small.ipynb"] * 3 + ["huge.ipynb"]
    assert message.startswith("huge.ipynb: stopped after 4 s"), message
    assert "nb2prod_analysis_seconds" in message
    assert answer(await call(jp_fetch, "analyze", {"path": "small.ipynb"}))["reproducible"]
    assert len([p for p in workers() if p.is_alive()]) <= 3, "the stopped worker still runs"


@pytest.mark.parametrize("jp_server_config", [config(nb2prod_workers=1)])
@asynchronous
async def test_a_worker_that_dies_fails_only_its_own_request(jp_fetch: Fetch, root: Path) -> None:
    from nb2prod.server import base

    (root / "huge.ipynb").write_text(notebook(80_000, "doomed"))
    assert answer(await call(jp_fetch, "analyze", {"path": "small.ipynb"}))["reproducible"]
    doomed = asyncio.ensure_future(analyze(jp_fetch, "huge.ipynb", []))
    pool = base.worker_pool({base.WORKERS_SETTING: 1})
    for _ in range(200):  # until its one worker has the job
        await asyncio.sleep(0.05)
        if pool.busy:
            break
    assert pool.busy == 1
    for process in workers():
        if process.is_alive() and process.pid is not None:
            os.kill(process.pid, signal.SIGKILL)  # as a crash in native code would end it
    message = failure(await doomed, 500, "internal")
    assert "the worker process ended (killed by signal 9)" in message, message
    assert answer(await call(jp_fetch, "analyze", {"path": "small.ipynb"}))["reproducible"]
