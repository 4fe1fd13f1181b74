"""``nb2prod diff``: what changed in meaning between two versions of a notebook or of its
generated package: environment, dependencies, data inputs, steps, outputs and findings.

:mod:`~nb2prod.diff.sources` reads the sides (files, folders, git revisions),
:mod:`~nb2prod.diff.compare` compares them (pure), :mod:`~nb2prod.diff.render` shows the result.
"""

from __future__ import annotations

from nb2prod.diff.compare import compare_sides
from nb2prod.diff.result import Change, Diff, Section

__all__ = ["Change", "Diff", "Section", "compare_sides"]
