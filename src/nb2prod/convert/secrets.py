"""Credentials never reach a package: a literal secret becomes a read of an environment variable,
named after what held it (``API_KEY = "sk-..."`` -> ``API_KEY = os.environ["API_KEY"]``).

A secret is found by :mod:`nb2prod.secretscan` in a string literal, in literals joined with ``+``
(``"AKIA" + "IOSF..."``), in a dict value (``{"password": "..."}``) or inside a longer string
(``"postgresql://user:PASSWORD@db/x"``, ``"Bearer TOKEN"``: only the secret part is replaced).
:func:`notebook_secrets` lists every secret value of a notebook, code and stored outputs, so that
generated tests, README and provenance can be checked for them (:func:`withhold`).
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import tokenize
from collections.abc import Iterable, Sequence

import libcst as cst

from nb2prod import secretscan
from nb2prod.analysis.ipython import ParseFailure, parse_cell
from nb2prod.convert.literal import quote
from nb2prod.notebook import Notebook

_NOT_NAME = re.compile(r"\W+")


class SecretScrubber(cst.CSTTransformer):
    """Replaces secret string literals; ``variables`` lists the environment variables used."""

    def __init__(self) -> None:
        self.variables: list[str] = []
        self.named: dict[int, str] = {}
        self.by_value: dict[str, str] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target if len(node.targets) == 1 else None
        if isinstance(target, cst.Name):
            self.named[id(node.value)] = target.value

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.value is not None:
            self.named[id(node.value)] = node.target.value

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.named[id(node.value)] = node.keyword.value

    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = node.key.evaluated_value if isinstance(node.key, cst.SimpleString) else None
        if isinstance(key, str):
            self.named[id(node.value)] = key

    def leave_SimpleString(
        self, original: cst.SimpleString, updated: cst.SimpleString
    ) -> cst.BaseExpression:
        return self._scrubbed(original, updated)

    def leave_ConcatenatedString(
        self, original: cst.ConcatenatedString, updated: cst.ConcatenatedString
    ) -> cst.BaseExpression:
        return self._scrubbed(original, updated)

    def leave_BinaryOperation(
        self, original: cst.BinaryOperation, updated: cst.BinaryOperation
    ) -> cst.BaseExpression:
        return self._scrubbed(original, updated)

    def _scrubbed(
        self, original: cst.BaseExpression, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        text = _joined_text(updated)
        if text is None:
            return updated
        name = self.named.get(id(original))
        parts = secretscan.secrets_in_literal(text, name)
        if not parts:
            return updated
        if text in parts or text.strip() in parts:
            return self._environ(text.strip(), name)
        return self._spliced(text, parts, name)

    def _spliced(self, text: str, parts: list[str], name: str | None) -> cst.BaseExpression:
        """``"postgresql://user:" + os.environ[...] + "@db/x"``: only the secret part is read."""
        pattern = re.compile("|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True)))
        pieces: list[cst.BaseExpression] = []
        at = 0
        for match in pattern.finditer(text):
            if match.start() > at:
                pieces.append(cst.SimpleString(quote(text[at : match.start()])))
            pieces.append(self._environ(match.group(0), f"{name}_secret" if name else None))
            at = match.end()
        if at < len(text):
            pieces.append(cst.SimpleString(quote(text[at:])))
        joined = pieces[0]
        for piece in pieces[1:]:
            joined = cst.BinaryOperation(joined, cst.Add(), piece)
        return joined

    def _environ(self, value: str, name: str | None) -> cst.BaseExpression:
        variable = self.by_value.get(value) or _variable(name) or self._numbered()
        self.by_value[value] = variable
        if variable not in self.variables:
            self.variables.append(variable)
        return cst.parse_expression(f"os.environ[{variable!r}]")

    def _numbered(self) -> str:
        return f"SECRET_{sum(v.startswith('SECRET_') for v in self.variables) + 1}"


def _variable(name: str | None) -> str | None:
    """``db-password`` -> ``DB_PASSWORD``; None when nothing usable is left."""
    cleaned = _NOT_NAME.sub("_", name or "").strip("_").upper()
    return cleaned if cleaned and not cleaned[0].isdigit() else None


def _joined_text(node: cst.BaseExpression) -> str | None:
    """The text of a string literal, or of literals joined with ``+`` or side by side."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    joined = isinstance(node, cst.ConcatenatedString) or (
        isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)
    )
    if not isinstance(node, cst.ConcatenatedString | cst.BinaryOperation) or not joined:
        return None
    left, right = _joined_text(node.left), _joined_text(node.right)
    return left + right if left is not None and right is not None else None


