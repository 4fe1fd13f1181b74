"""Which notebooks a class folder holds, and whose they are.

Two layouts are understood. nbgrader's: ``FOLDER/submitted/STUDENT/ASSIGNMENT/*.ipynb`` and
``FOLDER/autograded/`` the same way (when both hold a student's assignment, ``submitted/`` is read
and a note says so). Else a plain folder of notebooks, walked as ``check`` walks one (sorted,
``.ipynb_checkpoints`` skipped): the student is the first part of a notebook's path, or the file's
stem for a notebook at the top; the assignment is the rest of the path, or the folder's own name
for a notebook at the top.

Discovery only lists names: whether each file may be read (a regular file whose real path lies
inside FOLDER) is decided when it is read (:mod:`nb2prod.classreport.examine`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal

from nb2prod.discover import notebook_paths
from nb2prod.errors import NotebookError

#: nbgrader's folders of students' work, the first preferred.
STAGES = ("submitted", "autograded")

LayoutKind = Literal["nbgrader", "folder"]


@dataclass(frozen=True)
class Submission:
    """One notebook of one student for one assignment; ``relative`` is its path under FOLDER
    (``/``-separated), ``stage`` nbgrader's folder it came from (empty in a plain folder)."""

    student: str
    assignment: str
    relative: str
    stage: str = ""

    @property
    def name(self) -> str:
        """The notebook's path inside the student's assignment (its file name, mostly)."""
        prefix = f"{self.stage}/{self.student}/{self.assignment}/" if self.stage else ""
        if prefix and self.relative.startswith(prefix):
            return self.relative[len(prefix) :]
        return os.path.basename(self.relative)

    def to_dict(self) -> dict[str, str]:
        return {
            "student": self.student,
            "assignment": self.assignment,
            "path": self.relative,
            "stage": self.stage,
        }


@dataclass(frozen=True)
class Layout:
    """The notebooks found in a class folder, sorted by student, assignment and path."""

    kind: LayoutKind
    submissions: tuple[Submission, ...]
    notes: tuple[str, ...] = ()


def find_layout(folder: str) -> Layout:
    """The notebooks of the class folder ``folder``, or :class:`NotebookError` (``FOLDER:
    reason``) when it is missing, not a folder, or holds no notebook."""
    if not os.path.lexists(folder):
        raise NotebookError(folder, "no such folder")
    if not os.path.isdir(folder):
        raise NotebookError(folder, "not a folder")
    stages = [s for s in STAGES if _real_folder(os.path.join(folder, s))]
    layout = _nbgrader(folder, stages) if stages else _plain(folder)
    if not layout.submissions:
        where = " under " + " or ".join(f"{s}/" for s in stages) if stages else ""
        raise NotebookError(folder, f"no notebooks (*.ipynb) found{where}")
    return layout


def _real_folder(path: str) -> bool:
    return os.path.isdir(path) and not os.path.islink(path)


def _nbgrader(folder: str, stages: list[str]) -> Layout:
    chosen: dict[tuple[str, str], str] = {}
    found: list[Submission] = []
    notes: list[str] = []
    for stage in stages:
        for relative in _relative_notebooks(folder, stage):
            parts = relative.split("/")
            if len(parts) < 4:  # stage/STUDENT/ASSIGNMENT/notebook.ipynb at the least
                notes.append(f"{relative}: not in {stage}/STUDENT/ASSIGNMENT/, so it is left out")
                continue
            key = (parts[1], parts[2])
            first = chosen.setdefault(key, stage)
            if first != stage:
                note = (
                    f"{key[0]}/{key[1]}: in both {first}/ and {stage}/; the report reads {first}/"
                )
                if note not in notes:
                    notes.append(note)
                continue
            found.append(Submission(parts[1], parts[2], relative, stage))
    for stage in STAGES:
        if stage not in stages and os.path.islink(os.path.join(folder, stage)):
            notes.append(f"{stage}/: a symbolic link, not followed")
    return Layout("nbgrader", _sorted(found), tuple(notes))


def _plain(folder: str) -> Layout:
    top = os.path.basename(os.path.realpath(folder)) or folder
    found = []
    for relative in _relative_notebooks(folder, ""):
        parts = relative.split("/")
        if len(parts) == 1:
            found.append(Submission(_stem(parts[0]), top, relative))
        else:
            found.append(Submission(parts[0], _stem("/".join(parts[1:])), relative))
    return Layout("folder", _sorted(found))


def _relative_notebooks(folder: str, under: str) -> list[str]:
    """The ``*.ipynb`` names under ``folder/under``, as ``/``-separated paths under ``folder``;
    folders are walked as ``check`` walks them (links to folders are not followed)."""
    start = os.path.join(folder, under) if under else folder
    return [os.path.relpath(p, folder).replace(os.sep, "/") for p in notebook_paths([start])]


def _stem(name: str) -> str:
    return name[: -len(".ipynb")] if name.endswith(".ipynb") else name


def _sorted(found: list[Submission]) -> tuple[Submission, ...]:
    return tuple(
        sorted(
            found, key=lambda s: (natural(s.student), natural(s.assignment), natural(s.relative))
        )
    )


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts ``ps2`` before ``ps10`` (numbers compared as numbers)."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.lower())
        for part in re.split(r"(\d+)", text)
        if part
    )
