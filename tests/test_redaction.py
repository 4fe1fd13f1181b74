"""The last guard against secrets in a package redacts values, never the code around them: a
variable named ``password`` is no secret, and a generated package always compiles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

PASSWORD = "hunter2xyz"


def _notebook(folder: Path) -> Path:
    cells = [
        new_markdown_cell("## Setting a password"),
        new_code_cell(
            "def make_password(text):\n    return 'sha1:' + str(len(text))\n\n"
            "password = make_password('secret')\npassword",
            execution_count=1,
            outputs=[new_output("execute_result", {"text/plain": "'sha1:6'"}, execution_count=1)],
        ),
        new_code_cell(
            f'login = {{"password": "{PASSWORD}"}}\nprint(len(login))',
            execution_count=2,
            outputs=[new_output("stream", name="stdout", text="1\n")],
        ),
    ]
    folder.mkdir()
    path = folder / "server.ipynb"
    nbformat.write(new_notebook(cells=cells), str(path))
    return path


def test_a_variable_named_password_keeps_its_code_and_the_package_compiles(
    tmp_path: Path,
) -> None:
    out = tmp_path / "pkg"
    done = subprocess.run(
        [sys.executable, "-m", "nb2prod", "convert", str(_notebook(tmp_path / "nb")), "-o",
         str(out), "--no-lock"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sources = {p: p.read_text() for p in out.rglob("*.py")}
    for path, text in sources.items():
        compile(text, str(path), "exec")
    code = "".join(sources.values())
    assert '"password": password' in code  # the name, returned by run(), is untouched
    assert "Setting a password: notebook cells 2, 3" in code  # not taken for a secret
    every = "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    assert PASSWORD not in every
    assert "os.environ['PASSWORD']" in code
