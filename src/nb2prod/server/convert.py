"""``POST /nb2prod/convert``: refusals and bad input answer at once; otherwise the answer streams
newline-delimited JSON, progress lines then one ``done`` (or ``error``) line."""

from __future__ import annotations

import asyncio
import json
import posixpath
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import tornado.web
from tornado.iostream import StreamClosedError

from nb2prod.errors import NotebookError
from nb2prod.kinds import described
from nb2prod.notebook import Notebook
from nb2prod.output_guard import CannotWrite, OutputRefused, Protected, check_folder
from nb2prod.server.base import (
    CONVERT_SECONDS_SETTING,
    Nb2prodHandler,
    allowed_to,
    flag_field,
    text_field,
    unusable,
)
from nb2prod.server.errors import ApiError, internal_message
from nb2prod.server.paths import Confined

T = TypeVar("T")

#: Seconds between progress lines while a long step (locking) runs, so the client sees life.
HEARTBEAT = 10.0
LOCK_HINT = 'or convert with "lock": false and lock later with `nb2prod lock`'
FORCE_FLAG = '"force": true'


@dataclass(frozen=True)
class ConvertRequest:
    path: str
    output: str | None
    name: str | None
    force: bool
    allow_hidden_state: bool
    lock: bool

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> ConvertRequest:
        return cls(
            path=text_field(body, "path", required=True) or "",
            output=text_field(body, "output"),
            name=text_field(body, "name"),
            force=flag_field(body, "force", False),
            allow_hidden_state=flag_field(body, "allow_hidden_state", False),
            lock=flag_field(body, "lock", True),
        )


def _no_team_secrets(where: Confined, notebook: Notebook, root: str) -> None:
    """Refuse what the configuration (found inside the root only) calls a secret."""
    from nb2prod.configured import team_secrets

    try:
        found = team_secrets(where.local, notebook, stop=root)
    except NotebookError as error:
        raise unusable(where, error) from None
    if found:
        raise ApiError(
            409,
            "refused",
            f"{where.api}: not converted: {len(found)} place(s) match the configuration's secret "
            "patterns, and a secret never goes into a package; read each from an environment "
            "variable in the notebook, then convert",
            findings=[described(f.to_dict()) for f in found],
        )


class _ClientGone(Exception):
    """The client closed the connection: stop, write nothing more."""


