"""One cell's code, lifted with libcst: imports to hoist, definitions to keep at module level, and
the statements that become part of a step function. Magics become plain Python where Python has
an equivalent, and a visible ``# TODO(nb2prod)`` where it has not. Comments and formatting survive.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from nb2prod.analysis.ipython import Parsed, ParseFailure, parse_cell
from nb2prod.convert.literal import comment, quote
from nb2prod.convert.magiclift import MagicLifter
from nb2prod.convert.rewrites import DataResolver, Rewrites, needs_rewrites
from nb2prod.convert.toplevel import STAR_BLOCK, STAR_TODO, ModuleGlobals, star_imports

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
    order: list[tuple[str, int]] = field(default_factory=list)
    raises: str | None = None
    kept_as_comment: bool = False
    keeps_last: bool = False  # a shown value is bound to `_`, as IPython's display hook did

    def in_order(self) -> list[tuple[str, cst.BaseStatement]]:
        """Every statement with where it went (``imports``, ``definitions`` or ``body``), in the
        cell's own order: the faithful form keeps it."""
        parts = {"imports": self.imports, "definitions": self.definitions, "body": self.body}
        return [(kind, parts[kind][index]) for kind, index in self.order]

    def add(self, kind: str, statement: cst.BaseStatement) -> None:
        parts = {"imports": self.imports, "definitions": self.definitions, "body": self.body}
        self.order.append((kind, len(parts[kind])))
        parts[kind].append(statement)


#: Code nested deeper than this (``a and b and ...`` counts one level a term, as libcst builds it)
#: is not lifted: libcst recurses once a level, and far deeper code crashes its parser.
MAX_DEPTH = 200


class Unliftable(Exception):
    """A cell that is valid Python but that nb2prod cannot lift; the message says why."""


def lift_cell(
    source: str,
    displays_result: bool,
    data: DataResolver | None = None,
    imported: frozenset[str] = frozenset(),
    figures: str | None = None,
    raises: tuple[str, str] | None = None,
    keeps_last: bool = False,
) -> LiftedCell:
    """Lift one code cell; ``displays_result`` says its last expression's value was shown;
    ``data`` maps a string literal that names a data file beside the notebook to its place in
    the package's data folder; ``imported`` are the names the notebook's imports bind;
    ``figures`` names the cell when it showed matplotlib figures (they are saved at its end, as
    the inline backend showed them then); ``raises`` is (exception class name, cell label) for a
    cell that showed an error on purpose: its code runs expecting that error; ``keeps_last``
    binds the shown value to ``_``, as IPython did, for notebooks that read it.
    Raises :class:`Unliftable` for code nested too deeply, or that libcst cannot read."""
    lifted = LiftedCell()
    try:
        parsed = parse_cell(source)
    except ParseFailure as failure:
        lifted.todos.append(f"not valid Python, kept as a comment: {failure.message}")
        lifted.add("body", _comment_block(source, "not valid Python"))
        lifted.kept_as_comment = True
        return lifted
    depth = nesting_depth(parsed.tree)
    if depth > MAX_DEPTH:
        raise Unliftable(
            f"code nested {depth} levels deep, more than the {MAX_DEPTH} nb2prod can lift: "
            "split the expression into named parts"
        )
    problem, bad_escape = _compile_error(parsed.source)
    if problem is not None:  # ast accepts it, the compiler does not: the cell never ran either
        lifted.todos.append(f"not valid Python, kept as a comment: {problem}")
        lifted.add("body", _comment_block(source, "not valid Python"))
        lifted.kept_as_comment = True
        return lifted
    try:
        lifted.keeps_last = keeps_last
        resolver = data or _no_data
        lifted = _lift(parsed, lifted, displays_result, resolver, imported, figures, bad_escape)
    except RecursionError:
        raise Unliftable("code nested too deeply to lift: split it into named parts") from None
    except cst.ParserSyntaxError as error:
        raise Unliftable(f"libcst cannot read this code: {error.message}") from None
    return _expecting(lifted, raises) if raises else lifted


