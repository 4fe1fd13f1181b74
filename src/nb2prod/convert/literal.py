"""The one path by which notebook text (headings, tags, cell ids, file names, markdown, shown
outputs) reaches generated files: as a quoted literal that evaluates back to the text, as a
single-line form for comments and tables, or, for names, through ``naming.identifier``.

Generated code is assembled from three kinds of pieces only: fixed text of nb2prod's own,
:data:`Identifier` values and :data:`Quoted` literals. ``templates.fill`` accepts nothing else.
"""

from __future__ import annotations

import keyword
from typing import NewType

#: A Python identifier (``str.isidentifier()``, not a keyword): safe as a name, and inside quotes.
Identifier = NewType("Identifier", str)
#: A Python literal expression that evaluates back to the value it was made from.
Quoted = NewType("Quoted", str)
#: A distribution name made from an identifier (``_`` -> ``-``): safe as a TOML key.
Distribution = NewType("Distribution", str)


def ident(text: str) -> Identifier:
    """``text`` checked to be an identifier: a name made from notebook text goes through
    ``naming.identifier`` first; a name taken from the notebook's code is one already."""
    if not text.isidentifier() or keyword.iskeyword(text):
        raise ValueError(f"not a Python identifier: {text!r}")
    return Identifier(text)


def quote(text: str) -> Quoted:
    """A one-line string literal of ``text``: quotes, backslashes, line breaks, control and
    format characters and lone surrogates are escaped, so ``ast.literal_eval`` gives ``text``."""
    return Quoted(repr(str(text)))


def quote_block(text: str, indent: str, width: int = 72) -> Quoted:
    """``text`` as a literal a reviewer can read: one quoted piece per line of text (long lines
    cut into pieces of at most ``width`` characters), concatenated inside parentheses, each
    piece on its own line at ``indent``. Short one-line text stays one literal."""
    first = quote(text)
    if "\n" not in text.rstrip("\n") and len(first) <= width:
        return first
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        while len(line) > width:
            pieces.append(line[:width])
            line = line[width:]
        pieces.append(line)
    inner = "".join(f"{indent}    {quote(piece)}\n" for piece in pieces)
    return Quoted(f"(\n{inner}{indent})")


def quote_value(value: object) -> Quoted:
    """The literal of a str, or of a list or tuple of them (``repr`` of such a value is one)."""
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return Quoted(repr(type(value)(str(v) for v in value)))
    raise TypeError(f"no literal for {type(value).__name__}")


def docstring(*lines: str) -> Quoted:
    """A triple-quoted literal for a docstring of ``lines``, joined by line breaks. Within a line
    every quote and backslash is escaped, and every character that is not printable (``\\n``,
    ``\\r``, NUL, form feed, U+2028, lone surrogates...) is written as its escape, so each line
    stays one line; ``ast.literal_eval`` gives ``"\\n".join(lines)`` back."""
    return Quoted('"""' + "\n".join(_escaped(line, '"\\') for line in lines) + '"""')


def _escaped(text: str, special: str) -> str:
    return "".join(
        "\\" + c if c in special else c if c.isprintable() else repr(c)[1:-1] for c in text
    )


def single_line(text: str) -> str:
    """``text`` as one printable line, for a comment or a Markdown table cell: line breaks,
    control and format characters and lone surrogates become their escapes (``\\n``); nothing
    else changes. Never a literal: only for text after ``#`` or outside code."""
    return _escaped(text, "")


def comment(text: str) -> str:
    """A ``# ...`` comment line holding ``text`` on one line."""
    return f"# {single_line(text)}".rstrip()


def distribution(package: Identifier) -> Distribution:
    return Distribution(package.replace("_", "-"))


def toml_string(text: str) -> Quoted:
    """A TOML basic string of ``text``: quote and backslash escaped, every character TOML does
    not allow raw (controls, DEL) escaped, a lone surrogate (UTF-8 cannot carry it) replaced.
    Its escapes are Python's too, so it is also a Python literal of the same text."""
    return Quoted('"' + "".join(_in_toml(c) for c in text) + '"')


def _in_toml(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "\\uFFFD"  # TOML has no escape for a lone surrogate
    if code < 0x20 or code == 0x7F or not char.isprintable():
        return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"
    return char
