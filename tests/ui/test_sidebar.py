"""The nb2prod sidebar in a real JupyterLab, in the system Chromium, with a real kernel.

A person opens an example, runs its cells out of order, sees the finding in the sidebar and
clicks it to reach the cell; sees what the kernel runs on; converts a clean notebook and gets
its package's files and README, overwrites it only after a dialog lists what it replaces, and is
never offered to overwrite a folder nb2prod did not write; converts one with hidden state and is
told why not. The
sidebar is photographed in the light and the dark theme (tests/ui/artifacts/).
"""

from __future__ import annotations

import re
import sys
from importlib.metadata import version
from pathlib import Path

import nbformat
from labdriver import ARTIFACTS, USER_SETTINGS, Lab
from labpage import (
    CELL_SOURCES,
    SIDEBAR,
    active_cell,
    cell_ids,
    cells,
    command,
    open_notebook,
    run_cell,
    wait_recorder_restarted,
    watch_recorder,
)
from playwright.sync_api import Locator, Page, expect


def tree_order(paths: list[str]) -> list[str]:
    """Paths in the order a file tree lists them: in each folder, folders first, then files."""
    return sorted(paths, key=lambda p: [(0, part) for part in p.split("/")[:-1]] + [(1, p)])


TEST_SETTINGS = USER_SETTINGS["nb2prod/plugin.jupyterlab-settings"]

#: What the analysis calls a cell that ran before a cell above it changed what it read: inferred
#: from the execution counts (out-of-order), or proven by the kernel's record (stale-input).
OUT_OF_ORDER_KINDS = {"out-of-order", "stale-input"}


def saved_source(lab: Lab, name: str, index: int) -> str:
    return str(nbformat.read(lab.root / name, as_version=4).cells[index].source)


