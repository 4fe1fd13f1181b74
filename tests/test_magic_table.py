"""One table says what each IPython magic means; ``check`` and ``convert`` both follow it.

Every magic in the table, in each form, goes through the real analysis (what ``check`` sees) and
the real lifting (what ``convert`` writes), and both must do what its row says: code that runs in
the notebook is analysed as running and runs in the package; a timing is analysed in a scope of
its own and dropped with a note; a magic whose code nb2prod cannot see is opaque to ``check`` and
a TODO in the package. IPython's own registry of magics is the list the table must cover.
"""

from __future__ import annotations

import libcst as cst
import pytest

from nb2prod.analysis.cell import analyse_cell
from nb2prod.analysis.context import Analysed
from nb2prod.analysis.facts import CellFacts
from nb2prod.convert.dependencies import dependencies
from nb2prod.convert.lift import LiftedCell, lift_cell
from nb2prod.magic_table import (
    CELL,
    LINE,
    Code,
    Form,
    Lift,
    Meaning,
    meaning,
    statement,
    unstable_output,
    writefile_target,
)
from nb2prod.notebook import Cell

RUNNING = "made = source()"

#: The argument (line magics) or magic line and body (cell magics) that shows what a row does.
LINE_ARGUMENTS = {
    "timeit": f"-n 3 -r 2 {RUNNING}",
    "memit": f"-r 2 {RUNNING}",
    "prun": f"-s cumulative -l 5 {RUNNING}",
    "lprun": f"-f source -u 1e-3 {RUNNING}",
    "mprun": f"-f source -T out.txt {RUNNING}",
    "store": "-r made",
    "R": "-o made x <- 1",
    "Rpull": "made",
    "reset": "-f",
    "reset_selective": "-f made",
    "env": "MODE=prod",
    "set_env": "MODE prod",
    "sx": "ls made",
    "system": "ls made",
    **dict.fromkeys(("pip", "conda", "mamba", "micromamba"), "install made"),
}
CELL_ARGUMENTS = {
    "prun": ("-s cumulative", RUNNING),
    "timeit": ("-n1 data = load()", "made = source(data)"),
    "writefile": ("made.py", "import json"),
    "file": ("-a made.py", "import json"),
    "R": ("-o made", "made <- 1"),
    "pip": ("install made", ""),
    "conda": ("install made", ""),
}
#: What the magics that bind names by their arguments bind here.
BOUND = {("line", "store"): "made", ("line", "R"): "made", ("line", "Rpull"): "made",
         ("cell", "R"): "made", ("line", "pylab"): "plt"}  # fmt: skip


def rows() -> list[tuple[Form, str, Meaning]]:
    found: list[tuple[Form, str, Meaning]] = [("line", n, m) for n, m in LINE.items()]
    return found + [("cell", n, m) for n, m in CELL.items()]


def source_of(form: Form, name: str) -> str:
    if form == "line":
        default = RUNNING if meaning(form, name).code is Code.RUNS else "made"
        return f"%{name} {LINE_ARGUMENTS.get(name, default)}\n"
    line, body = CELL_ARGUMENTS.get(name, ("", RUNNING))
    return f"%%{name} {line}\n{body}\n"


def body_of(lifted: LiftedCell) -> str:
    return "".join(cst.Module(body=[]).code_for_node(s) for s in lifted.body)


def ids(row: tuple[Form, str, Meaning]) -> str:
    return ("%" if row[0] == "line" else "%%") + row[1]


@pytest.mark.parametrize("row", rows(), ids=ids)
def test_check_reads_the_magic_as_the_table_says(row: tuple[Form, str, Meaning]) -> None:
    form, name, found = row
    facts = analyse_cell(source_of(form, name), ".")
    assert facts.syntax_error is None
    assert [(m.kind, m.name) for m in facts.magics] == [(form, name)]
    _check_code(found.code, facts, BOUND.get((form, name)))


def _check_code(code: Code, facts: CellFacts, bound: str | None) -> None:
    opaque = [n.kind for n in facts.opaque]
    if code is Code.RUNS:  # as if the statement stood alone in the cell
        assert ("made" in facts.defines, "source" in facts.reads) == (True, True)
    elif code is Code.REPEATED:  # reads the namespace, binds nothing in it
        assert ("made" in facts.defines, "source" in facts.reads) == (False, True)
    elif code in (Code.HIDDEN, Code.CLEARS):
        assert opaque == ["magic"]
    elif code is Code.BINDS and bound is not None:
        assert bound in facts.defines
    else:
        assert (set(facts.defines), opaque) == (set(), [])


@pytest.mark.parametrize("row", rows(), ids=ids)
def test_convert_lifts_the_magic_as_the_table_says(row: tuple[Form, str, Meaning]) -> None:
    form, name, found = row
    lifted = lift_cell(source_of(form, name), False)
    body = body_of(lifted)
    todo = "# TODO(nb2prod)" in body
    note = "# nb2prod: " in body
    assert todo == bool(lifted.todos) == (found.lift is Lift.TODO), body
    assert note == (found.lift in (Lift.NOTE, Lift.MODULE)), body
    if found.lift is Lift.UNWRAP:
        assert body == RUNNING + "\n"
    elif found.lift is Lift.DROP:
        assert body == ""
    elif found.lift is Lift.REQUIREMENT:
        assert (lifted.requirements, body) == (["made"], "")
    elif found.lift is Lift.MODULE:
        assert "module `made`" in body
    elif found.lift is Lift.EQUIVALENT:
        equivalents = (
            "os.environ['MODE'] = 'prod'",
            "subprocess.run([",
            "np = numpy",  # %pylab: its imports, hoisted, then these
            "with IPython.utils.capture.capture_output(",  # %%capture
        )
        assert body.startswith(equivalents), body
    elif found.lift is Lift.TODO:
        assert found.why
        assert found.why in lifted.todos[0]


