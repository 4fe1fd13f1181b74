"""The package's steps as pipeline tasks: what each takes, from which earlier task or pipeline
parameter, what it hands on, and whether it needs the GPU. Pure: from the converter's steps and
their interfaces (``convert.flow``), never from running anything."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from nb2prod.convert.flow import StepFlow
from nb2prod.convert.steps import Step


@dataclass(frozen=True)
class Stage:
    """One task: the step function ``module.function`` with the values it takes and gives.

    ``returns`` are what the function returns; ``outputs`` add the inputs it changes in place
    that later tasks read (in one process they would see the change). ``sources`` names, for each
    input that is not a parameter, the earlier task that gives it."""

    name: str
    title: str
    cells: tuple[int, ...]
    module: str
    inputs: tuple[str, ...]
    returns: tuple[str, ...]
    outputs: tuple[str, ...]
    parameters: tuple[str, ...]
    sources: dict[str, str] = field(default_factory=dict)
    gpu: bool = False
    shared: bool = False

    def table(self) -> dict[str, object]:
        """The entry of ``stages.json`` that the package's ``stage`` module reads."""
        return {
            "module": self.module,
            "function": self.name,
            "inputs": list(self.inputs),
            "returns": list(self.returns),
            "outputs": list(self.outputs),
            "shared": self.shared,
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
    params = set(parameters)
    later_reads = _later_reads(running)
    given: dict[str, str] = {}  # value name -> the stage that gave it last
    stages = []
    for index, (step, flow) in enumerate(running):
        wanted = later_reads[index]
        changed = {n for cell in step.cells for n in cell.facts.mutates}
        handed = [n for n in flow.inputs if n in changed and n in wanted and n not in params]
        sources = {}
        for name in flow.inputs:
            if name in params and name not in given:
                continue
            if name not in given:
                return StagePlan(
                    whole=f"step {step.name} reads {name}, which no earlier step gives"
                )
            sources[name] = given[name]
        outputs = tuple(flow.outputs) + tuple(n for n in handed if n not in flow.outputs)
        stages.append(
            Stage(
                name=step.name,
                title=step.title,
                cells=tuple(c.number for c in step.cells),
                module=module_of[step.name],
                inputs=tuple(flow.inputs),
                returns=tuple(flow.outputs),
                outputs=outputs,
                parameters=tuple(n for n in flow.inputs if n not in sources),
                sources=sources,
                gpu=gpu_steps is None or step.name in gpu_steps,
                shared=shared,
            )
        )
        given.update(dict.fromkeys(outputs, step.name))
    return StagePlan(stages=tuple(stages))


def _later_reads(running: list[tuple[Step, StepFlow]]) -> list[set[str]]:
    """For each step, the names the steps after it read."""
    found: list[set[str]] = []
    seen: set[str] = set()
    for _, flow in reversed(running):
        found.append(set(seen))
        seen |= set(flow.inputs)
    return found[::-1]
