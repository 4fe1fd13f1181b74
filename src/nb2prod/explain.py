"""``nb2prod explain``: a finding kind in words, from the registry (like ``ruff rule``)."""

from __future__ import annotations

from textwrap import indent, wrap

from nb2prod.kinds import KINDS, Kind

_WIDTH = 88


def listing() -> str:
    """Every kind, one line each: code, name, title."""
    width = max(len(k.name) for k in KINDS)
    lines = [f"{k.code}  {k.name:<{width}}  {k.title}" for k in KINDS]
    return "\n".join([*lines, "", "nb2prod explain KIND says more about one of them."])


def explain(kind: Kind) -> str:
    """One kind: what it means, why it matters, a bad and a good example, how to fix it."""
    levels = ", ".join(s.value for s in kind.severities)
    verdict = (
        "An error of this kind makes the notebook not reproducible."
        if kind.verdict
        else "It never decides the verdict: it is about practice."
    )
    parts = [
        f"{kind.code} {kind.name}: {kind.title}",
        "",
        _para(f"What it means: {_plain(kind.summary)}."),
        _para(f"Severity: {levels}. {verdict}"),
    ]
    if kind.recorded:
        parts.append(_para("Found with the kernel's records (nb2prod's recorder)."))
    teaching = kind.teaching
    parts += [
        "",
        _para(f"Why it matters: {teaching.why}"),
        "",
        "Instead of this:",
        indent(teaching.bad.text(), "    "),
        "",
        "do this:",
        indent(teaching.good.text(), "    "),
        "",
        _para(f"How to fix it: {teaching.fix}"),
        "",
        _para(
            f"Ignore it on one cell with `# nb2prod: ignore[{kind.name}]`, or everywhere with "
            f'ignore = ["{kind.code}"] under [tool.nb2prod].'
        ),
    ]
    return "\n".join(parts)


def _para(text: str) -> str:
    return "\n".join(wrap(text, _WIDTH))


def _plain(text: str) -> str:
    return text.rstrip(".")