@pytest.mark.parametrize("row", rows(), ids=ids)
def test_what_runs_in_the_notebook_runs_in_the_package(row: tuple[Form, str, Meaning]) -> None:
    """The two sides read the same row: code ``check`` sees running is code ``convert`` keeps;
    a timing is dropped with a note; hidden code is a TODO."""
    _, _, found = row
    if found.lift is Lift.UNWRAP:  # code that runs is kept (unwrapped, or in an equivalent)
        assert found.code is Code.RUNS
    if found.code is Code.RUNS:
        assert found.lift in (Lift.UNWRAP, Lift.EQUIVALENT)
    if found.code is Code.REPEATED:
        assert found.lift is Lift.NOTE
    if found.code is Code.HIDDEN:
        assert found.lift is Lift.TODO


@pytest.mark.parametrize("row", rows(), ids=ids)
def test_unstable_output_follows_the_table(row: tuple[Form, str, Meaning]) -> None:
    form, name, found = row
    facts = analyse_cell(source_of(form, name), ".")
    said = unstable_output(facts.magics)
    if found.stable and not found.shell:
        assert said is None
    else:
        assert said == ("%" if form == "line" else "%%") + name


def test_timings_profiles_and_shell_output_are_never_tests() -> None:
    def unstable(source: str) -> str | None:
        return unstable_output(analyse_cell(source, ".").magics)

    assert unstable("%%time\ntotal = sum(range(10))\nprint(total)\n") == "%%time"
    assert unstable("%time total = sum(range(10))\n") == "%time"
    assert unstable("x = 1\n%timeit x + 1\n") == "%timeit"
    assert unstable("%prun sum(range(10))\n") == "%prun"
    assert unstable("!ls data\n") == "!ls"
    assert unstable("files = !ls\n") == "!ls"
    assert unstable("%%bash\necho hi\n") == "%%bash"
    assert unstable("%%capture\n%time x = 1\n") == "%time"  # a magic inside a magic counts
    assert unstable("ls -l\n") == "%ls"  # automagic
    assert unstable("%frobnicate x\n") == "%frobnicate"  # unknown: nothing says it is stable
    assert unstable("%matplotlib inline\nimport math\nprint(math.pi)\n") is None
    assert unstable("%%capture\nx = 1\n") is None
    assert unstable("print(1)\n") is None


def test_unknown_magics_are_opaque_to_check_and_a_todo_in_the_package() -> None:
    cell = analyse_cell("%%frobnicate\nmade = 1\n", ".")
    assert ("made" in cell.defines, [n.kind for n in cell.opaque]) == (False, ["magic"])
    assert lift_cell("%%frobnicate\nmade = 1\n", False).todos == [
        "%%frobnicate (an unknown cell magic)"
    ]
    line = analyse_cell("%frobnicate made\n", ".")
    assert (set(line.defines), line.opaque) == (set(), [])
    assert lift_cell("%frobnicate made\n", False).todos == ["%frobnicate made (an unknown magic)"]


def test_every_magic_ipython_and_the_kernel_register_is_in_the_table() -> None:
    from ipykernel.zmqshell import ZMQInteractiveShell

    registered = ZMQInteractiveShell.instance().magics_manager.lsmagic()
    assert sorted(set(registered["line"]) - set(LINE)) == []
    assert sorted(set(registered["cell"]) - set(CELL)) == []


@pytest.mark.parametrize("row", [r for r in rows() if r[2].needs], ids=ids)
def test_a_magic_that_imports_makes_a_dependency(row: tuple[Form, str, Meaning]) -> None:
    form, name, found = row
    source = source_of(form, name)
    cell = Analysed(Cell(0, "code", source), analyse_cell(source, "."))
    assert set(found.needs) <= set(dependencies([cell], [], "."))


def test_options_before_the_code_are_dropped() -> None:
    assert statement("timeit", '-n 50 KMeans(algorithm="elkan")') == 'KMeans(algorithm="elkan")'
    assert statement("prun", "-s cumulative -q -T out.txt fit(X)") == "fit(X)"
    assert statement("debug", "--breakpoint a.py:3 run()") == "run()"
    assert statement("lprun", "-f sum_of_lists sum_of_lists(5000)") == "sum_of_lists(5000)"
    assert statement("time", "-n 3") == "-n 3"  # %time has no options


def test_writefile_reads_its_file_name_as_ipython_does() -> None:
    assert writefile_target("helpers.py") == ("helpers.py", False)
    assert writefile_target("-a helpers.py") == ("helpers.py", True)
    assert writefile_target('"my helpers.py"') == ("my helpers.py", False)
    assert writefile_target("") is None
    assert writefile_target("a.py b.py") is None
