"""The papermill ``parameters`` cell, ``pipeline.run()`` and ``python -m PKG``."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from nb2prod.analysis.context import Analysed
from nb2prod.convert import templates
from nb2prod.convert.flow import StepFlow
from nb2prod.convert.importsort import LINE_LENGTH, sort_imports
from nb2prod.convert.literal import Identifier, docstring, ident, quote
from nb2prod.convert.steps import Step

_CLI_TYPES = ("int", "float", "str")


@dataclass(frozen=True)
class Parameter:
    """``name: kind = default`` from the parameters cell."""

    name: str
    kind: str
    default: str


def parameters_of(code: list[Analysed]) -> tuple[list[Parameter], Analysed | None]:
    """The assignments of the cell tagged ``parameters`` (papermill's convention)."""
    for cell in code:
        if "parameters" in cell.cell.tags:
            return _assignments(cell.cell.source), cell
    return [], None


def _assignments(source: str) -> list[Parameter]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found: list[Parameter] = []
    for node in tree.body:
        target = (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        )
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target = node.target
        value = getattr(node, "value", None)
        if not isinstance(target, ast.Name) or value is None:
            continue
        try:
            literal = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, RecursionError):
            continue
        kind = type(literal).__name__ if literal is not None else "object"
        found.append(Parameter(target.id, kind, ast.unparse(value)))
    return found


def render_pipeline(
    package: Identifier,
    notebook: str,
    steps: list[tuple[Step, StepFlow]],
    parameters: list[Parameter],
    awaiting: frozenset[str] = frozenset(),
) -> str:
    """``run(params) -> results``: the steps in notebook order; the steps named in ``awaiting``
    are coroutine functions, run to completion on one event loop for the whole run."""
    lines = [docstring(f"The steps of {notebook}, in notebook order."), ""]
    lines += ["from __future__ import annotations", ""]
    lines += ["import asyncio", ""] if awaiting else []
    steps_imports = [f"from {package}.{step.name} import {step.name}" for step, _ in steps]
    lines += sort_imports(["from typing import Any", *steps_imports], package)
    signature = ", ".join(f"{p.name}: {p.kind} = {p.default}" for p in parameters)
    header = f"def run({signature}) -> dict[str, Any]:"
    if len(header) > 100:
        params = "".join(f"    {p.name}: {p.kind} = {p.default},\n" for p in parameters)
        header = f"def run(\n{params}) -> dict[str, Any]:"
    lines += ["", "", header]
    lines.append(
        '    """Run the notebook\'s steps in order; returns what they produced, by name."""'
    )
    results: list[str] = [p.name for p in parameters]
    calls: list[str] = []
    indent = "        " if awaiting else "    "
    for step, flow in steps:
        calls.append(_call(step.name, flow, step.name in awaiting, indent))
        results += [n for n in flow.outputs if n not in results]
    lines += _on_one_loop(calls) if awaiting else [f"    {call}" for call in calls]
    pairs = ", ".join(f'"{ident(n)}": {n}' for n in results)  # a name needs no escaping
    if len(pairs) > 80:
        pairs = "\n" + "".join(f'        "{n}": {n},\n' for n in results) + "    "
    lines.append(f"    return {{{pairs}}}")
    return "\n".join(lines) + "\n"


def _call(name: str, flow: StepFlow, awaiting: bool, indent: str) -> str:
    """``outputs = step(inputs)``, one name a line when the line would be too long."""
    inputs = ", ".join(flow.inputs)
    call = f"{name}({inputs})"
    if len(indent + call) > LINE_LENGTH:
        listed = "".join(f"{indent}    {n},\n" for n in flow.inputs)
        call = f"{name}(\n{listed}{indent})"
    if awaiting:
        call = f"loop.run_until_complete({call})"
    if not flow.outputs:
        return call
    target = ", ".join(flow.outputs)
    if len(indent + target + " = " + call.split("\n")[0]) > LINE_LENGTH:
        listed = "".join(f"{indent}    {n},\n" for n in flow.outputs)
        target = f"(\n{listed}{indent})"
    return f"{target} = {call}"


def render_shared_pipeline(
    package: Identifier,
    notebook: str,
    module: Identifier,
    running: list[str],
    parameters: list[Parameter],
    awaiting: frozenset[str],
    results: list[str],
) -> str:
    """``run(params) -> results`` for the faithful form: the parameters become globals of the
    steps' module, as the parameters cell made them globals of the kernel, then each step runs."""
    lines = [docstring(f"The steps of {notebook}, in notebook order."), ""]
    lines += ["from __future__ import annotations", ""]
    lines += ["import asyncio", ""] if awaiting else []
    lines += ["from typing import Any", ""]
    lines += [f"from {package} import {module} as _steps", ""]
    kept = "".join(f"    {quote(n)},\n" for n in results)
    lines += [f"RESULTS = (\n{kept})" if results else "RESULTS: tuple[str, ...] = ()"]
    lines += ['"""The names the steps bind, in the order they first bind them."""', "", ""]
    signature = ", ".join(f"{p.name}: {p.kind} = {p.default}" for p in parameters)
    header = f"def run({signature}) -> dict[str, Any]:"
    if len(header) > 100:
        params = "".join(f"    {p.name}: {p.kind} = {p.default},\n" for p in parameters)
        header = f"def run(\n{params}) -> dict[str, Any]:"
    lines += [header, '    """Run the notebook\'s steps in order; returns the names they bound."""']
    lines += [f"    _steps.{p.name} = {p.name}" for p in parameters]
    calls = [
        f"loop.run_until_complete(_steps.{name}())" if name in awaiting else f"_steps.{name}()"
        for name in running
    ]
    lines += _on_one_loop(calls) if awaiting else [f"    {call}" for call in calls]
    lines.append("    namespace = vars(_steps)")
    lines.append("    return {name: namespace[name] for name in RESULTS if name in namespace}")
    return "\n".join(lines) + "\n"


def _on_one_loop(calls: list[str]) -> list[str]:
    """The step calls, inside one event loop that the steps which await share, as the
    notebook's cells shared the kernel's loop."""
    return [
        "    loop = asyncio.new_event_loop()  # the awaiting steps share it, as the cells did",
        "    try:",
        *(f"        {call}" for call in calls),
        "    finally:",
        "        loop.close()",
    ]


def render_main(package: Identifier, parameters: list[Parameter]) -> str:
    """``python -m PKG --param value``."""
    options = ""
    for parameter in parameters:
        flag, dest = quote("--" + parameter.name.replace("_", "-")), quote(parameter.name)
        if parameter.kind == "bool":
            options += (
                f"    parser.add_argument({flag}, dest={dest}, "
                f"action=argparse.BooleanOptionalAction, default={parameter.default})\n"
            )
        elif parameter.kind in _CLI_TYPES:
            options += (
                f"    parser.add_argument({flag}, dest={dest}, "
                f"type={parameter.kind}, default={parameter.default})\n"
            )
    with_options = " with the notebook's parameters as options" if options else ""
    doc = docstring(f"``python -m {package}``: run the pipeline{with_options}.")
    head = templates.fill(templates.MAIN, doc=doc, package=package)
    return head + options + templates.fill(templates.MAIN_END, package=package)
