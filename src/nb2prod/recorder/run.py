"""``nb2prod run``: execute a notebook top to bottom in a fresh kernel with the recorder loaded,
and return it with its outputs and records (nbclient; each execute request carries its cell's id,
as JupyterLab sends it)."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from typing import Any

from nb2prod.errors import NotebookError
from nb2prod.progress import Report, quiet
from nb2prod.recorder.metadata import merge

_EXPORT = "__import__('nb2prod.recorder.extension', fromlist=['_']).export_json()"


@dataclass
class RunResult:
    """The notebook run (with its records); ``failed``: why the run stopped, at cell
    ``stopped_at`` (1-based, of ``cells``); ``raised``: the cells that raised an error (the run
    goes on after them with ``allow_errors``); ``failures``: what the recorder could not do."""

    notebook: dict[str, Any]
    failed: str | None = None
    failures: list[str] = field(default_factory=list)
    stopped_at: int | None = None
    cells: int = 0
    raised: list[int] = field(default_factory=list)


def run_notebook(
    path: str,
    kernel: str | None = None,
    timeout: int = 600,
    allow_errors: bool = False,
    progress: Report = quiet,
) -> RunResult:
    """Execute the notebook at ``path``; raise NotebookError for what cannot be run at all.

    ``progress`` hears ``running cell N of M`` before each code cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from nb2prod.notebook import loads, read_text

    text = read_text(path)
    loads(text, path)  # the same one-line refusals as check and convert, on the same bytes
    notebook = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
    folder = os.path.dirname(os.path.abspath(path))
    expected = expect_stored_errors(notebook)
    give_ids(notebook)
    current: dict[str, str | None] = {"id": None}
    client = NotebookClient(
        notebook,
        kernel_name=_kernel(notebook, kernel),
        timeout=timeout,
        allow_errors=allow_errors,
        extra_arguments=["--ext=nb2prod"],
        resources={"metadata": {"path": folder}},
        on_cell_execute=lambda cell, cell_index: current.update(id=cell.get("id")),
    )
    failed: str | None = None
    stopped: str | None = None
    position = _Position(len(notebook.cells), progress)
    try:
        with client.setup_kernel(cwd=folder, stderr=subprocess.DEVNULL):
            _send_cell_ids(client.kc, current)
            try:
                _execute_all(client, timeout, position)
            except CellExecutionError as error:
                failed = _first_line(error)
            except _Stopped as error:
                stopped = str(error)
            state = {} if stopped else _export(client)
    except NotebookError:
        raise
    except Exception as error:  # a dead kernel's cleanup may fail too: the reason stays
        if not stopped:
            raise NotebookError(path, f"could not be run: {_first_line(error)}") from None
    at = position.cell if failed or stopped else None
    raised = [n for n in raised_cells(notebook) if n <= position.cell]  # the later did not run
    if stopped:
        return RunResult(notebook, stopped, [], at, position.total, raised)
    recorded = merge(notebook, state)
    settle_expected_errors(recorded, expected)
    failures = list(state.get("failures", []))
    return RunResult(recorded, failed, failures, at, position.total, raised)


@dataclass
class _Position:
    """Which cell (1-based, of ``total``) is running, told to ``progress``."""

    total: int
    progress: Report
    cell: int = 0

    def at(self, index: int) -> None:
        self.cell = index + 1
        self.progress(f"running cell {self.cell} of {self.total}")


def raised_cells(notebook: Any) -> list[int]:
    """The cells (1-based) whose outputs hold an error."""
    return [
        index + 1
        for index, cell in enumerate(notebook.get("cells", []))
        if any(o.get("output_type") == "error" for o in cell.get("outputs", []))
    ]


def give_ids(notebook: Any) -> None:
    """Cell ids (nbformat 4.5) for a notebook from before them: each execution is recorded
    against its cell's id, so two cells with the same code are never taken for each other."""
    cells = notebook.get("cells", [])
    taken = {c.get("id") for c in cells if isinstance(c.get("id"), str)}
    if len(taken) == len(cells) and notebook.get("nbformat_minor", 0) >= 5:
        return
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        found = cell.get("id")
        if not isinstance(found, str) or not found or found in seen:
            found = f"cell-{index}"
            while found in taken or found in seen:
                found += "-b"
            cell["id"] = found
        seen.add(found)
    if notebook.get("nbformat", 4) == 4:
        notebook["nbformat_minor"] = max(5, notebook.get("nbformat_minor", 0))