def photograph(page: Page, name: str) -> None:
    """The sidebar (in a window tall enough to show all of it) and the whole window."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.mouse.move(0, 0)  # no hover highlight in the picture
    size = page.viewport_size
    page.set_viewport_size({"width": 1500, "height": 1400})
    page.wait_for_timeout(800)  # the theme's stylesheet and a re-layout
    page.locator(f"{SIDEBAR} .nb2prod-sidebar-content").screenshot(
        path=str(ARTIFACTS / f"sidebar-{name}.png")
    )
    page.screenshot(path=str(ARTIFACTS / f"lab-{name}.png"))
    if size:
        page.set_viewport_size(size)


def test_out_of_order_run_is_found_marked_and_leads_to_its_cell(page: Page, lab: Lab) -> None:
    name = "parameters_report.ipynb"
    open_notebook(page, lab, name)
    command(page, "notebook:clear-all-cell-outputs")
    sidebar = page.locator(SIDEBAR)
    # Cells 2 (parameters), 4 (loads `sales`), 6 (reads `sales`), then 4 again: cell 6 ran
    # before the cell above it that set what it read.
    for index, count in ((1, 1), (3, 2), (5, 3), (3, 4)):
        run_cell(page, index, count)

    item = sidebar.locator('.nb2prod-finding-item-error[data-cell="6"]')
    expect(item).to_have_count(1, timeout=30_000)
    assert item.get_attribute("data-kind") in OUT_OF_ORDER_KINDS
    expect(item.locator(".nb2prod-severity")).to_have_text("error")
    # One line each: the message and hint show once the finding is opened.
    entry = sidebar.locator(".nb2prod-finding-entry").filter(
        has=page.locator('.nb2prod-finding-item-error[data-cell="6"]')
    )
    expect(entry.locator(".nb2prod-finding-message")).to_have_count(0)
    toggle = entry.locator(".nb2prod-finding-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(entry.locator(".nb2prod-finding-message")).to_contain_text("cell 4 [4]")
    expect(entry.locator(".nb2prod-finding-message code").first).to_be_visible()  # `names`
    expect(entry.locator(".nb2prod-finding-hint")).to_contain_text(
        re.compile("restart the kernel", re.IGNORECASE)
    )
    expect(sidebar.locator(".nb2prod-verdict")).to_contain_text(
        re.compile(r"Not reproducible: \d+ problems? in \d+ cells?")
    )
    # The severity filter hides what it is told to.
    errors = sidebar.get_by_role("group", name="Show findings of severity").get_by_role(
        "button", name=re.compile("^error")
    )
    errors.click()
    expect(item).to_have_count(0)
    errors.click()
    expect(item).to_have_count(1)
    # The kernel recorded the runs, so the analysis says the record proves it: a mark on the
    # line, the word in the details.
    expect(item.locator(".nb2prod-recorded-mark")).to_have_attribute("aria-label", "recorded")
    expect(entry.locator(".nb2prod-finding-proof .nb2prod-badge-recorded")).to_have_text("recorded")
    # Every title shows whole in the panel's default width (none cut short).
    cut = sidebar.locator(".nb2prod-finding-kind").evaluate_all(
        """titles => titles.filter(t => t.scrollHeight > t.clientHeight + 1
                                       || t.scrollWidth > t.clientWidth + 1)
                           .map(t => t.textContent)"""
    )
    assert cut == []
    expect(sidebar.locator(".nb2prod-verdict")).to_contain_text("Not reproducible")
    # Errors come first.
    expect(sidebar.locator(".nb2prod-finding").first).to_have_class(
        re.compile(r"nb2prod-finding-item-error")
    )

    # The cell carries the marker: a class on its node and a badge that says why, on hover and
    # on keyboard focus, left of the code: clear of the cell's toolbar on the right.
    marked = cells(page).nth(5)
    expect(marked).to_have_class(re.compile(r"\bnb2prod-finding-error\b"))
    badge = marked.locator(".nb2prod-cell-badge")
    expect(badge).to_have_attribute("data-tip", re.compile("|".join(OUT_OF_ORDER_KINDS)))
    expect(badge).to_have_attribute("tabindex", "0")
    box, cell_box = badge.bounding_box(), marked.bounding_box()
    assert box is not None
    assert cell_box is not None
    assert box["x"] < cell_box["x"] + 40
    badge.focus()
    tip = badge.evaluate("b => getComputedStyle(b, '::after').content")
    assert re.search("|".join(OUT_OF_ORDER_KINDS), tip), tip
    expect(cells(page).nth(1)).not_to_have_class(re.compile(r"nb2prod-finding"))

    # A click on the finding makes its cell the active one; so does Enter on a focused one.
    run_cell(page, 1, 5)
    assert active_cell(page)["index"] == 2
    item.click()
    ids = cell_ids(page)
    assert active_cell(page) == {"index": 5, "id": ids[5]}
    # The notebook is left in command mode: a command key acts on the notebook (b inserts a
    # cell below) and never lands in the cell's code.
    sources = [c["source"] for c in page.evaluate(f"{CELL_SOURCES}()")]
    page.keyboard.press("b")
    page.wait_for_function(f"() => {CELL_SOURCES}().length === {len(sources) + 1}")
    after = [c["source"] for c in page.evaluate(f"{CELL_SOURCES}()")]
    assert after[:6] + after[7:] == sources
    assert after[6] == ""
    command(page, "notebook:delete-cell")
    page.wait_for_function(f"() => {CELL_SOURCES}().length === {len(sources)}")
    page.evaluate("() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0; }")
    item.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(  # the sidebar acts on the key press asynchronously
        "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex === 5", timeout=10_000
    )

    # The environment card: recorded here, so the same as the kernel now, row by row: the
    # kernel's Python and the notebook's import.
    card = sidebar.locator(".nb2prod-env")
    expect(card.locator(".nb2prod-badge-live")).to_have_text("live")
    expect(card.locator(".nb2prod-compare-verdict")).to_have_text(
        "Outputs made in this environment"
    )
    python = ".".join(map(str, sys.version_info[:3]))
    python_row = card.locator('.nb2prod-compare-row[data-kind="python"]')
    expect(python_row).to_have_attribute("data-status", "same")
    expect(python_row.locator("td").last).to_have_text(python)
    pandas = card.locator('.nb2prod-compare-row[data-kind="package"]').filter(has_text="pandas")
    expect(pandas.locator("td").last).to_have_text(version("pandas"))
    expect(card.locator('.nb2prod-compare-row[data-status="changed"]')).to_have_count(0)
    # no GPU here: a recorded fact on both sides, with the reason, not a difference
    gpu = card.locator('.nb2prod-compare-row[data-kind="gpu"]')
    expect(gpu.locator("td").last).to_have_text(re.compile(r"^(none|unknown) \(.+\)$"))

    photograph(page, "light")

    # After a kernel restart the recorder is loaded again: the next run is recorded too.
    watch_recorder(page)
    page.evaluate("() => { void window.jupyterapp.commands.execute('notebook:restart-kernel'); }")
    page.locator(".jp-Dialog").get_by_role("button", name="Confirm Kernel Restart").click()
    wait_recorder_restarted(page)
    run_cell(page, 1, 1)
    # Edited since it ran, cell 2's code is in no cell any more: the file keeps it in `sources`.
    ran_code = saved_source(lab, name, 1)
    cells(page).nth(1).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("  # edited")

    # Saved, the recorder's records are in the file as FORMAT.md says, and it stays valid.
    command(page, "docmanager:save")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=20_000
    )
    saved = nbformat.read(lab.root / name, as_version=4)
    nbformat.validate(saved)
    records = saved.metadata["nb2prod"]
    assert records["schema"] == 1
    ran = [e["cell_id"] for e in records["history"] if e["cell_id"]]
    assert ran == [ids[1], ids[3], ids[5], ids[3], ids[1], ids[1]]
    sessions = [e["session"] for e in records["history"] if e["cell_id"]]
    assert len(set(sessions[:5])) == 1
    assert sessions[5] != sessions[0]  # the restarted kernel's
    assert set(records["environments"]) == {e["environment"] for e in records["history"]}
    assert saved.cells[5].metadata["nb2prod"]["execution_count"] == 3
    assert saved.cells[3].metadata["nb2prod"]["execution_count"] == 4
    assert saved.cells[1].metadata["nb2prod"]["execution_count"] == 1  # after the restart
    assert "nb2prod" not in saved.cells[7].metadata  # never ran
    assert saved.cells[1].source == ran_code + "  # edited"
    assert list(records["sources"].values()) == [ran_code]
    assert set(records["sources"]) == {
        e["source_hash"] for e in records["history"] if e["cell_id"] == ids[1]
    }

    # The same sidebar in the dark theme.
    command(page, "apputils:change-theme", {"theme": "JupyterLab Dark"})
    page.wait_for_function("() => document.body.dataset.jpThemeName === 'JupyterLab Dark'")
    photograph(page, "dark")
    command(page, "apputils:change-theme", {"theme": "JupyterLab Light"})
    page.wait_for_function("() => document.body.dataset.jpThemeName === 'JupyterLab Light'")


def test_convert_a_clean_example_shows_its_files_and_opens_the_readme(page: Page, lab: Lab) -> None:
    open_notebook(page, lab, "clean_analysis.ipynb")
    sidebar = page.locator(SIDEBAR)
    sidebar.get_by_role("button", name="Convert to package").click()

    tree = sidebar.locator(".nb2prod-package").get_by_role("list", name="Package files")
    expect(tree).to_be_visible(timeout=120_000)
    expect(sidebar.locator(".nb2prod-progress li").first).to_be_visible()
    title = sidebar.locator(".nb2prod-package-title").inner_text()
    output = re.search(r"written to (\S+)/", title)
    assert output, title
    folder = lab.root / output.group(1)
    on_disk = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts  # JupyterLab's, on opening
    )
    shown = tree.locator(".nb2prod-tree-file")
    assert shown.count() == len(on_disk)
    assert "README.md" in on_disk
    assert "pyproject.toml" in on_disk
    photograph(page, "package")
    assert shown.all_inner_texts() == [Path(p).name for p in tree_order(on_disk)]
    # The package's README is open, in the current tab.
    current = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")
    expect(current).to_contain_text("README.md", timeout=30_000)
    opened = page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path")
    assert opened == f"{output.group(1)}/README.md"

    # Converting again: the folder exists; the notification offers to overwrite it, and the
    # dialog that asks first lists what would be replaced. Cancel keeps every file.
    (folder / "stale.txt").write_text("from an earlier conversion")
    before = files_in(folder)
    dialog = offer_overwrite(page)
    expect(dialog).to_contain_text("Overwrite the package folder?")
    listed = dialog.get_by_role("list", name="Files that will be replaced")
    expect(listed.get_by_role("listitem").filter(has_text="stale.txt")).to_have_count(1)
    expect(listed.get_by_role("listitem").filter(has_text="README.md")).to_have_count(1)
    every = [p for p in folder.rglob("*") if p.is_file()]  # JupyterLab's checkpoints too
    expect(dialog).to_contain_text(f"these {len(every)} files")
    page.screenshot(path=str(ARTIFACTS / "convert-overwrite.png"))
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    page.wait_for_timeout(2000)  # time for a conversion to start, were one started
    assert files_in(folder) == before

    # Overwrite, confirmed: the package is written again, the stale file gone.
    dialog = offer_overwrite(page)
    dialog.locator(".jp-Dialog-footer").get_by_role("button", name="Overwrite").click()
    expect(
        sidebar.locator(".nb2prod-package").get_by_role("list", name="Package files")
    ).to_be_visible(timeout=120_000)
    expect(page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")).to_contain_text(
        "README.md"
    )
    assert not (folder / "stale.txt").exists()

    # A folder nb2prod did not write (no nb2prod.json) is never offered for overwriting.
    (folder / "nb2prod.json").unlink()
    (folder / "mine.txt").write_text("the user's own")
    before = files_in(folder)
    sidebar.get_by_role("button", name="Convert to package").click()
    toast = page.locator(".jp-Notification-Toast-error").filter(has_text="did not write")
    expect(toast).to_be_visible(timeout=60_000)
    expect(toast.get_by_role("button", name="Show details")).to_be_visible()
    expect(toast.get_by_role("button", name=re.compile("Overwrite"))).to_have_count(0)
    page.wait_for_timeout(2000)
    assert files_in(folder) == before


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (JupyterLab's checkpoints left out)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
    }


def offer_overwrite(page: Page) -> Locator:
    """Convert into the existing folder; click the failure's "Overwrite..."; the dialog."""
    page.locator(SIDEBAR).get_by_role("button", name="Convert to package").click()
    toast = page.locator(".jp-Notification-Toast-error").filter(
        has_text="already holds a package nb2prod wrote"
    )
    expect(toast).to_have_count(1, timeout=60_000)
    expect(toast).not_to_contain_text('"force"')  # the API's flag means nothing to a user
    toast.get_by_role("button", name=re.compile("^Overwrite")).click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_be_visible()
    return dialog


