"""The server's one error type, and the ``{"code", "message"}`` reply every failure becomes."""

from __future__ import annotations

from typing import Any

from tornado.web import HTTPError

#: Codes and messages for errors tornado or jupyter_server raise themselves (authentication,
#: authorization, routing...) without a message of their own.
_CODES = {
    400: ("bad-request", "bad request"),
    401: ("unauthenticated", "no valid credentials: send the server's token"),
    403: ("forbidden", "not allowed: no valid credentials (token, or cookie and XSRF token), or "
          "the user may not do this"),
    404: ("not-found", "no such endpoint"),
    405: ("method-not-allowed", "this endpoint does not take that HTTP method"),
    413: ("too-large", "the request body is too large"),
}  # fmt: skip
MAX_MESSAGE = 500


class ApiError(HTTPError):
    """A failure the client caused or can act on: an HTTP status, a stable ``code`` and a
    one-line ``message``; ``extra`` fields join the reply (``findings`` for a refusal)."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(status, reason=None)
        self.code = code
        self.message = one_line(message)
        self.extra = extra

    def get_message(self) -> str:
        """What tornado logs for it (a warning, without a traceback)."""
        return f"{self.code}: {self.message}"


def reply_for(error: BaseException | None, status: int) -> dict[str, Any]:
    """The JSON reply for ``error`` (raised or not): never a traceback, always one line."""
    if isinstance(error, ApiError):
        return {"code": error.code, "message": error.message, **error.extra}
    if isinstance(error, HTTPError):
        status = error.status_code
    if status >= 500:
        return {"code": "internal", "message": internal_message(error)}
    code, message = _CODES.get(status, ("error", f"HTTP {status}"))
    if isinstance(error, HTTPError):
        message = error.get_message() or error.reason or message
    return {"code": code, "message": one_line(message)}


def internal_message(error: BaseException | None) -> str:
    """One line for an unexpected failure; the traceback goes to the server's log only."""
    if error is None:
        return "internal error; see the server's log"
    return one_line(f"internal error ({type(error).__name__}: {error}); see the server's log")


def one_line(text: str) -> str:
    """``text`` on one line, cut to a readable length."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= MAX_MESSAGE else flat[: MAX_MESSAGE - 1] + "…"
