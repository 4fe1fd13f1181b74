"""Rendering a step as a module with libcst: hoisted imports, the notebook's own definitions, and
one function whose docstring names the cells it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from nb2prod.convert.flow import StepFlow
from nb2prod.convert.lift import LiftedCell
from nb2prod.convert.steps import Step, cell_key

_EMPTY = cst.Module(body=[])


@dataclass
class StepModule:
    """Everything that goes into one step's module."""

    step: Step
    flow: StepFlow
    lifted: list[LiftedCell]
    extra_imports: list[str] = field(default_factory=list)


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def render_step(module: StepModule, package: str, notebook_name: str) -> str:
    """The source of ``src/<package>/<step>.py``."""
    step = module.step
    summary = f'"""{step.title}: {_cells_phrase(step)} of {notebook_name}."""'
    if len(summary) > 100:
        phrase = _cells_phrase(step)
        phrase = phrase[0].upper() + phrase[1:]
        summary = f'"""{step.title}: lifted from {notebook_name}.\n\n{phrase}.\n"""'
    lines = [summary, ""]
    imports = _imports(module, package)
    if imports:
        lines += [*imports, ""]
    definitions = [d for lifted in module.lifted for d in lifted.definitions]
    for definition in definitions:
        lines += ["", code_of(_without_blank_lead(definition)).rstrip("\n"), ""]
    lines += ["", _function(module).rstrip("\n"), ""]
    return "\n".join(_squeeze(lines)).lstrip("\n")


def _imports(module: StepModule, package: str) -> list[str]:
    seen: list[str] = []
    standard = ["import os"] if any(lifted.needs_os for lifted in module.lifted) else []
    if any(lifted.needs_subprocess for lifted in module.lifted):
        standard.append("import subprocess")
    if any("Path(" in code_of(s) for lifted in module.lifted for s in lifted.body):
        standard.append("from pathlib import Path")
    statements = [
        code_of(_without_blank_lead(s)).strip() for lifted in module.lifted for s in lifted.imports
    ]
    for text in [*standard, *statements, *module.extra_imports]:
        if text not in seen:
            seen.append(text)
    support = sorted(_support_names(module))
    if support:
        seen.append(f"from {package}._support import {', '.join(support)}")
    return seen


def _support_names(module: StepModule) -> set[str]:
    text = "".join(code_of(s) for lifted in module.lifted for s in lifted.body)
    return {name for name in ("show_result", "save_figure", "data_path") if f"{name}(" in text}


def _function(module: StepModule) -> str:
    step, flow = module.step, module.flow
    body: list[cst.BaseStatement] = [_docstring(step)]
    pending: list[cst.EmptyLine] = []
    for cell, lifted in zip(step.cells, module.lifted, strict=True):
        label = f"# cell {cell.number} ({cell_key(cell)})"
        if not lifted.body:  # only imports and definitions: they are at module level
            pending.append(cst.EmptyLine(comment=cst.Comment(f"{label}: definitions only")))
            continue
        statements = list(lifted.body)
        first = statements[0]
        marker = cst.EmptyLine(comment=cst.Comment(label))
        statements[0] = first.with_changes(leading_lines=[*pending, marker, *_comments(first)])
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
    )
    return cst.Module(body=[function]).code


def _docstring(step: Step) -> cst.SimpleStatementLine:
    text = f'"""{step.title} ({_cells_phrase(step)})."""'
    if len(text) > 88:
        text = f'"""{step.title}.\n\n    From {_cells_phrase(step)}.\n    """'
    return cst.SimpleStatementLine([cst.Expr(cst.SimpleString(text))])


def _cells_phrase(step: Step) -> str:
    numbers = ", ".join(str(c.number) for c in step.cells)
    ids = ", ".join(step.cell_ids)
    plural = "s" if len(step.cells) > 1 else ""
    return f"notebook cell{plural} {numbers}; id{plural} {ids}"


def _comments(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    lines = list(getattr(statement, "leading_lines", []))
    while lines and lines[0].comment is None:
        lines.pop(0)
    return lines


def _without_blank_lead(statement: cst.BaseStatement) -> cst.BaseStatement:
    lines = _comments(statement)
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
