"""What a generated package's files say: its steps (functions whose docstring names their
cells), its recorded environment (``nb2prod.json``), its direct dependencies, its lock and its
shipped data. Pure: it reads a ``{relative path: content}`` mapping, never imports the package."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

import tomllib

from nb2prod.deps.requirement import canonical
from nb2prod.diff.model import DataFile, Pin, Step
from nb2prod.records import Environment

Files = Mapping[str, str | bytes]
#: ``notebook cell 4; id e4db652afe07`` or ``notebook cells 4, 5; ids a, b``.
_CELLS = re.compile(r"notebook cells? ([\d, ]+); ids? ([\w\-, ]+)")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
_HASH = re.compile(r"--hash=(\w+:[0-9a-fA-F]+)")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_NOT_STEPS = frozenset({"__init__", "__main__", "_support", "pipeline"})


def text(content: str | bytes) -> str:
    return content if isinstance(content, str) else content.decode("utf-8", "replace")


def steps(files: Files) -> dict[str, Step]:
    """Every step function of the package's modules, by name."""
    found: dict[str, Step] = {}
    for path in sorted(files):
        parts = path.split("/")
        if len(parts) != 3 or parts[0] != "src" or not parts[2].endswith(".py"):
            continue
        module = parts[2].removesuffix(".py")
        if module in _NOT_STEPS:
            continue
        try:
            tree = ast.parse(text(files[path]))
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            step = _step(node, f"{parts[1]}.{module}")
            if step is not None:
                found[step.name] = step
    return found


def _step(node: ast.stmt, module: str) -> Step | None:
    if not isinstance(node, ast.FunctionDef):
        return None
    doc = ast.get_docstring(node) or ""
    match = _CELLS.search(" ".join(doc.split()))
    if match is None:
        return None
    numbers = [n.strip() for n in match.group(1).split(",") if n.strip()]
    ids = [i.strip() for i in match.group(2).split(",") if i.strip()]
    cells = tuple(f"cell {n} ({i})" for n, i in zip(numbers, ids, strict=False))
    body = node.body[1:] if ast.get_docstring(node) is not None else node.body
    code = "\n".join(ast.unparse(statement) for statement in body)
    parameters = tuple(a.arg for a in [*node.args.posonlyargs, *node.args.args,
                                        *node.args.kwonlyargs])  # fmt: skip
    return Step(node.name, module, cells, code, parameters, _returned(body))


def _returned(body: list[ast.stmt]) -> tuple[str, ...]:
    """The names the function's last ``return`` gives back."""
    for statement in reversed(body):
        if isinstance(statement, ast.Return) and statement.value is not None:
            value = statement.value
            items = value.elts if isinstance(value, ast.Tuple) else [value]
            return tuple(ast.unparse(item) for item in items)
    return ()


def environment(files: Files) -> Environment | None:
    """The environment ``nb2prod.json`` recorded (Python and package versions), if any."""
    raw = _json(files.get("nb2prod.json"))
    packages = raw.get("recorded")
    if not isinstance(packages, Mapping):
        return None
    record: dict[str, Any] = {"packages": {str(k): v for k, v in packages.items()
                                           if isinstance(v, str)}}  # fmt: skip
    python = raw.get("recorded_python")
    if isinstance(python, str):
        record["python"] = {"version": python}
    return Environment("package", record)


def distributions(files: Files) -> frozenset[str]:
    """The canonical names of the package's direct dependencies (``pyproject.toml``)."""
    content = files.get("pyproject.toml")
    if content is None:
        return frozenset()
    try:
        project = tomllib.loads(text(content)).get("project", {})
    except tomllib.TOMLDecodeError:
        return frozenset()
    found = set()
    for line in project.get("dependencies", []) if isinstance(project, dict) else []:
        match = _NAME.match(str(line))
        if match:
            found.add(canonical(match.group(1)))
    return frozenset(found)


def lock(files: Files) -> dict[str, Pin] | None:
    """``requirements.lock``'s pins (pip-tools format, with hashes), by canonical name; direct
    ones are those ``requirements.in`` names. None without a lock."""
    content = files.get("requirements.lock")
    if content is None:
        return None
    direct = {canonical(m.group(1)) for line in text(files.get("requirements.in", "")).splitlines()
              if (m := _NAME.match(line)) and not line.lstrip().startswith(("#", "-"))}  # fmt: skip
    found: dict[str, Pin] = {}
    name: str | None = None
    for line in text(content).splitlines():
        match = _PIN.match(line)
        if match:
            name = canonical(match.group(1))
            found[name] = Pin(match.group(2), frozenset(_HASH.findall(line)), name in direct)
        elif name is not None and (hashes := _HASH.findall(line)):
            pin = found[name]
            found[name] = Pin(pin.version, pin.hashes | set(hashes), pin.direct)
        elif not line.startswith((" ", "\t")):
            name = None
    return found


def data(files: Files) -> dict[str, DataFile]:
    """The data files the package ships (``src/PKG/data/...``), by their path in the package."""
    found: dict[str, DataFile] = {}
    for path, content in files.items():
        parts = path.split("/")
        if len(parts) > 3 and parts[0] == "src" and parts[2] == "data":
            raw = content if isinstance(content, bytes) else content.encode("utf-8")
            found["/".join(parts[2:])] = DataFile(hashlib.sha256(raw).hexdigest(), len(raw))
    return found


def _json(content: str | bytes | None) -> Mapping[str, Any]:
    if content is None:
        return {}
    try:
        raw = json.loads(text(content))
    except ValueError:
        return {}
    return raw if isinstance(raw, Mapping) else {}
