"""Hostile input for nb2prod, as data: the model of a case and the builders of hostile notebooks.

A case is a folder tree to write (files, links, FIFOs), one nb2prod command (or one server
request), and what must hold afterwards. ``hostile_cases.CASES`` lists them; ``test_hostile.py``
runs each one and ``hostile_table.py`` prints how many held per attack class.

Every tree is written under one temporary folder ``T``::

    T/work/          the notebook's folder, where commands run
    T/outside/       a file outside the notebook's folder, with content no generated file may hold
    T/home/          HOME for the command, with a file of the user's
    T/out/           where packages are written (``-o ../out/pkg``)

Text in files, link targets and arguments may hold ``@T@`` (T's absolute path) and ``@PORT@``
(the port of a local package index that must see no request); both are filled in when written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: The attack classes, in the order the table prints them.
ATTACKS = ("injection", "metadata", "files", "data-loss", "crash", "server")

#: Content of ``T/outside/secret.txt``: no file a command writes may hold it.
OUTSIDE = "OUTSIDE-7f3c9a1e-not-for-shipping"

#: Code that leaves a file named MARKER behind if it ever runs.
MARK = '__import__("pathlib").Path("@T@/MARKER").write_text("ran")'
#: The same, relative to the working folder (for file names, which cannot hold ``/``).
REL_MARK = '__import__("pathlib").Path("MARKER").write_text("ran")'


@dataclass(frozen=True)
class Link:
    """A symbolic link to ``target`` (``@T@`` allowed; relative targets stay relative)."""

    target: str


@dataclass(frozen=True)
class Fifo:
    """A named pipe: reading it blocks until someone writes."""


@dataclass(frozen=True)
class Folder:
    """An empty folder."""


Entry = bytes | Link | Fifo | Folder
#: Path relative to T (``/`` between parts) -> what is there.
Layout = Mapping[str, Entry]


@dataclass(frozen=True)
class Expect:
    """What must hold after the command, besides the checks every case gets (no traceback,
    every generated ``.py`` compiles, no MARKER, the package imports without shadowing a
    module, no file outside ``output`` changed, no new file holds ``OUTSIDE``)."""

    codes: frozenset[int] = frozenset({0, 1, 2})
    #: The path (relative to T) the command may create or change; None: nothing may change.
    output: str | None = None
    #: stderr must be exactly one line holding this text ("" for any one line).
    one_line: str | None = None
    #: Text that no new or changed file may hold.
    forbidden: tuple[str, ...] = ()
    #: A local package index listens on @PORT@ and must see no request.
    no_request: bool = False
    #: Seconds the command may take.
    within: float = 180
    #: Cap on the command's address space, in bytes (for input that makes a reader grow).
    memory: int | None = None
    #: Also run the generated package's tests (a MARKER must not appear).
    run_tests: bool = False


@dataclass(frozen=True)
class Case:
    """One try: ``layout`` written under T, then ``nb2prod ARGS`` run in ``T/work`` (``surface``
    names the command, or ``analyze``/``convert`` through the server with ``body``)."""

    attack: str
    name: str
    surface: str
    layout: Layout
    args: tuple[str, ...] = ()
    expect: Expect = field(default_factory=Expect)
    #: nb2prod commands run first, unchecked (a convert before a verify).
    setup: tuple[tuple[str, ...], ...] = ()
    #: A shell command the output is piped into (``head -1``).
    pipe: str | None = None
    marks: tuple[str, ...] = ()
    #: For the server: the request's body (``path`` relative to T/work, the server's root).
    body: Mapping[str, Any] | None = None

    @property
    def id(self) -> str:
        return f"{self.attack}.{self.name}.{self.surface}"


# --- notebooks ----------------------------------------------------------------------------------

PYTHON_KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
PYTHON_LANGUAGE = {"name": "python", "version": "3.11.7"}


def notebook(
    *cells: dict[str, Any],
    kernel: Mapping[str, Any] = PYTHON_KERNEL,
    language: Mapping[str, Any] = PYTHON_LANGUAGE,
) -> dict[str, Any]:
    """An nbformat 4.5 notebook of ``cells``; cells without an id get ``cell1``, ``cell2``..."""
    for number, cell in enumerate(cells, start=1):
        cell.setdefault("id", f"cell{number}")
    metadata = {"kernelspec": dict(kernel), "language_info": dict(language)}
    return {"cells": list(cells), "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def markdown(text: str, cell_id: str | None = None) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": "markdown", "metadata": {}, "source": text}
    if cell_id is not None:
        cell["id"] = cell_id
    return cell


def code(
    source: str,
    count: int | None,
    outputs: Sequence[dict[str, Any]] = (),
    *,
    cell_id: str | None = None,
    tags: Sequence[str] = (),
) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": count,
        "metadata": {"tags": list(tags)} if tags else {},
        "outputs": list(outputs),
        "source": source,
    }
    if cell_id is not None:
        cell["id"] = cell_id
    return cell


def stream(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def result(text: str, count: int) -> dict[str, Any]:
    return {
        "output_type": "execute_result",
        "execution_count": count,
        "data": {"text/plain": text},
        "metadata": {},
    }


def error(name: str, value: str) -> dict[str, Any]:
    return {"output_type": "error", "ename": name, "evalue": value, "traceback": [value]}


def dump(document: Mapping[str, Any]) -> bytes:
    """JSON as a notebook file holds it; lone surrogates become ``\\ud800`` escapes."""
    return json.dumps(document, indent=1, ensure_ascii=True).encode()


def runs(*sources: str) -> bytes:
    """A notebook of ``sources`` run once each, top to bottom, without outputs."""
    return dump(notebook(*(code(s, n) for n, s in enumerate(sources, start=1))))


SIMPLE = runs("x = 1", "print(x)")


# --- payloads -----------------------------------------------------------------------------------

#: Text that breaks out of a string, docstring, comment or format template it is pasted into.
PAYLOADS: dict[str, str] = {
    "triple-double": f'Load """;{MARK};"""',
    "triple-single": f"Load ''';{MARK};'''",
    "backslash": "Load C:\\new\\x41\\N{DASH}\\u12 ends\\",
    "newline": f"Load\n{MARK}\n#",
    "nul": f'Load\x00";{MARK};"',
    "surrogate": f'Load \ud800 lone \udfff";{MARK};"',
    "braces": "Load {0} {} {name} {0.__class__} {{}} {!r} {",
    "line-breaks": f"Load\r{MARK}\x0c\u2028{MARK}\u0085{MARK}\x0b#",
    "comment": f'Load # """\n{MARK} #',
}


