"""Building a package folder's image with a Docker engine, through the Docker SDK.

``build_image`` writes the Dockerfile and .dockerignore when the folder has none, downloads the
locked wheels into ``wheelhouse/`` for an offline (hermetic) build, then streams the build.
Every failure a user can act on is a :class:`NotebookError` with a one-line reason.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nb2prod.container.dockerfile import render_dockerfile, render_dockerignore
from nb2prod.container.facts import PackageFacts, image_labels, read_facts
from nb2prod.container.wheelhouse import download_key, is_filled, mark_filled
from nb2prod.errors import NotebookError

NO_ENGINE = (
    "no Docker engine reachable: start one (e.g. `sudo dockerd &` or Docker Desktop) and retry"
)
#: The manylinux tags wheels for a linux/amd64 image may carry (recent wheels use the newer).
PLATFORMS = (
    "manylinux2014_x86_64",
    "manylinux_2_17_x86_64",
    "manylinux_2_27_x86_64",
    "manylinux_2_28_x86_64",
)
#: Installed in the image's test stage only; an offline build needs their wheels too.
TEST_TOOLS = ("pytest",)
_SHOWN = re.compile(r"^(Step \d+/\d+ :|=*\s*\d+ (passed|failed)|Successfully (built|tagged))")
_COMMAND = re.compile(r"^The command '.*' returned", re.S)
_FAILURE = re.compile(r"(error|failed|FAILED|Traceback|No matching distribution|HASHES)", re.I)


@dataclass(frozen=True)
class BuildResult:
    """A built image: its id, tag, size in bytes, the seconds it took and the whole build log."""

    image_id: str
    tag: str
    size: int
    seconds: float
    log: str
    wrote: tuple[str, ...] = ()


def build_image(
    package_dir: Path,
    tag: str | None = None,
    *,
    offline: bool = False,
    base_image: str | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> BuildResult:
    """Build (and test, inside the build) the image of the package in ``package_dir``.

    ``offline``: download the locked wheels (plus pytest and the build backend) on this machine
    first, then build with no network at all. ``base_image`` overrides the Dockerfile's
    ``BASE_IMAGE`` argument. ``progress`` receives the build's step lines as they come. ``tag``
    defaults to ``DIST:VERSION`` from the package's ``pyproject.toml``.
    """
    start = time.monotonic()
    facts = read_facts(package_dir)
    for notice in facts.notices:  # values of the package's files that were left out
        progress(notice)
    tag = tag or f"{facts.distribution}:{facts.version}"
    if not (package_dir / "requirements.lock").is_file():
        raise NotebookError(
            str(package_dir), "no requirements.lock: run `nb2prod lock` on it first"
        )
    client = _connect(package_dir)
    wrote = write_container_files(package_dir, facts)
    for name in wrote:
        progress(f"wrote {name}")
    args = {"BASE_IMAGE": base_image} if base_image else {}
    if offline:
        progress("downloading the locked wheels into wheelhouse/")
        download_wheels(package_dir, facts)
        args["PIP_NO_INDEX"] = "1"
    stream = client.api.build(
        path=str(package_dir),
        tag=tag,
        decode=True,
        rm=True,
        forcerm=True,
        network_mode="none" if offline else None,
        buildargs=args or None,
    )
    log, image_id = _follow(stream, package_dir, progress)
    try:
        size = int(client.api.inspect_image(tag)["Size"])
    except Exception as error:  # the engine went away after building: say so plainly
        raise NotebookError(str(package_dir), f"built image {tag} not found: {error}") from None
    return BuildResult(image_id, tag, size, time.monotonic() - start, log, wrote)


def write_container_files(package_dir: Path, facts: PackageFacts) -> tuple[str, ...]:
    """Write ``Dockerfile`` and ``.dockerignore`` where missing; an edited one is kept."""
    revision, source = _git(package_dir)
    files = {
        "Dockerfile": render_dockerfile(
            facts.package,
            facts.python_version,
            labels=image_labels(facts, revision=revision, source=source),
            build_requires=facts.build_requires,
        ),
        ".dockerignore": render_dockerignore(),
    }
    wrote = []
    for name, text in files.items():
        path = package_dir / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            wrote.append(name)
    return tuple(wrote)


def download_command(python_version: str, wheelhouse: Path, *what: str) -> list[str]:
    """``pip download`` of linux/amd64 CPython wheels only, for the image's Python."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:"]
    command += ["--python-version", python_version, "--implementation", "cp"]
    for platform in PLATFORMS:
        command += ["--platform", platform]
    return [*command, "-d", str(wheelhouse), *what]


