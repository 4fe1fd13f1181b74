"""Import blocks laid out as isort (and ruff's ``I`` rules) lay them out: ``__future__``, the
standard library, third-party, then the package's own, a blank line between sections; in each,
``import x`` lines before ``from x import y`` lines, by module; names in a ``from`` import by type
(CONSTANTS, Classes, functions), then alphabetically. ``import a, b`` becomes one line a module;
comment lines above an import move with it; a ``from`` import too long for a line is wrapped one
name a line. A block with anything else (an inline comment, a conditional) keeps its order."""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from dataclasses import dataclass

#: The generated package's line length (its ``[tool.ruff]`` table says the same).
LINE_LENGTH = 100

Key = tuple[int, int, str, str]


@dataclass(frozen=True)
class _Line:
    key: Key
    text: str
    comments: tuple[str, ...] = ()
    trailing: str = ""  # the comment at the end of the import's line


def sort_imports(lines: list[str], package: str) -> list[str]:
    """The import lines in isort's order with blank lines between sections; ``lines``
    unchanged when one of them is not a plain import."""
    parsed: list[_Line] = []
    for entry in dict.fromkeys(lines):
        read = _read(entry, package)
        if read is None:
            return lines
        parsed.extend(read)
    out: list[str] = []
    section = None
    for line in sorted(_merged(parsed), key=lambda line: line.key):
        if section is not None and line.key[0] != section:
            out.append("")
        section = line.key[0]
        text = _wrapped(line.text) + line.trailing
        if text in out:
            continue
        if line.comments and out and out[-1]:
            out.append("")  # ruff sets a comment above an import apart from the one before
        out.extend([*line.comments, text])
    return out


def _read(entry: str, package: str) -> list[_Line] | None:
    """One entry (an import, perhaps with comment lines above it) as sortable lines."""
    rows = [row.strip() for row in entry.strip().splitlines()]
    comments = tuple(row for row in rows if row.startswith("#"))
    code = "\n".join(row for row in rows if row and not row.startswith("#"))
    code, trailing = _trailing_comment(code)
    if "#" in code or ";" in code:
        return None
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    if len(tree.body) != 1:
        return None
    node = tree.body[0]
    if isinstance(node, ast.Import):
        made = [
            _Line((_section(a.name, package), 0, a.name.lower(), _alias(a)), f"import {_alias(a)}")
            for a in node.names
        ]
    elif isinstance(node, ast.ImportFrom):
        if any(a.name == "*" for a in node.names) and len(node.names) > 1:
            return None
        module = "." * node.level + (node.module or "")
        section = 4 if node.level else _section(module, package)
        plain = [a for a in node.names if a.asname is None]
        aliased = [[a] for a in node.names if a.asname is not None]  # one line each, as isort
        made = []
        for names in [plain, *aliased] if plain else aliased:
            text = _normal(ast.ImportFrom(module=node.module, names=names, level=node.level))
            made.append(_Line((section, 1, module.lower(), text), text))
    else:
        return None
    made[0] = _Line(made[0].key, made[0].text, comments)
    made[-1] = _Line(made[-1].key, made[-1].text, made[-1].comments, trailing)
    return made


def _trailing_comment(code: str) -> tuple[str, str]:
    """A one-line import and the comment at its end (written two spaces after the code)."""
    if "\n" in code or "#" not in code:
        return code, ""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return code, ""
    for token in tokens:
        if token.type == tokenize.COMMENT:
            return code[: token.start[1]].rstrip(), "  " + token.string
    return code, ""


def _merged(parsed: list[_Line]) -> list[_Line]:
    """``from x import a`` and ``from x import b`` as one ``from x import a, b``."""
    firsts: dict[str, list[_Line]] = {}
    kept: list[_Line] = []
    for line in parsed:
        head, _, names = line.text.partition(" import ")
        if line.key[1] == 1 and "*" not in names and " as " not in names and not line.trailing:
            firsts.setdefault(head, []).append(line)
        else:
            kept.append(line)
    for head, group in firsts.items():
        listed = [n.strip() for one in group for n in one.text.partition(" import ")[2].split(",")]
        node = ast.parse(f"{head} import {', '.join(dict.fromkeys(listed))}").body[0]
        assert isinstance(node, ast.ImportFrom)
        text = _normal(node)
        comments = tuple(c for line in group for c in line.comments)
        kept.append(_Line((*group[0].key[:3], text), text, comments))
    return kept


def _section(module: str, package: str) -> int:
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    if top == package:
        return 3
    return 1 if top in sys.stdlib_module_names else 2


def _alias(alias: ast.alias) -> str:
    return alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"


def _normal(node: ast.ImportFrom) -> str:
    """``from x import b, A`` with its names in isort's order."""
    names = sorted(node.names, key=lambda a: (_kind(a.name), a.name.lower(), a.name))
    written = ", ".join(_alias(a) for a in names)
    return f"from {'.' * node.level}{node.module or ''} import {written}"


def _wrapped(text: str) -> str:
    """A ``from`` import too long for one line, one name a line in parentheses (isort's
    vertical hanging indent, with a trailing comma)."""
    if len(text) <= LINE_LENGTH or not text.startswith("from "):
        return text
    head, _, names = text.partition(" import ")
    if "*" in names:
        return text
    listed = "".join(f"    {name.strip()},\n" for name in names.split(","))
    return f"{head} import (\n{listed})"


def _kind(name: str) -> int:
    if name.isupper() and len(name) > 1:
        return 0
    return 1 if name[:1].isupper() else 2
