"""Import blocks laid out as isort (and ruff's ``I`` rules) lay them out: ``__future__``, the
standard library, third-party, then the package's own, a blank line between sections; in each,
``import x`` lines before ``from x import y`` lines, by module; names in a ``from`` import by type
(CONSTANTS, Classes, functions), then alphabetically. Only plain one-line imports are moved: a
block with anything else (a comment, a continuation, a conditional) keeps its order."""

from __future__ import annotations

import ast
import sys


def sort_imports(lines: list[str], package: str) -> list[str]:
    """The import lines in isort's order with blank lines between sections; ``lines``
    unchanged when one of them is not a plain import."""
    parsed: list[tuple[tuple[int, int, str, str], str]] = []
    for line in dict.fromkeys(lines):
        key = _key(line, package)
        if key is None:
            return lines
        parsed.append((key, _normal(line)))
    out: list[str] = []
    section = None
    for key, text in sorted(_merged(parsed)):
        if section is not None and key[0] != section:
            out.append("")
        section = key[0]
        if text not in out:
            out.append(text)
    return out


def _merged(
    parsed: list[tuple[tuple[int, int, str, str], str]],
) -> list[tuple[tuple[int, int, str, str], str]]:
    """``from x import a`` and ``from x import b`` as one ``from x import a, b``."""
    firsts: dict[str, tuple[tuple[int, int, str, str], list[str]]] = {}
    kept: list[tuple[tuple[int, int, str, str], str]] = []
    for key, text in parsed:
        head, _, names = text.partition(" import ")
        if key[1] == 1 and head.startswith("from ") and "*" not in names:
            if head in firsts:
                firsts[head][1].extend(n.strip() for n in names.split(","))
                continue
            firsts[head] = (key, [n.strip() for n in names.split(",")])
            continue
        kept.append((key, text))
    for head, (key, listed) in firsts.items():
        kept.append((key, _normal(f"{head} import {', '.join(dict.fromkeys(listed))}")))
    return kept


def _key(line: str, package: str) -> tuple[int, int, str, str] | None:
    if "#" in line or "\n" in line.strip() or ";" in line:
        return None
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:
        return None
    if len(tree.body) != 1:
        return None
    node = tree.body[0]
    if isinstance(node, ast.Import) and len(node.names) == 1:
        module = node.names[0].name
        return (_section(module, package, 0), 0, module.lower(), line)
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        if any(a.name == "*" for a in node.names) and len(node.names) > 1:
            return None
        return (_section(node.module, package, 0), 1, node.module.lower(), line)
    if isinstance(node, ast.ImportFrom) and node.level:
        return (4, 1, "." * node.level + (node.module or ""), line)
    return None


def _section(module: str, package: str, level: int) -> int:
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    if top == package:
        return 3
    return 1 if top in sys.stdlib_module_names else 2


def _normal(line: str) -> str:
    """``from x import b, A`` with its names in isort's order."""
    node = ast.parse(line.strip()).body[0]
    if not isinstance(node, ast.ImportFrom) or len(node.names) < 2:
        return line.strip()
    names = sorted(node.names, key=lambda a: (_kind(a.name), a.name.lower(), a.name))
    written = ", ".join(a.name if a.asname is None else f"{a.name} as {a.asname}" for a in names)
    return f"from {'.' * node.level}{node.module or ''} import {written}"


def _kind(name: str) -> int:
    if name.isupper() and len(name) > 1:
        return 0
    return 1 if name[:1].isupper() else 2
