"""Progress on a terminal: ``run`` says which cell is running and which failed, ``lock`` which
phase it is in (``verify``'s phases: tests/test_verify.py). Only when stderr is a terminal: a pipe
sees what it saw before."""

from __future__ import annotations

import io
import os
from pathlib import Path

import nbformat
import pytest

from cli_runs import nb2prod
from nb2prod.progress import ProgressBar, StatusLine, status
from terminal import nb2prod_on_terminal
from test_lock import make_wheel, write_package


def shown(terminal: str) -> list[str]:
    """Each text the terminal showed, one per carriage return or new line, blanks left out."""
    parts = terminal.replace("\n", "\r").split("\r")
    return [part.strip() for part in parts if part.strip()]


def test_a_status_line_is_rewritten_in_place_wiped_or_kept() -> None:
    stream = io.StringIO()
    line = StatusLine(stream)
    line("running cell 10 of 12")
    line("running cell 11")
    line.keep("cell 11 of 12 failed")
    line("done")
    line.clear()
    assert stream.getvalue() == (
        "\rrunning cell 10 of 12"
        "\rrunning cell 11      "  # the longer text before is blanked out
        "\rcell 11 of 12 failed\n"
        "\rdone"
        "\r    \r"
    )


def test_a_status_line_only_on_a_terminal() -> None:
    with status(io.StringIO()) as line:
        assert line is None
    leader, follower = os.openpty()
    try:
        with open(follower, "w", closefd=False) as terminal, status(terminal) as line:
            assert isinstance(line, StatusLine)
    finally:
        os.close(follower)
        os.close(leader)


def test_check_keeps_its_progress_bar() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, width=10)
    bar(1, 4)
    bar(4, 4)
    assert stream.getvalue() == "\r[##--------] 1/4 notebooks\r[##########] 4/4 notebooks\n"


def notebook(tmp_path: Path) -> Path:
    book = nbformat.v4.new_notebook()
    book.cells = [
        nbformat.v4.new_markdown_cell("# cell 1 is text"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("print(x)"),
        nbformat.v4.new_code_cell("1 / 0"),
        nbformat.v4.new_code_cell("y = 2"),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(book, path)
    return path


@pytest.mark.kernel
def test_run_says_cell_by_cell_on_a_terminal_and_names_the_failing_one(tmp_path: Path) -> None:
    path = notebook(tmp_path)
    stopped = f"{path}: stopped: ZeroDivisionError: division by zero; nothing saved"

    piped = nb2prod("run", str(path))
    assert piped.returncode == 1
    assert piped.stderr == stopped + "\n", "not a terminal: nothing but what run always says"

    ran = nb2prod_on_terminal("run", str(path))
    assert ran.returncode == 1
    assert shown(ran.terminal) == [
        "running cell 2 of 5",
        "running cell 3 of 5",
        "running cell 4 of 5",
        "cell 4 of 5 failed",
        stopped,
    ]

    ran = nb2prod_on_terminal("run", str(path), "--allow-errors", "-o", str(tmp_path / "o.ipynb"))
    assert ran.returncode == 0, ran.terminal
    assert shown(ran.terminal) == [
        "running cell 2 of 5",
        "running cell 3 of 5",
        "running cell 4 of 5",
        "running cell 5 of 5",
        "cell 4 of 5 raised an error; the run went on",
    ]
    assert ran.stdout.startswith(f"{tmp_path / 'o.ipynb'}: ran ")


def test_lock_says_what_it_resolves_on_a_terminal(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    make_wheel(wheels, "nb2prod_tinya", "1.0")
    package = write_package(tmp_path / "demo", '"nb2prod-tinya"')
    args = ("lock", str(package), "--no-index", "--find-links", str(wheels), "--resolver", "uv")

    piped = nb2prod(*args)
    assert (piped.returncode, piped.stderr) == (0, "")

    ran = nb2prod_on_terminal(*args)
    assert ran.returncode == 0
    assert ran.stdout == piped.stdout
    # write_package records a version of "x": it is handed to the resolver as a constraint
    assert shown(ran.terminal) == [
        "resolving 1 requirement(s) with uv, holding 1 recorded version(s)"
    ]
    assert ran.terminal.endswith("\r"), "the status line is wiped at the end"
