"""Every finding kind's teaching (``nb2prod.kinds_teaching``) proven on real notebook files.

Each bad example, written as the notebook it shows, must give its kind with nb2prod's real check,
and each good one must not. An example that says how it was run is also replayed in a real
IPython kernel with nb2prod's recorder: the kernel must give the counts and outputs the example
shows, and the notebook with the kernel's records merged in must give (bad) or not give (good)
the kind; that is the only way the recorded kinds are found.
"""

from __future__ import annotations

import queue
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output, output_from_msg

from nb2prod import secretscan
from nb2prod.analysis import check_notebook
from nb2prod.findings import Report, Severity
from nb2prod.kinds import BY_NAME, KINDS
from nb2prod.kinds_teaching import TEACHING, DataFile, Example, ExampleCell, Run
from nb2prod.notebook import load
from nb2prod.recorder.metadata import merge
from recording import RecordingKernel

RECORDED = sorted(k.name for k in KINDS if k.recorded)
STATIC = sorted(k.name for k in KINDS if not k.recorded)
REPLAYED = sorted(name for name, t in TEACHING.items() if t.bad.runs)
#: Kinds inferred from the counts that the records also prove, in the recorded form.
PROVEN_TOO = {"out-of-order", "re-executed"}
METADATA = {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
}


def _cell_id(number: int) -> str:
    return f"cell-{number}"


def _outputs(cell: ExampleCell) -> list[Any]:
    outputs = []
    if cell.printed is not None:
        outputs.append(new_output("stream", name="stdout", text=cell.printed + "\n"))
    if cell.error is not None:
        name, _, value = cell.error.partition(": ")
        outputs.append(new_output("error", ename=name, evalue=value, traceback=[cell.error]))
    return outputs


def _notebook(example: Example, outputs: list[list[Any]], counts: list[int | None]) -> Any:
    cells = [
        new_code_cell(cell.source, id=_cell_id(number), execution_count=counts[number - 1],
                      outputs=outputs[number - 1],
                      metadata={"tags": list(cell.tags)} if cell.tags else {})
        for number, cell in enumerate(example.cells, 1)
    ]  # fmt: skip
    notebook = new_notebook(cells=cells, metadata=METADATA)
    nbformat.validate(notebook)
    return notebook


def _write(folder: Path, data: DataFile) -> None:
    (folder / data.path).parent.mkdir(parents=True, exist_ok=True)
    (folder / data.path).write_text(data.content)


def check_as_shown(example: Example, folder: Path) -> Report:
    """Write the notebook exactly as the example shows it (no records) and check it."""
    folder.mkdir(parents=True, exist_ok=True)
    for data in (*example.files, *example.runs):  # the data files as they are after the runs
        if isinstance(data, DataFile):
            _write(folder, data)
    notebook = _notebook(
        example, [_outputs(c) for c in example.cells], [c.count for c in example.cells]
    )
    path = folder / "example.ipynb"
    nbformat.write(notebook, str(path))
    return check_notebook(load(path))


class _Replay(RecordingKernel):
    """A recording kernel that also keeps what each cell shows, as JupyterLab stores it."""

    def __init__(self, cwd: str) -> None:
        self.shown: list[Any] = []
        super().__init__(cwd)

    def run(self, code: str, cell_id: str | None = None) -> dict[str, Any]:
        self.shown = []
        return super().run(code, cell_id)

    def _drain(self, msg_id: str) -> None:
        while True:
            try:
                message = self.client.get_iopub_msg(timeout=30)
            except queue.Empty:
                return
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            if kind in ("stream", "execute_result", "display_data", "error"):
                self.shown.append(output_from_msg(message))
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                return


