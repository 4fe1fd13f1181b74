"""Practice findings: habits that make a notebook hard to rerun elsewhere or unsafe to share."""

from __future__ import annotations

import os
from dataclasses import replace
from functools import lru_cache

from nb2prod import secretscan
from nb2prod.analysis import practices
from nb2prod.analysis.context import Analysed, make
from nb2prod.analysis.randomness import random_draws, varies
from nb2prod.findings import Finding, Severity

_FAMILIES = {
    "python": "random.seed(0)",
    "numpy": "np.random.seed(0), or pass random_state=0",
    "torch": "torch.manual_seed(0)",
    "tensorflow": "tf.random.set_seed(0)",
    "unseeded": "np.random.default_rng(0)",
}

_SECRET_HINT = (
    "Revoke it, then read it from the environment (os.environ['API_KEY']) or a secrets manager; "
    "never commit credentials in a notebook."
)


def hygiene_findings(code: list[Analysed]) -> list[Finding]:
    """Unseeded randomness, absolute paths, hard-coded secrets, pip installs, star imports."""
    found = _randomness(code)
    in_code = {cell: _line_secrets(cell) for cell in code}
    known = {value for lines in in_code.values() for values in lines.values() for value in values}
    for cell in code:
        found += _notes(cell)
        found += _secrets_in_source(cell, in_code[cell])
        found += _star_imports(cell)
        found += _secrets_in_outputs(cell, known)
    return found


def _randomness(code: list[Analysed]) -> list[Finding]:
    """A warning where a draw has no seed; an error on the cell whose stored output shows
    values that depend on it (the draw's own cell, or the first later one that shows them)."""
    draws = random_draws(code)
    found: list[Finding] = []
    claimed: set[int] = set()  # cells already named by an error: one claim a cell
    for cell, calls, families in draws.flagged:
        showing = [
            c for c in code if c.number >= cell.number and c.number in draws.tainted and varies(c)
        ]
        fix = "; ".join(_FAMILIES[f] for f in sorted(families) if f in _FAMILIES)
        hint = f"Seed the generator once near the top ({fix}) so every run gives the same numbers."
        drawn = ", ".join(sorted(set(calls)))
        message = f"{cell.label} draws random numbers without a seed ({drawn})"
        line = min(u.pos.line for u in cell.facts.random_uses if not u.seeds)
        if showing and showing[0] is cell:
            message += ": stored outputs that depend on them will differ on every run"
            found.append(make("unseeded-random", Severity.ERROR, cell, line, message, hint))
            claimed.add(cell.number)
            continue
        if showing:
            message += f"; {showing[0].label} shows values that depend on them"
        found.append(make("unseeded-random", Severity.WARNING, cell, line, message, hint))
        if showing and showing[0].number not in claimed:
            shown = showing[0]
            claimed.add(shown.number)
            found.append(make(
                "unseeded-random", Severity.ERROR, shown, 1,
                f"{shown.label}'s stored output depends on random numbers drawn without a seed "
                f"({drawn} in {cell.label}): it will differ on every run",
                hint,
            ))  # fmt: skip
    return found


def _notes(cell: Analysed) -> list[Finding]:
    found: list[Finding] = []
    paths = [n for n in cell.facts.notes if n.kind == "absolute-path"]
    if paths:
        missing = [n for n in paths if not _reachable(n.detail)]
        shown = ", ".join(f"'{n.detail}'" for n in (missing or paths)[:3])
        message = f"{cell.label} uses an absolute path that only exists on one machine: {shown}"
        if missing:
            message += " (missing on this machine, so a run here fails)"
        severity = Severity.ERROR if missing else Severity.WARNING
        hint = "Use a path relative to the notebook (data/file.csv) or make it a parameter."
        found.append(make("absolute-path", severity, cell, (missing or paths)[0].pos.line,
                          message, hint))  # fmt: skip
    for note in cell.facts.notes:
        if note.kind == "secret":
            found.append(make(
                "hard-coded-secret", Severity.WARNING, cell, note.pos.line,
                f"{cell.label} contains a hard-coded credential: {note.detail}",
                _SECRET_HINT,
            ))  # fmt: skip
        elif note.kind == "pip-install":
            found.append(make(
                "pip-install", Severity.WARNING, cell, note.pos.line,
                f"{cell.label} installs packages from inside the notebook ({note.detail.strip()})",
                "Declare dependencies in a requirements file or pyproject.toml instead, with "
                "versions pinned, so the environment can be rebuilt without running the notebook.",
            ))  # fmt: skip
    return found


