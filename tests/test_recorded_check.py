"""``check`` with the kernel's records: what ran, in what order, proves findings (proof="recorded").

The notebooks are built with nbformat and carry records written by hand per
``src/nb2prod/recorder/FORMAT.md`` (hashes from ``records.source_hash``), so every history here is
exactly the one each test needs; the end-to-end test with a real recording kernel is apart.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from nb2prod.analysis import check_notebook
from nb2prod.analysis.timeline import PROVEN
from nb2prod.findings import Severity
from nb2prod.notebook import load
from nb2prod.records import file_sha256
from nb2prod.report.text import Style, render_finding
from recorded_checking import cell, check, of_kind, only, ran, recorded

# --- a clean record proves nothing wrong ----------------------------------------------------

CLEAN = [
    cell("a", "x = [1, 2]", 1),
    cell("b", "y = len(x)\nprint(y)", 2, "2\n"),
    cell("c", "x = [3]", 3),
    cell("d", "print(x, y)", 4, "[3] 2\n"),
]
CLEAN_HISTORY = [
    ran("a", "x = [1, 2]", 1, defined=["x"]),
    ran("b", "y = len(x)\nprint(y)", 2, defined=["y"]),
    ran("c", "x = [3]", 3, rebound=["x"]),
    ran("d", "print(x, y)", 4),
]


def test_a_clean_recorded_run_gives_no_findings(tmp_path: Path) -> None:
    report = check(tmp_path, CLEAN, CLEAN_HISTORY)
    assert report.findings == ()
    assert report.reproducible


def test_a_notebook_without_records_is_checked_as_before(tmp_path: Path) -> None:
    assert check(tmp_path, CLEAN, None).findings == ()


def test_binding_again_below_a_reader_is_the_notebooks_own_order(tmp_path: Path) -> None:
    """Cell 3 runs again after cells 2 and 4 read `x`: cell 2 is above it, so a fresh run gives it
    the same `x`; cell 4 is below it, so its stored output shows an `x` the kernel no longer has."""
    history = [*CLEAN_HISTORY, ran("c", "x = [3]", 5, rebound=["x"])]
    cells = [*CLEAN[:2], cell("c", "x = [3]", 5), CLEAN[3]]
    report = check(tmp_path, cells, history)
    assert [(f.kind, f.cell) for f in recorded(report)] == [("stale-input", 4)]


# --- the true order: out-of-order proven by the record ------------------------------------------

ORDER_CELLS = [
    new_markdown_cell("# Doubling", id="m"),
    cell("a", "x = 1", 1),
    cell("b", "y = x * 2\nprint(y)", 3, "20\n"),
    cell("c", "x = 10", 2),
]


def test_a_cell_that_read_a_name_from_a_cell_below_is_out_of_order(tmp_path: Path) -> None:
    history = [
        ran("a", "x = 1", 1, defined=["x"]),
        ran("c", "x = 10", 2, rebound=["x"]),
        ran("b", "y = x * 2\nprint(y)", 3, defined=["y"]),
    ]
    report = check(tmp_path, ORDER_CELLS, history)
    finding = only(report, "out-of-order")
    assert finding.proof == "recorded"
    assert finding.severity is Severity.ERROR
    assert (finding.cell, finding.cell_id, finding.line) == (3, "b", 1)
    assert "`x` from cell 4 [2]" in finding.message
    assert "top to bottom: from cell 2 [1]" in finding.message
    assert finding.message.endswith(PROVEN)
    assert finding.hint
    # the inferred out-of-order (cell 4) and stale-output (cell 3) gave way to the record
    assert of_kind(report, "stale-output") == []
    assert not report.reproducible


def test_the_same_cells_run_in_order_are_clean(tmp_path: Path) -> None:
    cells = [ORDER_CELLS[0], cell("a", "x = 1", 1), cell("b", "y = x * 2\nprint(y)", 2, "2\n"),
             cell("c", "x = 10", 3)]  # fmt: skip
    history = [
        ran("a", "x = 1", 1, defined=["x"]),
        ran("b", "y = x * 2\nprint(y)", 2, defined=["y"]),
        ran("c", "x = 10", 3, rebound=["x"]),
    ]
    report = check(tmp_path, cells, history)
    assert report.findings == ()


def test_cells_the_records_do_not_cover_keep_the_inference(tmp_path: Path) -> None:
    """Only cell 2's run was recorded (the recorder was loaded late): cells 3 and 4 keep the
    findings their stored counts imply."""
    report = check(tmp_path, ORDER_CELLS, [ran("a", "x = 1", 1, defined=["x"])])
    assert recorded(report) == []
    inferred = {(f.kind, f.cell) for f in report.findings}
    assert {("out-of-order", 4), ("stale-output", 3)} <= inferred


def test_a_record_that_disagrees_with_the_stored_count_does_not_cover_the_cell(
    tmp_path: Path,
) -> None:
    history = [
        ran("a", "x = 1", 1, defined=["x"]),
        ran("c", "x = 10", 2, rebound=["x"]),
        ran("b", "y = x * 2\nprint(y)", 7, defined=["y"]),  # the notebook shows [3]
    ]
    report = check(tmp_path, ORDER_CELLS, history)
    assert [f.proof for f in of_kind(report, "out-of-order")] == ["inferred"]


def test_no_duplicate_between_inferred_and_recorded_order_findings(tmp_path: Path) -> None:
    history = [
        ran("a", "x = 1", 1, defined=["x"]),
        ran("c", "x = 10", 2, rebound=["x"]),
        ran("b", "y = x * 2\nprint(y)", 3, defined=["y"]),
    ]
    report = check(tmp_path, ORDER_CELLS, history)
    without = check(tmp_path, ORDER_CELLS, None)
    assert {f.kind for f in without.findings} == {"out-of-order", "stale-output"}
    assert [(f.kind, f.proof) for f in report.findings] == [("out-of-order", "recorded")]


def test_counts_that_look_out_of_order_after_a_restart_are_cleared_by_the_record(
    tmp_path: Path,
) -> None:
    """After a restart the counts start again at 1: the counts suggest cell 3 ran before cell 2,
    the record says it ran in a new session, after cell 2's."""
    cells = [
        cell("a", "x = 1", 1),
        cell("b", "print(x)", 2, "1\n"),
        cell("c", "w = 5", 1),
        cell("d", "print(w)", 2, "5\n"),
    ]
    history = [
        ran("a", "x = 1", 1, defined=["x"]),
        ran("b", "print(x)", 2),
        ran("c", "w = 5", 3, defined=["w"]),
        ran("d", "print(w)", 4),
        ran("c", "w = 5", 1, session="s2", defined=["w"]),
        ran("d", "print(w)", 2, session="s2"),
    ]
    assert [f.kind for f in check(tmp_path, cells, None).findings] == ["out-of-order"]
    assert check(tmp_path, cells, history).findings == ()


