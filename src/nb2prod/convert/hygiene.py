"""The last pass over every module convert writes, so the package passes the ruff rules its
``pyproject.toml`` selects while the notebook's code keeps its meaning.

What changes no behaviour is mended: a statement's trailing semicolon (a notebook's way to hide a
cell's result; the package decides what it shows), two statements on one line, a compound
statement on one line, whitespace at the end of a line outside a string. What would change a
value (whitespace inside a string) or needs a person to decide (a long line of the author's, a
star import) is kept as written and marked: a ``# noqa`` naming the rule, or for star imports a
file-level exemption under a TODO.
"""

from __future__ import annotations

import ast
import io
import tokenize
import unicodedata

import libcst as cst

from nb2prod.convert.importsort import LINE_LENGTH

_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)

#: The comment above a file-level exemption for star imports.
STAR_TODO = (
    "# TODO(nb2prod): a star import hides which names it brings; import them by name.\n"
    "# ruff: noqa: F403, F405\n"
)


def lint_clean(source: str) -> str:
    """``source`` with what ruff's E70x and W29x rules ask mended, and a ``noqa`` where a
    line must stay as written. ``source`` unchanged when it does not parse or tokenize."""
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError):
        return source
    mended = module.visit(_OneStatementALine()).code
    try:
        marked = _mark_lines(mended)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return source
    return _exempt_star_imports(marked)


class _OneStatementALine(cst.CSTTransformer):
    """``a; b`` as two lines, ``if x: y`` as a block, ``f();`` without its semicolon."""

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        body = [s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) for s in updated.body]
        if len(body) == 1:
            return updated.with_changes(body=body)
        lines = [cst.SimpleStatementLine(body=[small]) for small in body]
        lines[0] = lines[0].with_changes(leading_lines=updated.leading_lines)
        lines[-1] = lines[-1].with_changes(trailing_whitespace=updated.trailing_whitespace)
        return cst.FlattenSentinel(lines)

    def leave_SimpleStatementSuite(
        self, original: cst.SimpleStatementSuite, updated: cst.SimpleStatementSuite
    ) -> cst.BaseSuite:
        body = [
            cst.SimpleStatementLine(body=[s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)])
            for s in updated.body
        ]
        return cst.IndentedBlock(body=body, header=updated.trailing_whitespace)


def _mark_lines(source: str) -> str:
    """Trailing whitespace outside strings removed; a ``noqa`` on each line too long, and on
    the last line of a string that keeps trailing whitespace or a long line."""
    lines = source.split("\n")
    codes: dict[int, set[str]] = {}  # 0-based line -> rules to exempt there
    inside: dict[int, int] = {}  # a line inside a multi-line string -> the string's last line
    no_comment: set[int] = set()  # lines that end in a backslash or inside a string
    opened: list[int] = []  # where each f-string being read began (Python 3.12 tokens)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        start, end = token.start[0] - 1, token.end[0] - 1
        if token.type == _FSTRING_START:
            opened.append(start)
            continue
        if token.type == _FSTRING_END and opened:
            start = opened.pop()
        elif token.type != tokenize.STRING:
            continue
        for row in range(start, end):
            inside[row] = end
            no_comment.add(row)
    for row, text in enumerate(lines):
        if text.endswith("\\"):
            no_comment.add(row)
    for row, text in enumerate(lines):
        home = inside.get(row)
        if home is None:
            lines[row] = text = text.rstrip()
        elif text != text.rstrip():
            codes.setdefault(home, set()).add("W293" if not text.strip() else "W291")
        if _width(text) > LINE_LENGTH:
            codes.setdefault(row if home is None else home, set()).add("E501")
    for row, rules in codes.items():
        if row in no_comment or "# noqa" in lines[row]:
            continue
        lines[row] += f"  # noqa: {', '.join(sorted(rules))}"
    return "\n".join(lines)


def _width(text: str) -> int:
    """The line's width as ruff measures it: wide characters count two."""
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
        for c in text
    )


def _exempt_star_imports(source: str) -> str:
    """A file-level exemption after the module docstring when the module star-imports."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return source
    if not any(
        isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
        for node in ast.walk(tree)
    ):
        return source
    first = tree.body[0] if tree.body else None
    after = 0
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        after = first.end_lineno or 0
    lines = source.split("\n")
    return "\n".join(
        [
            *lines[:after],
            *(["", *STAR_TODO.splitlines()] if after else [*STAR_TODO.splitlines(), ""]),
            *lines[after:],
        ]
    )