def one_line(text: str) -> str:
    """``text`` safe for a comment in the user's own code: no line break or NUL for the parser, no
    lone surrogate (a cell holding one cannot run; ``crash.surrogates`` tries that)."""
    kept = text.replace("\r", " ").replace("\n", " ").replace("\x00", " ")
    return "".join("?" if "\ud800" <= c <= "\udfff" else c for c in kept)


def text_notebook(payload: str) -> bytes:
    """``payload`` in every text field a user controls: title and step headings, markdown, a
    ``step:`` tag, a ``# step:`` first line, printed output and a displayed value."""
    shown, tag = repr(payload), f"step:{payload}"
    return dump(
        notebook(
            markdown(f"# {payload}"),
            markdown(f"## {payload}\n\nWhat this step does: {payload}"),
            code(f"value = {shown}\nprint(value)", 1, [stream(payload + "\n")], tags=[tag]),
            code(f"# step: {one_line(payload)}\nvalue", 2, [result(shown, 2)]),
            markdown(f"### {payload}"),
            code("size = len(value)\nsize", 3, [result(str(len(payload)), 3)]),
        )
    )  # fmt: skip


def id_notebook(cell_id: str) -> bytes:
    """A clean notebook whose first code cell has id ``cell_id``."""
    return dump(
        notebook(
            markdown("## Load"),
            code("x = 1\nprint(x)", 1, [stream("1\n")], cell_id=cell_id),
            code("x + 1", 2, [result("2", 2)]),
        )
    )


def kernel_notebook(kernel: Mapping[str, Any], language: Mapping[str, Any]) -> bytes:
    cells = (markdown("## Load"), code("x = 1\nprint(x)", 1, [stream("1\n")]))
    return dump(notebook(*cells, kernel=kernel, language=language))


def reads(path: str) -> bytes:
    """A notebook that reads the file at ``path`` and prints its length."""
    source = f"with open({path!r}) as handle:\n    text = handle.read()\nprint(len(text))"
    return dump(notebook(markdown("## Read"), code(source, 1, [stream("31\n")])))


def deep_and(terms: int) -> bytes:
    chain = " and ".join(["a"] * terms)
    return runs("a = True", f"flag = {chain}", "print(flag)")


def nested_lists(depth: int) -> bytes:
    return runs(f"deep = {'[' * depth}1{']' * depth}", "print(len(deep))")


