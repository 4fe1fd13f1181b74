"""The class report, opened from disk in the system Chromium as an instructor opens it.

The class is examples/class (an nbgrader course of real student notebooks) with one hostile
student added, whose markdown and outputs try to run script. The page must load nothing from
anywhere, run nothing, draw the chart, and show each notebook's findings beside its cells;
screenshots go to tests/ui/artifacts/report-*.png and the overview to docs/screenshots/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from labdriver import ARTIFACTS, ROOT
from playwright.sync_api import BrowserContext, Page, expect

from test_classreport import write_hostile

CLASS = ROOT / "examples" / "class"
DOCS = ROOT / "docs" / "screenshots"


def make_report(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    course = tmp_path / "course"
    shutil.copytree(CLASS, course)
    write_hostile(course / "submitted" / "mallory" / "ps1_loops")
    for form, out in (("html", "report.html"), ("json", "report.json")):
        done = subprocess.run(
            [sys.executable, "-m", "nb2prod", "report", "course", "--format", form, "-o", out],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    return tmp_path / "report.html", json.loads((tmp_path / "report.json").read_text())


def open_report(browser: BrowserContext, path: Path) -> tuple[Page, list[str], list[str]]:
    """The report in a new tab; the errors it raised and every address it asked for."""
    page = browser.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests


def test_report_shows_chart_and_findings_beside_cells(
    browser: BrowserContext, tmp_path: Path
) -> None:
    report, data = make_report(tmp_path)
    page, errors, requests = open_report(browser, report)
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        expect(page.locator("main > h1")).to_have_text("Class report: course")
        page.screenshot(path=str(ARTIFACTS / "report-overview.png"))

        kinds = data["kinds"]
        assert isinstance(kinds, list)
        chart = page.locator("svg.nbp-chart")
        expect(chart).to_be_visible()
        expect(chart.locator("g.nbp-bar")).to_have_count(len(kinds))
        first = chart.locator("g.nbp-bar").first
        expect(first).to_have_attribute("data-kind", kinds[0]["kind"])
        bar = first.locator("rect").first.bounding_box()
        assert bar is not None
        assert bar["width"] > 20
        chart.scroll_into_view_if_needed()
        page.locator("#kinds").screenshot(path=str(ARTIFACTS / "report-chart.png"))

        # student_d ran question 4 before question 2: the table links to the notebook
        link = page.locator("#students tr", has_text="student_d").locator("a.nbp-verdict").first
        expect(link).to_contain_text("not reproducible")
        link.click()
        target = link.get_attribute("href")
        assert target is not None
        assert page.url.endswith(target)
        section = page.locator(target)
        flagged = section.locator(".nbp-cell.nbp-has-error").first
        expect(flagged).to_be_visible()
        finding = flagged.locator(".nbp-findings .nbp-finding").first
        expect(finding).to_be_visible()
        expect(finding.locator(".nbp-title")).to_have_text("Ran out of order")
        expect(finding.locator(".nbp-hint")).not_to_be_empty()
        code, aside = flagged.locator(".nbp-body").bounding_box(), finding.bounding_box()
        assert code is not None
        assert aside is not None
        assert aside["x"] >= code["x"] + code["width"]  # beside the cell, not below it
        flagged.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "report-notebook.png"))

        lesson = page.locator("#mistakes .nbp-lesson").first
        expect(lesson.locator(".nbp-bad-example pre")).not_to_be_empty()
        expect(lesson.locator(".nbp-good-example pre")).not_to_be_empty()
        lesson.scroll_into_view_if_needed()
        lesson.screenshot(path=str(ARTIFACTS / "report-mistake.png"))

        hostile = page.locator('section[aria-label="submitted/mallory/ps1_loops/answers.ipynb"]')
        hostile.scroll_into_view_if_needed()
        expect(hostile.locator("table")).to_contain_text("91")  # its harmless HTML shows
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.pwned") == "undefined"  # and nothing of it ran
        assert errors == []
        assert all(url.startswith(("file:", "data:")) for url in requests), requests
    finally:
        page.close()
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTIFACTS / "report-overview.png", DOCS / "report.png")
