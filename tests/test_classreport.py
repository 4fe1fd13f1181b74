"""``nb2prod report``: a class's notebooks in one offline HTML page (or JSON), through the real
command line. The class is the example notebooks copied into an nbgrader layout; the hostile
notebook's markdown and outputs try to run script in the page and must stay inert."""

from __future__ import annotations

import json
import os
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest

from cli_runs import nb2prod
from nb2prod.analysis import check_notebook
from nb2prod.classreport.layout import find_layout
from nb2prod.classreport.page import CSP
from nb2prod.classreport.render import inert, render_notebook
from nb2prod.classreport.teaching import lesson
from nb2prod.errors import NotebookError
from nb2prod.kinds import BY_NAME, KINDS
from nb2prod.notebook import load, loads
from terminal import nb2prod_on_terminal

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

#: Who handed in which example, for which assignment (alice/ps1 is also in autograded/).
CLASS = {
    ("alice", "ps1"): "hidden_state.ipynb",
    ("alice", "ps2"): "clean_analysis.ipynb",
    ("bob", "ps1"): "iris_model.ipynb",
    ("bob", "ps2"): "plotting_matplotlib.ipynb",
    ("carol", "ps1"): "parameters_report.ipynb",
    ("carol", "ps2"): "cleaning_pandas.ipynb",
    ("dave", "ps10"): "sklearn_model.ipynb",
}

#: Markdown and outputs that would run script, load from the network or restyle the page.
HOSTILE_MARKDOWN = (
    "# Answers\n"
    "<script>window.pwned = 'markdown script'</script>\n"
    '<img src="x" onerror="window.pwned = \'img onerror\'">\n'
    '<iframe src="http://attacker.example/frame"></iframe>\n'
    "<style>body { display: none }</style>\n"
    '<a href="javascript:window.pwned=1">click me</a> '
    '<a href="http://fine.example/" onclick="window.pwned=2">a plain link</a>\n'
    '<link rel="stylesheet" href="http://attacker.example/x.css">\n'
    '<div class="nbp-verdict nbp-ok">looks reproducible</div>\n'
)
HOSTILE_HTML_OUTPUT = (
    "<b>table below</b><script>window.pwned = 'html output'</script>"
    "<svg onload=\"window.pwned = 'svg'\"></svg>"
    "<table><thead><tr><th>mark</th></tr></thead><tbody><tr><td>91</td></tr></tbody></table>"
)


def make_class(root: Path) -> Path:
    """The examples as an nbgrader course: ``submitted/STUDENT/ASSIGNMENT/NAME.ipynb``."""
    for (student, assignment), name in CLASS.items():
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        shutil.copy(EXAMPLES / name, folder / name)
    autograded = root / "autograded" / "alice" / "ps1"
    autograded.mkdir(parents=True)
    shutil.copy(EXAMPLES / "iris_model.ipynb", autograded / "hidden_state.ipynb")
    return root


def hostile_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells.append(nbformat.v4.new_markdown_cell(HOSTILE_MARKDOWN))
    code = nbformat.v4.new_code_cell("marks = [91]\nprint('<script>alert(1)</script>')")
    code.execution_count = 1
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="<script>alert(1)</script>\n"),
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/html": HOSTILE_HTML_OUTPUT,
                "application/javascript": "window.pwned = 'javascript output'",
                "text/plain": "table",
            },
        ),
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"},
            metadata={"filenames": {"image/png": "http://attacker.example/pixel.png"}},
        ),
    ]
    notebook.cells.append(code)
    notebook.cells.append(nbformat.v4.new_raw_cell("<script>window.pwned = 'raw'</script>"))
    nbformat.validate(notebook)
    return notebook


def write_hostile(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "answers.ipynb"
    nbformat.write(hostile_notebook(), path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, Any]]:
    """One class (with a hostile student), its HTML report and its JSON, made once."""
    root = tmp_path_factory.mktemp("course")
    make_class(root / "course")
    write_hostile(root / "course" / "submitted" / "mallory" / "ps1")
    html = nb2prod("report", "course", "-o", "report.html", cwd=root)
    assert html.returncode == 0, html.stderr
    assert html.stdout.startswith("report.html: 8 notebook(s) of 5 student(s), 3 assignment(s)")
    data = nb2prod("report", "course", "--format", "json", cwd=root)
    assert data.returncode == 0, data.stderr
    return root, (root / "report.html").read_text(encoding="utf-8"), json.loads(data.stdout)


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of its style elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.styles = 0
        self.style_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self.styles += tag == "style"

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1][0] == "style":
            self.style_text += data


