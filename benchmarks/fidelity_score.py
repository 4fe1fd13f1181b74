"""Scoring ``nb2prod check``'s claims against a fresh run of the same notebook.

A cell's *shown text* is what the generated tests compare (its stdout and plain-text results, a
figure's text left out), plus how many figures it drew and the error it raised, normalized as
the tests normalize. An error-level finding that names cell C is *confirmed* when C's shown text
in the fresh run differs from the stored one, or the fresh run failed at or before C. A cell
whose text differs, at or before the run's first failure, is *covered* when an error-level
finding names it; the others are check's misses, each with the kind of difference (a cell that
raised in the fresh run: ``environment`` when a module, file or the network was missing, else
``error``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fidelity_diff import difference, normalize

#: Kinds of finding that mark a cell's stored output as depending on unseeded random numbers.
RANDOM_KIND = "unseeded-random"
#: Kinds of finding that claim the cell raises when it runs.
RAISING_KINDS = frozenset({"error-output", "undefined-name", "use-before-define", "syntax-error"})
#: Errors of a fresh run that say this machine lacks what the notebook's had.
ENVIRONMENT_ERRORS = frozenset({
    "ModuleNotFoundError", "ImportError", "FileNotFoundError", "URLError", "ConnectionError",
    "HTTPError", "OperationalError", "OSError", "gaierror",
})  # fmt: skip


def shown(cell: Mapping[str, Any]) -> str:
    """A cell's shown text, normalized: what its tests would compare."""
    if cell.get("cell_type") != "code":
        return ""
    parts: list[str] = []
    figures = 0
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream" and output.get("name") != "stderr":
            parts.append(_text(output.get("text")))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "image/png" in data or "image/svg+xml" in data:
                figures += 1
            elif "text/plain" in data:
                parts.append(_text(data["text/plain"]) + "\n")
        elif kind == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}\n")
    text = normalize("".join(parts))
    return f"{text}\n[{figures} figure(s)]" if figures else text


def load_cells(path: Path) -> list[dict[str, Any]]:
    """The cells of a notebook as nbformat 4 (version 3 upgraded as nb2prod reads it)."""
    import nbformat

    notebook = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)  # type: ignore[no-untyped-call]
    return [dict(cell) for cell in notebook.cells]


def score_notebook(
    original: Path,
    fresh: Path | None,
    findings: Sequence[Mapping[str, Any]],
    failed_cell: int | None,
) -> dict[str, Any]:
    """The claims, each confirmed or not and how, and the cells whose shown text differs."""
    stored = load_cells(original)
    ran = load_cells(fresh) if fresh is not None else None
    if ran is not None and len(ran) != len(stored):
        return {"problem": f"the run has {len(ran)} cells, the notebook {len(stored)}"}
    random_cells = {f.get("cell") for f in findings if f.get("kind") == RANDOM_KIND}
    differing = differing_cells(stored, ran, failed_cell, random_cells) if ran else {}
    errors = [f for f in findings if f.get("severity") == "error" and f.get("cell")]
    raised = {n for n, cell in enumerate(ran or [], 1) if _errors(cell)}
    claims = [judge_claim(f, differing, failed_cell, raised) for f in errors]
    claimed = {c["cell"] for c in claims}
    misses = [
        {"cell": cell, "difference": kind, "covered": cell in claimed}
        for cell, kind in sorted(differing.items())
    ]
    return {"cells": len(stored), "claims": claims, "differing": misses, "fresh": ran is not None}


def judge_claim(
    finding: Mapping[str, Any],
    differing: Mapping[int, str],
    failed_cell: int | None,
    raised: Collection[int] = (),
) -> dict[str, Any]:
    """One error-level claim on a cell, confirmed or not, and ``how``: ``failed-at`` (the run
    failed in that very cell), ``failed-before`` (in a cell above it, so the cell never ran as
    stored: confirmed by the definition, but no evidence either way), ``differs``, or empty.

    A claim that the cell raises (a stored error, a name or syntax Python cannot run) is also
    ``failed-at`` when the fresh run raised in that cell (``raised``) though the run went on:
    ``nb2prod run`` expects the errors a notebook stored, and a plain run stops there."""
    cell = int(finding["cell"])
    claim: dict[str, Any] = {"kind": finding.get("kind"), "cell": cell}
    if failed_cell is not None and failed_cell <= cell:
        how = "failed-at" if failed_cell == cell else "failed-before"
        return {**claim, "confirmed": True, "how": how}
    if finding.get("kind") in RAISING_KINDS and cell in raised:
        return {**claim, "confirmed": True, "how": "failed-at"}
    if cell in differing:
        return {**claim, "confirmed": True, "how": "differs"}
    return {**claim, "confirmed": False, "how": ""}


def differing_cells(
    stored: Sequence[Mapping[str, Any]],
    ran: Sequence[Mapping[str, Any]],
    failed_cell: int | None,
    random_cells: Iterable[Any] = (),
) -> dict[int, str]:
    """Cell number -> kind of difference, for the cells (up to the first failure) whose shown
    text differs between the stored notebook and the fresh run."""
    randoms = set(random_cells)
    last = failed_cell or len(stored)
    found: dict[int, str] = {}
    for number, (before, after) in enumerate(zip(stored, ran, strict=True), 1):
        if number > last:
            break
        old, new = shown(before), shown(after)
        if old == new:
            continue
        if before.get("cell_type") == "code" and before.get("execution_count") is None:
            found[number] = "unexecuted"
        elif any(o.get("output_type") == "error" for o in after.get("outputs", [])):
            found[number] = _error_kind(after)
        else:
            found[number] = difference(old.splitlines(), new.splitlines(), number in randoms)
    return found


def _errors(cell: Mapping[str, Any]) -> bool:
    return any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def _error_kind(cell: Mapping[str, Any]) -> str:
    """``environment`` when the fresh run lacked what the notebook's machine had (a module, a
    file, the network), else ``error``."""
    names = {o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"}
    return "environment" if names & ENVIRONMENT_ERRORS else "error"


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return str(value or "")
