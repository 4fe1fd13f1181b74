"""What ``convert`` takes from the kernel's records (``recorder/FORMAT.md``): the Python and CUDA
the image is built on, the versions the lock starts from, and the data files the notebook read,
which are shipped and checked by generated tests. Synthetic values never enter here: only what a
notebook's metadata says."""

from __future__ import annotations

import hashlib
import posixpath
import re
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from nb2prod import metadata_values as mv
from nb2prod.convert.naming import identifier, unique
from nb2prod.convert.testgen import GeneratedTest
from nb2prod.errors import NotebookError
from nb2prod.records import Environment, FileRead, Records
from nb2prod.safefiles import Oversized, read_shippable

_HEX = re.compile(r"^[0-9a-f]{16,64}$")
_ABSOLUTE = re.compile(r"^(/|~|[A-Za-z]:[\\/]|\\\\)")
#: A user's home folder at the start of a path, or after a space in a message.
_HOME = re.compile(
    r"(?:^|(?<=[\s(\"']))(?:/home/[^/\s]+|/Users/[^/\s]+|/root|[A-Za-z]:\\Users\\[^\\\s]+)"
    r"(?=[/\\\s]|$)"
)


@dataclass(frozen=True)
class Target:
    """The Python (``X.Y``) and CUDA (or None) the package and its image are built for, and a
    README line for each metadata value that could not be used for them."""

    python: str
    cuda: str | None = None
    notes: tuple[str, ...] = ()


def here() -> str:
    """The Python nb2prod runs on, as ``X.Y``."""
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


#: The oldest Python a package asks for when no record says which Python the notebook ran on.
FLOOR = (3, 9)


def choose_target(
    environment: Environment | None, metadata: Mapping[str, Any], notices: list[mv.Ignored]
) -> Target:
    """The recorded Python; else a floor from the notebook's ``language_info.version``: the
    lower of its ``X.Y`` and this one, never below :data:`FLOOR` (what a notebook's metadata
    says is where it last ran, not what it needs: a package asking for more could not install
    here); else this one. A Python nb2prod cannot target (Python 2, older than 3.8, nonsense)
    gives this one, with a notice and a note. CUDA: see :func:`cuda_of`."""
    python, notes = _python(environment, metadata, notices)
    cuda = cuda_of(environment)
    if cuda is None and environment is not None and environment.gpu.get("available") is True:
        notes.append(
            "The kernel saw an NVIDIA GPU but recorded no usable CUDA version: the default base "
            "image has no CUDA (pass `--base-image` to `nb2prod build` to choose one)."
        )
    return Target(python, cuda, tuple(notes))


def _python(
    environment: Environment | None, metadata: Mapping[str, Any], notices: list[mv.Ignored]
) -> tuple[str, list[str]]:
    info = metadata.get("language_info")
    candidates = (
        ("recorded Python", environment.python_version if environment else None),
        (
            "notebook's Python (language_info)",
            info.get("version") if isinstance(info, Mapping) else None,
        ),
    )
    for what, value in candidates:
        if value is None:
            continue
        found = mv.python_target(value)
        if not isinstance(found, mv.Bad):
            return (found if what == "recorded Python" else _floor(found)), []
        instead = f"the package and its image use Python {here()}, the one nb2prod runs on"
        notices.append(mv.Ignored(what, value, found.reason, instead))
        release = mv.python_release(value)
        said = (
            f"Python {release}"
            if isinstance(release, str)
            else "a Python version nb2prod cannot read"
        )
        return here(), [
            f"The notebook's metadata says it ran on {said}, which nb2prod cannot target "
            f"({found.reason}): the package and its image use Python {here()}, the one nb2prod "
            "ran on. Check that the code runs there."
        ]
    return here(), []


def _floor(python: str) -> str:
    """``3.14`` -> ``3.11`` on Python 3.11; ``3.8`` -> ``3.9``."""
    major, minor = (int(part) for part in python.split("."))
    running = sys.version_info[0], sys.version_info[1]
    chosen = max(FLOOR, min((major, minor), running))
    return f"{chosen[0]}.{chosen[1]}"


def python_of(environment: Environment | None) -> str | None:
    """The recorded Python as ``X.Y`` (``3.10.14`` -> ``3.10``), or None when there is none or
    nb2prod cannot target it."""
    version = environment.python_version if environment else None
    found = mv.python_target(version) if version is not None else None
    return found if isinstance(found, str) else None


def cuda_of(environment: Environment | None) -> str | None:
    """The CUDA version the image is built for: only when the kernel saw a usable NVIDIA GPU (a
    notebook that ran on the CPU gets the slim Python image, whatever its torch build)."""
    if environment is None or environment.gpu.get("available") is not True:
        return None
    cuda = environment.cuda_version
    return cuda if cuda is not None and mv.is_good(cuda, mv.cuda_version) else None


