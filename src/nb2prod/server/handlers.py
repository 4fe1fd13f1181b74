"""The analysis and environment endpoints, and the table of every route."""

from __future__ import annotations

import json

import tornado.web
from jupyter_server.utils import url_path_join

from nb2prod.errors import NotebookError
from nb2prod.server.base import Nb2prodHandler, allowed_to, require_file, text_field, unusable
from nb2prod.server.errors import ApiError


class AnalyzeHandler(Nb2prodHandler):
    """``POST /nb2prod/analyze``: what ``nb2prod check --json`` says about one notebook."""

    @tornado.web.authenticated
    @allowed_to("read")
    async def post(self) -> None:
        from nb2prod.analysis import check_notebook

        body = await self.json_body()
        where = self.confine(text_field(body, "path", required=True) or "")
        notebook = await self.notebook(where, body.get("content"))
        report = await self.analysing(check_notebook, notebook)
        self.finish(json.dumps({**report.to_dict(), "path": where.api}))


class EnvironmentHandler(Nb2prodHandler):
    """``GET /nb2prod/environment?path=``: what the kernel recorded for a saved notebook."""

    @tornado.web.authenticated
    @allowed_to("read")
    async def get(self) -> None:
        from nb2prod.server.environment import read_environment

        path = self.get_query_argument("path", None)
        if path is None:
            raise ApiError(400, "bad-request", "the query argument `path` is missing")
        where = self.confine(path)
        require_file(where)
        try:
            found = await self.in_thread(read_environment, where.local, where.api)
        except NotebookError as error:
            raise unusable(where, error) from None
        self.finish(json.dumps(found))


def routes(base_url: str) -> list[tuple[str, type[Nb2prodHandler]]]:
    """Every nb2prod route, under ``{base_url}nb2prod/``."""
    from nb2prod.server.convert import ConvertHandler

    table: list[tuple[str, type[Nb2prodHandler]]] = [
        ("analyze", AnalyzeHandler),
        ("convert", ConvertHandler),
        ("environment", EnvironmentHandler),
    ]
    return [(url_path_join(base_url, "nb2prod", name), handler) for name, handler in table]
