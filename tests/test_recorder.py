"""The kernel recorder in a real IPython kernel: what each execution records, the comm to the
front end, and the records saved into a notebook."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Any

import nbformat
import pytest

from nb2prod.recorder.metadata import merge
from nb2prod.records import read_records, source_hash
from recording import RecordingKernel

pytestmark = pytest.mark.kernel


def _history(kernel: RecordingKernel) -> list[dict[str, Any]]:
    return kernel.state()["history"]  # type: ignore[no-any-return]


def test_out_of_order_runs_and_reruns_are_recorded_in_the_order_they_ran(tmp_path: Path) -> None:
    cells = {"a": "x = 1", "b": "y = x * 2", "c": "del y"}
    order = ["a", "b", "a", "c", "b"]
    with RecordingKernel(str(tmp_path)) as kernel:
        kernel.run("x = 10", "a")  # the first run of "a" had other code: it was edited since
        for cell in order:
            assert kernel.run(cells[cell], cell)["status"] == "ok"
        history = _history(kernel)
    assert [h["cell_id"] for h in history] == ["a", *order]
    assert [h["execution_count"] for h in history] == [1, 2, 3, 4, 5, 6]
    assert history[0]["source_hash"] == source_hash("x = 10")
    assert [h["source_hash"] for h in history[1:]] == [source_hash(cells[c]) for c in order]
    assert history[0]["defined"] == ["x"]
    assert history[1]["rebound"] == ["x"]  # 10 → 1
    assert history[2]["defined"] == ["y"]
    assert history[4]["deleted"] == ["y"]
    assert history[5]["defined"] == ["y"]
    assert len({h["session"] for h in history}) == 1
    assert all(h["status"] == "ok" and h["duration_ms"] >= 0 for h in history)


def test_errors_silent_requests_and_seeds(tmp_path: Path) -> None:
    with RecordingKernel(str(tmp_path)) as kernel:
        kernel.request("hidden = 1", silent=True)
        kernel.run("import random\nrandom.seed(1234)\nvalue = 1 / 0", "e")
        kernel.run("ok = hidden", "f")
        history = _history(kernel)
    assert [h["cell_id"] for h in history] == ["e", "f"]
    assert history[0]["status"] == "error"
    assert history[0]["error"] == "ZeroDivisionError"
    assert history[0]["seeds"] == [{"call": "random.seed", "args": "1234"}]
    assert history[1]["defined"] == ["ok"]  # `hidden` came from a silent request, not from "e"


def test_a_package_imported_mid_session_is_recorded_with_its_version(tmp_path: Path) -> None:
    with RecordingKernel(str(tmp_path)) as kernel:
        kernel.run("import json, email.mime.text", "stdlib")
        kernel.run("import docker", "third")
        history = _history(kernel)
    assert history[0]["imports"] == []
    found = {i["module"]: i for i in history[1]["imports"]}
    assert found["docker"] == {
        "module": "docker",
        "distribution": "docker",
        "version": importlib.metadata.version("docker"),
    }
    assert "json" not in found


def test_an_install_during_the_session_makes_a_new_environment(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    with RecordingKernel(str(tmp_path)) as kernel:
        kernel.run(f"import sys\nsys.path.insert(0, {str(site)!r})", "path")
        kernel.run(f"import os\nos.mkdir({str(site / 'fresh_pkg-1.2.3.dist-info')!r})", "pip")
        kernel.run("z = 1", "after")
        state = kernel.state()
    first, *_, last = state["history"]
    assert first["environment"] != last["environment"]
    assert state["environments"][last["environment"]]["packages"]["fresh-pkg"] == "1.2.3"
    assert "fresh-pkg" not in state["environments"][first["environment"]]["packages"]


def test_data_files_read_are_recorded_with_their_hash_not_code_or_library_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "helpers.py").write_text("VALUE = 3\n")
    code = (
        "import pathlib, helpers, email.parser\n"
        "text = open('data.csv').read()\n"
        "again = pathlib.Path('data.csv').read_text()\n"
    )
    with RecordingKernel(str(tmp_path)) as kernel:
        kernel.run(code, "read")
        kernel.run("with open('out.txt', 'w') as handle: handle.write('x')", "write")
        history = _history(kernel)
    import hashlib

    expected = hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert [(f["path"], f["size"], f["sha256"]) for f in history[0]["files"]] == [
        ("data.csv", 8, expected)
    ]
    assert history[1]["files"] == []  # opened for writing only
    assert history[1]["writes"] == ["out.txt"]
    assert history[0]["writes"] == []
    assert {i["module"]: i["distribution"] for i in history[0]["imports"]} == {"helpers": None}


def test_a_file_written_then_read_back_is_no_input(tmp_path: Path) -> None:
    """Written, then read in the same execution or a later one: the notebook's own product."""
    (tmp_path / "kept.csv").write_text("old\n")
    with RecordingKernel(str(tmp_path)) as kernel:
        kernel.run(
            "import numpy as np\nnp.save('m.npy', np.eye(2))\nback = np.load('m.npy')\n"
            "text = open('kept.csv').read()\nopen('kept.csv', 'w').write('new')",
            "save-load",
        )
        kernel.run("again = np.load('m.npy')", "later")
        history = _history(kernel)
    assert [f["path"] for f in history[0]["files"]] == ["kept.csv"]  # read before written
    assert history[0]["writes"] == ["m.npy", "kept.csv"]
    assert [f["path"] for f in history[1]["files"]] == ["m.npy"]  # recorded; convert skips it


