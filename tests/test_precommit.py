"""nb2prod's pre-commit hook, with the real pre-commit and git, in a temporary repository.

The hook comes from this project's own ``.pre-commit-hooks.yaml`` at its committed HEAD (as a
team's ``.pre-commit-config.yaml`` names it by repository and revision). The test uses the
``nb2prod-check-system`` hook, which runs the nb2prod installed here; ``nb2prod-check`` differs
only in letting pre-commit install nb2prod into an environment of its own, which needs the
package index and a Node build of the sidebar, so it is not run here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=False, env=_env(repo)
    )


def _env(repo: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PRE_COMMIT_HOME=str(repo.parent / "pre-commit-home"),
        GIT_AUTHOR_NAME="Student",
        GIT_AUTHOR_EMAIL="student@example.org",
        GIT_COMMITTER_NAME="Student",
        GIT_COMMITTER_EMAIL="student@example.org",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def project_head() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose pre-commit configuration uses nb2prod's hook."""
    repo = tmp_path / "analysis"
    repo.mkdir()
    assert git(repo, "init", "-q", "-b", "main").returncode == 0
    config = {
        "repos": [
            {
                "repo": str(ROOT),
                "rev": project_head(),
                "hooks": [{"id": "nb2prod-check-system"}],
            }
        ]
    }
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (repo / "pyproject.toml").write_text(
        '[tool.nb2prod]\nignore = ["pip-install"]\n', encoding="utf-8"
    )
    shutil.copytree(EXAMPLES / "data", repo / "data")
    git(repo, "add", ".")
    assert git(repo, "commit", "-q", "-m", "setup", "--no-verify").returncode == 0
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env=_env(repo),
    )
    assert done.returncode == 0, done.stderr
    return repo


def test_the_hook_file_declares_both_hooks_for_notebooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"]: h["language"] for h in hooks} == {
        "nb2prod-check": "python",
        "nb2prod-check-system": "system",
    }
    assert all(h["types"] == ["jupyter"] and h["entry"] == "nb2prod check" for h in hooks)


def test_a_commit_with_hidden_state_is_refused_and_a_clean_one_passes(repo: Path) -> None:
    shutil.copy(EXAMPLES / "hidden_state.ipynb", repo / "review.ipynb")
    git(repo, "add", "review.ipynb")
    refused = git(repo, "commit", "-m", "add the review")
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "nb2prod check" in output
    assert "Failed" in output
    assert "review.ipynb" in output
    assert "out-of-order" in output
    assert git(repo, "log", "--oneline").stdout.count("\n") == 1  # only the setup commit

    git(repo, "rm", "-q", "--cached", "review.ipynb")
    (repo / "review.ipynb").unlink()
    shutil.copy(EXAMPLES / "clean_analysis.ipynb", repo / "clean.ipynb")
    git(repo, "add", "clean.ipynb")
    passed = git(repo, "commit", "-m", "add the clean analysis")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    shown = passed.stdout + passed.stderr
    assert "nb2prod check" in shown
    assert "Passed" in shown


def test_a_cell_comment_lets_a_deliberate_finding_through(repo: Path) -> None:
    """The team's way to keep a finding on purpose: the comment, counted, not hidden."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "print(total)  # nb2prod: ignore[undefined-name]", execution_count=1
        )
    ]
    nbformat.write(notebook, repo / "scratch.ipynb")
    git(repo, "add", "scratch.ipynb")
    passed = git(repo, "commit", "-m", "scratch")
    assert passed.returncode == 0, passed.stdout + passed.stderr
