"""Per-cell analysis: scoping, IPython syntax, mutations and imports, one rule per case."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from nb2prod.analysis.cell import analyse_cell, clear_cache
from nb2prod.analysis.facts import CellFacts
from nb2prod.analysis.names import is_always_defined


def facts(source: str) -> CellFacts:
    return analyse_cell(textwrap.dedent(source).strip("\n") + "\n", ".")


def external(source: str) -> set[str]:
    """Names the cell takes from the notebook's state (builtins and IPython names left out)."""
    return {n for n in facts(source).reads if not is_always_defined(n)}


SCOPING = [
    # (rule, source, defines, external reads)
    ("comprehension variable does not leak", "[i for i in range(3)]\nprint(i)", set(), {"i"}),
    ("loop target leaks", "for i in range(3):\n    pass\nprint(i)", {"i"}, set()),
    ("walrus in comprehension leaks", "[y := n for n in range(3)]\nprint(y)", {"y"}, set()),
    (
        "except name is unbound after the handler",
        "try:\n    1/0\nexcept ZeroDivisionError as e:\n    err = e\nprint(e)",
        {"err"},
        {"e"},
    ),
    ("function locals stay local", "def f():\n    z = 1\n    return z\nf()", {"f"}, set()),
    (
        "global in a function defines at module level",
        "def f():\n    global g\n    g = 1",
        {"f", "g"},
        set(),
    ),
    ("function body reads are deferred", "def f():\n    return later", {"f"}, set()),
    ("calling a function reads its globals", "def f():\n    return later\nf()", {"f"}, {"later"}),
    ("class body names stay in the class", "class A:\n    k = 1\nprint(k)", {"A"}, {"k"}),
    ("class body reads happen now", "class A:\n    k = base", {"A"}, {"base"}),
    (
        "methods do not see class names",
        "class A:\n    k = 1\n    def m(self):\n        return k",
        {"A"},
        set(),
    ),
    ("bare annotation defines nothing", "x: int", set(), set()),
    ("annotated assignment defines", "x: int = 3", {"x"}, set()),
    ("del removes a definition", "x = 1\ndel x", set(), set()),
    ("del of an outside name reads it", "del y", set(), {"y"}),
    ("read before define in the cell", "x = x + 1", {"x"}, {"x"}),
    (
        "match captures bind",
        "match p:\n    case (a, [b, *rest]):\n        pass\n"
        "    case {'k': v, **others}:\n        pass\n    case Point(x=px) as whole:\n        pass",
        {"a", "b", "rest", "v", "others", "px", "whole"},
        {"p", "Point"},
    ),
    (
        "ImportError fallback defines once",
        "try:\n    import ujson as json\nexcept ImportError:\n    import json",
        {"json"},
        set(),
    ),
    ("import binds the top package", "import os.path\nimport numpy as np", {"os", "np"}, set()),
    (
        "nonlocal refers to the enclosing function",
        "def f():\n    v = 1\n    def g():\n        nonlocal v\n        v = 2\n    return g\nf()",
        {"f"},
        set(),
    ),
    (
        "comprehension first iterable is read outside",
        "[x for x in xs if x > limit]",
        set(),
        {"xs", "limit"},
    ),
    ("lambda assigned is deferred", "f = lambda: later", {"f"}, set()),
    (
        "lambda used in place reads now",
        "s = sorted(xs, key=lambda r: r[col])",
        {"s"},
        {"xs", "col"},
    ),
    ("with target binds", "with open(p) as fh:\n    data = fh.read()", {"fh", "data"}, {"p"}),
    ("top-level await parses", "result = await fetch()", {"result"}, {"fetch"}),
    (
        "default arguments are read at definition",
        "def f(a=default):\n    return a",
        {"f"},
        {"default"},
    ),
    ("decorators are read at definition", "@decorate\ndef f():\n    pass", {"f"}, {"decorate"}),
]


@pytest.mark.parametrize(
    ("rule", "source", "defines", "reads"), SCOPING, ids=[s[0] for s in SCOPING]
)
def test_scoping(rule: str, source: str, defines: set[str], reads: set[str]) -> None:
    result = facts(source)
    assert set(result.defines) == defines, rule
    assert external(source) == reads, rule
    assert result.syntax_error is None


IPYTHON = [
    ("%time runs its statement in the namespace", "%time x = 1\nprint(x)", {"x"}, set()),
    ("shell assignment defines", "files = !ls\nprint(files)", {"files"}, set()),
    (
        "%%capture defines its variable and runs its body",
        "%%capture out\nz = 2\nprint(y)",
        {"out", "z"},
        {"y"},
    ),
    ("%%timeit runs in its own scope", "%%timeit\nt = data * 2", set(), {"data"}),
    ("%timeit with options", "%timeit -n 10 -r 2 f(x)", set(), {"f", "x"}),
    ("%store -r brings named variables", "%store -r model", {"model"}, set()),
    ("help syntax reads nothing", "len?\nobj??", set(), set()),
    ("shell escapes expand braces", "!echo {path}", set(), {"path"}),
    ("%matplotlib defines nothing", "%matplotlib inline\nimport os", {"os"}, set()),
    ("line magics on indented lines", "for i in range(2):\n    %time z = i", {"i", "z"}, set()),
]