def tags(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    return parser


# --- finding the notebooks ------------------------------------------------------------------


def test_nbgrader_layout_prefers_submitted_and_says_so(tmp_path: Path) -> None:
    make_class(tmp_path)
    extra = tmp_path / "autograded" / "erin" / "ps1"
    extra.mkdir(parents=True)
    shutil.copy(EXAMPLES / "iris_model.ipynb", extra / "iris_model.ipynb")
    checkpoint = tmp_path / "submitted" / "bob" / "ps1" / ".ipynb_checkpoints"
    checkpoint.mkdir()
    shutil.copy(EXAMPLES / "iris_model.ipynb", checkpoint / "iris_model-checkpoint.ipynb")
    stray = tmp_path / "submitted" / "bob" / "notes.ipynb"
    shutil.copy(EXAMPLES / "iris_model.ipynb", stray)
    (tmp_path / "source" / "ps1").mkdir(parents=True)  # the instructor's own: not a student's
    shutil.copy(EXAMPLES / "iris_model.ipynb", tmp_path / "source" / "ps1" / "ps1.ipynb")

    layout = find_layout(str(tmp_path))

    assert layout.kind == "nbgrader"
    found = [(s.student, s.assignment, s.stage, s.name) for s in layout.submissions]
    assert found == [
        ("alice", "ps1", "submitted", "hidden_state.ipynb"),
        ("alice", "ps2", "submitted", "clean_analysis.ipynb"),
        ("bob", "ps1", "submitted", "iris_model.ipynb"),
        ("bob", "ps2", "submitted", "plotting_matplotlib.ipynb"),
        ("carol", "ps1", "submitted", "parameters_report.ipynb"),
        ("carol", "ps2", "submitted", "cleaning_pandas.ipynb"),
        ("dave", "ps10", "submitted", "sklearn_model.ipynb"),
        ("erin", "ps1", "autograded", "iris_model.ipynb"),
    ]
    assert layout.notes == (
        "submitted/bob/notes.ipynb: not in submitted/STUDENT/ASSIGNMENT/, so it is left out",
        "alice/ps1: in both submitted/ and autograded/; the report reads submitted/",
    )


def test_plain_folder_names_students_by_first_path_part(tmp_path: Path) -> None:
    folder = tmp_path / "week3"
    (folder / "zoe" / "extra").mkdir(parents=True)
    shutil.copy(EXAMPLES / "iris_model.ipynb", folder / "yusuf.ipynb")
    shutil.copy(EXAMPLES / "iris_model.ipynb", folder / "zoe" / "lab.ipynb")
    shutil.copy(EXAMPLES / "iris_model.ipynb", folder / "zoe" / "extra" / "bonus.ipynb")
    (folder / ".ipynb_checkpoints").mkdir()
    shutil.copy(EXAMPLES / "iris_model.ipynb", folder / ".ipynb_checkpoints" / "x.ipynb")

    layout = find_layout(str(folder))

    assert layout.kind == "folder"
    found = [(s.student, s.assignment, s.relative) for s in layout.submissions]
    assert found == [
        ("yusuf", "week3", "yusuf.ipynb"),
        ("zoe", "extra/bonus", "zoe/extra/bonus.ipynb"),
        ("zoe", "lab", "zoe/lab.ipynb"),
    ]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: None, "no such folder"),
        (lambda p: p.mkdir(), "no notebooks (*.ipynb) found"),
        (lambda p: p.write_text("{}"), "not a folder"),
        (lambda p: (p / "submitted" / "ann" / "ps1").mkdir(parents=True), "found under submitted/"),
    ],
    ids=["missing", "empty", "a-file", "empty-submitted"],
)
def test_unusable_folder_is_one_line_and_exit_2(tmp_path: Path, make: Any, reason: str) -> None:
    make(tmp_path / "course")
    done = nb2prod("report", "course", "-o", "report.html", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("course: ")
    assert reason in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "report.html").exists()


