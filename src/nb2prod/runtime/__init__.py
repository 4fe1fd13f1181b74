"""Modules copied, as they are, into the packages nb2prod generates.

They run where the package runs (a container, a cluster node), where nb2prod is not installed:
each uses the standard library only and imports nothing from nb2prod. They live here, as real
modules, so that nb2prod's own linters, type checker and tests cover them.
"""

from __future__ import annotations

from importlib import resources


def source(module: str) -> str:
    """The text of the runtime module ``module`` (``"environment_guard"``, ``"stage"``)."""
    return resources.files(__name__).joinpath(f"{module}.py").read_text(encoding="utf-8")
