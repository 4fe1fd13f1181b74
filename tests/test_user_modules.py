"""The user's own modules and the Python a package asks for, through the real ``nb2prod convert``.

A notebook that writes ``helpers.py`` with ``%%writefile`` and imports it gets the module in its
package (the cell's text, not a file a past run left), never a dependency named ``helpers``; what
the user's modules import (beside the notebook or written by it) is a dependency; the Python in
``language_info`` is a floor the running Python meets, the recorded one is kept. One notebook is
made by a real kernel, converted, installed in a fresh venv and its generated tests run.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
import tomllib
from nbformat.v4 import new_code_cell, new_notebook

from cli_runs import nb2prod
from factory import build
from nb2prod.convert.localmods import module_path
from nb2prod.convert.package import Package, convert_notebook
from nb2prod.notebook import load
from recorded_notebooks import CPU_ENVIRONMENT, write_notebook

HELPERS = "import six\n\n\ndef double(x):\n    return 2 * x\n"
TIMED = "%%time\ntotal = helpers.double(2)\nprint(total)"


def write(path: Path, cells: list[str], version: str = "3.11.7") -> Path:
    notebook = new_notebook(cells=[new_code_cell(c) for c in cells])
    for count, cell in enumerate(notebook.cells, 1):
        cell.execution_count = count
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3"}  # fmt: skip
    notebook.metadata["language_info"] = {"name": "python", "version": version}
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return path


def convert(notebook: Path, out: Path) -> str:
    """``nb2prod convert``; the package's name."""
    done = nb2prod("convert", str(notebook), "-o", str(out))
    assert done.returncode == 0, done.stderr
    found = re.search(r"package `(\w+)` written", done.stdout)
    assert found, done.stdout
    return found[1]


def project(out: Path) -> dict[str, Any]:
    found: dict[str, Any] = tomllib.loads((out / "pyproject.toml").read_text())["project"]
    return found


def unmarked(path: Path) -> str:
    """A copied module's text without the ``# noqa`` marks ruff's rules had convert add."""
    return re.sub(r"  # noqa: [A-Z0-9, ]+", "", path.read_text())


