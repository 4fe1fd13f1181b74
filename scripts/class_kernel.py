"""A real IPython kernel with nb2prod's recorder loaded, driven as JupyterLab drives it.

Each cell runs as one execute request that carries the cell's id in its metadata (``cellId``),
with ``store_history`` on, so execution counts and the recorder's history are the ones a person
clicking through JupyterLab would leave. Outputs are collected from iopub as JupyterLab stores
them (consecutive stream outputs of one name merged, ``clear_output`` honoured). At the end,
:meth:`ClassKernel.state` asks the recorder for everything it holds, as ``nb2prod run`` does.
"""

from __future__ import annotations

import ast
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.manager import KernelManager
from nbformat import NotebookNode
from nbformat.v4 import output_from_msg

TIMEOUT = 120.0
_EXPORT = "__import__('nb2prod.recorder.extension', fromlist=['_']).export_json()"


class ClassKernel:
    """A ``python3`` kernel started in ``cwd``, with environment ``env`` (default: this one's)."""

    def __init__(self, cwd: Path, env: Mapping[str, str] | None = None) -> None:
        # IPC, not TCP: no race for free ports; the socket prefix is absolute because the
        # kernel runs in another folder than this client.
        self._sockets = tempfile.TemporaryDirectory(prefix="nb2prod-class-kernel-")
        self.manager = KernelManager(
            kernel_name="python3", transport="ipc", ip=f"{self._sockets.name}/kernel"
        )
        self.manager.start_kernel(cwd=str(cwd), env=dict(os.environ if env is None else env))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=TIMEOUT)
        self.language_info = self._language_info()
        reply = self._request("%load_ext nb2prod", silent=True)
        if reply["status"] != "ok":
            raise RuntimeError(f"the recorder did not load: {reply.get('evalue')}")

    def __enter__(self) -> ClassKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)
        self._sockets.cleanup()

    def run(self, source: str, cell_id: str) -> tuple[int | None, list[NotebookNode]]:
        """Run one cell; its execution count and outputs, as JupyterLab would store them."""
        outputs: list[NotebookNode] = []
        reply = self._request(source, cell_id=cell_id, outputs=outputs)
        count = reply.get("execution_count")
        return (count if isinstance(count, int) else None), outputs

    def state(self) -> dict[str, Any]:
        """Everything the recorder holds (environments, history, sources), as it exports it."""
        reply = self._request("", silent=True, expressions={"state": _EXPORT})
        text = reply["user_expressions"]["state"]["data"]["text/plain"]
        state: dict[str, Any] = json.loads(ast.literal_eval(text))
        if state.get("failures"):
            raise RuntimeError(f"the recorder failed: {state['failures']}")
        return state

    def _language_info(self) -> dict[str, Any]:
        msg_id = self.client.kernel_info()
        reply = self._shell_reply(msg_id)
        return dict(reply["content"].get("language_info", {}))

    def _request(
        self,
        code: str,
        *,
        cell_id: str | None = None,
        silent: bool = False,
        expressions: dict[str, str] | None = None,
        outputs: list[NotebookNode] | None = None,
    ) -> dict[str, Any]:
        content = {
            "code": code,
            "silent": silent,
            "store_history": not silent,
            "user_expressions": expressions or {},
            "allow_stdin": False,
            "stop_on_error": False,
        }
        metadata = {"cellId": cell_id} if cell_id else {}
        message = self.client.session.msg("execute_request", content, metadata=metadata)
        self.client.shell_channel.send(message)
        msg_id = message["header"]["msg_id"]
        self._collect(msg_id, outputs if outputs is not None else [])
        reply: dict[str, Any] = self._shell_reply(msg_id)["content"]
        return reply

    def _shell_reply(self, msg_id: str) -> dict[str, Any]:
        while True:
            reply: dict[str, Any] = self.client.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def _collect(self, msg_id: str, outputs: list[NotebookNode]) -> None:
        """Gather the request's outputs from iopub until the kernel is idle again."""
        clear_pending = False
        while True:
            try:
                msg = self.client.get_iopub_msg(timeout=TIMEOUT)
            except Empty as exc:
                raise TimeoutError(f"no reply from the kernel in {TIMEOUT:.0f} s") from exc
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content["execution_state"] == "idle":
                return
            if kind == "clear_output":
                clear_pending = bool(content.get("wait"))
                if not clear_pending:
                    outputs.clear()
            elif kind in {"stream", "execute_result", "display_data", "error"}:
                if clear_pending:
                    outputs.clear()
                    clear_pending = False
                _append(outputs, output_from_msg(msg))


def _append(outputs: list[NotebookNode], out: NotebookNode) -> None:
    last = outputs[-1] if outputs else None
    same_stream = (
        out.output_type == "stream"
        and last is not None
        and last.output_type == "stream"
        and last.name == out.name
    )
    if same_stream and last is not None:
        last.text += out.text
    else:
        outputs.append(out)
