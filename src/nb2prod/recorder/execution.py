"""What one execution did to the kernel's state: names defined, rebound and deleted (by object
identity, never copying), top-level modules first imported, and seeds set in its code."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

from nb2prod.recorder import packages

#: IPython's own names: input and output history, and the shell's helpers.
_IPYTHON_NAME = re.compile(r"_+|_i+|_i?\d+|_[dio]h|__\w+__")
_SEED_CALL = re.compile(
    r"((?:[A-Za-z_][\w]*\.)*(?:seed|manual_seed|manual_seed_all|set_seed|set_random_seed"
    r"|seed_everything|PRNGKey))\s*\(([^()\n]{0,80})\)"
)


_STDLIB = frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names)


def is_user_name(name: str, hidden: Mapping[str, Any]) -> bool:
    return name not in hidden and not _IPYTHON_NAME.fullmatch(name)


def namespace(names: Mapping[str, Any], hidden: Mapping[str, Any]) -> dict[str, int]:
    """The user's names and the identity of what each is bound to."""
    return {k: id(v) for k, v in names.items() if is_user_name(k, hidden)}


def names_changed(
    before: Mapping[str, int], after: Mapping[str, int]
) -> tuple[list[str], list[str], list[str]]:
    """(defined, rebound, deleted), each sorted."""
    defined = sorted(k for k in after if k not in before)
    rebound = sorted(k for k, v in after.items() if k in before and before[k] != v)
    deleted = sorted(k for k in before if k not in after)
    return defined, rebound, deleted


class Modules:
    """Top-level modules in ``sys.modules``; recomputed only when the module count changes."""

    def __init__(self) -> None:
        self._count = -1
        self._top: frozenset[str] = frozenset()
        self.current()

    def current(self) -> frozenset[str]:
        if len(sys.modules) != self._count:
            self._count = len(sys.modules)
            self._top = frozenset(
                k for k in list(sys.modules) if "." not in k and not k.startswith("_")
            )
        return self._top


def imports(new: set[str] | frozenset[str], versions: Mapping[str, str]) -> list[dict[str, Any]]:
    """Records of newly imported top-level modules outside the standard library, with their
    distribution and version (None for a local module)."""
    found = []
    for module in sorted(new - _STDLIB):
        distribution = packages.distribution_of(module)
        version = versions.get(distribution) if distribution else None
        found.append({"module": module, "distribution": distribution, "version": version})
    return found


def seeds(source: str) -> list[dict[str, str]]:
    """Seed calls visible in the code, with their argument text."""
    if "seed" not in source.lower() and "PRNGKey" not in source:
        return []
    return [{"call": m.group(1), "args": m.group(2).strip()} for m in _SEED_CALL.finditer(source)]
