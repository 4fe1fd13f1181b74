"""The environment comparison's core: which recorded environment made each cell's outputs, the
rows against a live record, the cells to mark, the verdict. Notebooks are built in
``recorder/FORMAT.md``'s shape (``envcompare_data``; its H100 record is SYNTHETIC)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from envcompare_data import CODE, H100, LAPTOP, elsewhere, execution, imports, write
from nb2prod.envcells import code_cell
from nb2prod.envcompare import Comparison, compare, compare_notebook
from nb2prod.envverdict import NO_RECORD
from nb2prod.notebook import from_dict, load
from nb2prod.records import read_records


def compared(notebook: dict[str, Any], live: dict[str, Any] = LAPTOP, **options: Any) -> Comparison:
    return compare_notebook(from_dict(json.loads(json.dumps(notebook))), live, **options)


def table(comparison: Comparison) -> dict[str, tuple[str | None, str | None, str]]:
    return {r.label: (r.recorded, r.live, r.status) for r in comparison.rows}


def test_a_notebook_recorded_on_an_h100_against_a_cpu_laptop() -> None:
    found = compared(elsewhere())
    assert table(found) == {
        "Python": ("3.11.9", "3.12.3", "changed"),
        "CPU": ("Intel(R) Xeon(R) Platinum 8480+", "Apple M3", "changed"),
        "GPU": ("NVIDIA H100 80GB HBM3", None, "missing"),
        "GPU driver": ("550.54.15", None, "missing"),
        "CUDA": ("12.4", None, "missing"),
        "cuDNN": ("8902", None, "missing"),
        "numpy": ("1.26.4", "2.4.6", "changed"),
        "scikit-learn": ("1.5.2", "1.5.2", "same"),
    }  # no row for helpers: the recorder saw it outside any distribution
    assert found.state == "different"
    assert found.differs
    assert found.environment == H100["id"]
    assert found.verdict == (
        "Outputs made on another machine: 7 differences (numpy 1.26.4 -> 2.4.6, "
        "GPU NVIDIA H100 80GB HBM3 -> none (no NVIDIA driver), CUDA 12.4 -> none, "
        "Python 3.11.9 -> 3.12.3, and 3 more)"
    )
    assert [(m.cell.number, m.reasons) for m in found.marked] == [
        (2, ("differs",)), (3, ("differs",)), (5, ("differs",)), (6, ("differs",))
    ]  # fmt: skip
    assert not found.unrecorded


def test_package_rows_are_the_notebooks_own_imports_mapped_to_distributions() -> None:
    """sklearn is scikit-learn; json is the standard library; scipy and joblib, which the
    recorder saw imported by sklearn, are not the notebook's imports."""
    found = compared(elsewhere())
    assert [r.label for r in found.rows if r.kind == "package"] == ["numpy", "scikit-learn"]


def test_without_a_record_local_modules_are_left_out_by_the_face() -> None:
    notebook = elsewhere()
    del notebook["metadata"]["nb2prod"]
    assert "helpers" in table(compared(notebook))  # nothing says helpers is local
    local = compared(notebook, is_local=lambda module: module == "helpers")
    assert [r.label for r in local.rows if r.kind == "package"] == ["numpy", "scikit-learn"]


def test_differences_come_first_then_the_rest_in_table_order() -> None:
    live = copy.deepcopy(H100)
    live["packages"]["numpy"] = "2.4.6"
    found = compared(elsewhere(), live, is_local=lambda module: module == "helpers")
    assert [(r.label, r.status) for r in found.rows] == [
        ("numpy", "changed"), ("Python", "same"), ("CPU", "same"), ("GPU", "same"),
        ("GPU driver", "same"), ("CUDA", "same"), ("cuDNN", "same"), ("scikit-learn", "same"),
    ]  # fmt: skip
    assert found.verdict == (
        "Outputs made in another environment: 1 difference (numpy 1.26.4 -> 2.4.6)"
    )


def test_the_same_environment_gives_no_difference() -> None:
    found = compared(elsewhere(env=LAPTOP), LAPTOP, is_local=lambda module: module == "helpers")
    assert found.verdict == "Outputs made in this environment"
    assert found.state == "same"
    assert not found.marked
    assert {r.status for r in found.rows} == {"same"}
    assert table(found)["GPU"] == (None, None, "same")  # no GPU on either side: a fact


