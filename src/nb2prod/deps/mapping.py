"""Imports -> distributions: the standard library is left out, modules beside the notebook are the
user's own code (copied, not locked), and the rest is what provides them here, or a known alias."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nb2prod.analysis.facts import Import
from nb2prod.deps.requirement import Environment, Requirement, canonical
from nb2prod.deps.versions import pin_versions

#: Import names whose distribution has another name, for what is not installed here.
ALIASES = {
    "sklearn": "scikit-learn", "cv2": "opencv-python", "PIL": "pillow", "yaml": "PyYAML",
    "bs4": "beautifulsoup4", "skimage": "scikit-image", "dateutil": "python-dateutil",
    "Crypto": "pycryptodome", "OpenSSL": "pyOpenSSL", "jwt": "PyJWT", "dotenv": "python-dotenv",
    "docx": "python-docx", "pptx": "python-pptx", "serial": "pyserial", "usb": "pyusb",
    "MySQLdb": "mysqlclient", "attr": "attrs", "magic": "python-magic", "fitz": "PyMuPDF",
    "git": "GitPython", "github": "PyGithub", "slugify": "python-slugify", "Bio": "biopython",
    "osgeo": "GDAL", "umap": "umap-learn", "faiss": "faiss-cpu", "zmq": "pyzmq",
    "mpl_toolkits": "matplotlib", "pylab": "matplotlib", "gi": "PyGObject", "cairo": "pycairo",
    "wx": "wxPython", "jose": "python-jose", "telegram": "python-telegram-bot",
}  # fmt: skip


@dataclass(frozen=True)
class Distribution:
    """The distribution an import needs; ``installed`` when one here provides it."""

    module: str
    name: str
    installed: bool
    note: str = ""


@dataclass(frozen=True)
class Mapped:
    """What the imports need: distributions (sorted by name) and local modules (sorted)."""

    distributions: tuple[Distribution, ...]
    local: tuple[str, ...]


@dataclass(frozen=True)
class Direct:
    """The direct requirements of a notebook, pinned, and its local modules."""

    requirements: tuple[Requirement, ...]
    local: tuple[str, ...]


def top_level_modules(imports: Iterable[Import]) -> list[str]:
    """The top-level modules of absolute imports (``a.b`` -> ``a``), sorted."""
    found = {i.module.split(".")[0] for i in imports if not i.level and i.module}
    return sorted(found - {"__future__"})


def is_local(module: str, notebook_dir: str) -> bool:
    """A ``module.py`` or ``module/__init__.py`` beside the notebook: the user's own code."""
    base = os.path.join(notebook_dir, module)
    return os.path.isfile(base + ".py") or os.path.isfile(os.path.join(base, "__init__.py"))


def map_imports(
    modules: Iterable[str], notebook_dir: str, env: Environment | None = None
) -> Mapped:
    """Map top-level module names to distributions (``env``: the current one by default)."""
    env = env if env is not None else Environment.current()
    found: dict[str, Distribution] = {}
    local: list[str] = []
    for module in sorted(set(modules)):
        if not module or module in sys.stdlib_module_names or module == "__future__":
            continue
        if is_local(module, notebook_dir):
            local.append(module)
            continue
        dist = distribution_of(module, env)
        found.setdefault(canonical(dist.name), dist)
    return Mapped(tuple(sorted(found.values(), key=lambda d: canonical(d.name))), tuple(local))


def distribution_of(module: str, env: Environment) -> Distribution:
    """The installed distribution providing ``module``, else the alias table, else its name."""
    alias = ALIASES.get(module, module)
    candidates = env.providers.get(module, ())
    if not candidates:
        return Distribution(module, alias, installed=False)
    if len(candidates) == 1:
        chosen = candidates[0]
        note = ""
        if canonical(chosen) != canonical(alias) and module in ALIASES:
            note = f"`{module}` comes from {chosen} here (also published as {alias})"
        return Distribution(module, env.published_name(chosen), installed=True, note=note)
    preferred = [c for c in candidates if canonical(c) in (canonical(alias), canonical(module))]
    chosen = preferred[0] if preferred else candidates[0]
    others = ", ".join(c for c in candidates if c != chosen)
    note = f"`{module}` comes from several installed distributions: chose {chosen}, not {others}"
    return Distribution(module, env.published_name(chosen), installed=True, note=note)


def direct_requirements(
    modules: Iterable[str],
    pip_installs: Iterable[str],
    notebook_dir: str,
    *,
    recorded: Mapping[str, str] | None = None,
    env: Environment | None = None,
) -> Direct:
    """The pinned direct requirements of a notebook: its imports' distributions plus what its
    ``!pip install`` lines name, each at the recorded, pinned, installed or newest version."""
    env = env if env is not None else Environment.current()
    mapped = map_imports(modules, notebook_dir, env)
    notes = {canonical(d.name): d.note for d in mapped.distributions if d.note}
    names = [d.name for d in mapped.distributions]
    requirements = pin_versions(names, list(pip_installs), recorded=recorded, env=env)
    with_notes = tuple(_with_note(r, notes.get(canonical(r.name), "")) for r in requirements)
    return Direct(with_notes, mapped.local)


def _with_note(requirement: Requirement, note: str) -> Requirement:
    if not note:
        return requirement
    joined = f"{note}; {requirement.note}" if requirement.note else note
    return Requirement(requirement.name, requirement.version, requirement.source, joined)
