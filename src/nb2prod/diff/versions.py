"""Which way a version moved, and whether its major part did (``1.26.4`` -> ``2.0.1``)."""

from __future__ import annotations


def _parsed(version: str) -> object | None:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(version)
    except InvalidVersion:
        return None


def direction(old: str, new: str) -> str:
    """``upgraded``, ``downgraded``, or ``changed`` when either is no version PEP 440 reads."""
    from packaging.version import Version

    was, now = _parsed(old), _parsed(new)
    if isinstance(was, Version) and isinstance(now, Version) and was != now:
        return "upgraded" if now > was else "downgraded"
    return "changed"


def is_major_move(old: str, new: str) -> bool:
    """Whether the first release number differs (``1.x`` -> ``2.x``)."""
    from packaging.version import Version

    was, now = _parsed(old), _parsed(new)
    if isinstance(was, Version) and isinstance(now, Version):
        return was.major != now.major
    return old.split(".")[0] != new.split(".")[0]
