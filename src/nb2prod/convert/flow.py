"""What flows between steps: each step's parameters (names it reads that earlier steps or the
notebook's parameters define) and its return values (names it defines that later steps read)."""

from __future__ import annotations

from dataclasses import dataclass, field

from nb2prod.analysis.context import Analysed, effective_reads
from nb2prod.analysis.names import is_always_defined
from nb2prod.convert.steps import Step


@dataclass
class StepFlow:
    """A step's interface, names in a stable order (first use or first definition)."""

    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    defines: list[str] = field(default_factory=list)
    module_names: dict[str, str] = field(default_factory=dict)


def module_level(
    code: list[Analysed], constants: dict[str, Analysed] | None = None
) -> dict[str, Analysed]:
    """Names bound by imports, ``def``, ``class`` and upper-case constants: they live at module
    level, not in steps."""
    found: dict[str, Analysed] = dict(constants or {})
    for cell in code:
        for item in cell.facts.imports:
            found.setdefault(item.bound, cell)
        for name in cell.facts.deferred:
            found.setdefault(name, cell)
    return found


def step_flows(
    steps: list[Step],
    code: list[Analysed],
    parameters: list[str],
    constants: dict[str, Analysed] | None = None,
) -> list[StepFlow]:
    """The interface of every step, computed from the analysis (never from running anything)."""
    statics = module_level(code, constants)
    definer: dict[str, Analysed] = {}
    flows: list[StepFlow] = []
    produced: set[str] = set(parameters)
    for step in steps:
        flow = StepFlow()
        local: set[str] = set()
        for cell in step.cells:
            for name in effective_reads(cell, definer).positions:
                if name in local or name in flow.inputs:
                    continue
                if name in statics and statics[name] not in step.cells:
                    flow.module_names.setdefault(name, "")
                elif name in produced and name not in statics:
                    flow.inputs.append(name)
            for name in cell.facts.defines:
                if name not in statics and name not in local and not is_always_defined(name):
                    local.add(name)
                    flow.defines.append(name)
            definer.update(dict.fromkeys(cell.facts.defines, cell))
        produced |= local
        flows.append(flow)
    _outputs(flows)
    return flows


def _outputs(flows: list[StepFlow]) -> None:
    """A step returns what later steps read, and the last step returns all it defines."""
    wanted: set[str] = set()
    for index in range(len(flows) - 1, -1, -1):
        flow = flows[index]
        last = index == len(flows) - 1
        flow.outputs = [n for n in flow.defines if last or n in wanted]
        wanted = (wanted - set(flow.defines)) | set(flow.inputs)
