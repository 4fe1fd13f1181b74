"""The jupyter_server extension over real HTTP: a real server (pytest-jupyter), real notebooks from
examples/, real files written; requests with and without the server's token."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_server.auth import Authorizer

# pytest-jupyter's fixtures, for this module only: as a plugin (``pytest_plugins``) its autouse
# event loop and server clean-up would wrap every test of the suite, and break those that run
# their own loop (tests/ui). Its hook that runs ``async def`` tests is replaced by @asynchronous.
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import AsyncHTTPClient

from nb2prod import runtime
from nb2prod.kinds import BY_NAME
from server_helpers import (
    Fetch,
    answer,
    asynchronous,
    call,
    failure,
    files_under,
    recorded,
    stream,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = ROOT / "tests" / "data" / "packages"


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    return {"ServerApp": {"jpserver_extensions": {"nb2prod": True}}}


@pytest.fixture
def root(jp_root_dir: Path) -> Path:
    """The server's root with the examples' data and three example notebooks in it."""
    shutil.copytree(EXAMPLES / "data", jp_root_dir / "data")
    for stem in ("parameters_report", "hidden_state", "clean_analysis"):
        shutil.copy(EXAMPLES / f"{stem}.ipynb", jp_root_dir / f"{stem}.ipynb")
    return Path(jp_root_dir)


# --- analyze ------------------------------------------------------------------------------------


@asynchronous
async def test_analyze_a_saved_notebook(jp_fetch: Fetch, root: Path) -> None:
    found = answer(await call(jp_fetch, "analyze", {"path": "parameters_report.ipynb"}))
    assert found["path"] == "parameters_report.ipynb"
    assert found["reproducible"] is True
    assert not [f for f in found["findings"] if f["severity"] == "error"]


@asynchronous
async def test_analyze_of_hidden_state_finds_out_of_order_execution(
    jp_fetch: Fetch, root: Path
) -> None:
    found = answer(await call(jp_fetch, "analyze", {"path": "hidden_state.ipynb"}))
    assert found["reproducible"] is False
    kinds = {f["kind"] for f in found["findings"] if f["severity"] == "error"}
    assert {"out-of-order", "undefined-name"} <= kinds
    first = found["findings"][0]
    assert set(first) == {
        "kind", "severity", "cell", "cell_id", "line", "message", "hint", "proof", "code", "title"
    }  # fmt: skip
    assert (first["code"], first["title"]) == (
        BY_NAME[first["kind"]].code,
        BY_NAME[first["kind"]].title,
    )  # the registry's, for the sidebar
    assert str(root) not in json.dumps(found), "the server's own folders leak into the answer"


@asynchronous
async def test_analyze_the_open_notebook_content_not_the_saved_file(
    jp_fetch: Fetch, root: Path
) -> None:
    """The saved file is hidden_state; the content sent (the open notebook) is the clean one."""
    content = json.loads((root / "parameters_report.ipynb").read_text())
    body = {"path": "hidden_state.ipynb", "content": content}
    found = answer(await call(jp_fetch, "analyze", body))
    assert (found["path"], found["reproducible"]) == ("hidden_state.ipynb", True)


@asynchronous
async def test_analyze_content_of_a_notebook_not_saved_yet(jp_fetch: Fetch, root: Path) -> None:
    content = json.loads((root / "hidden_state.ipynb").read_text())
    body = {"path": "drafts/Untitled.ipynb", "content": content}
    found = answer(await call(jp_fetch, "analyze", body))
    assert found["reproducible"] is False


# --- convert ------------------------------------------------------------------------------------


@asynchronous
async def test_convert_without_lock_streams_progress_and_writes_the_package(
    jp_fetch: Fetch, root: Path
) -> None:
    body = {"path": "parameters_report.ipynb", "output": "out/report_pkg", "lock": False}
    response = await call(jp_fetch, "convert", body)
    assert response.headers.get("Transfer-Encoding") == "chunked"
    lines = stream(response)
    done = lines[-1]
    assert done == {
        "type": "done",
        "output": "out/report_pkg",
        "package": "parameters_report",
        "files": done["files"],
        "readme": "out/report_pkg/README.md",
    }
    written = root / "out" / "report_pkg"
    assert done["files"] == files_under(written)
    assert "requirements.lock" not in done["files"]
    golden = GOLDEN / "parameters_report"
    copied = "src/parameters_report/_environment.py"  # not kept in the golden package
    assert (written / copied).read_text() == runtime.source("environment_guard")
    assert [n for n in done["files"] if n != copied] == files_under(golden)
    for name in files_under(golden):
        assert (written / name).read_bytes() == (golden / name).read_bytes(), name


@asynchronous
async def test_convert_output_defaults_to_the_package_name_beside_the_notebook(
    jp_fetch: Fetch, root: Path
) -> None:
    (root / "work").mkdir()
    shutil.move(root / "clean_analysis.ipynb", root / "work" / "clean_analysis.ipynb")
    body = {"path": "work/clean_analysis.ipynb", "lock": False, "name": "My Analysis"}
    done = stream(await call(jp_fetch, "convert", body))[-1]
    assert (done["output"], done["package"]) == ("work/my_analysis", "my_analysis")
    assert (root / "work" / "my_analysis" / "src" / "my_analysis" / "pipeline.py").is_file()


@asynchronous
async def test_convert_refuses_hidden_state_with_its_findings(jp_fetch: Fetch, root: Path) -> None:
    response = await call(jp_fetch, "convert", {"path": "hidden_state.ipynb", "lock": False})
    message = failure(response, 409, "refused")
    assert "hidden_state.ipynb" in message
    kinds = [f["kind"] for f in answer(response)["findings"]]
    assert "out-of-order" in kinds
    assert not (root / "hidden_state").exists()


@asynchronous
async def test_convert_refuses_what_the_configuration_calls_a_secret(
    jp_fetch: Fetch, root: Path
) -> None:
    """A team's own secret shape (nb2prod.toml inside the root) never reaches a package; a
    configuration above the root is never read."""
    source = nbformat.read(root / "parameters_report.ipynb", as_version=4)
    source.cells[1].source += '\nLABEL = "ACME:plugh-xyzzy-42"'
    nbformat.write(source, root / "team.ipynb")
    (root.parent / "nb2prod.toml").write_text('select = ["no-such-kind"]\n')  # outside: unread
    body = {"path": "team.ipynb", "output": "team_pkg", "lock": False}
    assert stream(await call(jp_fetch, "convert", body))[-1]["type"] == "done"
    (root / "nb2prod.toml").write_text('extra-secret-patterns = ["ACME:[a-z]+-[a-z]+-[0-9]+"]\n')
    response = await call(jp_fetch, "convert", {**body, "output": "team_pkg2"})
    assert "secret patterns" in failure(response, 409, "refused")
    assert [f["kind"] for f in answer(response)["findings"]] == ["hard-coded-secret"]
    assert "plugh" not in json.dumps(answer(response))
    assert not (root / "team_pkg2").exists()


@asynchronous
async def test_convert_into_an_existing_folder_needs_force(jp_fetch: Fetch, root: Path) -> None:
    body = {"path": "parameters_report.ipynb", "output": "pkg", "lock": False}
    assert stream(await call(jp_fetch, "convert", body))[-1]["type"] == "done"
    (root / "pkg" / "stale.txt").write_text("from before")
    response = await call(jp_fetch, "convert", body)
    assert "pkg" in failure(response, 409, "exists")
    folder = answer(response)["folder"]
    assert folder["nb2prod"] is True
    assert "stale.txt" in folder["entries"]
    assert folder["files"] == len(folder["entries"])
    done = stream(await call(jp_fetch, "convert", {**body, "force": True}))[-1]
    assert done["type"] == "done"
    assert not (root / "pkg" / "stale.txt").exists()


@asynchronous
async def test_convert_never_replaces_a_folder_nb2prod_did_not_write(
    jp_fetch: Fetch, root: Path
) -> None:
    kept = root / "taken" / "notes.txt"
    kept.parent.mkdir()
    kept.write_text("mine")
    body = {"path": "parameters_report.ipynb", "output": "taken", "lock": False}
    for force in (False, True):
        response = await call(jp_fetch, "convert", {**body, "force": force})
        assert "nb2prod.json" in failure(response, 409, "exists")
        assert answer(response)["folder"] == {
            "path": "taken", "nb2prod": False, "files": 1, "more": False, "entries": ["notes.txt"]
        }  # fmt: skip
    assert kept.read_text() == "mine"
    assert sorted(p.name for p in kept.parent.iterdir()) == ["notes.txt"]


@asynchronous
async def test_convert_never_replaces_the_root_or_the_notebook_folder(
    jp_fetch: Fetch, root: Path
) -> None:
    for output in (".", "./"):
        body = {"path": "parameters_report.ipynb", "output": output, "force": True, "lock": False}
        failure(await call(jp_fetch, "convert", body), 400, "bad-request")
    (root / "sub").mkdir()
    shutil.copy(root / "parameters_report.ipynb", root / "sub" / "nb.ipynb")
    body = {"path": "sub/nb.ipynb", "output": "sub", "force": True, "lock": False}
    failure(await call(jp_fetch, "convert", body), 400, "bad-request")
    assert (root / "sub" / "nb.ipynb").is_file()
    assert (root / "parameters_report.ipynb").is_file()


@asynchronous
async def test_a_lock_failure_ends_the_stream_and_writes_nothing(
    jp_fetch: Fetch, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No package index at all (offline on purpose): resolving the notebook's packages (pandas,
    and ipython, which shows its results) must fail, and the message names the one that did."""
    for variable in ("UV_NO_INDEX", "PIP_NO_INDEX", "UV_OFFLINE"):
        monkeypatch.setenv(variable, "1")
    body = {"path": "parameters_report.ipynb", "output": "locked"}
    lines = stream(await call(jp_fetch, "convert", body))
    assert {"type": "progress", "message": "locking dependencies"} in lines
    last = lines[-1]
    assert (last["type"], last["code"]) == ("error", "lock-failed"), last
    assert "cannot resolve" in last["message"]
    assert "pandas" in last["message"] or "ipython" in last["message"]
    assert not (root / "locked").exists()


