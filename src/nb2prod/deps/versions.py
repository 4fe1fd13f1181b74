"""Versions for direct requirements: the kernel's recorded one, else a ``!pip install`` pin, else
the one installed here, else none (marked ``guess``: the resolver picks the newest on the index,
and the lock file records which; nothing is downloaded to find it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nb2prod import metadata_values as mv
from nb2prod.deps.requirement import Environment, Requirement, canonical


def parse_pip_requirement(text: str) -> tuple[str, str | None] | None:
    """``'pkg[extra]==1.2'`` -> ``("pkg", "1.2")``; ``pkg>=1`` -> ``("pkg", None)``; None when it
    is not a requirement (a path, a URL, an option): ``metadata_values.requirement``."""
    found = mv.requirement(text)
    return None if isinstance(found, mv.Bad) else found


def pin_versions(
    names: Iterable[str],
    pip_installs: Iterable[str] = (),
    *,
    recorded: Mapping[str, str] | None = None,
    env: Environment | None = None,
) -> list[Requirement]:
    """One requirement for each distribution in ``names`` and ``pip_installs``, sorted by name.
    A recorded name or version that fails its check (``metadata_values``) is not used."""
    env = env if env is not None else Environment.current()
    recorded_by = {canonical(k): v for k, v in mv.versions(recorded, []).items()}
    wanted: dict[str, str] = {canonical(n): n for n in names}
    pins: dict[str, str] = {}
    for text in pip_installs:
        parsed = parse_pip_requirement(text)
        if parsed is None:
            continue
        name, version = parsed
        wanted.setdefault(canonical(name), name)
        if version:
            pins[canonical(name)] = version
    return [_pin(wanted[key], recorded_by.get(key), pins.get(key), env) for key in sorted(wanted)]


def _pin(name: str, recorded: str | None, pinned: str | None, env: Environment) -> Requirement:
    installed = env.version(name)
    name = env.published_name(name)
    if recorded:
        differs = pinned and pinned != recorded
        note = f"the notebook pins {pinned} with pip install" if differs else ""
        return Requirement(name, recorded, "recorded", note)
    if pinned:
        note = f"{installed} is installed here" if installed and installed != pinned else ""
        return Requirement(name, pinned, "pip-install", note)
    if installed:
        return Requirement(name, installed, "installed")
    return Requirement(name, None, "guess", "not installed here: the newest on the index")
