"""Cross-cell findings on small notebooks built in memory (real kernels: test_crafted.py)."""

from __future__ import annotations

from typing import Any

from nb2prod.analysis import check_notebook
from nb2prod.findings import Report, Severity
from nb2prod.notebook import from_dict

Cell = tuple[str, int | None] | tuple[str, int | None, dict[str, Any]]


def notebook(*cells: Cell, version: str = "3.11.7") -> Report:
    return check_notebook(from_dict(_raw(*cells, version=version), "memory.ipynb"))


def _raw(*cells: Cell, version: str = "3.11.7") -> dict[str, Any]:
    raw_cells = []
    for index, cell in enumerate(cells):
        source, count = cell[0], cell[1]
        extra = cell[2] if len(cell) == 3 else {}
        raw_cells.append(
            {
                "cell_type": "code",
                "id": f"c{index}",
                "source": source,
                "execution_count": count,
                "metadata": extra.get("metadata", {}),
                "outputs": extra.get("outputs", []),
            }
        )
    raw = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"language_info": {"name": "python", "version": version}},
        "cells": raw_cells,
    }
    return raw


def printed(text: str) -> dict[str, Any]:
    return {"outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}


def result(text: str) -> dict[str, Any]:
    return {
        "outputs": [
            {"output_type": "execute_result", "execution_count": 1, "metadata": {},
             "data": {"text/plain": text}}
        ]
    }  # fmt: skip


def kinds(report: Report, level: Severity = Severity.INFO) -> set[str]:
    return {f.kind for f in report.at_least(level)}


def test_a_clean_notebook_has_no_findings_and_is_reproducible() -> None:
    report = notebook(("x = 1", 1), ("print(x)", 2, printed("1\n")))
    assert report.findings == ()
    assert report.reproducible


def test_calling_a_function_before_its_global_is_defined() -> None:
    report = notebook(("def area():\n    return side ** 2", 1), ("area()", 2), ("side = 3", 3))
    [finding] = [f for f in report.findings if f.kind == "use-before-define"]
    assert finding.cell == 2
    assert "`area`" in finding.message
    assert "`side`" in finding.message


def test_a_function_reading_a_global_defined_later_is_fine_when_called_later() -> None:
    report = notebook(("def area():\n    return side ** 2", 1), ("side = 3", 2), ("area()", 3))
    assert report.findings == ()


def test_names_after_run_magic_are_a_warning_not_an_error() -> None:
    report = notebook(("%run setup.py", 1), ("print(config)", 2))
    [finding] = report.findings
    assert (finding.kind, finding.severity) == ("undefined-name", Severity.WARNING)
    assert "%run setup.py" in finding.message
    assert report.reproducible


def test_error_output_is_info_when_tagged_raises_exception() -> None:
    error = {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "x", "traceback": []}
    tagged = {"metadata": {"tags": ["raises-exception"]}, "outputs": [error]}
    assert notebook(("1/0", 1, tagged)).at_least(Severity.WARNING) == ()
    report = notebook(("1/0", 1, {"outputs": [error]}))
    assert kinds(report) == {"error-output"}
    assert not report.reproducible


def test_python2_code_gets_a_porting_hint() -> None:
    [finding] = notebook(("print 'hello'", 1)).findings
    assert finding.kind == "syntax-error"
    assert "Python 2" in finding.hint


def test_syntax_newer_than_this_python_is_a_warning() -> None:
    report = notebook(("type Point = tuple[float, float]", 1), version="3.99.0")
    [finding] = report.findings
    assert (finding.kind, finding.severity) == ("syntax-error", Severity.WARNING)
    assert "3.99" in finding.message


def test_reordering_independent_cells_is_info() -> None:
    report = notebook(("a = 1", 2), ("b = 2", 1), ("print(a, b)", 3, printed("1 2\n")))
    [finding] = report.findings
    assert (finding.kind, finding.severity, finding.cell) == ("out-of-order", Severity.INFO, 2)
    assert report.reproducible


def test_gaps_without_state_changes_are_info() -> None:
    report = notebook(("a = 1", 1), ("print(a)", 4, printed("1\n")))
    assert [(f.kind, f.severity) for f in report.findings] == [("re-executed", Severity.INFO)]


def test_gaps_with_a_repeating_change_that_outputs_show_are_errors() -> None:
    report = notebook(("n = 0", 1), ("n += 1", 3), ("print(n)", 4, printed("2\n")))
    [finding] = report.findings
    assert (finding.kind, finding.severity) == ("re-executed", Severity.ERROR)
    assert "`n`" in finding.message
    assert "cell 2" in finding.message


def test_output_from_another_run_is_stale() -> None:
    result = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
              "data": {"text/plain": "3"}}  # fmt: skip
    report = notebook(("1 + 2", 2, {"outputs": [result]}))
    assert "stale-output" in kinds(report)


def test_unexecuted_cell_whose_names_later_cells_used_is_an_error() -> None:
    report = notebook(("x = 1", 1), ("x = 2", None), ("print(x)", 2, printed("1\n")))
    assert {(f.kind, f.severity) for f in report.findings} >= {("unexecuted", Severity.ERROR)}
    assert not report.reproducible