def replay(example: Example, folder: Path) -> tuple[Report, list[tuple[Any, ...]]]:
    """Run the example's steps in a real recording kernel (cwd: the notebook's folder), save
    the notebook with what each cell last showed and the kernel's records, and check it. Also
    returns, per cell, the count, printed text and error the kernel really gave."""
    folder.mkdir(parents=True, exist_ok=True)
    for data in example.files:
        _write(folder, data)
    cells = example.cells
    counts: list[int | None] = [None] * len(cells)
    outputs: list[list[Any]] = [[] for _ in cells]
    kernel = _Replay(str(folder))
    with kernel:
        for index, step in enumerate(example.runs):
            if isinstance(step, DataFile):
                _write(folder, step)
            elif step.cell is None:  # a cell deleted since
                kernel.run(step.source or "", f"deleted-{index}")
            else:
                source = step.source if step.source is not None else cells[step.cell - 1].source
                reply = kernel.run(source, _cell_id(step.cell))
                counts[step.cell - 1] = reply["execution_count"]
                outputs[step.cell - 1] = kernel.shown
        state = kernel.state()
    path = folder / "example.ipynb"
    nbformat.write(nbformat.from_dict(merge(_notebook(example, outputs, counts), state)), str(path))
    seen = [(count, *_seen(shown)) for count, shown in zip(counts, outputs, strict=True)]
    return check_notebook(load(path)), seen


def _seen(outputs: list[Any]) -> tuple[str | None, str | None]:
    text = "".join(o.text if o.output_type == "stream" else o.data.get("text/plain", "") + "\n"
                   for o in outputs if o.output_type != "error")  # fmt: skip
    errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    return (text.rstrip("\n") or None), (errors[-1] if errors else None)


def kinds(report: Report) -> set[str]:
    return {f.kind for f in report.findings}


def errors(report: Report) -> list[str]:
    return [f"{f.kind}: {f.message}" for f in report.findings if f.severity is Severity.ERROR]


# --- the table -----------------------------------------------------------------------------


def test_every_kind_has_teaching_and_no_teaching_names_an_unknown_kind() -> None:
    assert set(TEACHING) == set(BY_NAME)
    for kind in KINDS:
        assert kind.teaching is TEACHING[kind.name]


@pytest.mark.parametrize("name", sorted(TEACHING))
def test_teaching_is_short_and_plain(name: str) -> None:
    teaching = TEACHING[name]
    assert 2 <= _sentences(teaching.why) <= 4, teaching.why
    assert 1 <= _sentences(teaching.fix) <= 3, teaching.fix
    for example in (teaching.bad, teaching.good):
        assert 1 <= len(example.cells) <= 4
        assert all(len(line) <= 88 for line in example.text().splitlines()), example.text()
    words = f"{teaching.why} {teaching.fix}".lower()
    assert not re.search(r"\b(ast|namespace|scope|symtable|provider|taint)\b", words)


def _sentences(text: str) -> int:
    """Sentences, counting a stop outside backticks and brackets followed by a capital."""
    plain = re.sub(r"`[^`]*`|\([^)]*\)", "x", text)
    return len(re.findall(r"[.!?:](?=\s+[A-Z])", plain)) + 1


@pytest.mark.parametrize("name", sorted(TEACHING))
def test_the_counts_shown_are_those_the_runs_give(name: str) -> None:
    for example in (TEACHING[name].bad, TEACHING[name].good):
        if not example.runs:
            continue
        last: dict[int, int] = {}
        runs = [step for step in example.runs if isinstance(step, Run)]
        for count, run in enumerate(runs, 1):
            assert run.cell is not None or run.source, "a deleted cell's run needs its code"
            if run.cell is not None:
                assert 1 <= run.cell <= len(example.cells)
                last[run.cell] = count
        assert [c.count for c in example.cells] == [
            last.get(n) for n in range(1, len(example.cells) + 1)
        ]


def test_only_the_secret_example_holds_a_credential_and_it_is_plainly_fake() -> None:
    for name, teaching in TEACHING.items():
        for which, example in (("bad", teaching.bad), ("good", teaching.good)):
            found = secretscan.find_secrets(example.text(), code=True)
            if (name, which) == ("hard-coded-secret", "bad"):
                assert found
                assert all("FAKE" in value for value in found), found
            else:
                assert not found, (name, which, found)


