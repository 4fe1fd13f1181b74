"""Shown text as the generated tests compare it, and what kind of difference separates two texts.

``normalize`` does what the generated ``conftest.py`` does (memory addresses, timestamps and
float noise out, spaces collapsed), so "differs" here means what it means to a generated test.
``difference`` names why two texts differ: timing, address, random (the cell draws unseeded
random numbers), numbers (only numbers changed), pretty-print (the same words laid out or cut
otherwise), wording (the same numbers in much the same text, some words changed: a library's
repr or message, ``np.int64(9)`` for ``9``), or other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?")
_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_TIMING = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:ns|µs|us|ms|s|sec|seconds|min)\b.*\b(?:loop|per|best|mean|std)\b"
    r"|Wall time|CPU times|\bloops?, best of\b|\belapsed\b|\btook\b|\btime(?:d)?:",
    re.IGNORECASE,
)
_OBJECT_AT = re.compile(r"\bat 0x|object at\b|<[\w.]+ object\b")
_CUT = re.compile(r"\.\.\.|…|\[\d+ rows x \d+ columns\]")
_WORD = re.compile(r"[^\W\d_]+")
#: The brackets of a 2-D pretty-printed formula or matrix (SymPy's unicode printing).
_BOX = re.compile(r"[⎛⎜⎝⎞⎟⎠⎡⎢⎣⎤⎥⎦⎧⎨⎩⎫⎬⎭⎪]")
#: Numbers standing alone (not the digits of a name such as ``int64``).
_ALONE = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")
#: A value shown inside its type's constructor: ``np.float64(0.5)``.
_WRAPPED = re.compile(r"\b[A-Za-z_][\w.]*\(([^()]*)\)")
#: How alike two texts must be for a change of words alone to be a change of wording.
WORDING_RATIO = 0.6


def normalize(text: str) -> str:
    """Text as a generated test compares it."""
    text = _ADDRESS.sub("0x?", text)
    text = _TIME.sub("<time>", text)
    text = _FLOAT.sub(lambda m: f"{float(m.group()):.6g}", text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def difference(expected: Sequence[str], got: Sequence[str], random: bool = False) -> str:
    """Why the lines ``expected`` (the notebook's) and ``got`` (the other side's) differ."""
    before, after = "\n".join(expected), "\n".join(got)
    both = f"{before}\n{after}"
    if _TIMING.search(both):
        return "timing"
    if _OBJECT_AT.search(both):
        return "address"
    if _NUMBER.sub("#", before) == _NUMBER.sub("#", after) and before != after:
        return "random" if random else "numbers"
    if "".join(before.split()) == "".join(after.split()):
        return "pretty-print"
    if bool(_BOX.search(before)) != bool(_BOX.search(after)):
        return "pretty-print"  # drawn in 2-D on one side only
    words_before, words_after = set(_WORD.findall(before)), set(_WORD.findall(after))
    cut = _CUT.search(both) is not None
    if cut and (words_before <= words_after or words_after <= words_before):
        return "pretty-print"
    if random:
        return "random"
    if _ALONE.findall(before) == _ALONE.findall(after) and _alike(before, after):
        return "wording"
    return "other"


def _alike(before: str, after: str) -> bool:
    from difflib import SequenceMatcher

    if _unwrapped(before) == _unwrapped(after):  # ``np.int64(9)`` for ``9``
        return True
    return SequenceMatcher(None, before, after, autojunk=False).ratio() >= WORDING_RATIO


def _unwrapped(text: str) -> str:
    return _WRAPPED.sub(r"\1", text)


def diff_sides(diff: Sequence[str]) -> tuple[list[str], list[str]]:
    """The ``-`` and ``+`` lines of a unified diff, without their marks and file headers."""
    minus = [d[1:] for d in diff if d.startswith("-") and not d.startswith("---")]
    plus = [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")]
    return minus, plus
