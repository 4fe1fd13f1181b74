"""Rendering a step as a module with libcst: hoisted imports, the notebook's own definitions, and
one function whose docstring names the cells it came from."""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, field

import libcst as cst

from nb2prod.convert.flow import StepFlow
from nb2prod.convert.importsort import sort_imports
from nb2prod.convert.lift import LiftedCell
from nb2prod.convert.literal import comment, docstring
from nb2prod.convert.steps import Step, cell_key
from nb2prod.convert.toplevel import awaits

_EMPTY = cst.Module(body=[])

#: What the package's ``_support`` module offers the steps.
SUPPORT_NAMES = (
    "show_result", "save_figure", "data_path", "raises_here", "display", "update_display",
    "clear_output",
)  # fmt: skip


@dataclass
class StepModule:
    """Everything that goes into one step's module."""

    step: Step
    flow: StepFlow
    lifted: list[LiftedCell]
    extra_imports: list[str] = field(default_factory=list)


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


class _BareBlankLines(cst.CSTTransformer):
    """Blank lines without the block's indentation (a cell's blank line, moved into a function,
    would otherwise carry its spaces: W293), and no spaces at the ends of lines."""

    def leave_EmptyLine(self, original: cst.EmptyLine, updated: cst.EmptyLine) -> cst.EmptyLine:
        if updated.comment is None:
            return updated.with_changes(indent=False, whitespace=cst.SimpleWhitespace(""))
        return updated

    def leave_TrailingWhitespace(
        self, original: cst.TrailingWhitespace, updated: cst.TrailingWhitespace
    ) -> cst.TrailingWhitespace:
        if updated.comment is None:  # spaces before a line's end (W291), never inside a string
            return updated.with_changes(whitespace=cst.SimpleWhitespace(""))
        return updated


def bare_blank_lines(module: cst.Module) -> cst.Module:
    """``module`` with no whitespace on its blank lines."""
    return module.visit(_BareBlankLines())


def tidy(statement: cst.BaseStatement) -> str:
    """One statement's code, without trailing spaces or whitespace-only lines."""
    if not isinstance(statement, cst.SimpleStatementLine | cst.BaseCompoundStatement):
        return code_of(statement)
    return bare_blank_lines(cst.Module(body=[statement])).code


def render_step(module: StepModule, package: str, notebook_name: str) -> str:
    """The source of ``src/<package>/<step>.py``; only the imports its code uses."""
    step = module.step
    summary = docstring(f"{step.title}: {_cells_phrase(step)} of {notebook_name}.")
    if len(summary) > 100:
        phrase = _cells_phrase(step)
        phrase = phrase[0].upper() + phrase[1:]
        summary = docstring(
            f"{step.title}: lifted from {notebook_name}.", "", *textwrap.wrap(f"{phrase}.", 96), ""
        )
    parts = [
        tidy(without_blank_lead(d)).rstrip("\n")
        for lifted in module.lifted
        for d in lifted.definitions
    ]
    if has_body(module):
        parts.append(_function(module).rstrip("\n"))
    code = "\n\n\n".join(parts)
    lines = [summary, ""]
    imports = sort_imports(_imports(module, package, code), package)
    if imports:
        lines += [*imports, ""]
    if code:  # two blank lines before a definition, one before a statement (PEP 8, isort)
        definition = code.lstrip().startswith(("def ", "class ", "@", "async def "))
        lines += ["", code, ""] if definition or not imports else [code, ""]
    return "\n".join(_squeeze(lines)).lstrip("\n")


def has_body(module: StepModule) -> bool:
    """Whether the step has statements to run (not only imports and definitions)."""
    return any(lifted.body for lifted in module.lifted)


def _imports(module: StepModule, package: str, code: str) -> list[str]:
    used = _names_used(code)
    statements = [
        code_of(without_blank_lead(s)).strip() for lifted in module.lifted for s in lifted.imports
    ]
    lines = [s for s in statements if _is_future(s)]  # first in the module, and always kept
    if "os." in code and "os" in used:
        lines.append("import os")
    if "subprocess" in used:
        lines.append("import subprocess")
    for text in [*statements, *module.extra_imports]:
        text = _only_used(text, used)
        if text not in lines and _binds_any(text, used):
            lines.append(text)
    if "Path" in used and not any(_binds_any(line, {"Path"}) for line in lines):
        lines.append("from pathlib import Path")
    support = sorted(
        name
        for name in SUPPORT_NAMES
        if name in used
        and f"def {name}(" not in code
        and not any(_binds_any(line, {name}) for line in lines)
    )
    if support:
        lines.append(f"from {package}._support import {', '.join(support)}")
    return lines