@pytest.mark.network
@pytest.mark.slow
@asynchronous
async def test_convert_with_lock_writes_a_hash_locked_package(jp_fetch: Fetch, root: Path) -> None:
    body = {"path": "parameters_report.ipynb", "output": "locked"}
    response = await jp_fetch(
        "nb2prod", "convert", method="POST", body=json.dumps(body), request_timeout=600
    )
    done = stream(response)[-1]
    assert done["type"] == "done", done
    assert {"requirements.in", "requirements.lock"} <= set(done["files"])
    lock = (root / "locked" / "requirements.lock").read_text()
    assert "pandas==" in lock
    assert "--hash=sha256:" in lock


# --- environment --------------------------------------------------------------------------------


@asynchronous
async def test_environment_of_a_notebook_without_records_is_empty(
    jp_fetch: Fetch, root: Path
) -> None:
    found = answer(await call(jp_fetch, "environment", path="parameters_report.ipynb"))
    assert found == {
        "path": "parameters_report.ipynb",
        "environments": {},
        "history": [],
        "sources": {},
        "cells": {},
        "current": None,
    }


@asynchronous
async def test_environment_returns_the_records_and_the_current_one(
    jp_fetch: Fetch, root: Path
) -> None:
    saved = recorded(root / "parameters_report.ipynb")
    found = answer(await call(jp_fetch, "environment", path="parameters_report.ipynb"))
    old, new = saved["environments"]
    assert found["environments"] == saved["environments"]
    assert found["current"] == new != old
    assert found["history"] == saved["history"][:2]
    first = saved["history"][0]
    assert found["cells"][first["cell_id"]]["environment"] == old
    assert len(found["cells"]) == 2


