"""``nb2prod diff``: real git repositories, notebooks recorded by ``nb2prod run`` in two virtual
environments, package folders, the git external-diff driver, and golden Markdown reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.diff import compare_sides
from nb2prod.diff.model import Side
from nb2prod.records import Environment

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "data" / "diff"
SRC = str(ROOT / "src")


def nb2prod(
    *args: str, cwd: Path, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "NB2PROD_NO_CACHE": "1"}
    return subprocess.run([python, "-m", "nb2prod", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    return done.stdout


def notebook(*sources: str) -> str:
    cells: list[dict[str, object]] = [
        {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
         "outputs": [], "source": source}
        for i, source in enumerate(sources, 1)
    ]  # fmt: skip
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": cells,
                       "metadata": {"kernelspec": kernel}}, indent=1)  # fmt: skip


IMPORTS = "import six\n\nDATA = 'data.csv'"
READ = "with open(DATA) as handle:\n    rows = handle.read().splitlines()"
SHOW = "print('rows read')"


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("NB2PROD_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def init_repo(folder: Path) -> None:
    git("init", "-q", "-b", "main", cwd=folder)


def commit(folder: Path, message: str) -> None:
    git("add", "-A", cwd=folder)
    git("commit", "-q", "-m", message, cwd=folder)


@pytest.fixture(scope="module")
def venvs(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """Two environments that differ in one small package: six 1.16.0 and 1.17.0."""
    base = tmp_path_factory.mktemp("venvs")
    pythons = []
    for name, version in (("old", "1.16.0"), ("new", "1.17.0")):
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(base / name)],
                       check=True, timeout=120)  # fmt: skip
        python = str(base / name / "bin" / "python")
        subprocess.run([python, "-m", "pip", "install", "-q", f"six=={version}"], check=True,
                       timeout=180, capture_output=True)  # fmt: skip
        pythons.append(python)
    return pythons[0], pythons[1]


@pytest.mark.network
@pytest.mark.slow
def test_reviewer_sees_the_package_the_data_and_the_cell_in_that_order(
    tmp_path: Path, venvs: tuple[str, str]
) -> None:
    """One cell changed, one package upgraded, one data file edited: exactly those three."""
    old_python, new_python = venvs
    init_repo(tmp_path)
    (tmp_path / "data.csv").write_text("a,1\nb,2\n", encoding="utf-8")
    (tmp_path / "analysis.ipynb").write_text(
        notebook(IMPORTS, READ, "total = len(rows) * 2", SHOW), encoding="utf-8"
    )
    ran = nb2prod("run", "analysis.ipynb", cwd=tmp_path, python=old_python)
    assert ran.returncode == 0, ran.stderr
    commit(tmp_path, "first")
    (tmp_path / "data.csv").write_text("a,1\nb,3\n", encoding="utf-8")
    (tmp_path / "analysis.ipynb").write_text(
        notebook(IMPORTS, READ, "total = len(rows) * 3", SHOW), encoding="utf-8"
    )
    ran = nb2prod("run", "analysis.ipynb", cwd=tmp_path, python=new_python)
    assert ran.returncode == 0, ran.stderr
    commit(tmp_path, "second")

    shown = nb2prod("diff", "--format", "markdown", "HEAD~1", "HEAD", "--", "analysis.ipynb",
                    cwd=tmp_path)  # fmt: skip
    assert shown.returncode == 1, shown.stderr
    text = shown.stdout
    headings = [line for line in text.splitlines() if line.startswith("#### ")]
    assert headings == ["#### Environment", "#### Data inputs", "#### Steps"], text
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(items) == 3, text
    assert items[0].startswith("- six: upgraded 1.16.0 → 1.17.0"), text
    assert items[1].startswith("- data.csv: changed"), text
    assert "code changed" in items[2], text
    assert "cell 3 \\(c3\\)" in items[2], text
    golden("one_cell_one_package_one_file.md", text)

    against_tree = nb2prod("diff", "HEAD", "--", "analysis.ipynb", cwd=tmp_path)
    assert against_tree.returncode == 0, against_tree.stdout
    assert against_tree.stdout.splitlines()[1] == "nothing of meaning changed"


def write_package(folder: Path, six: str, six_hash: str, code: str) -> None:
    """A generated package's files, as ``nb2prod convert`` and ``nb2prod lock`` write them."""
    (folder / "src" / "pkg" / "data").mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "pkg"\ndependencies = ["six", "pandas"]\n', encoding="utf-8"
    )
    (folder / "nb2prod.json").write_text(
        json.dumps({"recorded": {"six": six, "pandas": "2.2.0"}, "recorded_python": "3.11.7"}),
        encoding="utf-8",
    )
    (folder / "requirements.in").write_text("six\npandas\n", encoding="utf-8")
    (folder / "requirements.lock").write_text(
        f"pandas==2.2.0 \\\n    --hash=sha256:{'a' * 64}\n    # via -r requirements.in\n"
        f"six=={six} \\\n    --hash=sha256:{six_hash * 64}\n    # via -r requirements.in\n",
        encoding="utf-8",
    )
    (folder / "src" / "pkg" / "data" / "sales.csv").write_text("x\n1\n", encoding="utf-8")
    (folder / "src" / "pkg" / "load.py").write_text(
        f'def load(DATA):\n    """Load (notebook cell 2; id c2)."""\n{code}\n', encoding="utf-8"
    )


