"""Writing a generated package atomically: all of it in place, or nothing changed; replacing
only what nb2prod wrote; sweeping what a killed write left."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nb2prod import output, staging
from nb2prod.errors import NotebookError
from nb2prod.output import write_file, write_tree
from nb2prod.output_guard import CannotWrite, OutputRefused, is_ours

FILES: dict[str, str | bytes] = {
    "pyproject.toml": '[project]\nname = "demo"\n',
    "README.md": "# demo\r\nkept as given\n",
    "src/demo/__init__.py": "",
    "src/demo/pipeline.py": "def run() -> str:\n    return 'é'\n",
    "tests/test_pipeline.py": "from demo.pipeline import run\n",
    "data.bin": b"\x00\xff\n",
}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


MARKER = '{"nb2prod": "0.1.0", "notebook": "nb.ipynb"}\n'


def nb2prod_folder(out: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """A folder as ``convert`` leaves it: its nb2prod.json names nb2prod."""
    write_tree({"nb2prod.json": MARKER, **(files or {"old.txt": "old\n"})}, out)
    return out


def test_writes_the_tree_with_its_bytes_and_modes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(FILES, out)
    assert snapshot(out) == {
        k: v.encode("utf-8") if isinstance(v, str) else v for k, v in FILES.items()
    }
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "src" / "demo").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "src/demo/pipeline.py").stat().st_mode) == 0o644
    assert leftovers(tmp_path) == []


def test_creates_missing_parents_and_fills_an_empty_folder(tmp_path: Path) -> None:
    write_tree({"a.txt": "a\n"}, tmp_path / "deep" / "er" / "out")
    assert (tmp_path / "deep/er/out/a.txt").read_text() == "a\n"
    (tmp_path / "empty").mkdir()
    write_tree({"b.txt": "b\n"}, tmp_path / "empty")
    assert snapshot(tmp_path / "empty") == {"b.txt": b"b\n"}


def test_refuses_an_existing_folder_without_force_and_leaves_it_untouched(tmp_path: Path) -> None:
    out = nb2prod_folder(tmp_path / "out", {"mine.py": "precious\n"})
    before = snapshot(out)
    with pytest.raises(OutputRefused) as caught:
        write_tree(FILES, out)
    assert str(caught.value) == f"{out}: already exists; use --force to replace it"
    assert caught.value.existing is not None
    assert (caught.value.existing.ours, caught.value.existing.files) == (True, 2)
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_nb2prod_did_not_write_is_never_replaced(tmp_path: Path, force: bool) -> None:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / "mine.py").write_text("precious\n")
    before = snapshot(out)
    with pytest.raises(OutputRefused) as caught:
        write_tree(FILES, out, force=force)
    assert "nb2prod did not write" in str(caught.value)
    assert caught.value.kind == "foreign"
    assert caught.value.existing is not None
    assert caught.value.existing.to_dict() == {
        "nb2prod": False, "files": 1, "more": False, "entries": ["sub/mine.py"]
    }  # fmt: skip
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "marker",
    ["", "not json", "[]", '{"nb2prod": 1}', '{"nb2prod": ""}', '{"notebook": "nb.ipynb"}'],
)
def test_only_an_nb2prod_json_naming_nb2prod_marks_a_folder_as_ours(
    tmp_path: Path, marker: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "nb2prod.json").write_text(marker)
    assert not is_ours(out)
    with pytest.raises(OutputRefused, match="nb2prod did not write"):
        write_tree(FILES, out, force=True)
    assert (out / "nb2prod.json").read_text() == marker


def test_a_linked_or_folder_marker_does_not_count(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(MARKER)
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "nb2prod.json").symlink_to(elsewhere)
    folder = tmp_path / "folder"
    (folder / "nb2prod.json").mkdir(parents=True)
    assert not is_ours(linked)
    assert not is_ours(folder)
    assert is_ours(nb2prod_folder(tmp_path / "ours"))


def test_force_replaces_a_folder_nb2prod_wrote_entirely(tmp_path: Path) -> None:
    out = nb2prod_folder(tmp_path / "out", {"old.txt": "old\n", "sub/old.py": "x = 1\n"})
    replaced = write_tree(FILES, out, force=True)
    assert replaced is not None
    assert replaced.listed == ("nb2prod.json", "old.txt", "sub/old.py")
    assert sorted(snapshot(out)) == sorted(FILES)
    assert leftovers(tmp_path) == []


def test_a_link_to_a_folder_stays_a_link(tmp_path: Path) -> None:
    real = nb2prod_folder(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real)
    write_tree({"nb2prod.json": MARKER, "new.txt": "new\n"}, link, force=True)
    assert link.is_symlink()
    assert snapshot(real) == {"nb2prod.json": MARKER.encode(), "new.txt": b"new\n"}


@pytest.mark.parametrize("what", ["notebook", "cwd", "home"])
def test_what_holds_the_notebook_the_cwd_or_home_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    folder = nb2prod_folder(tmp_path / "folder")  # replaceable, were it not protected
    (folder / "inner").mkdir()
    (folder / "inner" / "nb.ipynb").write_text("{}")
    protect = [(folder / "inner" / "nb.ipynb", "the notebook nb.ipynb")]
    monkeypatch.chdir(folder / "inner" if what == "cwd" else tmp_path)
    monkeypatch.setenv("HOME", str(folder / "inner" if what == "home" else tmp_path / "home"))
    before = snapshot(folder)
    with pytest.raises(OutputRefused) as caught:
        write_tree(FILES, folder, force=True, protect=protect if what == "notebook" else ())
    expected = {"notebook": "the notebook", "cwd": "the current folder", "home": "the home folder"}
    assert f"holds {expected[what]}" in str(caught.value)
    assert caught.value.kind == "protected"
    assert snapshot(folder) == before
    assert leftovers(tmp_path) == []


def test_an_os_error_is_one_cannot_write_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(CannotWrite) as caught:
        write_tree(FILES, tmp_path / "file" / "out")
    assert str(caught.value) == f"{tmp_path / 'file' / 'out'}: cannot write (Not a directory)"
    long_name = tmp_path / ("x" * 300)
    with pytest.raises(CannotWrite, match=r"cannot write \(File name too long\)"):
        write_tree(FILES, long_name)


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("a file\n")
    with pytest.raises(NotebookError, match="not a folder"):
        write_tree(FILES, out, force=True)
    assert out.read_text() == "a file\n"


@pytest.mark.parametrize("force", [False, True])
def test_a_failure_half_way_leaves_no_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    out = tmp_path / "out"
    if force:
        nb2prod_folder(out)
    before = snapshot(out) if force else None
    real_write = output._write_file
    written: list[Path] = []

    def failing_write(path: Path, content: str | bytes) -> None:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(path)
        real_write(path, content)

    monkeypatch.setattr(output, "_write_file", failing_write)
    with pytest.raises(CannotWrite, match=r"cannot write \(No space left on device\)"):
        write_tree(FILES, out, force=force)
    assert len(written) == 3
    assert leftovers(tmp_path) == []
    if force:
        assert snapshot(out) == before
    else:
        assert not out.exists()


def test_a_failed_rename_into_place_restores_the_old_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = nb2prod_folder(tmp_path / "out")
    before = snapshot(out)
    real_rename = output.os.rename

    def rename(src: Path, dst: Path) -> None:
        if ".out.nb2prod-new-" in str(src) and Path(dst) == out:
            raise PermissionError(13, "refused")
        real_rename(src, dst)

    monkeypatch.setattr(output.os, "rename", rename)
    with pytest.raises(CannotWrite, match="refused"):
        write_tree(FILES, out, force=True)
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_write_file_keeps_a_link_a_link(tmp_path: Path) -> None:
    target = tmp_path / "real.ipynb"
    target.write_text("old")
    os.chmod(target, 0o600)
    link = tmp_path / "link.ipynb"
    link.symlink_to(target)
    write_file(link, "new")
    assert link.is_symlink()
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(CannotWrite, match="cannot write"):
        write_file(tmp_path / "missing" / "x.ipynb", "x")


# -- staging folders a killed write left ----------------------------------------------------------


def dead_pid() -> int:
    """The pid of a process that has ended (and was reaped)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(done.stdout)


