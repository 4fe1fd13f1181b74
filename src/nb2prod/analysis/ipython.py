"""IPython syntax: parse a cell as IPython would run it, and read what its magics mean.

Plain Python is parsed directly; a cell that fails to parse has its IPython escapes rewritten
into ``get_ipython()`` calls: by :mod:`.escapes` for the common forms, else by IPython's own
transformer (imported lazily: it is slow to import). :func:`ipython_call` recognises those calls.
"""

from __future__ import annotations

import ast
import sys
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nb2prod.analysis.escapes import transform_escapes
from nb2prod.magic_table import AUTOMAGICS

#: What parsing or compiling code may raise: code too deep for the parser is a MemoryError or a
#: RecursionError, never a crash.
PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError)
_RUN_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
_FLAGS = ast.PyCF_ONLY_AST | _RUN_FLAGS

#: Why a cell Python cannot compile because it is nested too deeply (IPython cannot run it either).
TOO_DEEP_TO_COMPILE = "code nested too deeply for Python to compile"


class ParseFailure(Exception):
    """The cell is not valid Python even after IPython's transforms."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message


@dataclass(frozen=True)
class Parsed:
    """A parsed cell: its tree, and how many leading blank lines IPython dropped."""

    tree: ast.Module
    source: str
    line_offset: int = 0
    transformed: bool = False


def parse_cell(source: str) -> Parsed:
    """Parse a cell as IPython runs it, or raise :class:`ParseFailure`."""
    source = _automagic(source)
    try:
        return Parsed(_compile(source), source)
    except PARSE_ERRORS as exc:
        error: BaseException = exc
    offset = _leading_blank_lines(source)
    for rewrite in (transform_escapes, _transform, _automagic_lines):
        rewritten = rewrite(source)
        if rewritten is None or rewritten == source:
            continue
        try:
            return Parsed(_compile(rewritten), rewritten, offset, True)
        except PARSE_ERRORS as exc:
            error = _shifted(exc, offset)  # the rewritten cell's error is the one to show
    raise _failure(error) from None


def _automagic(source: str) -> str:
    """``ls -l`` alone in a cell is ``%ls -l`` to IPython."""
    stripped = source.strip()
    if "\n" in stripped or not stripped:
        return source
    word, _, rest = stripped.partition(" ")
    rest = rest.lstrip()
    attribute = rest.startswith(".") and rest[1:2].isidentifier()  # `cd ..` is a path
    if word not in AUTOMAGICS or attribute or rest.startswith(("=", "(", "[")):
        return source
    if word == stripped and word not in ("pwd", "ls", "who", "whos", "lsmagic", "history"):
        return source  # a bare name: most likely shows a variable
    return source.replace(stripped, "%" + stripped, 1)


def _automagic_lines(source: str) -> str | None:
    """A cell that is not Python, read with IPython's automagic on each line as IPython reads
    it (``cat file.py`` is ``%cat file.py``), then transformed; None when no line is one."""
    lines = source.split("\n")
    changed = False
    for index, line in enumerate(lines):
        if line[:1].isspace():
            continue
        magic = _automagic(line)
        if magic != line:
            lines[index], changed = magic, True
    return _transform("\n".join(lines)) if changed else None


def _shifted(exc: BaseException, offset: int) -> BaseException:
    if isinstance(exc, SyntaxError) and exc.lineno is not None:
        exc.lineno += offset
    return exc


def _compile(source: str) -> ast.Module:
    tree = compile(source, "<cell>", "exec", flags=_FLAGS, dont_inherit=True)
    assert isinstance(tree, ast.Module)
    _compile_statements(tree)
    return tree


def _compile_statements(tree: ast.Module) -> None:
    """Compile each statement as IPython runs it: one by one, top-level ``await`` allowed.

    What parses but does not compile raises here, as it does in IPython: ``return`` or ``yield``
    outside a function, ``break`` or ``continue`` outside a loop, ``nonlocal`` at module level,
    code nested too deeply for the compiler (a ``RecursionError``, never a crash)."""
    with warnings.catch_warnings():  # the compiler's SyntaxWarnings are about the user's code
        warnings.simplefilter("ignore")
        try:  # one compile for the whole cell: when it passes, so does each statement alone
            compile(tree, "<cell>", "exec", flags=_RUN_FLAGS, dont_inherit=True)
            return
        except SyntaxError:
            pass  # only alone, as IPython runs it, may a statement pass (a late __future__)
        for node in tree.body:
            module = ast.Module(body=[node], type_ignores=[])
            compile(module, "<cell>", "exec", flags=_RUN_FLAGS, dont_inherit=True)


def _failure(exc: BaseException) -> ParseFailure:
    if isinstance(exc, SyntaxError):
        return ParseFailure(exc.lineno or 1, max((exc.offset or 1) - 1, 0), exc.msg or str(exc))
    if isinstance(exc, RecursionError | MemoryError):
        return ParseFailure(1, 0, TOO_DEEP_TO_COMPILE)
    return ParseFailure(1, 0, str(exc) or type(exc).__name__)


def _leading_blank_lines(source: str) -> int:
    count = 0
    for line in source.splitlines():
        if line.strip():
            break
        count += 1
    return count


#: How many times IPython's own transformer has been asked to rewrite code in this process: an
#: analysis during which it grew depends on the installed IPython, not on the code alone.
ipython_rewrites = 0


def _transform(source: str) -> str | None:
    global ipython_rewrites
    ipython_rewrites += 1
    try:
        result: str = _transformer().transform_cell(source)
    except Exception:  # IPython's tokenizer raises many types on broken input; it is a syntax error
        return None
    return result


@lru_cache(maxsize=1)
def _transformer() -> Any:
    limit = sys.getrecursionlimit()
    from IPython.core.inputtransformer2 import TransformerManager

    # Importing IPython imports jedi, which raises the recursion limit to 3000 for the whole
    # process: how deep a cell may nest before it is "too deep" would then depend on whether an
    # earlier cell needed IPython. The limit stays what it was.
    sys.setrecursionlimit(limit)
    return TransformerManager()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class IPythonCall:
    """``get_ipython().<method>(...)`` with its string arguments."""

    method: str
    args: tuple[str, ...]


def ipython_call(node: ast.Call) -> IPythonCall | None:
    """Recognise the calls IPython's transformer writes for magics and shell escapes."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)):
        return None
    inner = func.value.func
    if not (isinstance(inner, ast.Name) and inner.id == "get_ipython"):
        return None
    if func.attr not in ("run_line_magic", "run_cell_magic", "system", "getoutput"):
        return None
    args = tuple(
        a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
    )
    if len(args) != len(node.args):
        return None
    return IPythonCall(func.attr, args)