def test_a_gpu_appearing_is_new() -> None:
    found = compared(elsewhere(env=LAPTOP), H100)
    assert table(found)["GPU"] == (None, "NVIDIA H100 80GB HBM3", "new")
    assert "GPU none (no NVIDIA driver) -> NVIDIA H100 80GB HBM3" in found.verdict


def test_a_live_record_where_nvml_could_not_tell_says_unknown_not_none() -> None:
    live = {**LAPTOP, "gpu": {"available": False, "reason": "pynvml not installed"}}
    found = compared(elsewhere(), live)
    assert table(found)["GPU"] == ("NVIDIA H100 80GB HBM3", None, "unknown")
    gpu = next(r for r in found.rows if r.kind == "gpu")
    assert gpu.live_text == "unknown (pynvml not installed)"
    assert "GPU" not in found.verdict


def test_without_cell_ids_cells_are_matched_by_their_code() -> None:
    notebook = elsewhere(with_ids=False)
    assert all("id" not in cell for cell in notebook["cells"])
    notebook["cells"][2]["source"] = "x = np.arange(6)\nprint(x.sum())"  # edited since it ran
    found = compared(notebook)
    assert [c.number for c in found.sources[0].cells] == [2, 5, 6]
    assert [c.number for c in found.unrecorded] == [3]
    assert [m.cell.number for m in found.marked] == [2, 5, 6]


def test_with_cell_ids_an_edited_cell_keeps_the_run_that_made_its_outputs() -> None:
    notebook = elsewhere(with_ids=True)
    notebook["cells"][2]["source"] = "x = np.arange(6)\nprint(x.sum())"
    found = compared(notebook)
    assert [(c.number, c.id) for c in found.sources[0].cells] == [
        (2, "cell-1"), (3, "cell-2"), (5, "cell-3"), (6, "cell-4")
    ]  # fmt: skip
    assert not found.unrecorded


def test_a_cell_re_run_after_a_package_changed_gives_two_environments() -> None:
    """Cell 3 ran again after ``pip install numpy==2.4.6``: its output is the new environment's,
    the others' the old one's."""
    notebook = elsewhere(with_ids=True)
    upgraded = copy.deepcopy(H100)
    upgraded["packages"]["numpy"] = "2.4.6"
    upgraded["id"] = "b1b2b3b4b5b6b7b8"
    metadata = notebook["metadata"]["nb2prod"]
    metadata["environments"][upgraded["id"]] = upgraded
    metadata["history"].append(execution(CODE[1][0], 5, upgraded, "cell-2"))
    notebook["cells"][2]["execution_count"] = 5
    found = compared(notebook, upgraded, is_local=lambda module: module == "helpers")
    assert [(s.environment, [c.number for c in s.cells]) for s in found.sources] == [
        (upgraded["id"], [3]), (H100["id"], [2, 5, 6])
    ]  # fmt: skip
    assert [s.to_dict()["differences"] for s in found.sources] == [0, 1]
    assert found.environment == upgraded["id"]
    assert [(m.cell.number, m.reasons) for m in found.marked] == [
        (2, ("differs", "mixed")), (5, ("differs", "mixed")), (6, ("differs", "mixed"))
    ]  # fmt: skip
    assert found.state == "different"
    assert found.verdict == (
        "Outputs made in 2 environments: cell 3 in this environment; cells 2, 5, 6 in another "
        "environment, 1 difference (numpy 1.26.4 -> 2.4.6)"
    )


def test_the_execution_count_shown_picks_the_run_that_made_the_outputs() -> None:
    """The same code ran in two environments; the cell shows count 1, the older run's."""
    notebook = elsewhere()
    metadata = notebook["metadata"]["nb2prod"]
    metadata["environments"][LAPTOP["id"]] = LAPTOP
    metadata["history"].append(execution(CODE[0][0], 9, LAPTOP))
    found = compared(notebook)
    assert [s.environment for s in found.sources] == [H100["id"]]


