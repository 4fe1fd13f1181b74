"""Teams' ways in: configuration, ignoring on purpose, CI output formats, and the registry's faces.

Everything runs the real ``nb2prod`` command in a subprocess over real notebook files; the SARIF
log is validated against the official OASIS SARIF 2.1.0 schema (tests/data/sarif/).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from cli_runs import nb2prod
from nb2prod.kinds import BY_NAME, KINDS, readme_table

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ROOT / "examples" / "hidden_state.ipynb"
SCHEMA = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"


def kinds_in(done: subprocess.CompletedProcess[str]) -> set[str]:
    [report] = json.loads(done.stdout)["notebooks"]
    return {f["kind"] for f in report["findings"]}


def notebook(path: Path, *sources: str, tags: tuple[str, ...] = ()) -> Path:
    cells = [new_code_cell(src, execution_count=i) for i, src in enumerate(sources, 1)]
    for cell in cells:
        if tags:
            cell.metadata["tags"] = list(tags)
    book = new_notebook(cells=cells)
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(book, path)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(HIDDEN, tmp_path / "analysis.ipynb")
    return tmp_path


# --- the registry --------------------------------------------------------------------------


def test_the_readme_table_is_the_registrys() -> None:
    assert readme_table() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_codes_and_names_are_unique_and_every_kind_found_is_registered() -> None:
    assert len({k.code for k in KINDS}) == len({k.name for k in KINDS}) == len(KINDS)
    done = nb2prod("check", "--json", str(HIDDEN))
    assert kinds_in(done) <= {k.name for k in KINDS}


def test_the_sidebar_titles_come_from_the_registry() -> None:
    source = (ROOT / "labextension" / "src" / "findings.ts").read_text(encoding="utf-8")
    assert "'out-of-order': " not in source  # no second table of titles in the sidebar


@pytest.mark.parametrize("name", ["stale-input", "NB107", "nb107"])
def test_explain_a_kind_by_name_or_code(name: str) -> None:
    done = nb2prod("explain", name)
    assert done.returncode == 0
    assert done.stdout.startswith("NB107 stale-input: Input changed since it ran")
    for part in ("Why it matters:", "Instead of this:", "do this:", "How to fix it:"):
        assert part in done.stdout


def test_explain_lists_every_kind_and_refuses_an_unknown_one() -> None:
    listing = nb2prod("explain").stdout
    assert all(kind.code in listing and kind.name in listing for kind in KINDS)
    done = nb2prod("explain", "NB999")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip() == "NB999: no such finding kind (nb2prod explain lists them)"


# --- configuration --------------------------------------------------------------------------


def test_pyproject_configuration_is_found_above_the_notebook(project: Path) -> None:
    before = kinds_in(nb2prod("check", "--json", str(project / "analysis.ipynb")))
    assert {"out-of-order", "stale-output"} <= before
    (project / "pyproject.toml").write_text(
        '[tool.nb2prod]\nignore = ["out-of-order", "NB106"]\n', encoding="utf-8"
    )
    (project / "sub").mkdir()
    shutil.move(project / "analysis.ipynb", project / "sub" / "analysis.ipynb")
    done = nb2prod("check", "--json", str(project / "sub" / "analysis.ipynb"))
    assert kinds_in(done) == before - {"out-of-order", "stale-output"}
    [report] = json.loads(done.stdout)["notebooks"]
    assert report["ignored"] >= 2


def test_nb2prod_toml_select_and_per_path_ignores(project: Path) -> None:
    (project / "scratch").mkdir()
    shutil.copy(HIDDEN, project / "scratch" / "try.ipynb")
    (project / "nb2prod.toml").write_text(
        'select = ["NB1"]\n[per-path-ignores]\n"scratch/*.ipynb" = ["ALL"]\n', encoding="utf-8"
    )
    done = nb2prod("check", "--json", str(project))
    reports = {Path(r["path"]).name: r for r in json.loads(done.stdout)["notebooks"]}
    codes = {BY_NAME[f["kind"]].code[:3] for f in reports["analysis.ipynb"]["findings"]}
    assert codes == {"NB1"}
    assert reports["try.ipynb"]["findings"] == []
    assert reports["try.ipynb"]["reproducible"] is True
    assert done.returncode == 1  # analysis.ipynb still has errors


def test_the_command_line_over_the_configuration(project: Path) -> None:
    (project / "nb2prod.toml").write_text('ignore = ["out-of-order"]\n', encoding="utf-8")
    path = str(project / "analysis.ipynb")
    assert "out-of-order" not in kinds_in(nb2prod("check", "--json", path))
    assert "out-of-order" in kinds_in(nb2prod("check", "--json", "--isolated", path))
    only = kinds_in(nb2prod("check", "--json", "--select", "NB104,stale-output", path))
    assert only == {"re-executed", "stale-output"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('select = ["no-such-kind"]\n', "select: unknown finding kind 'no-such-kind'"),
        ('colour = "red"\n', "unknown key 'colour'"),
        ('min-severity = "fatal"\n', "min-severity: 'fatal' is not info, warning or error"),
        ('extra-secret-patterns = ["("]\n', "extra-secret-patterns: '(':"),
        ("ignore = [\n", "not valid TOML"),
    ],
)
def test_a_bad_configuration_is_one_line_and_exit_2(project: Path, text: str, reason: str) -> None:
    (project / "nb2prod.toml").write_text(text, encoding="utf-8")
    done = nb2prod("check", str(project / "analysis.ipynb"))
    assert (done.returncode, done.stdout) == (2, "")
    [line] = done.stderr.splitlines()
    assert line.startswith(f"{project / 'nb2prod.toml'}: {reason}")


def test_extra_secret_patterns_are_reported_without_the_value(project: Path) -> None:
    """A shape only the team knows: the built-in scan does not see it, the pattern does."""
    path = notebook(project / "keys.ipynb", 'site = "x"\nlabel = "ACME:plugh-xyzzy-42"')
    assert "hard-coded-secret" not in kinds_in(nb2prod("check", "--json", str(path)))
    (project / "nb2prod.toml").write_text(
        'extra-secret-patterns = ["ACME:[a-z]+-[a-z]+-[0-9]+"]\n', encoding="utf-8"
    )
    done = nb2prod("check", "--json", str(path))
    [finding] = json.loads(done.stdout)["notebooks"][0]["findings"]
    assert (finding["kind"], finding["cell"], finding["line"]) == ("hard-coded-secret", 1, 2)
    assert "plugh" not in done.stdout
    assert "ACME:[a-z]+-[a-z]+-[0-9]+" in finding["message"]


# --- ignoring in the notebook ---------------------------------------------------------------


def test_a_cell_comment_or_tag_ignores_findings_on_that_cell_and_counts_them(
    tmp_path: Path,
) -> None:
    commented = notebook(
        tmp_path / "commented.ipynb", "print(total)  # nb2prod: ignore[undefined-name]"
    )
    bare = notebook(tmp_path / "bare.ipynb", "# nb2prod: ignore\nprint(total)")
    tagged = notebook(tmp_path / "tagged.ipynb", "print(total)", tags=("nb2prod-ignore",))
    other = notebook(tmp_path / "other.ipynb", "print(total)  # nb2prod: ignore[star-import]")
    for path in (commented, bare, tagged):
        done = nb2prod("check", str(path))
        assert done.returncode == 0, done.stdout
        assert "1 ignored on purpose" in done.stdout
    assert nb2prod("check", str(other)).returncode == 1


# --- CI formats -----------------------------------------------------------------------------


def test_github_annotations_point_at_the_cells_line_in_the_file(project: Path) -> None:
    path = project / "analysis.ipynb"
    done = nb2prod("check", "--format", "github", "analysis.ipynb", cwd=project)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines
    text = path.read_text(encoding="utf-8").splitlines()
    pattern = re.compile(
        r"^::(error|warning|notice) file=analysis\.ipynb,line=(\d+),title=(NB\d+) [a-z-]+::"
    )
    for line in lines:
        match = pattern.match(line)
        assert match, line
        assert "\n" not in line
    # the out-of-order finding on cell 10, line 1: the annotation's line holds that source line
    report = json.loads(nb2prod("check", "--json", "analysis.ipynb", cwd=project).stdout)
    finding = next(f for f in report["notebooks"][0]["findings"] if f["kind"] == "out-of-order")
    source = nbformat.read(path, as_version=4).cells[finding["cell"] - 1].source
    wanted = source.splitlines()[max(finding["line"], 1) - 1]
    annotated = next(line for line in lines if "NB101 out-of-order" in line)
    number = int(pattern.match(annotated).group(2))  # type: ignore[union-attr]
    assert json.loads(text[number - 1].strip().rstrip(",")).rstrip("\n") == wanted


def test_sarif_is_valid_against_the_official_schema(project: Path, tmp_path: Path) -> None:
    broken = project / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    done = nb2prod("check", "--format", "sarif", str(project))
    assert done.returncode == 2  # one notebook unusable
    log = json.loads(done.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [k.code for k in KINDS]
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"NB101", "NB106"}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("analysis.ipynb")
        assert location["region"]["startLine"] > 1
    [notice] = run["invocations"][0]["toolExecutionNotifications"]
    assert "broken.ipynb" in notice["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_convert_refuses_what_the_configuration_calls_a_secret(project: Path) -> None:
    path = notebook(project / "keys.ipynb", 'label = "ACME:plugh-xyzzy-42"\nprint(len(label))')
    (project / "nb2prod.toml").write_text(
        'extra-secret-patterns = ["ACME:[a-z]+-[a-z]+-[0-9]+"]\n', encoding="utf-8"
    )
    done = nb2prod("convert", str(path), "-o", str(project / "pkg"), "--no-lock")
    assert done.returncode == 1
    assert "match the secret patterns of the configuration" in done.stderr
    assert "plugh" not in done.stderr + done.stdout
    assert not (project / "pkg").exists()