@pytest.mark.parametrize(("second", "expected"), [("s1", ["out-of-order"]), ("s2", [])])
def test_a_restart_empties_the_state(tmp_path: Path, second: str, expected: list[str]) -> None:
    """Cell 2 runs after cell 4 bound `x`: the same session, it read `x` from cell 4; after a
    restart nothing bound `x` (it failed with a NameError), so no cell provided it."""
    cells = [cell("a", "x = 1", 1), cell("b", "print(x)", 3), cell("c", "x = 10", 2)]
    history = [
        ran("a", "x = 1", 1, defined=["x"]),
        ran("c", "x = 10", 2, rebound=["x"]),
        ran("b", "print(x)", 3, session=second, status="ok" if second == "s1" else "error"),
    ]
    assert [f.kind for f in recorded(check(tmp_path, cells, history))] == expected


# --- inputs that changed after a cell ran --------------------------------------------------------

STALE_CELLS = [
    cell("a", "data = [1, 2]", 3),
    cell("b", "total = sum(data)\nprint(total)", 2, "3\n"),
]


def _stale_history(session: str = "s1") -> list[dict[str, Any]]:
    return [
        ran("a", "data = [1, 2]", 1, defined=["data"]),
        ran("b", "total = sum(data)\nprint(total)", 2, defined=["total"]),
        ran("a", "data = [1, 2]", 3 if session == "s1" else 1, session=session, rebound=["data"]),
    ]


