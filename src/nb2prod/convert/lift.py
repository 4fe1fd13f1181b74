"""One cell's code, lifted with libcst: imports to hoist, definitions to keep at module level, and
the statements that become part of a step function. Magics become plain Python where Python has
an equivalent, and a visible ``# TODO(nb2prod)`` where it has not. Comments and formatting survive.
"""

from __future__ import annotations

import ast
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from nb2prod.analysis import practices
from nb2prod.analysis.ipython import ParseFailure, parse_cell
from nb2prod.convert.secrets import SecretScrubber

#: Line magics that only change the interactive session: dropped.
_SESSION_MAGICS = frozenset(
    {"matplotlib", "load_ext", "reload_ext", "autoreload", "aimport", "config", "pinfo", "pinfo2",
     "who", "whos", "who_ls", "lsmagic", "precision", "xmode", "pdb", "colors", "history",
     "reset", "pwd", "ls", "magic", "quickref", "doctest_mode", "notebook"}
)  # fmt: skip
_SHELL_SYNTAX = frozenset("|&;<>(){}$`*?~")
_EMPTY = cst.Module(body=[])


@dataclass
class LiftedCell:
    """A cell's code, split by where it goes in the package."""

    imports: list[cst.BaseStatement] = field(default_factory=list)
    definitions: list[cst.BaseStatement] = field(default_factory=list)
    body: list[cst.BaseStatement] = field(default_factory=list)
    todos: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    path_parameters: list[str] = field(default_factory=list)
    needs_subprocess: bool = False
    needs_os: bool = False


#: (string literal, whether a folder is meant) -> ("data", its path in the package's data folder),
#: ("parameter", the name of the run() parameter that replaces it), or None: not a file path.
DataResolver = Callable[[str, bool], tuple[str, str] | None]


def lift_cell(
    source: str,
    displays_result: bool,
    data: DataResolver | None = None,
    imported: frozenset[str] = frozenset(),
) -> LiftedCell:
    """Lift one code cell; ``displays_result`` says its last expression's value was shown;
    ``data`` maps a string literal that names a data file beside the notebook to its place in
    the package's data folder; ``imported`` are the names the notebook's imports bind."""
    lifted = LiftedCell()
    try:
        parsed = parse_cell(source)
    except ParseFailure as failure:
        lifted.todos.append(f"not valid Python, kept as a comment: {failure.message}")
        lifted.body.append(_comment_block(source, "not valid Python"))
        return lifted
    module = cst.parse_module(parsed.source)
    if parsed.transformed:  # only cells with IPython syntax have get_ipython() calls to lift
        module = module.visit(_MagicLifter(lifted))
    resolver = data or (lambda _literal, _folder: None)
    if _needs_rewrites(parsed.tree, resolver):  # ast is far quicker than a libcst walk
        rewrites = _Rewrites(resolver)
        module = module.visit(rewrites)
        lifted.path_parameters = rewrites.parameters
        lifted.secrets = rewrites.variables
        lifted.needs_os = lifted.needs_os or bool(rewrites.variables)
    statements = _with_edge_comments(module)
    known = set(imported) | _imported_names(statements)
    for index, statement in enumerate(statements):
        last = index == len(statements) - 1
        _place(lifted, statement, last and displays_result, known)
    return lifted


def _with_edge_comments(module: cst.Module) -> list[cst.BaseStatement]:
    """The statements, keeping the comments libcst files under the module's header and footer."""
    statements: list[cst.BaseStatement] = list(module.body)
    header = [line for line in module.header if line.comment is not None]
    footer = [line for line in module.footer if line.comment is not None]
    if header and statements and isinstance(statements[0], _WITH_LEADING_LINES):
        first = statements[0]
        statements[0] = first.with_changes(leading_lines=[*header, *first.leading_lines])
    elif header:
        footer = [*header, *footer]
    if footer:
        statements.append(cst.SimpleStatementLine([cst.Pass()], leading_lines=footer))
    return statements


_WITH_LEADING_LINES = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


def _place(
    lifted: LiftedCell, statement: cst.BaseStatement, display: bool, imported: set[str]
) -> None:
    constant = _constant(statement, imported | set(lifted.constants))
    if _is_import(statement):
        lifted.imports.append(statement)
    elif isinstance(statement, cst.FunctionDef | cst.ClassDef):
        lifted.definitions.append(statement)
    elif constant is not None:
        lifted.constants.append(constant)
        lifted.definitions.append(statement)
    else:
        kept = _display_only(statement, display, lifted)
        if kept is not None:
            lifted.body.append(kept)