def _expecting(lifted: LiftedCell, raises: tuple[str, str]) -> LiftedCell:
    """All the cell's code, in its order, inside ``with raises_here(NAME, CELL):``: it runs as
    in the notebook, up to the error the notebook showed, and the pipeline goes on."""
    name, label = raises
    statements = [statement for _, statement in lifted.in_order()]
    call = cst.Call(
        cst.Name("raises_here"),
        [cst.Arg(cst.SimpleString(quote(name))), cst.Arg(cst.SimpleString(quote(label)))],
    )
    block = cst.With(
        items=[cst.WithItem(call)],
        body=cst.IndentedBlock(body=statements or [cst.SimpleStatementLine([cst.Pass()])]),
    )
    lifted.imports, lifted.definitions, lifted.body, lifted.order = [], [], [], []
    lifted.constants = []
    lifted.add("body", block)
    lifted.raises = name
    return lifted


def _compile_error(source: str) -> tuple[str | None, bool]:
    """What the compiler refuses that ``ast`` accepts (``break`` outside a loop, ``return`` or
    ``yield`` outside a function, a ``global`` after use...), as IPython would compile it; and
    whether it warned of an invalid escape in a string (lifting mends those)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
            compile(source, "<cell>", "exec", flags=flags, dont_inherit=True)
        except SyntaxError as error:
            return f"{error.msg} (line {error.lineno})", False
        except (ValueError, RecursionError, MemoryError) as error:
            return str(error) or type(error).__name__, False
    return None, any("invalid escape sequence" in str(w.message) for w in caught)


def nesting_depth(tree: ast.AST) -> int:
    """How deep the tree nests, counting each term of a ``BoolOp`` as a level (libcst nests
    them); walked without recursion, so any tree ``ast`` could build is measured."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        depth += len(node.values) - 1 if isinstance(node, ast.BoolOp) else 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest


def _no_data(literal: str, folder: bool) -> None:
    return None


def _lift(
    parsed: Parsed,
    lifted: LiftedCell,
    displays_result: bool,
    data: DataResolver,
    imported: frozenset[str],
    figures: str | None,
    bad_escape: bool,
) -> LiftedCell:
    module = cst.parse_module(parsed.source)
    module.code_for_node(module)  # printing recurses a level a node: too deep fails in its cell
    if parsed.transformed:  # only cells with IPython syntax have get_ipython() calls to lift
        module = module.visit(MagicLifter(lifted))
    tree = parsed.tree
    if bad_escape or needs_rewrites(tree, data):  # ast is far quicker than a libcst walk
        rewrites = Rewrites(data, figures or "figure")
        module = module.visit(rewrites)
        lifted.path_parameters = rewrites.parameters
        lifted.secrets = rewrites.variables
        lifted.needs_os = lifted.needs_os or bool(rewrites.variables)
    if any(isinstance(node, ast.Global) for node in ast.walk(tree)):
        module = module.visit(ModuleGlobals())
    statements = _with_edge_comments(module)
    known = set(imported) | _imported_names(statements)
    for index, statement in enumerate(statements):
        last = index == len(statements) - 1
        _place(lifted, statement, last and displays_result, known)
    if figures is not None and not _saves_last(lifted):
        call = cst.Call(cst.Name("save_figure"), [cst.Arg(cst.SimpleString(quote(figures)))])
        lifted.add("body", cst.SimpleStatementLine([cst.Expr(call)]))
        lifted.requirements.append("matplotlib")
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
        kept = _without_kernel_display(statement)
        if kept is not None:
            lifted.add("imports", kept)
    elif isinstance(statement, cst.FunctionDef | cst.ClassDef):
        lifted.add("definitions", statement)
    elif isinstance(statement, cst.BaseCompoundStatement) and star_imports(statement):
        lifted.todos.append(STAR_BLOCK)
        todo = cst.EmptyLine(comment=cst.Comment(STAR_TODO))
        notes = [line for line in statement.leading_lines if line.comment is not None]
        lifted.add("definitions", statement.with_changes(leading_lines=[*notes, todo]))
    elif constant is not None:
        lifted.constants.append(constant)
        lifted.add("definitions", statement)
    else:
        kept = _display_only(statement, display, lifted)
        if kept is not None:
            lifted.add("body", kept)


#: IPython's display functions that need a kernel; the package's ``_support`` has its own.
KERNEL_DISPLAY = frozenset({"display", "update_display", "clear_output"})
_DISPLAY_MODULES = frozenset({"IPython.display", "IPython.core.display"})