# --- refusals -----------------------------------------------------------------------------------

REQUESTS = [
    ("POST", "analyze", {"path": "parameters_report.ipynb"}),
    ("POST", "convert", {"path": "parameters_report.ipynb", "lock": False}),
    ("GET", "environment", None),
]


@pytest.mark.parametrize(("method", "endpoint", "body"), REQUESTS)
@asynchronous
async def test_a_request_without_the_token_is_refused(
    jp_fetch: Fetch,
    jp_serverapp: Any,
    jp_http_port: int,
    jp_base_url: str,
    root: Path,
    method: str,
    endpoint: str,
    body: dict[str, Any] | None,
) -> None:
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}nb2prod/{endpoint}"
    url += "?path=parameters_report.ipynb" if body is None else ""
    data = json.dumps(body) if body is not None else None
    client = AsyncHTTPClient()
    refused = await client.fetch(url, method=method, body=data, raise_error=False)
    assert refused.code in (401, 403)
    assert answer(refused)["code"] in ("unauthenticated", "forbidden")
    assert not (root / "parameters_report").exists()
    token = {"Authorization": f"token {jp_serverapp.identity_provider.token}"}
    allowed = await client.fetch(url, method=method, body=data, headers=token, raise_error=False)
    assert allowed.code == 200, allowed.body  # the same request with the token is served


