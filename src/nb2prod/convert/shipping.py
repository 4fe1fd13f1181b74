"""Which data files a package carries: small regular files beside the notebook are shipped,
absolute or big ones become parameters of ``run()``, and links out, special files and secret
files are left behind with the reason, for the README."""

from __future__ import annotations

import os
from collections.abc import Callable

from nb2prod.analysis import practices
from nb2prod.convert.literal import quote
from nb2prod.convert.naming import identifier, unique
from nb2prod.convert.pipeline import Parameter
from nb2prod.errors import NotebookError
from nb2prod.safefiles import Oversized, inside, read_shippable, secret_file

#: Data files up to this size are copied into the package; larger ones stay where they are.
MAX_DATA_FILE = 5 * 1024 * 1024


class DataShipper:
    """Decides, path by path, what the package ships; ``taken`` gives the parameter names
    already used, so a path parameter gets a fresh one."""

    def __init__(
        self, folder: str, taken: Callable[[], set[str]], produced: frozenset[str] = frozenset()
    ) -> None:
        self.folder = folder
        self.taken = taken
        self.produced = produced  # normalized paths the notebook writes before reading them
        self.files: dict[str, bytes] = {}  # shipped path -> content, read safely
        self.withheld: dict[str, str] = {}  # data path -> why it is not shipped
        self.parameters: list[Parameter] = []

    def literal(self, literal: str, folder: bool) -> tuple[str, str] | None:
        """What a path literal in the code becomes: ``("data", shipped)``, ``("parameter",
        name)`` or None (left as it is). Only regular files whose real path is inside the
        notebook's folder are shipped, never a secret file."""
        if not literal or "\n" in literal or "\x00" in literal or len(literal) > 300:
            return None
        if practices.is_absolute_path(literal):
            return "parameter", self.parameter(literal)
        normal = os.path.normpath(literal)
        if os.path.isabs(literal) or normal.startswith("..") or normal == ".":
            return None
        if normal in self.produced:  # the notebook makes it: the package makes it again
            return None
        original = os.path.join(self.folder, normal)
        if not os.path.lexists(original) or (os.path.isdir(original) and not folder):
            return None
        if folder and os.path.isdir(original):
            found = self._small_files(normal)
            if found is None:
                return None
            for relative, content in found.items():
                self.files[in_data_folder(relative)] = content
            return "data", in_data_folder(normal)
        try:
            return "data", self.ship(normal, read_shippable(self.folder, normal, MAX_DATA_FILE))
        except Oversized:
            return "parameter", self.parameter(literal)
        except NotebookError as error:
            self._withhold(normal, error.reason)
            return None

    def ship(self, relative: str, content: bytes) -> str:
        """Ship ``content``, read from ``relative`` beside the notebook; its place in the data
        folder."""
        shipped = in_data_folder(relative)
        self.files[shipped] = content
        return shipped

    def parameter(self, literal: str) -> str:
        """The ``run()`` parameter standing for the path ``literal`` (one per path)."""
        for parameter in self.parameters:
            if parameter.default == quote(literal):
                return parameter.name
        stem = identifier(os.path.basename(literal.rstrip("/\\")), "data")
        taken = self.taken() | {p.name for p in self.parameters}
        name = unique(f"{stem}_path", taken)
        self.parameters.append(Parameter(name, "str", quote(literal)))
        return name

    def _withhold(self, relative: str, reason: str) -> None:
        self.withheld.setdefault(relative.replace(os.sep, "/"), reason)

    def _small_files(self, folder: str) -> dict[str, bytes] | None:
        """The shippable files of the data folder ``folder`` (relative to the notebook), by
        path relative to the notebook, or None when the folder leads outside the notebook's
        folder or is too big to ship. Hidden files and folders are skipped; links leading out,
        FIFOs, devices and secret files are left behind and listed."""
        try:
            inside(self.folder, folder)
        except NotebookError as error:
            self._withhold(folder, error.reason)
            return None
        found: dict[str, bytes] = {}
        left = MAX_DATA_FILE
        for root, dirs, files in os.walk(os.path.join(self.folder, folder)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                relative = os.path.relpath(os.path.join(root, name), self.folder)
                if name.startswith(".") and not secret_file(name):
                    continue  # hidden: not shipped (a hidden secret file is listed below)
                try:
                    found[relative] = read_shippable(self.folder, relative, left)
                except Oversized:
                    return None
                except NotebookError as error:
                    self._withhold(relative, error.reason)
                    continue
                left -= len(found[relative])
        return found


def in_data_folder(relative: str) -> str:
    """Where a file read as ``relative`` lives under the package's ``data/`` folder: a leading
    ``data/`` is not repeated."""
    parts = relative.replace(os.sep, "/").split("/")
    return "/".join(parts[1:] if parts[0] == "data" else parts)