def _without_kernel_display(statement: cst.BaseStatement) -> cst.BaseStatement | None:
    """``from IPython.display import display, Markdown`` without ``display``: outside a kernel
    IPython's prints ``str()`` and gives no handles, so the package's own is used. None when
    nothing is left to import."""
    code = _EMPTY.code_for_node(statement)
    if "display" not in code or not isinstance(statement, cst.SimpleStatementLine):
        return statement
    body: list[cst.BaseSmallStatement] = []
    for small in statement.body:
        if isinstance(small, cst.ImportFrom) and isinstance(small.names, Sequence):
            module = _EMPTY.code_for_node(small.module) if small.module else ""
            if module in _DISPLAY_MODULES and not small.relative:
                names = [
                    a for a in small.names
                    if a.asname is not None or _EMPTY.code_for_node(a.name) not in KERNEL_DISPLAY
                ]  # fmt: skip
                if not names:
                    continue
                last = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                small = small.with_changes(names=[*names[:-1], last])
        body.append(small)
    return statement.with_changes(body=body) if body else None


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
        nodes = list(ast.walk(ast.parse(code, mode="eval")))
    except SyntaxError:
        return None
    names = {n.id for n in nodes if isinstance(n, ast.Name)}
    calls = [n.func for n in nodes if isinstance(n, ast.Call)]
    if any(_called_name(func) not in _CONSTANT_CALLS for func in calls):
        return None  # `N = np.load("m.npy")` runs when the step runs, not when imported
    return target.value if names <= known else None


#: Calls a module-level constant may make: they build a value and touch nothing.
_CONSTANT_CALLS = frozenset({
    "Path", "PurePath", "PosixPath", "PurePosixPath", "compile", "frozenset", "set", "tuple",
    "dict", "list", "range", "int", "float", "str", "bool", "bytes", "complex", "timedelta",
    "date", "datetime", "Decimal", "Fraction", "namedtuple", "TypeVar", "getenv", "join",
})  # fmt: skip


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


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
        value = expr.value
        if isinstance(value, cst.Tuple) and not value.lpar:  # `a, b` shows one tuple
            value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        shown = cst.Call(cst.Name("show_result"), [cst.Arg(value)])
        lifted.requirements.append("ipython")  # shown by IPython's plain-text rules
        if lifted.keeps_last:
            kept = cst.Assign([cst.AssignTarget(cst.Name("_"))], shown)
            return statement.with_changes(body=[kept])
        return statement.with_changes(body=[expr.with_changes(value=shown)])
    if isinstance(expr.value, cst.Call) and not _display_method(expr.value):
        return statement
    if not isinstance(expr.value, _INERT):  # `1 / 0`, `d["k"]`: it may raise, as it did
        return statement
    if statement.leading_lines and any(line.comment for line in statement.leading_lines):
        return cst.SimpleStatementLine(
            [cst.Pass()], leading_lines=statement.leading_lines
        )  # keep the user's comments
    return None


#: Bare expressions that can do nothing, dropped when their value was not shown.
_INERT = (cst.Name, cst.Attribute, cst.BaseNumber, cst.Call, cst.Ellipsis)

_DISPLAY_ONLY_METHODS = frozenset(
    {"head", "tail", "describe", "info", "sample", "value_counts", "nunique", "unique",
     "to_string", "corr", "memory_usage"}
)  # fmt: skip


def _saves_last(lifted: LiftedCell) -> bool:
    """The cell already ends by saving its figures (it ended with ``plt.show()``)."""
    return bool(lifted.body) and "save_figure(" in _EMPTY.code_for_node(lifted.body[-1])


def _display_method(call: cst.Call) -> bool:
    """``df.head()``: a call that only makes something to look at."""
    return isinstance(call.func, cst.Attribute) and call.func.attr.value in _DISPLAY_ONLY_METHODS


def _comment_block(source: str, why: str) -> cst.SimpleStatementLine:
    lines = [cst.EmptyLine(comment=cst.Comment(comment(f"TODO(nb2prod): {why}:")))]
    lines += [cst.EmptyLine(comment=cst.Comment(comment(f"    {t}"))) for t in source.splitlines()]
    return cst.SimpleStatementLine([cst.Pass()], leading_lines=lines)