def test_package_folders_at_two_revisions(tmp_path: Path) -> None:
    """``nb2prod diff main -- pkg/``: the lock's upgrade, hashes changed without a version
    change, a step whose code and interface changed; JSON says the same."""
    init_repo(tmp_path)
    pkg = tmp_path / "pkg"
    write_package(pkg, "1.16.0", "b", "    rows = open(DATA).read()\n    return rows")
    commit(tmp_path, "first")
    git("branch", "old", cwd=tmp_path)
    write_package(pkg, "1.17.0", "c", "    rows = open(DATA).read().split()\n    return rows, DATA")
    shown = nb2prod("diff", "--format", "markdown", "old", "--", "pkg/", cwd=tmp_path)
    assert shown.returncode == 1, shown.stderr
    golden("package_folders.md", shown.stdout)
    as_json = nb2prod("diff", "--format", "json", "old", "pkg", cwd=tmp_path)
    sections = {s["name"]: s for s in json.loads(as_json.stdout)["sections"]}
    assert [c["kind"] for c in sections["dependencies"]["changes"]] == ["upgraded"]
    assert [c["kind"] for c in sections["steps"]["changes"]] == [
        "code changed", "interface changed"]  # fmt: skip
    assert sections["outputs"]["unavailable"] == "a package folder keeps no stored outputs"
    assert (
        git("status", "--porcelain", cwd=tmp_path)
        == " M pkg/nb2prod.json\n M pkg/requirements.lock\n M pkg/src/pkg/load.py\n"
    )
    write_package(pkg, "1.16.0", "d", "    rows = open(DATA).read()\n    return rows")
    hashes = nb2prod("diff", "old", "--", "pkg", cwd=tmp_path)
    assert hashes.returncode == 1, hashes.stderr
    assert "six: hashes changed 1.16.0 -> 1.16.0 (direct, same version with other hashes)" in (
        hashes.stdout)  # fmt: skip
    same = nb2prod("diff", "old", "old", "--", "pkg", cwd=tmp_path)
    assert same.returncode == 0, same.stdout
    assert same.stdout.splitlines()[1] == "nothing of meaning changed"


def test_git_diff_shows_the_report_through_the_driver(tmp_path: Path) -> None:
    """``*.ipynb diff=nb2prod`` and ``diff.nb2prod.command``: ``git diff`` prints the report,
    for a changed notebook and for an added one."""
    init_repo(tmp_path)
    (tmp_path / ".gitattributes").write_text("*.ipynb diff=nb2prod\n", encoding="utf-8")
    (tmp_path / "nb.ipynb").write_text(notebook("x = 1", "print(x)"), encoding="utf-8")
    commit(tmp_path, "first")
    command = f"env PYTHONPATH={SRC} {sys.executable} -m nb2prod diff --git-driver"
    git("config", "diff.nb2prod.command", command, cwd=tmp_path)
    (tmp_path / "nb.ipynb").write_text(notebook("x = 2", "print(x)"), encoding="utf-8")
    (tmp_path / "new.ipynb").write_text(notebook("y = 1"), encoding="utf-8")
    git("add", "-N", "new.ipynb", cwd=tmp_path)
    shown = git("diff", cwd=tmp_path)
    assert "nb2prod diff a/nb.ipynb -> b/nb.ipynb" in shown, shown
    assert "-x = 1" in shown, shown
    assert "+x = 2" in shown, shown
    assert "nb2prod diff a/new.ipynb -> b/new.ipynb" in shown, shown
    assert '"cells"' not in shown  # no line diff of the JSON


