"""Generated code never carries notebook text as code, and always compiles.

Hostile text goes into every field a notebook's author controls (headings, ``step:`` tags,
``# step:`` comments, cell ids, the file name, markdown, stored outputs); each notebook is
converted by the real ``nb2prod convert`` in a subprocess, then every generated ``.py`` is
compiled and the package imported in a fresh interpreter, which must create no marker file.
Then the constructs that used to give packages that do not compile: top-level ``await``,
``async for``/``async with``, star imports inside blocks, names that shadow modules, deep code.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nb2prod.convert.compiles import check_generated
from nb2prod.convert.literal import comment, docstring, quote, single_line, toml_string
from nb2prod.convert.package import Package, convert_notebook
from nb2prod.convert.templates import fill
from nb2prod.errors import NotebookError
from nb2prod.notebook import Notebook, loads

MARKER = "marker"
PAYLOAD = f'Load """;__import__("pathlib").Path("{MARKER}").write_text("ran");"""'
HOSTILE = {
    "payload": PAYLOAD,
    "payload-single": PAYLOAD.replace('"""', "'''"),
    "triple-double": 'a """ b',
    "triple-single": "a ''' b",
    "ends-quote": 'Load "',
    "backslashes": "C:\\new\\x41\\N{DASH}\\u12 ends\\",
    "newline": f"Load\n{PAYLOAD}\n#",
    "carriage-return": f"Load\r{PAYLOAD}",
    "nul": "Load\x00data",
    "form-feed": "Load\x0cdata",
    "surrogates": "Load \ud800 lone \udfff",
    "braces": "Load {} {0} {name} {{",
    "hash": "Load # not a comment",
    "line-separators": "Load\u2028next\u0085last\u2029end",
    "controls": "Load\x1b[31m\x7f\x1c\x1e\x0b",
}


# --- the quoting path ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_literals_round_trip_and_stay_on_their_line(text: str) -> None:
    assert ast.literal_eval(quote(text)) == text
    assert ast.literal_eval(docstring(text)) == text
    assert ast.literal_eval(docstring(text, "", text)) == f"{text}\n\n{text}"
    for made in (quote(text), docstring(text), comment(text), single_line(text)):
        assert len(made.splitlines()) == 1, made
        made.encode("utf-8")  # no lone surrogate left
    assert comment(text).startswith("# ")
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == _without_surrogates(text)


def test_fill_takes_only_identifiers_and_literals() -> None:
    template = "{doc}\nimport {package}\n"
    assert fill(template, doc=docstring(PAYLOAD), package="pkg").startswith('"""Load \\"')
    for unsafe in (PAYLOAD, "a b", "x = 1", '"""', "os.system('x')"):
        with pytest.raises(ValueError, match="neither an identifier nor a quoted literal"):
            fill(template, doc=unsafe, package="pkg")  # type: ignore[arg-type]


def test_the_compile_guard_names_the_file_and_writes_nothing() -> None:
    broken = {"src/p/step.py": "def f(:\n", "data/x.csv": b"\xff"}
    with pytest.raises(NotebookError, match=r"nb\.ipynb: .*src/p/step\.py does not compile"):
        check_generated(broken, "nb.ipynb")
    with pytest.raises(NotebookError, match="is not UTF-8 text"):
        check_generated({"README.md": "a \ud800"}, "nb.ipynb")
    with pytest.raises(NotebookError, match="is not valid TOML"):
        check_generated({"pyproject.toml": 'name = "a\n"'}, "nb.ipynb")
    with pytest.raises(NotebookError, match="'await' outside"):
        check_generated({"src/p/s.py": "def f():\n    await g()\n"}, "nb.ipynb")
    check_generated({"src/p/helpers.py": "def f(:\n"}, "nb.ipynb", copied={"src/p/helpers.py"})


# --- hostile text in every field, through the CLI -----------------------------------------------


def cell(kind: str, source: str, cell_id: str, **fields: Any) -> dict[str, Any]:
    made: dict[str, Any] = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source}
    if kind == "code":
        made |= {"execution_count": None, "outputs": []} | fields
    return made


