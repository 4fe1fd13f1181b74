"""What a person does in JupyterLab, as Playwright steps: open a notebook, run a cell, open the
nb2prod sidebar. The app object (`window.jupyterapp`, exposed by the server's
`expose_app_in_browser`) is read to check state, and used only for setup steps that are not
under test (clearing outputs, switching the theme)."""

from __future__ import annotations

from typing import Any

from labdriver import Lab
from playwright.sync_api import Locator, Page, expect

SIDEBAR = "#nb2prod-sidebar"
CURRENT = "window.jupyterapp.shell.currentWidget"


def open_notebook(page: Page, lab: Lab, name: str, recorder: str = "recording") -> None:
    """Open `name` and wait until its kernel is idle and the recorder is in state `recorder`."""
    page.goto(lab.page_url(name))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(f"{CURRENT} && {CURRENT}.context && {CURRENT}.context.path === {name!r}")
    wait_kernel_idle(page)
    open_sidebar(page)
    expect(page.locator(f"{SIDEBAR} .nb2prod-recorder-status")).to_have_attribute(
        "data-state", recorder, timeout=60_000
    )


def wait_kernel_idle(page: Page, timeout: float = 60_000) -> None:
    page.wait_for_function(
        f"{CURRENT}.sessionContext.session?.kernel?.status === 'idle'", timeout=timeout
    )


def open_sidebar(page: Page) -> Locator:
    """Click nb2prod's tab in the right side bar (unless the panel is shown already)."""
    sidebar = page.locator(SIDEBAR)
    if not sidebar.is_visible():
        page.locator('.jp-SideBar .lm-TabBar-tab[data-id="nb2prod-sidebar"]').click()
    expect(sidebar).to_be_visible()
    return sidebar


def command(page: Page, name: str, args: dict[str, Any] | None = None) -> Any:
    return page.evaluate(
        "([name, args]) => window.jupyterapp.commands.execute(name, args)", [name, args or {}]
    )


def cells(page: Page) -> Locator:
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")


def watch_recorder(page: Page) -> None:
    """Start noting each state the sidebar's recorder line goes through (see `recorder_states`)."""
    page.evaluate(
        f"""() => {{
          const line = document.querySelector('{SIDEBAR} .nb2prod-recorder-status');
          window.nb2prodStates = [];
          new MutationObserver(() => window.nb2prodStates.push(line.dataset.state))
            .observe(line, {{attributes: true, attributeFilter: ['data-state']}});
        }}"""
    )


def wait_recorder_restarted(page: Page) -> None:
    """Wait until the recorder, watched since `watch_recorder`, left and came back to recording."""
    page.wait_for_function(
        """() => window.nb2prodStates.some(s => s !== 'recording')
                 && window.nb2prodStates[window.nb2prodStates.length - 1] === 'recording'""",
        timeout=60_000,
    )


def run_cell(page: Page, index: int, expected_count: int) -> None:
    """Click into cell `index` (0-based over all cells), Shift+Enter, wait for its prompt."""
    cell = cells(page).nth(index)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputArea-prompt")).to_have_text(
        f"[{expected_count}]:", timeout=60_000
    )
    wait_kernel_idle(page)


def active_cell(page: Page) -> dict[str, Any]:
    return dict(
        page.evaluate(
            f"""() => {{
              const nb = {CURRENT}.content;
              return {{index: nb.activeCellIndex, id: nb.activeCell.model.id}};
            }}"""
        )
    )


def cell_ids(page: Page) -> list[str]:
    return list(page.evaluate(f"() => {CURRENT}.content.widgets.map(cell => cell.model.id)"))


#: A JavaScript function giving every cell's source, in order (call it: `(...)()`).
CELL_SOURCES = (
    f"(() => {CURRENT}.content.widgets.map(c => ({{source: c.model.sharedModel.getSource()}})))"
)
