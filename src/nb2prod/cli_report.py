"""``nb2prod report FOLDER``: a class's notebooks checked at once, as one offline HTML page (or
the same data as JSON). Thin over :mod:`nb2prod.classreport`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nb2prod.classreport.layout import Submission
    from nb2prod.classreport.model import ClassReport
    from nb2prod.classreport.render import Rendered
    from nb2prod.config import Config

EXIT_OK, EXIT_UNUSABLE = 0, 2


def add_report(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="check a class's notebooks (an nbgrader folder or any folder) into one HTML report",
        description="Check every notebook of a class at once and write one self-contained, "
        "offline HTML report: students by assignments with each notebook's verdict, the "
        "findings counted across the class, the most common mistakes explained, and each "
        "notebook shown with its findings beside its cells. FOLDER is an nbgrader course "
        "(submitted/STUDENT/ASSIGNMENT/*.ipynb, or autograded/) or a folder of notebooks (the "
        "first part of each path names the student). Exit status: 0 the report was written "
        "(whatever the notebooks' verdicts), 2 unusable FOLDER or output.",
    )
    report.add_argument("folder", metavar="FOLDER", help="the class's folder")
    report.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write (default: report.html; with --format json, standard output)",
    )
    report.add_argument(
        "--format", choices=["html", "json"], default="html", help="(default: html)"
    )
    report.add_argument("--force", action="store_true", help="replace an existing FILE")
    source = report.add_mutually_exclusive_group()
    source.add_argument(
        "--config", metavar="FILE", help="nb2prod.toml or pyproject.toml (default: the nearest)"
    )
    source.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    report.add_argument(
        "--jobs", "-j", type=_positive, default=None, help="worker processes (default: CPUs)"
    )


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return number


def run_report(args: argparse.Namespace) -> int:
    from nb2prod.classreport import build_report
    from nb2prod.classreport.layout import find_layout
    from nb2prod.errors import NotebookError
    from nb2prod.progress import progress_bar

    html = args.format == "html"
    out = args.output or ("report.html" if html else None)
    try:
        layout = find_layout(args.folder)
        if out is not None:
            _check_output(out, args, layout.submissions)
        config = _config(args)
        built = build_report(
            args.folder, layout, args.jobs, progress_bar(), render=html, config=config
        )
        text = _page(built.report, built.rendered) if html else _json(built.report)
        if out is None:
            sys.stdout.write(text)
        else:
            _write(out, text)
    except NotebookError as error:
        print(error, file=sys.stderr)
        return EXIT_UNUSABLE
    for line in built.problems(args.folder):
        print(line, file=sys.stderr)
    print(built.report.summary_line(out or args.folder), file=sys.stderr if out is None else None)
    return EXIT_OK


def _config(args: argparse.Namespace) -> Config | None:
    """The course's configuration, found as ``check`` finds it (from FOLDER up)."""
    from pathlib import Path

    from nb2prod.config import find_config, load_config

    if args.isolated:
        return None
    path = Path(args.config) if args.config else find_config([args.folder])
    return load_config(path) if path is not None else None


def _check_output(out: str, args: argparse.Namespace, submissions: Sequence[Submission]) -> None:
    import os

    from nb2prod.output_guard import check_file

    notebooks = [
        (os.path.join(args.folder, s.relative), f"the notebook {s.relative}") for s in submissions
    ]
    check_file(out, force=args.force, protect=notebooks)


def _page(report: ClassReport, rendered: Sequence[Rendered | None]) -> str:
    from nb2prod.classreport.page import render_page

    return render_page(report, rendered)


def _json(report: ClassReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _write(out: str, text: str) -> None:
    from pathlib import Path

    from nb2prod.output import write_file

    write_file(Path(out), text)
