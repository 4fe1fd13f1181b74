"""The one safe reader: every file nb2prod reads from a user's folder comes through here.

A file is read only when it is a regular file (never a FIFO, a device or a socket, which could
block or never end), checked with ``os.stat`` before it is opened and with ``fstat`` on the open
descriptor, opened with ``O_NONBLOCK``, and read up to a cap. A file to ship is also confined:
its real path (links resolved) must lie inside the notebook's folder, and it is then opened one
folder at a time with ``O_NOFOLLOW`` from that folder, so a link swapped in meanwhile is refused
rather than followed. Secret files (``.env``, SSH keys, cloud credentials...) are never shipped.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager

from nb2prod.errors import NotebookError

#: The largest notebook read (the server's request limit is the same); pass ``limit`` to change it.
MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024

#: Files never shipped in a package, and kept out of its image build context: ``.dockerignore``
#: patterns (a trailing ``/`` is a folder, anywhere in the path).
SECRET_FILE_PATTERNS = (
    ".env",
    ".env.*",
    "*.env",
    "id_rsa",
    "id_rsa.*",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "id_ed25519.*",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    ".netrc",
    "_netrc",
    ".pgpass",
    "credentials",
    "credentials.json",
    "client_secret*.json",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    ".htpasswd",
    ".aws/",
    ".ssh/",
    ".gnupg/",
    ".git/",
    ".docker/",
    ".kube/",
)

_BINARY = os.O_BINARY if hasattr(os, "O_BINARY") else 0
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_READ = os.O_RDONLY | _BINARY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0)
#: Opening one folder at a time under a folder's descriptor needs ``dir_fd`` (POSIX).
_BY_FOLDER = bool(_NOFOLLOW and _DIRECTORY) and os.open in os.supports_dir_fd
_CHUNK = 1 << 20


class Oversized(NotebookError):
    """A regular file larger than the cap it was read with."""


def read_shippable(folder: str, relative: str, limit: int) -> bytes:
    """The bytes of a file the package may carry: inside ``folder`` (links resolved), regular,
    at most ``limit`` bytes (else :class:`Oversized`), and no secret file by name or content;
    else :class:`NotebookError` naming ``relative`` and why it is not shipped."""
    named = secret_file(relative) or secret_file("/".join(inside(folder, relative)))
    if named:
        raise NotebookError(relative, f"a secret file matching `{named}`")
    data = read_inside(folder, relative, limit)
    held = secret_content(data)
    if held:
        raise NotebookError(relative, f"it holds {held}")
    return data


def read_file(path: str, limit: int = MAX_NOTEBOOK_BYTES) -> bytes:
    """The bytes of the regular file at ``path`` (a link to one is followed), or
    :class:`NotebookError` naming the file and why it cannot be read."""
    info = _stat(path, follow=True)
    _require_regular(path, info.st_mode)
    _require_size(path, info.st_size, limit)
    try:
        descriptor = os.open(path, _READ)
    except OSError as error:
        raise NotebookError(path, _cannot_read(error)) from None
    return b"".join(_chunks(path, descriptor, limit))


def read_inside(folder: str, relative: str, limit: int) -> bytes:
    """The bytes of the regular file at ``relative`` under ``folder``, whose real path must lie
    inside ``folder``; else :class:`NotebookError` naming ``relative`` and the reason."""
    return b"".join(_chunks(relative, _open_inside(folder, relative), limit))


def sha256_inside(folder: str, relative: str, limit: int) -> str:
    """The SHA-256 of the file :func:`read_inside` would read, streamed in chunks."""
    digest = hashlib.sha256()
    for chunk in _chunks(relative, _open_inside(folder, relative), limit):
        digest.update(chunk)
    return digest.hexdigest()


def stat_inside(folder: str, relative: str) -> os.stat_result:
    """``os.stat`` of the regular file at ``relative`` whose real path lies inside ``folder``;
    else :class:`NotebookError` (it is not opened)."""
    top = os.path.realpath(folder)
    info = _stat(os.path.join(top, *inside(folder, relative)), follow=False, shown=relative)
    _require_regular(relative, info.st_mode)
    return info


def _open_inside(folder: str, relative: str) -> int:
    """A descriptor of the regular file at ``relative`` inside ``folder``, each folder on its
    real path opened with ``O_NOFOLLOW`` under the last one."""
    inner = inside(folder, relative)
    top = os.path.realpath(folder)
    real = os.path.join(top, *inner)
    _require_regular(relative, _stat(real, follow=False, shown=relative).st_mode)
    if not _BY_FOLDER:
        return _open_plain(real, relative)
    with _folder(top, inner[:-1], relative) as parent:
        try:
            return os.open(inner[-1], _READ | _NOFOLLOW, dir_fd=parent)
        except OSError as error:
            raise NotebookError(relative, _cannot_read(error)) from None


def inside(folder: str, relative: str) -> list[str]:
    """The parts of ``relative``'s real path under ``folder``'s real path (links resolved), or
    :class:`NotebookError` when it leads outside ``folder`` (or is ``folder`` itself)."""
    try:
        top = os.path.realpath(folder)
        real = os.path.realpath(os.path.join(top, relative))
        common = os.path.commonpath([real, top])
    except ValueError:  # a NUL in the path, or another drive
        common, real, top = "", "", "."
    if common != top or real == top:
        raise NotebookError(relative, "leads outside the notebook's folder")
    return os.path.relpath(real, top).split(os.sep)


def secret_file(relative: str) -> str | None:
    """The secret-file pattern ``relative`` (a path under the notebook's folder) matches."""
    parts = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
    for pattern in SECRET_FILE_PATTERNS:
        if pattern.endswith("/"):
            if pattern[:-1] in parts[:-1]:
                return pattern
        elif parts and fnmatch.fnmatch(parts[-1].lower(), pattern):
            return pattern
    return None


_SECRET_CONTENT = (
    (b'"type":"service_account"', b'"private_key"', "a cloud service-account key"),
    (b"-----BEGIN", b"PRIVATEKEY-----", "a private key"),
    (b"PuTTY-User-Key-File", b"", "a private key"),
    (b"aws_secret_access_key", b"", "cloud credentials"),
)


def secret_content(data: bytes) -> str | None:
    """What secret a file's content holds (a service-account key, a private key...), or None."""
    head = data[: 4 * _CHUNK]
    compact = head.replace(b" ", b"").replace(b"\t", b"")
    for first, second, what in _SECRET_CONTENT:
        if first in compact and second in compact:
            return what
    return None


def _stat(path: str, *, follow: bool, shown: str | None = None) -> os.stat_result:
    try:
        return os.stat(path, follow_symlinks=follow)
    except FileNotFoundError:
        raise NotebookError(shown or path, "no such file") from None
    except (OSError, ValueError) as error:
        raise NotebookError(shown or path, _cannot_read(error)) from None


def _require_regular(path: str, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise NotebookError(path, "is a directory, not a file")
    raise NotebookError(path, f"not a regular file ({_kind(mode)}), so it is not read")


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def _require_size(path: str, size: int, limit: int) -> None:
    if size > limit:
        raise Oversized(path, f"{size} bytes, over the limit of {limit} bytes")


def _cannot_read(error: OSError | ValueError) -> str:
    if isinstance(error, OSError) and error.strerror:
        return f"cannot be read ({error.strerror})"
    return f"cannot be read ({error})"


def _open_plain(real: str, shown: str) -> int:
    try:
        return os.open(real, _READ | _NOFOLLOW)
    except OSError as error:
        raise NotebookError(shown, _cannot_read(error)) from None


@contextmanager
def _folder(top: str, parts: list[str], shown: str) -> Iterator[int]:
    """A descriptor of ``top/parts...``, each part opened with ``O_NOFOLLOW`` under the last."""
    try:
        current = os.open(top, os.O_RDONLY | _DIRECTORY)
    except OSError as error:
        raise NotebookError(shown, _cannot_read(error)) from None
    try:
        for part in parts:
            try:
                inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=current)
            except OSError:
                raise NotebookError(shown, "leads outside the notebook's folder") from None
            os.close(current)
            current = inner
        yield current
    finally:
        os.close(current)


def _chunks(path: str, descriptor: int, limit: int) -> Iterator[bytes]:
    """The content of an open descriptor, in chunks, once ``fstat`` says it is a regular file
    within ``limit`` (and :class:`Oversized` should it grow past it while read)."""
    with os.fdopen(descriptor, "rb", buffering=0) as handle:
        info = os.fstat(handle.fileno())
        _require_regular(path, info.st_mode)
        _require_size(path, info.st_size, limit)
        total = 0
        try:
            while chunk := handle.read(min(_CHUNK, limit + 1 - total)):
                total += len(chunk)
                if total > limit:
                    raise Oversized(path, f"over the limit of {limit} bytes")
                yield chunk
        except BlockingIOError:
            raise NotebookError(path, "cannot be read without blocking") from None
        except OSError as error:
            raise NotebookError(path, _cannot_read(error)) from None