def test_convert_with_hidden_state_is_refused_with_the_findings(page: Page, lab: Lab) -> None:
    before = sorted(p.name for p in lab.root.iterdir())
    open_notebook(page, lab, "hidden_state.ipynb")
    # The last cell's finding, clicked, brings that cell into view and makes it active.
    last = cells(page).nth(11)
    expect(last).not_to_be_in_viewport()
    page.locator(f'{SIDEBAR} .nb2prod-finding-item-error[data-cell="12"]').first.click()
    expect(last).to_be_in_viewport()
    assert active_cell(page)["index"] == 11
    expect(last).to_have_class(re.compile(r"\bnb2prod-finding-error\b"))

    page.locator(SIDEBAR).get_by_role("button", name="Convert to package").click()

    toast = page.locator(".jp-Notification-Toast-error")
    expect(toast).to_contain_text("Not converted", timeout=60_000)
    expect(toast).to_contain_text("a fresh run would not give the outputs")
    expect(toast).not_to_contain_text("allow_hidden_state")
    toast.get_by_role("button", name="Show details").click()
    dialog = page.locator(".jp-Dialog")
    details = dialog.locator("pre.nb2prod-details")
    expect(details).to_contain_text("top_region")
    expect(details).to_contain_text("What to do:")
    expect(details).not_to_contain_text("code: refused")
    page.screenshot(path=str(ARTIFACTS / "convert-refused.png"))
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)
    after = sorted(p.name for p in lab.root.iterdir() if p.name != ".ipynb_checkpoints")
    assert after == [n for n in before if n != ".ipynb_checkpoints"]

    # Convert anyway, after a dialog that lists the problems, writes the package.
    toast.get_by_role("button", name="Convert anyway…").dispatch_event("click")  # it animates
    dialog = page.locator(".jp-Dialog")
    expect(
        dialog.get_by_role("list", name="Problems").get_by_role("listitem").first
    ).to_be_visible()
    dialog.locator(".jp-Dialog-footer").get_by_role("button", name="Convert anyway").click()
    tree = (
        page.locator(SIDEBAR).locator(".nb2prod-package").get_by_role("list", name="Package files")
    )
    expect(tree).to_be_visible(timeout=120_000)


