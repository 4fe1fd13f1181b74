"""Build notebooks from a script of REAL kernel executions, the way people make them in JupyterLab.

``build(cells, steps, path)`` starts a fresh ``python3`` IPython kernel (cwd = the notebook's
folder) and replays ``steps`` against the cells:

* ``i`` (an int): run cell ``i``'s current source. Its execution count and outputs (stream,
  execute_result, display_data, error) replace whatever it showed before, exactly as JupyterLab
  does; consecutive stream outputs of one name are merged. An error stops nothing: the script goes
  on, like a user who shrugs and runs the next cell.
* ``("edit", i, source)``: change cell ``i``'s source without running it; its outputs and count
  stay, which is how stale outputs arise.
* ``("delete", i)``: remove cell ``i``. Later cells shift down by one, so steps after a delete
  use the NEW indices (as the cell numbers in JupyterLab would).
* ``("insert", i, source)``: insert a new, never-run code cell at index ``i`` (later cells shift
  up).

Indices count every cell, markdown included. A cell given as ``("markdown", text)`` is a markdown
cell; running it does nothing. Cell ids are derived from the notebook's file name and the cell's
original position (``sha1``), so rebuilding gives byte-identical files when outputs are
deterministic.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
from jupyter_client.manager import KernelManager
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, output_from_msg

Cell = str | tuple[str, str]
Step = int | tuple[Any, ...]

TIMEOUT = 120.0
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _cell_id(stem: str, origin: str) -> str:
    return hashlib.sha1(f"{stem}:{origin}".encode()).hexdigest()[:12]


def _make_cell(cell: Cell, cell_id: str) -> NotebookNode:
    if isinstance(cell, tuple):
        kind, text = cell
        if kind != "markdown":
            raise ValueError(f"unknown cell kind {kind!r}")
        node = new_markdown_cell(text)
    else:
        node = new_code_cell(cell)
    node["id"] = cell_id
    return node


def _append_output(outputs: list[NotebookNode], out: NotebookNode) -> None:
    last = outputs[-1] if outputs else None
    if (
        out.output_type == "stream"
        and last is not None
        and last.output_type == "stream"
        and last.name == out.name
    ):
        last.text += out.text
    else:
        outputs.append(out)


class _Kernel:
    """A real kernel plus a blocking client, used to run one cell at a time."""

    def __init__(self, cwd: Path) -> None:
        # IPC, not TCP: no race for free ports with other kernels starting at the same moment.
        # The socket prefix must be absolute: the kernel runs in another cwd than this client.
        self.sockets = tempfile.TemporaryDirectory(prefix="nb2prod-kernel-")
        self.km = KernelManager(
            kernel_name="python3", transport="ipc", ip=f"{self.sockets.name}/kernel"
        )
        self.km.start_kernel(cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=TIMEOUT)
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.language_info: dict[str, Any] = dict(reply["content"].get("language_info", {}))

    def run(self, source: str) -> tuple[int | None, list[NotebookNode]]:
        msg_id = self.kc.execute(source, store_history=True, allow_stdin=False)
        outputs: list[NotebookNode] = []
        clear_pending = False
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            except Empty as exc:  # pragma: no cover - a hung kernel
                raise TimeoutError(f"cell did not finish: {source[:60]!r}") from exc
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            mtype, content = msg["msg_type"], msg["content"]
            if mtype == "status" and content["execution_state"] == "idle":
                break
            if mtype == "clear_output":
                if content.get("wait"):
                    clear_pending = True
                else:
                    outputs.clear()
                continue
            if mtype in {"stream", "execute_result", "display_data", "error"}:
                if clear_pending:
                    outputs.clear()
                    clear_pending = False
                _append_output(outputs, output_from_msg(msg))
        while True:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        count = reply["content"].get("execution_count")
        return (count if isinstance(count, int) else None), outputs

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        self.sockets.cleanup()


def build(
    cells: Sequence[Cell],
    steps: Sequence[Step],
    path: Path,
    *,
    tags: dict[int, list[str]] | None = None,
) -> None:
    """Replay ``steps`` on ``cells`` in a real kernel and write the notebook to ``path``.

    ``tags`` maps an ORIGINAL cell index to the tags stored in that cell's metadata.
    """
    path = Path(path)
    stem = path.stem
    nb_cells = [_make_cell(c, _cell_id(stem, str(i))) for i, c in enumerate(cells)]
    for i, cell_tags in (tags or {}).items():
        nb_cells[i].metadata["tags"] = list(cell_tags)
    inserted = 0
    kernel = _Kernel(path.parent.resolve())
    try:
        for step in steps:
            if isinstance(step, int):
                cell = nb_cells[step]
                if cell.cell_type != "code":
                    continue
                cell.execution_count, cell.outputs = kernel.run(cell.source)
            elif step[0] == "edit":
                nb_cells[step[1]].source = step[2]
            elif step[0] == "delete":
                del nb_cells[step[1]]
            elif step[0] == "insert":
                inserted += 1
                nb_cells.insert(step[1], _make_cell(step[2], _cell_id(stem, f"insert{inserted}")))
            else:
                raise ValueError(f"unknown step {step!r}")
        language_info = kernel.language_info
    finally:
        kernel.close()
    nb = new_notebook(cells=nb_cells)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": language_info})
    nbformat.validate(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