def test_links_out_and_fifos_are_refused_rows_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = outside / "secret.ipynb"
    shutil.copy(EXAMPLES / "hidden_state.ipynb", secret)
    work = tmp_path / "course" / "submitted" / "eve" / "ps1"
    work.mkdir(parents=True)
    shutil.copy(EXAMPLES / "iris_model.ipynb", work / "iris_model.ipynb")
    (work / "linked_out.ipynb").symlink_to(secret)
    (work / "linked_in.ipynb").symlink_to(work / "iris_model.ipynb")
    os.mkfifo(work / "pipe.ipynb")
    (tmp_path / "course" / "submitted" / "frank").symlink_to(outside, target_is_directory=True)

    done = nb2prod("report", "course", "--format", "json", cwd=tmp_path, timeout=120)

    assert done.returncode == 0, done.stderr
    rows = {n["path"]: n for n in json.loads(done.stdout)["notebooks"]}
    assert set(rows) == {
        "submitted/eve/ps1/iris_model.ipynb",
        "submitted/eve/ps1/linked_in.ipynb",
        "submitted/eve/ps1/linked_out.ipynb",
        "submitted/eve/ps1/pipe.ipynb",
    }  # frank/ is a link out of the folder: not walked
    assert rows["submitted/eve/ps1/linked_out.ipynb"]["verdict"] == "unusable"
    assert "leads outside the class folder" in rows["submitted/eve/ps1/linked_out.ipynb"]["error"]
    assert "not a regular file (a FIFO)" in rows["submitted/eve/ps1/pipe.ipynb"]["error"]
    assert rows["submitted/eve/ps1/linked_in.ipynb"]["verdict"] == "reproducible"
    assert "top_region" not in done.stdout  # nothing of the notebook outside was read
    assert "course/submitted/eve/ps1/pipe.ipynb: not a regular file" in done.stderr


# --- the data -------------------------------------------------------------------------------


def test_json_holds_each_notebooks_real_check(built: tuple[Path, str, dict[str, Any]]) -> None:
    root, _, data = built
    assert data["layout"] == "nbgrader"
    assert data["students"] == ["alice", "bob", "carol", "dave", "mallory"]
    assert data["assignments"] == ["ps1", "ps2", "ps10"]
    assert data["notes"] == [
        "alice/ps1: in both submitted/ and autograded/; the report reads submitted/"
    ]
    rows = {(n["student"], n["assignment"]): n for n in data["notebooks"]}
    for (student, assignment), name in CLASS.items():
        path = root / "course" / "submitted" / student / assignment / name
        expected = check_notebook(load(path))
        row = rows[(student, assignment)]
        assert row["reproducible"] is expected.reproducible
        assert row["findings"] == [f.to_dict() for f in expected.findings]
    hidden = rows[("alice", "ps1")]
    assert hidden["verdict"] == "not reproducible"
    assert hidden["errors"] == 6
    assert data["summary"] == {
        "notebooks": 8,
        "reproducible": 7,
        "not_reproducible": 1,
        "unusable": 0,
    }


def test_json_counts_kinds_and_explains_the_commonest(
    built: tuple[Path, str, dict[str, Any]],
) -> None:
    _, _, data = built
    findings = [f for n in data["notebooks"] for f in n.get("findings", [])]
    for count in data["kinds"]:
        mine = [f for f in findings if f["kind"] == count["kind"]]
        assert count["error"] + count["warning"] + count["info"] == len(mine)
        assert count["title"] == BY_NAME[count["kind"]].title
    widest = [c["notebooks"] for c in data["kinds"]]
    assert widest == sorted(widest, reverse=True)
    mistakes = data["common_mistakes"]
    assert mistakes, "hidden_state.ipynb has errors: there is a mistake to explain"
    for mistake in mistakes:
        kind = BY_NAME[mistake["kind"]]
        assert (mistake["code"], mistake["title"], mistake["summary"]) == (
            kind.code,
            kind.title,
            kind.summary,
        )
        assert mistake["why"] == kind.teaching.why
        assert mistake["bad"] == kind.teaching.bad.text()
        assert mistake["good"] == kind.teaching.good.text()


def test_json_is_the_same_with_one_worker_or_many(tmp_path: Path) -> None:
    make_class(tmp_path / "course")
    one = nb2prod("report", "course", "--format", "json", "--jobs", "1", cwd=tmp_path)
    two = nb2prod("report", "course", "--format", "json", "--jobs", "2", cwd=tmp_path)
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    assert len(json.loads(one.stdout)["notebooks"]) == 7


