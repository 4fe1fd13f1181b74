"""Generated tests: the pipeline runs, every cell's shown text comes out again, and the notebook's
functions give the results the notebook showed for the same arguments."""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Set
from dataclasses import dataclass

from nb2prod.analysis.context import Analysed
from nb2prod.convert.literal import docstring, quote, quote_block, quote_value
from nb2prod.convert.steps import Step, cell_key
from nb2prod.magic_table import unstable_output
from nb2prod.notebook import Output
from nb2prod.secretscan import contains_secret

#: Longer shown text is not embedded in a test (it would bloat the package for little gain).
MAX_EXPECTED = 20_000


@dataclass(frozen=True)
class GeneratedTest:
    """One test function and the cell it checks."""

    name: str
    cell_id: str
    code: str


def expected_text(cell: Analysed) -> str:
    """What a cell showed as text: its printed output and plain-text results, in order."""
    parts: list[str] = []
    browser = any(_BROWSER_ONLY & set(o.mimetypes) for o in cell.cell.outputs)
    for output in cell.cell.outputs:
        if output.output_type == "stream" and output.name != "stderr":
            parts.append(_IPYTHON_NOISE.sub("", output.text))
        elif output.output_type in ("execute_result", "display_data") and _plain(output):
            if browser and output.output_type == "display_data" and "text/html" in output.mimetypes:
                continue  # the page an interactive backend drew into, beside its script
            parts.append(output.text + "\n")
    return "".join(parts)


#: What IPython itself prints when it fails to format a traceback: the kernel's, not the cell's.
_IPYTHON_NOISE = re.compile(
    r"^Unexpected exception formatting exception\. Falling back to standard exception\n?",
    re.MULTILINE,
)


def _plain(output: Output) -> bool:
    """Text-only results: a figure's text form (``<Figure ...>``) is not what it showed, nor is
    the placeholder of code for the browser (``<IPython.core.display.Javascript object>``, an
    interactive backend's widget)."""
    return (
        bool(output.text)
        and "image/png" not in output.mimetypes
        and not _BROWSER_ONLY & set(output.mimetypes)
    )


#: What only a browser shows: the package has no page to run it in.
_BROWSER_ONLY = frozenset({"application/javascript", "application/vnd.jupyter.widget-view+json"})


def output_tests(
    steps: list[Step], varying: Set[int] = frozenset(), unlifted: Set[int] = frozenset()
) -> list[GeneratedTest]:
    """One characterization test per cell that showed text; for the cells in ``varying``
    (their values depend on unseeded random draws) only the text's shape is compared. No test
    for a cell in ``unlifted`` (its code is a comment in the package), nor for timing, profile
    or shell output (a fresh run never shows it again)."""
    tests: list[GeneratedTest] = []
    for step in steps:
        for cell in step.cells:
            text = expected_text(cell)
            if (
                not text.strip()
                or len(text) > MAX_EXPECTED
                or any(o.truncated for o in cell.cell.outputs)
                or cell.number in unlifted
                or unstable_output(cell.facts.magics)
                or "get_backend(" in cell.cell.source  # the machine's backend, not the notebook's
            ):
                continue
            if contains_secret(text):
                continue  # a credential in an output is never copied into a package
            name = f"test_cell_{cell.number}_output"
            doc = wrapped_doc(
                f"Cell {cell.number} ({cell_key(cell)}; step `{step.name}`) showed it."
            )
            literal = quote_block(text, "    ")
            check = f"    shows(pipeline[1], {literal})\n"
            if cell.number in varying:
                check = (
                    "    # drawn from random numbers without a seed: only the text's shape is "
                    "stable\n"
                    f"    shows(pipeline[1], {literal}, values=False)\n"
                )
            code = f"def {name}(pipeline: tuple[dict[str, Any], str]) -> None:\n    {doc}\n{check}"
            tests.append(GeneratedTest(name, cell_key(cell), code))
    return tests


def figure_count(cell: Analysed) -> int:
    """How many matplotlib figures the cell showed (the inline backend's ``<Figure ...>``)."""
    return sum(
        1
        for o in cell.cell.outputs
        if o.output_type in ("display_data", "execute_result")
        and "image/png" in o.mimetypes
        and o.text.startswith("<Figure")
    )


def figure_tests(steps: list[Step], package: str) -> list[GeneratedTest]:
    """One test per cell that showed figures: the package saves as many, named by the cell."""
    tests: list[GeneratedTest] = []
    for step in steps:
        for cell in step.cells:
            count = figure_count(cell)
            if not count:
                continue
            name = f"test_cell_{cell.number}_figures"
            doc = wrapped_doc(
                f"Cell {cell.number} ({cell_key(cell)}; step `{step.name}`) showed {count} "
                "figure(s): the package saves each."
            )
            prefix = quote(f"cell-{cell.number}-")
            code = (
                f"def {name}(pipeline: tuple[dict[str, Any], str]) -> None:\n"
                f"    {doc}\n"
                f"    from {package}._support import saved_figures\n\n"
                f"    saved = [p.name for p in saved_figures() if p.name.startswith({prefix})]\n"
                f"    assert len(saved) == {count}, saved\n"
            )
            tests.append(GeneratedTest(name, cell_key(cell), code))
    return tests


