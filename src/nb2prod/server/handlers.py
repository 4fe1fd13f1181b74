"""The analysis and environment endpoints, and the table of every route."""

from __future__ import annotations

import json

import tornado.web
from jupyter_server.utils import url_path_join

from nb2prod.errors import NotebookError
from nb2prod.server.base import (
    Nb2prodHandler,
    allowed_to,
    require_file,
    text_field,
    unusable,
)
from nb2prod.server.errors import ApiError
from nb2prod.server.jobs import analyse, environment


class AnalyzeHandler(Nb2prodHandler):
    """``POST /nb2prod/analyze``: what ``nb2prod check --json`` says about one notebook."""

    @tornado.web.authenticated
    @allowed_to("read")
    async def post(self) -> None:
        body = await self.json_body()
        where = self.confine(text_field(body, "path", required=True) or "")
        # read and checked in one job: the notebook never comes back to the server
        report = await self.on_notebook(analyse, where, body.get("content"))
        self.finish(json.dumps({**report, "path": where.api}))


class EnvironmentHandler(Nb2prodHandler):
    """``GET /nb2prod/environment?path=``: what the kernel recorded for a saved notebook."""

    @tornado.web.authenticated
    @allowed_to("read")
    async def get(self) -> None:
        path = self.get_query_argument("path", None)
        if path is None:
            raise ApiError(400, "bad-request", "the query argument `path` is missing")
        where = self.confine(path)
        require_file(where)
        try:
            found = await self.analysing(
                environment,
                where.local,
                where.api,
                subject=where.api,
                weight=self.weight(where, None),
            )
        except NotebookError as error:
            raise unusable(where, error) from None
        self.finish(json.dumps(found))


def routes(base_url: str) -> list[tuple[str, type[Nb2prodHandler]]]:
    """Every nb2prod route, under ``{base_url}nb2prod/``."""
    from nb2prod.server.convert import ConvertHandler
    from nb2prod.server.envcompare import EnvironmentCompareHandler

    table: list[tuple[str, type[Nb2prodHandler]]] = [
        ("analyze", AnalyzeHandler),
        ("convert", ConvertHandler),
        ("environment", EnvironmentHandler),
        ("environment/compare", EnvironmentCompareHandler),
    ]
    return [(url_path_join(base_url, "nb2prod", name), handler) for name, handler in table]
