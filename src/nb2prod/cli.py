"""The ``nb2prod`` command line: thin over the core, the one place that prints and exits."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nb2prod import __version__, cli_check, cli_diff, cli_record
from nb2prod.cli_exit import ending_cleanly, terminated_on_sigterm
from nb2prod.findings import Finding

if TYPE_CHECKING:
    from nb2prod.deploy import DeployOptions

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nb2prod",
        description="Check Jupyter notebooks for hidden state and out-of-order execution, and "
        "lift them into tested Python packages.",
    )
    parser.add_argument("--version", action="version", version=f"nb2prod {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    cli_check.add_check(commands)
    cli_check.add_explain(commands)
    _add_convert(commands)
    _add_verify(commands)
    _add_lock(commands)
    _add_build(commands)
    _add_report(commands)
    cli_record.add_run(commands)
    cli_record.add_env(commands)
    cli_diff.add_diff(commands)
    return parser


def _add_convert(commands: Any) -> None:
    convert = commands.add_parser(
        "convert",
        help="lift a notebook into a tested Python package",
        description="Lift NOTEBOOK into a package with generated tests, without running it. "
        "Refuses (exit 1) when hidden state or out-of-order execution means the notebook's "
        "results cannot be trusted. Exit status 2: unusable input or an existing OUT.",
    )
    convert.add_argument("notebook", metavar="NOTEBOOK")
    convert.add_argument("-o", "--output", metavar="OUT", help="package folder (default: ./PKG)")
    convert.add_argument("--name", metavar="PKG", help="import name of the package")
    convert.add_argument("--force", action="store_true", help="replace an existing OUT")
    convert.add_argument(
        "--no-lock",
        action="store_true",
        help="skip requirements.lock (resolving needs the package index; see `nb2prod lock`)",
    )
    convert.add_argument(
        "--allow-hidden-state",
        action="store_true",
        help="convert even when check finds errors (they are listed in the package README)",
    )
    convert.add_argument(
        "--deploy",
        metavar="TARGETS",
        help="also write deployment files sized from the recorded environment: k8s "
        "(deploy/job.yaml, a Kubernetes Job), kfp (deploy/pipeline.py and its compiled "
        "pipeline.yaml, Kubeflow Pipelines v2); comma-separated",
    )
    convert.add_argument(
        "--image",
        metavar="REF",
        help="the image the deployment files run (default: DIST:VERSION, the tag of nb2prod build)",
    )


def _add_verify(commands: Any) -> None:
    verify = commands.add_parser(
        "verify",
        help="install a generated package into a fresh venv and run its tests",
        description="Install the package in OUT, with its dependencies, into a fresh virtual "
        "environment and run its tests there. Exit status: 0 all passed, 1 a test failed or "
        "installation failed, 2 OUT is not a package folder.",
    )
    verify.add_argument("out", metavar="OUT", help="package folder (with pyproject.toml)")
    verify.add_argument(
        "--timeout", type=float, default=900, help="seconds for the whole run (default: 900)"
    )


def _add_lock(commands: Any) -> None:
    lock = commands.add_parser(
        "lock",
        help="pin a generated package's dependencies, with hashes",
        description="Write OUT/requirements.in (the direct dependencies, pinned) and "
        "OUT/requirements.lock (all dependencies, pinned, with hashes). Exit status 2: OUT is not "
        "a package folder, or the dependencies cannot be resolved.",
    )
    lock.add_argument("out", metavar="OUT", help="package folder (with pyproject.toml)")
    lock.add_argument(
        "--resolver",
        choices=["auto", "pip-tools", "uv"],
        default="auto",
        help="auto: uv where installed, else pip-tools (default: auto)",
    )
    lock.add_argument(
        "--timeout", type=float, default=600, help="seconds for resolving (default: 600)"
    )
    lock.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="DIR",
        help="also look for wheels in DIR (repeatable)",
    )
    lock.add_argument(
        "--no-index", action="store_true", help="use only --find-links folders, no package index"
    )


def _add_report(commands: Any) -> None:
    from nb2prod.cli_report import add_report

    add_report(commands)


def _add_build(commands: Any) -> None:
    build = commands.add_parser(
        "build",
        help="build a generated package's container image, its tests run inside the build",
        description="Build the image of the package in OUT with a Docker engine: locked "
        "dependencies (requirements.lock, hashes checked), the package, its tests run during "
        "the build, a non-root runtime. Writes a Dockerfile when OUT has none. Exit status 2: "
        "no engine, no lock, or the build (or a test in it) failed.",
    )
    build.add_argument("out", metavar="OUT", help="package folder (with requirements.lock)")
    build.add_argument("--tag", "-t", metavar="T", help="image tag (default: DIST:VERSION)")
    build.add_argument(
        "--offline",
        action="store_true",
        help="download the locked wheels into OUT/wheelhouse first, then build with no network",
    )
    build.add_argument(
        "--base-image", metavar="IMAGE", help="base image (default: the Dockerfile's BASE_IMAGE)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status. Nothing escapes as a traceback (see ``cli_exit``)."""

    def command() -> int:
        args = build_parser().parse_args(argv)
        with terminated_on_sigterm(args.command in _CLEANS_UP):
            return _dispatch(args)

    return ending_cleanly(command)


