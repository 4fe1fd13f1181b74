"""Where verify makes its environment: fixed folders held one run each, removed after."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from nb2prod.verify_place import SLOTS, Place, forget_bytecode, venv_place


def test_each_run_at_once_gets_its_own_folder_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NB2PROD_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "cache" / "verify"
    with venv_place(tmp_path / "a") as first, venv_place(tmp_path / "b") as second:
        assert first == Place(root / "venv-0", root / "pycache")
        assert second == Place(root / "venv-1", root / "pycache")
        first.venv.mkdir()
        (first.venv / "left").write_text("")
    assert not first.venv.exists()
    with venv_place(tmp_path / "a") as again:
        assert again.venv == root / "venv-0", "a folder is free again once its run ended"


def test_more_runs_than_folders_and_no_cache_get_a_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NB2PROD_CACHE_DIR", str(tmp_path / "cache"))
    with contextlib.ExitStack() as held:
        places = [held.enter_context(venv_place(tmp_path)) for _ in range(SLOTS)]
        assert len({p.venv for p in places}) == SLOTS
        with venv_place(tmp_path / "extra") as extra:
            assert extra == Place(tmp_path / "extra" / "venv", None)
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("NB2PROD_CACHE_DIR", str(blocked))  # not a folder: nothing kept
    with venv_place(tmp_path / "t") as place:
        assert place == Place(tmp_path / "t" / "venv", None)


def test_the_bytecode_of_a_runs_own_copy_is_forgotten(tmp_path: Path) -> None:
    pycache = tmp_path / "pycache"
    copy = tmp_path / "run" / "work"
    kept = pycache / tmp_path.relative_to("/") / "venv" / "m.cpython-311.pyc"
    gone = pycache / copy.relative_to("/") / "tests" / "t.cpython-311.pyc"
    for path in (kept, gone):
        path.parent.mkdir(parents=True)
        path.write_text("")
    forget_bytecode(pycache, tmp_path / "run")
    assert kept.exists()
    assert not (pycache / (tmp_path / "run").relative_to("/")).exists()
    forget_bytecode(None, tmp_path)  # no bytecode kept: nothing to do
