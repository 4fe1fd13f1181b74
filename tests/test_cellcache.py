"""The cells' analyses kept on disk by ``nb2prod check``: the same findings with the cache cold,
warm, off or damaged; kept in the user's cache folder, never beside the notebook; read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from dataclasses import fields
from pathlib import Path
from typing import Any

import nbformat
import pytest

from nb2prod.analysis import cellcache
from nb2prod.analysis.cell import analyse_cell
from nb2prod.analysis.cellcache import MAGIC
from nb2prod.analysis.cellcodec import CODECS, decode, encode
from nb2prod.analysis.facts import CellFacts
from nb2prod.discover import check_path
from nb2prod.notebook import load

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.ipynb"))


def nb2prod(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nb2prod", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_COLOR": "1", **env},
    )


def write_notebook(path: Path, sources: list[str]) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}  # fmt: skip
    for count, source in enumerate(sources, 1):
        notebook.cells.append(nbformat.v4.new_code_cell(source, execution_count=count))
    nbformat.validate(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def read_cache(path: Path) -> tuple[str, dict[str, Any]]:
    data = path.read_bytes()
    assert data.startswith(MAGIC)
    payload = data[len(MAGIC) + 4 :]
    assert zlib.crc32(payload).to_bytes(4, "big") == data[len(MAGIC) : len(MAGIC) + 4]
    fingerprint, entries = json.loads(payload)
    return fingerprint, entries


def write_cache(path: Path, fingerprint: str, entries: dict[str, Any]) -> None:
    payload = json.dumps([fingerprint, entries]).encode()
    path.write_bytes(MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload)


@pytest.fixture
def hidden_state(tmp_path: Path) -> Path:
    """A copy of the example notebook with hidden state, alone in its folder."""
    copy = tmp_path / "notebooks" / "hidden_state.ipynb"
    copy.parent.mkdir()
    copy.write_bytes((ROOT / "examples" / "hidden_state.ipynb").read_bytes())
    return copy


def test_findings_are_the_same_with_the_cache_cold_warm_and_off(
    hidden_state: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    off = nb2prod("check", str(hidden_state), env={"NB2PROD_NO_CACHE": "1",
                                                   "NB2PROD_CACHE_DIR": str(cache)})  # fmt: skip
    assert off.returncode == 1, off.stderr
    assert "undefined-name" in off.stdout
    assert not cache.exists()
    cold = nb2prod("check", str(hidden_state), env={"NB2PROD_CACHE_DIR": str(cache)})
    kept = list(cache.glob("*.cells"))
    assert len(kept) == 1
    warm = nb2prod("check", str(hidden_state), env={"NB2PROD_CACHE_DIR": str(cache)})
    assert (cold.stdout, cold.stderr, cold.returncode) == (off.stdout, off.stderr, 1)
    assert (warm.stdout, warm.stderr, warm.returncode) == (off.stdout, off.stderr, 1)
    unused = {"NB2PROD_CACHE_DIR": str(tmp_path / "unused")}
    flagged = nb2prod("check", "--no-cache", str(hidden_state), env=unused)
    assert (flagged.stdout, flagged.returncode) == (off.stdout, 1)
    assert not (tmp_path / "unused").exists()
    assert os.listdir(hidden_state.parent) == [hidden_state.name]  # never beside the notebook
    assert kept[0].stat().st_mode & 0o077 == 0  # the user's alone
    assert {p.name for p in cache.iterdir()} == {"CACHEDIR.TAG", kept[0].name}


def test_the_kept_analysis_is_what_a_warm_check_reads(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "nb" / "reads.ipynb", ["x = 1", "print(ghost)"])
    cache = tmp_path / "cache"
    env = {"NB2PROD_CACHE_DIR": str(cache)}
    first = nb2prod("check", str(notebook), env=env)
    assert "undefined-name" in first.stdout
    assert "`ghost`" in first.stdout
    (kept,) = cache.glob("*.cells")
    fingerprint, entries = read_cache(kept)
    assert len(entries) == 2
    for entry in entries.values():  # the first cell's kept analysis now says it defines `ghost`
        if entry.get("defines") == {"x": [1, 0]}:
            entry["defines"]["ghost"] = [1, 0]
    write_cache(kept, fingerprint, entries)
    assert "`ghost`" not in nb2prod("check", str(notebook), env=env).stdout
    fresh = nb2prod("check", str(notebook), env={**env, "NB2PROD_NO_CACHE": "1"})
    assert fresh.stdout == first.stdout


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:40])


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))


def _noise(path: Path) -> None:
    path.write_bytes(os.urandom(5000))


def _wrong_shape(path: Path) -> None:
    fingerprint, entries = read_cache(path)
    write_cache(path, fingerprint, {digest: {"defines": 5} for digest in entries})


def _unknown_field(path: Path) -> None:
    fingerprint, entries = read_cache(path)
    write_cache(path, fingerprint, {digest: {"__class__": []} for digest in entries})


def _other_fingerprint(path: Path) -> None:
    _, entries = read_cache(path)
    write_cache(path, "made by another nb2prod", {d: {"defines": {}} for d in entries})


def _a_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _a_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


@pytest.mark.parametrize(
    "damage",
    [_truncate, _flip_a_byte, _noise, _wrong_shape, _unknown_field, _other_fingerprint,
     _a_folder, _a_fifo],
)  # fmt: skip
def test_a_damaged_cache_file_is_ignored_then_replaced(
    damage: Any, hidden_state: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    env = {"NB2PROD_CACHE_DIR": str(cache)}
    expected = nb2prod("check", "--json", str(hidden_state), env=env)
    (kept,) = cache.glob("*.cells")
    damage(kept)
    again = nb2prod("check", "--json", str(hidden_state), env=env)
    assert (again.stdout, again.stderr, again.returncode) == (
        expected.stdout,
        expected.stderr,
        expected.returncode,
    )
    if damage is not _a_folder:  # written again, whole (a FIFO is renamed over, never read)
        assert read_cache(kept)[1]


def test_cells_read_from_other_files_are_analysed_on_every_run(tmp_path: Path) -> None:
    """A star import's names come from a file that may change: its cell is never kept."""
    notebook = write_notebook(
        tmp_path / "nb" / "star.ipynb", ["from helpers import *", "print(scale(2))"]
    )
    helpers = notebook.parent / "helpers.py"
    helpers.write_text("def scale(x):\n    return 2 * x\n")
    env = {"NB2PROD_CACHE_DIR": str(tmp_path / "cache")}
    assert "`scale`" not in nb2prod("check", str(notebook), env=env).stdout
    helpers.write_text("def double(x):\n    return 2 * x\n")
    after = nb2prod("check", str(notebook), env=env)
    assert "`scale`" in after.stdout
    assert after.stdout == nb2prod("check", str(notebook), env={"NB2PROD_NO_CACHE": "1"}).stdout