#: An environment record with a GPU, as FORMAT.md shows one (this machine has none to record).
GPU_ENVIRONMENT = {
    "id": "3f1c0a9e5b2d7c41",
    "recorded": "2026-11-22T10:15:02Z",
    "recorder": "nb2prod 0.1.0",
    "python": {"version": "3.11.7", "implementation": "CPython", "executable": "/opt/venv/bin/py"},
    "platform": {"system": "Linux", "release": "6.1.0", "machine": "x86_64", "platform": "Linux"},
    "cpu": {"model": "AMD EPYC 7B13", "count": 16},
    "memory": {"total_bytes": 134217728000},
    "interpreter": {"kind": "venv", "name": "venv", "prefix": "/opt/venv"},
    "variables": {"CUDA_VISIBLE_DEVICES": "0"},
    "packages": {"numpy": "1.26.4", "scikit-learn": "1.5.2"},
    "gpu": {
        "available": True,
        "driver_version": "550.54.15",
        "cuda_driver_version": "12.4",
        "devices": [
            {
                "index": 0,
                "name": "NVIDIA H100 80GB HBM3",
                "uuid": "GPU-0",
                "memory_total_bytes": 85520809984,
            }
        ],
    },
    "accelerators": {},
    "git": None,
}


def with_saved_records(path: Path) -> dict[str, object]:
    """Give the notebook the records of one earlier run, on GPU_ENVIRONMENT; return them."""
    notebook = nbformat.read(path, as_version=4)
    execution = {
        "session": "9a0b1c2d3e4f5a6b",
        "cell_id": notebook.cells[1].id,
        "execution_count": 1,
        "started": "2026-11-22T10:16:40Z",
        "duration_ms": 12.5,
        "status": "ok",
        "error": None,
        "source_hash": "5e8c000000000000",
        "defined": [],
        "rebound": [],
        "deleted": [],
        "imports": [{"module": "numpy", "distribution": "numpy", "version": "1.26.4"}],
        "files": [],
        "seeds": [],
        "environment": GPU_ENVIRONMENT["id"],
    }
    records = {
        "schema": 1,
        "environments": {GPU_ENVIRONMENT["id"]: GPU_ENVIRONMENT},
        "history": [execution],
        "sources": {},
    }
    notebook.metadata["nb2prod"] = records
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return records