def test_hostile_metadata_values_are_left_out_never_shown() -> None:
    hostile = "<img src=x onerror=alert(1)>\x1b[2J"
    notebook = elsewhere()
    env = notebook["metadata"]["nb2prod"]["environments"][H100["id"]]
    env["gpu"]["devices"][0]["name"] = hostile
    env["gpu"]["driver_version"] = "550; rm -rf ~"
    env["packages"]["numpy"] = "1.26.4\n--index-url https://evil.example"
    env["packages"][hostile] = "1.0"
    env["python"]["version"] = {"nested": hostile}
    live = copy.deepcopy(LAPTOP)
    live["cpu"]["model"] = hostile
    live["packages"]["scikit-learn"] = "1.5.2 && curl evil"
    found = compared(notebook, live)
    text = json.dumps(found.to_dict())
    for bad in ("onerror", "rm -rf", "evil", "\\u001b", "nested"):
        assert bad not in text
    rows = table(found)
    assert rows["GPU"] == (None, None, "unknown")
    assert rows["GPU driver"] == (None, None, "unknown")
    assert rows["numpy"] == ("1.26.4", "2.4.6", "changed")  # the version the run imported
    assert rows["Python"] == (None, "3.12.3", "unknown")
    assert rows["CPU"] == ("Intel(R) Xeon(R) Platinum 8480+", None, "unknown")
    assert rows["scikit-learn"] == ("1.5.2", None, "missing")
    whats = {n["what"] for n in found.to_dict()["notices"]}
    assert "recorded environment's gpu.devices.name" in whats
    assert "live environment's cpu.model" in whats
    assert "live version of 'scikit-learn'" in whats
    assert "recorded version of 'numpy'" in whats
    assert all(set(n) == {"what", "reason"} for n in found.to_dict()["notices"])


def test_a_hostile_cell_id_is_not_shown() -> None:
    cells = [code_cell(0, "<b>\x00</b>", "x = 1", 1), code_cell(1, "ok-id", "y = 2", 2)]
    assert [c.ref.id for c in cells] == [None, "ok-id"]
    assert cells[0].ref.number == 1


def test_no_record_at_all() -> None:
    notebook = elsewhere()
    del notebook["metadata"]["nb2prod"]
    found = compared(notebook, is_local=lambda module: module == "helpers")
    assert found.verdict == NO_RECORD
    assert found.state == "unrecorded"
    assert not found.differs
    assert found.environment is None
    assert not found.sources
    assert not found.marked
    assert table(found)["numpy"] == (None, "2.4.6", "unknown")
    assert table(found)["scikit-learn"] == (None, "1.5.2", "unknown")
    assert {r.status for r in found.rows} == {"unknown"}
    assert found.rows[0].recorded_text == "unknown"


def test_records_that_match_no_cell_compare_the_newest_record() -> None:
    notebook = elsewhere()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["source"] += "\n# edited"
    found = compared(notebook)
    assert not found.sources
    assert len(found.unrecorded) == 4
    assert found.environment == H100["id"]
    assert found.verdict.startswith(
        "No recorded run matches the cells' current code; the newest record was made on another "
        "machine: 7 differences"
    )


def test_to_dict_has_the_documented_shape() -> None:
    found = compared(elsewhere(with_ids=True)).to_dict()
    assert set(found) == {"verdict", "state", "environment", "differences", "rows", "sources",
                          "marked", "unrecorded", "notices"}  # fmt: skip
    assert found["differences"] == 7
    assert set(found["rows"][0]) == {"label", "kind", "recorded", "live", "status",
                                     "recorded_text", "live_text"}  # fmt: skip
    assert set(found["sources"][0]) == {"environment", "recorded", "cells", "differences", "rows"}
    assert found["marked"][0] == {"number": 2, "id": "cell-1", "environment": H100["id"],
                                  "reasons": ["differs"]}  # fmt: skip
    assert json.loads(json.dumps(found)) == found


def test_the_core_takes_records_and_cells_without_a_notebook() -> None:
    records = read_records(elsewhere()["metadata"])
    cells = [code_cell(i, None, source, i + 1) for i, (source, _) in enumerate(CODE)]
    found = compare(records, cells, ["numpy", "sklearn"], LAPTOP)
    assert [c.number for c in found.sources[0].cells] == [1, 2, 3, 4]
    assert table(found)["scikit-learn"] == ("1.5.2", "1.5.2", "same")


def test_imports_records_the_versions_of_the_environment() -> None:
    assert imports(H100, [("numpy", "numpy")]) == [
        {"module": "numpy", "distribution": "numpy", "version": "1.26.4"}
    ]


def test_a_saved_notebook_loads_and_compares(tmp_path: Path) -> None:
    path = write(tmp_path, elsewhere())
    found = compare_notebook(load(path), LAPTOP)
    assert found.environment == H100["id"]
