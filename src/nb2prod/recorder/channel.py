"""The comm (target ``nb2prod``) that carries records to the front end; see FORMAT.md.

The front end opens it; the kernel answers with everything recorded so far, then sends each
execution as it finishes. Outside a kernel with comms (a terminal IPython) there is no channel and
the recorder still records.
"""

from __future__ import annotations

import contextlib
from typing import Any

from nb2prod.recorder.session import Recorder

TARGET = "nb2prod"


def register(recorder: Recorder) -> bool:
    manager = _manager(recorder.shell)
    if manager is None:
        return False
    manager.register_target(TARGET, lambda comm, message: _Channel(recorder, comm))
    return True


def unregister(recorder: Recorder) -> None:
    manager = _manager(recorder.shell)
    if manager is not None:
        with contextlib.suppress(Exception):
            manager.unregister_target(TARGET, None)


class _Channel:
    def __init__(self, recorder: Recorder, comm: Any) -> None:
        self.recorder = recorder
        self.comm = comm
        self.sent = set(recorder.environments)
        recorder.listeners.append(self.execution)
        comm.on_msg(self.message)
        comm.on_close(self.closed)
        comm.send({"type": "state", **recorder.state()})

    def execution(self, record: dict[str, Any], source: str, environment: dict[str, Any]) -> None:
        new = environment["id"] not in self.sent
        self.sent.add(environment["id"])
        self.comm.send(
            {
                "type": "execution",
                "execution": record,
                "source": source,
                "environment": environment if new else None,
            }
        )

    def message(self, message: dict[str, Any]) -> None:
        data = message.get("content", {}).get("data", {})
        if isinstance(data, dict) and data.get("type") == "snapshot":
            record = self.recorder.new_environment()
            self.sent.add(record["id"])
            self.comm.send({"type": "environment", "environment": record})

    def closed(self, message: dict[str, Any]) -> None:
        if self.execution in self.recorder.listeners:
            self.recorder.listeners.remove(self.execution)


def _manager(shell: Any) -> Any:
    kernel = getattr(shell, "kernel", None)
    manager = getattr(kernel, "comm_manager", None)
    if manager is not None:
        return manager
    try:
        from comm import get_comm_manager

        return get_comm_manager() if kernel is not None else None
    except Exception:
        return None