def many_findings(cells: int) -> bytes:
    """A notebook whose every cell reads a name no cell defines: a long report."""
    return runs(*(f"value_{n} = missing_{n} + 1" for n in range(cells)))


def recorded(
    cells: list[tuple[str, str, list[dict[str, Any]]]], environment: dict[str, Any]
) -> bytes:
    """A notebook with kernel records, made by ``recorded_notebooks.write_notebook``."""
    import tempfile
    from pathlib import Path

    from recorded_notebooks import write_notebook

    with tempfile.TemporaryDirectory() as folder:
        return write_notebook(Path(folder), cells, environment).read_bytes()


def v3_notebook(worksheets: list[list[dict[str, Any]]], minor: int = 0) -> bytes:
    """An nbformat 3 notebook, written by hand as old Jupyter saved it."""
    sheets = [{"cells": cells, "metadata": {}} for cells in worksheets]
    document = {"metadata": {"name": "old"}, "nbformat": 3, "nbformat_minor": minor}
    return dump({**document, "worksheets": sheets})


def v3_code(lines: list[str], count: int, outputs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "cell_type": "code", "collapsed": False, "input": lines, "language": "python",
        "metadata": {}, "outputs": outputs, "prompt_number": count,
    }  # fmt: skip


V3_CELLS: list[dict[str, Any]] = [
    {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["Old ", "title"]},
    {"cell_type": "markdown", "metadata": {}, "source": ["Some ", "text\n", "more"]},
    v3_code(["x = 1\n", "y = x + 1\n", "y"], 1, [
        {"output_type": "pyout", "prompt_number": 1, "metadata": {}, "text": ["2"]},
    ]),
    {"cell_type": "heading", "level": 2, "metadata": {}, "source": "Printing"},
    v3_code(["print(y)"], 2, [{"output_type": "stream", "stream": "stdout", "text": ["2\n"]}]),
    v3_code(["z = y * 2"], 3, [
        {"output_type": "display_data", "metadata": {}, "png": "iVBORw0KGgo=",
         "text": ["<Figure>"], "html": ["<b>4</b>"]},
    ]),
]  # fmt: skip
V3_ERROR = v3_code(["1 / 0"], 4, [
    {"output_type": "pyerr", "ename": "ZeroDivisionError", "evalue": "division by zero",
     "traceback": ["ZeroDivisionError: division by zero"]},
])  # fmt: skip


# --- trees and commands -------------------------------------------------------------------------

#: Exit statuses: any clean one; a package written (or, for check, no error finding); unusable.
ANY, MADE, UNUSABLE = frozenset({0, 1, 2}), frozenset({0}), frozenset({2})
#: What every tree holds besides the case's own files.
BASE: Layout = {
    "work": Folder(),
    "out": Folder(),
    "outside/secret.txt": f"{OUTSIDE}\n".encode(),
    "home/notes.txt": b"the user's own notes\n",
    "notes.txt": b"a regular file, not a folder\n",
}
PACKAGE = "out/pkg"


def tree(files: Mapping[str, Entry]) -> Layout:
    return {**BASE, **files}


def convert_args(notebook: str = "nb.ipynb", *, lock: bool = False) -> tuple[str, ...]:
    """Convert ``notebook`` into T/out/pkg, hidden state allowed (so hostile text gets as far as
    the generated files), without the lock unless asked."""
    args = ("convert", notebook, "-o", f"../{PACKAGE}", "--allow-hidden-state")
    return args if lock else (*args, "--no-lock")


def converted(
    attack: str, name: str, files: Mapping[str, Entry], notebook: str = "nb.ipynb", **expect: Any
) -> Case:
    found = Expect(output=PACKAGE, **expect)
    return Case(attack, name, "convert", tree(files), convert_args(notebook), found)


def checked(
    attack: str, name: str, files: Mapping[str, Entry], notebook: str = "nb.ipynb", **expect: Any
) -> Case:
    return Case(attack, name, "check", tree(files), ("check", notebook), Expect(**expect))


def both(
    attack: str,
    name: str,
    files: Mapping[str, Entry],
    nb: str = "nb.ipynb",
    codes: frozenset[int] = ANY,
) -> list[Case]:
    """The same notebook through ``convert`` and ``check``, both ending with one of ``codes``."""
    return [
        converted(attack, name, files, nb, codes=codes),
        checked(attack, name, files, nb, codes=codes),
    ]
