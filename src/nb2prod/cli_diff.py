"""``nb2prod diff``: what changed in meaning between two versions of a notebook or its package.
Thin over :mod:`nb2prod.diff`; the one place that prints its report and picks the exit status."""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_SAME, EXIT_CHANGED, EXIT_UNUSABLE = 0, 1, 2


def add_diff(commands: Any) -> None:
    diff = commands.add_parser(
        "diff",
        help="what changed in meaning between two versions of a notebook or its package",
        description="Compare OLD with NEW: environment, dependencies, data inputs, steps, "
        "outputs and findings. Each side is a notebook, a generated package folder, or a git "
        "revision of PATH: `nb2prod diff HEAD~1 HEAD -- analysis.ipynb`, `nb2prod diff main -- "
        "pkg/` (main against the working tree). Exit status: 0 nothing of meaning changed, "
        "1 something did, 2 unusable input. As git's diff driver (--git-driver) it always "
        "exits 0 when it could compare.",
    )
    diff.add_argument(
        "sides", nargs="*", metavar="OLD NEW | REV [REV] -- PATH", help="what to compare"
    )
    diff.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default="text",
        help="text (default), markdown (a pull-request comment) or json",
    )
    diff.add_argument(
        "--git-driver",
        action="store_true",
        help="take git's 7 external-diff arguments (path old-file old-hex old-mode new-file "
        "new-hex new-mode)",
    )


def run_diff(args: argparse.Namespace) -> int:
    from nb2prod.diff import compare_sides
    from nb2prod.diff.render import render_json, render_markdown, render_text
    from nb2prod.diff.sources import git_driver, resolve
    from nb2prod.errors import NotebookError

    try:
        old, new = git_driver(args.sides) if args.git_driver else resolve(args.sides)
    except NotebookError as error:
        print(error, file=sys.stderr)
        return EXIT_UNUSABLE
    diff = compare_sides(old, new)
    render = {"json": render_json, "markdown": render_markdown}.get(args.format, render_text)
    print(render(diff))
    if args.git_driver:
        return EXIT_SAME  # git stops the whole diff at a driver's non-zero status
    return EXIT_CHANGED if diff.changed else EXIT_SAME