#: The commands with something to clean up when terminated: staging folders, a kernel. The others
#: keep SIGTERM's default (``check``'s worker processes end with it).
_CLEANS_UP = ("convert", "run")


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is None:
        build_parser().print_help(sys.stderr)
        return EXIT_UNUSABLE
    if args.command == "verify":
        return run_verify(args)
    if args.command == "lock":
        return run_lock(args)
    if args.command == "convert":
        return run_convert(args)
    if args.command == "build":
        return run_build(args)
    if args.command == "report":
        from nb2prod.cli_report import run_report

        return run_report(args)
    if args.command == "run":
        return cli_record.run_run(args)
    if args.command == "env":
        return cli_record.run_env(args)
    if args.command == "diff":
        return cli_diff.run_diff(args)
    if args.command == "explain":
        return cli_check.run_explain(args)
    return cli_check.run_check(args)


def run_convert(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nb2prod.configured import team_secrets
    from nb2prod.convert.naming import identifier
    from nb2prod.convert.package import Refusal, convert_notebook
    from nb2prod.deploy.compile import with_compiled_pipeline
    from nb2prod.deps.package import with_lock
    from nb2prod.errors import NotebookError
    from nb2prod.notebook import load
    from nb2prod.output import write_tree
    from nb2prod.output_guard import check_folder

    try:
        deploy = _deploy_options(args)
        notebook = load(args.notebook)
        secrets = team_secrets(args.notebook, notebook)
        if secrets:
            return _secrets_refused(args.notebook, secrets)
        name = identifier(args.name, "package") if args.name else None
        result = convert_notebook(
            notebook, name=name, allow_hidden_state=args.allow_hidden_state, deploy=deploy
        )
        if isinstance(result, Refusal):
            return _refused(args.notebook, result.findings)
        _print_notices([notice.line(args.notebook) for notice in result.notices])
        out = Path(args.output or result.name)
        protect = [(args.notebook, f"the notebook {args.notebook}")]
        check_folder(out, force=args.force, protect=protect)  # before the slow lock
        hint = "or convert with --no-lock and lock later"
        files = with_compiled_pipeline(result.files, args.notebook)
        files = files if args.no_lock else with_lock(files, args.notebook, hint=hint)
        replaced = write_tree(files, out, force=args.force, protect=protect)
    except NotebookError as error:
        print(error, file=sys.stderr)
        return EXIT_UNUSABLE
    note = f", replacing {replaced.files} earlier" if replaced and replaced.files else ""
    print(f"{out}: package `{result.name}` written ({len(files)} files{note})")
    return EXIT_OK


def _deploy_options(args: argparse.Namespace) -> DeployOptions | None:
    """``--deploy`` and ``--image``, checked before any work: a NotebookError names the
    notebook and what is wrong."""
    from nb2prod import deploy
    from nb2prod.deploy.compile import require_sdk
    from nb2prod.deploy.facts import valid_image
    from nb2prod.errors import NotebookError

    if args.deploy is None:
        if args.image is not None:
            raise NotebookError(args.notebook, "--image names the image of --deploy: add --deploy")
        return None
    try:
        targets = deploy.parse_targets(args.deploy)
    except ValueError as error:
        raise NotebookError(args.notebook, str(error)) from None
    if args.image is not None and not valid_image(args.image):
        raise NotebookError(args.notebook, f"--image {args.image!r} is not an image reference")
    if "kfp" in targets:
        require_sdk(args.notebook)
    return deploy.DeployOptions(targets, args.image)


def _secrets_refused(notebook: str, findings: Sequence[Finding]) -> int:
    return _refused(
        notebook,
        findings,
        f"{len(findings)} place(s) match the secret patterns of the configuration, and a secret "
        "never goes into a package. Read each from an environment variable (os.environ[...]) in "
        "the notebook, then convert.",
    )


def _refused(notebook: str, findings: Sequence[Finding], why: str | None = None) -> int:
    """The findings that stop a convert, then one line saying why and what to do."""
    from nb2prod.report.text import Style, render_finding

    style = Style(cli_check.use_colour(None) and sys.stderr.isatty())
    for finding in findings:
        print(render_finding(notebook, finding, style), file=sys.stderr)
    why = why or (
        f"{len(findings)} error finding(s) mean a fresh run would not give the notebook's "
        "results, so a package made from it could not be tested against them. Fix them (restart "
        "the kernel, run all cells, save), or pass --allow-hidden-state to convert anyway."
    )
    print(f"{notebook}: not converted: {why}", file=sys.stderr)
    return EXIT_FINDINGS


def run_verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nb2prod.errors import NotebookError
    from nb2prod.progress import reporter, status
    from nb2prod.verify import verify_package
    from nb2prod.verify_report import (
        needs_record_hint,
        render_record_hint,
        render_summary,
        render_test,
    )

    try:
        with status() as line:
            result = verify_package(Path(args.out), timeout=args.timeout, progress=reporter(line))
    except NotebookError as error:
        print(error, file=sys.stderr)
        return EXIT_UNUSABLE
    for test in result.tests:
        print(render_test(test, result.origin))
    if not result.ok and not result.failed:  # no failing test explains it: show what did
        print(result.log, file=sys.stderr)
    if needs_record_hint(result.tests, result.origin):
        print(render_record_hint(args.out, result.origin))
    print(render_summary(result))
    return EXIT_OK if result.ok else EXIT_FINDINGS


def run_lock(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nb2prod.deps import lock_package, write_lock
    from nb2prod.errors import NotebookError
    from nb2prod.progress import reporter, status

    out = Path(args.out)
    try:
        with status() as line:
            result = lock_package(
                out,
                resolver=args.resolver,
                timeout=args.timeout,
                find_links=args.find_links,
                no_index=args.no_index,
                progress=reporter(line),
            )
        _print_notices(result.notices)
        write_lock(out, result)
    except NotebookError as error:
        print(error, file=sys.stderr)
        return EXIT_UNUSABLE
    print(
        f"{len(result.requirements)} direct, {result.pinned} pinned with hashes in "
        f"{out / 'requirements.lock'}"
    )
    return EXIT_OK


def _print_notices(notices: Sequence[str]) -> None:
    """The metadata values a command left out, one line each (``PATH: ignored ...``)."""
    for line in notices:
        print(line, file=sys.stderr)


def run_build(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nb2prod.container.build import build_image
    from nb2prod.errors import NotebookError

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    out = Path(args.out)
    try:
        if not out.is_dir():
            raise NotebookError(args.out, "not a package folder")
        result = build_image(
            out, args.tag, offline=args.offline, base_image=args.base_image, progress=progress
        )
    except NotebookError as error:
        print(error, file=sys.stderr)
        return EXIT_UNUSABLE
    print(f"{args.out}: image {result.tag} built ({result.size / 1e6:.0f} MB)")
    return EXIT_OK
