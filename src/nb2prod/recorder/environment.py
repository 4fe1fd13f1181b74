"""The environment record: everything a session ran on, with a stable id for de-duplication.

``snapshot()`` assembles it; ``Watcher`` tells, cheaply after each execution, whether something it
is made of has changed (a package installed, a variable set, an accelerator library imported, a new
git commit), so that a new record is made only then.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from typing import Any

from nb2prod.recorder import git, gpu, machine, packages

#: Fields that say when and by what a record was made, not what it describes: not hashed.
_UNHASHED = ("id", "recorded", "recorder")
#: Code that may change what is installed, where imports come from, or the commit.
_MENTIONS = re.compile(r"pip|conda|mamba|install|sys\.path|site|git")


def now() -> str:
    return iso(time.time())


def iso(seconds: float) -> str:
    """A UTC ISO 8601 time, to the second."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def environment_id(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k not in _UNHASHED}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def snapshot(folder: str | None = None) -> dict[str, Any]:
    """A fresh environment record for this process, ``folder`` being the working folder."""
    from nb2prod import __version__

    record: dict[str, Any] = {
        "python": machine.python_facts(),
        "platform": machine.platform_facts(),
        "cpu": machine.cpu_facts(),
        "memory": machine.memory_facts(),
        "interpreter": machine.interpreter_facts(),
        "variables": machine.variables(),
        "packages": packages.installed(),
        "gpu": gpu.gpu_facts(),
        "accelerators": gpu.accelerators(),
        "git": git.git_facts(folder or os.getcwd()),
    }
    return {
        "id": environment_id(record),
        "recorded": now(),
        "recorder": f"nb2prod {__version__}",
    } | record


class Watcher:
    """Remembers what the last snapshot was made of and tells when it has changed.

    Variables and loaded accelerator libraries are looked at after every execution (a few dict
    lookups). The installed distributions and the git commit cost some file system calls, so they
    are looked at when the execution imported something, when its code mentions installing,
    paths or git, and otherwise at most every ``interval`` seconds.
    """

    def __init__(self, folder: str | None = None, interval: float = 2.0) -> None:
        self.root = git.repository_root(folder or os.getcwd())
        self.interval = interval
        self._cheap = self._read_cheap()
        self._costly = self._read_costly()
        self._checked = time.monotonic()

    def changed(self, source: str = "", imported: bool = False) -> bool:
        changed = False
        cheap = self._read_cheap()
        if cheap != self._cheap:
            self._cheap, changed = cheap, True
        due = time.monotonic() - self._checked >= self.interval
        if due or imported or _MENTIONS.search(source):
            costly = self._read_costly()
            self._checked = time.monotonic()
            if costly != self._costly:
                self._costly, changed = costly, True
        return changed

    def _read_cheap(self) -> tuple[Any, ...]:
        return machine.variables(), tuple(gpu.accelerators_loaded())

    def _read_costly(self) -> tuple[Any, ...]:
        return packages.fingerprint(), git.head(self.root) if self.root else None
