"""What IPython's magics and shell escapes do to the namespace.

``%time x = 1`` runs its argument in the user's namespace, so it defines ``x``; ``%%capture out``
defines ``out`` and runs its body; ``%%timeit`` runs its body in a scope of its own; ``%run`` and
``%store -r`` bring names nb2prod cannot see; ``!pip install`` changes the dependencies; ``!cmd``
expands ``{expr}`` from the namespace.
"""

from __future__ import annotations

import ast
import itertools
from typing import TYPE_CHECKING

from nb2prod.analysis import practices
from nb2prod.analysis.facts import CellFacts, Magic, Note
from nb2prod.analysis.ipython import PARSE_ERRORS, ParseFailure, ipython_call, parse_cell
from nb2prod.magic_table import Code, meaning, python_code

if TYPE_CHECKING:
    from nb2prod.analysis.visitor import CellVisitor

_CAPTURE_FLAGS = ("--no-stderr", "--no-stdout", "--no-display")
_INSTALLERS = ("pip", "conda", "mamba", "micromamba")


def handle_ipython_call(visitor: CellVisitor, node: ast.Call) -> bool:
    """Apply a magic or shell escape (as transformed) to the facts; False if ``node`` is not one."""
    call = ipython_call(node)
    if call is None:
        return False
    pos = visitor.pos(node)
    facts = visitor.facts
    if call.method in ("system", "getoutput") and call.args:
        command = call.args[0]
        facts.magics.append(Magic("shell", command.split(" ", 1)[0], command, pos))
        _shell_reads(visitor, command, node)
        if practices.is_pip_install(command):
            facts.notes.append(Note("pip-install", pos, "!" + command))
    elif call.method == "run_line_magic" and len(call.args) == 2:
        _line_magic(visitor, node, *call.args)
    elif call.method == "run_cell_magic" and len(call.args) == 3:
        _cell_magic(visitor, node, *call.args)
    return True


def _line_magic(visitor: CellVisitor, node: ast.Call, name: str, argument: str) -> None:
    pos = visitor.pos(node)
    facts = visitor.facts
    facts.magics.append(Magic("line", name, argument, pos))
    found = meaning("line", name)
    code = python_code("line", name, argument)
    if code is not None:
        isolated = found.code is Code.REPEATED
        _run_python(visitor, code, node.lineno - 1 + visitor.line_base, isolated)
    elif found.code is Code.HIDDEN:
        detail = f"%{name} {argument}".strip()
        facts.opaque.append(Note("magic", pos, f"`{detail}`, which {found.why}"))
    elif found.code is Code.BINDS:
        _BINDERS[name](visitor, node, name, argument)
    elif found.code is Code.CLEARS and "-f" in argument.split():
        facts.opaque.append(Note("magic", pos, f"`%{name}`, which clears the namespace"))
    if name in _INSTALLERS and practices.is_pip_install(f"{name} {argument}"):
        facts.notes.append(Note("pip-install", pos, f"%{name} {argument}"))


def _cell_magic(visitor: CellVisitor, node: ast.Call, name: str, line: str, body: str) -> None:
    pos = visitor.pos(node)
    facts = visitor.facts
    facts.magics.append(Magic("cell", name, line, pos))
    found = meaning("cell", name)
    code = python_code("cell", name, line, body)
    if code is not None:  # the code starts on the magic's own line
        _run_python(visitor, code, node.lineno - 1 + visitor.line_base, found.code is Code.REPEATED)
        if name == "capture":
            target = next((w for w in line.split() if w not in _CAPTURE_FLAGS), None)
            if target and target.isidentifier():
                visitor.bind(target, node)
    elif found.code is Code.FOREIGN:
        for output in _script_outputs(line):
            visitor.bind(output, node)
    elif found.code is Code.BINDS:
        for output in _r_outputs(name, line):
            visitor.bind(output, node)
    else:
        facts.opaque.append(Note("magic", pos, f"the `%%{name}` cell magic"))
    if name in _INSTALLERS and practices.is_pip_install(f"{name} {line}"):
        facts.notes.append(Note("pip-install", pos, f"%%{name} {line}"))


