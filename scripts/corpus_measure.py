"""Measure nb2prod on notebooks: run `check` and `convert` on each, sort the outcomes, report them.

Each notebook gets `nb2prod check NB` and `nb2prod convert NB --no-lock -o TMP/out` (60 s each, in
the notebook's folder). Outcomes: ok (exit 0), findings (exit 1: error findings, or a refused
conversion), unusable (exit 2 with exactly one stderr line naming the file), crash (a traceback,
another exit status, or a signal), timeout, missing (the file is not there). Every `.py` of a
converted package must compile.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEOUT_S = 60
OUTCOMES = ("ok", "findings", "unusable", "crash", "timeout", "missing")
NB2PROD_BUG = "bug in nb2prod"  # what nb2prod says when it refuses its own faulty output


@dataclass
class Run:
    outcome: str
    status: int | None = None
    seconds: float = 0.0
    cause: str = ""


@dataclass
class Record:
    id: str
    kind: str
    traits: list[str]
    check: Run
    convert: Run
    modules: int = 0
    not_compiling: list[str] = field(default_factory=list)


def code_sources(notebook: dict[str, Any]) -> Iterable[str]:
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        sheets = notebook.get("worksheets") or [{}]
        cells = sheets[0].get("cells", []) if isinstance(sheets[0], dict) else []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", cell.get("input", ""))
            yield "".join(source) if isinstance(source, list) else str(source)


def traits(path: Path) -> list[str]:
    """Tags read from the file: nbformat version, with or without cell ids, py2, magics."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["not-json"]
    if not isinstance(notebook, dict):
        return ["not-json"]
    cells = notebook.get("cells")
    ids = isinstance(cells, list) and any(isinstance(c, dict) and "id" in c for c in cells)
    major = notebook.get("nbformat")
    tags = [f"v{major}" if major != 4 else ("v4 ids" if ids else "v4 no ids")]
    meta = notebook.get("metadata") or {}
    kernel = str((meta.get("kernelspec") or {}).get("name", ""))
    version = str((meta.get("language_info") or {}).get("version", ""))
    if "python2" in kernel or version.startswith("2"):
        tags.append("py2")
    lines = (line.lstrip() for source in code_sources(notebook) for line in source.splitlines())
    if any(line.startswith(("%", "!")) for line in lines):
        tags.append("magics")
    return tags


