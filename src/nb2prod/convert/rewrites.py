"""The rewrites lifting makes inside a cell's code, in one libcst walk: credentials become
environment variables, ``plt.show()`` saves the figures, ``display(x)`` shows ``x``, data paths
point into the package, ``__name__`` is ``"__main__"`` as in the kernel, a backend that draws only
in a kernel becomes ``Agg``, and an invalid escape in a string is written as what it means."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

import libcst as cst

from nb2prod.analysis import practices
from nb2prod.convert.literal import quote
from nb2prod.convert.secrets import SecretScrubber, scrub_needed

#: (string literal, whether a folder is meant) -> ("data", its path in the package's data folder),
#: ("parameter", the name of the run() parameter that replaces it), or None: not a file path.
DataResolver = Callable[[str, bool], tuple[str, str] | None]


def needs_rewrites(tree: ast.Module, data: DataResolver) -> bool:
    """Whether :class:`_Rewrites` would change anything in this cell."""
    if scrub_needed(tree):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("show", "display", "Path", "PurePath", "use", "switch_backend"):
                return True
            if any(k.arg and practices.is_secret_name(k.arg) for k in node.keywords):
                return True
        elif isinstance(node, ast.Assign):
            if any(
                isinstance(t, ast.Name) and practices.is_secret_name(t.id) for t in node.targets
            ):
                return True
        elif isinstance(node, ast.Compare) and _names_main(node):
            return True
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if practices.token_kind(text) or data(text, False) is not None:
                return True
    return False


#: matplotlib backends that draw only inside a kernel (the figures are saved as files instead).
_KERNEL_BACKENDS = frozenset(
    {"nbagg", "inline", "ipympl", "widget", "module://matplotlib_inline.backend_inline",
     "module://ipykernel.pylab.backend_inline", "module://ipympl.backend_nbagg"}
)  # fmt: skip


def _kernel_backend(call: cst.Call) -> bool:
    """``matplotlib.use("nbagg")`` or ``plt.switch_backend("inline")``."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in ("use", "switch_backend")):
        return False
    if not call.args or not isinstance(call.args[0].value, cst.SimpleString):
        return False
    value = call.args[0].value.evaluated_value
    return isinstance(value, str) and value.lower() in _KERNEL_BACKENDS


#: What may follow a backslash in a string (bytes take neither N, u nor U).
_ESCAPES = frozenset("\n\\'\"abfnrtv01234567xNuU")
_LITERAL = re.compile(r"^([a-zA-Z]*)('{3}|\"{3}|'|\")(.*)\2$", re.DOTALL)


def mend_escapes(token: str) -> str:
    """A string token with every invalid escape (``"\\d"``, which Python 3.12 warns about and
    will refuse) written as the backslash and the character it stands for: the same value."""
    found = _LITERAL.match(token)
    if found is None or "\\" not in token or "r" in found.group(1).lower():
        return token
    prefix, quote_mark, body = found.groups()
    valid = _ESCAPES - set("NuU") if "b" in prefix.lower() else _ESCAPES
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            out.append(char + following if following in valid else "\\\\" + following)
            index += 2
            continue
        out.append(char)
        index += 1
    return prefix + quote_mark + "".join(out) + quote_mark


def _names_main(node: ast.Compare) -> bool:
    """``__name__ == "__main__"``: true in a kernel, where cells run as ``__main__``."""
    operands = [node.left, *node.comparators]
    return any(isinstance(o, ast.Name) and o.id == "__name__" for o in operands)


class Rewrites(SecretScrubber):
    """In one walk: credentials become environment variables; ``plt.show()`` saves the figure;
    ``display(x)`` shows ``x``; data paths point into the package's data folder; ``__name__``
    in a comparison is ``"__main__"``, as it was in the kernel."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions += 1

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.functions -= 1
        return updated

    def leave_Comparison(
        self, original: cst.Comparison, updated: cst.Comparison
    ) -> cst.BaseExpression:
        main = cst.SimpleString('"__main__"')
        left = updated.left
        if isinstance(left, cst.Name) and left.value == "__name__":
            updated = updated.with_changes(left=main)
        targets = [
            t.with_changes(comparator=main)
            if isinstance(t.comparator, cst.Name) and t.comparator.value == "__name__"
            else t
            for t in updated.comparisons
        ]
        return updated.with_changes(comparisons=targets)

    def __init__(self, data: DataResolver, label: str) -> None:
        super().__init__()
        self.data = data
        self.label = label
        self.functions = 0  # inside a def, plt.show() saves for whichever cell called it
        self.parameters: list[str] = []

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "show"
            and not updated.args
            and isinstance(func.value, cst.Name)
            and func.value.value in ("plt", "pyplot", "pylab")
        ):
            label = [] if self.functions else [cst.Arg(cst.SimpleString(quote(self.label)))]
            return cst.Call(cst.Name("save_figure"), label)
        if _kernel_backend(updated):  # matplotlib.use("nbagg") needs a kernel to draw in
            return updated.with_changes(args=[cst.Arg(cst.SimpleString('"Agg"'))])
        if isinstance(func, cst.Name) and func.value == "display" and len(updated.args) == 1:
            return updated.with_changes(func=cst.Name("show_result"))
        if isinstance(func, cst.Name) and func.value in ("Path", "PurePath") and updated.args:
            first = updated.args[0].value
            value = first.evaluated_value if isinstance(first, cst.SimpleString) else None
            found = self.data(value, True) if isinstance(value, str) else None
            if found is not None and found[0] == "data":  # Path("data") / "sales.csv"
                where = [cst.Arg(cst.SimpleString(quote(found[1])))] if found[1] else []
                shipped = cst.Call(cst.Name("data_path"), where)
                return updated.with_changes(args=[cst.Arg(shipped), *updated.args[1:]])
        return updated

    def leave_SimpleString(
        self, original: cst.SimpleString, updated: cst.SimpleString
    ) -> cst.BaseExpression:
        scrubbed = super().leave_SimpleString(original, updated)
        if scrubbed is not updated:
            return scrubbed
        mended = mend_escapes(updated.value)
        if mended != updated.value:  # "\d" means what "\\d" says, without the warning
            updated = updated.with_changes(value=mended)
        value = updated.evaluated_value
        found = self.data(value, False) if isinstance(value, str) else None
        if found is None:
            return updated
        kind, where = found
        if kind == "parameter":
            self.parameters.append(where)
            return cst.Name(where)
        return cst.Call(cst.Name("data_path"), [cst.Arg(cst.SimpleString(quote(where)))])
