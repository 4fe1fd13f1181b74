"""Loading notebooks: nbformat v4 and v3 (upgraded); one clear error for what cannot be used."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from nb2prod.errors import NotebookError
from nb2prod.safefiles import MAX_NOTEBOOK_BYTES, read_file, read_inside

T = TypeVar("T")

#: Text kept from one output; longer text is cut (the size is remembered).
MAX_OUTPUT_TEXT = 64 * 1024

_NON_PYTHON_KERNELS = (
    "ir",
    "julia",
    "bash",
    "javascript",
    "scala",
    "java",
    "sas",
    "matlab",
    "octave",
    "xcpp",
)


@dataclass(frozen=True)
class Output:
    """One stored output, reduced to what nb2prod reads (no images, bounded text)."""

    output_type: str
    text: str = ""
    name: str | None = None
    mimetypes: tuple[str, ...] = ()
    execution_count: int | None = None
    ename: str | None = None
    evalue: str | None = None
    truncated: bool = False


@dataclass(frozen=True)
class Cell:
    """One cell; ``index`` counts all cells (markdown and raw too) from 0."""

    index: int
    cell_type: str
    source: str
    id: str | None = None
    execution_count: int | None = None
    outputs: tuple[Output, ...] = ()
    tags: tuple[str, ...] = ()
    #: Ran, but the count is 0 (some front ends, such as Colab, store that): order unknown.
    ran_uncounted: bool = False

    @property
    def is_code(self) -> bool:
        return self.cell_type == "code"


@dataclass(frozen=True)
class Notebook:
    """A loaded notebook: its cells and the facts about its kernel."""

    path: str
    cells: tuple[Cell, ...]
    nbformat: int = 4
    nbformat_minor: int = 5
    language: str = "python"
    kernel_name: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.is_code)

    @property
    def python_version(self) -> tuple[int, int] | None:
        """The kernel's Python version (major, minor), when the notebook records one that
        passes ``metadata_values.python_minor`` (Python 2 included: it is what the kernel ran)."""
        from nb2prod.metadata_values import python_minor

        info = self.metadata.get("language_info")
        found = python_minor(info.get("version")) if isinstance(info, Mapping) else None
        return found if isinstance(found, tuple) else None

    @property
    def directory(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))


def load(path: str | os.PathLike[str], limit: int = MAX_NOTEBOOK_BYTES) -> Notebook:
    """Read a notebook file, or raise :class:`NotebookError` saying why it cannot be used.

    Only a regular file of at most ``limit`` bytes is read (:mod:`nb2prod.safefiles`): a FIFO, a
    device or a link to one is refused before anything blocks."""
    name = os.fspath(path)
    return loads(read_text(name, limit), name)


def read_text(path: str | os.PathLike[str], limit: int = MAX_NOTEBOOK_BYTES) -> str:
    """The text of a notebook file, read as :func:`load` reads it (so a caller that needs the
    raw JSON too parses the very bytes that were checked)."""
    name = os.fspath(path)
    if os.path.isdir(name):
        raise NotebookError(name, "is a directory, not a notebook file")
    return _decode(read_file(name, limit), name)


def read_text_inside(folder: str, relative: str, limit: int = MAX_NOTEBOOK_BYTES) -> str:
    """The text of the notebook at ``relative`` under ``folder``, read as :func:`read_text`
    reads one, but only when its real path lies inside ``folder`` (a link out is refused:
    :func:`nb2prod.safefiles.read_inside`); errors name ``relative``."""
    return _decode(read_inside(folder, relative, limit), relative)


def loads(text: str, path: str = "<notebook>") -> Notebook:
    """Parse notebook JSON text; ``path`` only names the notebook in messages and reports."""
    if not text.strip():
        raise NotebookError(path, "empty file, not a notebook")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(path, _json_reason(exc, text)) from None
    except RecursionError:
        raise NotebookError(path, "JSON nested too deeply to be a notebook") from None
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise NotebookError(path, f"JSON that cannot be read as a notebook ({exc})") from None
    return from_dict(raw, path)


def from_dict(raw: Any, path: str = "<notebook>") -> Notebook:
    """Build a :class:`Notebook` from parsed notebook JSON (any nbformat from 3 on)."""
    if not isinstance(raw, dict) or "nbformat" not in raw:
        raise NotebookError(path, "valid JSON but not a Jupyter notebook (no 'nbformat' field)")
    major = raw.get("nbformat")
    if not isinstance(major, int) or isinstance(major, bool):
        raise NotebookError(path, f"not a Jupyter notebook ('nbformat' is {major!r})")
    if major == 3:
        raw = _upgrade_v3(raw, path)
    elif major != 4:
        raise NotebookError(path, f"nbformat {major} is not supported (nb2prod reads 3 and 4)")
    metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
    language, kernel_name = _kernel(metadata)
    if not _is_python(language, kernel_name):
        from nb2prod import metadata_values as mv

        shown = language or kernel_name
        named = shown if mv.is_good(shown, mv.kernel_name) else mv.shown(shown)  # one line
        raise NotebookError(path, f"kernel language is {named}, not Python")
    cells = raw.get("cells")
    if not isinstance(cells, list):
        raise NotebookError(path, "not a Jupyter notebook ('cells' is missing or not a list)")
    minor = raw.get("nbformat_minor")
    return Notebook(
        path=path,
        cells=tuple(_cell(i, c) for i, c in enumerate(cells)),
        nbformat=major,
        nbformat_minor=minor if isinstance(minor, int) else 0,
        language=language or "python",
        kernel_name=kernel_name,
        metadata=metadata,
    )


def _decode(data: bytes, path: str) -> str:
    head = data[:8192]
    if b"\x00" in head:
        raise NotebookError(path, "binary file, not a notebook")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotebookError(path, "binary or non-UTF-8 file, not a notebook") from None


def _json_reason(exc: json.JSONDecodeError, text: str) -> str:
    if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        return f"truncated JSON (the file ends at line {exc.lineno} before the notebook is closed)"
    if not text.lstrip().startswith(("{", "[")):
        return "not JSON, so not a notebook"
    return f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"


def _upgrade_v3(raw: dict[str, Any], path: str) -> dict[str, Any]:
    """nbformat 3 as 4, by nbformat's own reader and converter (see :mod:`nb2prod.nbformat3`)."""
    from nb2prod.nbformat3 import upgrade_v3

    return upgrade_v3(raw, path)


