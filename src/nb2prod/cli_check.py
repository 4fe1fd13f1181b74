"""``nb2prod check`` and ``nb2prod explain``: the command-line faces of the check and the registry.

``check`` reads the team's configuration (``--config``, else the nearest ``nb2prod.toml`` or
``pyproject.toml`` with ``[tool.nb2prod]``), applies ``--select``/``--ignore`` over it, and prints
in one of four formats: text for people, JSON, GitHub workflow annotations, SARIF 2.1.0.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from nb2prod.findings import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
FORMATS = ("text", "json", "github", "sarif")


def add_check(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        help="find hidden state, out-of-order execution and risky practices",
        description="Check notebooks without running them. Exit status: 0 no error findings, "
        "1 error findings, 2 unusable input or configuration.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="notebooks or folders of them")
    check.add_argument(
        "--format", choices=FORMATS, default=None, help="output format (default: text)"
    )
    check.add_argument("--json", action="store_true", help="the same as --format json")
    check.add_argument(
        "--min-severity",
        choices=[s.value for s in Severity],
        default=None,
        help="hide findings below this level (default: the configuration's, else info)",
    )
    for flag, what in (("--select", "report only these"), ("--ignore", "never report these")):
        check.add_argument(
            flag,
            action="append",
            default=[],
            metavar="KINDS",
            help=f"{what} kinds: names, codes or code prefixes, comma-separated (repeatable)",
        )
    source = check.add_mutually_exclusive_group()
    source.add_argument("--config", metavar="FILE", help="nb2prod.toml or pyproject.toml to use")
    source.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    check.add_argument("--jobs", "-j", type=int, default=None, help="worker processes")
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse every cell afresh: neither read nor write the cache of cell analyses "
        "(also NB2PROD_NO_CACHE=1)",
    )
    colour = check.add_mutually_exclusive_group()
    colour.add_argument("--color", dest="colour", action="store_true", default=None)
    colour.add_argument("--no-color", dest="colour", action="store_false")


def add_explain(commands: Any) -> None:
    explain = commands.add_parser(
        "explain",
        help="what a finding kind means and how to fix it",
        description="Explain a finding kind (by name or code); without one, list them all.",
    )
    explain.add_argument("kind", nargs="?", metavar="KIND", help="e.g. out-of-order or NB101")


def run_check(args: argparse.Namespace) -> int:
    from nb2prod.discover import check_paths, notebook_paths
    from nb2prod.errors import NotebookError
    from nb2prod.progress import progress_bar

    try:
        config = _config(args)
    except NotebookError as error:
        print(error, file=sys.stderr)
        return EXIT_UNUSABLE
    level = Severity(args.min_severity) if args.min_severity else config.min_severity
    paths = list(notebook_paths(args.paths))
    if not paths:
        print(f"{', '.join(args.paths)}: no notebooks (*.ipynb) found", file=sys.stderr)
        return EXIT_UNUSABLE
    bar = progress_bar() if len(paths) > 1 else None
    outcomes = check_paths(paths, args.jobs, bar, config, cache=not args.no_cache)
    reports = [o.report for o in outcomes if o.report is not None]
    errors = [o for o in outcomes if o.error is not None]
    for outcome in errors:
        print(outcome.error, file=sys.stderr)
    shape = "json" if args.json else args.format or "text"
    if shape == "text":
        from nb2prod.report.text import Style, render_report, render_summary

        style = Style(use_colour(args.colour))
        for report in reports:
            print(render_report(report, level, style))
        print(render_summary(reports, len(errors), level))
    elif shape == "json":
        notebooks = [
            o.report.to_dict(level) if o.report else {"path": o.path, "error": o.error}
            for o in outcomes
        ]
        print(json.dumps({"notebooks": notebooks}, indent=2, ensure_ascii=False))
    elif shape == "github":
        from nb2prod.report.github import workflow_commands

        print("\n".join(workflow_commands(reports, level)))
    else:
        from nb2prod.report.sarif import sarif_log

        unusable = [(o.path, o.error or "") for o in errors]
        print(json.dumps(sarif_log(reports, unusable, level), indent=2, ensure_ascii=False))
    if errors:
        return EXIT_UNUSABLE
    return EXIT_FINDINGS if any(r.has_errors for r in reports) else EXIT_OK


def _config(args: argparse.Namespace) -> Any:
    from pathlib import Path

    from nb2prod.config import Config, find_config, load_config

    if args.isolated:
        found = Config()
    elif args.config:
        found = load_config(Path(args.config))
    else:
        path = find_config(args.paths)
        found = load_config(path) if path is not None else Config()
    split = [part for value in args.select for part in value.split(",") if part.strip()]
    drop = [part for value in args.ignore for part in value.split(",") if part.strip()]
    return found.with_options(split, drop)


def run_explain(args: argparse.Namespace) -> int:
    from nb2prod.explain import explain, listing
    from nb2prod.kinds import lookup

    if args.kind is None:
        print(listing())
        return EXIT_OK
    kind = lookup(args.kind)
    if kind is None:
        print(f"{args.kind}: no such finding kind (nb2prod explain lists them)", file=sys.stderr)
        return EXIT_UNUSABLE
    print(explain(kind))
    return EXIT_OK


def use_colour(requested: bool | None) -> bool:
    if requested is not None:
        return requested
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()