@pytest.mark.parametrize(
    ("rule", "source", "defines", "reads"), IPYTHON, ids=[s[0] for s in IPYTHON]
)
def test_ipython_syntax(rule: str, source: str, defines: set[str], reads: set[str]) -> None:
    result = facts(source)
    assert result.syntax_error is None, rule
    assert set(result.defines) == defines, rule
    assert external(source) == reads, rule


def test_opaque_magics_say_names_are_unknown() -> None:
    assert [n.kind for n in facts("%run helpers.py").opaque] == ["magic"]
    assert [n.kind for n in facts("%store -r").opaque] == ["magic"]
    assert [n.kind for n in facts("%%cython\ndef f(): pass").opaque] == ["magic"]
    assert facts("%%bash\necho hi").opaque == []


def test_pip_install_is_recorded_from_shell_and_magic() -> None:
    for source in (
        "!pip install pandas==2.0",
        "%pip install -q scikit-learn",
        "!{sys.executable} -m pip install numpy",
        "!conda install -y scipy",
    ):
        assert [n.kind for n in facts(source).notes] == ["pip-install"], source
    assert facts("!pip list").notes == []


def test_syntax_error_is_a_fact_with_a_position() -> None:
    result = facts("x = 1\nprint 'hello'")
    assert result.syntax_error is not None
    assert result.syntax_error.pos.line == 2
    assert "parentheses" in result.syntax_error.detail


@pytest.mark.parametrize(
    ("source", "strong", "weak"),
    [
        ("lst.append(1)", {"lst"}, set()),
        ("total += 1", {"total"}, set()),
        ("x = x + 1", {"x"}, set()),
        ("df.drop('a', axis=1, inplace=True)", {"df"}, set()),
        ("df.fillna(0, inplace=True)", set(), {"df"}),
        ("df = df.dropna()", set(), {"df"}),
        ("df['c'] = 1", set(), {"df"}),
        ("model.fit(X, y)", set(), {"model"}),
        ("t.add_(1)", {"t"}, set()),
        ("random.shuffle(deck)", {"deck"}, set()),
        ("lst = []\nlst.append(1)", set(), set()),
        ("print(df.head())", set(), set()),
    ],
)
def test_state_changes(source: str, strong: set[str], weak: set[str]) -> None:
    result = facts(source)
    assert set(result.strong_changes) == strong
    assert set(result.weak_changes) == weak


def test_imports_keep_module_bound_name_and_position() -> None:
    result = facts("import numpy as np\nfrom os import path as p, sep\nfrom . import local")
    shown = [(i.module, i.name, i.bound, i.pos.line, i.level) for i in result.imports]
    assert shown == [
        ("numpy", None, "np", 1, 0),
        ("os", "path", "p", 2, 0),
        ("os", "sep", "sep", 2, 0),
        ("", "local", "local", 3, 1),
    ]


def test_star_import_of_an_importable_module_binds_its_public_names() -> None:
    result = facts("from math import *\nprint(sqrt(2))")
    assert {"sqrt", "pi"} <= set(result.defines)
    assert result.opaque == []
    assert "sqrt" not in result.reads


def test_star_import_of_an_unknown_module_is_opaque() -> None:
    result = facts("from surely_not_a_module_xyz import *")
    assert [n.kind for n in result.opaque] == ["star-import"]


def test_star_import_of_a_local_module_is_parsed_not_run(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "helpers.py").write_text(
        "import sys\nsys.exit('must not run')\n__all__ = ['clean', 'VERSION']\n"
    )
    result = analyse_cell("from helpers import *\n", str(folder))
    assert {"clean", "VERSION"} <= set(result.defines)


def test_positions_are_kept_for_convert() -> None:
    result = facts("import os\n\nvalue = compute(1)\n")
    assert (result.defines["value"].line, result.defines["value"].col) == (3, 0)
    assert (result.reads["compute"].line, result.reads["compute"].col) == (3, 8)


def test_positions_survive_leading_blank_lines_and_magics() -> None:
    result = analyse_cell("\n\n%time a = 1\nb = missing\n", ".")
    assert result.defines["a"].line == 3
    assert result.reads["missing"].line == 4


def test_cache_reuses_unchanged_cells() -> None:
    clear_cache()
    first = analyse_cell("a = 1\n", ".")
    assert analyse_cell("a = 1\n", ".") is first
    assert analyse_cell("a = 2\n", ".") is not first


def test_updating_a_column_from_itself_is_a_strong_change() -> None:
    assert set(facts("df['a'] = df['a'] * 2").strong_changes) == {"df"}
    assert set(facts("df['b'] = df['a'] * 2").strong_changes) == set()
    assert set(facts("df['b'] = df['a'] * 2").weak_changes) == {"df"}