def _kernel(metadata: Mapping[str, Any]) -> tuple[str | None, str | None]:
    spec = metadata.get("kernelspec")
    info = metadata.get("language_info")
    language = None
    name = None
    if isinstance(spec, dict):
        language = spec.get("language") if isinstance(spec.get("language"), str) else None
        name = spec.get("name") if isinstance(spec.get("name"), str) else None
    if language is None and isinstance(info, dict) and isinstance(info.get("name"), str):
        language = info["name"]
    if language is None and isinstance(metadata.get("language"), str):  # nbformat 3
        language = metadata["language"]
    return language, name


def _is_python(language: str | None, kernel_name: str | None) -> bool:
    if language:
        return language.strip().lower() in ("python", "python2", "python3", "ipython", "")
    if kernel_name:
        lowered = kernel_name.lower()
        return not lowered.startswith(_NON_PYTHON_KERNELS)
    return True


def _field(raw: Mapping[str, Any], key: str, kind: type[T], default: T) -> T:
    """``raw[key]`` when it has the expected type, else ``default`` (real notebooks are messy)."""
    value = raw.get(key)
    if isinstance(value, kind) and not isinstance(value, bool):
        return value
    return default


def _count(raw: Mapping[str, Any]) -> int | None:
    """An execution count; kernels count from 1, so anything else means "not run"."""
    value = raw.get("execution_count")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        try:
            return "".join(value)
        except TypeError:  # not all strings: the strings alone
            return "".join([part for part in value if isinstance(part, str)])
    return ""


def _cell(index: int, raw: Any) -> Cell:
    if not isinstance(raw, dict):
        return Cell(index=index, cell_type="raw", source="")
    metadata = _field(raw, "metadata", dict, {})
    tags = _field(metadata, "tags", list, [])
    outputs = _field(raw, "outputs", list, [])
    cell_id = raw.get("id")
    return Cell(
        index=index,
        cell_type=_field(raw, "cell_type", str, "raw"),
        source=_text(raw.get("source")),
        id=cell_id if isinstance(cell_id, str) else None,
        execution_count=_count(raw),
        outputs=tuple([_output(o) for o in outputs if isinstance(o, dict)]) if outputs else (),
        tags=tuple([t for t in tags if isinstance(t, str)]) if tags else (),
        ran_uncounted=raw.get("execution_count") == 0 and raw.get("execution_count") is not False,
    )


def _output(raw: dict[str, Any]) -> Output:
    kind = _field(raw, "output_type", str, "unknown")
    data = _field(raw, "data", dict, {})
    if kind == "stream":
        text = _text(raw.get("text"))
    elif kind == "error":
        text = "\n".join(
            line for line in _field(raw, "traceback", list, []) if isinstance(line, str)
        )
    else:
        text = _text(data.get("text/plain"))
    name = raw.get("name")
    return Output(
        output_type=kind,
        text=text[:MAX_OUTPUT_TEXT],
        name=name if isinstance(name, str) else None,
        mimetypes=tuple(sorted([k for k in data if isinstance(k, str)])) if data else (),
        execution_count=_count(raw),
        ename=_field(raw, "ename", str, "") or None,
        evalue=_field(raw, "evalue", str, "") or None,
        truncated=len(text) > MAX_OUTPUT_TEXT,
    )
