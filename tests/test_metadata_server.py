"""The server's convert reads a notebook's metadata through the same validator as the CLI: a
notebook with hostile recorded versions, converted and locked over real HTTP (pytest-jupyter)
with the real resolver, while a local HTTP server on 127.0.0.1 listens where the values point."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# pytest-jupyter's fixtures, for this module only (see test_server.py).
from pytest_jupyter.jupyter_server import *  # noqa: F403

from recorded_notebooks import write_notebook
from server_helpers import Fetch, call, stream
from test_metadata_hostile import (  # noqa: F401 (fixtures)
    Listener,
    assert_clean_package,
    hostile,
    listener,
    offline,
    wheels,
)
from test_server import asynchronous


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    return {"ServerApp": {"jpserver_extensions": {"nb2prod": True}}}


@asynchronous
async def test_server_convert_never_asks_the_hostile_index(
    jp_fetch: Fetch,
    jp_root_dir: Path,
    listener: Listener,  # noqa: F811
    wheels: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in offline(wheels).items():
        monkeypatch.setenv(name, value)
    cell = ("import nb2prod_tinya\nprint('ok')", "ok\n", [])
    write_notebook(jp_root_dir, [cell], hostile(listener.url, "nb2prod-tinya", "1.0"))
    body = {"path": "analysis.ipynb", "output": "out"}
    lines = stream(await call(jp_fetch, "convert", body))
    assert listener.seen == []
    assert lines[-1]["type"] == "done", lines[-1]
    assert_clean_package(jp_root_dir / "out", listener.url)
    readme = (jp_root_dir / "out" / "README.md").read_text(encoding="utf-8")
    assert "recorded version of 'nb2prod-tinya': contains control characters" in readme
