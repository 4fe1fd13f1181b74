"""One validator for every value read from notebook metadata (and from a package's
``nb2prod.json``): both are untrusted, since a notebook or a package may come from anyone.

Each check takes any JSON value and returns it (or its normal form) when it is what it claims
to be, else :class:`Bad` saying why; :func:`keep` runs a check and, on a bad value, adds an
:class:`Ignored` notice naming the value (``repr``, so control characters stay visible). A value
that is missing (``None``) is no notice. Distribution names, versions and requirements are
checked with ``packaging``; everything else with a strict regex. Nothing here raises on input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from packaging.requirements import Requirement

T = TypeVar("T")

#: The oldest Python a generated package and its image can target.
OLDEST_PYTHON = (3, 8)
#: Text longer than this is not a value the recorder writes.
MAX_TEXT = 200
MAX_PATH = 4096

#: PEP 508 names: letters and digits at both ends, ``._-`` between.
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?", re.ASCII)
#: The characters a PEP 440 version may have (``packaging`` also accepts spaces, ``v``...).
_VERSION = re.compile(r"[0-9][0-9A-Za-z.+!_-]{0,63}", re.ASCII)
_PYTHON = re.compile(r"(\d{1,2})\.(\d{1,3})(?:\.\d{1,3})?(?:(?:a|b|rc)\d{1,3})?\+?", re.ASCII)
_CUDA = re.compile(r"\d{1,2}\.\d{1,2}(?:\.\d{1,3})?", re.ASCII)
_CUDNN = re.compile(r"\d{1,6}(?:\.\d{1,4}){0,3}", re.ASCII)
_DRIVER = re.compile(r"\d{1,4}(?:\.\d{1,4}){0,3}", re.ASCII)
_HEX = re.compile(r"[0-9a-f]{8,64}", re.ASCII)
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)", re.ASCII)
#: Display text for a table: letters, digits, spaces and plain punctuation; no markup.
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._,:;@()+/#=%'-]{0,199}", re.ASCII)
_KERNEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
_CELL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", re.ASCII)
_URL = re.compile(
    r"https://[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+(?::\d{1,5})?(?:/[A-Za-z0-9_.~+-]*)*",
    re.ASCII,
)


@dataclass(frozen=True)
class Bad:
    """Why a value was not usable."""

    reason: str


@dataclass(frozen=True)
class Ignored:
    """A metadata value that was dropped: what it was meant to be, the value, and why."""

    what: str
    value: object
    reason: str
    instead: str = ""  # what is used in its place, when something is

    def line(self, path: str) -> str:
        """``nb.ipynb: ignored recorded version of 'pandas' ('2.2.2\\n--i...'): not a version``."""
        then = f"; {self.instead}" if self.instead else ""
        return f"{path}: ignored {self.what} ({shown(self.value)}): {self.reason}{then}"


def shown(value: object, limit: int = 60) -> str:
    """A value as a notice shows it: ``repr`` of text (cut to ``limit``), a container's type."""
    if isinstance(value, str):
        text = repr(value[:limit])
        return text + "…" if len(value) > limit else text
    if value is None or isinstance(value, bool | int | float):
        return repr(value)[:limit]
    return f"a JSON {_json_type(value)}"


def keep(
    value: object, check: Callable[[object], T | Bad], what: str, notices: list[Ignored]
) -> T | None:
    """``check(value)``, or None with a notice in ``notices`` when it is bad; None, with no
    notice, when the value is missing."""
    if value is None:
        return None
    found = check(value)
    if isinstance(found, Bad):
        notices.append(Ignored(what, value, found.reason))
        return None
    return found


def unique(notices: Sequence[Ignored]) -> tuple[Ignored, ...]:
    """``notices`` without repeats (the same value ignored for the same reason), in order."""
    found: dict[tuple[str, str, str], Ignored] = {}
    for notice in notices:
        found.setdefault((notice.what, shown(notice.value), notice.reason), notice)
    return tuple(found.values())


def is_good(value: object, check: Callable[[object], object]) -> bool:
    """Whether ``check`` accepts ``value`` (no notice)."""
    return not isinstance(check(value), Bad)


