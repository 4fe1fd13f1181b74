"""Credentials never reach a package: a literal secret becomes a read of an environment variable,
named after what held it (``API_KEY = "sk-..."`` -> ``API_KEY = os.environ["API_KEY"]``)."""

from __future__ import annotations

import libcst as cst

from nb2prod.analysis import practices


class SecretScrubber(cst.CSTTransformer):
    """Replaces secret string literals; ``variables`` lists the environment variables used."""

    def __init__(self) -> None:
        self.variables: list[str] = []
        self.named: dict[int, str] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target if len(node.targets) == 1 else None
        if isinstance(target, cst.Name):
            self._name_literal(target.value, node.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._name_literal(node.keyword.value, node.value)

    def leave_SimpleString(
        self, original: cst.SimpleString, updated: cst.SimpleString
    ) -> cst.BaseExpression:
        if id(original) in self.named:
            return self._environ(self.named[id(original)])
        value = updated.evaluated_value
        if isinstance(value, str) and practices.token_kind(value):
            numbered = sum(v.startswith("SECRET_") for v in self.variables) + 1
            return self._environ(f"SECRET_{numbered}")
        return updated

    def _name_literal(self, name: str, value: cst.BaseExpression) -> None:
        if not isinstance(value, cst.SimpleString) or not practices.is_secret_name(name):
            return
        text = value.evaluated_value
        if isinstance(text, str) and (
            practices.is_real_secret_value(text) or practices.token_kind(text)
        ):
            self.named[id(value)] = name

    def _environ(self, name: str) -> cst.BaseExpression:
        variable = name.upper()
        if variable not in self.variables:
            self.variables.append(variable)
        return cst.parse_expression(f"os.environ[{variable!r}]")
