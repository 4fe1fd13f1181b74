"""The one secret scanner: which text holds a credential, and that text without it.

Two detectors, line by line: nb2prod's own token patterns (:mod:`nb2prod.analysis.practices`,
Bearer tokens included) and the plugins of the maintained ``detect-secrets`` (keywords such as
``password = "..."`` or ``{"password": "..."}``, passwords in URLs, cloud and service tokens,
private keys). Its high-entropy and IP-address plugins are left out: hashes, ids and addresses fill
ordinary notebooks. ``detect-secrets`` is imported only for a line that could hold what one of its
plugins finds (:data:`HINT`), so a notebook without any costs nothing at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from nb2prod.analysis import practices

#: The detect-secrets plugins used (class names).
PLUGINS = (
    "ArtifactoryDetector", "AWSKeyDetector", "AzureStorageKeyDetector", "BasicAuthDetector",
    "CloudantDetector", "DiscordBotTokenDetector", "GitHubTokenDetector", "GitLabTokenDetector",
    "IbmCloudIamDetector", "IbmCosHmacDetector", "JwtTokenDetector", "KeywordDetector",
    "MailchimpDetector", "NpmDetector", "OpenAIDetector", "PrivateKeyDetector",
    "PypiTokenDetector", "SendGridDetector", "SlackDetector", "SoftlayerDetector",
    "SquareOAuthDetector", "StripeDetector", "TelegramBotTokenDetector", "TwilioKeyDetector",
)  # fmt: skip

#: A line without a match holds nothing any plugin in :data:`PLUGINS` finds: their keywords
#: and the fixed prefixes of their tokens (tests check it against a sample of each plugin).
HINT = re.compile(
    r"(?i:pass|pw|secret|token|auth|bearer|contrase|private|credential|aws|softlayer|"
    r"(?:api|service|account|db|database|priv|client)[_-]?key|key\W{1,8}[\w\-+/]{20}|"
    r"xox|hooks\.slack|://[^\s@]+@)"
    r"|A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA|AKC|AP[\dA-F]|[MNO][\w-]{23,25}\.|gh[pousr]_"
    r"|gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-|GR1348941|eyJ|-us\d|T3BlbkFJ|PuTTY"
    r"|pypi-|SG\.|sq0csp-|k_live_|\d{8,10}:|AC[a-z0-9]{32}|SK[a-z0-9]{32}"
)
#: What stands in a generated file where a secret was.
REDACTED = "<redacted>"
#: Lines longer than this are scanned in pieces of this size (overlapping).
_PIECE = 4096
#: ``"AKIA" + "IOSF..."``: string literals joined with ``+`` (or side by side) on one line.
_JOINED = re.compile(
    r"""(?P<q>["'])(?P<a>[^"'\\\n]*)(?P=q)\s*\+?\s*(?P<r>["'])(?P<b>[^"'\\\n]*)(?P=r)"""
)


def find_secrets(text: str, *, code: bool = False) -> list[str]:
    """The secret values in ``text`` (cell source when ``code``, else shown output), each once,
    in the order found."""
    found: dict[str, None] = {}
    if not might_hold(text):
        return []
    for line in _lines(text, code):
        for value in _in_line(line, code):
            found.setdefault(value, None)
    return list(found)


def contains_secret(text: str, known: Iterable[str] = ()) -> bool:
    """Whether ``text`` holds a secret, or one of the ``known`` secret values."""
    return any(_occurs(value, text) for value in known) or bool(find_secrets(text))


def redact(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with every secret it holds, and every ``known`` one, replaced by ``<redacted>``."""
    values = sorted({*find_secrets(text), *known}, key=len, reverse=True)
    for value in values:
        for form in forms(value):
            if form:
                text = text.replace(form, REDACTED)
    return text


def secrets_in_literal(text: str, name: str | None = None) -> list[str]:
    """The secret parts of one string literal; ``name`` is what holds it (the variable, keyword
    or dict key), which makes ``password = "hunter2xyz"`` a secret where ``"hunter2xyz"`` alone
    is not."""
    found = [v for v in find_secrets(text) if v in text]
    if name and not found:
        if practices.is_secret_name(name) and practices.is_real_secret_value(text):
            return [text]
        line = f"{name} = {_quoted(text)}"
        found = [v for v in find_secrets(line, code=True) if v in text]
    return found


def _lines(text: str, code: bool) -> Iterable[str]:
    """The lines that could hold a secret (a long one in overlapping pieces); in code, also with
    joined literals folded."""
    for line in text.splitlines():
        for start in range(0, max(len(line), 1), _PIECE):
            piece = line[start : start + _PIECE + 256]
            if code and ("+" in piece or _ADJACENT.search(piece)) and _JOINED.search(piece):
                piece = _folded(piece)
            if might_hold(piece):
                yield piece


def might_hold(text: str) -> bool:
    """False when ``text`` surely holds no secret: none of the words, prefixes or long runs that
    every pattern of :data:`HINT` and of nb2prod's own token patterns needs (two quick scans,
    where those patterns are slow on every line of a big notebook)."""
    return bool(_WORDS.search(text.lower())) or _has_shape(text)


def _has_shape(text: str) -> bool:
    """``_SHAPES.search(text)``; for ASCII text (nearly all), from the lengths of its runs of
    word characters, which the regex engine finds only by trying every position."""
    if not text.isascii():
        return _SHAPES.search(text) is not None
    longest = max(map(len, text.translate(_ASCII_NON_WORD).split()), default=0)
    if longest >= 20:
        return True
    if longest >= 8 and _DIGITS.search(text):
        return True
    return "AP" in text and _AP.search(text) is not None


def _folded(line: str) -> str:
    """``KEY = "AKIA" + "IOSF..."`` -> ``KEY = "AKIAIOSF..."``."""
    for _ in range(8):
        joined = _JOINED.sub(lambda m: f"{m['q']}{m['a']}{m['b']}{m['q']}", line)
        if joined == line:
            break
        line = joined
    return line


def _in_line(line: str, code: bool) -> list[str]:
    found = [value for value in practices.token_values(line) if _plausible(value)]
    if HINT.search(line):
        found += [value for value in _plugin_values(line, code) if _plausible(value)]
    return found


#: The words and shapes :func:`might_hold` looks for (lower-cased words, then shapes as they are).
_HINT_WORDS = (
    "pass", "pw", "secret", "token", "auth", "bearer", "contrase", "private", "credential",
    "aws", "softlayer", "key", "xox", "hooks.slack", "://", "akia", "asia", "abia", "acca",
    "a3t", "akc", "gh", "gl", "gr1348941", "eyj", "-us", "t3blbkfj", "putty", "pypi-",
    "sg.", "sq0csp-", "k_live_", "sk-", "aiza", "hf_",
)  # fmt: skip


def _literal_trie(words: Iterable[str]) -> str:
    """A pattern that finds any of ``words``, factored by common prefixes (``a(?:ws|kia)``):
    the regex engine then tries one branch per position, not one per word."""
    tails: dict[str, list[str]] = {}
    for word in words:
        tails.setdefault(word[0], []).append(word[1:])
    branches = []
    for first, rest in sorted(tails.items()):
        if "" in rest or len(rest) == 1:  # a shorter word is found wherever a longer one is
            branches.append(re.escape(first + min(rest, key=len)))
        else:
            branches.append(f"{re.escape(first)}(?:{_literal_trie(rest)})")
    return "|".join(branches)


_WORDS = re.compile(_literal_trie(_HINT_WORDS))
_SHAPES = re.compile(r"[\w\-]{20}|\d{8}|AP[\dA-F]")
_DIGITS = re.compile(r"\d{8}")
_AP = re.compile(r"AP[\dA-F]")
#: Every ASCII character but ``[A-Za-z0-9_-]`` (what ``[\w\-]`` matches in ASCII) to a space.
_ASCII_NON_WORD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) in "_-")}
_ADJACENT = re.compile(r"""["']\s*["']""")


def _plugin_values(line: str, code: bool) -> list[str]:
    from detect_secrets.filters import heuristic

    if heuristic.is_indirect_reference(line):
        return []
    values: list[str] = []
    filename = "cell.py" if code else "output.yaml"
    for plugin in _plugins():
        for secret in plugin.analyze_line(filename=filename, line=line):
            value = secret.secret_value
            if isinstance(value, str) and not _filtered(heuristic, value, line, plugin):
                values.append(value)
    return values


def _filtered(heuristic: Any, value: str, line: str, plugin: Any) -> bool:
    """detect-secrets' own false-positive filters (sequences, UUIDs, templates, ids...)."""
    return bool(
        heuristic.is_sequential_string(value)
        or heuristic.is_potential_uuid(value)
        or heuristic.is_templated_secret(value)
        or heuristic.is_prefixed_with_dollar_sign(value)
        or heuristic.is_likely_id_string(value, line, plugin)
        or heuristic.is_not_alphanumeric_string(value)
    )


@lru_cache(maxsize=1)
def _plugins() -> Sequence[Any]:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    mapping: dict[str, Any] = get_mapping_from_secret_type_to_class()
    classes = {plugin.__name__: plugin for plugin in mapping.values()}
    return tuple(classes[name]() for name in PLUGINS if name in classes)


def _plausible(value: str) -> bool:
    """A value worth calling a secret: long enough, not a placeholder."""
    return practices.is_real_secret_value(value)


def _occurs(value: str, text: str) -> bool:
    return any(form and form in text for form in forms(value))


def forms(value: str) -> tuple[str, ...]:
    """A value as it may appear in generated text: as is, and escaped in a Python literal."""
    escaped = repr(value)[1:-1]
    return (value, escaped) if escaped != value else (value,)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
