"""The recorder's state in one kernel, and the IPython event handlers that fill it.

``pre_run_cell`` notes the time, the user's names and the loaded modules and starts collecting file
reads; ``post_run_cell`` turns the differences into an execution record (FORMAT.md). Silent
executions (a front end's own requests) raise no events and are not recorded. Every handler catches
its own failures: the recorder may lose a record, never break or disturb the user's cell.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nb2prod.recorder import environment, execution, files, packages
from nb2prod.records import HISTORY_LIMIT, source_hash

Listener = Callable[[dict[str, Any], str, dict[str, Any]], None]


@dataclass
class _Pending:
    cell_id: str | None
    source: str
    started: float
    clock: float
    names: dict[str, int]
    modules: frozenset[str]


class Recorder:
    """Records every non-silent execution of one IPython shell."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.session = secrets.token_hex(8)
        self.environments: dict[str, dict[str, Any]] = {}
        self.history: deque[dict[str, Any]] = deque()
        self._uses: Counter[str] = Counter()
        self.sources: dict[str, str] = {}
        self.listeners: list[Listener] = []
        self.failures: list[str] = []
        self.modules = execution.Modules()
        self.names = execution.Names(shell.user_ns_hidden)
        self.files = files.collector()
        self.watcher = environment.Watcher()
        self.environment = self.new_environment()
        self._pending: _Pending | None = None
        self._executions = 0
        self._after: tuple[int, dict[str, int]] | None = None

    def start(self) -> None:
        for event, handler in self._handlers():
            self.shell.events.register(event, handler)
        threading.Thread(target=_warm, name="nb2prod-warm", daemon=True).start()

    def stop(self) -> None:
        for event, handler in self._handlers():
            with contextlib.suppress(ValueError):
                self.shell.events.unregister(event, handler)
        self.files.on = False
        self.listeners.clear()

    def new_environment(self) -> dict[str, Any]:
        with files.quiet():
            record = environment.snapshot(os.getcwd())
        self.environments.setdefault(record["id"], record)
        return record

    def state(self) -> dict[str, Any]:
        """Everything recorded so far (the comm's ``state`` message, without its type)."""
        return {
            "environments": dict(self.environments),
            "history": list(self.history),
            "sources": dict(self.sources),
        }

    def _handlers(self) -> list[tuple[str, Callable[..., None]]]:
        return [
            ("pre_execute", self.pre_execute),
            ("pre_run_cell", self.pre_run_cell),
            ("post_run_cell", self.post_run_cell),
        ]

    def pre_execute(self) -> None:
        """Every execution, silent ones too: the names seen after the last recorded one may
        have changed since."""
        self._executions += 1

    def _names_before(self) -> dict[str, int]:
        """The names now; the last execution's ``after`` when nothing ran since (saves a pass)."""
        if self._after is not None and self._executions == self._after[0] + 1:
            return self._after[1]
        return self._names()

    def pre_run_cell(self, info: Any) -> None:
        try:
            self._pending = _Pending(
                cell_id=getattr(info, "cell_id", None) or None,
                source=getattr(info, "raw_cell", "") or "",
                started=time.time(),
                clock=time.perf_counter(),
                names=self._names_before(),
                modules=self.modules.current(),
            )
            self.files.start()
        except Exception as error:
            self._failed("pre_run_cell", error)

    def post_run_cell(self, result: Any) -> None:
        clock = time.perf_counter()
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            record = self._record(pending, result, (clock - pending.clock) * 1000)
            self._remember(record, pending.source)
        except Exception as error:
            self.files.on = False
            self._failed("post_run_cell", error)

    def _record(self, pending: _Pending, result: Any, duration: float) -> dict[str, Any]:
        read = self.files.stop()
        after = self._names()
        self._after = (self._executions, after)
        defined, rebound, deleted = execution.names_changed(pending.names, after)
        new = self.modules.current() - pending.modules
        if self.watcher.changed(pending.source, bool(new)):
            self.environment = self.new_environment()
        error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
        return {
            "session": self.session,
            "cell_id": pending.cell_id,
            "execution_count": getattr(result, "execution_count", None),
            "started": environment.iso(pending.started),
            "duration_ms": round(duration, 3),
            "status": "error" if error is not None else "ok",
            "error": type(error).__name__ if error is not None else None,
            "source_hash": source_hash(pending.source),
            "defined": defined,
            "rebound": rebound,
            "deleted": deleted,
            "imports": execution.imports(new, self.environment["packages"]),
            "files": read,
            "writes": self.files.written,
            "seeds": execution.seeds(pending.source),
            "environment": self.environment["id"],
        }

    def _remember(self, record: dict[str, Any], source: str) -> None:
        if len(self.history) == HISTORY_LIMIT:
            dropped = self.history.popleft()["source_hash"]
            self._uses[dropped] -= 1
            if not self._uses[dropped]:
                del self._uses[dropped], self.sources[dropped]
        self.history.append(record)
        self.sources[record["source_hash"]] = source
        self._uses[record["source_hash"]] += 1
        for listener in list(self.listeners):
            try:
                listener(record, source, self.environment)
            except Exception as error:
                self._failed("listener", error)

    def _names(self) -> dict[str, int]:
        return self.names.snapshot(self.shell.user_ns)

    def _failed(self, where: str, error: Exception) -> None:
        message = f"nb2prod recorder: {where} failed: {type(error).__name__}: {error}"
        if len(self.failures) < 20:
            self.failures.append(message)
        log = getattr(self.shell, "log", None)
        if log is not None:
            log.warning(message)


def _warm() -> None:
    """Fill the slow caches (which distribution owns which module) off the user's path."""
    with files.quiet(), contextlib.suppress(Exception):
        packages.distribution_of("_")