OUTSIDE = ["../x.ipynb", "/etc/passwd", "link.ipynb", "linked/x.ipynb", "a/../../x.ipynb"]


@pytest.fixture
def links_out(root: Path, tmp_path: Path) -> Path:
    """``link.ipynb`` and ``linked/`` in the root, both leading to a notebook outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(root / "parameters_report.ipynb", outside / "x.ipynb")
    (root / "link.ipynb").symlink_to(outside / "x.ipynb")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    return outside


@pytest.mark.parametrize("path", OUTSIDE)
@asynchronous
async def test_a_path_outside_the_root_is_refused(
    jp_fetch: Fetch, links_out: Path, path: str
) -> None:
    failure(await call(jp_fetch, "analyze", {"path": path}), 403, "outside-root")
    failure(await call(jp_fetch, "environment", path=path), 403, "outside-root")
    body = {"path": path, "lock": False}
    failure(await call(jp_fetch, "convert", body), 403, "outside-root")


@pytest.mark.parametrize("output", ["../pkg", "/tmp/pkg", "linked/pkg"])
@asynchronous
async def test_an_output_outside_the_root_is_refused(
    jp_fetch: Fetch, links_out: Path, output: str
) -> None:
    body = {"path": "parameters_report.ipynb", "output": output, "lock": False}
    failure(await call(jp_fetch, "convert", body), 403, "outside-root")
    assert not (links_out / "pkg").exists()


@asynchronous
async def test_a_link_inside_the_root_is_followed(jp_fetch: Fetch, root: Path) -> None:
    (root / "alias.ipynb").symlink_to(root / "parameters_report.ipynb")
    found = answer(await call(jp_fetch, "analyze", {"path": "alias.ipynb"}))
    assert (found["path"], found["reproducible"]) == ("alias.ipynb", True)


@asynchronous
async def test_a_truncated_notebook_is_unusable(jp_fetch: Fetch, root: Path) -> None:
    text = (root / "parameters_report.ipynb").read_text()
    (root / "broken.ipynb").write_text(text[: len(text) // 2])
    for response in (
        await call(jp_fetch, "analyze", {"path": "broken.ipynb"}),
        await call(jp_fetch, "convert", {"path": "broken.ipynb", "lock": False}),
        await call(jp_fetch, "environment", path="broken.ipynb"),
    ):
        message = failure(response, 400, "unusable-notebook")
        assert message.startswith("broken.ipynb: truncated JSON"), message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ({"cells": []}, "not a Jupyter notebook"),
        ({"nbformat": 4, "cells": 3, "metadata": {}}, "'cells' is missing or not a list"),
        ('{"nbformat": 4, "cells": [', "truncated JSON"),
        (7, "not a Jupyter notebook"),
    ],
)
@asynchronous
async def test_bad_content_is_unusable(
    jp_fetch: Fetch, root: Path, content: Any, reason: str
) -> None:
    body = {"path": "open.ipynb", "content": content}
    message = failure(await call(jp_fetch, "analyze", body), 400, "unusable-notebook")
    assert message.startswith("open.ipynb: "), message
    assert reason in message, message


@pytest.mark.parametrize(
    ("endpoint", "body", "named"),
    [
        ("analyze", b"{not json", "not JSON"),
        ("analyze", b"[1, 2]", "JSON object"),
        ("analyze", {"content": {}}, "`path`"),
        ("analyze", {"path": 3}, "`path`"),
        ("convert", {"path": "parameters_report.ipynb", "force": "yes"}, "`force`"),
        ("convert", {"path": "parameters_report.ipynb", "output": ["x"]}, "`output`"),
        ("convert", b"", "not JSON"),
    ],
)
@asynchronous
async def test_bad_requests(
    jp_fetch: Fetch, root: Path, endpoint: str, body: Any, named: str
) -> None:
    assert named in failure(await call(jp_fetch, endpoint, body), 400, "bad-request")


@asynchronous
async def test_missing_files_and_arguments(jp_fetch: Fetch, root: Path) -> None:
    failure(await call(jp_fetch, "analyze", {"path": "nope.ipynb"}), 404, "not-found")
    failure(await call(jp_fetch, "environment", path="nope.ipynb"), 404, "not-found")
    failure(await call(jp_fetch, "environment"), 400, "bad-request")


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {
                "jpserver_extensions": {"nb2prod": True},
                "tornado_settings": {"nb2prod_max_body_bytes": 4096},
            }
        }
    ],
)
@asynchronous
async def test_a_body_over_the_configured_limit_is_413(jp_fetch: Fetch, root: Path) -> None:
    content = json.loads((root / "parameters_report.ipynb").read_text())
    body = {"path": "parameters_report.ipynb", "content": content}
    message = failure(await call(jp_fetch, "analyze", body), 413, "too-large")
    assert "4096" in message
    assert answer(await call(jp_fetch, "analyze", {"path": "parameters_report.ipynb"}))


@asynchronous
async def test_a_folder_named_like_a_notebook_is_unusable(jp_fetch: Fetch, root: Path) -> None:
    (root / "folder.ipynb").mkdir()
    message = failure(
        await call(jp_fetch, "analyze", {"path": "folder.ipynb"}), 400, "unusable-notebook"
    )
    assert "is a directory" in message


class ReadOnly(Authorizer):
    """A user who may read everything but write nothing of nb2prod's."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return resource != "nb2prod" or action == "read"


@pytest.mark.parametrize(
    "jp_server_config",
    [{"ServerApp": {"jpserver_extensions": {"nb2prod": True}, "authorizer_class": ReadOnly}}],
)
@asynchronous
async def test_the_authorizer_decides_who_may_convert(jp_fetch: Fetch, root: Path) -> None:
    assert answer(await call(jp_fetch, "analyze", {"path": "parameters_report.ipynb"}))
    assert answer(await call(jp_fetch, "environment", path="parameters_report.ipynb"))
    body = {"path": "parameters_report.ipynb", "lock": False}
    failure(await call(jp_fetch, "convert", body), 403, "forbidden")
    assert not (root / "parameters_report").exists()


def test_an_unexpected_failure_is_one_line_without_traceback() -> None:
    from nb2prod.server.errors import reply_for

    found = reply_for(KeyError("missing"), 500)
    assert found == {
        "code": "internal",
        "message": "internal error (KeyError: 'missing'); see the server's log",
    }
    long = reply_for(ValueError("line one\nline two " + "x" * 2000), 500)["message"]
    assert "\n" not in long
    assert len(long) <= 500
