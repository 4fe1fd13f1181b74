"""Run one step of the package on its own: the entry point of a pipeline's container component.

``python -m PKG.stage STEP [--state-in PATH] [--state-out PATH] [--parameter NAME VALUE]...``
loads the values the earlier steps left (the notebook's namespace, as far as later steps read
it), runs the step's function, and stores the values the later steps read, updated, so that a
pipeline engine (Kubeflow Pipelines) can run the notebook's steps as separate tasks and hand the
values between them as artifacts. ``stages.json``, beside this module, names each step's
function, what it reads and what it hands on.

Values are stored together, in one file a task, with :mod:`pickle`: values that share an object
keep sharing it, and a value the step changed in place (directly or through another name) is
stored as it is after the step. What the libraries keep for the whole process goes along too:
the random number streams (``random``, NumPy's global generator, torch's) continue where the
last step left them, and NumPy's print options and pandas' display options stay as set, as they
would in one kernel. The tasks all run the same image, so the same versions read what
the others wrote. Reading a pickle runs code named in it, so the artifact store must be the
pipeline's own, trusted as the image is. A value pickle cannot store (an open file, a generator)
stops the task with its name.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import importlib
import inspect
import io
import json
import marshal
import os
import pickle
import sys
import tempfile
import types
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

TABLE = Path(__file__).with_name("stages.json")
#: The key, in the stored values, of the libraries' process-wide state.
LIBRARIES = "__libraries__"


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


def _load(path: str) -> dict[str, Any]:
    with open(path, "rb") as handle:
        try:
            found = pickle.load(handle)
        except Exception as error:
            raise SystemExit(f"the values in {path} could not be read: {error}") from None
    if not isinstance(found, dict):
        raise SystemExit(f"{path} holds no values of this package's steps")
    return found


class _Pickler(pickle.Pickler):
    """Pickles functions a step defined (the faithful form defines them inside its steps, so a
    task that did not run the step has none to find by name) by their code, to be made again
    in the steps' module; everything else as pickle does."""

    def __init__(self, stream: IO[bytes], made: dict[str, types.FunctionType]) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.made: dict[str, types.FunctionType] = made  # name -> a function the steps defined

    def reducer_override(self, obj: object) -> Any:
        function = self.made.get(getattr(obj, "__name__", None) or "")
        if function is None or function is not obj or function.__closure__ is not None:
            return NotImplemented
        code = marshal.dumps(function.__code__)
        return remade, (function.__module__, function.__name__, code, function.__defaults__)


def remade(module: str, name: str, code: bytes, defaults: tuple[Any, ...] | None) -> Any:
    """A function a step defined, made again from its code in the steps' module."""
    namespace = vars(importlib.import_module(module))  # the step sets it there (run_step)
    return types.FunctionType(marshal.loads(code), namespace, name, defaults)


