"""Run one step of the package on its own: the entry point of a pipeline's container component.

``python -m PKG.stage STEP --input NAME PATH ... --output NAME PATH ... --parameter NAME VALUE``
loads each input from its file, runs the step's function, and writes each output to its file,
so that a pipeline engine (Kubeflow Pipelines) can run the notebook's steps as separate tasks and
hand the values between them as artifacts. ``stages.json``, beside this module, names each step's
function and the values it takes and gives.

Values are stored with :mod:`pickle`: the tasks all run the same image, so the same versions
read what the others wrote. Reading a pickle runs code named in it, so the artifact store must be
the pipeline's own, trusted as the image is. A value pickle cannot store (an open file, a
generator) stops the task with its name.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import json
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("stages.json")
EXIT_FAILED = 1


def _table() -> dict[str, Any]:
    return dict(json.loads(TABLE.read_text(encoding="utf-8")))


def _parameter(text: str, kind: str) -> Any:
    """A parameter's text as the value its kind names (as ``python -m PKG`` reads it)."""
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return text.strip().lower() in ("1", "true", "yes", "on")
    return text


def _defaults(package: str) -> dict[str, Any]:
    """The notebook's parameter values: the defaults of ``PKG.pipeline.run``."""
    run = importlib.import_module(f"{package}.pipeline").run
    return {
        name: p.default
        for name, p in inspect.signature(run).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def _load(path: str, name: str) -> Any:
    with open(path, "rb") as handle:
        try:
            return pickle.load(handle)
        except Exception as error:
            raise SystemExit(f"input {name} ({path}) could not be read: {error}") from None


def _store(value: Any, path: str, name: str) -> None:
    """Write ``value`` to ``path`` whole or not at all."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except Exception as error:
        os.unlink(temporary)
        raise SystemExit(f"output {name} could not be stored: {error}") from None


def run_step(step: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Run ``step`` with ``values`` (by name); what it gives, by name: what its function
    returns, and the inputs it changed in place that later steps read."""
    module = importlib.import_module(step["module"])
    function = getattr(module, step["function"])
    shared = bool(step.get("shared"))  # the faithful form: steps share the module's namespace
    if shared:
        for name, value in values.items():
            setattr(module, name, value)
    result = function(*([] if shared else [values[name] for name in step["inputs"]]))
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    outputs = step["outputs"]
    if shared:
        return {name: getattr(module, name) for name in outputs}
    returns = step.get("returns", outputs)
    given = [] if not returns else [result] if len(returns) == 1 else list(result)
    produced = dict(zip(returns, given, strict=True))
    return {name: produced[name] if name in produced else values[name] for name in outputs}


def main(argv: Sequence[str] | None = None) -> int:
    table = _table()
    package = str(table["package"])
    parser = argparse.ArgumentParser(prog=f"python -m {package}.stage", description=__doc__)
    parser.add_argument("step", choices=sorted(table["steps"]))
    for option in ("input", "output", "parameter"):
        parser.add_argument(
            f"--{option}", nargs=2, action="append", default=[], metavar=("NAME", "VALUE")
        )
    parser.add_argument(
        "--strict-environment",
        action="store_true",
        help="refuse to run on a machine that differs from the recorded one in a way that matters",
    )
    arguments = parser.parse_args(argv)
    guard = importlib.import_module(f"{package}._environment")
    if not guard.check(strict=arguments.strict_environment):
        return int(guard.EXIT_MISMATCH)
    step = table["steps"][arguments.step]
    kinds = table.get("parameters", {})
    values = {n: v for n, v in _defaults(package).items() if n in step["inputs"]}
    for name, text in arguments.parameter:
        try:
            values[name] = _parameter(text, kinds.get(name, "str"))
        except ValueError:
            parser.error(f"--parameter {name}: {text!r} is not a {kinds.get(name)}")
    values |= {name: _load(path, name) for name, path in arguments.input}
    missing = [name for name in step["inputs"] if name not in values]
    if missing:
        parser.error(f"step {arguments.step} needs --input for: {', '.join(missing)}")
    wanted = dict(arguments.output)
    for name, value in run_step(step, values).items():
        if name in wanted:
            _store(value, wanted[name], name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
