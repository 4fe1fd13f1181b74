"""Credentials of a team's own shapes: ``extra-secret-patterns`` in the configuration.

Each pattern is a regular expression; a match in a code cell's source or in a stored output's text
is a ``hard-coded-secret`` warning on that cell and line, unless the built-in scan already
reported that line. The message names the pattern, never the matched value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nb2prod.findings import Finding, Severity
from nb2prod.notebook import Notebook

_HINT = (
    "Read it from an environment variable or a secrets manager instead (os.environ[...]), clear "
    "the outputs that show it, and revoke it: it is in the file's history."
)


def extra_secret_findings(
    notebook: Notebook, patterns: Sequence[str], existing: Sequence[Finding]
) -> list[Finding]:
    """Findings for the ``patterns`` matched in ``notebook``; none where ``existing`` has one."""
    if not patterns:
        return []
    compiled = [re.compile(p) for p in patterns]
    seen = {(f.cell, f.line) for f in existing if f.kind == "hard-coded-secret"}
    found: list[Finding] = []
    for cell in notebook.cells:
        if not cell.is_code:
            continue
        number = cell.index + 1
        for line_number, line in enumerate(cell.source.splitlines(), 1):
            hit = next((p for p in compiled if p.search(line)), None)
            if hit is not None and (number, line_number) not in seen:
                where = f"line {line_number} of cell {number}"
                found.append(_finding(cell.id, number, line_number, where, hit.pattern))
        shown = "\n".join(output.text for output in cell.outputs if output.text)
        hit = next((p for p in compiled if p.search(shown)), None)
        if hit is not None and (number, 0) not in seen:
            found.append(
                _finding(cell.id, number, 0, f"a stored output of cell {number}", hit.pattern)
            )
    return found


def _finding(cell_id: str | None, cell: int, line: int, where: str, pattern: str) -> Finding:
    message = f"{where} matches the configured secret pattern `{pattern}`"
    return Finding("hard-coded-secret", Severity.WARNING, cell, cell_id, line, message, _HINT)
