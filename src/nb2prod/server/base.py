"""What every nb2prod handler shares: JSON in, ``{"code", "message"}`` out, paths confined to the
root, blocking work off the event loop."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from nb2prod.errors import NotebookError
from nb2prod.notebook import Notebook, from_dict, load, loads
from nb2prod.server.errors import ApiError, reply_for
from nb2prod.server.paths import Confined, confine

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: The largest request body taken (the open notebook in ``/analyze``); a tornado setting
#: (``ServerApp.tornado_settings``) of this name overrides it.
MAX_BODY_SETTING = "nb2prod_max_body_bytes"
MAX_BODY_BYTES = 64 * 1024 * 1024
#: Bodies above this size are parsed off the event loop.
_PARSE_INLINE = 1024 * 1024

_analysis: ThreadPoolExecutor | None = None


def _analysis_pool() -> ThreadPoolExecutor:
    """One worker for analysis and conversion: CPU-bound under the GIL anyway, and the per-cell
    analysis cache is not meant for concurrent use."""
    global _analysis
    if _analysis is None:
        _analysis = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nb2prod-analysis")
    return _analysis


def allowed_to(action: str) -> Callable[[F], F]:
    """jupyter_server's authorization: may the user ``action`` (read, write) resource
    ``nb2prod``? 403 when not."""
    return cast("Callable[[F], F]", authorized(action, resource=Nb2prodHandler.auth_resource))


class Nb2prodHandler(APIHandler):
    """The base of nb2prod's handlers (authorization resource ``nb2prod``)."""

    auth_resource = "nb2prod"

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error is ``{"code", "message"}`` (plus ``findings`` for a refusal)."""
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        self.finish(json.dumps(reply_for(error, status_code)))

    @property
    def root(self) -> str:
        return str(self.settings["server_root_dir"])

    def confine(self, path: str, field: str = "path") -> Confined:
        return confine(self.root, path, field)

    async def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object, or 413 / 400 saying what is wrong with it."""
        body = self.request.body
        limit = int(self.settings.get(MAX_BODY_SETTING, MAX_BODY_BYTES))
        if len(body) > limit:
            raise ApiError(
                413,
                "too-large",
                f"the request body is {len(body)} bytes, over the limit of {limit} "
                f"(tornado setting {MAX_BODY_SETTING}); for a big notebook, save it and send "
                "only its path",
            )
        try:
            found = (
                json.loads(body)
                if len(body) < _PARSE_INLINE
                else await self.in_thread(json.loads, body)
            )
        except (ValueError, RecursionError) as error:
            raise ApiError(400, "bad-request", f"the body is not JSON: {error}") from None
        if not isinstance(found, dict):
            raise ApiError(400, "bad-request", "the body must be a JSON object")
        return found

    async def in_thread(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in the default thread pool (locking, reading, writing)."""
        return await asyncio.get_running_loop().run_in_executor(None, work, *args)

    async def analysing(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in the analysis thread (checking, converting)."""
        return await asyncio.get_running_loop().run_in_executor(_analysis_pool(), work, *args)

    async def notebook(self, where: Confined, content: Any = None) -> Notebook:
        """The notebook at ``where`` (or ``content``, the open notebook's JSON, named by it)."""
        if content is None:
            require_file(where)
        try:
            return await self.analysing(read_notebook, where.local, content)
        except NotebookError as error:
            raise unusable(where, error) from None


def require_file(where: Confined) -> None:
    """404 ``not-found`` unless something is at ``where``."""
    if not os.path.lexists(where.local):
        raise ApiError(404, "not-found", f"{where.api}: no such file")


def unusable(where: Confined, error: NotebookError) -> ApiError:
    """400 ``unusable-notebook``: the one line ``nb2prod check`` prints, naming ``where``."""
    return ApiError(400, "unusable-notebook", f"{where.api}: {error.reason}")


def read_notebook(local: str, content: Any) -> Notebook:
    """The saved file at ``local``, or ``content``: parsed JSON (or its text) of the open one."""
    if content is None:
        return load(local)
    return loads(content, local) if isinstance(content, str) else from_dict(content, local)


def text_field(body: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    """The string field ``name`` of a request body, or 400 ``bad-request``."""
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, "bad-request", f"`{name}` is missing")
        return None
    if not isinstance(value, str):
        raise ApiError(400, "bad-request", f"`{name}` must be a string")
    return value


def flag_field(body: dict[str, Any], name: str, default: bool) -> bool:
    """The true/false field ``name`` of a request body, or 400 ``bad-request``."""
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise ApiError(400, "bad-request", f"`{name}` must be true or false")
    return value
