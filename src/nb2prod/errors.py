"""The one domain error of nb2prod: input it cannot use."""

from __future__ import annotations


class NotebookError(Exception):
    """A notebook (or other input) nb2prod cannot use.

    ``str(error)`` is the one line shown to users: the file, then the reason.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