def _run_python(visitor: CellVisitor, source: str, line_base: int, isolated: bool) -> None:
    """Analyse code a magic runs; ``isolated`` code reads the namespace but binds nothing in it."""
    try:
        parsed = parse_cell(source)
    except ParseFailure:
        return
    from nb2prod.analysis.visitor import CellVisitor

    if isolated:
        base = line_base + parsed.line_offset
        inner = CellVisitor(CellFacts(), visitor.resolve_star, base, parsed.source)
        inner.bound = set(visitor.bound)
        inner.visit_all(parsed.tree.body)
        for name, pos in inner.facts.reads.items():
            visitor.facts.reads.setdefault(name, pos)
        return
    saved = visitor.line_base, visitor.lines
    visitor.line_base = line_base + parsed.line_offset
    visitor.lines = parsed.source.splitlines()
    try:
        visitor.visit_all(parsed.tree.body)
    finally:
        visitor.line_base, visitor.lines = saved


#: Names ``%pylab`` binds besides the star imports of numpy and pylab.
_PYLAB_NAMES = ("numpy", "matplotlib", "pylab", "mlab", "pyplot", "np", "plt", "display",
                "figsize", "getfigs")  # fmt: skip


def _pylab(visitor: CellVisitor, node: ast.Call, name: str, argument: str) -> None:
    """``%pylab`` imports numpy and matplotlib, then star-imports numpy and pylab."""
    if "--no-import-all" not in argument.split():
        for module in ("numpy", "pylab"):
            names = visitor.resolve_star(module, 0)
            if names is None:
                visitor.facts.opaque.append(Note("magic", visitor.pos(node), "`%pylab`"))
                break
            for name in sorted(names):
                visitor.bind(name, node)
    for name in _PYLAB_NAMES:
        visitor.bind(name, node)


def _store(visitor: CellVisitor, node: ast.Call, name: str, argument: str) -> None:
    words = argument.split()
    if not words or words[0] != "-r":
        return
    names = [w for w in words[1:] if w.isidentifier()]
    if not names:
        visitor.facts.opaque.append(Note("magic", visitor.pos(node), "`%store -r`"))
    for name in names:
        visitor.bind(name, node)


def _r_line(visitor: CellVisitor, node: ast.Call, name: str, argument: str) -> None:
    for output in _r_outputs(name, argument):
        visitor.bind(output, node)


#: How each line magic that binds names (``Code.BINDS``) reads them from its arguments.
_BINDERS = {"store": _store, "pylab": _pylab, "R": _r_line, "Rpull": _r_line}


def _script_outputs(line: str) -> list[str]:
    """``%%bash --out out --err err``: the variables a script magic binds."""
    words = line.split()
    return [
        words[i + 1]
        for i, word in enumerate(words[:-1])
        if word in ("--out", "--err", "--proc") and words[i + 1].isidentifier()
    ]


def _r_outputs(name: str, argument: str) -> list[str]:
    """``%Rpull a b`` and ``%R -o a,b`` bind Python variables."""
    if name == "Rpull":
        return [w for w in argument.replace(",", " ").split() if w.isidentifier()]
    words = argument.split()
    names: list[str] = []
    for option, value in itertools.pairwise(words):
        if option in ("-o", "--output"):
            names += [n for n in value.split(",") if n.isidentifier()]
    return names


def _shell_reads(visitor: CellVisitor, command: str, node: ast.AST) -> None:
    """IPython expands ``{expr}`` in shell commands from the user's namespace."""
    for expression in _braced(command):
        try:
            tree = ast.parse(expression, mode="eval")
        except PARSE_ERRORS:
            continue
        for child in ast.walk(tree):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
                visitor.read(child.id, node)


def _braced(command: str) -> list[str]:
    found: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(command):
        if char == "{":
            if depth == 0:
                start = index + 1
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                found.append(command[start:index])
    return found
