"""Fixtures for the UI tests: one JupyterLab server and one Chromium for the whole session.

The tests fail (never skip) when Chromium or the built lab extension is missing: CI installs
both (.ci/run), and a missing one must show as a failure, not as a green run that tested
nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from labdriver import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    Lab,
    installed_labextension,
    prepare_root,
    start_lab,
    stop_lab,
)
from playwright.sync_api import BrowserContext, Page, sync_playwright

NOTEBOOKS = [
    "parameters_report.ipynb",
    "clean_analysis.ipynb",
    "hidden_state.ipynb",
    "iris_model.ipynb",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.ui)
            # one worker runs them all, against one JupyterLab and one browser
            item.add_marker(pytest.mark.xdist_group("ui"))


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    listed = installed_labextension()
    if "enabled" not in listed or "OK" not in listed:
        pytest.fail(
            "the nb2prod lab extension is not built and installed "
            f"(`npm run build` then `pip install --no-deps -e .`): {listed}"
        )
    root = tmp_path_factory.mktemp("lab-root")
    prepare_root(root, NOTEBOOKS)
    lab = start_lab(root, tmp_path_factory.mktemp("lab-home"))
    try:
        yield lab
    finally:
        stop_lab(lab)


# One browser per module: Playwright's loop must not outlive the UI tests, since the worker that
# runs them may run pytest-jupyter's server tests next, which need a loop of their own.
@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (see .ci/run)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1500, "height": 950},
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: BrowserContext, lab: Lab, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"))
            (ARTIFACTS / f"failed-{request.node.name}.log").write_text(
                "\n".join(errors) + "\n--- server log ---\n" + lab.log_tail(200)
            )
        page.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """Keep each phase's report on the test item, so `page` can save what a failure showed."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


def copy_screenshot(source: Path, name: str) -> Path:
    target = ARTIFACTS / name
    shutil.copy(source, target)
    return target
