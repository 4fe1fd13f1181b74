"""The server extension says so when the sidebar is missing (nb2prod installed from a checkout
without Node.js), instead of starting silently without it."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from nb2prod import server


def test_a_built_extension_is_found_and_a_missing_one_is_not(tmp_path: Path) -> None:
    built = tmp_path / "share" / "nb2prod"
    (built / "static").mkdir(parents=True)
    (built / "package.json").write_text("{}", encoding="utf-8")
    assert server.sidebar_installed([tmp_path / "empty", built])
    assert not server.sidebar_installed([tmp_path / "empty"])
    assert server.sidebar_installed()  # this checkout's build, as the UI tests use it


def test_loading_without_the_sidebar_logs_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A stand-in for jupyter_server's ServerApp: only the two attributes the loader touches.
    added: list[object] = []
    app = SimpleNamespace(
        web_app=SimpleNamespace(
            settings={"base_url": "/"}, add_handlers=lambda host, routes: added.append(routes)
        ),
        log=logging.getLogger("serverapp"),
    )
    monkeypatch.setattr(server, "sidebar_installed", lambda places=None: False)
    with caplog.at_level(logging.INFO, logger="serverapp"):
        server._load_jupyter_server_extension(app)
    assert added, "the handlers are registered all the same"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [server.SIDEBAR_MISSING]
    assert "npm ci && npm run build" in warnings[0]
