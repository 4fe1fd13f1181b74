"""benchmarks/fidelity.py: failures sorted by cause from what `nb2prod verify` and `convert` really
print, check's claims scored against a fresh run, runs cached by notebook path and content, and
one real run -> convert -> verify of a tiny notebook through the harness's command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nb2prod.verify_junit import TestResult
from nb2prod.verify_report import Origin, render_summary, render_test

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from cli_runs import nb2prod  # noqa: E402
from fidelity_classify import classify_convert, classify_verify  # noqa: E402
from fidelity_diff import difference  # noqa: E402
from fidelity_runs import cache_key  # noqa: E402
from fidelity_score import score_notebook  # noqa: E402

TEST_FILE = "tests/test_notebook.py"


class _Counted:
    def __init__(self, tests: list[TestResult]) -> None:
        self.passed = sum(t.outcome == "passed" for t in tests)
        self.failed = sum(t.outcome in ("failed", "error") for t in tests)
        self.ok = not self.failed


def verify_stdout(tests: list[TestResult], cells: dict[str, int]) -> str:
    """What `nb2prod verify` prints for these tests, by its own rendering functions."""
    origin = Origin("nb.ipynb", cells)
    lines = [render_test(test, origin) for test in tests]
    return "\n".join([*lines, render_summary(_Counted(tests))]) + "\n"


def shown_failure(number: int, notebook: list[str], package: list[str]) -> TestResult:
    diff = ["--- notebook", "+++ package", "@@ -1 +1 @@"]
    diff += [f"-{line}" for line in notebook] + [f"+{line}" for line in package]
    message = "AssertionError: shown text differs:\n" + "\n".join(diff)
    return TestResult(f"{TEST_FILE}::test_cell_{number}_output", "failed", message)


def passing(name: str) -> TestResult:
    return TestResult(f"{TEST_FILE}::{name}", "passed", "")


@pytest.mark.parametrize(
    ("notebook", "package", "random_cells", "cause"),
    [
        (["10 loops, best of 3: 21.4 ms per loop"], ["100 loops, best of 5: 2.1 ms per loop"],
         (), "output mismatch: timing"),
        (["<Foo object at 0x?>"], ["Foo()"], (), "output mismatch: address"),
        (["[0.417 0.72 0.000114]"], ["[0.5488 0.7152 0.6028]"], (4,), "output mismatch: random"),
        (["[0.417 0.72 0.000114]"], ["[0.5488 0.7152 0.6028]"], (), "output mismatch: numbers"),
        (["[1 2 3", " 4 5 6]"], ["[1 2 3 4 5 6]"], (), "output mismatch: pretty-print"),
        (["a b ... y z"], ["a b c d e f y z"], (), "output mismatch: pretty-print"),
        (["⎡m₁₁ m₁₂⎤", "⎣m₂₁ m₂₂⎦"], ["Matrix([", "[m11, m12],", "[m21, m22]])"], (),
         "output mismatch: pretty-print"),
        (["9"], ["np.int64(9)"], (), "output mismatch: wording"),
        (["hello"], ["goodbye"], (), "output mismatch: other"),
    ],
)  # fmt: skip
def test_an_output_mismatch_is_sorted_by_its_diff(
    notebook: list[str], package: list[str], random_cells: tuple[int, ...], cause: str
) -> None:
    tests = [passing("test_pipeline_runs"), shown_failure(4, notebook, package)]
    stdout = verify_stdout(tests, {"test_cell_4_output": 4})
    result = classify_verify(1, stdout, "", random_cells)
    assert result["status"] == "failed"
    assert (result["passed"], result["failed"]) == (1, 1)
    assert result["cause"] == cause
    assert result["tests"] == [{"name": f"{TEST_FILE}::test_cell_4_output", "cell": 4,
                                "cause": cause}]  # fmt: skip


def test_the_first_error_names_the_cause() -> None:
    setup = "failed on setup with \"NameError: name 'display' is not defined\""
    tests = [
        TestResult(f"{TEST_FILE}::test_pipeline_runs", "error", setup),
        TestResult(f"{TEST_FILE}::test_cell_3_figures", "failed", "AssertionError: []"),
        shown_failure(5, ["hello"], ["goodbye"]),
    ]
    result = classify_verify(1, verify_stdout(tests, {}), "")
    assert result["cause"] == "NameError in run"
    assert result["first_error"] == setup
    assert [t["cause"] for t in result["tests"]] == [
        "NameError in run", "figure", "output mismatch: other"
    ]  # fmt: skip
    module = [
        TestResult("tests/test_notebook.py", "error", "collection failure: ModuleNotFoundError")
    ]
    assert classify_verify(1, verify_stdout(module, {}), "")["cause"] == "ImportError"


def test_a_failure_before_any_test_is_read_from_the_log() -> None:
    log = (
        "$ python3 -m venv --without-pip /tmp/v/venv\n\n"
        "$ /tmp/v/venv/bin/python -m pytest -p no:cacheprovider\n"
        "ImportError while loading conftest '/tmp/v/work/pkg/tests/conftest.py'.\n"
        "tests/conftest.py:14: in <module>\n"
        "E   NameError: name 'Number' is not defined\n"
        "exit status 4\n\npytest wrote no JUnit report\n"
    )
    stdout = "0 passed, 0 failed: the tests could not run (the log above says why)\n"
    result = classify_verify(1, stdout, log)
    assert (result["cause"], result["first_error"]) == (
        "NameError at import",
        "NameError: name 'Number' is not defined",
    )
    timed_out = "$ /tmp/v/venv/bin/python -m pytest\ncollected 3 items\ntimed out\n"
    assert classify_verify(1, stdout, timed_out)["cause"] == "verify timeout"
    assert classify_verify(None, "", "")["cause"] == "verify timeout"
    assert classify_verify(0, verify_stdout([passing("test_a")], {}), "")["status"] == "passed"


def test_an_install_failure_and_a_refusal_from_the_real_commands(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "tests").mkdir(parents=True)
    (package / "pyproject.toml").write_text(
        '[project]\nname = "pkg"\nversion = "0"\n'
        'dependencies = ["nb2prod-fidelity-no-such-distribution==1.0"]\n'
    )
    (package / "tests" / "test_a.py").write_text("def test_a():\n    pass\n")
    done = nb2prod("verify", "pkg", "--timeout", "300", cwd=tmp_path)
    result = classify_verify(done.returncode, done.stdout, done.stderr)
    assert result["cause"] == "install failure", done.stderr
    assert "nb2prod-fidelity-no-such-distribution" in result["first_error"]

    hidden = ROOT / "examples" / "hidden_state.ipynb"
    done = nb2prod("convert", str(hidden), "-o", str(tmp_path / "out"), cwd=tmp_path)
    refused = classify_convert(done.returncode, done.stdout, done.stderr)
    assert refused["status"] == "refused"
    assert {"undefined-name", "out-of-order"} <= set(refused["refused_by"])
    assert refused["first_error"].startswith(str(hidden))


def code(source: str, count: int | None, text: str | None = None) -> Any:
    outputs = [new_output("stream", name="stdout", text=text)] if text is not None else []
    return new_code_cell(source, execution_count=count, outputs=outputs)


def write(path: Path, cells: list[Any]) -> Path:
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}  # fmt: skip
    nbformat.write(notebook, str(path))
    return path


def test_claims_are_confirmed_by_a_differing_output_or_an_earlier_failure(tmp_path: Path) -> None:
    stored = write(tmp_path / "stored.ipynb", [
        new_markdown_cell("# title"),
        code("print(1.0000001)", 1, "1.0\n"),
        code("print(n)", 3, "5\n"),
        code("print('same')", 4, "same\n"),
        code("print(object())", 5, "<object object at 0x7f00aa>\n"),
        code("print('x')", 6, "x\n"),
    ])  # fmt: skip
    fresh = write(tmp_path / "fresh.ipynb", [
        new_markdown_cell("# title"),
        code("print(1.0000001)", 1, "1.0000001\n"),
        code("print(n)", 2, "6\n"),
        code("print('same')", 3, "same\n"),
        code("print(object())", 4, "<object object at 0x7f11bb>\n"),
        code("print('x')", 5, "y\n"),
    ])  # fmt: skip
    findings = [
        {"kind": "stale-output", "severity": "error", "cell": 3},
        {"kind": "stale-output", "severity": "error", "cell": 4},
        {"kind": "out-of-order", "severity": "info", "cell": 2},
        {"kind": "error-output", "severity": "error", "cell": None},
    ]
    scored = score_notebook(stored, fresh, findings, None)
    assert scored["claims"] == [
        {"kind": "stale-output", "cell": 3, "confirmed": True, "how": "differs"},
        {"kind": "stale-output", "cell": 4, "confirmed": False, "how": ""},
    ]
    # Float noise and addresses are no difference, as in the generated tests.
    assert scored["differing"] == [
        {"cell": 3, "difference": "numbers", "covered": True},
        {"cell": 6, "difference": "other", "covered": False},
    ]
    failed = score_notebook(stored, None, findings, 4)
    assert [c["how"] for c in failed["claims"]] == ["", "failed-at"]
    assert score_notebook(stored, None, findings, 2)["claims"][0]["how"] == "failed-before"
    assert failed["differing"] == []
    before_failure = score_notebook(stored, fresh, findings, 3)
    assert [d["cell"] for d in before_failure["differing"]] == [3]


def test_a_claim_that_a_cell_raises_is_confirmed_when_the_fresh_run_raises_there(
    tmp_path: Path,
) -> None:
    """The run went on past the error (the notebook stored it), but the cell raised."""

    def raising(source: str, count: int) -> Any:
        error = new_output("error", ename="NameError", evalue="name 'y' is not defined",
                           traceback=[])  # fmt: skip
        return new_code_cell(source, execution_count=count, outputs=[error])

    stored = write(tmp_path / "stored.ipynb", [raising("print(y)", 1), code("print(2)", 2, "2\n")])
    fresh = write(tmp_path / "fresh.ipynb", [raising("print(y)", 1), code("print(2)", 2, "2\n")])
    findings = [
        {"kind": "error-output", "severity": "error", "cell": 1},
        {"kind": "stale-output", "severity": "error", "cell": 1},
        {"kind": "error-output", "severity": "error", "cell": 2},
    ]
    claims = score_notebook(stored, fresh, findings, None)["claims"]
    assert [(c["kind"], c["cell"], c["how"]) for c in claims] == [
        ("error-output", 1, "failed-at"),
        ("stale-output", 1, ""),  # claims other output, and the output is the same
        ("error-output", 2, ""),
    ]


def test_a_cell_that_raised_for_want_of_a_module_is_an_environment_difference(
    tmp_path: Path,
) -> None:
    stored = write(
        tmp_path / "stored.ipynb", [code("import nosuch", 1), code("print(2)", 2, "2\n")]
    )
    raised = new_output("error", ename="ModuleNotFoundError", evalue="no nosuch", traceback=[])
    fresh_cells = [new_code_cell("import nosuch", execution_count=1, outputs=[raised])]
    fresh = write(tmp_path / "fresh.ipynb", [*fresh_cells, code("print(2)", 2, "2\n")])
    scored = score_notebook(stored, fresh, [], 1)
    assert scored["differing"] == [{"cell": 1, "difference": "environment", "covered": False}]


def test_the_cache_key_follows_the_path_and_the_content() -> None:
    key = cache_key("owner__repo/a b/Nb (1).ipynb", b"{}")
    assert key == cache_key("owner__repo/a b/Nb (1).ipynb", b"{}")
    assert key != cache_key("owner__repo/a b/Nb (1).ipynb", b"{ }")
    assert key != cache_key("owner__repo/a_b/Nb (1).ipynb", b"{}")
    assert key.startswith("owner__repo_a_b_Nb_1_.ipynb-")
    assert set(key) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def test_pretty_print_needs_the_same_words_and_wording_the_same_numbers() -> None:
    assert difference(["a  b"], ["a b"]) == "pretty-print"
    assert difference(["a ... c"], ["a b c"]) == "pretty-print"
    assert difference(["a ... c"], ["z"]) == "other"
    assert difference(["1 A", "dtype: object"], ["1 A", "dtype: str"]) == "wording"
    assert difference(["f(3)"], ["g(4)"]) == "other"


def harness(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(BENCHMARKS / "fidelity.py"), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=900)


def test_a_tiny_notebook_runs_converts_and_verifies_and_its_run_is_cached(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write(notebooks / "tiny.ipynb", [code("x = 21", 1), code("print(x * 2)", 2, "42\n")])
    write(notebooks / "hidden.ipynb", [code("y = 1", 1), code("print(z + y)", 2, "3\n")])
    before = {p.name: p.read_bytes() for p in notebooks.iterdir()}
    out, report = tmp_path / "out", tmp_path / "report.json"
    done = harness(notebooks, "--out", out, "--json", report)
    assert done.returncode == 0, done.stderr
    doc = json.loads(report.read_text())
    records = {r["notebook"]: r for r in doc["records"]}
    tiny, hidden = records["tiny.ipynb"], records["hidden.ipynb"]
    assert tiny["run"]["status"] == "completed"
    assert tiny["convert"]["status"] == "ok"
    assert tiny["verify"]["status"] == "passed", tiny
    assert (doc["summary"]["ran"], doc["summary"]["verified"]) == (1, 1)
    assert doc["summary"]["pass_rate"] == 1.0
    assert "pass rate (verified / ran to completion): 1/1 = 100.0%" in done.stdout
    assert tiny["convert"]["lint"] == {"clean": True, "rules": {}}
    assert "ruff-clean packages (the rules their pyproject selects): 1/1 = 100.0%" in done.stdout
    precision = doc["summary"]["check"]["precision"]["undefined-name"]
    assert (precision["failed-at"], precision["judged_precision"]) == (1, 1.0)
    assert hidden["run"]["status"] == "cell-error"
    assert hidden["run"]["failed_cell"] == 2
    assert hidden["run"]["first_error"].startswith("NameError")
    claim = {"kind": "undefined-name", "cell": 2, "confirmed": True, "how": "failed-at"}
    assert claim in hidden["score"]["claims"]
    assert "convert" not in hidden
    assert {p.name: p.read_bytes() for p in notebooks.iterdir()} == before  # never changed

    record = Path(tiny["run"]["folder"]) / "run.json"
    written = record.stat().st_mtime_ns
    again = harness(notebooks, "--out", out, "--run-only")
    assert again.returncode == 0, again.stderr
    lines = [line for line in again.stdout.splitlines() if " run=" in line]
    assert len(lines) == 2
    assert all(" cached " in line for line in lines), again.stdout
    assert record.stat().st_mtime_ns == written
