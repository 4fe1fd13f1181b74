"""The run stage of the fidelity harness, cached: each notebook runs top to bottom in a fresh
kernel (``nb2prod run``), in a copy of its folder, once per notebook content.

The copy, with the run's ``ran.ipynb`` in it, and what the run said (``run.json``) are kept under
``OUT/runs/KEY``, KEY being made of the notebook's path and the sha256 of its bytes: a later
measurement of the same notebook reuses them, so only the converter's stages run again. The corpus
folder is never written to.

The run goes on after a cell raises (``--allow-errors``), so the saved notebook shows where a run
fails and what every cell printed; a run *completed* when no cell raised (cells tagged
``raises-exception`` may, as nbclient allows them), and then ``ran.ipynb`` is exactly what a plain
``nb2prod run`` writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fidelity_proc import Done, run_command

RAN = "ran.ipynb"
RUN_RECORD = "run.json"
CELL_TIMEOUT = 120
RUN_LIMIT = 1800
#: What `nb2prod run` says when a cell did not finish: ``... in cell 7``.
_STOPPED = re.compile(r"stopped: (.*?in cell (\d+))")
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Notebook:
    """A notebook to measure: its kind tag, its path as the sample names it, and where it is."""

    kind: str
    rel: str
    path: Path


@dataclass(frozen=True)
class RunOutcome:
    """What the run stage gave. ``status``: completed, cell-error, stopped (a timeout or a dead
    kernel, in ``failed_cell``), unusable (exit 2), recorder (the recorder failed), crash,
    timeout (the harness's own limit). ``failed_cell`` is 1-based over all cells."""

    status: str
    exit: int | None
    seconds: float
    first_error: str
    failed_cell: int | None
    sha256: str

    @property
    def completed(self) -> bool:
        return self.status == "completed"


def cache_key(rel: str, content: bytes) -> str:
    """``<readable path>-<path hash>-<content hash>``: a changed notebook gets a new run."""
    slug = _SLUG.sub("_", rel).strip("_")[-80:] or "notebook"
    where = hashlib.sha256(rel.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{slug}-{where}-{hashlib.sha256(content).hexdigest()[:16]}"


def run_dir(out: Path, notebook: Notebook) -> Path:
    return out / "runs" / cache_key(notebook.rel, notebook.path.read_bytes())


def cached_run(folder: Path) -> RunOutcome | None:
    """The run recorded in ``folder``, if a finished run left one there."""
    try:
        data = json.loads((folder / RUN_RECORD).read_text(encoding="utf-8"))
        return RunOutcome(**data["outcome"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def run_stage(
    nb2prod: list[str], out: Path, notebook: Notebook, rerun: bool = False, tree: str = ""
) -> tuple[RunOutcome, Path, bool]:
    """The notebook's run, from the cache unless ``rerun``: (outcome, its folder, cached).
    ``tree`` (the nb2prod that ran it) is kept in the record."""
    folder = run_dir(out, notebook)
    found = None if rerun else cached_run(folder)
    if found is not None:
        return found, folder, True
    content = notebook.path.read_bytes()
    staging = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    work = staging / "w"
    shutil.copytree(notebook.path.parent, work, symlinks=True)
    argv = [*nb2prod, "run", notebook.path.name, "-o", RAN, "--timeout", str(CELL_TIMEOUT)]
    done = run_command([*argv, "--allow-errors"], work, RUN_LIMIT)
    outcome = judge_run(done, work / RAN, hashlib.sha256(content).hexdigest())
    for name, text in (("run.out", done.stdout), ("run.err", done.stderr)):
        (staging / name).write_text(text, encoding="utf-8")
    record: dict[str, Any] = {"notebook": notebook.rel, "tree": tree, "argv": list(done.argv)}
    record["outcome"] = asdict(outcome)
    (staging / RUN_RECORD).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)
    return outcome, folder, False


def judge_run(done: Done, ran: Path, sha256: str) -> RunOutcome:
    """Sort a finished ``nb2prod run --allow-errors``; ``ran`` is the notebook it saved."""
    err = done.stderr
    if done.timed_out:
        return RunOutcome("timeout", None, done.seconds, f"over {RUN_LIMIT} s", None, sha256)
    if "Traceback (most recent call last)" in err:
        return RunOutcome("crash", done.exit, done.seconds, _last_line(err), None, sha256)
    stopped = _STOPPED.search(err)
    if stopped:
        cell = int(stopped[2])
        return RunOutcome("stopped", done.exit, done.seconds, stopped[1], cell, sha256)
    if done.exit == 2:
        return RunOutcome("unusable", 2, done.seconds, _last_line(err), None, sha256)
    failed = first_error_cell(ran)
    if failed is not None:
        cell, error = failed
        return RunOutcome("cell-error", done.exit, done.seconds, error, cell, sha256)
    if done.exit != 0:
        return RunOutcome("recorder", done.exit, done.seconds, _last_line(err), None, sha256)
    return RunOutcome("completed", 0, done.seconds, "", None, sha256)


def first_error_cell(ran: Path) -> tuple[int, str] | None:
    """The first cell (1-based) that raised in a saved run, with ``Name: message``; tagged
    ``raises-exception`` cells are expected to raise and do not count."""
    try:
        cells: list[dict[str, Any]] = json.loads(ran.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return None
    for number, cell in enumerate(cells, 1):
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                name, value = output.get("ename", "Error"), output.get("evalue", "")
                return number, f"{name}: {value}".strip().splitlines()[0][:300]
    return None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