def test_a_cell_above_binding_a_read_name_again_makes_the_output_stale(tmp_path: Path) -> None:
    report = check(tmp_path, STALE_CELLS, _stale_history())
    finding = only(report, "stale-input")
    assert (finding.severity, finding.proof, finding.cell, finding.cell_id) == (
        Severity.ERROR, "recorded", 2, "b",
    )  # fmt: skip
    assert "cell 1 [3] bound again `data`" in finding.message
    assert "stored output shows the old value" in finding.message
    assert finding.line == 1
    # the inferred stale-output gave way, and so did the inferred re-executed: the records
    # explain the gap in the counts (cell 1 ran twice, harmlessly)
    assert [(f.kind, f.proof) for f in report.findings] == [("stale-input", "recorded")]
    assert not report.reproducible


def test_stale_input_without_output_is_a_warning(tmp_path: Path) -> None:
    cells = [STALE_CELLS[0], cell("b", "total = sum(data)\nprint(total)", 2)]
    finding = only(check(tmp_path, cells, _stale_history()), "stale-input")
    assert finding.severity is Severity.WARNING


def test_a_cell_above_deleting_a_read_name_makes_the_output_stale(tmp_path: Path) -> None:
    cells = [
        cell("a", "data = [1, 2]", 1),
        cell("z", "del data", 3),
        cell("b", "print(data)", 2, "[1, 2]\n"),
    ]
    history = [
        ran("a", "data = [1, 2]", 1, defined=["data"]),
        ran("b", "print(data)", 2),
        ran("z", "del data", 3, deleted=["data"]),
    ]
    finding = only(check(tmp_path, cells, history), "stale-input")
    assert "cell 2 [3] deleted `data`" in finding.message


def test_a_restart_before_re_running_the_cell_above_is_not_stale(tmp_path: Path) -> None:
    """After a restart, running the cells above again leaves the outputs below as they were."""
    report = check(tmp_path, [cell("a", "data = [1, 2]", 1), STALE_CELLS[1]], _stale_history("s2"))
    assert recorded(report) == []


# --- code that ran but is no longer in the notebook ----------------------------------------------


def test_code_from_a_deleted_cell_that_a_cell_read_is_an_error(tmp_path: Path) -> None:
    cells = [new_markdown_cell("intro", id="m"), cell("b", "print(x)", 2, "41\n")]
    history = [ran("gone", "x = 41\n", 1, defined=["x"]), ran("b", "print(x)", 2)]
    report = check(tmp_path, cells, history, ["x = 41\n"])
    finding = only(report, "recorded-lost-code")
    assert (finding.severity, finding.cell, finding.cell_id) == (Severity.ERROR, 2, "b")
    assert "code in a cell since deleted (`x = 41`, run [1]) bound `x`" in finding.message
    assert "cell 2 [2]'s last run read `x` from it" in finding.message
    assert finding.message.endswith(PROVEN)
    assert "Restore the code" in finding.hint
    assert not report.reproducible


def test_code_of_an_edited_cell_that_a_cell_read_is_an_error_on_the_edited_cell(
    tmp_path: Path,
) -> None:
    cells = [cell("a", "x = 2", 1), cell("b", "print(x)", 2, "1\n")]
    history = [ran("a", "x = 1", 1, defined=["x"]), ran("b", "print(x)", 2)]
    report = check(tmp_path, cells, history, ["x = 1"])
    finding = only(report, "recorded-lost-code")
    assert (finding.severity, finding.cell, finding.cell_id) == (Severity.ERROR, 1, "a")
    assert "cell 1's code before it was edited (`x = 1`, run [1])" in finding.message


def test_lost_code_set_again_by_code_in_the_notebook_is_only_info(tmp_path: Path) -> None:
    """Edited and run again before anything read it: the usual way of writing a notebook."""
    cells = [cell("a", "x = 2", 2), cell("b", "print(x)", 3, "2\n")]
    history = [
        ran("a", "x = 1", 1, defined=["x"]),
        ran("a", "x = 2", 2, rebound=["x"]),
        ran("b", "print(x)", 3),
    ]
    report = check(tmp_path, cells, history)
    finding = only(report, "recorded-lost-code")
    assert (finding.severity, finding.cell) == (Severity.INFO, 1)
    assert "set that again since" in finding.message
    assert report.reproducible


