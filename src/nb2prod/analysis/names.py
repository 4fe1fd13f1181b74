"""Names that exist in every IPython kernel before any cell runs."""

from __future__ import annotations

import builtins
import re

_IPYTHON_NAMES = frozenset(
    {
        "In", "Out", "_", "__", "___", "_i", "_ii", "_iii", "_ih", "_oh", "_dh", "_sh",
        "display", "get_ipython", "exit", "quit", "__builtins__", "__name__", "__doc__",
        "__spec__", "__loader__", "__package__", "__builtin__", "__IPYTHON__", "__session__",
        "_exit_code",
    }
)  # fmt: skip
_HISTORY_NAME = re.compile(r"_i?\d+\Z")

ALWAYS_DEFINED = frozenset(dir(builtins)) | _IPYTHON_NAMES


#: Builtins of Python 2, for notebooks whose kernel was Python 2.
PYTHON2_BUILTINS = frozenset(
    {"xrange", "unicode", "raw_input", "basestring", "long", "unichr", "reduce", "execfile",
     "file", "cmp", "apply", "buffer", "coerce", "intern", "reload"}
)  # fmt: skip


def is_always_defined(name: str) -> bool:
    """True for builtins and names IPython provides (``In``, ``_3``, ``_i3``, ``display``...)."""
    return name in ALWAYS_DEFINED or _HISTORY_NAME.match(name) is not None
