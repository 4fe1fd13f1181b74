"""The file paths a cell's calls name, and whether each call writes the file: what tells a
file the notebook makes (``np.save("m.npy", m)``) from one it reads (``np.load("m.npy")``)."""

from __future__ import annotations

import ast
import os

from nb2prod.analysis.walk import breadth_first

#: Calls that write the file their first argument names (``np.save("m.npy", m)``,
#: ``df.to_csv("out.csv")``, ``fig.savefig("plot.png")``).
_WRITERS = frozenset({
    "save", "savez", "savez_compressed", "savetxt", "savefig", "imsave", "dump_svmlight_file",
    "to_csv", "to_pickle", "to_parquet", "to_json", "to_excel", "to_feather", "to_hdf",
    "to_html", "to_latex", "to_markdown", "to_stata", "to_xml", "to_netcdf", "to_file",
    "write_text", "write_bytes",
})  # fmt: skip


def path_calls(tree: ast.Module) -> list[tuple[str, bool]]:
    """(normalized relative path, whether the call writes it) for each call whose first
    argument is a path literal, in the cell's order (``CellFacts.file_paths`` keeps them)."""
    found: list[tuple[str, bool]] = []
    for node in breadth_first(tree):
        if isinstance(node, ast.Call):
            path = _first_literal(node)
            if path is not None:
                found.append((path, _writes(node)))
    return found


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
    if isinstance(func, ast.Name) and func.id in _WRITERS:  # `from numpy import *`: save(...)
        return True
    if isinstance(func, ast.Name) and func.id == "open":
        mode = call.args[1] if len(call.args) > 1 else None
        mode = mode or next((k.value for k in call.keywords if k.arg == "mode"), None)
        return isinstance(mode, ast.Constant) and any(c in str(mode.value) for c in "wax")
    return False