def text(value: object, limit: int = MAX_TEXT) -> str | Bad:
    """Any text with no control or direction-changing characters, valid Unicode, not empty."""
    if not isinstance(value, str):
        return Bad("not text")
    if not value:
        return Bad("empty")
    if _CONTROL.search(value):
        return Bad("contains control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return Bad("not valid Unicode")
    return Bad(f"too long ({len(value):,} characters)") if len(value) > limit else value


def path(value: object) -> str | Bad:
    """A file path as the recorder writes it (relative or absolute): text, no control characters."""
    return text(value, MAX_PATH)


def relative_path(value: object) -> str | Bad:
    """A path inside the notebook's folder: relative, with no ``..`` part."""
    found = path(value)
    if isinstance(found, Bad):
        return found
    parts = found.replace("\\", "/").split("/")
    if found.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:", found):
        return Bad("an absolute path")
    return Bad("goes outside the notebook's folder") if ".." in parts else found


def _matching(
    pattern: re.Pattern[str], reason: str, limit: int = MAX_TEXT
) -> Callable[[object], str | Bad]:
    def check(value: object) -> str | Bad:
        if isinstance(value, str) and len(value) <= limit and pattern.fullmatch(value):
            return value  # the patterns hold no control character: nothing more to check
        found = text(value, limit)
        return found if isinstance(found, Bad) else Bad(reason)

    return check


label = _matching(_LABEL, "not plain text (letters, digits, spaces, ._,:;@()+/#=%'-)")
kernel_name = _matching(_KERNEL, "not a kernel name")
cell_id = _matching(_CELL_ID, "not a cell id")
#: A record's id (a session, an environment): what a cell id may be.
record_id = _matching(_CELL_ID, "not an id")
hex_digest = _matching(_HEX, "not a hex digest")
timestamp = _matching(_TIME, "not an ISO 8601 time")
cuda_version = _matching(_CUDA, "not a CUDA version (X.Y or X.Y.Z)")
driver_version = _matching(_DRIVER, "not a driver version")
index_url = _matching(_URL, "not an https URL of a package index", 300)


def cudnn_version(value: object) -> str | Bad:
    """cuDNN as a library reports it: ``8902`` (text or a number) or ``8.9.2``."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**6:
        return str(value)
    return _matching(_CUDNN, "not a cuDNN version")(value)


def identifier(value: object) -> str | Bad:
    """A Python name, or a dotted module or class name (``os.path``, ``KeyError``)."""
    names = value.split(".") if isinstance(value, str) and len(value) <= MAX_TEXT else [""]
    if all(name.isidentifier() for name in names):
        return str(value)  # no control character or surrogate is part of a name
    found = text(value)
    return found if isinstance(found, Bad) else Bad("not a Python name")


def distribution_name(value: object) -> str | Bad:
    """A distribution name (PEP 508), as given."""
    found = text(value)
    if isinstance(found, Bad):
        return found
    return found if _NAME.fullmatch(found) else Bad("not a distribution name")


def canonical_name(value: object) -> str | Bad:
    """A distribution name in its PEP 503 normal form (``Scikit_Learn`` -> ``scikit-learn``)."""
    from packaging.utils import canonicalize_name

    found = distribution_name(value)
    return found if isinstance(found, Bad) else str(canonicalize_name(found))


def version(value: object) -> str | Bad:
    """A PEP 440 version, as given (``2.2.3``, ``2.4.1+cu121``): no spaces, no options."""
    from packaging.version import InvalidVersion, Version

    found = text(value, 64)
    if isinstance(found, Bad):
        return found
    if not _VERSION.fullmatch(found):
        return Bad("not a version")
    try:
        Version(found)
    except InvalidVersion:
        return Bad("not a version")
    return found


def python_release(value: object) -> str | Bad:
    """A Python version as a kernel reports it: ``3.10.14``, ``2.7.18``, ``3.13.0rc1``."""
    found = text(value, 32)
    if isinstance(found, Bad):
        return found
    return found if _PYTHON.fullmatch(found) else Bad("not a Python version")


def python_minor(value: object) -> tuple[int, int] | Bad:
    """A Python release's ``(major, minor)``: ``3.10.14`` -> ``(3, 10)``."""
    found = python_release(value)
    if isinstance(found, Bad):
        return found
    match = _PYTHON.fullmatch(found)
    assert match is not None  # python_release matched it
    return int(match.group(1)), int(match.group(2))


def python_target(value: object) -> str | Bad:
    """The ``X.Y`` a package and its image can be built for: a Python 3 release from
    :data:`OLDEST_PYTHON` on (``3.10.14`` -> ``3.10``)."""
    found = python_minor(value)
    if isinstance(found, Bad):
        return found
    major, minor = found
    if found < OLDEST_PYTHON:
        oldest = ".".join(map(str, OLDEST_PYTHON))
        return Bad(f"Python {major}.{minor} is older than {oldest}, the oldest nb2prod targets")
    if major != OLDEST_PYTHON[0]:
        return Bad(f"Python {major}.{minor} is not a Python 3 nb2prod can target")
    return f"{major}.{minor}"


def count(value: object) -> int | Bad:
    """A count or a size: a whole number from 0 (not a boolean)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    return Bad("not a whole number from 0")


def flag(value: object) -> bool | Bad:
    return value if isinstance(value, bool) else Bad("not true or false")


def versions(raw: object, notices: list[Ignored], kind: str = "recorded") -> dict[str, str]:
    """A ``{name: version}`` table (``kind``: ``recorded`` packages), keeping the good pairs as
    given: a bad name, or a bad version, drops the pair with a notice."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        notices.append(Ignored(f"{kind} package versions", raw, "not a table of versions"))
        return {}
    found: dict[str, str] = {}
    for key, value in raw.items():
        name = keep(key, distribution_name, f"{kind} package name", notices)
        checked = keep(value, version, f"{kind} version of {name!r}", notices) if name else None
        if name is not None and checked is not None:
            found[name] = checked
    return found


def requirement(value: object) -> tuple[str, str | None] | Bad:
    """A requirement as ``pip install`` takes it (``'pkg[extra]==1.2'``), reduced to its name
    and its exact pin (None when it has none): a URL, a path or an option is not one."""
    found = _parsed(value)
    if isinstance(found, Bad):
        return found
    pins = [s.version for s in found.specifier if s.operator in ("==", "===")]
    exact = pins[0] if len(pins) == 1 and "*" not in pins[0] else None
    return found.name, (exact if exact is not None and is_good(exact, version) else None)


def requirement_line(value: object) -> str | Bad:
    """A requirement rebuilt from its checked parts for ``pyproject.toml``: ``name`` and its
    version specifiers (``numpy>=1.26,<2``); extras and markers are dropped."""
    found = _parsed(value)
    if isinstance(found, Bad):
        return found
    specifiers = sorted(
        f"{s.operator}{s.version}"
        for s in found.specifier
        if s.operator != "===" and is_good(s.version.removesuffix(".*"), version)
    )
    return found.name + ",".join(specifiers)


def _parsed(value: object) -> Requirement | Bad:
    """``packaging``'s parse of a requirement with no URL and a checked name, else :class:`Bad`."""
    from packaging.requirements import InvalidRequirement, Requirement

    found = text(value, 300)
    if isinstance(found, Bad):
        return found
    found = found.strip()
    if len(found) > 1 and found[0] == found[-1] and found[0] in "'\"":
        found = found[1:-1]  # a shell word quoted whole
    try:
        parsed = Requirement(found)
    except InvalidRequirement:
        return Bad("not a requirement")
    if parsed.url:
        return Bad("a direct reference to a URL, not a requirement on the package index")
    name = distribution_name(parsed.name)
    return name if isinstance(name, Bad) else parsed


def _json_type(value: object) -> str:
    kinds = ((bool, "boolean"), (int | float, "number"), (str, "string"), (list | tuple, "array"))
    for kind, name in kinds:
        if isinstance(value, kind):
            return name
    return "object" if isinstance(value, Mapping) else type(value).__name__