def test_with_the_recorder_off_the_saved_environment_shows_and_nothing_is_recorded(
    page: Page, lab: Lab
) -> None:
    records = with_saved_records(lab.root / "iris_model.ipynb")
    lab.put_settings("nb2prod:plugin", {**TEST_SETTINGS, "loadRecorder": False})
    try:
        open_notebook(page, lab, "iris_model.ipynb", recorder="off")
        sidebar = page.locator(SIDEBAR)
        status = sidebar.locator(".nb2prod-recorder-status")
        expect(status).to_have_text("Not recording: the recorder is turned off in the settings")
        # The card shows what the notebook's metadata says it last ran on.
        card = sidebar.locator(".nb2prod-env")
        expect(card.locator(".nb2prod-badge-saved")).to_have_text("saved")
        expect(card.locator(".nb2prod-env-gpu")).to_have_text("0: NVIDIA H100 80GB HBM3")
        expect(card.locator(".nb2prod-env-gpu-detail")).to_have_text("driver 550.54.15, CUDA 12.4")
        expect(card.locator(".nb2prod-env-packages li")).to_have_text(
            ["scikit-learn 1.5.2", "numpy 1.26.4"]
        )
        expect(card).to_contain_text("AMD EPYC 7B13, 16 cores")
        expect(card).to_contain_text("125 GiB")

        run_cell(page, 1, 1)
        # Nothing recorded: the metadata is what the file had.
        written = page.evaluate(
            """() => {
              const model = window.jupyterapp.shell.currentWidget.context.model;
              return [model.getMetadata('nb2prod') ?? null,
                      model.cells.get(1).getMetadata('nb2prod') ?? null];
            }"""
        )
        assert written == [records, None]
        expect(card.locator(".nb2prod-badge-live")).to_have_count(0)
    finally:
        lab.put_settings("nb2prod:plugin", TEST_SETTINGS)


