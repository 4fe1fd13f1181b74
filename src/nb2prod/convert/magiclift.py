"""Lifting IPython's escapes: the ``get_ipython()`` calls its rewrite produced become plain
Python where Python has an equivalent, a visible ``# TODO(nb2prod)`` where it has not."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from nb2prod.analysis import practices
from nb2prod.convert.literal import comment, quote, quote_value
from nb2prod.convert.localmods import module_path
from nb2prod.magic_table import Form, Lift, meaning, python_code, writefile_target

if TYPE_CHECKING:
    from nb2prod.convert.lift import LiftedCell

_SHELL_SYNTAX = frozenset("|&;<>(){}$`*?~")


@dataclass(frozen=True)
class _Note:
    """A magic dropped with a comment saying why."""

    text: str


_Replacement = list[cst.BaseStatement] | str | _Note | None


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
        if isinstance(replacement, _Note):
            return _commented(updated, f"nb2prod: {replacement.text}")
        if isinstance(replacement, str):
            self.lifted.todos.append(replacement)
            return _commented(updated, f"TODO(nb2prod): {replacement}")
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

    def _replace(self, method: str, args: list[str], assigned: bool) -> _Replacement:
        """Statements to put instead, a TODO text, a note, or None to drop the line."""
        if method in ("system", "getoutput"):
            return self._shell(args[0], capture=assigned or method == "getoutput")
        if method == "run_line_magic":
            return self._magic("line", args[0], args[1], "", assigned)
        return self._magic("cell", args[0], args[1], args[2], assigned)

    def _shell(self, command: str, capture: bool) -> _Replacement:
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
        call = f"subprocess.run({quote_value(words)}, check=False"
        call += ", capture_output=True, text=True).stdout.splitlines()" if capture else ")"
        return [cst.parse_statement(call + "\n")]

    def _magic(self, form: Form, name: str, line: str, body: str, assigned: bool) -> _Replacement:
        """What the table says ``%name line`` (or ``%%name line`` over ``body``) becomes."""
        found = meaning(form, name)
        written = f"{'%' if form == 'line' else '%%'}{name} {line}".strip()
        if form == "cell" and name == "capture":
            return self._captured(line, body)
        if form == "line" and name == "pylab":
            return self._pylab(line)
        if found.lift is Lift.UNWRAP:
            code = python_code(form, name, line, body) or ""
            return (_statements(code) or written) if code.strip() else None
        if found.lift is Lift.NOTE:
            return _Note(f"dropped `{written}`: {found.why}")
        if found.lift is Lift.REQUIREMENT:
            if practices.is_pip_install(f"{name} {line}"):
                self.lifted.requirements.extend(_requirements(line))
                return None
            return f"{written} (changes the installed packages)"
        if found.lift is Lift.MODULE:
            return self._written(line, body) or f"{written} (no file name)"
        if found.lift is Lift.EQUIVALENT:
            return self._equivalent(name, line, assigned)
        if found.lift is Lift.DROP:
            return None
        return f"{written} ({found.why})"

    def _pylab(self, line: str) -> _Replacement:
        """``%pylab [backend]``: the imports IPython makes, written out (its star imports keep
        the notebook in the faithful form, at module level)."""
        if any(word.startswith("-") for word in line.split()):
            return f"%pylab {line} (options nb2prod cannot read)"
        self.lifted.requirements += ["numpy", "matplotlib", "ipython"]
        return _statements(_PYLAB)

    def _captured(self, line: str, body: str) -> _Replacement:
        """``%%capture [--no-stdout] [--no-stderr] [--no-display] [name]``: the body runs inside
        IPython's ``capture_output`` (an ordinary library call), bound to ``name`` when given."""
        words = line.split()
        options = {"--no-stdout": "stdout", "--no-stderr": "stderr", "--no-display": "display"}
        flags = [f"{options[w]}=False" for w in words if w in options]
        names = [w for w in words if not w.startswith("-")]
        if (
            len(names) > 1
            or (names and not names[0].isidentifier())
            or len(flags) + len(names) != len(words)
        ):
            return f"%%capture {line} (options nb2prod cannot read)"
        target = f" as {names[0]}" if names else ""
        inner = _statements(body) or [cst.SimpleStatementLine([cst.Pass()])]
        self.lifted.requirements.append("ipython")
        head = cst.parse_statement(
            f"with IPython.utils.capture.capture_output({', '.join(flags)}){target}:\n    pass\n"
        )
        assert isinstance(head, cst.With)
        imported = cst.parse_statement("import IPython.utils.capture\n")
        return [imported, head.with_changes(body=cst.IndentedBlock(body=inner))]

    def _equivalent(self, name: str, argument: str, assigned: bool) -> _Replacement:
        """``%env`` and ``%set_env`` set ``os.environ``; ``%sx`` and ``%mkdir`` run commands."""
        if name in ("env", "set_env"):
            key, equals, value = argument.strip().partition("=")
            if not equals and name == "set_env":
                key, _, value = argument.strip().partition(" ")
            if not key.strip() or not (equals or name == "set_env"):
                return None  # `%env` or `%env HOME` only shows the environment
            self.lifted.needs_os = True
            variable, setting = quote(key.strip()), quote(value.strip())
            return [cst.parse_statement(f"os.environ[{variable}] = {setting}\n")]
        if name in ("sx", "system"):
            return self._shell(argument, capture=True)
        return self._shell(f"{name} {argument}", capture=assigned)

    def _written(self, line: str, body: str) -> _Replacement:
        """``%%writefile helpers.py``: the package ships the module (see ``localmods``); any
        other file is written where the notebook wrote it, relative to the working folder."""
        target = writefile_target(line)
        if target is None:
            return None
        path, append = target
        module = module_path(path)
        if module is not None:
            dotted = module.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            return _Note(f"`{path}` is shipped in the package as its module `{dotted}`")
        if append:
            code = f"with open({quote(path)}, 'a', encoding='utf-8') as handle:\n"
            code += f"    handle.write({quote(body)})\n"
        else:
            code = f"Path({quote(path)}).write_text({quote(body)}, encoding='utf-8')\n"
        return [cst.parse_statement(code)]


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


