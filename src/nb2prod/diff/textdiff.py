"""Short unified diffs of text: a reviewer sees what changed, never a wall of it."""

from __future__ import annotations

import difflib

#: Diff lines kept (the rest is counted), and characters kept of each line.
MAX_LINES = 12
MAX_WIDTH = 160


def short_diff(old: str, new: str) -> tuple[str, ...]:
    """The changed lines of ``old`` -> ``new`` with one line of context, capped."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), n=1, lineterm=""))[2:]
    kept = [_cut(line) for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        kept.append(f"... {len(lines) - MAX_LINES} more diff line(s)")
    return tuple(kept)


def _cut(line: str) -> str:
    return line if len(line) <= MAX_WIDTH else line[: MAX_WIDTH - 3] + "..."
