"""The output guard through the real command line: what ``convert`` and ``run -o`` refuse to
replace, with or without ``--force``, leaves every file as it was; a killed ``convert`` leaves
staging the next one sweeps; an OSError or a closed pipe is one line or none, never a traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

PYTHON = sys.executable


def nb2prod(
    *args: str, cwd: Path, home: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "nb2prod", *args],
        cwd=cwd,
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_notebook(path: Path, *sources: str) -> Path:
    """A notebook whose code cells ran once, in order, as saved."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    for count, source in enumerate(sources, start=1):
        cell = nbformat.v4.new_code_cell(source, execution_count=count)
        notebook.cells.append(cell)
    nbformat.validate(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def tree(root: Path) -> dict[str, bytes | str]:
    """Every file (its bytes) and link (where it leads) under ``root``, links not followed."""
    found: dict[str, bytes | str] = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = f"-> {os.readlink(path)}"
            elif path.is_file():
                found[key] = path.read_bytes()
    return found


def staging_left(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.nb2prod-*") if p.is_dir())


@pytest.fixture
def place(tmp_path: Path) -> Path:
    """A home folder, a working folder, the notebook's folder and a folder of the user's own,
    each with files in it, and a link to the notebook's folder."""
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".profile").write_text("export A=1\n")
    (tmp_path / "work" / "deep").mkdir(parents=True)
    (tmp_path / "work" / "plan.txt").write_text("the plan\n")
    write_notebook(tmp_path / "nbdir" / "nb.ipynb", "x = 1", "y = x + 1")
    (tmp_path / "nbdir" / "notes.txt").write_text("mine\n")
    (tmp_path / "foreign" / "sub").mkdir(parents=True)
    (tmp_path / "foreign" / "a.txt").write_text("user data\n")
    (tmp_path / "foreign" / "sub" / "b.bin").write_bytes(b"\x00\x01")
    (tmp_path / "link").symlink_to(tmp_path / "nbdir")
    return tmp_path


# (OUT as given, the working folder, what the refusal says)
REFUSALS = [
    ("{t}/nbdir", "work", "holds the notebook"),
    (".", "nbdir", "holds the notebook"),
    ("{t}/link", "work", "holds the notebook"),
    ("{t}", "work", "holds the notebook"),
    (".", "work", "is the current folder"),
    ("{t}/work", "work/deep", "holds the current folder"),
    ("{t}/home", "work", "is the home folder"),
    ("{t}/foreign", "work", "nb2prod did not write"),
]


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize(("out", "cwd", "says"), REFUSALS)
def test_convert_refuses_what_it_must_not_replace(
    place: Path, out: str, cwd: str, says: str, force: bool
) -> None:
    before = tree(place)
    target = out.format(t=place)
    flags = ["--force"] if force else []
    done = nb2prod(
        "convert", str(place / "nbdir" / "nb.ipynb"), "-o", target, "--no-lock", *flags,
        cwd=place / cwd, home=place / "home",
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"{target}: ")
    assert says in lines[0]
    assert done.stdout == ""
    assert tree(place) == before


def test_an_empty_folder_is_used_and_a_package_folder_replaced_only_with_force(
    place: Path,
) -> None:
    notebook = str(place / "nbdir" / "nb.ipynb")
    out = place / "work" / "pkg"
    out.mkdir()
    home, cwd = place / "home", place / "work"
    first = nb2prod("convert", notebook, "-o", str(out), "--no-lock", cwd=cwd, home=home)
    assert first.returncode == 0, first.stderr
    assert (out / "nb2prod.json").is_file()
    (out / "added.txt").write_text("added by hand\n")
    before = tree(place)
    again = nb2prod("convert", notebook, "-o", str(out), "--no-lock", cwd=cwd, home=home)
    assert again.returncode == 2
    assert again.stderr == f"{out}: already exists; use --force to replace it\n"
    assert tree(place) == before
    forced = nb2prod(
        "convert", notebook, "-o", str(out), "--no-lock", "--force", cwd=cwd, home=home
    )
    assert forced.returncode == 0, forced.stderr
    assert "replacing" in forced.stdout
    assert not (out / "added.txt").exists()
    assert staging_left(place) == []


UNWRITABLE = [
    ("{t}/work/plan.txt/pkg", "Not a directory"),
    ("{t}/work/" + "x" * 300, "File name too long"),
    ("/sys/nb2prod-out", ""),  # no one may make a folder there, root included
]


@pytest.mark.parametrize(("out", "reason"), UNWRITABLE)
def test_an_os_error_on_the_output_is_one_line(place: Path, out: str, reason: str) -> None:
    before = tree(place)
    target = out.format(t=place)
    done = nb2prod(
        "convert", str(place / "nbdir" / "nb.ipynb"), "-o", target, "--no-lock",
        cwd=place / "work", home=place / "home",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith(f"{target}: cannot write (")
    assert f"({reason}" in done.stderr
    assert done.stderr.count("\n") == 1
    assert tree(place) == before
    assert not Path("/sys/nb2prod-out").exists()


#: ``nb2prod convert`` with a slow disk: each file takes a while, and says when it is written.
SLOW_CONVERT = """
import sys, time
from nb2prod import cli, output
real = output._write_file
def slow(path, content):
    real(path, content)
    print("wrote", path, file=sys.stderr, flush=True)
    time.sleep(0.3)
output._write_file = slow
sys.exit(cli.main(sys.argv[1:]))
"""


def slow_convert(notebook: Path, out: Path, cwd: Path) -> subprocess.Popen[str]:
    """Start a slow convert and return once it has written three files into its staging."""
    process = subprocess.Popen(
        [PYTHON, "-c", SLOW_CONVERT, "convert", str(notebook), "-o", str(out), "--no-lock"],
        cwd=cwd,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        # a shell's background job ignores SIGINT, and its children inherit that: not here
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stderr is not None
    for _ in range(3):
        line = process.stderr.readline()
        assert line.startswith("wrote "), line
    return process


def test_a_killed_convert_leaves_staging_that_the_next_one_sweeps(place: Path) -> None:
    notebook, out, cwd = place / "nbdir" / "nb.ipynb", place / "work" / "pkg", place / "work"
    users = place / "work" / ".pkg.backup"  # hidden, beside OUT, but the user's
    users.mkdir()
    (users / "keep.txt").write_text("mine\n")
    process = slow_convert(notebook, out, cwd)
    process.kill()
    process.wait()
    left = staging_left(place)
    assert len(left) == 1, left
    assert left[0].startswith("work/.pkg.nb2prod-new-")
    assert len([p for p in (place / left[0]).rglob("*") if p.is_file()]) >= 3
    assert not out.exists()
    done = nb2prod("convert", str(notebook), "-o", str(out), "--no-lock", cwd=cwd, home=cwd)
    assert done.returncode == 0, done.stderr
    assert staging_left(place) == []
    assert (out / "nb2prod.json").is_file()
    assert (users / "keep.txt").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("signum", "status", "line"),
    [(signal.SIGTERM, 143, "nb2prod: terminated"), (signal.SIGINT, 130, "nb2prod: interrupted")],
)
def test_a_terminated_convert_cleans_up_after_itself(
    place: Path, signum: int, status: int, line: str
) -> None:
    out = place / "work" / "pkg"
    process = slow_convert(place / "nbdir" / "nb.ipynb", out, place / "work")
    process.send_signal(signum)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == status
    assert [ln for ln in rest.splitlines() if not ln.startswith("wrote ")] == [line]
    assert staging_left(place) == []
    assert not out.exists()


# -- run -o: checked before the notebook runs --------------------------------------------------


@pytest.fixture
def runnable(tmp_path: Path) -> Path:
    """A notebook that leaves ran.txt beside it when it runs (and a home folder beside that)."""
    (tmp_path / "home").mkdir()
    return write_notebook(
        tmp_path / "nb" / "nb.ipynb", "open('ran.txt', 'w').write('ran')", "x = 1"
    )


def home_of(notebook: Path) -> Path:
    return notebook.parent.parent / "home"


@pytest.mark.parametrize(
    ("out", "says"),
    [
        ("taken.ipynb", "already exists; use --force to replace it"),
        ("nb.ipynb", "already exists; use --force to replace it"),
        ("missing/out.ipynb", "no such folder: {t}/missing"),
        ("folder", "is a folder; name a file"),
        ("/sys/nb2prod-out.ipynb", "cannot write ("),
    ],
)
def test_run_refuses_a_bad_output_before_running(runnable: Path, out: str, says: str) -> None:
    folder = runnable.parent
    (folder / "taken.ipynb").write_text("precious\n")
    (folder / "folder").mkdir()
    before = tree(folder)
    target = out if out.startswith("/") else str(folder / out)
    started = time.monotonic()
    done = nb2prod("run", str(runnable), "-o", target, cwd=folder, home=home_of(runnable))
    assert done.returncode == 2
    assert done.stderr.startswith(f"{target}: {says.format(t=folder)}"), done.stderr
    assert done.stderr.count("\n") == 1
    assert not (folder / "ran.txt").exists()  # refused before a kernel started
    assert time.monotonic() - started < 60
    assert tree(folder) == before


@pytest.mark.kernel
def test_run_in_place_keeps_a_linked_notebook_a_link(runnable: Path) -> None:
    folder = runnable.parent
    link = folder / "link.ipynb"
    link.symlink_to(runnable)
    done = nb2prod("run", str(link), cwd=folder, home=home_of(runnable))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    ran = nbformat.read(runnable, as_version=4)
    nbformat.validate(ran)
    assert "nb2prod" in ran.metadata
    assert (folder / "ran.txt").read_text() == "ran"


@pytest.mark.kernel
def test_run_with_force_replaces_an_existing_output(runnable: Path) -> None:
    folder = runnable.parent
    out = folder / "out.ipynb"
    out.write_text("old\n")
    done = nb2prod(
        "run", str(runnable), "-o", str(out), "--force", cwd=folder, home=home_of(runnable)
    )
    assert done.returncode == 0, done.stderr
    nbformat.validate(nbformat.read(out, as_version=4))
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


# -- a closed stdout ------------------------------------------------------------------------------


def test_a_reader_that_leaves_the_pipe_gets_no_traceback(tmp_path: Path) -> None:
    """Far more output than a pipe holds, so that writing it must meet the closed pipe."""
    sources = [f"print(missing_{i})" for i in range(1500)]
    notebook = write_notebook(tmp_path / "big.ipynb", *sources)
    for flags in ("", "--json"):
        script = (
            f"{PYTHON} -m nb2prod check {flags} {notebook} | head -1 >/dev/null; "
            'echo "status ${PIPESTATUS[0]}" >&2'
        )
        done = subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, timeout=300, check=False
        )
        assert done.stderr.splitlines() == ["status 141"], done.stderr
