"""A notebook saved before nbformat 4.5 keeps no cell ids, like most notebooks in the wild.

JupyterLab gives its cells ids while it is open and sends them with each execution, but leaves
them out of the saved file and of the model's JSON. A person edits a parameter cell and runs it
again without re-running the cell below: the sidebar must say that the cell below shows an old
value, once, not that a cell was deleted or that code must be restored; and `check` on the saved
file, whose records name cells by ids the file does not have, must say the same.
"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
from labdriver import Lab
from labpage import SIDEBAR, cells, command, open_notebook, run_cell
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import Page, expect

NAME = "no_ids.ipynb"


def write_old_notebook(lab: Lab) -> None:
    notebook = new_notebook(
        cells=[
            new_code_cell("fx_rate = 1.1"),
            new_code_cell("total = 100 * fx_rate\nprint(total)"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    notebook.nbformat_minor = 4
    for cell in notebook.cells:
        del cell["id"]
    nbformat.write(notebook, lab.root / NAME)


def test_an_edited_parameter_cell_run_again_is_one_stale_reader(page: Page, lab: Lab) -> None:
    write_old_notebook(lab)
    open_notebook(page, lab, NAME)
    run_cell(page, 0, 1)
    run_cell(page, 1, 2)
    editor = cells(page).nth(0).locator(".jp-InputArea-editor")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("fx_rate = 1.2")
    run_cell(page, 0, 3)

    sidebar = page.locator(SIDEBAR)
    errors = sidebar.locator(".nb2prod-finding-item-error")
    expect(errors).to_have_count(1, timeout=30_000)
    expect(errors).to_have_attribute("data-kind", "stale-input")
    expect(errors).to_have_attribute("data-cell", "2")
    expect(sidebar.locator('.nb2prod-finding[data-kind="re-executed"]')).to_have_count(0)
    for toggle in sidebar.locator(".nb2prod-finding-toggle").all():
        toggle.click()
    expect(sidebar.locator(".nb2prod-findings")).not_to_contain_text("deleted")
    expect(sidebar.locator(".nb2prod-findings")).not_to_contain_text("Restore the code")

    command(page, "docmanager:save")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000
    )
    saved = nbformat.read(lab.root / NAME, as_version=4)
    assert "id" not in saved.cells[0]  # still a 4.4 notebook, as the person had it
    assert len(saved.metadata["nb2prod"]["history"]) == 3
    result = subprocess.run(
        [sys.executable, "-m", "nb2prod", "check", "--json", str(lab.root / NAME)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    [report] = json.loads(result.stdout)["notebooks"]
    found = {(f["kind"], f["severity"], f["cell"]) for f in report["findings"]}
    assert found == {("stale-input", "error", 2), ("recorded-lost-code", "info", 1)}
