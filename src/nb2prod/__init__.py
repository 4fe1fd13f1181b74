"""nb2prod: find hidden state in Jupyter notebooks and turn them into production packages.

Besides the library, this module is what Jupyter looks for: ``%load_ext nb2prod`` loads the
recorder into an IPython kernel, and the two ``_jupyter_*`` hooks name the lab extension's built
assets and the server extension. All of them import their parts lazily.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext nb2prod``: start recording every execution in this kernel."""
    from nb2prod.recorder.extension import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext nb2prod``: stop recording."""
    from nb2prod.recorder.extension import unload

    unload(ipython)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "nb2prod"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "nb2prod.server"}]