def notebook(*cells: dict[str, Any]) -> str:
    count = 0
    for made in cells:
        if made["cell_type"] == "code":
            count += 1
            made["execution_count"] = count
            for output in made["outputs"]:
                if output["output_type"] == "execute_result":
                    output["execution_count"] = count
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    metadata = {"kernelspec": kernel, "language_info": {"name": "python", "version": "3.11.7"}}
    document = {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": list(cells)}
    return json.dumps(document)  # lone surrogates are written as JSON escapes


def text_fields(text: str, cell_id: str = "c2") -> str:
    """``text`` as the title, a section heading, markdown, a ``step:`` tag, a ``# step:``
    comment, printed output and a displayed value (both what the code really shows: the
    generated tests expect them); ``cell_id`` on the first code cell."""
    one_line = text.replace("\n", " ").replace("\r", " ")  # so it cannot end the comment
    printed = {"output_type": "stream", "name": "stdout", "text": text + "\n"}
    shown = {"output_type": "execute_result", "data": {"text/plain": repr(text)}, "metadata": {}}
    tagged = {"tags": [f"step:{text}"]}
    return notebook(
        cell("markdown", f"# {text}", "c0"),
        cell("markdown", f"Some words: {text}\n\n## {text}\n", "c1"),
        cell("code", f"x = 1\nprint({text!r})", cell_id, outputs=[printed]),
        cell("code", f"def title():\n    return {text!r}", "c3", metadata=tagged),
        cell("code", f"# step: {one_line}\ntitle()", "c4", outputs=[shown]),
    )


def convert(folder: Path, name: str, content: str) -> subprocess.CompletedProcess[str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(content, encoding="utf-8")
    args = ["convert", "--no-lock", "--allow-hidden-state", name, "-o", "out"]
    return subprocess.run(
        [sys.executable, "-m", "nb2prod", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=300,
    )


def assert_sound(ran: subprocess.CompletedProcess[str], folder: Path, name: str) -> None:
    """Exit 0/1/2 with no traceback; a refusal is one line naming the notebook; a package's
    every .py compiles and importing all its modules runs no notebook text."""
    assert ran.returncode in (0, 1, 2), ran.stderr
    assert "Traceback" not in ran.stderr, ran.stderr
    if ran.returncode == 2:
        lines = ran.stderr.strip().splitlines()
        assert len(lines) == 1, ran.stderr
        assert lines[0].startswith(name[:2]), ran.stderr
        assert not (folder / "out").exists()
        return
    if ran.returncode == 1:
        return
    out = folder / "out"
    sources = sorted(out.rglob("*.py"))
    assert len(sources) >= 5
    for path in sources:
        compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)
    import_all(out, folder)
    assert not list(folder.rglob(MARKER)), "importing the package ran notebook text"


def import_all(out: Path, cwd: Path) -> None:
    """Import every module of the package made in ``out``, in a fresh interpreter."""
    code = (
        "import importlib, pkgutil, sys\n"
        "package = importlib.import_module(sys.argv[1])\n"
        "for module in pkgutil.walk_packages(package.__path__, sys.argv[1] + '.'):\n"
        "    importlib.import_module(module.name)\n"
    )
    package = next(p.name for p in (out / "src").iterdir() if p.is_dir())
    env = {**os.environ, "PYTHONPATH": str(out / "src"), "MPLBACKEND": "Agg"}
    ran = subprocess.run(
        [sys.executable, "-c", code, package],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_text_fields(text: str, tmp_path: Path) -> None:
    ran = convert(tmp_path, "nb.ipynb", text_fields(text))
    assert ran.returncode == 0, ran.stderr  # nothing here is a reason to refuse
    assert_sound(ran, tmp_path, "nb.ipynb")
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    title = text.splitlines()[0].strip()  # the title is the first line of the first heading
    assert f"\n# {single_line(title)}\n" in "\n" + readme  # on one line, escaped


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_cell_id(text: str, tmp_path: Path) -> None:
    ran = convert(tmp_path, "nb.ipynb", text_fields("Load", cell_id=text))
    assert_sound(ran, tmp_path, "nb.ipynb")


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_file_name(text: str, tmp_path: Path) -> None:
    name = file_name(text) + ".ipynb"
    ran = convert(tmp_path, name, text_fields("Load"))
    assert_sound(ran, tmp_path, name)
    assert ran.returncode == 0, ran.stderr


def test_the_generated_tests_run_only_the_notebooks_code(tmp_path: Path) -> None:
    ran = convert(tmp_path, file_name(PAYLOAD) + ".ipynb", text_fields(PAYLOAD, PAYLOAD))
    assert ran.returncode in (0, 2), ran.stderr
    if ran.returncode == 2:  # a loader that refuses such a cell id: the fields without it
        ran = convert(tmp_path, file_name(PAYLOAD) + ".ipynb", text_fields(PAYLOAD))
    assert ran.returncode == 0, ran.stderr
    tests = run_generated_tests(tmp_path / "out", tmp_path)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "4 passed" in tests.stdout  # the pipeline, two outputs and the function's result
    assert not list(tmp_path.rglob(MARKER))


def file_name(text: str) -> str:
    """``text`` as a file name this system can hold: no ``/`` or NUL; a lone surrogate becomes
    the undecodable byte 0xff (how Python names such a file)."""
    kept = (c if not 0xD800 <= ord(c) <= 0xDFFF else "\udcff" for c in text)
    return "".join(kept).replace("/", "_").replace("\x00", "_")


def run_generated_tests(out: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(out / "src"), "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         str(out / "tests")],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


# --- constructs that used to give packages that do not compile ----------------------------------


def code_notebook(*sources: str) -> str:
    return notebook(*(cell("code", s, f"c{i}") for i, s in enumerate(sources)))


def run_package(out: Path, cwd: Path) -> dict[str, str]:
    """``run()`` of the package in ``out``, in a fresh interpreter: its results, by ``repr``."""
    package = next(p.name for p in (out / "src").iterdir() if p.is_dir())
    code = (
        f"import json, {package}\n"
        f"print(json.dumps({{k: repr(v) for k, v in {package}.run().items()}}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(out / "src")}
    ran = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    results: dict[str, str] = json.loads(ran.stdout.strip().splitlines()[-1])
    return results


ASYNC = {
    "await": (
        "import asyncio\nasync def double(v):\n    await asyncio.sleep(0)\n    return 2 * v",
        "a = await double(21)\nloop_id = id(asyncio.get_running_loop())",
        "b = await double(a)\nsame_loop = loop_id == id(asyncio.get_running_loop())",
    ),
    "async-for-with": (
        "import asyncio, contextlib\nasync def count():\n    for i in range(3):\n"
        "        yield i\n@contextlib.asynccontextmanager\nasync def opened():\n    yield 10",
        "total = 0\nasync for i in count():\n    total += i",
        "async with opened() as base:\n    total += base\nseen = [j async for j in count()]",
    ),
}


@pytest.mark.parametrize("cells", list(ASYNC.values()), ids=list(ASYNC))
def test_top_level_await_is_lifted_faithfully(cells: tuple[str, ...], tmp_path: Path) -> None:
    ran = convert(tmp_path, "nb.ipynb", code_notebook(*cells))
    assert ran.returncode == 0, ran.stderr
    assert_sound(ran, tmp_path, "nb.ipynb")
    results = run_package(tmp_path / "out", tmp_path)
    if "same_loop" in results:  # one event loop for the whole run, as in the kernel
        assert (results["a"], results["b"], results["same_loop"]) == ("42", "84", "True")
    else:
        assert (results["total"], results["seen"]) == ("13", "[0, 1, 2]")


STAR_BLOCKS = {
    "try": "try:\n    from math import *\nexcept ImportError:\n    pass\nr = floor(pi)",
    "if": "import sys\nif sys.version_info >= (3,):\n    from math import *\nr = floor(pi)",
}


@pytest.mark.parametrize("source", list(STAR_BLOCKS.values()), ids=list(STAR_BLOCKS))
def test_star_import_in_a_block_stays_at_module_level(source: str, tmp_path: Path) -> None:
    ran = convert(tmp_path, "nb.ipynb", code_notebook(source, "s = r + 1"))
    assert ran.returncode == 0, ran.stderr
    assert_sound(ran, tmp_path, "nb.ipynb")
    # a star import makes the names unknown until it runs: the faithful form, in steps.py
    step = (tmp_path / "out" / "src" / "nb" / "steps.py").read_text(encoding="utf-8")
    assert "# TODO(nb2prod): star import" in step
    assert "\n    from math import *" in step
    assert step.index("from math import *") < step.index("\ndef ")
    assert run_package(tmp_path / "out", tmp_path)["s"] == "4"


def test_a_package_never_shadows_a_module(tmp_path: Path) -> None:
    source = "import datetime\nimport json\nday = datetime.date(2024, 1, 2).isoformat()"
    ran = convert(tmp_path, "datetime.ipynb", code_notebook(source, "text = json.dumps(day)"))
    assert ran.returncode == 0, ran.stderr
    assert "package `datetime_nb` written" in ran.stdout
    assert_sound(ran, tmp_path, "datetime.ipynb")
    assert run_package(tmp_path / "out", tmp_path)["text"] == repr('"2024-01-02"')


def test_steps_are_not_named_like_the_modules_they_import(tmp_path: Path) -> None:
    content = notebook(
        cell("markdown", "## Statistics", "m0"),
        cell("code", "import statistics\nvalue = str(statistics.mean([1, 2]))", "c0"),
        cell("markdown", "## Csv", "m1"),
        cell("code", "import decimal\nroot = float(decimal.Decimal(4).sqrt())", "c1"),
        cell("markdown", "## Decimal", "m2"),
        cell("code", "total = root + len(value)", "c2"),
    )
    ran = convert(tmp_path, "report.ipynb", content)
    assert ran.returncode == 0, ran.stderr
    modules = {p.stem for p in (tmp_path / "out" / "src" / "report").glob("*.py")}
    assert {"statistics", "decimal"}.isdisjoint(modules), modules
    assert {"statistics_step", "decimal_step"} <= modules
    assert run_package(tmp_path / "out", tmp_path)["total"] == "5.0"


@pytest.mark.parametrize("terms", [600, 8000])
def test_deep_code_is_one_clear_line(terms: int, tmp_path: Path) -> None:
    chain = " and ".join(["a"] * terms)
    ran = convert(tmp_path, "deep.ipynb", code_notebook("a = True", f"b = {chain}"))
    assert ran.returncode == 2, ran.stderr
    assert ran.stderr.strip().splitlines() == [
        f"deep.ipynb: cell 2: code nested {terms + 3} levels deep, more than the 200 "
        "nb2prod can lift: split the expression into named parts"
    ]
    assert not (tmp_path / "out").exists()


def test_strings_joined_too_deep_for_libcst_are_one_clear_line(tmp_path: Path) -> None:
    joined = "(\n" + "\n".join(["'a'"] * 600) + "\n)"  # one constant to ast, 600 levels to libcst
    ran = convert(tmp_path, "deep.ipynb", code_notebook("a = True", f"b = {joined}"))
    assert ran.returncode == 2, ran.stderr
    assert ran.stderr.strip().splitlines() == [
        "deep.ipynb: cell 2: code nested too deeply to lift: split it into named parts"
    ]


def test_moderately_deep_code_still_converts(tmp_path: Path) -> None:
    chain = " and ".join(["a"] * 150)
    nested = "[" * 60 + "a" + "]" * 60
    ran = convert(tmp_path, "deep.ipynb", code_notebook("a = True", f"b = {chain}\nc = {nested}"))
    assert ran.returncode == 0, ran.stderr
    assert_sound(ran, tmp_path, "deep.ipynb")
    assert run_package(tmp_path / "out", tmp_path)["b"] == "True"


# --- any text, in process ----------------------------------------------------------------------

_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)  # surrogates included


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(heading=_TEXT, tag=_TEXT, cell_id=_TEXT, name=_TEXT)
@example(heading=PAYLOAD, tag='"""', cell_id="a\nb", name='x"""y')
@example(heading="\ud800", tag="\udfff\\", cell_id="\r\x0c\x00", name="\u2028{0}")
def test_any_text_gives_files_that_compile(
    heading: str, tag: str, cell_id: str, name: str, tmp_path: Path
) -> None:
    for text in (heading, tag, cell_id, name):
        assert ast.literal_eval(quote(text)) == text
        assert ast.literal_eval(docstring(text)) == text
    content = notebook(
        cell("markdown", f"# {heading}\n\n## {heading}", "m0"),
        cell("code", "x = 1\nprint(x)", cell_id or "c0", outputs=[_stream("1\n")]),
        cell("code", "y = x + 1", "c1", metadata={"tags": [f"step:{tag}"]}),
    )
    path = str(tmp_path / (name.replace("/", "_") + ".ipynb"))
    loaded = load_or_refusal(content, path)
    if isinstance(loaded, str):  # a loader may refuse such a cell id: with one line
        assert "\n" not in loaded
        return
    result = convert_notebook(loaded, allow_hidden_state=True)
    assert isinstance(result, Package)
    for relative, source in result.files.items():
        if relative.endswith(".py"):
            assert isinstance(source, str)
            compile(source, relative, "exec", dont_inherit=True)
            source.encode("utf-8")


def load_or_refusal(content: str, path: str) -> Notebook | str:
    try:
        return loads(content, path)
    except NotebookError as error:
        return str(error)


def _stream(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def _without_surrogates(text: str) -> str:
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
