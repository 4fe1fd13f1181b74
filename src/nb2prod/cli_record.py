"""The recorder's commands: ``nb2prod run`` (execute with records) and ``nb2prod env`` (the
environment record of this Python). Thin over ``nb2prod.recorder``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nb2prod.progress import StatusLine
    from nb2prod.recorder.run import RunResult

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


def add_run(commands: Any) -> None:
    run = commands.add_parser(
        "run",
        help="execute a notebook top to bottom in a fresh kernel, recording what ran and on what",
        description="Execute NOTEBOOK top to bottom in a fresh kernel with nb2prod's recorder "
        "loaded, and save it with its outputs and records (in place, or as OUT).",
    )
    run.add_argument("notebook", metavar="NOTEBOOK")
    run.add_argument("-o", "--output", metavar="OUT.ipynb", help="save here instead of in place")
    run.add_argument("--force", action="store_true", help="replace an existing OUT.ipynb")
    run.add_argument("--kernel", metavar="NAME", help="kernel to use (default: the notebook's)")
    run.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    run.add_argument(
        "--allow-errors", action="store_true", help="go on after a cell raises, and save"
    )


def add_env(commands: Any) -> None:
    env = commands.add_parser(
        "env",
        help="print this Python's environment record (what the recorder records)",
        description="Print the environment record the recorder would make here: Python, "
        "platform, CPU, memory, packages, GPU and driver, git. With --compare NOTEBOOK, compare "
        "the environment that made the notebook's outputs with this one. Exit status with "
        "--compare: 0 no differences, 1 differences, 2 unusable input.",
    )
    env.add_argument("--json", action="store_true", help="the whole record as JSON")
    env.add_argument(
        "--compare",
        metavar="NOTEBOOK",
        help="compare the recorded environment(s) that made NOTEBOOK's outputs with this one",
    )


def run_run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nb2prod.errors import NotebookError
    from nb2prod.output import write_file
    from nb2prod.output_guard import check_file
    from nb2prod.progress import reporter, status
    from nb2prod.recorder.run import run_notebook

    out = args.output or args.notebook
    try:
        # Where it will be saved is checked first, so that a run is not lost for want of a place.
        if args.output:
            check_file(args.output, force=args.force)
        elif os.path.isfile(args.notebook):
            check_file(args.notebook, force=True)  # in place: only a writable folder is needed
        with status() as line:
            result = run_notebook(
                args.notebook, args.kernel, args.timeout, args.allow_errors, reporter(line)
            )
            if line is not None:
                _show_failed_cells(line, result)
        for failure in result.failures:
            print(f"{args.notebook}: {failure}", file=sys.stderr)
        if result.failed:
            print(f"{args.notebook}: stopped: {result.failed}; nothing saved", file=sys.stderr)
            return EXIT_FAILED
        write_file(Path(out), json.dumps(result.notebook, indent=1, ensure_ascii=False) + "\n")
    except NotebookError as error:
        print(error, file=sys.stderr)
        return EXIT_UNUSABLE
    records = result.notebook["metadata"].get("nb2prod", {})
    print(f"{out}: ran {len(records.get('history', []))} cell(s), saved with their records")
    return EXIT_FAILED if result.failures else EXIT_OK


def _show_failed_cells(line: StatusLine, result: RunResult) -> None:
    """On a terminal: the cells that raised, and the one the run stopped at, each on a line."""
    for cell in result.raised:
        if cell != result.stopped_at:
            line.keep(f"cell {cell} of {result.cells} raised an error; the run went on")
    if result.stopped_at is not None:
        line.keep(f"cell {result.stopped_at} of {result.cells} failed")


def run_env(args: argparse.Namespace) -> int:
    from nb2prod.recorder.environment import snapshot

    if args.compare is not None:
        from nb2prod.cli_envcompare import run_compare

        return run_compare(args)

    record = snapshot()
    if args.json:
        print(json.dumps(record, indent=2, sort_keys=True))
    else:
        print(render_environment(record))
    return EXIT_OK


def render_environment(record: dict[str, Any]) -> str:
    python, system, cpu = record["python"], record["platform"], record["cpu"]
    memory = record["memory"].get("total_bytes")
    lines = [
        f"python       {python['implementation']} {python['version']} ({python['executable']})",
        f"platform     {system['platform']}",
        f"cpu          {cpu.get('model') or 'unknown'} x {cpu.get('count')}",
        f"memory       {memory / 2**30:.1f} GiB" if memory else "memory       unknown",
        f"interpreter  {record['interpreter']['kind']} {record['interpreter'].get('name') or ''}",
        f"gpu          {_gpu(record['gpu'])}",
        f"packages     {len(record['packages'])} installed",
    ]
    for name, info in record["accelerators"].items():
        lines.append(f"{name:<12} {info.get('version')} (CUDA {info.get('cuda') or 'none'})")
    for name, value in record["variables"].items():
        lines.append(f"{name:<12} {value}")
    git = record.get("git")
    if git:
        state = "dirty" if git.get("dirty") else "clean"
        lines.append(
            f"git          {git.get('commit') or 'no commit'} on {git.get('branch')}, {state}"
        )
    lines.append(f"id           {record['id']}")
    return "\n".join(lines)


def _gpu(gpu: dict[str, Any]) -> str:
    if not gpu.get("available"):
        return f"none ({gpu.get('reason')})"
    names = ", ".join(d["name"] for d in gpu.get("devices", []))
    return f"{names}; driver {gpu.get('driver_version')}, CUDA {gpu.get('cuda_driver_version')}"