def test_a_notebook_recorded_elsewhere_shows_what_differs_from_the_kernel_now(
    page: Page, lab: Lab
) -> None:
    """Saved records say the outputs were made on an H100 with scikit-learn 1.5.2; the kernel
    here has no GPU and another scikit-learn: the card says so row by row and marks the cell."""
    with_saved_records(lab.root / "iris_model.ipynb")
    open_notebook(page, lab, "iris_model.ipynb")
    card = page.locator(SIDEBAR).locator(".nb2prod-env")
    verdict = card.locator(".nb2prod-compare-verdict")
    expect(verdict).to_contain_text("Outputs made on another machine", timeout=30_000)
    gpu = card.locator('.nb2prod-compare-row[data-kind="gpu"]')
    expect(gpu).to_have_attribute("data-status", "missing")
    expect(gpu).to_contain_text("NVIDIA H100 80GB HBM3")
    # the notebook imports sklearn: its distribution, recorded beside installed
    sklearn = card.locator('.nb2prod-compare-row[data-kind="package"]').filter(
        has_text="scikit-learn"
    )
    expect(sklearn).to_have_attribute("data-status", "changed")
    expect(sklearn).to_contain_text("1.5.2")
    expect(sklearn).to_contain_text(version("scikit-learn"))
    # Differences come first, and the cell whose outputs the H100 made is marked.
    first = card.locator(".nb2prod-compare-row").first
    assert first.get_attribute("data-status") in ("changed", "missing", "new")
    expect(cells(page).nth(1)).to_have_class(re.compile(r"\bnb2prod-env-other\b"))
    expect(cells(page).nth(0)).not_to_have_class(re.compile(r"\bnb2prod-env-other\b"))
    card.get_by_role("button", name="cell 2").click()
    assert active_cell(page)["index"] == 1
    for theme, name in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        command(page, "apputils:change-theme", {"theme": theme})
        page.wait_for_function(f"() => document.body.dataset.jpThemeName === '{theme}'")
        card.screenshot(path=str(ARTIFACTS / f"environment-compare-{name}.png"))
    command(page, "apputils:change-theme", {"theme": "JupyterLab Light"})
