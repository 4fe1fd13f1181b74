"""A fast path for the common IPython escapes, written to match IPython's own transformer.

Importing IPython's transformer costs about half a second, more than checking a 1,000-cell
notebook. The forms nearly every notebook uses (``%magic``, ``%%cell magic``, ``!cmd``,
``x = !cmd``, ``x = %magic``, ``obj?``) are rewritten here line by line, exactly as IPython writes
them (a test compares the two); anything less plain returns None and goes to IPython.
"""

from __future__ import annotations

import re

_ASSIGNED = re.compile(r"^(\s*)([A-Za-z_][\w.\[\]'\", ]*?)(\s*=\s*)([!%])(.*)$")
_HELP = re.compile(r"^(\s*)(\?{0,2})([A-Za-z_][\w.]*)(\?{0,2})$")


def transform_escapes(source: str) -> str | None:
    """IPython's rewrite of ``source``, or None when this fast path does not handle the cell."""
    lines = source.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines or lines[0][:1].isspace() or '"""' in source or "'''" in source:
        return None
    if lines[0].startswith("%%"):
        return _cell_magic(lines)
    out: list[str] = []
    for line in lines:
        text = line.rstrip("\r\n")
        rewritten = _line(text, line.endswith("\r\n"))
        if rewritten is None:
            return None
        out.append(line if rewritten == text else rewritten + "\n")
    result = "".join(out)
    return result if result.endswith("\n") else result + "\n"


def _cell_magic(lines: list[str]) -> str:
    first = lines[0].rstrip("\r\n")
    name, _, argument = first[2:].partition(" ")
    body = "".join(lines[1:])
    if body and not body.endswith("\n"):
        body += "\n"
    return f"get_ipython().run_cell_magic({name!r}, {argument.rstrip()!r}, {body!r})\n"


def _line(line: str, crlf: bool = False) -> str | None:
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    escaped = stripped.startswith(("%", "!")) or _ASSIGNED.match(line)
    if escaped and (
        line.endswith("\\") or stripped.startswith(("%%", "%=", "!=")) or not _plain(line)
    ):
        return None  # continued, misplaced or operator-like escapes: left to IPython
    if stripped.startswith("!!"):
        return f"{indent}get_ipython().getoutput({stripped[2:].rstrip()!r})"
    if stripped.startswith("!"):
        return f"{indent}get_ipython().system({stripped[1:].rstrip()!r})"
    if stripped.startswith("%"):
        return indent + _magic_call(stripped[1:])
    assigned = _ASSIGNED.match(line)
    if assigned:
        lead, target, equals, escape, rest = assigned.groups()
        if (escape == "%" and not rest.lstrip()[:1].isidentifier()) or rest.startswith("="):
            return None  # IPython needs a name after `= %`; `!=` is an operator
        shell = f"get_ipython().getoutput({rest.rstrip()!r})"
        call = shell if escape == "!" else _magic_call(rest)
        return f"{lead}{target}{equals}{call}"
    helped = _HELP.match(line)
    if helped and (helped.group(2) or helped.group(4)):
        lead, before, name, after = helped.groups()
        if (before and after) or crlf:
            return None  # IPython reads these differently
        magic = "pinfo2" if len(before or after) == 2 else "pinfo"
        return f"{lead}get_ipython().run_line_magic({magic!r}, {name!r})"
    return line


def _plain(line: str) -> bool:
    """Brackets and quotes balance, so IPython's tokenizer also ends the escape at this line."""
    pairs = (("(", ")"), ("[", "]"), ("{", "}"))
    if any(line.count(a) != line.count(b) for a, b in pairs):
        return False
    return line.count("'") % 2 == 0 and line.count('"') % 2 == 0


def _magic_call(text: str) -> str:
    name, _, argument = text.partition(" ")
    return f"get_ipython().run_line_magic({name!r}, {argument.rstrip()!r})"
