"""``POST /nb2prod/environment/compare`` over real HTTP (a real server from pytest-jupyter): the
answer is the core's comparison of the same notebook; the token is required; bad bodies get a
one-line 4xx. The recorded H100 environment is SYNTHETIC (``envcompare_data``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

# pytest-jupyter's fixtures, for this module only (see tests/test_server.py).
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import AsyncHTTPClient

from envcompare_data import H100, LAPTOP, elsewhere
from nb2prod.envcompare import compare_notebook
from nb2prod.notebook import from_dict
from nb2prod.server.envcompare import MAX_COMPARE_BYTES
from server_helpers import Fetch, answer, asynchronous, call, failure

ENDPOINT = "environment/compare"


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    return {"ServerApp": {"jpserver_extensions": {"nb2prod": True}}}


def body(notebook: dict[str, Any], live: dict[str, Any] = LAPTOP) -> dict[str, Any]:
    """What the sidebar sends: the records, every cell's type, id, code and count; no outputs."""
    cells = [
        {"id": c.get("id"), "cell_type": c["cell_type"], "source": c["source"],
         "execution_count": c.get("execution_count")}
        for c in notebook["cells"]
    ]  # fmt: skip
    return {"metadata": notebook["metadata"].get("nb2prod"), "cells": cells, "live": live}


@asynchronous
async def test_the_answer_is_the_cores_comparison(jp_fetch: Fetch, jp_root_dir: Path) -> None:
    notebook = elsewhere(with_ids=True)
    (jp_root_dir / "helpers.py").write_text("VALUE = 1\n")
    found = answer(await call(jp_fetch, ENDPOINT, body(notebook)))
    expected = compare_notebook(from_dict(json.loads(json.dumps(notebook))), LAPTOP)
    assert found == expected.to_dict()
    assert found["state"] == "different"
    assert found["environment"] == H100["id"]
    assert [(m["number"], m["id"]) for m in found["marked"]] == [
        (2, "cell-1"), (3, "cell-2"), (5, "cell-3"), (6, "cell-4")
    ]  # fmt: skip
    assert found["verdict"].startswith("Outputs made on another machine: 7 differences")


@asynchronous
async def test_local_modules_are_looked_up_beside_the_named_notebook(
    jp_fetch: Fetch, jp_root_dir: Path
) -> None:
    notebook = elsewhere()
    del notebook["metadata"]["nb2prod"]
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "work" / "helpers.py").write_text("VALUE = 1\n")
    plain = answer(await call(jp_fetch, ENDPOINT, body(notebook)))
    assert "helpers" in [r["label"] for r in plain["rows"]]
    beside = answer(await call(jp_fetch, ENDPOINT, {**body(notebook), "path": "work/fit.ipynb"}))
    assert [r["label"] for r in beside["rows"] if r["kind"] == "package"] == [
        "numpy", "scikit-learn"
    ]  # fmt: skip
    assert beside["state"] == "unrecorded"


@asynchronous
async def test_hostile_values_do_not_come_back(jp_fetch: Fetch, jp_root_dir: Path) -> None:
    notebook = elsewhere()
    env = notebook["metadata"]["nb2prod"]["environments"][H100["id"]]
    env["gpu"]["devices"][0]["name"] = "<script>alert(1)</script>"
    live = {**LAPTOP, "cpu": {"model": "\u202eevil\x00", "count": 8}}
    response = await call(jp_fetch, ENDPOINT, body(notebook, live))
    text = response.body.decode()
    assert response.code == 200
    assert "script" not in text
    assert "evil" not in text
    assert {n["what"] for n in json.loads(text)["notices"]} == {
        "recorded environment's gpu.devices.name", "live environment's cpu.model"
    }  # fmt: skip


BAD_BODIES = [
    (b"{not json", "not JSON"),
    (b"[]", "must be a JSON object"),
    (json.dumps({"metadata": None, "cells": []}).encode(), "`live`"),
    (json.dumps({"metadata": [], "cells": [], "live": {}}).encode(), "`metadata`"),
    (json.dumps({"metadata": None, "cells": "x", "live": {}}).encode(), "`cells`"),
    (json.dumps({"cells": [{"source": 3}], "live": {}}).encode(), "`cells[0]`.source"),
    (json.dumps({"cells": [{"source": "", "id": 1}], "live": {}}).encode(), "`cells[0]`.id"),
    (json.dumps({"cells": [{"source": "", "cell_type": "x"}], "live": {}}).encode(), "cell_type"),
]


@pytest.mark.parametrize(("data", "says"), BAD_BODIES)
@asynchronous
async def test_a_bad_body_is_a_400_with_one_line(
    jp_fetch: Fetch, jp_root_dir: Path, data: bytes, says: str
) -> None:
    message = failure(await call(jp_fetch, ENDPOINT, data), 400, "bad-request")
    assert says in message


@asynchronous
async def test_an_oversized_body_is_refused(jp_fetch: Fetch, jp_root_dir: Path) -> None:
    big = {"cells": [{"source": "x" * (MAX_COMPARE_BYTES + 1)}], "live": {}}
    message = failure(await call(jp_fetch, ENDPOINT, big), 413, "too-large")
    assert "without their outputs" in message


@asynchronous
async def test_a_path_outside_the_root_is_refused(jp_fetch: Fetch, jp_root_dir: Path) -> None:
    request = {**body(elsewhere()), "path": "../x.ipynb"}
    failure(await call(jp_fetch, ENDPOINT, request), 403, "outside-root")


@asynchronous
async def test_without_the_token_it_is_refused(
    jp_fetch: Fetch, jp_serverapp: Any, jp_http_port: int, jp_base_url: str, jp_root_dir: Path
) -> None:
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}nb2prod/{ENDPOINT}"
    data = json.dumps(body(elsewhere()))
    client = AsyncHTTPClient()
    refused = await client.fetch(url, method="POST", body=data, raise_error=False)
    assert refused.code in (401, 403)
    assert answer(refused)["code"] in ("unauthenticated", "forbidden")
    assert "verdict" not in answer(refused)
    token = {"Authorization": f"token {jp_serverapp.identity_provider.token}"}
    allowed = await client.fetch(url, method="POST", body=data, headers=token, raise_error=False)
    assert allowed.code == 200, allowed.body
    assert answer(allowed)["environment"] == H100["id"]