def _store(
    values: dict[str, Any], path: str, made: dict[str, types.FunctionType] | None = None
) -> None:
    """Write ``values`` to ``path`` whole or not at all."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as stream:
            _Pickler(stream, made or {}).dump(values)
        os.replace(temporary, path)
    except Exception as error:
        os.unlink(temporary)
        names = ", ".join(sorted(values))
        raise SystemExit(f"the values {names} could not be stored: {error}") from None


def library_state() -> dict[str, Any]:
    """The process-wide state of the libraries imported so far that later cells would see."""
    import random

    found: dict[str, Any] = {"random": random.getstate()}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        found["numpy.random"] = numpy.random.get_state()
        found["numpy.print"] = numpy.get_printoptions()
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        found["pandas"] = _pandas_display(pandas)
    torch = sys.modules.get("torch")
    if torch is not None:
        found["torch"] = torch.get_rng_state()
    return found


def _pandas_display(pandas: Any) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for name in dir(pandas.options.display):
        key = f"display.{name}"
        try:
            value = pandas.get_option(key)
        except Exception:  # a group of options, or one being retired
            continue
        if not callable(value):
            options[key] = value
    return options


def restore_libraries(found: dict[str, Any]) -> None:
    """Set the state :func:`library_state` took (each library imported as needed)."""
    import random

    random.setstate(found["random"])
    if "numpy.random" in found:
        numpy = importlib.import_module("numpy")
        numpy.random.set_state(found["numpy.random"])
        numpy.set_printoptions(**found["numpy.print"])
    for key, value in found.get("pandas", {}).items():
        try:
            importlib.import_module("pandas").set_option(key, value)
        except Exception:  # an option this pandas does not let one set
            continue
    if "torch" in found:
        importlib.import_module("torch").set_rng_state(found["torch"])


def run_step(step: dict[str, Any], namespace: dict[str, Any]) -> dict[str, Any]:
    """Run ``step`` on ``namespace`` (name -> value); the names it hands on, with their values
    after it ran: those later steps read, or in the faithful form (where a step reads globals
    the analysis cannot name, like ``_``) every name the steps have bound."""
    module = importlib.import_module(step["module"])
    function = getattr(module, step["function"])
    shared = bool(step.get("shared"))  # the faithful form: steps share the module's namespace
    imported = dict(vars(module))
    if shared:
        for name, value in namespace.items():
            setattr(module, name, value)
    result = function(*([] if shared else [namespace[name] for name in step["inputs"]]))
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    if shared:  # every name the steps bound, as the kernel kept them all (``_`` too)
        return {
            name: value
            for name, value in vars(module).items()
            if imported.get(name, imported) is not value and not name.startswith("__")
        }
    returns = step["returns"]
    given = [] if not returns else [result] if len(returns) == 1 else list(result)
    namespace.update(zip(returns, given, strict=True))
    return {name: namespace[name] for name in step["hands_on"]}


def main(argv: Sequence[str] | None = None) -> int:
    table = _table()
    package = str(table["package"])
    parser = argparse.ArgumentParser(prog=f"python -m {package}.stage", description=__doc__)
    parser.add_argument("step", choices=sorted(table["steps"]))
    parser.add_argument("--state-in", metavar="PATH", help="the values the earlier steps left")
    parser.add_argument("--state-out", metavar="PATH", help="where to store what it hands on")
    parser.add_argument(
        "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE")
    )
    parser.add_argument(
        "--strict-environment",
        action="store_true",
        help="refuse to run on a machine that differs from the recorded one in a way that matters",
    )
    arguments = parser.parse_args(argv)
    step = table["steps"][arguments.step]
    guard = importlib.import_module(f"{package}._environment")
    if not guard.check(strict=arguments.strict_environment, gpu=step.get("gpu", True)):
        return int(guard.EXIT_MISMATCH)
    parameters = table.get("parameters", {})
    namespace = _load(arguments.state_in) if arguments.state_in else {}
    libraries = namespace.pop(LIBRARIES, None)
    if libraries:
        restore_libraries(libraries)
    for name in step["inputs"]:  # the notebook's value of a parameter the run does not give
        if name not in namespace and name in parameters:
            namespace[name] = ast.literal_eval(parameters[name]["default"])
    for name, text in arguments.parameter:
        kind = parameters.get(name, {}).get("kind", "str")
        try:
            namespace[name] = _parameter(text, kind)
        except ValueError:
            parser.error(f"--parameter {name}: {text!r} is not a {kind}")
    found = vars(importlib.import_module(step["module"])) if step.get("shared") else {}
    missing = [name for name in step["inputs"] if name not in namespace and name not in found]
    if missing:
        parser.error(f"step {arguments.step} needs values for: {', '.join(missing)}")
    handed = run_step(step, namespace)
    if arguments.state_out:
        kept = {n: handed[n] for n in step["hands_on"] if n in handed}  # else set at import
        kept[LIBRARIES] = library_state()
        made = {
            name: value
            for name, value in handed.items()
            if isinstance(value, types.FunctionType) and value.__module__ == step["module"]
        }
        try:
            _store(handed | kept, arguments.state_out, made)
        except SystemExit:  # values no later step reads that cannot be stored: left out
            extra = {n: v for n, v in handed.items() if n not in kept and _storable(v, made)}
            _store(extra | kept, arguments.state_out, made)
    return 0


def _storable(value: Any, made: dict[str, types.FunctionType]) -> bool:
    try:
        _Pickler(io.BytesIO(), made).dump(value)
    except Exception:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