def scrub_needed(tree: ast.Module) -> bool:
    """Whether :class:`SecretScrubber` would change anything in this cell (an ``ast`` walk is far
    quicker than a libcst one)."""
    return bool(_tree_secrets(tree))


def cell_secrets(source: str) -> list[str]:
    """The secret values in one cell's code: what :class:`SecretScrubber` replaces, and what the
    scanner finds in the text itself."""
    found = secretscan.find_secrets(source, code=True)
    with contextlib.suppress(ParseFailure):  # magics IPython cannot parse: the text scan only
        found += _tree_secrets(parse_cell(source).tree)
    return list(dict.fromkeys(found))


def notebook_secrets(notebook: Notebook) -> frozenset[str]:
    """Every secret value in a notebook's code cells and their stored outputs."""
    found: set[str] = set()
    for cell in notebook.code_cells:
        found.update(cell_secrets(cell.source))
        for output in cell.outputs:
            found.update(secretscan.find_secrets(output.text))
    return frozenset(found)


def withhold(files: dict[str, str | bytes], known: Iterable[str]) -> dict[str, str | bytes]:
    """The package's text files with every ``known`` secret value (and any other the scanner
    finds) replaced by ``<redacted>``: the last guard before anything is written."""
    values = sorted(set(known), key=len, reverse=True)
    return {
        path: _redacted(path, content, values) if isinstance(content, str) else content
        for path, content in files.items()
    }


def _redacted(path: str, text: str, known: Sequence[str]) -> str:
    """``text`` without secrets. In Python source only the notebook's own secret values are
    replaced, and only inside string literals and comments, so the code still compiles and a
    phrase nb2prod wrote (``Setting a password: notebook cell 3``) is not taken for one."""
    if not path.endswith(".py"):
        return secretscan.redact(text, known)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return secretscan.redact(text, known)
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    pieces: list[str] = []
    at = 0
    for token in tokens:
        if token.type in _TEXT_TOKENS:
            start = starts[token.start[0] - 1] + token.start[1]
            end = starts[token.end[0] - 1] + token.end[1]
            pieces += [text[at:start], _without(text[start:end], known)]
            at = end
    return "".join([*pieces, text[at:]])


def _without(text: str, known: Sequence[str]) -> str:
    for value in known:
        for form in secretscan.forms(value):
            if form:
                text = text.replace(form, secretscan.REDACTED)
    return text


#: The tokens of Python source that hold text rather than code.
_TEXT_TOKENS = frozenset(
    {tokenize.STRING, tokenize.COMMENT, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
)


def leaks(text: str, known: Iterable[str]) -> bool:
    """Whether generated text (a test, say) would carry a secret."""
    return secretscan.contains_secret(text, known)


def _tree_secrets(tree: ast.Module) -> list[str]:
    names: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            if isinstance(node.targets[0], ast.Name):
                names[id(node.value)] = node.targets[0].id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            names[id(node.value)] = node.target.id
        elif isinstance(node, ast.keyword) and node.arg:
            names[id(node.value)] = node.arg
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    names[id(value)] = key.value
    found: list[str] = []
    for node in ast.walk(tree):
        text = _literal_text(node)
        if text is not None:
            found += secretscan.secrets_in_literal(text, names.get(id(node)))
    return found


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_text(node.left), _literal_text(node.right)
        return left + right if left is not None and right is not None else None
    return None
