"""The work the server hands to its pool of worker processes: reading notebooks, checking them,
reading their records. Module-level functions (a job is pickled by name) that return plain,
picklable values and raise :class:`~nb2prod.errors.NotebookError` for what cannot be used."""

from __future__ import annotations

from typing import Any

from nb2prod.notebook import Notebook, from_dict, load, loads


def read_notebook(local: str, content: Any) -> Notebook:
    """The saved file at ``local``, or ``content``: parsed JSON (or its text) of the open one."""
    if content is None:
        return load(local)
    return loads(content, local) if isinstance(content, str) else from_dict(content, local)


def analyse(local: str, content: Any) -> dict[str, Any]:
    """What ``nb2prod check --json`` says about one notebook (see :func:`read_notebook`)."""
    from nb2prod.analysis import check_notebook
    from nb2prod.kinds import described

    found = check_notebook(read_notebook(local, content)).to_dict()
    found["findings"] = [described(f) for f in found["findings"]]
    return found


def environment(local: str, api_path: str) -> dict[str, Any]:
    """What the kernel recorded for the saved notebook at ``local``."""
    from nb2prod.server.environment import read_environment

    return read_environment(local, api_path)
