"""``convert`` is deterministic, and an edit to one cell changes only what comes from that cell.

Also: the CLI writes nothing when it refuses a notebook or when OUT exists without ``--force``.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.cli import main
from nb2prod.convert.package import Package, convert_notebook
from nb2prod.notebook import Notebook, load

ROOT = Path(__file__).resolve().parent.parent
CONVERTED = [
    p.stem for p in sorted((ROOT / "examples").glob("*.ipynb")) if p.stem != "hidden_state"
]


def files_of(notebook: Notebook) -> dict[str, bytes]:
    result = convert_notebook(notebook)
    assert isinstance(result, Package), f"{notebook.path}: refused"
    return {p: c.encode("utf-8") if isinstance(c, str) else c for p, c in result.files.items()}


@pytest.fixture(autouse=True)
def _in_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notebooks are loaded by relative path, as ``nb2prod convert`` run in the root does."""
    monkeypatch.chdir(ROOT)


def example(stem: str) -> Notebook:
    return load(f"examples/{stem}.ipynb")


@pytest.mark.parametrize("stem", CONVERTED)
def test_converting_twice_gives_the_same_bytes(stem: str) -> None:
    notebook = example(stem)
    first = files_of(notebook)
    assert files_of(notebook) == first
    assert files_of(example(stem)) == first


DIGESTS = """
import hashlib, sys
from nb2prod.convert.package import convert_notebook
from nb2prod.notebook import load
for stem in sys.argv[1:]:
    for path, content in sorted(convert_notebook(load(f"examples/{stem}.ipynb")).files.items()):
        data = content.encode() if isinstance(content, str) else content
        print(stem, path, hashlib.sha256(data).hexdigest())
"""


def test_same_bytes_whatever_the_hash_seed() -> None:
    """No set or dict order that depends on string hashing reaches a generated file."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-c", DIGESTS, *CONVERTED]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0].count("\n") > 50
    assert outputs[0] == outputs[1]


# -- an edit to one cell ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Edit:
    stem: str
    cell_id: str
    old: str
    new: str
    module: str  # the step module the cell went to
    definition: str | None = None  # the module-level definition edited; else the step function


EDITS = [
    Edit("parameters_report", "20ba4fcd798c", '"units sold: ', '"units sold in all: ', "totals"),
    Edit("parameters_report", "0d6ff383647e", ".round(2)", ".round(3)", "load"),
    Edit("helpers_and_asserts", "b75497de0124", '"conversions ok"', '"ok"', "unit_conversions"),
    Edit(
        "helpers_and_asserts", "1e05a2622dd0", "= 1.609344\n", "= 1.6093\n", "unit_conversions",
        definition="KM_PER_MILE",
    ),
]  # fmt: skip


def edited(notebook: Notebook, edit: Edit) -> Notebook:
    [cell] = [c for c in notebook.cells if c.id == edit.cell_id]
    assert cell.source.count(edit.old) == 1
    changed = dataclasses.replace(cell, source=cell.source.replace(edit.old, edit.new))
    cells = tuple(changed if c is cell else c for c in notebook.cells)
    return dataclasses.replace(notebook, cells=cells)


def changed_lines(old: str, new: str) -> tuple[set[int], set[int]]:
    """1-based numbers of the lines that differ: in ``old``, and in ``new``."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    before: set[int] = set()
    after: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            before.update(range(i1 + 1, i2 + 1))
            after.update(range(j1 + 1, j2 + 1))
    return before, after


def allowed_lines(text: str, edit: Edit) -> set[int]:
    """The lines of the edited cell's code: its definition, or its part of the step function
    (from its ``# cell N (id)`` comment to the next cell's, in the function naming that id)."""
    tree = ast.parse(text)
    for node in tree.body:
        if edit.definition is not None:
            names = {t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)}
            if edit.definition in names | {getattr(node, "name", None)}:
                return set(range(node.lineno, node.end_lineno + 1))
        elif isinstance(node, ast.FunctionDef) and edit.cell_id in (ast.get_docstring(node) or ""):
            lines = text.splitlines()
            body = range(node.body[0].end_lineno + 1, node.end_lineno + 1)
            marks = [n for n in body if lines[n - 1].lstrip().startswith("# cell ")]
            [start] = [n for n in marks if f"({edit.cell_id})" in lines[n - 1]]
            end = min([n for n in marks if n > start], default=node.end_lineno + 1)
            return set(range(start + 1, end))
    raise AssertionError(f"nothing in the module comes from cell {edit.cell_id}")


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: f"{e.stem}-{e.cell_id}")
def test_editing_one_cell_changes_only_its_code(edit: Edit) -> None:
    notebook = example(edit.stem)
    before, after = files_of(notebook), files_of(edited(notebook, edit))
    module = f"src/{edit.stem}/{edit.module}.py"
    assert before.keys() == after.keys()
    provenance = {"nb2prod.json", "Dockerfile"}  # both carry the notebook's digest
    assert {p for p in before if before[p] != after[p]} == {module, *provenance}

    old, new = before[module].decode(), after[module].decode()
    gone, added = changed_lines(old, new)
    assert gone
    assert added
    assert gone <= allowed_lines(old, edit), f"{sorted(gone)}\n{old}"
    assert added <= allowed_lines(new, edit), f"{sorted(added)}\n{new}"

    # provenance: only the notebook's digest changes; the cell keeps its function and tests
    old_json, new_json = json.loads(before["nb2prod.json"]), json.loads(after["nb2prod.json"])
    assert old_json.pop("notebook_sha256") != new_json.pop("notebook_sha256")
    assert old_json == new_json
    gone, added = changed_lines(before["nb2prod.json"].decode(), after["nb2prod.json"].decode())
    assert len(gone) == len(added) == 1
    old_docker, new_docker = before["Dockerfile"].decode(), after["Dockerfile"].decode()
    gone, added = changed_lines(old_docker, new_docker)
    assert len(gone) == len(added) == 1
    assert "io.nb2prod.notebook-sha256" in new_docker.splitlines()[next(iter(added)) - 1]


# -- the CLI writes nothing unless it succeeds ---------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def convert_cli(stem: str, out: Path, *flags: str) -> int:
    return main(["convert", f"examples/{stem}.ipynb", "-o", str(out), *flags])


def existing_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / "keep.txt").write_text("mine\n")
    return out


def test_refusing_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert convert_cli("hidden_state", tmp_path / "out") == 1
    assert not list(tmp_path.iterdir())
    assert "not converted" in capsys.readouterr().err
    out = existing_out(tmp_path)
    before = snapshot(out)
    assert convert_cli("hidden_state", out, "--force") == 1
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize(
    ("stem", "flags"),
    [("helpers_and_asserts", ()), ("hidden_state", ("--allow-hidden-state",))],
)
def test_an_existing_out_is_left_alone_without_force(
    stem: str, flags: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = existing_out(tmp_path)
    before = snapshot(out)
    assert convert_cli(stem, out, *flags) == 2
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert "--force" in capsys.readouterr().err


def test_force_replaces_out(tmp_path: Path) -> None:
    notebook = example("parameters_report")
    out = tmp_path / "out"
    assert convert_cli("helpers_and_asserts", out, "--no-lock") == 0  # a folder nb2prod wrote
    (out / "old.txt").write_text("stale\n")
    assert convert_cli("parameters_report", out, "--force", "--no-lock") == 0
    assert {p: data for p, (data, _) in snapshot(out).items()} == files_of(notebook)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
