"""Lifting IPython's escapes: the ``get_ipython()`` calls its rewrite produced become plain
Python where Python has an equivalent, a visible ``# TODO(nb2prod)`` where it has not."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

import libcst as cst

from nb2prod.analysis import practices
from nb2prod.convert.literal import comment, quote, quote_value

if TYPE_CHECKING:
    from nb2prod.convert.lift import LiftedCell

#: Line magics that only change the interactive session: dropped.
_SESSION_MAGICS = frozenset(
    {"matplotlib", "load_ext", "reload_ext", "autoreload", "aimport", "config", "pinfo", "pinfo2",
     "who", "whos", "who_ls", "lsmagic", "precision", "xmode", "pdb", "colors", "history",
     "reset", "pwd", "ls", "magic", "quickref", "doctest_mode", "notebook"}
)  # fmt: skip
_SHELL_SYNTAX = frozenset("|&;<>(){}$`*?~")


class MagicLifter(cst.CSTTransformer):
    """Replaces the ``get_ipython()`` calls IPython's rewrite produced."""

    def __init__(self, lifted: LiftedCell) -> None:
        self.lifted = lifted

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if len(updated.body) != 1:
            return updated
        small = updated.body[0]
        call = _ipython_call(small.value if isinstance(small, cst.Expr | cst.Assign) else None)
        if call is None:
            return updated
        method, args = call
        target = small.targets if isinstance(small, cst.Assign) else None
        replacement = self._replace(method, args, target is not None)
        if replacement is None:
            return (
                cst.RemovalSentinel.REMOVE if not updated.leading_lines else _keep_comments(updated)
            )
        if isinstance(replacement, str):
            self.lifted.todos.append(replacement)
            return _todo(updated, replacement)
        if target is not None and len(replacement) == 1:
            value = replacement[0]
            assert isinstance(value, cst.SimpleStatementLine)
            expression = value.body[0]
            assert isinstance(expression, cst.Expr)
            assign = small.with_changes(value=expression.value)
            return updated.with_changes(body=[assign])
        first, *rest = replacement
        if isinstance(first, cst.SimpleStatementLine | cst.BaseCompoundStatement):
            lines = [*updated.leading_lines, *first.leading_lines]
            first = first.with_changes(leading_lines=lines)
        return cst.FlattenSentinel([first, *rest])

    def _replace(
        self, method: str, args: list[str], assigned: bool
    ) -> list[cst.BaseStatement] | str | None:
        """Statements to put instead, a TODO text, or None to drop the line."""
        if method in ("system", "getoutput"):
            return self._shell(args[0], capture=assigned or method == "getoutput")
        if method == "run_line_magic":
            return self._line_magic(args[0], args[1])
        return self._cell_magic(args[0], args[1], args[2])

    def _shell(self, command: str, capture: bool) -> list[cst.BaseStatement] | str | None:
        if practices.is_pip_install(command):
            self.lifted.requirements.extend(_requirements(command))
            return None
        if set(command) & _SHELL_SYNTAX:
            return f"!{command} (shell syntax; run it outside the package or port it to Python)"
        try:
            words = shlex.split(command)
        except ValueError:
            return f"!{command} (cannot be split into arguments)"
        self.lifted.needs_subprocess = True
        call = f"subprocess.run({quote_value(words)}, check=True"
        call += ", capture_output=True, text=True).stdout.splitlines()" if capture else ")"
        return [cst.parse_statement(call + "\n")]

    def _line_magic(self, name: str, argument: str) -> list[cst.BaseStatement] | str | None:
        if name in ("time", "prun", "capture"):
            return _statements(argument) or f"%{name} {argument}"
        if name == "timeit":
            return f"%timeit {argument} (a timing, not part of the results)"
        if name in ("pip", "conda") and practices.is_pip_install(f"{name} {argument}"):
            self.lifted.requirements.extend(_requirements(argument))
            return None
        if name in _SESSION_MAGICS:
            return None
        if name == "env" and "=" in argument:
            key, _, value = argument.partition("=")
            self.lifted.needs_os = True
            variable, setting = quote(key.strip()), quote(value.strip())
            return [cst.parse_statement(f"os.environ[{variable}] = {setting}\n")]
        return f"%{name} {argument}".strip()

    def _cell_magic(self, name: str, line: str, body: str) -> list[cst.BaseStatement] | str:
        if name in ("capture", "time", "prun"):
            return _statements(body) or f"%%{name} {line}"
        if name == "writefile" and line.strip():
            path = line.split()[-1]
            return [cst.parse_statement(f"Path({quote(path)}).write_text({quote(body)})\n")]
        return f"%%{name} {line} cell magic, not lifted".replace("  ", " ")


def _ipython_call(value: cst.BaseExpression | None) -> tuple[str, list[str]] | None:
    """``get_ipython().method('a', 'b')`` -> ``("method", ["a", "b"])``."""
    if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute):
        return None
    inner = value.func.value
    if not (
        isinstance(inner, cst.Call)
        and isinstance(inner.func, cst.Name)
        and inner.func.value == "get_ipython"
    ):
        return None
    args: list[str] = []
    for arg in value.args:
        if not isinstance(arg.value, cst.SimpleString):
            return None
        evaluated = arg.value.evaluated_value
        if not isinstance(evaluated, str):
            return None
        args.append(evaluated)
    expected = {"system": 1, "getoutput": 1, "run_line_magic": 2, "run_cell_magic": 3}
    method = value.func.attr.value
    return (method, args) if expected.get(method) == len(args) else None


def _statements(code: str) -> list[cst.BaseStatement]:
    try:
        return list(cst.parse_module(code if code.endswith("\n") else code + "\n").body)
    except cst.ParserSyntaxError:
        return []


def _requirements(command: str) -> list[str]:
    """The packages a ``pip install`` names (options dropped)."""
    words = command.replace("{sys.executable}", "python").split()
    if "install" not in words:
        return []
    after = words[words.index("install") + 1 :]
    return [w for w in after if not w.startswith("-") and "/" not in w and not w.startswith(".")]


def _todo(statement: cst.SimpleStatementLine, text: str) -> cst.SimpleStatementLine:
    todo = cst.Comment(comment(f"TODO(nb2prod): {' '.join(text.split())}"))
    return cst.SimpleStatementLine(
        [cst.Pass()],
        leading_lines=statement.leading_lines,
        trailing_whitespace=cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  "), comment=todo
        ),
    )


def _keep_comments(statement: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Pass()], leading_lines=statement.leading_lines)