def test_the_courses_configuration_applies_as_check_applies_it(tmp_path: Path) -> None:
    """An instructor ignores a kind for the whole course; --isolated shows it again."""
    make_class(tmp_path / "course")
    kinds = {
        f["kind"]
        for n in json.loads(nb2prod("report", "course", "--format", "json", cwd=tmp_path).stdout)[
            "notebooks"
        ]
        for f in n.get("findings", [])
    }
    assert "out-of-order" in kinds
    (tmp_path / "course" / "pyproject.toml").write_text(
        '[tool.nb2prod]\nignore = ["out-of-order"]\n', encoding="utf-8"
    )
    done = nb2prod("report", "course", "--format", "json", cwd=tmp_path)
    notebooks = json.loads(done.stdout)["notebooks"]
    assert all(f["kind"] != "out-of-order" for n in notebooks for f in n.get("findings", []))
    isolated = nb2prod("report", "course", "--format", "json", "--isolated", cwd=tmp_path)
    again = json.loads(isolated.stdout)["notebooks"]
    assert any(f["kind"] == "out-of-order" for n in again for f in n.get("findings", []))


def test_lesson_is_the_registrys_text() -> None:
    for kind in KINDS:
        taught = lesson(kind.name)
        assert (taught.code, taught.title, taught.summary) == (kind.code, kind.title, kind.summary)
        assert taught.why == kind.teaching.why
        assert taught.fix == kind.teaching.fix
        assert taught.bad == kind.teaching.bad.text()
        assert taught.good == kind.teaching.good.text()
    assert lesson("no-such-kind").why is None


# --- the page -------------------------------------------------------------------------------


def test_page_is_self_contained(built: tuple[Path, str, dict[str, Any]]) -> None:
    _, page, _ = built
    parsed = tags(page)
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "link", "iframe", "object", "embed", "base", "form"}
    assert parsed.styles == 1  # the one inline stylesheet
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name == "src":
                assert value.startswith("data:image/"), (tag, value[:60])
        assert not (tag == "a" and attrs.get("href", "").lower().startswith("javascript:"))
    assert 'src="http' not in page
    assert "@import" not in parsed.style_text
    assert "url(" not in parsed.style_text
    csp = [a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == [CSP]
    assert "default-src 'none'" in CSP
    assert "script-src" not in CSP


def test_page_links_every_verdict_to_its_notebook(built: tuple[Path, str, dict[str, Any]]) -> None:
    _, page, data = built
    parsed = tags(page)
    ids = {a["id"] for _, a in parsed.tags if "id" in a}
    links = [a["href"] for t, a in parsed.tags if t == "a" and "nbp-verdict" in a.get("class", "")]
    assert len(links) == len(data["notebooks"]) == 8
    assert all(link[1:] in ids for link in links)
    bars = [a["data-kind"] for t, a in parsed.tags if t == "g" and "data-kind" in a]
    assert bars == [c["kind"] for c in data["kinds"]]
    for mistake in data["common_mistakes"]:
        assert f'id="kind-{mistake["kind"]}"' in page


def test_findings_sit_beside_their_cells(built: tuple[Path, str, dict[str, Any]]) -> None:
    _, page, data = built
    index = next(i for i, n in enumerate(data["notebooks"]) if n["student"] == "alice")
    assert data["notebooks"][index]["assignment"] == "ps1"
    for finding in data["notebooks"][index]["findings"]:
        start = page.index(f'id="nb-{index + 1}-c{finding["cell"]}"')
        end = page.index('<div class="nbp-cell', start + 1)
        cell = page[start:end]
        assert "nbp-findings" in cell
        shown = unescape(re.sub(r"<[^>]+>", "", cell))  # the text a reader sees
        assert finding["message"].replace("`", "") in shown
        assert finding["hint"].replace("`", "") in shown
    assert 'class="nbp-cell nbp-has-error"' in page


def test_hostile_notebook_stays_inert(built: tuple[Path, str, dict[str, Any]]) -> None:
    _, page, _ = built
    start = page.index('aria-label="submitted/mallory/ps1/answers.ipynb"')
    section = page[start : page.index("</section>", start)]
    assert inert(section)
    assert "window.pwned = &#x27;markdown script&#x27;" not in section  # stripped, not escaped
    assert "window.pwned = 'markdown script'" in section  # its text kept, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section  # the printed text, escaped
    assert "<table><thead><tr><th>mark</th>" in section  # harmless HTML output kept
    assert "attacker.example" not in section  # no frame, stylesheet or image address kept
    assert 'class="nbp-verdict' not in section  # the report's classes are not the notebook's
    assert '<a href="http://fine.example/">a plain link</a>' in section


def test_loose_notebook_is_rendered_and_unreadable_one_keeps_findings() -> None:
    loose = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {},
        "cells": [
            {"cell_type": "code", "source": "print(z)", "execution_count": 1, "metadata": {}},
            {"cell_type": "code", "source": "z = 3", "execution_count": "2", "outputs": []},
        ],
    }  # no outputs in the first cell, no metadata and a text count in the second
    text = json.dumps(loose)
    report = check_notebook(loads(text, "loose.ipynb"))
    assert [f.cell for f in report.findings if f.kind == "use-before-define"] == [1]

    rendered = render_notebook(text, report, "nb-7")

    assert rendered.problem is None
    assert rendered.html is not None
    first = rendered.html[: rendered.html.index('id="nb-7-c2"')]
    assert 'class="nbp-cell nbp-has-error" id="nb-7-c1"' in first
    assert "Used before defined" in first
    assert "In&nbsp;[&nbsp;]:" in rendered.html  # the text count is shown as none

    unreadable = render_notebook("{", report, "nb-8")
    assert unreadable.html is None
    assert unreadable.problem is not None
    assert unreadable.problem.startswith("nbconvert cannot read it (")
    assert unreadable.loose == report.findings  # shown above the notebook instead