#: What ``%pylab`` runs in the user's namespace (IPython's ``import_pylab``).
_PYLAB = """import numpy
import matplotlib
from matplotlib import pylab, mlab, pyplot
np = numpy
plt = pyplot
from IPython.core.pylabtools import figsize, getfigs
from pylab import *
from numpy import *
"""


def _statements(code: str) -> list[cst.BaseStatement]:
    try:
        return list(cst.parse_module(code if code.endswith("\n") else code + "\n").body)
    except cst.ParserSyntaxError:
        return []


#: Options of ``pip install`` and ``conda install`` followed by a value that is no package.
_VALUED = frozenset(
    {"-c", "--channel", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-r",
     "--requirement", "-e", "--editable", "-t", "--target", "--prefix", "-p", "-n", "--name",
     "--constraint", "--trusted-host", "--platform", "--python-version", "--root"}
)  # fmt: skip


def _requirements(command: str) -> list[str]:
    """The packages a ``pip install`` names (options and their values dropped)."""
    words = command.replace("{sys.executable}", "python").split()
    if "install" not in words:
        return []
    after = words[words.index("install") + 1 :]
    named = [w for i, w in enumerate(after) if not (i and after[i - 1] in _VALUED)]
    return [w for w in named if not w.startswith("-") and "/" not in w and not w.startswith(".")]


def _commented(statement: cst.SimpleStatementLine, text: str) -> cst.SimpleStatementLine:
    """``pass  # text``, in the place of the magic, its comments kept."""
    note = cst.Comment(comment(" ".join(text.split())))
    return cst.SimpleStatementLine(
        [cst.Pass()],
        leading_lines=statement.leading_lines,
        trailing_whitespace=cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  "), comment=note
        ),
    )


def _keep_comments(statement: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Pass()], leading_lines=statement.leading_lines)