def test_lost_code_whose_names_the_kernel_still_holds_is_a_warning(tmp_path: Path) -> None:
    history = [*CLEAN_HISTORY, ran("scratch", "tmp = [0]", 5, defined=["tmp"])]
    report = check(tmp_path, CLEAN, history, ["tmp = [0]"])
    finding = only(report, "recorded-lost-code")
    assert (finding.severity, finding.cell, finding.cell_id) == (Severity.WARNING, None, None)
    assert "bound `tmp`" in finding.message
    assert report.reproducible


def test_lost_code_that_bound_nothing_is_info(tmp_path: Path) -> None:
    history = [*CLEAN_HISTORY, ran("scratch", "print('hi')", 5)]
    finding = only(check(tmp_path, CLEAN, history), "recorded-lost-code")
    assert finding.severity is Severity.INFO
    assert "bound no names" in finding.message


def test_lost_code_before_a_restart_is_only_info(tmp_path: Path) -> None:
    history = [
        ran("scratch", "tmp = [0]", 1, defined=["tmp"]),
        *[{**record, "session": "s2"} for record in CLEAN_HISTORY],
    ]
    finding = only(check(tmp_path, CLEAN, history), "recorded-lost-code")
    assert finding.severity is Severity.INFO


def test_lost_code_read_before_a_restart_but_not_after_is_not_an_error(tmp_path: Path) -> None:
    """The reader's last run is in the new session, where the lost code never ran."""
    history = [
        ran("scratch", "x = [9]", 1, defined=["x"]),
        ran("b", "y = len(x)\nprint(y)", 2, defined=["y"]),
        *[{**record, "session": "s2"} for record in CLEAN_HISTORY],
    ]
    finding = only(check(tmp_path, CLEAN, history), "recorded-lost-code")
    assert finding.severity is Severity.INFO


def test_versions_of_one_edited_cell_make_one_finding(tmp_path: Path) -> None:
    cells = [cell("a", "x = 3", 3), cell("b", "print(x)", 4, "3\n")]
    history = [
        ran("a", "x = 1", 1, defined=["x"]),
        ran("a", "x = 2", 2, rebound=["x"]),
        ran("a", "x = 3", 3, rebound=["x"]),
        ran("b", "print(x)", 4),
    ]
    finding = only(check(tmp_path, cells, history, ["x = 1", "x = 2"]), "recorded-lost-code")
    assert "(`x = 2`, the last of 2 versions, runs [1], [2])" in finding.message


# --- data files that changed since they were read --------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _reading(path: str, data: bytes) -> dict[str, Any]:
    return {"path": path, "size": len(data), "mtime": "2026-11-20T09:00:00Z", "sha256": _sha(data)}


READER = "rows = open('data.csv').read().splitlines()\nprint(len(rows))"


