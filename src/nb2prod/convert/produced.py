"""Files the notebook makes itself: written before anything read them. Such a file beside the
notebook is the last run's product, not an input: the package makes it again and is not
shipped the recorded copy (which would make it load the old run's values)."""

from __future__ import annotations

import os

from nb2prod.analysis.context import Analysed
from nb2prod.records import Records


def produced_files(code: list[Analysed], records: Records | None) -> set[str]:
    """Normalized relative paths the notebook writes before any cell reads them: from the
    kernel's record (a record made before writes were recorded has none) and from the code (a
    write call naming the path before anything else names it)."""
    made: set[str] = set()
    if records is not None:
        read: set[str] = set()
        for execution in records.history:
            if execution.source_hash in records.sources:  # code no cell holds any more
                continue
            read.update(p for f in execution.files if (p := os.path.normpath(f.path)) not in made)
            made.update(p for w in execution.writes if (p := os.path.normpath(w)) not in read)
    seen: set[str] = set()
    for cell in code:
        for path, writes in cell.facts.file_paths:
            if writes and path not in seen:
                made.add(path)
            seen.add(path)
    return made
