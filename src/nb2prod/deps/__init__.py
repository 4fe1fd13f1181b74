"""Locked dependencies: which distributions a notebook needs, at which versions, locked with hashes.

``mapping`` turns imports into distributions, ``versions`` pins them, ``index`` picks extra wheel
indexes (CUDA builds of torch), ``lock`` writes ``requirements.in`` and compiles
``requirements.lock``, ``package`` does it all for a package folder written by ``convert``.
"""

from __future__ import annotations

from nb2prod.deps.index import extra_index_urls
from nb2prod.deps.lock import Resolver, compile_lock, render_requirements_in
from nb2prod.deps.mapping import Direct, direct_requirements, map_imports, top_level_modules
from nb2prod.deps.package import LockResult, lock_package, with_lock, write_lock
from nb2prod.deps.requirement import Environment, Requirement, canonical
from nb2prod.deps.versions import parse_pip_requirement, pin_versions

__all__ = [
    "Direct",
    "Environment",
    "LockResult",
    "Requirement",
    "Resolver",
    "canonical",
    "compile_lock",
    "direct_requirements",
    "extra_index_urls",
    "lock_package",
    "map_imports",
    "parse_pip_requirement",
    "pin_versions",
    "render_requirements_in",
    "top_level_modules",
    "with_lock",
    "write_lock",
]