def test_unusable_input_is_one_line_and_status_2(tmp_path: Path) -> None:
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    (tmp_path / "ok.ipynb").write_text(notebook("x = 1"), encoding="utf-8")
    for words in (["bad.ipynb", "ok.ipynb"], ["missing.ipynb", "ok.ipynb"], ["ok.ipynb"]):
        done = nb2prod("diff", *words, cwd=tmp_path)
        assert done.returncode == 2, done
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
    init_repo(tmp_path)
    commit(tmp_path, "first")
    done = nb2prod("diff", "HEAD", "HEAD", "--", "absent.ipynb", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "HEAD:absent.ipynb: no such file at that revision"


def test_markdown_escapes_untrusted_notebook_text(tmp_path: Path) -> None:
    """Outputs and code that hold backticks, HTML and pipes stay inert in the Markdown."""
    hostile = "print('```\\n<img src=x onerror=alert(1)> | a | b |')"
    old = json.loads(notebook("x = 1", hostile))
    old["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ok\n"}]
    new = json.loads(notebook("x = 1", hostile))
    new["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout",
                                   "text": "```\n<script>x</script> | y |\n"}]  # fmt: skip
    (tmp_path / "old.ipynb").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "new.ipynb").write_text(json.dumps(new), encoding="utf-8")
    shown = nb2prod("diff", "--format", "markdown", "old.ipynb", "new.ipynb", cwd=tmp_path)
    assert shown.returncode == 1, shown.stderr
    fences = [line.strip() for line in shown.stdout.splitlines() if "```" in line]
    assert fences == ["```diff", "```"], shown.stdout  # nothing closes the fence early
    outside = shown.stdout.split("```diff")[0] + shown.stdout.split("```\n")[-1]
    assert "<" not in outside.replace("<sub>", "").replace("</sub>", ""), shown.stdout
    golden("hostile_output.md", shown.stdout)


def machine(gpu: str, driver: str, cuda: str, numpy: str) -> Environment:
    return Environment(f"env-{gpu}", {
        "python": {"version": "3.11.7"},
        "cpu": {"model": "Xeon"},
        "packages": {"numpy": numpy, "six": "1.17.0"},
        "gpu": {"available": True, "driver_version": driver, "cuda_driver_version": cuda,
                "devices": [{"name": gpu}]},
    })  # fmt: skip


def test_environment_section_names_the_machine_and_marks_a_major_move() -> None:
    """Another GPU, driver and CUDA, numpy 1 -> 2: each a change, the major move marked; an
    unchanged package is not shown."""
    old = Side("old", "package", machine("NVIDIA A100", "535.104", "12.2", "1.26.4"),
               frozenset({"numpy", "six"}))  # fmt: skip
    new = Side("new", "package", machine("NVIDIA H100", "550.54", "12.4", "2.0.1"),
               frozenset({"numpy", "six"}))  # fmt: skip
    found = compare_sides(old, new)
    section = found.sections[0]
    assert [(c.subject, c.old, c.new) for c in section.changes] == [
        ("GPU", "NVIDIA A100", "NVIDIA H100"),
        ("GPU driver", "535.104", "550.54"),
        ("CUDA", "12.2", "12.4"),
        ("numpy", "1.26.4", "2.0.1"),
    ]
    assert section.changes[-1].note == "major version"
    assert found.changed
    assert not compare_sides(old, old).changed


def test_terminal_text_escapes_control_characters(tmp_path: Path) -> None:
    """An output holding a terminal escape sequence is shown escaped, never sent raw."""
    old = json.loads(notebook("print(1)"))
    new = json.loads(notebook("print(1)"))
    new["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout",
                                   "text": "\x1b]0;owned\x07\x1b[2J\n"}]  # fmt: skip
    (tmp_path / "old.ipynb").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "new.ipynb").write_text(json.dumps(new), encoding="utf-8")
    shown = nb2prod("diff", "old.ipynb", "new.ipynb", cwd=tmp_path)
    assert shown.returncode == 1, shown.stderr
    assert "\x1b" not in shown.stdout
    assert "+\\x1b]0;owned\\x07\\x1b[2J" in shown.stdout, shown.stdout


def test_findings_that_appeared_and_went_away_are_matched_by_cell_code(tmp_path: Path) -> None:
    """A cell that reads a name only a later cell defines: a finding appears; a cell moved
    down keeps its findings (matched by code, not number); fixing it makes them go away."""
    clean = notebook("x = 1", "print(x)")
    broken = notebook("print(y)", "y = 2")
    moved = notebook("z = 0", "print(y)", "y = 2")
    for name, text in (("clean", clean), ("broken", broken), ("moved", moved)):
        (tmp_path / f"{name}.ipynb").write_text(text, encoding="utf-8")
    appeared = nb2prod("diff", "--format", "json", "clean.ipynb", "broken.ipynb", cwd=tmp_path)
    found = json.loads(appeared.stdout)["sections"][-1]
    assert found["name"] == "findings"
    kinds = {c["kind"] for c in found["changes"]}
    assert kinds == {"appeared"}, found
    went = nb2prod("diff", "--format", "json", "broken.ipynb", "clean.ipynb", cwd=tmp_path)
    assert {c["kind"] for c in json.loads(went.stdout)["sections"][-1]["changes"]} == {"went away"}
    still = nb2prod("diff", "--format", "json", "broken.ipynb", "moved.ipynb", cwd=tmp_path)
    assert json.loads(still.stdout)["sections"][-1]["changes"] == []
