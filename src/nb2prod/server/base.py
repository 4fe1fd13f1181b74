"""What every nb2prod handler shares: JSON in, ``{"code", "message"}`` out, paths confined to the
root, analyses and conversions in a pool of worker processes under a time limit."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from nb2prod.errors import NotebookError
from nb2prod.notebook import Notebook
from nb2prod.server.errors import ApiError, one_line, reply_for
from nb2prod.server.jobs import read_notebook
from nb2prod.server.paths import Confined, confine
from nb2prod.server.pool import JobFailed, JobTimedOut, WorkerDied, WorkerPool, default_size

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: The largest request body taken (the open notebook in ``/analyze``); a tornado setting
#: (``ServerApp.tornado_settings``) of this name overrides it.
MAX_BODY_SETTING = "nb2prod_max_body_bytes"
MAX_BODY_BYTES = 64 * 1024 * 1024
#: Bodies above this size are parsed off the event loop.
_PARSE_INLINE = 1024 * 1024
#: Tornado settings: how many worker processes analyse and convert (default: 4, or one per CPU
#: when there are fewer), and the seconds a job may take before its worker is stopped.
WORKERS_SETTING = "nb2prod_workers"
ANALYSIS_SECONDS_SETTING = "nb2prod_analysis_seconds"
CONVERT_SECONDS_SETTING = "nb2prod_convert_seconds"
_DEFAULT_SECONDS = {ANALYSIS_SECONDS_SETTING: 120.0, CONVERT_SECONDS_SETTING: 300.0}

#: A job on a notebook of at most this many bytes is small: when every worker of the pool is
#: busy it goes to the express worker, which takes only small jobs, so it never waits behind a
#: big one (only behind other small ones, which are quick).
SMALL_JOB_BYTES = 1024 * 1024

_pool: WorkerPool | None = None
_express: WorkerPool | None = None


def worker_pool(settings: Mapping[str, Any]) -> WorkerPool:
    """The process's pool of workers, sized by the setting :data:`WORKERS_SETTING`."""
    global _pool
    size = settings.get(WORKERS_SETTING)
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        size = default_size()
    if _pool is None:
        _pool = WorkerPool(size)
    elif _pool.size != size:
        _pool.resize(size)
    return _pool


def express_pool() -> WorkerPool:
    """The one worker kept for small jobs (started when first needed)."""
    global _express
    if _express is None:
        _express = WorkerPool(1, name="nb2prod-express-worker")
    return _express


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
        """``work(*args)`` in the default thread pool (locking, writing: waiting, not computing)."""
        return await asyncio.get_running_loop().run_in_executor(None, work, *args)

    async def analysing(
        self,
        work: Callable[..., T],
        *args: Any,
        limit: str = ANALYSIS_SECONDS_SETTING,
        subject: str = "",
        weight: int | None = None,
    ) -> T:
        """``work(*args)`` in a worker process (checking, converting: CPU-bound), stopped after
        the seconds the tornado setting ``limit`` gives: 504 ``timeout``. ``subject`` (the
        notebook's path) names it in messages, and sends it to a worker that has seen it;
        ``weight`` (the notebook's bytes, see :meth:`weight`) makes a small job eligible for
        the express worker."""
        seconds = self.seconds(limit)
        pool = worker_pool(self.settings)
        if weight is not None and weight <= SMALL_JOB_BYTES and not pool.available:
            pool = express_pool()
        try:
            found = await pool.run(work, args, seconds, affinity=subject)
        except JobTimedOut:
            raise ApiError(
                504,
                "timeout",
                f"{subject or 'the request'}: stopped after {seconds:g} s (tornado setting "
                f"{limit}); for a notebook this big, run nb2prod in a terminal",
            ) from None
        except WorkerDied as error:
            self.log.error("nb2prod %s: %s", subject, error)
            raise ApiError(500, "internal", f"internal error ({error})") from None
        except JobFailed as error:
            self.log.error("nb2prod %s failed: %s\n%s", subject, error, error.trace)
            message = f"internal error ({one_line(str(error))}); see the server's log"
            raise ApiError(500, "internal", message) from None
        return cast("T", found)

    def weight(self, where: Confined, content: Any) -> int:
        """The size of the notebook a job reads: the request body when it carries the notebook,
        else the file's size (a file that cannot be looked at counts as big)."""
        if content is not None:
            return len(self.request.body)
        try:
            return os.stat(where.local).st_size
        except OSError:
            return SMALL_JOB_BYTES + 1

    def seconds(self, setting: str) -> float:
        """The time limit a tornado setting gives (its default when unset or not positive)."""
        value = self.settings.get(setting)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        return _DEFAULT_SECONDS[setting]

    async def notebook(self, where: Confined, content: Any = None) -> Notebook:
        """The notebook at ``where`` (or ``content``, the open notebook's JSON, named by it)."""
        return await self.on_notebook(read_notebook, where, content)

    async def on_notebook(
        self, work: Callable[[str, Any], T], where: Confined, content: Any = None
    ) -> T:
        """``work(local path, content)`` in a worker: 404 when nothing is at ``where`` (and no
        ``content`` stands for it), 400 ``unusable-notebook`` when it cannot be read."""
        if content is None:
            require_file(where)
        try:
            return await self.analysing(
                work, where.local, content, subject=where.api, weight=self.weight(where, content)
            )
        except NotebookError as error:
            raise unusable(where, error) from None


def require_file(where: Confined) -> None:
    """404 ``not-found`` unless something is at ``where``."""
    if not os.path.lexists(where.local):
        raise ApiError(404, "not-found", f"{where.api}: no such file")


def unusable(where: Confined, error: NotebookError) -> ApiError:
    """400 ``unusable-notebook``: the one line ``nb2prod check`` prints, naming ``where``."""
    return ApiError(400, "unusable-notebook", f"{where.api}: {error.reason}")


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