def invoke(command: str, args: Sequence[str], cwd: Path) -> tuple[int | None, str, str, float]:
    """Run `command args` through the shell in its own process group; status None on a timeout."""
    line = f"{command} {shlex.join(args)}"
    started = time.monotonic()
    with subprocess.Popen(
        line, shell=True, cwd=cwd, start_new_session=True, text=True, errors="replace",
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as proc:  # fmt: skip
        try:
            out, err = proc.communicate(timeout=TIMEOUT_S)
            status: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            status = None
    return status, out, err, time.monotonic() - started


def normalise(text: str, notebook: Path, out: Path) -> str:
    for value, name in ((str(out), "<OUT>"), (str(notebook), "<NB>"), (notebook.name, "<NB>")):
        text = text.replace(value, name)
    return text.strip()[:300]


def classify(status: int | None, out: str, err: str, notebook: Path, seconds: float) -> Run:
    lines = [line for line in err.splitlines() if line.strip()]
    last = lines[-1] if lines else (out.strip().splitlines() or [""])[-1]
    if status is None:
        return Run("timeout", None, seconds, f"no answer within {TIMEOUT_S} s")
    if "Traceback" in out or "Traceback" in err:
        return Run("crash", status, seconds, last)
    if status in (0, 1):
        return Run("ok" if status == 0 else "findings", status, seconds)
    if status == 2:
        names = len(lines) == 1 and (str(notebook) in lines[0] or notebook.name in lines[0])
        if names:
            return Run("unusable", status, seconds, lines[0])
        return Run("crash", status, seconds, f"exit 2 without one `PATH: reason` line: {last}")
    reason = f"signal {-status}" if status < 0 else f"exit {status}"
    if status > 128:  # a shell reports its child's death by signal N as 128 + N
        reason += f" (signal {status - 128}?)"
    return Run("crash", status, seconds, f"{reason}: {last}")


def not_compiling(package: Path) -> tuple[int, list[str]]:
    modules = sorted(package.rglob("*.py")) if package.is_dir() else []
    bad = []
    for module in modules:
        try:
            compile(module.read_bytes(), str(module), "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as error:
            bad.append(f"{module.relative_to(package)}: {error}")
    return len(modules), bad


def measure_one(command: str, kind: str, notebook: Path, ident: str) -> Record:
    if not notebook.is_file():
        return Record(ident, kind, [], Run("missing"), Run("missing"))
    with tempfile.TemporaryDirectory(prefix="nb2prod-corpus-") as scratch:
        out = Path(scratch) / "out"
        runs = []
        convert = ["convert", str(notebook), "--no-lock", "-o", str(out)]
        for args in (["check", str(notebook)], convert):
            status, stdout, stderr, seconds = invoke(command, args, notebook.parent)
            run = classify(status, stdout, stderr, notebook, seconds)
            run.cause = normalise(run.cause, notebook, out)
            runs.append(run)
        modules, bad = not_compiling(out) if runs[1].outcome == "ok" else (0, [])
    return Record(ident, kind, traits(notebook), runs[0], runs[1], modules, bad)


def measure_all(work: list[tuple[str, Path, str]], command: str, jobs: int) -> list[Record]:
    """Measure each (kind, notebook, id), `jobs` at a time, in the order given."""
    done: list[Record] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for record in pool.map(lambda item: measure_one(command, *item), work):
            done.append(record)
            if len(done) % 25 == 0:
                print(f"measured {len(done)}/{len(work)}", file=sys.stderr, flush=True)
    return done


# --- report --------------------------------------------------------------------------------------


def table(records: list[Record], command: str) -> str:
    """Outcomes of one command by kind, then by trait (a notebook counts under each trait)."""
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        run: Run = getattr(record, command)
        labels = ["all", f"kind {record.kind}", *(f"trait {t}" for t in record.traits)]
        for label in labels:
            rows[label][run.outcome] += 1
            if command == "convert" and run.outcome == "ok":
                rows[label]["compiles"] += not record.not_compiling and record.modules > 0
    columns = [*OUTCOMES, *(["compiles"] if command == "convert" else []), "total"]
    lines = [f"{command:22}" + "".join(f"{c:>10}" for c in columns)]
    for label in sorted(rows, key=lambda x: (x != "all", not x.startswith("kind"), x)):
        counts = rows[label]
        counts["total"] = sum(counts[o] for o in OUTCOMES)
        lines.append(f"{label:22}" + "".join(f"{counts[c]:>10}" for c in columns))
    return "\n".join(lines)


def problems(records: list[Record]) -> str:
    """Crashes and timeouts by command and cause, refusals that nb2prod itself calls a bug in
    nb2prod, and converted modules that do not compile."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for record in records:
        for command in ("check", "convert"):
            run: Run = getattr(record, command)
            if run.outcome in ("crash", "timeout") or NB2PROD_BUG in run.cause:
                groups[(command, run.outcome, run.cause)].append(record.id)
        for module in record.not_compiling:
            groups[("convert", "not compiling", module.split(": ", 1)[-1])].append(record.id)
    lines = []
    for (command, outcome, cause), ids in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"{len(ids):4} {command} {outcome}: {cause}")
        lines.extend(f"       {ident}" for ident in ids[:3])
        if len(ids) > 3:
            lines.append(f"       ... and {len(ids) - 3} more")
    return "\n".join(lines) or "no crash, no timeout, no nb2prod bug, every module compiles"
