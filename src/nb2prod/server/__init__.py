"""nb2prod's ``jupyter_server`` extension: thin HTTP handlers over the core, under
``{base_url}nb2prod/`` (the contract is ``API.md`` beside this file).

Jupyter finds it through ``nb2prod._jupyter_server_extension_points()``; the handlers, and the
analysis behind them, are imported only when the server loads it.
"""

from __future__ import annotations

from typing import Any


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the handlers on ``serverapp``'s web application."""
    from nb2prod.server.handlers import routes

    base_url = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*$", routes(base_url))
    serverapp.log.info("nb2prod: server extension loaded at %snb2prod/", base_url)


# The name jupyter_server used before 2.0 (and still tries).
load_jupyter_server_extension = _load_jupyter_server_extension