def test_columns_count_characters_like_libcst() -> None:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    source = "café = 'é'; total = prix\n"
    result = facts(source)
    wrapper = MetadataWrapper(cst.parse_module(source))
    positions = wrapper.resolve(PositionProvider)
    columns = {
        node.value: positions[node].start.column for node in positions if isinstance(node, cst.Name)
    }
    assert result.defines["total"].col == columns["total"]
    assert result.reads["prix"].col == columns["prix"]


def test_pylab_brings_numpy_and_matplotlib_names() -> None:
    result = facts("%pylab inline\nx = linspace(0, 1)\nplot(x, sin(x))\nnp.pi, plt.gcf")
    assert external("%pylab inline\nx = linspace(0, 1)\nplot(x, sin(x))\nnp.pi, plt.gcf") == set()
    assert {"np", "plt", "linspace", "plot", "sin"} <= set(result.defines)


def test_star_import_never_imports_the_users_own_files(tmp_path: Path, monkeypatch: Any) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "userlib.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n__all__ = [n for n in dir() if n]\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    notebook_dir = tmp_path / "elsewhere"
    notebook_dir.mkdir()
    result = analyse_cell("from userlib import *\n", str(notebook_dir))
    assert not marker.exists()
    assert [n.kind for n in result.opaque] == ["star-import"]


# Patterns met in real notebooks (textbooks, courses, Kaggle kernels) --------------------------

REAL_WORLD = [
    (
        "a name bound before the call is not read from the notebook",
        "def update(i):\n    return spot + i\nspot = 1\nupdate(2)",
        set(),
    ),
    (
        "a function handed to a call runs now",
        "def f(r):\n    return r + k\ndf.apply(f)",
        {"df", "k"},
    ),
    ("a base class is not instantiated", "class B(A):\n    pass", {"A"}),
    (
        "instantiating reads the constructor's globals",
        "class C:\n    def __init__(self):\n        self.v = default\n    def m(self):\n"
        "        return other\nc = C()",
        {"default"},
    ),
    (
        "names carried round a loop",
        "for i in range(3):\n    if i:\n        total += i\n    else:\n        total = i",
        set(),
    ),
    ("an accumulator with no start value is read", "for i in range(3):\n    total += i", {"total"}),
    ("automagic pwd", "pwd", set()),
    ("automagic ls with options", "ls -l", set()),
    ("automagic cd", "cd images", set()),
    ("automagic cd up a folder", "cd ..", set()),
    ("automagic alias cat", "cat scripts/hello.py", set()),
    ("automagic lines among Python", "x = 1\ncat scripts/hello.py\nprint(x, y)", {"y"}),
    ("a variable named like a magic is a variable", "ls = 3\nprint(ls)", set()),
    ("sympy var binds its names", "from sympy import var\nvar('x y')\nexpr = x + y", set()),
    (
        "%%timeit setup line feeds the body",
        "%%timeit -n1 c, z = initialize(size)\nc + z",
        {"initialize", "size"},
    ),
    (
        "%timeit options keep quoted arguments",
        '%timeit -n 50 KMeans(algorithm="elkan")',
        {"KMeans"},
    ),
    ("script magics bind --out and --err", "%%bash --out out --err err\necho hi\n", set()),
    ("a lambda stored for later reads later", "ops = {'f': lambda: LATER}", set()),
]


@pytest.mark.parametrize(("rule", "source", "reads"), REAL_WORLD, ids=[r[0] for r in REAL_WORLD])
def test_real_world_patterns(rule: str, source: str, reads: set[str]) -> None:
    from nb2prod.analysis.context import Analysed, effective_reads
    from nb2prod.notebook import Cell

    cell = Analysed(Cell(0, "code", source), facts(source))
    effective = set(effective_reads(cell, {}).positions)
    assert effective == reads, rule


def test_calls_on_modules_are_not_mutations() -> None:
    assert facts("import numpy as np\ny = np.append(y, 1)\nnp.ix_(a, b)").mutates == {}
    assert set(facts("df.sort_values('a')").mutates) == set()
    assert set(facts("df.sort_values('a', inplace=True)").weak_changes) == {"df"}


def test_dynamic_namespace_writes_are_opaque() -> None:
    for source in ("for k, v in d.items():\n    locals()[k] = v", "vars()['x'] = 1", "exec(code)"):
        assert [n.kind for n in facts(source).opaque] == ["dynamic"], source


def test_star_reexports_of_local_modules_are_followed(tmp_path: Path) -> None:
    package = tmp_path / "exp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "nb_00.py").write_text("import os\ndef helper0():\n    pass\n")
    (package / "nb_01.py").write_text("from exp.nb_00 import *\ndef helper1():\n    pass\n")
    (package / "nb_02.py").write_text("from .nb_01 import *\nLIMIT = 3\n")
    result = analyse_cell("from exp.nb_02 import *\n", str(tmp_path))
    assert {"helper0", "helper1", "LIMIT", "os"} <= set(result.defines)
    assert result.opaque == []


def test_syntax_error_in_a_rewritten_cell_points_at_the_right_line() -> None:
    result = facts('%matplotlib inline\nprint "x"')
    assert result.syntax_error is not None
    assert result.syntax_error.pos.line == 2
    assert "parentheses" in result.syntax_error.detail
