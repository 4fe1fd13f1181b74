"""Writing a generated package atomically: all of it in place, or nothing changed."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from nb2prod import output
from nb2prod.errors import NotebookError
from nb2prod.output import write_tree

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
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.py").write_text("precious\n")
    before = snapshot(out)
    with pytest.raises(NotebookError) as caught:
        write_tree(FILES, out)
    assert str(caught.value) == f"{out}: already exists; use --force to replace it"
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_force_replaces_the_old_folder_entirely(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree({"old.txt": "old\n", "sub/old.py": "x = 1\n"}, out)
    write_tree(FILES, out, force=True)
    assert sorted(snapshot(out)) == sorted(FILES)
    assert leftovers(tmp_path) == []


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
        write_tree({"old.txt": "old\n"}, out)
    before = snapshot(out) if force else None
    real_write = output._write_file
    written: list[Path] = []

    def failing_write(path: Path, content: str | bytes) -> None:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(path)
        real_write(path, content)

    monkeypatch.setattr(output, "_write_file", failing_write)
    with pytest.raises(OSError, match="No space left"):
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
    out = tmp_path / "out"
    write_tree({"old.txt": "old\n"}, out)
    real_rename = output.os.rename

    def rename(src: Path, dst: Path) -> None:
        if Path(src).name.startswith(".out.") and Path(dst) == out:
            raise PermissionError("refused")
        real_rename(src, dst)

    monkeypatch.setattr(output.os, "rename", rename)
    with pytest.raises(PermissionError):
        write_tree(FILES, out, force=True)
    assert snapshot(out) == {"old.txt": b"old\n"}
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