def test_inert_guard_flags_what_runs() -> None:
    assert inert('<img src="data:image/png;base64,AAAA"><p class="x">hello onload=1</p>')
    for active in (
        "<script>x()</script>",
        '<img src="x" onerror="x()">',
        '<a href="javascript:x()">a</a>',
        '<iframe src="data:text/html,x"></iframe>',
        '<object data="data:text/html,x">',
        "<style>body{}</style>",
    ):
        assert not inert(active), active


# --- writing --------------------------------------------------------------------------------


def test_existing_report_is_kept_without_force(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(EXAMPLES, course, ignore=shutil.ignore_patterns("data", "class"))
    (tmp_path / "report.html").write_text("an earlier report")

    refused = nb2prod("report", "course", "-o", "report.html", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == "report.html: already exists; use --force to replace it\n"
    assert (tmp_path / "report.html").read_text() == "an earlier report"

    forced = nb2prod("report", "course", "-o", "report.html", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith("report.html: ")
    assert '<svg class="nbp-chart"' in (tmp_path / "report.html").read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left

    student = course / "iris_model.ipynb"
    before = student.read_bytes()
    over = nb2prod("report", "course", "-o", "course/iris_model.ipynb", "--force", cwd=tmp_path)
    assert over.returncode == 2
    assert "is the notebook iris_model.ipynb" in over.stderr
    assert student.read_bytes() == before


def test_json_to_a_file(tmp_path: Path) -> None:
    make_class(tmp_path / "course")
    done = nb2prod("report", "course", "--format", "json", "-o", "class.json", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("class.json: 7 notebook(s)")
    assert json.loads((tmp_path / "class.json").read_text())["summary"]["notebooks"] == 7


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    make_class(tmp_path / "course")
    summary = "course: 7 notebook(s) of 4 student(s), 3 assignment(s): 6 reproducible, 1 not"
    ran = nb2prod_on_terminal("report", "course", "--format", "json", cwd=tmp_path)
    assert ran.returncode == 0
    assert "[##############################] 7/7 notebooks\n" in ran.terminal
    assert ran.terminal.endswith(f"{summary}\n")
    piped = nb2prod("report", "course", "--format", "json", cwd=tmp_path)
    assert piped.stderr == f"{summary}\n"  # no bar on a pipe
    assert json.loads(piped.stdout) == json.loads(ran.stdout)


def test_bad_jobs_is_usage_error(tmp_path: Path) -> None:
    make_class(tmp_path / "course")
    done = nb2prod("report", "course", "--jobs", "0", cwd=tmp_path)
    assert done.returncode == 2
    assert "--jobs" in done.stderr
    assert "Traceback" not in done.stderr


def test_unusable_notebook_is_a_row(tmp_path: Path) -> None:
    make_class(tmp_path / "course")
    broken = tmp_path / "course" / "submitted" / "dave" / "ps10" / "broken.ipynb"
    broken.write_text('{"cells": [')
    done = nb2prod("report", "course", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0
    rows = {n["path"]: n for n in json.loads(done.stdout)["notebooks"]}
    assert rows["submitted/dave/ps10/broken.ipynb"]["error"].startswith("truncated JSON")
    assert done.stderr.startswith("course/submitted/dave/ps10/broken.ipynb: truncated JSON")
    with pytest.raises(NotebookError):
        find_layout(str(tmp_path / "nothing-here"))
