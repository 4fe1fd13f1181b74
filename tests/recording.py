"""A real IPython kernel driven like a front end drives it: execute requests that carry the cell's
id in their metadata (as JupyterLab sends them), silent requests, and a comm to the recorder."""

from __future__ import annotations

import ast
import json
import queue
import uuid
from typing import Any

from jupyter_client.manager import start_new_kernel


class RecordingKernel:
    """A kernel with nb2prod's recorder loaded (``record=False``: not loaded)."""

    def __init__(self, cwd: str, record: bool = True) -> None:
        self.manager, self.client = start_new_kernel(kernel_name="python3", cwd=cwd)
        self.comm_messages: list[dict[str, Any]] = []
        if record:
            reply = self.request("%load_ext nb2prod", silent=True)
            assert reply["status"] == "ok", reply

    def __enter__(self) -> RecordingKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)

    def request(
        self,
        code: str,
        cell_id: str | None = None,
        silent: bool = False,
        user_expressions: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Send one execute request and wait for its reply; iopub is drained up to idle."""
        content = {
            "code": code,
            "silent": silent,
            "store_history": not silent,
            "user_expressions": user_expressions or {},
            "allow_stdin": False,
            "stop_on_error": False,
        }
        metadata = {"cellId": cell_id} if cell_id else {}
        message = self.client.session.msg("execute_request", content, metadata=metadata)
        self.client.shell_channel.send(message)
        reply = self._reply(message["header"]["msg_id"])
        self._drain(message["header"]["msg_id"])
        return reply["content"]  # type: ignore[no-any-return]

    def run(self, code: str, cell_id: str | None = None) -> dict[str, Any]:
        return self.request(code, cell_id=cell_id)

    def state(self) -> dict[str, Any]:
        """Everything the recorder holds, as the kernel exports it."""
        expression = "__import__('nb2prod.recorder.extension', fromlist=['_']).export_json()"
        reply = self.request("", silent=True, user_expressions={"state": expression})
        text = reply["user_expressions"]["state"]["data"]["text/plain"]
        return json.loads(ast.literal_eval(text))  # type: ignore[no-any-return]

    def open_comm(self, target: str = "nb2prod") -> str:
        comm_id = uuid.uuid4().hex
        message = self.client.session.msg(
            "comm_open", {"comm_id": comm_id, "target_name": target, "data": {}}
        )
        self.client.shell_channel.send(message)
        self.request("", silent=True)  # the kernel handles requests in order: the open is done
        return comm_id

    def send_comm(self, comm_id: str, data: dict[str, Any]) -> None:
        message = self.client.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        self.client.shell_channel.send(message)
        self.request("", silent=True)

    def _reply(self, msg_id: str) -> dict[str, Any]:
        while True:
            reply = self.client.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply  # type: ignore[no-any-return]

    def _drain(self, msg_id: str) -> None:
        while True:
            try:
                message = self.client.get_iopub_msg(timeout=30)
            except queue.Empty:
                return
            if message["msg_type"] == "comm_msg":
                self.comm_messages.append(message["content"]["data"])
            parent = message["parent_header"].get("msg_id")
            state = message["content"].get("execution_state")
            if parent == msg_id and message["msg_type"] == "status" and state == "idle":
                return