def download_wheels(package_dir: Path, facts: PackageFacts) -> None:
    """Fill ``package_dir/wheelhouse`` with the locked wheels (hashes checked), pytest and the
    build backend, for an image build with no network. What the wheelhouse already holds is
    not asked of the index again (a rebuild after a code change stays offline)."""
    wheelhouse = package_dir / "wheelhouse"
    wheelhouse.mkdir(exist_ok=True)
    version = facts.python_version
    lock = package_dir / "requirements.lock"
    locked = ["--require-hashes", "-r", str(lock)]
    commands = [
        download_command(version, wheelhouse, *what)
        for what in (locked, [*TEST_TOOLS, *facts.build_requires])
    ]
    key = download_key(commands, lock)
    if is_filled(wheelhouse, key):
        return
    for command in commands:
        held = [*command, "--no-index", "--find-links", str(wheelhouse)]
        if _download(package_dir, held).returncode == 0:
            continue
        done = _download(package_dir, command)
        if done.returncode != 0:
            raise NotebookError(
                str(package_dir), f"downloading wheels failed: {_last_error(done.stderr)}"
            )
    mark_filled(wheelhouse, key)


def _download(package_dir: Path, command: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    except subprocess.TimeoutExpired:
        raise NotebookError(str(package_dir), "downloading wheels timed out") from None


def _connect(package_dir: Path) -> Any:
    try:
        import docker  # type: ignore[import-untyped]
    except ImportError:
        raise NotebookError(
            str(package_dir), "the Docker SDK is missing: pip install docker"
        ) from None
    try:
        client = docker.from_env()
        client.ping()
    except (docker.errors.DockerException, OSError):
        raise NotebookError(str(package_dir), NO_ENGINE) from None
    return client


def _follow(
    stream: Iterable[dict[str, Any]], package_dir: Path, progress: Callable[[str], None]
) -> tuple[str, str]:
    log: list[str] = []
    image_id = ""
    try:
        for chunk in stream:
            if "error" in chunk or "errorDetail" in chunk:
                detail = chunk.get("errorDetail", {}).get("message") or chunk.get("error", "")
                detail = _COMMAND.sub("a build step returned", detail)
                reason = _last_error("\n".join(log))
                cause = f"{reason} ({detail.strip()})" if reason else detail.strip()
                raise NotebookError(str(package_dir), f"image build failed: {cause}")
            aux = chunk.get("aux")
            if isinstance(aux, dict) and "ID" in aux:
                image_id = str(aux["ID"])
            for line in _lines(chunk.get("stream", "")):
                log.append(line)
                if _SHOWN.match(line):
                    progress(line)
    except NotebookError:
        raise
    except Exception as error:  # the engine dropped the connection mid-build
        raise NotebookError(str(package_dir), f"image build interrupted: {error}") from None
    return "\n".join(log), image_id


def _lines(text: str) -> Iterator[str]:
    for line in text.splitlines():
        if line.strip():
            yield line.rstrip()


def _last_error(log: str) -> str:
    """The last line of a log that looks like the reason it failed (else its last line)."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for line in reversed(lines):
        if _FAILURE.search(line) and not line.startswith("Step "):
            return line[:300]
    return lines[-1][:300] if lines else ""


def _git(package_dir: Path) -> tuple[str | None, str | None]:
    """The commit and remote of the git work tree holding ``package_dir``, when there is one."""
    found: list[str | None] = []
    for args in (["rev-parse", "HEAD"], ["remote", "get-url", "origin"]):
        try:
            done = subprocess.run(
                ["git", "-C", str(package_dir), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None, None
        found.append(done.stdout.strip() or None if done.returncode == 0 else None)
    return found[0], found[1]