def test_a_cache_folder_that_cannot_be_made_changes_nothing(
    hidden_state: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    blocked = nb2prod("check", str(hidden_state), env={"NB2PROD_CACHE_DIR": str(blocker / "c")})
    off = nb2prod("check", str(hidden_state), env={"NB2PROD_NO_CACHE": "1"})
    assert (blocked.stdout, blocked.stderr, blocked.returncode) == (off.stdout, off.stderr, 1)


def test_the_default_folder_is_the_users_cache_folder(hidden_state: Path, tmp_path: Path) -> None:
    base = {"NB2PROD_CACHE_DIR": "", "NB2PROD_NO_CACHE": ""}
    xdg = tmp_path / "xdg"
    nb2prod("check", str(hidden_state), env={**base, "XDG_CACHE_HOME": str(xdg)})
    assert len(list((xdg / "nb2prod").glob("*.cells"))) == 1
    assert (xdg / "nb2prod" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f59")
    home = tmp_path / "home"
    home.mkdir()
    if sys.platform.startswith("linux"):
        nb2prod("check", str(hidden_state), env={**base, "XDG_CACHE_HOME": "", "HOME": str(home)})
        assert len(list((home / ".cache" / "nb2prod").glob("*.cells"))) == 1


def test_the_oldest_files_go_when_the_folder_is_full(
    hidden_state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    for number in range(5):
        old = cache / f"{number:032x}.cells"
        old.write_bytes(b"from an earlier run")
        os.utime(old, (1_000_000 + number, 1_000_000 + number))
    monkeypatch.setenv("NB2PROD_CACHE_DIR", str(cache))
    monkeypatch.delenv("NB2PROD_NO_CACHE", raising=False)
    monkeypatch.setattr(cellcache, "_MAX_FILES", 3)
    outcome = check_path(str(hidden_state))
    assert outcome.report is not None
    assert outcome.report.has_errors
    left = sorted(p.name for p in cache.glob("*.cells"))
    assert len(left) == 3
    assert f"{3:032x}.cells" in left
    assert f"{4:032x}.cells" in left  # the two newest old ones, and the one just written
    assert not list(cache.glob("*.tmp"))


def test_every_field_of_an_analysis_has_a_codec() -> None:
    assert set(CODECS) == {f.name for f in fields(CellFacts)}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_an_analysis_read_back_equals_the_analysis(path: Path) -> None:
    notebook = load(path)
    assert notebook.code_cells
    for cell in notebook.code_cells:
        facts = analyse_cell(cell.source, notebook.directory)
        assert decode(json.loads(json.dumps(encode(facts)))) == facts


def test_every_kind_of_fact_survives_the_round_trip() -> None:
    source = (
        "import numpy as np\nfrom os import path as p\n%time x = np.random.rand(3)\n"
        "!pip install requests\nAPI_KEY = 'sk-abcdefghijklmnopqrstuvwx1234'\n"
        "lst.append(1)\ndf = df.dropna()\ndel old\nexec('y = 1')\n"
        "def f():\n    return z\nnp.save('out.npy', x)\nprint(open('/home/ann/data.csv'))\n"
    )
    facts = analyse_cell(source)
    empty = [f.name for f in fields(CellFacts) if not getattr(facts, f.name)]
    assert empty == ["star_imports", "syntax_error"]
    assert decode(json.loads(json.dumps(encode(facts)))) == facts
    broken = analyse_cell("def (:")
    assert broken.syntax_error is not None
    assert decode(json.loads(json.dumps(encode(broken)))) == broken
