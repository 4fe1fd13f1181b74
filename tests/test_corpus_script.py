"""scripts/corpus.py: pinned notebooks come out of a real git mirror, and `measure` sorts the
outcomes of real `nb2prod` runs (and of commands that exit oddly or raise) as documented."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "corpus.py"
EXAMPLES = ROOT / "examples"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def corpus(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


@pytest.fixture
def mirror(tmp_path: Path) -> tuple[Path, str]:
    """A mirror of `someone/notebooks`: notebooks, data beside them, and files to leave out."""
    work = tmp_path / "mirrors" / "someone+notebooks" / "repo"
    nbs = work / "nbs"
    (nbs / "data" / "deeper" / "deepest").mkdir(parents=True)
    shutil.copy(EXAMPLES / "iris_model.ipynb", nbs / "clean.ipynb")
    shutil.copy(EXAMPLES / "hidden_state.ipynb", nbs / "hidden.ipynb")
    (nbs / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (nbs / "unpinned.ipynb").write_text("{}", encoding="utf-8")
    (nbs / "data" / "small.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (nbs / "data" / "big.bin").write_bytes(b"\0" * (5 * 2**20))
    (nbs / "data" / "deeper" / "deepest" / "far.txt").write_text("x", encoding="utf-8")
    (nbs / "link.csv").symlink_to("/etc/hostname")
    (work / "elsewhere.txt").write_text("not beside a pinned notebook", encoding="utf-8")
    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "notebooks")
    return tmp_path / "mirrors", git(work, "rev-parse", "HEAD")


def manifest(tmp_path: Path, commit: str, *extra: Mapping[str, object]) -> Path:
    pinned = ["nbs/clean.ipynb", "nbs/hidden.ipynb", "nbs/broken.ipynb"]
    repos = [{"repo": "someone/notebooks", "commit": commit, "kind": "course", "notebooks": pinned}]
    path = tmp_path / "corpus.json"
    path.write_text(json.dumps({"repos": [*repos, *extra]}), encoding="utf-8")
    return path


def test_extract_writes_pinned_notebooks_and_small_regular_files_beside_them(
    tmp_path: Path, mirror: tuple[Path, str]
) -> None:
    mirrors, commit = mirror
    dest = tmp_path / "dest"
    done = corpus("--manifest", manifest(tmp_path, commit), "extract", dest, "--mirrors", mirrors)
    assert done.returncode == 0, done.stdout + done.stderr
    root = dest / "someone__notebooks"
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert written == [
        "nbs/broken.ipynb",
        "nbs/clean.ipynb",
        "nbs/data/small.csv",
        "nbs/hidden.ipynb",
    ]
    assert (root / "nbs/clean.ipynb").read_bytes() == (EXAMPLES / "iris_model.ipynb").read_bytes()
    assert "wrote 3 of 3 pinned notebooks" in done.stdout


def test_extract_names_a_missing_repository_and_how_to_bring_it(
    tmp_path: Path, mirror: tuple[Path, str]
) -> None:
    mirrors, commit = mirror
    absent = {
        "repo": "nobody/nothing",
        "commit": "0" * 40,
        "kind": "docs",
        "notebooks": ["a.ipynb"],
    }
    pinned = manifest(tmp_path, commit, absent)
    done = corpus("--manifest", pinned, "extract", tmp_path / "dest", "--mirrors", mirrors)
    assert done.returncode == 1
    assert "nobody/nothing" in done.stdout
    assert "git clone --bare https://github.com/nobody/nothing.git" in done.stdout
    assert "wrote 3 of 4 pinned notebooks" in done.stdout


@pytest.mark.slow
def test_measure_sorts_real_nb2prod_outcomes(tmp_path: Path, mirror: tuple[Path, str]) -> None:
    mirrors, commit = mirror
    pinned = manifest(tmp_path, commit)
    dest = tmp_path / "dest"
    assert corpus("--manifest", pinned, "extract", dest, "--mirrors", mirrors).returncode == 0
    report = tmp_path / "report.json"
    nb2prod = f"{sys.executable} -m nb2prod"
    done = corpus("--manifest", pinned, "measure", dest, "--nb2prod", nb2prod, "--json", report)
    assert done.returncode == 0, done.stderr
    records = {r["id"].rsplit("/", 1)[-1]: r for r in json.loads(report.read_text())["records"]}
    assert records["clean.ipynb"]["check"]["outcome"] == "ok"
    assert records["clean.ipynb"]["convert"]["outcome"] == "ok"
    assert records["clean.ipynb"]["modules"] > 0
    assert records["clean.ipynb"]["not_compiling"] == []
    assert records["hidden.ipynb"]["check"]["outcome"] == "findings"
    assert records["hidden.ipynb"]["convert"]["outcome"] == "findings"
    assert records["broken.ipynb"]["check"]["outcome"] == "unusable"
    assert records["broken.ipynb"]["check"]["cause"].startswith("<NB>")
    check_row = f"{'kind course':22}{1:>10}{1:>10}{1:>10}{0:>10}"  # ok, findings, unusable, crash
    assert check_row in done.stdout.split("\n\n")[0]


def test_measure_calls_tracebacks_and_odd_exits_crashes(
    tmp_path: Path, mirror: tuple[Path, str]
) -> None:
    mirrors, commit = mirror
    pinned = manifest(tmp_path, commit)
    dest = tmp_path / "dest"
    assert corpus("--manifest", pinned, "extract", dest, "--mirrors", mirrors).returncode == 0
    raising = f"{sys.executable} -c 'raise ValueError(\"boom\")'"
    done = corpus("--manifest", pinned, "measure", dest, "--nb2prod", raising, "--match", "clean")
    assert "1 check crash: ValueError: boom" in done.stdout
    assert "1 convert crash: ValueError: boom" in done.stdout
    odd = f"{sys.executable} -c 'import sys; print(\"x\", file=sys.stderr); sys.exit(2)'"
    done = corpus("--manifest", pinned, "measure", dest, "--nb2prod", odd, "--match", "clean")
    assert "check crash: exit 2 without one `PATH: reason` line: x" in done.stdout