def test_the_text_shows_the_cells_and_how_they_were_run() -> None:
    text = TEACHING["stale-input"].bad.text()
    assert text.splitlines()[:3] == [
        "[3]: prices = [10, 20, 30]",
        "[2]: total = sum(prices)",
        "[4]: print(total)",
    ]
    assert "     > 30" in text
    assert "[1] cell 1, which then held: prices = [10, 20]" in text
    assert "[4] cell 3" in text
    lost = TEACHING["undefined-name"].bad.text()
    assert "[1] a cell since deleted: total = 2 + 3" in lost
    data = TEACHING["changed-data"].bad.text()
    assert "sales.csv holds: day,amount / mon,10 / tue,20\n" in data
    assert "sales.csv is changed; it now holds: day,amount / mon,10 / tue,20 / wed,30" in data
    assert "How it was run" not in TEACHING["stale-input"].good.text()  # once each, in order
    assert "How it was run" in TEACHING["changed-data"].good.text()  # the data file matters
    tagged = ExampleCell("1 / 0", 1, error="ZeroDivisionError: division by zero",
                         tags=("raises-exception",)).text()  # fmt: skip
    assert tagged.splitlines() == [
        "[1]: 1 / 0    (tagged raises-exception)",
        "     > ZeroDivisionError: division by zero",
    ]


# --- the examples, as the notebooks they show ----------------------------------------------


@pytest.mark.parametrize("name", STATIC)
def test_the_bad_example_gives_its_kind(name: str, tmp_path: Path) -> None:
    report = check_as_shown(TEACHING[name].bad, tmp_path)
    assert name in kinds(report), [f.message for f in report.findings]


@pytest.mark.parametrize("name", RECORDED)
def test_a_recorded_kind_is_not_found_without_the_records(name: str, tmp_path: Path) -> None:
    """What the notebook shows alone does not prove these kinds: the replay below must."""
    assert name not in kinds(check_as_shown(TEACHING[name].bad, tmp_path))


@pytest.mark.parametrize("name", sorted(TEACHING))
def test_the_good_example_gives_neither_its_kind_nor_any_error(name: str, tmp_path: Path) -> None:
    report = check_as_shown(TEACHING[name].good, tmp_path)
    assert name not in kinds(report), [f.message for f in report.findings]
    assert not errors(report)


def test_a_tagged_error_cell_is_a_notice_not_an_error(tmp_path: Path) -> None:
    """The tag the error-output fix speaks of reaches the notebook and does what it says."""
    bad = TEACHING["error-output"].bad
    tagged = Example(
        tuple(ExampleCell(c.source, c.count, c.printed, c.error, ("raises-exception",))
              if c.error else c for c in bad.cells)
    )  # fmt: skip
    found = [f for f in check_as_shown(tagged, tmp_path).findings if f.kind == "error-output"]
    assert [f.severity for f in found] == [Severity.INFO]


# --- the runs, replayed in a real kernel with the recorder ----------------------------------


@pytest.mark.kernel
@pytest.mark.parametrize("name", REPLAYED)
def test_the_bad_runs_give_what_the_example_shows_and_its_kind(name: str, tmp_path: Path) -> None:
    example = TEACHING[name].bad
    report, seen = replay(example, tmp_path)
    assert seen == [(c.count, c.printed, c.error) for c in example.cells]
    found = [f for f in report.findings if f.kind == name]
    assert found, [f.message for f in report.findings]
    if BY_NAME[name].recorded:
        assert all(f.proof == "recorded" for f in found)
    if name in PROVEN_TOO:
        assert any(f.proof == "recorded" for f in found), [f.message for f in found]


@pytest.mark.kernel
@pytest.mark.parametrize("name", sorted(n for n, t in TEACHING.items() if t.good.runs))
def test_the_good_runs_give_what_the_example_shows_and_not_its_kind(
    name: str, tmp_path: Path
) -> None:
    example = TEACHING[name].good
    report, seen = replay(example, tmp_path)
    assert seen == [(c.count, c.printed, c.error) for c in example.cells]
    assert name not in kinds(report), [f.message for f in report.findings]
    assert not errors(report)


def test_every_recorded_kind_is_replayed() -> None:
    """The recorded kinds are found only through a kernel's records: their examples say how
    they were run, or nothing would prove them."""
    assert set(RECORDED) <= set(REPLAYED)
