"""nb2prod's ``jupyter_server`` extension: thin HTTP handlers over the core, under
``{base_url}nb2prod/`` (the contract is ``API.md`` beside this file).

Jupyter finds it through ``nb2prod._jupyter_server_extension_points()``; the handlers, and the
analysis behind them, are imported only when the server loads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the handlers on ``serverapp``'s web application."""
    from nb2prod.server.handlers import routes

    base_url = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(".*$", routes(base_url))
    serverapp.log.info("nb2prod: server extension loaded at %snb2prod/", base_url)
    if not sidebar_installed():
        serverapp.log.warning(SIDEBAR_MISSING)


#: Said when the server extension loads without the lab extension (an install without Node).
SIDEBAR_MISSING = (
    "nb2prod: the JupyterLab sidebar is not installed (no built lab extension was found; "
    "installing nb2prod from a source checkout without Node.js skips it). Install Node.js 20, "
    "run `npm ci && npm run build` in the checkout, then `pip install -e .` again; or install "
    "nb2prod from its wheel, which carries the built sidebar."
)


def sidebar_installed(places: Sequence[Path] | None = None) -> bool:
    """Whether JupyterLab can find nb2prod's built lab extension (in ``places``: by default
    the editable install's build folder and every ``labextensions/nb2prod`` Jupyter reads)."""
    from jupyter_core.paths import jupyter_path

    if places is None:
        here = Path(__file__).resolve().parent.parent / "labextension"
        places = [here, *(Path(p) / "nb2prod" for p in jupyter_path("labextensions"))]
    return any((place / "package.json").is_file() and (place / "static").is_dir()
               for place in places)  # fmt: skip


# The name jupyter_server used before 2.0 (and still tries).
load_jupyter_server_extension = _load_jupyter_server_extension
