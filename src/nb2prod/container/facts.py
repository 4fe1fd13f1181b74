"""What the image needs to know about a generated package: read from its own files, which are
untrusted (a package may be someone else's): every value passes its check in ``metadata_values``;
one that fails is replaced by the default, or left out, with a notice."""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nb2prod import metadata_values as mv
from nb2prod.errors import NotebookError

_MINIMUM = re.compile(r">=\s*(3\.\d{1,2})")


@dataclass(frozen=True)
class PackageFacts:
    """A package folder's name, version, Python and provenance, and one line per value of its
    files that was left out (``PATH: ignored ...``)."""

    distribution: str
    package: str
    version: str
    python_version: str
    build_requires: tuple[str, ...]
    notebook: str | None = None
    notebook_sha256: str | None = None
    nb2prod_version: str | None = None
    notices: tuple[str, ...] = ()


def read_facts(package_dir: Path) -> PackageFacts:
    """Read ``pyproject.toml`` (and ``nb2prod.json`` when present) of ``package_dir``.

    Raises :class:`NotebookError` when the folder is not a package nb2prod can build.
    """
    from nb2prod.deps.recorded import read_provenance  # nb2prod.deps is slow to import

    pyproject = _toml(package_dir / "pyproject.toml", package_dir)
    project = _table(pyproject.get("project"))
    package = _import_name(pyproject, package_dir)
    own: list[mv.Ignored] = []  # from pyproject.toml
    name = mv.keep(project.get("name"), mv.distribution_name, "project name", own)
    version = mv.keep(project.get("version"), mv.version, "project version", own)
    minimum = _MINIMUM.search(str(project.get("requires-python", "")))
    python = mv.keep(minimum and minimum.group(1), mv.python_target, "requires-python", own)
    provenance = read_provenance(package_dir)
    recorded: list[mv.Ignored] = []  # from nb2prod.json
    facts = PackageFacts(
        distribution=name or package.replace("_", "-"),
        package=package,
        version=version or "0",
        python_version=python or "3.11",
        build_requires=_requires(pyproject, package_dir),
        notebook=mv.keep(provenance.get("notebook"), mv.path, "notebook", recorded),
        notebook_sha256=mv.keep(
            provenance.get("notebook_sha256"), mv.hex_digest, "notebook_sha256", recorded
        ),
        nb2prod_version=mv.keep(provenance.get("nb2prod"), mv.version, "nb2prod version", recorded),
    )
    notices = [n.line(str(package_dir / "pyproject.toml")) for n in own]
    notices += [n.line(str(package_dir / "nb2prod.json")) for n in recorded]
    return dataclasses.replace(facts, notices=tuple(notices))


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
    """The package's import name: the wheel's one package, else the one ``src/PKG/__main__.py``;
    it must be a Python name."""
    hatch = _table(_table(pyproject.get("tool")).get("hatch"))
    wheel = _table(_table(_table(hatch.get("build")).get("targets")).get("wheel"))
    packages = wheel.get("packages")
    if isinstance(packages, list) and packages:
        names = [Path(str(packages[0])).name]
    else:
        names = sorted(p.parent.name for p in (package_dir / "src").glob("*/__main__.py"))
    if len(names) != 1:
        raise NotebookError(
            str(package_dir), "no runnable package: expected one src/PKG/__main__.py"
        )
    if not names[0].isidentifier() or not names[0].isascii():
        raise NotebookError(str(package_dir), f"not a Python package name: {mv.shown(names[0])}")
    return names[0]


def _requires(pyproject: dict[str, Any], package_dir: Path) -> tuple[str, ...]:
    """The build requirements: each must be a requirement (``metadata_values``)."""
    listed = _table(pyproject.get("build-system")).get("requires", ["hatchling"])
    if not isinstance(listed, list):
        listed = [listed]
    for entry in listed:
        if isinstance(mv.requirement(entry), mv.Bad):
            raise NotebookError(
                str(package_dir / "pyproject.toml"),
                f"build-system requires {mv.shown(entry)}: not a requirement",
            )
    return tuple(listed)


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
