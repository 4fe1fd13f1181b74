"""A direct requirement of a generated package, and what the current environment has installed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

#: Where a version came from: the notebook's kernel recorded it, this environment has it
#: installed, a ``!pip install name==version`` in the notebook pins it, or nothing knew it (the
#: resolver picks the newest on the index).
Source = Literal["recorded", "installed", "pip-install", "guess"]


def canonical(name: str) -> str:
    """The PEP 503 normal form of a distribution name: ``Scikit_Learn`` -> ``scikit-learn``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    """``name`` pinned to ``version`` (None: unpinned, the resolver chooses)."""

    name: str
    version: str | None
    source: Source
    note: str = ""

    @property
    def line(self) -> str:
        """The line of ``requirements.in``: ``name==version``, or the name alone."""
        return f"{self.name}=={self.version}" if self.version else self.name


@dataclass(frozen=True)
class Environment:
    """What is installed: import name -> distributions providing it, and canonical distribution
    name -> (its name as published, its version). Tests build one by hand."""

    providers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    installed: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def current(cls) -> Environment:
        """The environment nb2prod runs in (``importlib.metadata``)."""
        import importlib.metadata as metadata

        providers = {
            module: tuple(sorted(set(names), key=canonical))
            for module, names in metadata.packages_distributions().items()
        }
        installed: dict[str, tuple[str, str]] = {}
        for dist in metadata.distributions():
            name = dist.metadata["Name"]
            if name:
                installed.setdefault(canonical(name), (name, dist.version))
        return cls(providers, installed)

    def version(self, name: str) -> str | None:
        found = self.installed.get(canonical(name))
        return found[1] if found else None

    def published_name(self, name: str) -> str:
        found = self.installed.get(canonical(name))
        return found[0] if found else name
