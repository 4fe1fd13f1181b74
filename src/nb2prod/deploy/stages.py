"""The package's steps as pipeline tasks, in notebook order. Pure: from the converter's steps and
their interfaces (``convert.flow``), never from running anything.

Each task takes the values the steps before it left for later ones (the notebook's namespace, as
far as later steps read it) as one artifact, runs its step, and hands the same on, updated, as
one artifact: what the step returned, and what it changed in place, directly or through another
name (a NumPy view, a list held twice), with the libraries' process-wide state (random streams,
display options). Values that are stored together keep their sharing, and whatever the step
changed is stored after it ran, as the kernel would have kept it. So the tasks form one chain,
in notebook order."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

from nb2prod.convert.flow import StepFlow
from nb2prod.convert.steps import Step

#: Calls that make a class while the code runs: its instances could not be loaded by a task that
#: did not run that code.
_MAKES_CLASS = re.compile(r"\b(?:namedtuple|NamedTuple|make_dataclass|TypedDict|Enum|IntEnum)\(")
#: Calls that change what the whole process does later, beyond what a task hands on (random
#: streams and NumPy's and pandas' display options do go along: ``runtime/stage.py``).
_PROCESS_WIDE = re.compile(
    r"\b(?P<name>(?:init_printing|init_session|style\.use|set_theme|set_style|set_context|"
    r"set_palette|sns\.set|filterwarnings|simplefilter|setrecursionlimit|chdir|putenv|setlocale|"
    r"set_default_dtype|set_default_device|seterr|matplotlib\.use|set_num_threads|"
    r"set_printoptions|rc)(?=\s*\()|rcParams(?=\s*(?:\[|\.update))|"
    r"environ(?=\s*(?:\[[^\]\n]*\]\s*=[^=]|\.update|\.setdefault)))"
)


@dataclass(frozen=True)
class Stage:
    """One task: the step function ``module.name``. ``inputs`` are what the function reads (its
    arguments, or the shared module's globals), ``returns`` what it returns, ``parameters`` the
    run's parameters it is given, ``takes`` whether it reads the previous task's values,
    ``stores`` whether it stores values for the next (every task but the last does: the
    libraries' state goes along with the names) and ``hands_on`` the names it stores."""

    name: str
    title: str
    cells: tuple[int, ...]
    module: str
    inputs: tuple[str, ...]
    returns: tuple[str, ...]
    parameters: tuple[str, ...]
    takes: bool
    stores: bool
    hands_on: tuple[str, ...]
    gpu: bool = False
    shared: bool = False

    def table(self) -> dict[str, object]:
        """The entry of ``stages.json`` that the package's ``stage`` module reads."""
        return {
            "module": self.module,
            "function": self.name,
            "inputs": list(self.inputs),
            "returns": list(self.returns),
            "hands_on": list(self.hands_on),
            "shared": self.shared,
            "gpu": self.gpu,
        }


@dataclass(frozen=True)
class StagePlan:
    """The tasks in notebook order, or why the notebook runs as one task (``whole``)."""

    stages: tuple[Stage, ...] = ()
    whole: str | None = None


def plan_stages(
    running: list[tuple[Step, StepFlow]],
    parameters: Iterable[str],
    module_of: dict[str, str],
    gpu_steps: frozenset[str] | None,
    awaiting: frozenset[str] = frozenset(),
    shared: bool = False,
) -> StagePlan:
    """One stage a running step; ``gpu_steps`` None means every stage gets the GPU."""
    if not running:
        return StagePlan(whole="the notebook has no step that runs code")
    if awaiting:
        return StagePlan(
            whole="steps await on one event loop the notebook's cells shared "
            f"({', '.join(sorted(awaiting))}), which separate tasks cannot share"
        )
    for index, (step, _) in enumerate(running):
        why = _made_in(step, shared, last=index == len(running) - 1)
        if why:
            return StagePlan(whole=why)
    params = list(parameters)
    later = _later_reads(running)
    bound: set[str] = set()  # names the steps so far returned
    stages = []
    for index, (step, flow) in enumerate(running):
        missing = [n for n in flow.inputs if n not in bound and n not in params]
        if missing:
            return StagePlan(whole=f"step {step.name} reads {missing[0]}, which no step gives")
        after = bound | set(flow.outputs)
        last = index == len(running) - 1
        hands_on = flow.outputs if last else [n for n in _ordered(after, flow) if n in later[index]]
        stages.append(
            Stage(
                name=step.name,
                title=step.title,
                cells=tuple(c.number for c in step.cells),
                module=module_of[step.name],
                inputs=tuple(flow.inputs),
                returns=tuple(flow.outputs),
                parameters=tuple(n for n in flow.inputs if n in params and n not in bound),
                takes=index > 0,
                stores=not last or bool(hands_on),
                hands_on=tuple(hands_on),
                gpu=gpu_steps is None or step.name in gpu_steps,
                shared=shared,
            )
        )
        bound = after
    return StagePlan(stages=tuple(stages))


def _made_in(step: Step, shared: bool, last: bool = False) -> str | None:
    """Why the notebook cannot be split after this step: it makes a class while it runs, or (in
    the faithful form, where definitions stay in the steps) defines one, which a task that did
    not run the step would not have; or (unless it is the last) it changes a process-wide
    setting the later tasks would not inherit."""
    for cell in step.cells:
        classes = sorted(_classes(cell.cell.source)) if shared and cell.facts.deferred else []
        if classes:
            return (
                f"cell {cell.number} defines the class {classes[0]} inside a step, which other "
                "tasks would lack"
            )
        if _MAKES_CLASS.search(cell.cell.source):
            return f"cell {cell.number} makes a class while it runs, which other tasks would lack"
        if not last and (found := _process_wide(cell.cell.source)):
            return (
                f"cell {cell.number} changes what the whole process does ({found}), which "
                "later tasks would not inherit"
            )
    return None


def _process_wide(source: str) -> str | None:
    """The first process-wide setting the code changes that a task could not hand on."""
    for match in _PROCESS_WIDE.finditer(source):
        name = match.group("name")
        before = source[max(0, match.start() - 6) : match.start()]
        if name == "set_printoptions" and before.endswith(("np.", "numpy.")):
            continue  # NumPy's print options go along with the values
        return name
    return None


def _classes(source: str) -> set[str]:
    """The classes a cell defines (functions travel by their code: ``runtime/stage.py``)."""
    from nb2prod.analysis.ipython import ParseFailure, parse_cell

    try:
        tree = parse_cell(source).tree
    except ParseFailure:
        return {"(unparsed)"}
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}


def _ordered(known: set[str], flow: StepFlow) -> list[str]:
    """The names known after a step, in a stable order: its outputs, then the rest sorted."""
    return list(flow.outputs) + sorted(known - set(flow.outputs))


def _later_reads(running: list[tuple[Step, StepFlow]]) -> list[set[str]]:
    """For each step, the names the steps after it read."""
    found: list[set[str]] = []
    seen: set[str] = set()
    for _, flow in reversed(running):
        found.append(set(seen))
        seen |= set(flow.inputs)
    return found[::-1]