def _constant(statement: cst.BaseStatement, known: set[str]) -> str | None:
    """``LIMIT = 10`` or ``DATA = Path("data")``: an upper-case name set from literals and
    imported names, which belongs at module level where functions can read it."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None
    assign = statement.body[0]
    if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1):
        return None
    target = assign.targets[0].target
    if not (isinstance(target, cst.Name) and target.value.isupper()):
        return None
    code = _EMPTY.code_for_node(assign.value)
    try:
        names = {n.id for n in ast.walk(ast.parse(code, mode="eval")) if isinstance(n, ast.Name)}
    except SyntaxError:
        return None
    return target.value if names <= known else None


def _imported_names(statements: Sequence[cst.BaseStatement]) -> set[str]:
    names: set[str] = set()
    for statement in statements:
        if _is_import(statement):
            code = _EMPTY.code_for_node(statement)
            for node in ast.walk(ast.parse(code.strip())):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names |= {a.asname or a.name.split(".")[0] for a in node.names}
    return names


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Import | cst.ImportFrom) for s in statement.body
    )


def _display_only(
    statement: cst.BaseStatement, display: bool, lifted: LiftedCell
) -> cst.BaseStatement | None:
    """A bare expression: shown when it was the cell's displayed result, dropped when it could
    do nothing (a name, an attribute), kept when it is a call (it may act)."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return statement
    expr = statement.body[0]
    if not isinstance(expr, cst.Expr) or isinstance(
        expr.value, cst.SimpleString | cst.ConcatenatedString
    ):
        return statement
    if display:
        shown = cst.Call(cst.Name("show_result"), [cst.Arg(expr.value)])
        return statement.with_changes(body=[expr.with_changes(value=shown)])
    if isinstance(expr.value, cst.Call) and not _display_method(expr.value):
        return statement
    if isinstance(expr.value, cst.Await | cst.Yield):
        return statement
    if statement.leading_lines and any(line.comment for line in statement.leading_lines):
        return cst.SimpleStatementLine(
            [cst.Pass()], leading_lines=statement.leading_lines
        )  # keep the user's comments
    return None


_DISPLAY_ONLY_METHODS = frozenset(
    {"head", "tail", "describe", "info", "sample", "value_counts", "nunique", "unique",
     "to_string", "corr", "memory_usage"}
)  # fmt: skip


def _needs_rewrites(tree: ast.Module, data: DataResolver) -> bool:
    """Whether :class:`_Rewrites` would change anything in this cell."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("show", "display", "Path", "PurePath"):
                return True
            if any(k.arg and practices.is_secret_name(k.arg) for k in node.keywords):
                return True
        elif isinstance(node, ast.Assign):
            if any(
                isinstance(t, ast.Name) and practices.is_secret_name(t.id) for t in node.targets
            ):
                return True
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if practices.token_kind(text) or data(text, False) is not None:
                return True
    return False


class _Rewrites(SecretScrubber):
    """In one walk: credentials become environment variables; ``plt.show()`` saves the figure;
    ``display(x)`` shows ``x``; data paths point into the package's data folder."""

    def __init__(self, data: DataResolver) -> None:
        super().__init__()
        self.data = data
        self.parameters: list[str] = []

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "show"
            and not updated.args
            and isinstance(func.value, cst.Name)
            and func.value.value in ("plt", "pyplot", "pylab")
        ):
            return cst.Call(cst.Name("save_figure"))
        if isinstance(func, cst.Name) and func.value == "display" and len(updated.args) == 1:
            return updated.with_changes(func=cst.Name("show_result"))
        if isinstance(func, cst.Name) and func.value in ("Path", "PurePath") and updated.args:
            first = updated.args[0].value
            value = first.evaluated_value if isinstance(first, cst.SimpleString) else None
            found = self.data(value, True) if isinstance(value, str) else None
            if found is not None and found[0] == "data":  # Path("data") / "sales.csv"
                where = [cst.Arg(cst.SimpleString(repr(found[1])))] if found[1] else []
                shipped = cst.Call(cst.Name("data_path"), where)
                return updated.with_changes(args=[cst.Arg(shipped), *updated.args[1:]])
        return updated

    def leave_SimpleString(
        self, original: cst.SimpleString, updated: cst.SimpleString
    ) -> cst.BaseExpression:
        scrubbed = super().leave_SimpleString(original, updated)
        if scrubbed is not updated:
            return scrubbed
        value = updated.evaluated_value
        found = self.data(value, False) if isinstance(value, str) else None
        if found is None:
            return updated
        kind, where = found
        if kind == "parameter":
            self.parameters.append(where)
            return cst.Name(where)
        return cst.Call(cst.Name("data_path"), [cst.Arg(cst.SimpleString(repr(where)))])


def _display_method(call: cst.Call) -> bool:
    """``df.head()``: a call that only makes something to look at."""
    return isinstance(call.func, cst.Attribute) and call.func.attr.value in _DISPLAY_ONLY_METHODS


class _MagicLifter(cst.CSTTransformer):
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
        call = f"subprocess.run({words!r}, check=True"
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
            return [cst.parse_statement(f"os.environ[{key.strip()!r}] = {value.strip()!r}\n")]
        return f"%{name} {argument}".strip()

    def _cell_magic(self, name: str, line: str, body: str) -> list[cst.BaseStatement] | str:
        if name in ("capture", "time", "prun"):
            return _statements(body) or f"%%{name} {line}"
        if name == "writefile" and line.strip():
            path = line.split()[-1]
            return [cst.parse_statement(f"Path({path!r}).write_text({body!r})\n")]
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
    comment = cst.Comment(f"# TODO(nb2prod): {' '.join(text.split())}")
    return cst.SimpleStatementLine(
        [cst.Pass()],
        leading_lines=statement.leading_lines,
        trailing_whitespace=cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  "), comment=comment
        ),
    )


def _keep_comments(statement: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Pass()], leading_lines=statement.leading_lines)


def _comment_block(source: str, why: str) -> cst.SimpleStatementLine:
    lines = [cst.EmptyLine(comment=cst.Comment(f"# TODO(nb2prod): {why}:"))]
    lines += [
        cst.EmptyLine(comment=cst.Comment(f"#     {line}".rstrip())) for line in source.splitlines()
    ]
    return cst.SimpleStatementLine([cst.Pass()], leading_lines=lines)
