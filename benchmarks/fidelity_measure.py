"""One notebook through the fidelity harness: the (cached) run, then convert and verify in a
fresh copy of the run's folder, then check's claims scored against the run. Returns a record:
plain data, printed by fidelity_report and written as JSON."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from collections.abc import Collection
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fidelity_classify import classify_convert, classify_verify
from fidelity_proc import Done, run_command
from fidelity_runs import RAN, Notebook, run_stage
from fidelity_score import RANDOM_KIND, score_notebook

CONVERT_LIMIT = 600
VERIFY_TIMEOUT = 600
VERIFY_LIMIT = VERIFY_TIMEOUT + 120
CHECK_LIMIT = 300
LINT_LIMIT = 120


def measure(
    nb2prod: list[str],
    out: Path,
    notebook: Notebook,
    rerun: bool,
    run_only: bool,
    tree: str = "",
    check_only: bool = False,
) -> dict[str, Any]:
    """The notebook's record; only its run with ``run_only``, no convert and verify with
    ``check_only``."""
    record: dict[str, Any] = {"kind": notebook.kind, "notebook": notebook.rel}
    if not notebook.path.is_file():
        record["run"] = {"status": "missing", "first_error": f"{notebook.path}: no such file"}
        return record
    outcome, folder, cached = run_stage(nb2prod, out, notebook, rerun, tree)
    record["run"] = {**asdict(outcome), "cached": cached, "folder": str(folder)}
    if run_only:
        return record
    work = out / "work" / folder.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    findings, problem = check(nb2prod, notebook, work)
    randoms = {f.get("cell") for f in findings if f.get("kind") == RANDOM_KIND}
    if outcome.completed and not check_only:
        record["convert"], record["verify"] = lift_and_verify(nb2prod, folder, work, randoms)
    ran = folder / "w" / RAN
    fresh = ran if ran.is_file() else None
    if problem:
        record["score"] = {"problem": problem}
    else:
        record["score"] = score_notebook(notebook.path, fresh, findings, outcome.failed_cell)
    return record


def lift_and_verify(
    nb2prod: list[str], run_folder: Path, work: Path, random_cells: Collection[Any] = ()
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Convert the run's ``ran.ipynb`` in a fresh copy of its folder, then verify the package."""
    shutil.copytree(run_folder / "w", work / "w", symlinks=True)
    # with its lock, as a user converts: the versions the kernel recorded are the ones tested
    argv = [*nb2prod, "convert", RAN, "-o", "pkg", "--force"]
    converted = run_command(argv, work / "w", CONVERT_LIMIT)
    _keep(work, "convert", converted)
    convert: dict[str, Any] = {"exit": converted.exit, "seconds": round(converted.seconds, 1)}
    convert.update(classify_convert(converted.exit, converted.stdout, converted.stderr))
    if convert["status"] != "ok":
        return convert, None
    convert["lint"] = lint(work / "w" / "pkg")
    argv = [*nb2prod, "verify", "pkg", "--timeout", str(VERIFY_TIMEOUT)]
    verified = run_command(argv, work / "w", VERIFY_LIMIT)
    _keep(work, "verify", verified)
    verify: dict[str, Any] = {"exit": verified.exit, "seconds": round(verified.seconds, 1)}
    verify.update(classify_verify(verified.exit, verified.stdout, verified.stderr, random_cells))
    return convert, verify


def lint(package: Path) -> dict[str, Any]:
    """``ruff check`` over the package, with the rules its own pyproject selects: clean or
    not, and the rules it broke (by count)."""
    argv = [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."]
    done = run_command(argv, package, LINT_LIMIT)
    rules = Counter(re.findall(r": ([A-Z]+[0-9]+) ", done.stdout))
    return {"clean": done.exit == 0, "rules": dict(rules.most_common())}


def check(nb2prod: list[str], notebook: Notebook, work: Path) -> tuple[list[dict[str, Any]], str]:
    """``nb2prod check --json`` on the original notebook, where it lies: its findings, or why
    there are none to score."""
    argv = [*nb2prod, "check", "--json", notebook.path.name]
    done = run_command(argv, notebook.path.parent, CHECK_LIMIT)
    (work / "check.json").write_text(done.stdout, encoding="utf-8")
    try:
        report = json.loads(done.stdout)["notebooks"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return [], f"check gave no JSON (exit {done.exit}): {_tail(done.stderr)}"
    if "error" in report:
        return [], str(report["error"])
    findings: list[dict[str, Any]] = report.get("findings", [])
    return findings, ""


def _keep(work: Path, stage: str, done: Done) -> None:
    (work / f"{stage}.out").write_text(done.stdout, encoding="utf-8")
    (work / f"{stage}.err").write_text(done.stderr, encoding="utf-8")


def _tail(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