def lock_provenance(environment: Environment | None) -> dict[str, Any]:
    """``nb2prod.json``'s keys for the lock: every recorded package version (the lock keeps
    those it pins, see ``deps.recorded``) and the recorded Python when nb2prod targets it; only
    values that pass their checks; nothing without records."""
    if environment is None:
        return {}
    found: dict[str, Any] = {
        "recorded": dict(sorted(mv.versions(environment.packages, []).items()))
    }
    if python_of(environment) is not None:
        found["recorded_python"] = environment.python_version
    return found


def without_home(text: str) -> str:
    """``/home/me/data.csv`` -> ``~/data.csv``: no user's home folder in a generated file."""
    return _HOME.sub("~", text)


@dataclass(frozen=True)
class DataInput:
    """A file the recorded executions read, and what the package does with it."""

    read: FileRead
    cell_id: str | None
    shipped: str | None = None  # its path in the package's data folder
    reason: str = ""  # why it is not shipped
    changed: bool = False  # shipped, but not the bytes the kernel read

    @property
    def checkable(self) -> bool:
        """Shipped with a recorded hash: a generated test compares them."""
        return self.shipped is not None and _HEX.match((self.read.sha256 or "").lower()) is not None

    @property
    def shown(self) -> str:
        """The path as a reader sees it: POSIX separators, no home folder."""
        path = self.read.path
        return without_home(path) if _ABSOLUTE.match(path) else path.replace("\\", "/")


def data_inputs(
    records: Records,
    directory: str,
    limit: int,
    ship: Callable[[str, bytes], str],
    produced: Collection[str] = (),
) -> list[DataInput]:
    """The files read by recorded executions of code still in the notebook (the newest record of
    each path), sorted by path; a file such code wrote before any of it read the file is the
    notebook's own product, not an input. Relative ones that the safe reader may ship from the
    notebook's folder (regular, inside it, no secret, up to ``limit`` bytes) are shipped through
    ``ship`` (relative path, content -> its place in the data folder)."""
    newest: dict[str, tuple[FileRead, str | None]] = {}
    made = set(produced)  # written before read (by an earlier execution): the notebook's
    for execution in records.history:
        if execution.source_hash in records.sources:  # code no cell holds any more
            continue
        for read in execution.files:
            if read.path not in made and posixpath.normpath(read.path) not in made:
                newest[read.path] = (read, execution.cell_id)
        made.update(path for path in execution.writes if path not in newest)
    return [
        _input(read, cell, directory, limit, ship)
        for read, cell in (newest[path] for path in sorted(newest))
    ]


def _input(
    read: FileRead,
    cell: str | None,
    directory: str,
    limit: int,
    ship: Callable[[str, bytes], str],
) -> DataInput:
    if _ABSOLUTE.match(read.path):
        return DataInput(read, cell, reason="an absolute path on the machine that ran it")
    relative = posixpath.normpath(read.path.replace("\\", "/"))
    if relative == ".." or relative.startswith("../") or "\x00" in relative:
        return DataInput(read, cell, reason="outside the notebook's folder")
    try:
        content = read_shippable(directory, relative, limit)
    except Oversized:
        return DataInput(read, cell, reason=f"over {limit // (1024 * 1024)} MiB, too big to ship")
    except NotebookError as error:
        why = "not found beside the notebook" if error.reason == "no such file" else error.reason
        return DataInput(read, cell, reason=why)
    expected = (read.sha256 or "").lower()
    digest = hashlib.sha256(content).hexdigest()
    changed = bool(_HEX.match(expected)) and not digest.startswith(expected)
    return DataInput(read, cell, shipped=ship(relative, content), changed=changed)


def data_tests(inputs: list[DataInput], package: str, taken: set[str]) -> dict[str, GeneratedTest]:
    """One test per shipped file with a recorded hash (shipped path -> test): the package runs on
    the same bytes as the notebook."""
    tests: dict[str, GeneratedTest] = {}
    for item in inputs:
        if not item.checkable or item.shipped is None:
            continue
        expected = (item.read.sha256 or "").lower()
        name = unique(f"test_data_{identifier(item.shipped, 'file')}_is_the_recorded_file", taken)
        check = "digest == recorded" if len(expected) == 64 else "digest.startswith(recorded)"
        message = f"data/{item.shipped} is not the file the notebook read"
        code = (
            f"def {name}() -> None:\n"
            '    """The package runs on the data the notebook ran on: the shipped file has the\n'
            '    sha256 the kernel recorded when the notebook read it."""\n'
            "    import hashlib\n\n"
            f"    from {package}._support import data_path\n\n"
            f"    recorded = {expected!r}\n"
            f'    with open(data_path({item.shipped!r}), "rb") as handle:\n'
            "        digest = hashlib.sha256(handle.read()).hexdigest()\n"
            f"    assert {check}, {message!r}\n"
        )
        tests[item.shipped] = GeneratedTest(name, item.cell_id or "", code)
    return tests
