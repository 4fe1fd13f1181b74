"""Ground truth for "is this notebook reproducible?": run it fresh, top to bottom, and compare.

A notebook *reproduces* when a fresh ``python3`` kernel runs every cell in order without an error
output AND every code cell shows the same stream and ``text/plain`` outputs as the stored ones
(error outputs are compared by name and value too). Never-run cells are compared like the rest:
their stored outputs are empty.

Before comparing, outputs are normalised for noise that says nothing about state: ANSI colours,
``\\r\\n``, memory addresses (``0x7f...``), ipykernel temp-file names, ``%time``/``%timeit``
measurements, and float digits beyond six significant figures.
"""

from __future__ import annotations

import copy
import re
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbformat import NotebookNode

TIMEOUT = 300

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_IPYKERNEL_TMP = re.compile(r"ipykernel_\d+")
_TIMING = re.compile(
    r"^(CPU times:.*|Wall time:.*|.* per loop \(mean ± std\. dev\. of .*\)|"
    r"The slowest run took .*|.*could mean that an intermediate result is being cached.*)$",
    re.MULTILINE,
)
_FLOAT = re.compile(r"-?\d+\.\d+(?:[eE][-+]?\d+)?")

Signature = tuple[str, ...]


def normalise(text: str) -> str:
    """Remove the noise that differs between two runs of the same code in the same state."""
    text = _ANSI.sub("", text).replace("\r\n", "\n")
    text = _ADDRESS.sub("0xADDR", text)
    text = _IPYKERNEL_TMP.sub("ipykernel_PID", text)
    text = _TIMING.sub("<timing>", text)
    return _FLOAT.sub(lambda m: f"{float(m.group()):.6g}", text)


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def signature(outputs: list[NotebookNode]) -> list[Signature]:
    """The comparable part of a cell's outputs: streams (merged per run), text/plain, errors."""
    sig: list[Signature] = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            text = normalise(_text(out.get("text", "")))
            if sig and sig[-1][0] == "stream" and sig[-1][1] == out.get("name"):
                sig[-1] = ("stream", sig[-1][1], sig[-1][2] + text)
            else:
                sig.append(("stream", str(out.get("name")), text))
        elif kind in {"execute_result", "display_data"}:
            plain = out.get("data", {}).get("text/plain")
            if plain is not None:
                sig.append((str(kind), normalise(_text(plain))))
        elif kind == "error":
            sig.append(("error", str(out.get("ename")), normalise(str(out.get("evalue")))))
    return sig


def run_fresh(path: Path | str) -> NotebookNode:
    """Execute a copy of the notebook top to bottom in a fresh kernel (cwd = its folder)."""
    path = Path(path)
    nb = nbformat.read(str(path), as_version=4)
    fresh = copy.deepcopy(nb)
    # IPC, not TCP: no race for free ports with other kernels starting at the same moment
    with tempfile.TemporaryDirectory(prefix="nb2prod-kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/kernel")
        client = NotebookClient(
            fresh,
            km=km,
            kernel_name="python3",
            allow_errors=True,
            timeout=TIMEOUT,
            resources={"metadata": {"path": str(path.parent.resolve())}},
        )
        client.execute()
    return fresh


def _code_cells(nb: NotebookNode) -> list[NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def has_error(nb: NotebookNode) -> bool:
    return any(o.get("output_type") == "error" for c in _code_cells(nb) for o in c.outputs)


def same_outputs(stored_nb: NotebookNode, fresh_nb: NotebookNode) -> bool:
    """True when every code cell shows the same normalised outputs in both notebooks."""
    stored, fresh = _code_cells(stored_nb), _code_cells(fresh_nb)
    if len(stored) != len(fresh):
        return False
    pairs = zip(stored, fresh, strict=True)
    return all(signature(s.outputs) == signature(f.outputs) for s, f in pairs)


def differences(stored_nb: NotebookNode, fresh_nb: NotebookNode) -> list[str]:
    """Human-readable list of the cells whose outputs differ (for assertion messages)."""
    stored, fresh = _code_cells(stored_nb), _code_cells(fresh_nb)
    if len(stored) != len(fresh):
        return [f"{len(stored)} stored code cells, {len(fresh)} fresh ones"]
    lines = []
    for i, (s, f) in enumerate(zip(stored, fresh, strict=True)):
        before, after = signature(s.outputs), signature(f.outputs)
        if before != after:
            lines.append(f"code cell {i}: stored {before} != fresh {after}")
    return lines


def reproduces(path: Path | str) -> bool:
    """Does a fresh top-to-bottom run finish without error and show the stored outputs?"""
    stored = nbformat.read(str(path), as_version=4)
    fresh = run_fresh(path)
    return not has_error(fresh) and same_outputs(stored, fresh)