class ConvertHandler(Nb2prodHandler):
    """Check, lift, lock and write a package; see ``API.md``."""

    @tornado.web.authenticated
    @allowed_to("write")
    async def post(self) -> None:
        from nb2prod.convert.naming import identifier, package_name
        from nb2prod.convert.package import Refusal, convert_notebook

        request = ConvertRequest.from_body(await self.json_body())
        where = self.confine(request.path)
        notebook = await self.notebook(where)
        name = identifier(request.name, "package") if request.name else package_name(where.local)
        out = self.confine(
            request.output or posixpath.join(posixpath.dirname(where.api), name), "output"
        )
        _check_output(out, self._protected(where), request.force)
        _no_team_secrets(where, notebook, self.root)
        lift = partial(convert_notebook, name=name, allow_hidden_state=request.allow_hidden_state)
        try:
            result = await self.analysing(
                lift, notebook, limit=CONVERT_SECONDS_SETTING, subject=where.api
            )
        except NotebookError as error:  # a notebook nb2prod reads but cannot lift
            raise unusable(where, error) from None
        if isinstance(result, Refusal):
            raise ApiError(
                409,
                "refused",
                f"{where.api}: not converted: {len(result.findings)} error finding(s) mean a fresh "
                'run would not give the notebook\'s results; fix them, or pass "allow_hidden_state"'
                ": true to convert anyway",
                findings=[described(f.to_dict()) for f in result.findings],
            )
        try:
            await self._stream(result.files, name, where, out, request)
        except _ClientGone:
            self.log.info("nb2prod convert %s: the client left before the end", where.api)

    async def _stream(
        self,
        files: dict[str, str | bytes],
        name: str,
        where: Confined,
        out: Confined,
        request: ConvertRequest,
    ) -> None:
        self.set_header("Content-Type", "application/x-ndjson")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Accel-Buffering", "no")  # a proxy in front (nginx) must not hold lines
        await self._emit(type="progress", message=f"package `{name}`: {len(files)} files made")
        try:
            if request.lock:
                files = await self._lock(files, where)
            await self._emit(type="progress", message=f"writing {out.api}")
            await self._write(files, out, self._protected(where), request.force)
        except ApiError as error:
            await self._emit(type="error", code=error.code, message=error.message, **error.extra)
        except _ClientGone:
            raise
        except Exception as error:  # the answer has begun: report it in the stream
            self.log.exception("nb2prod convert %s failed", where.api)
            await self._emit(type="error", code="internal", message=internal_message(error))
        else:
            readme = posixpath.join(out.api, "README.md")
            await self._emit(
                type="done", output=out.api, package=name, files=sorted(files), readme=readme
            )
        self.finish(set_content_type="application/x-ndjson")

    async def _lock(self, files: dict[str, str | bytes], where: Confined) -> dict[str, str | bytes]:
        from nb2prod.deps.package import with_lock

        await self._emit(type="progress", message="locking dependencies")
        job = asyncio.ensure_future(
            self.in_thread(lambda: with_lock(files, where.api, hint=LOCK_HINT))
        )
        try:
            return await self._beating(job, "locking dependencies")
        except NotebookError as error:
            raise ApiError(422, "lock-failed", str(error)) from None

    def _protected(self, where: Confined) -> list[Protected]:
        return [(where.local, f"the notebook {where.api}"), (self.root, "the server's root")]

    async def _write(
        self, files: dict[str, str | bytes], out: Confined, protect: list[Protected], force: bool
    ) -> None:
        from nb2prod.output import write_tree

        def write() -> None:
            write_tree(files, Path(out.local), force=force, protect=protect, flag=FORCE_FLAG)

        try:
            await self.in_thread(write)
        except OutputRefused as error:  # something appeared there since it was checked
            raise _refusal(out, error) from None
        except CannotWrite as error:
            raise ApiError(500, "write-failed", f"{out.api}: {error.reason}") from None

    async def _beating(self, job: asyncio.Future[T], what: str) -> T:
        """``job``'s result; a progress line every :data:`HEARTBEAT` seconds until then."""
        started = time.monotonic()
        while True:
            done, _ = await asyncio.wait({job}, timeout=HEARTBEAT)
            if done:
                return job.result()
            await self._emit(
                type="progress", message=f"{what} ({time.monotonic() - started:.0f} s)"
            )

    async def _emit(self, **line: Any) -> None:
        """One NDJSON line, sent now."""
        self.write(json.dumps(line, ensure_ascii=False) + "\n")
        try:
            await self.flush()
        except StreamClosedError:
            raise _ClientGone from None


def _check_output(out: Confined, protect: list[Protected], force: bool) -> None:
    try:
        check_folder(out.local, force=force, protect=protect, flag=FORCE_FLAG)
    except OutputRefused as error:
        raise _refusal(out, error) from None
    except CannotWrite as error:
        raise ApiError(500, "write-failed", f"{out.api}: {error.reason}") from None


def _refusal(out: Confined, error: OutputRefused) -> ApiError:
    """400 for what is never replaced; 409 ``exists`` with what is there (``folder``: its path,
    whether nb2prod wrote it, its file count and files) for the rest."""
    message = f"{out.api}: {error.reason}"
    if error.kind == "protected":
        return ApiError(400, "bad-request", message)
    if error.existing is None:
        return ApiError(409, "exists", message)
    return ApiError(409, "exists", message, folder={"path": out.api, **error.existing.to_dict()})