def _only_used(statement: str, used: set[str]) -> str:
    """``from m import a, b, c`` with only the names this module uses (the module is imported
    all the same, so nothing runs differently); any other import as it is."""
    try:
        tree = ast.parse(statement)
    except SyntaxError:
        return statement
    if len(tree.body) != 1 or "#" in statement:
        return statement
    node = tree.body[0]
    if not isinstance(node, ast.ImportFrom) or any(a.name == "*" for a in node.names):
        return statement
    kept = [a for a in node.names if (a.asname or a.name) in used]
    if not kept or len(kept) == len(node.names):
        return statement
    names = ", ".join(a.name if a.asname is None else f"{a.name} as {a.asname}" for a in kept)
    return f"from {'.' * node.level}{node.module or ''} import {names}"


def _names_used(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _is_future(statement: str) -> bool:
    try:
        tree = ast.parse(statement)
    except SyntaxError:
        return False
    return any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in tree.body)


def _binds_any(statement: str, names: set[str]) -> bool:
    try:
        tree = ast.parse(statement)
    except SyntaxError:
        return True
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            bound = {a.asname or a.name.split(".")[0] for a in node.names}
            if "*" in bound or bound & names:
                return True
    return False


def _function(module: StepModule) -> str:
    step, flow = module.step, module.flow
    body: list[cst.BaseStatement] = [step_docstring(step)]
    pending: list[cst.EmptyLine] = []
    for cell, lifted in zip(step.cells, module.lifted, strict=True):
        label = f"cell {cell.number} ({cell_key(cell)})"
        if not lifted.body:  # only imports and definitions: they are at module level
            pending.append(
                cst.EmptyLine(comment=cst.Comment(comment(f"{label}: definitions only")))
            )
            continue
        statements = list(lifted.body)
        first = statements[0]
        marker = cst.EmptyLine(comment=cst.Comment(comment(label)))
        statements[0] = first.with_changes(
            leading_lines=[*pending, marker, *leading_comments(first)]
        )
        pending = []
        body += statements
    if flow.outputs:
        returned = ", ".join(flow.outputs)
        body.append(cst.parse_statement(f"return {returned}\n").with_changes(leading_lines=pending))
    elif pending or len(body) == 1:
        body.append(cst.SimpleStatementLine([cst.Pass()], leading_lines=pending))
    function = cst.FunctionDef(
        name=cst.Name(step.name),
        params=cst.Parameters(params=[cst.Param(cst.Name(n)) for n in flow.inputs]),
        body=cst.IndentedBlock(body=body),
        asynchronous=cst.Asynchronous() if awaits(body) else None,
    )
    return bare_blank_lines(cst.Module(body=[function])).code


def step_docstring(step: Step) -> cst.SimpleStatementLine:
    text = docstring(f"{step.title} ({_cells_phrase(step)}).")
    if len(text) > 88:
        wrapped = textwrap.wrap(f"From {_cells_phrase(step)}.", 88)
        text = docstring(f"{step.title}.", "", *(f"    {line}" for line in wrapped), "    ")
    return cst.SimpleStatementLine([cst.Expr(cst.SimpleString(text))])


def _cells_phrase(step: Step) -> str:
    numbers = ", ".join(str(c.number) for c in step.cells)
    ids = ", ".join(step.cell_ids)
    plural = "s" if len(step.cells) > 1 else ""
    return f"notebook cell{plural} {numbers}; id{plural} {ids}"


def leading_comments(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    lines = list(getattr(statement, "leading_lines", []))
    while lines and lines[0].comment is None:
        lines.pop(0)
    return lines


def without_blank_lead(statement: cst.BaseStatement) -> cst.BaseStatement:
    lines = leading_comments(statement)
    if isinstance(statement, cst.FunctionDef | cst.ClassDef):
        return statement.with_changes(leading_lines=lines, lines_after_decorators=[])
    if isinstance(statement, cst.SimpleStatementLine | cst.BaseCompoundStatement):
        return statement.with_changes(leading_lines=lines)
    return statement


def _squeeze(lines: list[str]) -> list[str]:
    """At most two blank lines in a row, as PEP 8 lays out a module."""
    out: list[str] = []
    blanks = 0
    for line in lines:
        blanks = blanks + 1 if not line.strip() else 0
        if blanks <= 2:
            out.append(line)
    return out


def import_binding(lifted: LiftedCell, name: str) -> list[str]:
    """The line of the cell's imports that binds ``name`` (as a list: empty when none does)."""
    for statement in lifted.imports:
        text = code_of(statement).strip().splitlines()[-1]
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                bound = [a.asname or a.name.split(".")[0] for a in node.names]
                if name in bound:
                    return [text]
    return []