def raised_on_purpose(cell: Analysed) -> str | None:
    """The exception class a cell tagged ``raises-exception`` showed, when it is a name."""
    if "raises-exception" not in cell.cell.tags:
        return None
    for output in cell.cell.outputs:
        if output.output_type == "error" and output.ename and output.ename.isidentifier():
            return output.ename
    return None


def error_tests(steps: list[Step], package: str) -> list[GeneratedTest]:
    """One test per cell that showed an error on purpose: the package raises the same class."""
    tests: list[GeneratedTest] = []
    for step in steps:
        for cell in step.cells:
            name = raised_on_purpose(cell)
            if name is None:
                continue
            test = f"test_cell_{cell.number}_raises_{name.lower()}"
            doc = wrapped_doc(f"Cell {cell.number} ({cell_key(cell)}) showed {name}, on purpose.")
            code = (
                f"def {test}(pipeline: tuple[dict[str, Any], str]) -> None:\n"
                f"    {doc}\n"
                f"    from {package}._support import raised\n\n"
                f"    assert raised().get({quote(f'cell-{cell.number}')}) == {quote(name)}\n"
            )
            tests.append(GeneratedTest(test, cell_key(cell), code))
    return tests


def function_tests(
    steps: list[Step], definitions: dict[str, str], package: str
) -> list[GeneratedTest]:
    """For each cell whose shown result is a call of a notebook function with literal arguments:
    call it again and compare with what the notebook showed."""
    tests: list[GeneratedTest] = []
    for step in steps:
        for cell in step.cells:
            call = _shown_call(cell, definitions)
            if call is None:
                continue
            function, source, shown = call
            name = f"test_cell_{cell.number}_{function}"
            doc = wrapped_doc(f"Cell {cell.number} ({cell_key(cell)}) showed `{source}`.")
            code = (
                f"def {name}() -> None:\n"
                f"    {doc}\n"
                f"    from {package}._support import plain_text\n"
                f"    from {package}.{definitions[function]} import {function}\n\n"
                f"    assert normalize(plain_text({source})) == normalize({quote(shown)})\n"
            )
            tests.append(GeneratedTest(name, cell_key(cell), code))
    return tests


def _shown_call(cell: Analysed, definitions: dict[str, str]) -> tuple[str, str, str] | None:
    results = [o for o in cell.cell.outputs if o.output_type == "execute_result" and o.text]
    if len(results) != 1:
        return None
    try:
        tree = ast.parse(cell.cell.source)
    except (SyntaxError, ValueError):
        return None
    last = tree.body[-1] if tree.body else None
    if not (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)):
        return None
    call = last.value
    if not isinstance(call.func, ast.Name) or call.func.id not in definitions:
        return None
    try:
        for argument in [*call.args, *(k.value for k in call.keywords)]:
            ast.literal_eval(argument)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return None
    return call.func.id, ast.unparse(call), results[0].text


def _listed(names: list[str]) -> str:
    """A list literal of ``names``, one a line when it would not fit on one."""
    one = quote_value(names)
    if len(one) <= 60:
        return one
    return "[\n" + "".join(f"        {quote(name)},\n" for name in names) + "    ]"


def _conftest_import(tests: list[GeneratedTest]) -> str:
    """``from conftest import ...``: what the tests use of it."""
    used = [n for n in ("normalize", "shows") if any(f"{n}(" in t.code for t in tests)]
    return f"from conftest import {', '.join(used)}\n" if used else ""


def wrapped_doc(text: str) -> str:
    """A test's docstring, wrapped to stay within 100 columns at its indentation."""
    one = docstring(text)
    if len(one) <= 92:
        return one
    lines = textwrap.wrap(text, 84)
    return docstring(lines[0], *(f"    {line}" for line in lines[1:]), "    ")


def render_tests(
    tests: list[GeneratedTest],
    package: str,
    notebook: str,
    title: str,
    results: list[str],
    exact: bool = True,
) -> str:
    """The generated test module; ``results`` are the names ``run()`` returns (``exact``), or the
    names every run must bind among those it returns."""
    summary = f"{title}: generated by nb2prod from {notebook}."
    doc = docstring(summary, "", "The package must show what the notebook showed.", "")
    if len(summary) > 96:
        doc = docstring(f"Generated by nb2prod from {notebook}.", "", summary, "")
    conftest = _conftest_import(tests)
    header = (
        f"{doc}\n\n"
        "from __future__ import annotations\n\n"
        "from typing import Any\n" + (f"\n{conftest}" if conftest else "") + "\n\n"
        "def test_pipeline_runs(pipeline: tuple[dict[str, Any], str]) -> None:\n"
        '    """The whole notebook runs as a pipeline and returns what its steps produced."""\n'
        "    results, _ = pipeline\n"
        + (
            f"    assert list(results) == {_listed(results)}\n"
            if exact
            else f"    missing = [n for n in {_listed(results)} if n not in results]\n"
            '    assert not missing, f"the steps did not bind {missing}"\n'
        )
    )
    body = "".join("\n\n" + test.code for test in tests)
    return header + body
