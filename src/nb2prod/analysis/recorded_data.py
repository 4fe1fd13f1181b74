"""``changed-data``: a data file a cell's last run read has other content now.

Proven two ways: a later recorded run read the same path and got another SHA-256, or the file on
disk now (relative paths from the notebook's folder, where the kernel ran) has another size or
SHA-256 than the record. Files are hashed streaming, and only up to 64 MiB (the recorder's limit);
a file missing here is not reported (``absolute-path`` speaks for paths of another machine).
"""

from __future__ import annotations

from nb2prod.analysis.context import Analysed
from nb2prod.analysis.timeline import Run, Timeline, proven
from nb2prod.errors import NotebookError
from nb2prod.findings import Finding, Severity
from nb2prod.records import HASH_LIMIT, FileRead
from nb2prod.safefiles import sha256_inside, stat_inside


def changed_data_findings(timeline: Timeline, directory: str) -> list[Finding]:
    """One warning per covered cell whose last run read data that changed since."""
    reads: dict[str, list[tuple[Run, FileRead]]] = {}
    for run in timeline.runs:
        for read in run.execution.files:
            reads.setdefault(read.path, []).append((run, read))
    digests: dict[str, str | None] = {}
    found: list[Finding] = []
    for cell, run in sorted(timeline.last.items(), key=lambda item: item[0].number):
        changes = [
            (read.path, why)
            for read in run.execution.files
            if (
                why := _read_later(run, read, reads[read.path])
                or _on_disk(read, directory, digests)
            )
        ]
        if changes:
            found.append(_changed(cell, run, changes))
    return found


def _read_later(run: Run, read: FileRead, reads: list[tuple[Run, FileRead]]) -> str | None:
    for later, again in reads:
        if later.index > run.index and not _same(again.sha256, read.sha256):
            return f"{later.label} read other content from it later"
    return None


def _on_disk(read: FileRead, directory: str, digests: dict[str, str | None]) -> str | None:
    """Why the file as it is now differs, for files inside the notebook's folder only: a record
    names any path, and reading outside the folder would let a crafted notebook probe the
    machine that checks it (the server's analyze endpoint)."""
    try:  # the safe reader: a regular file whose real path is inside the folder, or nothing
        info = stat_inside(directory, read.path)
    except (NotebookError, ValueError):
        return None
    if read.size is not None and info.st_size != read.size:
        return f"it is {info.st_size} bytes now, {read.size} when it ran"
    if read.sha256 is None or info.st_size > HASH_LIMIT:
        return None
    if read.path not in digests:
        try:
            digests[read.path] = sha256_inside(directory, read.path, HASH_LIMIT)
        except (NotebookError, ValueError):
            digests[read.path] = None
    if _same(digests[read.path], read.sha256):
        return None
    return "its content differs now from what it read"


def _same(one: str | None, other: str | None) -> bool:
    """Whether two digests agree; an unknown or too-short digest proves nothing."""
    if not one or not other or min(len(one), len(other)) < 16:
        return True
    one, other = one.lower(), other.lower()
    return one.startswith(other) or other.startswith(one)


def _count(cell: Analysed, run: Run) -> str:
    count = run.execution.execution_count
    return f" [{count}]" if cell.count is None and count is not None else ""


def _changed(cell: Analysed, run: Run, changes: list[tuple[str, str]]) -> Finding:
    files = "; ".join(f"`{path}` ({why})" for path, why in changes)
    message = (
        f"{cell.label}'s last run{_count(cell, run)} read data that has changed since: {files}; "
        "its outputs may not match the data now"
    )
    hint = (
        "Run the notebook again on the data as it is now (restart the kernel and run all cells), "
        "or restore the data it ran on."
    )
    return proven("changed-data", Severity.WARNING, cell, 0, message, hint)
