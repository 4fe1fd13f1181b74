"""The one table of finding kinds: every face of nb2prod reads it.

From it come the README's table of kinds (a test checks they agree), ``nb2prod explain KIND``,
the set of kinds that decides whether a notebook is reproducible, the rules of a SARIF log, the
short titles the sidebar shows, and the teaching text of the class report. The teaching part
(why it matters, a minimal bad and good example, how to fix) is in :mod:`nb2prod.kinds_teaching`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from nb2prod.findings import Severity
from nb2prod.kinds_teaching import TEACHING, Teaching

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: notice (info)


@dataclass(frozen=True)
class Kind:
    """One kind of finding.

    ``code`` is stable and short (``NB101``), for configuration and SARIF; ``name`` is what
    findings carry (``out-of-order``). ``severities`` are the levels it can have, and
    ``summary`` says what it means and when which level applies (the README's table).
    ``verdict``: an error of this kind makes a notebook not reproducible; the other kinds are
    about practice, not about whether this notebook's outputs can be trusted.
    """

    code: str
    name: str
    title: str
    severities: tuple[Severity, ...]
    summary: str
    verdict: bool
    recorded: bool = False  # found only with the kernel's records

    @property
    def teaching(self) -> Teaching:
        return TEACHING[self.name]


KINDS: Final[tuple[Kind, ...]] = (
    Kind("NB101", "out-of-order", "Ran out of order", (E, N),
         "a cell ran before cells above it; error when that changed what some cell saw", True),
    Kind("NB102", "use-before-define", "Used before defined", (E,),
         "a cell reads a name that only a cell below it defines", True),
    Kind("NB103", "undefined-name", "Name never defined", (E, W),
         "a cell reads a name no cell defines (warning when a star import or magic may hide it)",
         True),
    Kind("NB104", "re-executed", "Run more than once", (E, W, N),
         "cells ran more than once (from gaps in the execution counts, or proven on the cell by "
         "the records), worst when a re-run changes state again (`x += 1`, `lst.append`)", True),
    Kind("NB105", "unexecuted", "Never run", (E, W),
         "a code cell never ran though cells below it did", True),
    Kind("NB106", "stale-output", "Output from older code", (E, W),
         "a stored output was computed from state a fresh run will not give", True),
    Kind("NB107", "stale-input", "Input changed since it ran", (E, W),
         "after a cell last ran, a cell above it bound again or deleted a name it read", True,
         recorded=True),
    Kind("NB108", "recorded-lost-code", "Ran code no cell holds", (E, W, N),
         "code the kernel ran that no cell holds now (edited or deleted); error when a cell's "
         "last run read what it set", True, recorded=True),
    Kind("NB201", "syntax-error", "Not valid Python", (E, W),
         "the cell is not valid Python (IPython magics, `!shell` and `?help` are understood), or "
         "IPython would refuse to run it (`return`, `yield` or `nonlocal` at top level, `break` "
         "outside a loop; top-level `await` is fine), or it is nested too deeply to analyse; "
         "warning when the notebook ran on a newer Python than nb2prod", True),
    Kind("NB202", "error-output", "Stored an error", (E, N),
         "the saved notebook holds a traceback (info when the cell is tagged `raises-exception`)",
         True),
    Kind("NB301", "unseeded-random", "Random without a seed", (E, W),
         "random numbers are drawn with no seed; error when stored outputs depend on them", True),
    Kind("NB302", "absolute-path", "Absolute path", (E, W),
         "a file path that only exists on one machine (`/home/...`, `C:\\...`); error when it is "
         "missing on this machine", True),
    Kind("NB303", "changed-data", "Data file changed", (W,),
         "a data file a cell read has other content now, or a later run read other content",
         False, recorded=True),
    Kind("NB304", "pip-install", "Installs packages", (W,),
         "`!pip install` / `%pip install` inside the notebook instead of declared dependencies",
         False),
    Kind("NB401", "hard-coded-secret", "Credential in the notebook", (W,),
         "a password, token or API key in the source or a stored output", False),
    Kind("NB402", "star-import", "Star import", (W,),
         "`from module import *` hides where names come from", False),
)  # fmt: skip

BY_NAME: Final[dict[str, Kind]] = {kind.name: kind for kind in KINDS}
BY_CODE: Final[dict[str, Kind]] = {kind.code: kind for kind in KINDS}

#: Kinds whose error findings make a notebook not reproducible.
REPRODUCIBILITY: Final[frozenset[str]] = frozenset(k.name for k in KINDS if k.verdict)


def lookup(text: str) -> Kind | None:
    """A kind by name or code (``out-of-order``, ``NB101``, ``nb101``), or None."""
    text = text.strip()
    return BY_NAME.get(text.lower()) or BY_CODE.get(text.upper())


def described(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding's JSON with its kind's ``code`` and short ``title`` (what the sidebar shows)."""
    kind = BY_NAME.get(str(finding.get("kind")))
    return {**finding, "code": kind.code, "title": kind.title} if kind else dict(finding)


def readme_table() -> str:
    """The README's table of kinds, in Markdown."""
    lines = ["| code | kind | severity | what it means |", "|---|---|---|---|"]
    for kind in KINDS:
        levels = ", ".join(s.value for s in kind.severities)
        lines.append(f"| {kind.code} | `{kind.name}` | {levels} | {kind.summary} |")
    return "\n".join(lines)
