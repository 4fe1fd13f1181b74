"""A small, deterministic YAML writer for manifests: mappings in the order given, block style,
every string double-quoted (as JSON quotes it, which YAML reads the same), so that no value
from a notebook can become YAML syntax, a tag or another type."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*")
#: Words YAML 1.1 readers take for booleans or null: quoted as keys.
_AMBIGUOUS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})

Value = str | int | bool | None | Sequence["Value"] | Mapping[str, "Value"]


def dump(document: Mapping[str, Value], comment: str = "") -> str:
    """``document`` as YAML text; ``comment`` (lines) comes first, each line after ``# ``."""
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    lines += _mapping(document, 0)
    return "\n".join(lines) + "\n"


def scalar(value: str | int | bool | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=True)


def _key(key: str) -> str:
    if _PLAIN_KEY.fullmatch(key) and key.lower() not in _AMBIGUOUS:
        return key
    return json.dumps(key, ensure_ascii=True)


def _mapping(document: Mapping[str, Value], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in document.items():
        if isinstance(value, Mapping) and value:
            lines += [f"{pad}{_key(key)}:", *_mapping(value, indent + 2)]
        elif isinstance(value, Sequence) and not isinstance(value, str) and value:
            lines += [f"{pad}{_key(key)}:", *_sequence(value, indent + 2)]
        else:
            lines.append(f"{pad}{_key(key)}: {_inline(value)}")
    return lines


def _sequence(items: Sequence[Value], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for item in items:
        if isinstance(item, Mapping) and item:
            nested = _mapping(item, indent + 2)
            lines += [f"{pad}- {nested[0].lstrip()}", *nested[1:]]
        elif isinstance(item, Sequence) and not isinstance(item, str) and item:
            nested = _sequence(item, indent + 2)
            lines += [f"{pad}- {nested[0].lstrip()}", *nested[1:]]
        else:
            lines.append(f"{pad}- {_inline(item)}")
    return lines


def _inline(value: Value) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if _is_list(value):
        return "[]"
    assert value is None or isinstance(value, str | int | bool)
    return scalar(value)


def _is_list(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)