def test_the_comm_sends_the_state_then_each_execution_and_answers_snapshots(
    tmp_path: Path,
) -> None:
    with RecordingKernel(str(tmp_path)) as kernel:
        kernel.run("before = 1", "one")
        comm = kernel.open_comm()
        kernel.run("after = 2", "two")
        kernel.run("later = 3", "three")
        kernel.send_comm(comm, {"type": "snapshot"})
        messages = kernel.comm_messages
    assert [m["type"] for m in messages] == ["state", "execution", "execution", "environment"]
    state, two, three, snapshot = messages
    assert [h["cell_id"] for h in state["history"]] == ["one"]
    assert state["sources"] == {source_hash("before = 1"): "before = 1"}
    assert two["execution"]["cell_id"] == "two"
    assert two["source"] == "after = 2"
    assert two["environment"] is None  # already sent in the state
    assert three["execution"]["environment"] in state["environments"]
    assert snapshot["environment"]["python"]["version"]


def test_a_failing_recorder_never_breaks_the_users_cell(tmp_path: Path) -> None:
    with RecordingKernel(str(tmp_path)) as kernel:
        kernel.request(
            "import nb2prod.recorder.execution as e\n"
            "def broken(*args): raise RuntimeError('recorder bug')\n"
            "e.names_changed = broken",
            silent=True,
        )
        reply = kernel.run("result = 6 * 7\nresult", "cell")
        check = kernel.request("", silent=True, user_expressions={"r": "result"})
        state = kernel.state()
    assert reply["status"] == "ok"
    assert check["user_expressions"]["r"]["data"]["text/plain"] == "42"
    assert state["history"] == []
    assert any("recorder bug" in failure for failure in state["failures"])


def test_records_saved_in_a_notebook_keep_code_only_for_cells_gone(tmp_path: Path) -> None:
    with RecordingKernel(str(tmp_path)) as kernel:
        kernel.run("x = 1", "keep")
        kernel.run("y = 2", "gone")
        kernel.run("x = 5", "edited")
        state = kernel.state()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("x = 1", id="keep"),
        nbformat.v4.new_code_cell("x = 6", id="edited"),
    ]
    saved = merge(notebook, state)
    nbformat.validate(nbformat.from_dict(saved))
    records = read_records(saved["metadata"])
    assert records is not None
    assert [e.cell_id for e in records.history] == ["keep", "gone", "edited"]
    assert records.sources == {source_hash("y = 2"): "y = 2", source_hash("x = 5"): "x = 5"}
    assert saved["cells"][0]["metadata"]["nb2prod"]["execution_count"] == 1
    assert saved["cells"][1]["metadata"]["nb2prod"]["source_hash"] == source_hash("x = 5")
    assert records.current is not None
    assert records.current.python_version
    again = merge(saved, state)  # the same session saved twice: no duplicates
    assert again["metadata"]["nb2prod"]["history"] == saved["metadata"]["nb2prod"]["history"]
    assert notebook.cells[0].metadata == {}  # the input is not changed