#: nbclient's (and nbval's) tag: the cell may raise, and the run goes on.
RAISES = "raises-exception"


def expect_stored_errors(notebook: Any) -> set[int]:
    """Tag ``raises-exception`` the cells whose saved output is an error: they show an error on
    purpose (a textbook's ``1 / 0``), so a run from the top goes on past them. Returns the
    indexes of the cells tagged here."""
    tagged: set[int] = set()
    for index, cell in enumerate(notebook.cells):
        if cell.get("cell_type") != "code":
            continue
        errors = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if not errors:
            continue
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if isinstance(tags, list) and RAISES not in tags:
            tags.append(RAISES)
            tagged.add(index)
    return tagged


def settle_expected_errors(notebook: Any, tagged: set[int]) -> None:
    """Keep the tag on the cells tagged by :func:`expect_stored_errors` that raised again in
    this run (the saved notebook says the error is meant); take it off the others."""
    cells = notebook.get("cells", [])
    for index in tagged:
        if index >= len(cells):
            continue
        cell = cells[index]
        raised = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        tags = cell.get("metadata", {}).get("tags", [])
        if not raised and RAISES in tags:
            tags.remove(RAISES)
            if not tags:
                del cell["metadata"]["tags"]


def _kernel(notebook: Any, wanted: str | None) -> str:
    if wanted:
        return wanted
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    from nb2prod.metadata_values import is_good, kernel_name

    name = notebook.get("metadata", {}).get("kernelspec", {}).get("name") or "python3"
    if not is_good(name, kernel_name):  # a path or anything else is no kernel to look up
        return "python3"
    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return "python3"
    return str(name)


def _send_cell_ids(kc: Any, current: dict[str, str | None]) -> None:
    """Make the client's execute requests carry ``metadata.cellId``, as JupyterLab's do."""
    message = kc.session.msg

    def with_cell_id(msg_type: str, content: Any = None, *args: Any, **kwargs: Any) -> Any:
        built = message(msg_type, content, *args, **kwargs)
        if msg_type == "execute_request" and current["id"]:
            built["metadata"]["cellId"] = current["id"]
        return built

    kc.session.msg = with_cell_id


class _Stopped(Exception):
    """A cell did not finish: it ran out of time, or the kernel died (the message says which)."""


def _execute_all(client: Any, timeout: int, position: _Position) -> None:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        info = client.wait_for_reply(client.kc.kernel_info())
    except DeadKernelError:
        raise _Stopped("the kernel died before running any cell") from None
    if info is not None and "language_info" in info["content"]:
        client.nb.metadata["language_info"] = info["content"]["language_info"]
    for index, cell in enumerate(client.nb.cells):
        if cell.get("cell_type") == "code":
            position.at(index)
        try:
            client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        except CellTimeoutError:
            raise _Stopped(f"timed out after {timeout} s in cell {index + 1}") from None
        except DeadKernelError:
            raise _Stopped(f"the kernel died while running cell {index + 1}") from None


def _export(client: Any) -> dict[str, Any]:
    msg_id = client.kc.execute("", silent=True, user_expressions={"state": _EXPORT})
    reply = client.wait_for_reply(msg_id)
    found = reply["content"].get("user_expressions", {}).get("state", {})
    if found.get("status") != "ok":
        reason = found.get("evalue") or "no answer"
        return {"failures": [f"the kernel cannot load nb2prod's recorder: {reason}"]}
    state: dict[str, Any] = json.loads(ast.literal_eval(found["data"]["text/plain"]))
    return state


def _first_line(error: BaseException) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    tail = [line for line in lines if "Error" in line or "Exception" in line]
    return (tail[-1] if tail else lines[-1] if lines else type(error).__name__).strip()
