"""Loading and unloading the recorder (``%load_ext nb2prod`` / ``%unload_ext nb2prod``)."""

from __future__ import annotations

import json
from typing import Any

from nb2prod.recorder.session import Recorder

_recorders: dict[int, Recorder] = {}


def load(shell: Any) -> Recorder:
    """Start recording in ``shell``; loading twice keeps the first recorder."""
    found = _recorders.get(id(shell))
    if found is not None:
        return found
    from nb2prod.recorder import channel

    recorder = Recorder(shell)
    recorder.start()
    channel.register(recorder)
    _recorders[id(shell)] = recorder
    return recorder


def unload(shell: Any) -> None:
    recorder = _recorders.pop(id(shell), None)
    if recorder is not None:
        from nb2prod.recorder import channel

        recorder.stop()
        channel.unregister(recorder)


def current() -> Recorder | None:
    """The recorder of the running IPython shell, if it is loaded."""
    from IPython.core.interactiveshell import InteractiveShell

    if not InteractiveShell.initialized():
        return None
    return _recorders.get(id(InteractiveShell.instance()))


def export_json() -> str:
    """Everything recorded in this kernel, as JSON (``nb2prod run`` asks for it at the end)."""
    recorder = current()
    state = recorder.state() if recorder else {"environments": {}, "history": [], "sources": {}}
    failures = recorder.failures if recorder else ["the recorder is not loaded"]
    return json.dumps({**state, "failures": failures}, sort_keys=True)