def staged(
    parent: Path, out_name: str, kind: str, pid: int, *, age: float = 0, tag: str = "abcd1234"
) -> Path:
    """A staging folder as :mod:`nb2prod.staging` makes one, owned by ``pid``."""
    import socket

    root = parent / f"{staging.prefix(out_name, kind)}-{pid}-{tag}"
    (root / staging.TREE).mkdir(parents=True)
    (root / staging.TREE / "file.txt").write_text(kind)
    owner = root / staging.OWNER_FILE
    owner.write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "out": out_name}))
    if age:
        then = time.time() - age
        os.utime(owner, (then, then))
    return root


def test_the_next_write_sweeps_stale_staging_and_nothing_else(tmp_path: Path) -> None:
    gone = dead_pid()
    stale = staged(tmp_path, "out", "new", gone)
    old_alive = staged(tmp_path, "out", "new", os.getpid(), age=staging.STALE_AFTER + 5, tag="x")
    fresh = staged(tmp_path, "out", "new", os.getpid())
    other = staged(tmp_path, "other", "new", gone)
    unmarked = tmp_path / ".out.nb2prod-new-1-x"
    unmarked.mkdir()
    (unmarked / "keep.txt").write_text("no owner file: not ours to remove")
    users = tmp_path / ".out.mine"
    users.mkdir()
    write_tree(FILES, tmp_path / "out")
    assert not stale.exists()
    assert not old_alive.exists()
    assert fresh.is_dir()  # a write in progress
    assert other.is_dir()  # another output's
    assert (unmarked / "keep.txt").is_file()
    assert users.is_dir()


def test_a_stale_old_folder_comes_back_when_its_output_is_missing(tmp_path: Path) -> None:
    """Killed between moving the old package aside and renaming the new one into place."""
    aside = staged(tmp_path, "out", "old", dead_pid())
    assert staging.sweep(tmp_path, "out") == [aside.name]
    assert snapshot(tmp_path / "out") == {"file.txt": b"old"}
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../x", "'..'"),
        ("a/../../x", "'..'"),
        ("/abs", "absolute"),
        ("", "empty"),
    ],
)
def test_rejects_paths_outside_the_folder(tmp_path: Path, path: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        write_tree({"ok.txt": "ok\n", path: "bad\n"}, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_rejects_a_file_that_is_also_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="both a file and the folder"):
        write_tree({"src/demo": "x\n", "src/demo/__init__.py": ""}, tmp_path / "out")
    with pytest.raises(ValueError, match="twice"):
        write_tree({"a/b.txt": "1\n", "a//b.txt": "2\n"}, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []
