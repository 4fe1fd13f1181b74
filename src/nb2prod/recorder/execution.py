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


class Names:
    """Snapshots of the user's names and the identity of what each is bound to.

    IPython adds names of its own at every execution (``_i7``, ``_7``, ...), so a long session's
    namespace is mostly IPython's. A snapshot costs in proportion to the user's names, not to the
    session's length: names are kept in insertion order by the dict, so the names added since the
    last snapshot are the ones after the last name it saw, read from the end. A count that does
    not add up (a ``%reset``, the last name deleted) falls back to a full pass.
    """

    def __init__(self, hidden: Mapping[str, Any]) -> None:
        self.ignored = set(hidden)
        self.user: set[str] = set()
        self._last: str | None = None
        self._size = 0

    def snapshot(self, names: dict[str, Any]) -> dict[str, int]:
        before = len(self.user)
        self.user = {k for k in self.user if k in names}
        added = self._added(names, before - len(self.user))
        for name in added:
            if name in self.ignored:
                continue
            if name[:1] == "_" and _IPYTHON_NAME.fullmatch(name):
                self.ignored.add(name)
            else:
                self.user.add(name)
        self._last, self._size = next(reversed(names), None), len(names)
        return {k: id(names[k]) for k in self.user if k in names}

    def _added(self, names: dict[str, Any], deleted: int) -> list[str]:
        if self._last is None or self._last not in names:
            return list(names)
        added = []
        try:
            for name in reversed(names):
                if name == self._last:
                    break
                added.append(name)
        except RuntimeError:  # changed by another thread meanwhile
            return list(names)
        if len(names) != self._size + len(added) - deleted:
            return list(names)
        return added


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
        distribution = packages.distribution_of(module, versions)
        version = versions.get(distribution) if distribution else None
        found.append({"module": module, "distribution": distribution, "version": version})
    return found


def seeds(source: str) -> list[dict[str, str]]:
    """Seed calls visible in the code, with their argument text."""
    if "seed" not in source.lower() and "PRNGKey" not in source:
        return []
    return [{"call": m.group(1), "args": m.group(2).strip()} for m in _SEED_CALL.finditer(source)]
