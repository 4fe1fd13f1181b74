"""The hostile-input suite through the server: the same hostile notebooks (``hostile_cases``,
attack class ``server``) sent to POST /nb2prod/analyze and /nb2prod/convert of a real
jupyter_server (pytest-jupyter, as tests/test_server.py runs it), the server's root being the
notebook's folder T/work. Never a 500 or an ``internal`` error, errors always ``{"code",
"message"}`` JSON of one line, and the same checks of the tree and the package as the CLI's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# pytest-jupyter's fixtures, for this module only (see tests/test_server.py).
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import HTTPResponse

from hostile import Case
from hostile_cases import CASES
from hostile_checks import (
    IndexSpy,
    environment,
    index_spy,
    package_problems,
    snapshot,
    tree_problems,
    unblock,
    write_layout,
)
from server_helpers import Fetch
from test_server import asynchronous

pytestmark = pytest.mark.hostile


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    return {"ServerApp": {"jpserver_extensions": {"nb2prod": True}}}


@pytest.fixture
def jp_root_dir(tmp_path: Path) -> Path:
    """The server's root: the notebook's folder of the case's tree."""
    root = tmp_path / "t" / "work"
    root.mkdir(parents=True)
    return root


@pytest.fixture
def spy() -> Iterator[IndexSpy]:
    with index_spy() as found:
        yield found


def params(cases: list[Case]) -> list[Any]:
    return [
        pytest.param(case, id=case.id, marks=[getattr(pytest.mark, m) for m in case.marks])
        for case in cases
    ]


@pytest.mark.parametrize("case", params([c for c in CASES if c.body is not None]))
@asynchronous
async def test_hostile_request(
    case: Case, jp_fetch: Fetch, jp_root_dir: Path, spy: IndexSpy, tmp_path: Path
) -> None:
    root = jp_root_dir.parent
    write_layout(case.layout, root, spy.port)
    before = snapshot(root)
    try:
        response = await jp_fetch(
            "nb2prod", case.surface, method="POST", body=json.dumps(case.body),
            raise_error=False, request_timeout=case.expect.within,
        )  # fmt: skip
        problems = reply_problems(case, response)
    except Exception as failure:  # a timeout or a dropped connection: the answer never came
        problems = [f"no answer within {case.expect.within:.0f} s: {type(failure).__name__}"]
    finally:
        unblock(case.layout, root)
    problems += package_problems(case, root, environment(root, tmp_path / "side"))
    problems += tree_problems(case.expect, root, before, snapshot(root)) + spy.problems(case.expect)
    assert not problems, "; ".join(problems)


def reply_problems(case: Case, response: HTTPResponse) -> list[str]:
    """Never a 500; an error is ``{"code", "message"}`` of one line; a convert stream ends with
    ``done`` or an error that is not ``internal``."""
    kind = response.headers.get("Content-Type", "")
    if response.code >= 500:
        return [f"status {response.code}: {response.body[:200]!r}"]
    if response.code != 200:
        return error_problems(response.code, parsed(response.body))
    if case.surface == "analyze":
        found = parsed(response.body)
        return [] if "findings" in found else [f"an analysis without findings: {found}"[:200]]
    if not kind.startswith("application/x-ndjson"):
        return [f"a convert answer of type {kind!r}"]
    lines = [parsed(line) for line in response.body.splitlines() if line.strip()]
    last = lines[-1] if lines else {}
    if last.get("type") == "done":
        return []
    if last.get("type") != "error":
        return [f"the convert stream ends with {last}"[:200]]
    return error_problems(200, {k: v for k, v in last.items() if k != "type"})


def error_problems(status: int, found: dict[str, Any]) -> list[str]:
    problems = []
    if not {"code", "message"} <= set(found):
        problems.append(f"status {status}: an error body without code and message: {found}"[:300])
    message = str(found.get("message", ""))
    if found.get("code") == "internal":
        problems.append(f"an internal error (a bug): {message[:200]}")
    if "\n" in message or "Traceback" in message:
        problems.append(f"an error message of several lines: {message[:200]!r}")
    return problems


def parsed(body: bytes) -> dict[str, Any]:
    try:
        found = json.loads(body)
    except ValueError:
        return {"not JSON": body[:200].decode("utf-8", "replace")}
    return found if isinstance(found, dict) else {"not an object": found}
