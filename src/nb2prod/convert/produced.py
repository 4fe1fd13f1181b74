"""Files the notebook makes itself: written before anything read them. Such a file beside the
notebook is the last run's product, not an input: the package makes it again and is not
shipped the recorded copy (which would make it load the old run's values)."""

from __future__ import annotations

import ast
import os

from nb2prod.analysis.context import Analysed
from nb2prod.analysis.ipython import ParseFailure, parse_cell
from nb2prod.records import Records

#: Calls that write the file their first argument names (``np.save("m.npy", m)``,
#: ``df.to_csv("out.csv")``, ``fig.savefig("plot.png")``).
_WRITERS = frozenset({
    "save", "savez", "savez_compressed", "savetxt", "savefig", "imsave", "dump_svmlight_file",
    "to_csv", "to_pickle", "to_parquet", "to_json", "to_excel", "to_feather", "to_hdf",
    "to_html", "to_latex", "to_markdown", "to_stata", "to_xml", "to_netcdf", "to_file",
    "write_text", "write_bytes",
})  # fmt: skip


def produced_files(code: list[Analysed], records: Records | None) -> set[str]:
    """Normalized relative paths the notebook writes before any cell reads them: from the
    kernel's record when there is one, else from the code (a write call naming the path)."""
    made: set[str] = set()
    if records is not None:
        read: set[str] = set()
        for execution in records.history:
            if execution.source_hash in records.sources:  # code no cell holds any more
                continue
            read.update(p for f in execution.files if (p := os.path.normpath(f.path)) not in made)
            made.update(p for w in execution.writes if (p := os.path.normpath(w)) not in read)
        return made
    seen: set[str] = set()
    for cell in code:
        try:
            tree = parse_cell(cell.cell.source).tree
        except ParseFailure:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            path = _first_literal(node)
            if path is None:
                continue
            if _writes(node) and path not in seen:
                made.add(path)
            seen.add(path)
    return made


def _first_literal(call: ast.Call) -> str | None:
    """The call's first argument as a normalized relative path, when it is a string literal."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("write_text", "write_bytes"):
        receiver = func.value  # Path("out.txt").write_text(...)
        first = receiver.args[0] if isinstance(receiver, ast.Call) and receiver.args else None
    elif call.args:
        first = call.args[0]
    else:
        return None
    if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    value = first.value
    if not value or os.path.isabs(value) or "\n" in value:
        return None
    return os.path.normpath(value)


def _writes(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("write_text", "write_bytes"):
        receiver = func.value
        return isinstance(receiver, ast.Call) and bool(receiver.args)
    if isinstance(func, ast.Attribute):
        return func.attr in _WRITERS
    if isinstance(func, ast.Name) and func.id == "open":
        mode = call.args[1] if len(call.args) > 1 else None
        mode = mode or next((k.value for k in call.keywords if k.arg == "mode"), None)
        return isinstance(mode, ast.Constant) and any(c in str(mode.value) for c in "wax")
    return False