def _reachable(path: str) -> bool:
    """The path exists here or could be created here: a folder a library makes (``/tmp/logs/``,
    no extension), or a file whose folder exists. A file in a missing folder is the problem."""
    expanded = os.path.expanduser(path)
    if os.path.exists(expanded) or expanded.endswith(("/", "\\")):
        return True
    if not os.path.splitext(expanded)[1]:
        return True
    return os.path.isdir(os.path.dirname(expanded))


def _star_imports(cell: Analysed) -> list[Finding]:
    return [
        make(
            "star-import",
            Severity.WARNING,
            cell,
            pos.line,
            f"{cell.label} uses `from {module or '.'} import *`, which hides from readers "
            "which names it brings and where they come from",
            f"Import the names you use explicitly (from {module or '.'} import a, b) or import "
            "the module (import module) and qualify its names.",
        )
        for module, pos in cell.facts.star_imports.items()
    ]


def without_secrets(findings: list[Finding], code: list[Analysed]) -> list[Finding]:
    """The findings with every secret value of the notebook (in its code or its stored outputs)
    replaced by ``<redacted>`` in their messages: an error output that shows a password is
    reported, never repeated."""
    known = {v for cell in code for values in _line_secrets(cell).values() for v in values}
    known |= {v for cell in code for output in cell.cell.outputs for v in _shown(output.text)}
    if not known:
        return findings
    return [
        replace(f, message=secretscan.redact(f.message, known))
        if secretscan.contains_secret(f.message, known)
        else f
        for f in findings
    ]


def _line_secrets(cell: Analysed) -> dict[int, list[str]]:
    """The secret values the scanner finds on each line of a cell's code, by line number."""
    return _source_secrets(cell.cell.source)


@lru_cache(maxsize=4096)
def _shown(text: str) -> tuple[str, ...]:
    """The secret values the scanner finds in an output's text."""
    return tuple(secretscan.find_secrets(text))


@lru_cache(maxsize=4096)
def _source_secrets(source: str) -> dict[int, list[str]]:
    if not secretscan.might_hold(source):
        return {}
    lines = enumerate(source.splitlines(), 1)
    found = {number: secretscan.find_secrets(line, code=True) for number, line in lines}
    return {number: values for number, values in found.items() if values}


def _secrets_in_source(cell: Analysed, lines: dict[int, list[str]]) -> list[Finding]:
    """Credentials the scanner finds on lines the parser's notes did not already report (a dict
    value, a password in a URL, a Bearer token, literals joined with ``+``)."""
    noted = {n.pos.line for n in cell.facts.notes if n.kind == "secret"}
    found: list[Finding] = []
    for number, values in sorted(lines.items()):
        if number not in noted:
            shown = ", ".join(practices.mask(v) for v in values[:3])
            found.append(make(
                "hard-coded-secret", Severity.WARNING, cell, number,
                f"{cell.label} contains a hard-coded credential: {shown}", _SECRET_HINT,
            ))  # fmt: skip
    return found


def _secrets_in_outputs(cell: Analysed, in_code: set[str]) -> list[Finding]:
    for output in cell.cell.outputs:
        text = output.text
        kind = practices.token_kind(text) if text else None
        if not kind and text and (_shown(text) or any(value in text for value in in_code)):
            kind = "a credential"
        if kind:
            return [make(
                "hard-coded-secret", Severity.WARNING, cell, 0,
                f"{cell.label}'s stored output shows {kind}",
                "Clear the output, revoke the credential, and avoid printing secrets.",
            )]  # fmt: skip
    return []
