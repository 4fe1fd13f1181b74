"""The analyses of a notebook's cells, kept on disk between runs of ``nb2prod check``.

Most of a check is the analysis of each cell (:mod:`.cell`), and a pre-commit hook checks the same
cells again and again. As ruff does, the command line keeps each cell's analysis in the user's
cache folder, keyed by the hash of the cell's source, and reads it back instead of analysing the
cell again. Only portable analyses are kept (they depend on the source alone); the cross-cell
findings are always computed afresh, so a finding never comes from the cache.

One file per notebook (named by the hash of its real path), holding the analyses of the cells it
had when last checked: ``MAGIC``, the CRC-32 of the rest, then JSON: the fingerprint and the
entries (:mod:`.cellcodec`). The fingerprint (nb2prod's version, Python's, and the size and time
of every module whose code the analysis runs) must match, or the file is ignored. A file that is
truncated, corrupt or of another format is ignored too, and replaced after the check. Files are
written atomically (a temporary file renamed over), readable by the user alone.

``NB2PROD_NO_CACHE=1`` turns the cache off; ``NB2PROD_CACHE_DIR`` names the folder (default:
``$XDG_CACHE_HOME/nb2prod``, else the platform's user cache folder). Never beside the notebook.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import zlib
from dataclasses import dataclass, field
from typing import Any

from nb2prod.analysis.cell import adopt_analysis, portable_analysis, source_hash
from nb2prod.analysis.cellcodec import decode, encode
from nb2prod.analysis.facts import CellFacts
from nb2prod.errors import NotebookError
from nb2prod.notebook import Notebook
from nb2prod.safefiles import read_file

MAGIC = b"nb2prod cell analyses 1\n"
#: A cache file larger than this is not read (a 10,000-cell notebook's is about 5 MB).
_MAX_BYTES = 64 * 1024 * 1024
#: Files kept in the cache folder; beyond that the oldest are removed when a new one is made.
_MAX_FILES = 2000
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# nb2prod's cache of cell analyses\n"
#: What a bad cache file may raise while it is read back: it is then ignored.
_BAD_FILE = (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError)


@dataclass
class Kept:
    """A notebook's cache file and the cells (by source hash) it held when the check began."""

    path: str
    fingerprint: str
    hashes: frozenset[str] = field(default_factory=frozenset)


def restore(notebook: Notebook) -> Kept | None:
    """Adopt the kept analyses of the notebook's cells (see :func:`.cell.adopt_analysis`); None
    when the cache is off or has no folder."""
    folder = cache_folder()
    if folder is None:
        return None
    kept = Kept(_file_for(folder, notebook.path), _fingerprint())
    entries = _read(kept.path, kept.fingerprint)
    if not entries:
        return kept
    directory = notebook.directory
    adopted = []
    for cell in notebook.code_cells:
        digest = source_hash(cell.source)
        raw = entries.get(digest)
        if raw is None:
            continue
        try:
            facts = decode(raw)
        except _BAD_FILE:
            return kept  # written by no nb2prod: analyse every cell again
        adopted.append((cell.source, facts))
    for source, facts in adopted:
        adopt_analysis(source, directory, facts)
    kept.hashes = frozenset(entries)
    return kept


def store(notebook: Notebook, kept: Kept) -> None:
    """Keep the portable analyses of the notebook's cells, unless the file holds just those."""
    directory = notebook.directory
    entries: dict[str, CellFacts] = {}
    for cell in notebook.code_cells:
        digest = source_hash(cell.source)
        if digest in entries:
            continue
        facts = portable_analysis(cell.source, directory)
        if facts is not None:
            entries[digest] = facts
    if set(entries) == kept.hashes:
        return
    encoded = {digest: encode(facts) for digest, facts in entries.items()}
    payload = json.dumps([kept.fingerprint, encoded], separators=(",", ":")).encode("utf-8")
    _write(kept.path, MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload)


def cache_folder() -> str | None:
    """Where the cache files live; None when the cache is off (or there is no home folder)."""
    env = os.environ
    if env.get("NB2PROD_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no"):
        return None
    if env.get("NB2PROD_CACHE_DIR"):
        return os.path.abspath(env["NB2PROD_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        if sys.platform == "darwin":
            base = os.path.expanduser("~/Library/Caches")
        elif os.name == "nt":
            base = env.get("LOCALAPPDATA") or os.path.expanduser("~/AppData/Local")
        else:
            base = os.path.expanduser("~/.cache")
    return os.path.join(base, "nb2prod") if os.path.isabs(base) else None


def _file_for(folder: str, notebook_path: str) -> str:
    real = os.path.realpath(notebook_path)
    return os.path.join(folder, source_hash(real) + ".cells")


def _fingerprint() -> str:
    """What the analyses depend on besides the cells' sources: nb2prod's version and code (for an
    edited install too), and Python's version."""
    from nb2prod import __version__

    here = os.path.dirname(os.path.abspath(__file__))
    try:
        paths = [entry.path for entry in os.scandir(here) if entry.name.endswith(".py")]
    except OSError:
        paths = []
    paths.append(os.path.join(os.path.dirname(here), "magic_table.py"))
    parts = [__version__, sys.version, sys.implementation.cache_tag]
    for path in sorted(paths):
        try:
            info = os.stat(path)
        except OSError:
            continue
        parts.append(f"{os.path.basename(path)} {info.st_size} {info.st_mtime_ns}")
    return source_hash("\n".join(parts))


def _read(path: str, fingerprint: str) -> dict[str, Any]:
    """The entries of a cache file; empty when there is none, or it is unusable."""
    try:
        data = read_file(path, _MAX_BYTES)
    except NotebookError:
        return {}
    payload = data[len(MAGIC) + 4 :]
    head = data[: len(MAGIC) + 4]
    if head[: len(MAGIC)] != MAGIC or head[len(MAGIC) :] != zlib.crc32(payload).to_bytes(4, "big"):
        return {}
    try:
        found, entries = json.loads(payload)
    except _BAD_FILE:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return {}
    if found != fingerprint or not isinstance(entries, dict):
        return {}
    return entries


def _write(path: str, data: bytes) -> None:
    """Replace the file atomically; a cache that cannot be written is no cache, never an error."""
    folder = os.path.dirname(path)
    temporary = f"{path}.{os.getpid()}-{os.urandom(4).hex()}.tmp"
    try:
        if not os.path.isdir(folder):
            _make_folder(folder)
        new = not os.path.exists(path)
        # a new file of our own: never one planted there, nor what a link planted there names
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    if new:
        with contextlib.suppress(OSError):
            _prune(folder)


def _make_folder(folder: str) -> None:
    os.makedirs(folder, mode=0o700, exist_ok=True)
    with open(os.path.join(folder, "CACHEDIR.TAG"), "w", encoding="utf-8") as tag:
        tag.write(_TAG)  # backup tools skip a folder with this tag


def _prune(folder: str) -> None:
    """Remove the least recently written files beyond :data:`_MAX_FILES`."""
    files = [e for e in os.scandir(folder) if e.name.endswith(".cells")]
    if len(files) <= _MAX_FILES:
        return
    files.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in files[: len(files) - _MAX_FILES]:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