def test_unseeded_randomness_shown_in_outputs_is_an_error() -> None:
    report = notebook(("import random\nx = random.random()", 1), ("print(x)", 2, printed("0.42\n")))
    found = {(f.kind, f.severity, f.cell) for f in report.findings}
    # the draw's cell shows nothing: a warning there, the error on the cell whose output differs
    assert found == {
        ("unseeded-random", Severity.WARNING, 1),
        ("unseeded-random", Severity.ERROR, 2),
    }
    shown = notebook(("import random\nrandom.random()", 1, result("0.42")))
    assert {(f.severity, f.cell) for f in shown.findings} == {(Severity.ERROR, 1)}
    defined = notebook(("import random\ndef roll():\n    return random.random()", 1))
    assert {f.severity for f in defined.findings} == {Severity.WARNING}
    seeded = notebook(
        ("import random\nrandom.seed(0)\nx = random.random()", 1),
        ("print(x)", 2, printed("0.84\n")),
    )
    assert seeded.findings == ()


def test_secrets_are_reported_masked() -> None:
    token = "ghp_" + "A1b2C3d4" * 5
    report = notebook((f"TOKEN = '{token}'", 1))
    [finding] = report.findings
    assert finding.kind == "hard-coded-secret"
    assert token not in finding.message
    assert "ghp_" in finding.message


def test_findings_carry_cell_ids_and_one_based_cells() -> None:
    report = notebook(("print(missing)", 1))
    [finding] = report.findings
    assert (finding.cell, finding.cell_id, finding.line) == (1, "c0", 1)


def test_re_running_an_import_late_is_not_hidden_state() -> None:
    report = notebook(("import math", 5), ("print(math.pi)", 2, printed("3.14\n")))
    assert {(f.kind, f.severity) for f in report.findings} <= {
        ("out-of-order", Severity.INFO),
        ("re-executed", Severity.INFO),
    }
    assert report.reproducible


def test_use_before_define_below_an_unknown_star_import_is_a_warning() -> None:
    report = notebook(
        ("from surely_missing_module_xyz import *", 1),
        ("learn()", 2),
        ("def learn():\n    pass", 3),
    )
    [finding] = [f for f in report.findings if f.kind == "use-before-define"]
    assert finding.severity is Severity.WARNING
    assert "surely_missing_module_xyz" in finding.message


def test_an_unknown_name_is_guessed_about_once() -> None:
    report = notebook(
        ("from surely_missing_module_xyz import *", 1), ("model(1)", 2), ("model(2)", 3)
    )
    assert [f.kind for f in report.findings].count("undefined-name") == 1


def test_python2_builtins_in_a_python2_notebook() -> None:
    assert notebook(("for i in xrange(3):\n    pass", 1), version="2.7.18").findings == ()
    assert [f.kind for f in notebook(("for i in xrange(3):\n    pass", 1)).findings] == [
        "undefined-name"
    ]


def test_never_run_notebook_does_not_claim_hidden_state() -> None:
    [finding] = notebook(("print(missing)", None)).findings
    assert "hidden state" not in finding.message
    assert "NameError" in finding.message


def test_count_zero_means_the_cell_ran() -> None:
    report = notebook(("x = 1", 1), ("y = 2", 0), ("print(x)", 2, printed("1\n")))
    assert "unexecuted" not in kinds(report)


def test_absolute_folders_are_warnings_missing_input_files_errors() -> None:
    folder = notebook(("logs = '/tmp/surely/missing/logs/'", 1))
    assert [(f.kind, f.severity) for f in folder.findings] == [("absolute-path", Severity.WARNING)]
    missing = notebook(("df = open('/home/nobody-xyz/data/sales.csv')", 1))
    assert [(f.kind, f.severity) for f in missing.findings] == [("absolute-path", Severity.ERROR)]
    assert not missing.reproducible


def test_placeholder_credentials_are_not_secrets() -> None:
    assert notebook(("password = 'EnterYourOwnInfoHere'", 1)).findings == ()
    assert kinds(notebook(("password = 'hunter2-correct-horse'", 1))) == {"hard-coded-secret"}


def tainted(*sources: str) -> set[int]:
    """The cells whose values depend on unseeded draws, for cells run in order."""
    from nb2prod.analysis import analyse_notebook
    from nb2prod.analysis.randomness import random_draws

    cells: list[Cell] = [(source, i + 1) for i, source in enumerate(sources)]
    loaded = from_dict(_raw(*cells), "memory.ipynb")
    return random_draws(analyse_notebook(loaded)).tainted


def test_values_read_back_from_a_file_of_random_draws_are_random_too() -> None:
    found = tainted(
        "import numpy as np\nM = np.random.rand(3, 3)",
        "np.save('m.npy', M)",
        "np.load('m.npy')",
        "np.load('other.npy')",
    )
    assert found == {1, 2, 3}


def test_a_function_defined_before_the_drawing_one_it_calls_draws_too() -> None:
    found = tainted(
        "def test(n):\n    return all(pow(a, n - 1, n) == 1 for a in sample(2, n))",
        "import random\ndef sample(a, b):\n    return [random.randrange(a, b)]",
        "def percent(ns):\n    return sum(map(test, ns))",
        "percent([561] * 100)",
        "len('unrelated')",
    )
    assert found == {2, 4}  # 4 calls percent -> test -> sample, defined in that order
