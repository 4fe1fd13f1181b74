"""The kernel's records as lock inputs, read from a package's ``nb2prod.json``.

``"recorded"`` (canonical name -> version) pins the direct requirements (see ``versions``) and holds
every other distribution the resolver needs to its recorded version: a constraint, which does
nothing for a distribution outside the resolved closure. ``convert`` writes the whole recorded
environment there; once locked, :func:`restrict` keeps only what the lock pins, so the file stays
small. ``"recorded_python"`` is the Python the kernel ran, which the lock is resolved for where
the resolver can (uv).

``nb2prod.json`` is untrusted like the notebook it came from (a package may be someone else's):
its names, versions and Python pass the checks of ``metadata_values``; what fails is left out
with a notice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nb2prod import metadata_values as mv
from nb2prod.deps.requirement import Requirement, canonical

PROVENANCE = "nb2prod.json"
KEY, PYTHON_KEY = "recorded", "recorded_python"


def read_provenance(package_dir: Path) -> dict[str, Any]:
    """``nb2prod.json`` as a dict; empty when it is missing or not a JSON object."""
    try:
        return parse_provenance((package_dir / PROVENANCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def parse_provenance(text: str) -> dict[str, Any]:
    """``nb2prod.json``'s text as a dict; empty when it is not a JSON object."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def recorded_versions(
    provenance: Mapping[str, Any], notices: list[mv.Ignored] | None = None
) -> dict[str, str]:
    """The ``"recorded"`` versions whose name and version pass their checks (the others are
    left out, with a notice in ``notices``)."""
    return mv.versions(provenance.get(KEY), notices if notices is not None else [])


def recorded_python(
    provenance: Mapping[str, Any], notices: list[mv.Ignored] | None = None
) -> str | None:
    """``"recorded_python": "3.10.14"`` -> ``"3.10"``; None when absent or not a Python nb2prod
    targets (with a notice in ``notices``)."""
    found = provenance.get(PYTHON_KEY)
    return mv.keep(
        found, mv.python_target, "recorded Python", notices if notices is not None else []
    )


def held_back(
    versions: Mapping[str, str], requirements: Sequence[Requirement]
) -> list[Requirement]:
    """Constraints: the recorded versions of distributions that are not direct requirements,
    sorted; a name or version that fails its check is left out."""
    direct = {canonical(r.name) for r in requirements}
    held: dict[str, Requirement] = {}
    for name, version in versions.items():
        key = canonical(name)
        if key in direct or not mv.is_good(name, mv.distribution_name):
            continue
        if mv.is_good(version, mv.version):
            held[key] = Requirement(key, version, "recorded")
    return [held[key] for key in sorted(held)]


def kept(versions: Mapping[str, str], pinned: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The recorded versions of the distributions a lock pins (canonical names, sorted)."""
    found = {canonical(k): v for k, v in versions.items()}
    return tuple(sorted((k, v) for k, v in found.items() if k in pinned))


def restrict(text: str, keep: Mapping[str, str]) -> str:
    """``nb2prod.json``'s text with ``"recorded"`` cut down to ``keep``; unchanged when it has no
    ``"recorded"`` (or is not JSON). Written as ``convert`` writes it: sorted, indented by 2."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict) or not isinstance(data.get(KEY), dict):
        return text
    data[KEY] = dict(sorted(keep.items()))
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
