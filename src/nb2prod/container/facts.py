"""What the image needs to know about a generated package: read from its own files."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nb2prod.errors import NotebookError

_MINIMUM = re.compile(r">=\s*(3\.\d{1,2})")


@dataclass(frozen=True)
class PackageFacts:
    """A package folder's name, version, Python and provenance."""

    distribution: str
    package: str
    version: str
    python_version: str
    build_requires: tuple[str, ...]
    notebook: str | None = None
    notebook_sha256: str | None = None
    nb2prod_version: str | None = None


def read_facts(package_dir: Path) -> PackageFacts:
    """Read ``pyproject.toml`` (and ``nb2prod.json`` when present) of ``package_dir``.

    Raises :class:`NotebookError` when the folder is not a package nb2prod can build.
    """
    from nb2prod.deps.recorded import read_provenance  # nb2prod.deps is slow to import

    pyproject = _toml(package_dir / "pyproject.toml", package_dir)
    project = pyproject.get("project", {})
    distribution = str(project.get("name") or package_dir.name)
    requires = str(project.get("requires-python", ""))
    minimum = _MINIMUM.search(requires)
    provenance = {k: v for k, v in read_provenance(package_dir).items() if isinstance(v, str)}
    return PackageFacts(
        distribution=distribution,
        package=_import_name(pyproject, package_dir),
        version=str(project.get("version", "0")),
        python_version=minimum.group(1) if minimum else "3.11",
        build_requires=tuple(pyproject.get("build-system", {}).get("requires", ["hatchling"])),
        notebook=provenance.get("notebook"),
        notebook_sha256=provenance.get("notebook_sha256"),
        nb2prod_version=provenance.get("nb2prod"),
    )


def image_labels(
    facts: PackageFacts, *, revision: str | None = None, source: str | None = None
) -> dict[str, str]:
    """OCI image labels, plus nb2prod's provenance; only those that are known."""
    labels = {
        "org.opencontainers.image.title": facts.distribution,
        "org.opencontainers.image.version": facts.version,
    }
    if facts.notebook:
        labels["org.opencontainers.image.description"] = f"lifted from {facts.notebook} by nb2prod"
    if revision:
        labels["org.opencontainers.image.revision"] = revision
    if source:
        labels["org.opencontainers.image.source"] = source
    if facts.notebook_sha256:
        labels["io.nb2prod.notebook-sha256"] = facts.notebook_sha256
    if facts.nb2prod_version:
        labels["io.nb2prod.version"] = facts.nb2prod_version
    return labels


def _toml(path: Path, package_dir: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10: tomli is the same parser, when installed
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise NotebookError(
                str(package_dir), "reading pyproject.toml needs Python 3.11+ or tomli"
            ) from None
    try:
        with open(path, "rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except FileNotFoundError:
        raise NotebookError(str(package_dir), "not a package folder: no pyproject.toml") from None
    except (OSError, ValueError) as error:
        raise NotebookError(str(package_dir), f"pyproject.toml unusable: {error}") from None
    return data


def _import_name(pyproject: dict[str, Any], package_dir: Path) -> str:
    wheel = pyproject.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {})
    for listed in wheel.get("wheel", {}).get("packages", []):
        return Path(str(listed)).name
    runnable = sorted(p.parent.name for p in (package_dir / "src").glob("*/__main__.py"))
    if len(runnable) == 1:
        return runnable[0]
    raise NotebookError(str(package_dir), "no runnable package: expected one src/PKG/__main__.py")
