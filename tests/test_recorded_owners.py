"""Recorded findings in notebooks without cell ids, and ``re-executed`` proven by the records.

Most notebooks in the wild are nbformat 4.4: JupyterLab sends its own cell ids with each
execution but saves none, so the history must say which cell an id was (``analysis/owners.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2prod.findings import Severity
from recorded_checking import cell, check, only, ran

# --- notebooks without cell ids: the history says which cell an id was ----------------------

FX = "fx_rate = 1.1"
FX_NEW = "fx_rate = 1.2"
TOTAL = "total = 100 * fx_rate\nprint(total)"


def test_without_ids_an_edited_and_re_run_cell_is_the_edited_cell_not_a_deleted_one(
    tmp_path: Path,
) -> None:
    """Edit a parameter cell and run it again, not the cell below: one error, on the reader."""
    cells = [cell("x", FX_NEW, 3), cell("y", TOTAL, 2, "110.00000000000001\n")]
    history = [
        ran("j1", FX, 1, defined=["fx_rate"]),
        ran("j2", TOTAL, 2, defined=["total"]),
        ran("j1", FX_NEW, 3, rebound=["fx_rate"]),
    ]
    report = check(tmp_path, cells, history, [FX], ids=False)
    assert [(f.kind, f.severity, f.cell) for f in report.findings] == [
        ("recorded-lost-code", Severity.INFO, 1),
        ("stale-input", Severity.ERROR, 2),
    ]
    lost = only(report, "recorded-lost-code")
    assert "cell 1's code before it was edited (`fx_rate = 1.1`, run [1])" in lost.message
    assert "Run cell 2 [2] again" in lost.hint
    assert "cell 1 [3] bound again `fx_rate`" in only(report, "stale-input").message


def test_without_ids_an_edited_cell_not_run_since_is_found_by_its_count(tmp_path: Path) -> None:
    cells = [cell("x", FX_NEW, 1), cell("y", TOTAL, 2, "110.00000000000001\n")]
    history = [ran("j1", FX, 1, defined=["fx_rate"]), ran("j2", TOTAL, 2, defined=["total"])]
    report = check(tmp_path, cells, history, [FX], ids=False)
    finding = only(report, "recorded-lost-code")
    assert (finding.severity, finding.cell) == (Severity.ERROR, 1)
    assert "cell 1's code before it was edited" in finding.message
    assert "cell 2 [2]'s last run read `fx_rate` from it" in finding.message
    # the edited cell still sets fx_rate: the fix is to run it, not to restore anything
    assert finding.hint.startswith("Run cell 1 [1] and then cell 2 [2] again")
    assert "deleted" not in finding.message


def test_without_ids_a_notebook_reopened_and_run_in_order_is_clean(tmp_path: Path) -> None:
    """Each opening gives the cells new ids; the code still places every run."""
    cells = [cell("x", FX, 1), cell("y", TOTAL, 2, "110.00000000000001\n")]
    history = [
        ran("j1", FX, 1, defined=["fx_rate"]),
        ran("j2", TOTAL, 2, defined=["total"]),
        ran("k1", FX, 1, session="s2", defined=["fx_rate"]),
        ran("k2", TOTAL, 2, session="s2", defined=["total"]),
    ]
    assert check(tmp_path, cells, history, ids=False).findings == ()


def test_a_deleted_cell_stays_deleted_when_its_id_never_ran_current_code(tmp_path: Path) -> None:
    cells = [cell("x", FX, 2), cell("y", TOTAL, 3, "110.00000000000001\n")]
    history = [
        ran("j0", "rate = 2", 1, defined=["rate"]),
        ran("j1", FX, 2, defined=["fx_rate"]),
        ran("j2", TOTAL, 3, defined=["total"]),
    ]
    finding = only(check(tmp_path, cells, history, ["rate = 2"], ids=False), "recorded-lost-code")
    assert "code in a cell since deleted (`rate = 2`, run [1])" in finding.message


# --- re-executed, proven: which cell ran again, and whether it mattered ----------------------

APPEND = "x.append(1)\nprint(x)"


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (["a", "b", "b"], [("re-executed", Severity.ERROR, 2, "recorded")]),
        (["a", "b", "a", "b"], []),  # cell 1 reset `x` in between: harmless
        (["a", "a", "b"], []),  # `x = []` twice changes nothing
    ],
)
def test_the_records_say_which_cell_ran_again_and_whether_it_mattered(
    tmp_path: Path, order: list[str], expected: list[tuple[str, Severity, int, str]]
) -> None:
    code = {"a": "x = []", "b": APPEND}
    history = [
        ran(c, code[c], n, defined=["x"] if c == "a" else ()) for n, c in enumerate(order, 1)
    ]
    last = {c: n for n, c in enumerate(order, 1)}
    cells = [cell("a", code["a"], last["a"]), cell("b", APPEND, last["b"], "[1, 1]\n")]
    report = check(tmp_path, cells, history)
    assert [(f.kind, f.severity, f.cell, f.proof) for f in report.findings] == expected
    if expected:
        assert "cell 2 [3] ran 2 times with nothing resetting `x`" in report.findings[0].message