def running() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def test_a_written_module_is_shipped_and_never_a_dependency(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("def double(x):\n    return 0\n")  # a past run's file
    cells = [f"%%writefile helpers.py\n{HELPERS}", "import helpers\nprint(helpers.double(21))"]
    name = convert(write(tmp_path / "written.ipynb", cells), tmp_path / "out")
    package = tmp_path / "out" / "src" / name
    assert unmarked(package / "helpers.py") == HELPERS  # the cell's text wins
    assert project(tmp_path / "out")["dependencies"] == ["six"]  # what helpers imports
    steps = "".join(p.read_text() for p in package.glob("*.py") if p.name != "helpers.py")
    assert f"from {name} import helpers" in steps
    assert "write_text" not in steps  # a step never writes into the user's folder
    assert "`helpers.py` is shipped in the package as its module `helpers`" in steps


def test_an_appended_module_and_a_package_module_are_written_in_order(tmp_path: Path) -> None:
    cells = [
        "%%writefile tools/__init__.py\n",
        "%%writefile tools/text.py\ndef shout(s):\n    return s.upper()\n",
        "%%writefile -a tools/text.py\nimport requests\n",
        "%%writefile notes.txt\nnot a module\n",
        "from tools.text import shout\nprint(shout('a'))",
    ]
    name = convert(write(tmp_path / "appended.ipynb", cells), tmp_path / "out")
    package = tmp_path / "out" / "src" / name
    assert unmarked(package / "tools" / "text.py") == (
        "def shout(s):\n    return s.upper()\nimport requests\n"
    )
    assert (package / "tools" / "__init__.py").is_file()
    assert not (package / "notes.txt").exists()  # not a module: written at run time, as before
    assert project(tmp_path / "out")["dependencies"] == ["requests"]
    steps = "".join(p.read_text() for p in package.glob("*.py"))
    assert f"from {name}.tools.text import shout" in steps
    assert "Path('notes.txt').write_text('not a module\\n', encoding='utf-8')" in steps


@pytest.mark.parametrize(
    ("path", "module"),
    [("helpers.py", "helpers.py"), ("./utils/io.py", "utils/io.py"), ("utils/__init__.py",
      "utils/__init__.py"), ("../up.py", None), ("/tmp/abs.py", None), ("a-b.py", None),
     ("class.py", None), ("__init__.py", None), ("__main__.py", None), ("notes.txt", None),
     ("C:\\x.py", None)],
)  # fmt: skip
def test_only_files_python_can_import_from_the_notebooks_folder_are_modules(
    path: str, module: str | None
) -> None:
    assert module_path(path) == module


def test_what_local_modules_import_is_a_dependency_through_each_other(tmp_path: Path) -> None:
    (tmp_path / "plots.py").write_text("import matplotlib.pyplot as plt\nimport style\n")
    (tmp_path / "style.py").write_text("import seaborn\nfrom . import nothing\n")
    (tmp_path / "wrapper.py").write_text("import sklearn\n")
    cells = ["import plots", "%%writefile made.py\nimport wrapper\n", "import made"]
    name = convert(write(tmp_path / "local.ipynb", cells), tmp_path / "out")
    package = tmp_path / "out" / "src" / name
    shipped = {p.name for p in package.glob("*.py")}
    assert {"made.py", "plots.py", "style.py", "wrapper.py"} <= shipped
    assert "from local import style" in (package / "plots.py").read_text()
    assert project(tmp_path / "out")["dependencies"] == ["matplotlib", "scikit-learn", "seaborn"]


def test_a_script_the_notebook_writes_to_run_brings_no_dependency(tmp_path: Path) -> None:
    """``mapper.py`` is run by a shell command, never imported: what it imports (here a Python 2
    module, no distribution at all) must not reach the dependencies, or the lock fails."""
    cells = [
        "%%writefile mapper.py\nimport StringIO\nprint 'hello'\n",
        "!python mapper.py",
        "from IPython.display import display\ndisplay(1)",
    ]
    name = convert(write(tmp_path / "script.ipynb", cells), tmp_path / "out")
    assert (tmp_path / "out" / "src" / name / "mapper.py").is_file()
    assert project(tmp_path / "out")["dependencies"] == ["IPython"]  # one spelling


@pytest.mark.parametrize(
    ("said", "floor"),
    [("3.14.0", running()), ("3.9.18", "3.9"), ("3.8.10", "3.9"), ("3.10.4", "3.10")],
)
def test_the_notebooks_python_is_a_floor_the_running_python_meets(
    tmp_path: Path, said: str, floor: str
) -> None:
    package = convert_notebook(load(str(write(tmp_path / "versions.ipynb", ["x = 1"], said))))
    assert isinstance(package, Package)
    pyproject = tomllib.loads(str(package.files["pyproject.toml"]))
    assert pyproject["project"]["requires-python"] == f">={floor}"
    assert f"python:{floor}-slim" in str(package.files["Dockerfile"])


def test_the_recorded_python_is_kept(tmp_path: Path) -> None:
    environment = {**CPU_ENVIRONMENT, "python": {**CPU_ENVIRONMENT["python"], "version": "3.13.1"}}
    notebook = write_notebook(tmp_path, [("x = 1\nprint(x)", "1\n", [])], environment)
    metadata = json.loads(Path(notebook).read_text())["metadata"]
    assert metadata["language_info"]["version"] != "3.13.1"
    convert(Path(notebook), tmp_path / "out")
    assert project(tmp_path / "out")["requires-python"] == ">=3.13"


@pytest.mark.kernel
@pytest.mark.slow
def test_a_notebook_that_writes_and_times_its_helpers_passes_its_own_tests(
    tmp_path: Path,
) -> None:
    """A real kernel runs it (``%%time`` and ``%timeit`` show timings, ``%%writefile`` says
    "Writing"); the package, installed in a fresh venv, must pass every test it generated."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "report.py").write_text(
        "import idna\n\n\ndef table(rows):\n    return idna.encode('ok').decode() + str(rows)\n"
    )
    cells = [
        f"%%writefile helpers.py\n{HELPERS}",
        "import helpers\nimport report\nprint(helpers.double(21))\nprint(report.table([[1, 2]]))",
        TIMED,
        "%timeit helpers.double(3)\nprint('timed')",
        "!echo from the shell",
        "%load_ext autoreload\n%autoreload 2\nprint(total + 1)",
    ]
    notebook = folder / "timed.ipynb"
    build(cells, list(range(len(cells))), notebook)
    shown = json.loads(notebook.read_text())
    shown["metadata"]["language_info"]["version"] = "3.14.0"  # newer than the one at hand
    notebook.write_text(json.dumps(shown))
    (folder / "helpers.py").unlink()  # shared without the file the kernel wrote

    out = tmp_path / "out"
    name = convert(notebook, out)
    assert project(out)["dependencies"] == ["idna", "six"]
    assert project(out)["requires-python"] == f">={running()}"
    tests = (out / "tests" / "test_notebook.py").read_text()
    assert "test_cell_2_output" in tests
    assert "test_cell_6_output" in tests
    for unstable in ("test_cell_1_output", "test_cell_3_output", "test_cell_4_output"):
        assert unstable not in tests, unstable  # "Writing...", timings: no test of the package
    verified = nb2prod("verify", str(out))
    report = f"{verified.stdout}\n{verified.stderr}"
    assert verified.returncode == 0, report
    passed = re.search(r"^(\d+) passed, 0 failed$", verified.stdout, re.MULTILINE)
    assert passed, report
    assert int(passed[1]) >= 3, report
    assert not (out / "src" / name / "data").exists()
