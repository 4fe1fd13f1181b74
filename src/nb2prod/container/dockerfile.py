"""The Dockerfile and .dockerignore of a generated package, as text.

The image is built in five stages, in the order a build cache rewards:

* ``deps``: a virtual environment in ``/opt/venv`` with the locked dependencies
  (``pip install --require-hashes -r requirements.lock``: rebuilt only when the lock changes);
* ``build``: the package itself, installed with ``--no-deps`` into ``/opt/app`` (on
  ``PYTHONPATH``), so that a code change rebuilds and ships only that small layer; its build
  backend is installed before the code is copied, so a code change does not install it again;
* ``testenv``: pytest added to that environment (so it never reaches the final image unless
  the lock names it), and ``test``: the package's own tests, run there;
* the final stage: the same base, the environment copied in from ``deps`` (whatever a later
  stage writes into it, a code change leaves that copy cached), a non-root user, the package as
  the entry point and OCI labels last.

Wheels in a ``wheelhouse/`` folder beside the lock are copied in with it; the build argument
``PIP_NO_INDEX=1`` then makes the build hermetic (no package index, ``--network none``). A build
argument is seen only by the stage that declares it, so every stage that runs pip declares it:
pip would otherwise try the unreachable index first, and retry, before taking the wheels.
Only syntax the classic builder knows is used: no BuildKit ``RUN --mount``. Every value that
reaches a ``FROM``, ``ARG`` or ``LABEL`` line is checked here again (``fullmatch``, JSON-quoted
labels): a bad one is a ``ValueError``, since callers pass only checked values.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping, Sequence

from nb2prod.metadata_values import cuda_version, is_good
from nb2prod.metadata_values import requirement as requirement_value
from nb2prod.safefiles import SECRET_FILE_PATTERNS

#: The default public base image for a Python version.
PYTHON_BASE = "python:{version}-slim"
#: The default public base image for a CUDA version (the Ubuntu release is picked by Python).
CUDA_BASE = "nvidia/cuda:{cuda}-runtime-ubuntu{ubuntu}"
#: NVIDIA publishes runtime images per CUDA release (``X.Y.Z``), not per ``X.Y``: the newest
#: release of each minor version (a record says ``12.1``; the image is ``12.1.1``).
CUDA_RELEASES = {
    "11.8": "11.8.0", "12.0": "12.0.1", "12.1": "12.1.1", "12.2": "12.2.2", "12.3": "12.3.2",
    "12.4": "12.4.1", "12.5": "12.5.1", "12.6": "12.6.3", "12.8": "12.8.1", "12.9": "12.9.1",
    "13.0": "13.0.2",
}  # fmt: skip
#: The user the image runs as: not root, and a fixed id so volumes can be prepared for it.
APP_UID = 10001

_VERSION = re.compile(r"3\.\d{1,2}")
_PACKAGE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LABEL_KEY = re.compile(r"[a-z0-9][a-z0-9._-]*")


def base_image(python_version: str = "3.11", cuda: str | None = None) -> str:
    """The public base image a Dockerfile names by default."""
    _check_version(python_version)
    if cuda is None:
        return PYTHON_BASE.format(version=python_version)
    if not is_good(cuda, cuda_version):
        raise ValueError(f"CUDA version {cuda!r}: expected X.Y or X.Y.Z, e.g. 12.1.1")
    return CUDA_BASE.format(cuda=cuda_release(cuda), ubuntu=_ubuntu_for(python_version))


def cuda_release(cuda: str) -> str:
    """The CUDA release an image is published for: ``X.Y.Z`` as given; ``X.Y`` -> its newest
    release, or the newest of an older minor version of the same major one (what a driver for
    ``X.Y`` runs), else ``X.Y.0``."""
    if cuda.count(".") == 2:
        return cuda
    if cuda in CUDA_RELEASES:
        return CUDA_RELEASES[cuda]
    major, minor = (int(part) for part in cuda.split("."))
    older = [
        (int(m), release)
        for key, release in CUDA_RELEASES.items()
        for j, m in [key.split(".")]
        if int(j) == major and int(m) < minor
    ]
    return max(older)[1] if older else f"{cuda}.0"


def render_dockerfile(
    package: str,
    python_version: str = "3.11",
    cuda: str | None = None,
    *,
    labels: Mapping[str, str],
    build_requires: Sequence[str] = ("hatchling",),
) -> str:
    """The Dockerfile that builds, tests and runs ``package`` (its import name).

    ``labels`` become ``LABEL`` lines in sorted order, after everything else so that a new
    commit or version does not invalidate any cached layer. With ``cuda`` the base is NVIDIA's
    CUDA runtime image, which has no Python: the distribution's ``pythonX.Y`` is installed.
    ``build_requires``: the package's build backend (``[build-system] requires``).
    """
    if not _PACKAGE.fullmatch(package):
        raise ValueError(f"{package!r} is not a Python import name")
    for requirement in build_requires:
        if not is_good(requirement, requirement_value):
            raise ValueError(f"build requirement {requirement!r} is not a requirement")
    default = base_image(python_version, cuda)
    python = f"python{python_version}" if cuda else "python3"
    lines = [
        "# Built by nb2prod: dependencies from requirements.lock (hashes checked), then the",
        "# package, its tests run in the build, and a non-root runtime stage.",
        "# Hermetic build: `nb2prod build --offline` (wheels in wheelhouse/, no network).",
        f"ARG BASE_IMAGE={default}",
        "",
    ]
    lines += _cuda_base(python) if cuda else []
    base = "base" if cuda else "${BASE_IMAGE}"
    lines += [*_deps_stage(base, python), "", *_build_stage(build_requires), "", *_test_stages()]
    lines += ["", *_final_stage(base, package)]
    lines += _labels(labels)
    return "\n".join(lines) + "\n"


#: Declared by every stage that runs pip (a build argument is seen only where it is declared).
_NO_INDEX = [
    "# PIP_NO_INDEX=1 (offline): pip takes only the wheels copied in with the lock.",
    "ARG PIP_NO_INDEX=0",
]


def _deps_stage(base: str, python: str) -> list[str]:
    """The locked dependencies into /opt/venv."""
    return [
        f"FROM {base} AS deps",
        *_NO_INDEX,
        "ENV PIP_DISABLE_PIP_VERSION_CHECK=1",
        "WORKDIR /build",
        "# Dependencies first: this layer is rebuilt only when the lock (or a wheel) changes.",
        "COPY requirements.lock wheelhouse* /build/wheels/",
        f"RUN {python} -m venv /opt/venv \\",
        "    && /opt/venv/bin/python -m pip install --no-cache-dir --require-hashes \\",
        "        --find-links /build/wheels -r /build/wheels/requirements.lock",
    ]


def _build_stage(build_requires: Sequence[str]) -> list[str]:
    """The package into /opt/app, apart: a code change leaves the venv's layers as they were,
    and finds the build backend installed (this stage's venv is never shipped)."""
    backend = " ".join(shlex.quote(r) for r in build_requires)
    return [
        "FROM deps AS build",
        *_NO_INDEX,
        "# The build backend once, not on every build of the package (this venv is not shipped).",
        "RUN /opt/venv/bin/python -m pip install --no-cache-dir \\",
        f"        --find-links /build/wheels {backend}",
        "COPY pyproject.toml README.md /build/pkg/",
        "COPY src/ /build/pkg/src/",
        "RUN /opt/venv/bin/python -m pip install --no-cache-dir --no-deps --no-build-isolation \\",
        "        --target /opt/app /build/pkg",
    ]


def _test_stages() -> list[str]:
    """pytest beside the locked dependencies, then the package's tests; the image keeps only a
    marker that they passed."""
    return [
        "FROM deps AS testenv",
        *_NO_INDEX,
        "# pytest: pinned by the lock when it names it, from the wheelhouse when offline; apart",
        "# from the package, so a code change does not install it again. These stages are thrown",
        "# away but for a marker file, so pytest never reaches the image.",
        "RUN /opt/venv/bin/python -m pip install --no-cache-dir \\",
        "        --find-links /build/wheels pytest",
        "",
        "FROM testenv AS test",
        "ENV PYTHONPATH=/opt/app",
        "COPY --from=build /opt/app /opt/app",
        "COPY --from=build /build/pkg /build/pkg",
        "COPY tests/ /build/pkg/tests/",
        "WORKDIR /build/pkg",
        "RUN /opt/venv/bin/python -m pytest -q -p no:cacheprovider \\",
        "    && touch /build/tests-passed",
    ]


def _final_stage(base: str, package: str) -> list[str]:
    """The runtime: a non-root user, the venv and the package, the pipeline as entrypoint."""
    return [
        f"FROM {base}",
        f"RUN {_add_user()}",
        "COPY --from=deps /opt/venv /opt/venv",
        "COPY --from=build /opt/app /opt/app",
        "# The final image depends on the test stage, so no builder can skip the tests.",
        "COPY --from=test /build/tests-passed /opt/app/.nb2prod-tests-passed",
        "ENV PATH=/opt/venv/bin:/opt/app/bin:$PATH PYTHONPATH=/opt/app \\",
        "    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1",
        "WORKDIR /home/app",
        f"USER {APP_UID}",
        f'ENTRYPOINT ["/opt/venv/bin/python", "-m", "{package}"]',
    ]


def render_dockerignore() -> str:
    """What never goes into the build context: caches, environments, version control."""
    ignored = [
        ".git",
        ".hg",
        "**/__pycache__",
        "**/*.py[cod]",
        "**/.pytest_cache",
        "**/.mypy_cache",
        "**/.ruff_cache",
        "**/.ipynb_checkpoints",
        ".venv",
        "venv",
        "build",
        "dist",
        "**/*.egg-info",
        ".DS_Store",
    ]
    secrets = [f"**/{pattern.rstrip('/')}" for pattern in SECRET_FILE_PATTERNS]
    return (
        "# Kept out of the image build context (nb2prod).\n"
        + "\n".join(ignored)
        + "\n# Secret files: never in an image.\n"
        + "\n".join(secrets)
        + "\n"
    )


def _cuda_base(python: str) -> list[str]:
    return [
        "FROM ${BASE_IMAGE} AS base",
        "# The distribution's Python, at the version of its release (DL3008: not pinned).",
        "# hadolint ignore=DL3008",
        "RUN apt-get update \\",
        "    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\",
        f"        {python} {python}-venv \\",
        "    && rm -rf /var/lib/apt/lists/*",
        "",
    ]


def _add_user() -> str:
    """Create the user ``app`` with ``useradd`` where the base has it (``python:*-slim``),
    else by hand: a debootstrap minbase image has no ``passwd`` package."""
    home = "/home/app"
    by_hand = (
        f'echo "app:x:{APP_UID}:{APP_UID}::{home}:/bin/sh" >> /etc/passwd'
        f' && echo "app:x:{APP_UID}:" >> /etc/group'
        f" && mkdir -p {home}"
    )
    return (
        f"if command -v useradd >/dev/null; then useradd --create-home --uid {APP_UID} app; "
        f"else {by_hand}; fi \\\n    && chown {APP_UID}:{APP_UID} {home}"
    )


def _labels(labels: Mapping[str, str]) -> list[str]:
    if not labels:
        return []
    lines = ["LABEL \\"]
    items = sorted(labels.items())
    for index, (key, value) in enumerate(items):
        if not _LABEL_KEY.fullmatch(key):
            raise ValueError(f"label {key!r}: expected lower-case letters, digits, '.', '-'")
        end = " \\" if index < len(items) - 1 else ""
        text = value.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates
        quoted = json.dumps(text, ensure_ascii=False).replace("$", "\\$")
        lines.append(f"    {key}={quoted}{end}")
    return lines


def _check_version(python_version: str) -> None:
    if not _VERSION.fullmatch(python_version):
        raise ValueError(f"Python version {python_version!r}: expected X.Y, e.g. 3.11")


def _ubuntu_for(python_version: str) -> str:
    """The Ubuntu release whose archive has ``pythonX.Y``: 22.04 up to 3.11, 24.04 from 3.12."""
    minor = int(python_version.split(".")[1])
    return "24.04" if minor >= 12 else "22.04"