def test_a_data_file_that_changed_on_disk_since_the_run(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_bytes(b"a,b\n1,3\n")  # same size, other content
    history = [ran("a", READER, 1, defined=["rows"], files=[_reading("data.csv", b"a,b\n1,2\n")])]
    report = check(tmp_path, [cell("a", READER, 1, "2\n")], history)
    finding = only(report, "changed-data")
    assert (finding.severity, finding.proof, finding.cell) == (Severity.WARNING, "recorded", 1)
    assert "`data.csv` (its content differs now" in finding.message
    assert report.reproducible


def test_a_data_file_of_another_size_since_the_run(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_bytes(b"a,b\n1,2\n3,4\n")
    history = [ran("a", READER, 1, defined=["rows"], files=[_reading("data.csv", b"a,b\n1,2\n")])]
    finding = only(check(tmp_path, [cell("a", READER, 1, "2\n")], history), "changed-data")
    assert "it is 12 bytes now, 8 when it ran" in finding.message


def test_an_unchanged_data_file_or_a_missing_one_is_no_finding(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_bytes(b"a,b\n1,2\n")
    files = [_reading("data.csv", b"a,b\n1,2\n"), _reading("elsewhere.csv", b"x")]
    history = [ran("a", READER, 1, defined=["rows"], files=files)]
    assert check(tmp_path, [cell("a", READER, 1, "2\n")], history).findings == ()


def test_files_outside_the_notebooks_folder_are_never_read(tmp_path: Path) -> None:
    notebook_dir = tmp_path / "nb"
    notebook_dir.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"changed since")
    files = [_reading(str(outside), b"original"), _reading("../secret.txt", b"original")]
    history = [ran("a", READER, 1, defined=["rows"], files=files)]
    assert check(notebook_dir, [cell("a", READER, 1, "2\n")], history).findings == ()


def test_a_later_run_reading_other_content_proves_the_data_changed(tmp_path: Path) -> None:
    again = "rows2 = open('data.csv').read()"
    cells = [cell("a", READER, 1, "2\n"), cell("b", again, 2)]
    history = [
        ran("a", READER, 1, defined=["rows"], files=[_reading("data.csv", b"a,b\n1,2\n")]),
        ran("b", again, 2, defined=["rows2"], files=[_reading("data.csv", b"a,b\n9,9\n")]),
    ]
    finding = only(check(tmp_path, cells, history), "changed-data")
    assert finding.cell == 1
    assert "cell 2 [2] read other content from it later" in finding.message


def test_files_are_hashed_streaming_and_only_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 3_000_000)  # several chunks
    assert file_sha256(str(path)) == _sha(b"x" * 3_000_000)
    assert file_sha256(str(path), limit=1_000_000) is None
    assert file_sha256(str(tmp_path / "missing.bin")) is None


# --- how recorded findings are shown -------------------------------------------------------------


def test_text_and_json_say_a_finding_is_recorded(tmp_path: Path) -> None:
    report = check(tmp_path, STALE_CELLS, _stale_history())
    finding = only(report, "stale-input")
    assert "[error] (recorded) cell 2 [2]'s last run read" in render_finding(
        "nb.ipynb", finding, Style()
    )
    assert finding.to_dict()["proof"] == "recorded"
    inferred = only(check(tmp_path, STALE_CELLS, None), "stale-output")
    assert "(recorded)" not in render_finding("nb.ipynb", inferred, Style())


def test_every_recorded_finding_says_it_is_proven(tmp_path: Path) -> None:
    history = [*CLEAN_HISTORY, ran("scratch", "tmp = [0]", 5, defined=["tmp"])]
    for report in (
        check(tmp_path, CLEAN, history),
        check(tmp_path, STALE_CELLS, _stale_history()),
    ):
        assert recorded(report)
        for finding in recorded(report):
            assert finding.message.endswith(PROVEN)
            assert finding.hint


def test_odd_records_are_used_as_far_as_they_go(tmp_path: Path) -> None:
    """No cell ids, no counts, no sessions, unknown files, failed runs: nothing breaks."""
    odd = [
        {**ran(None, "x = [1, 2]", 1, defined=["x"]), "execution_count": None, "session": None},
        {**ran(None, "print(x)", 2, status="error"), "session": None},
        ran("nowhere", "", 3, files=[{"path": "gone.csv", "size": None, "sha256": None}]),
        {"source_hash": 7, "cell_id": "junk"},
        ran("a", "x = [1, 2]", 4, files=[{"path": "", "sha256": "zz"}]),
    ]
    cells = [cell("a", "x = [1, 2]", 4), cell("b", "print(x)", 2)]
    report = check(tmp_path, cells, odd)
    assert {f.kind for f in recorded(report)} <= {"recorded-lost-code"}


# --- end to end: a real kernel with the recorder ----------------------------------------------


@pytest.mark.kernel
def test_a_real_recorded_out_of_order_run_is_proven(tmp_path: Path) -> None:
    """A real kernel runs cell 3 before cell 2; the saved records prove what cell 2 read."""
    from nb2prod.recorder.metadata import merge
    from recording import RecordingKernel

    sources = {"a": "x = 1", "b": "y = x * 2", "c": "x = 10"}
    counts: dict[str, int] = {}
    with RecordingKernel(str(tmp_path)) as kernel:
        for cell_id in ("a", "c", "b"):
            reply = kernel.run(sources[cell_id], cell_id)
            assert reply["status"] == "ok", reply
            counts[cell_id] = reply["execution_count"]
        state = kernel.state()
    notebook = new_notebook(
        cells=[cell(i, sources[i], counts[i]) for i in ("a", "b", "c")],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path = tmp_path / "recorded.ipynb"
    nbformat.write(nbformat.from_dict(merge(notebook, state)), str(path))
    report = check_notebook(load(path))
    finding = only(report, "out-of-order")
    assert (finding.proof, finding.cell, finding.cell_id) == ("recorded", 2, "b")
    assert f"`x` from cell 3 [{counts['c']}]" in finding.message
    assert recorded(report) == [finding]
