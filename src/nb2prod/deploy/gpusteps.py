"""Which steps need the GPU.

The record tells which accelerator libraries the kernel had imported with a CUDA build
(``accelerators``). A step needs the GPU when its cells import one of them or use it (a name an
import of it bound, or a function whose body uses one), or take a value from a step that does
(a model or tensor on the GPU stays there). When the record shows a GPU but no such library, it
cannot tell which steps used it: all of them get one (None)."""

from __future__ import annotations

from nb2prod.analysis.context import Analysed
from nb2prod.convert.flow import StepFlow
from nb2prod.convert.steps import Step


def gpu_steps(
    code: list[Analysed],
    running: list[tuple[Step, StepFlow]],
    libraries: frozenset[str],
) -> frozenset[str] | None:
    """The names of the steps that use the GPU; None when the record cannot tell."""
    if not libraries:
        return None
    bound = {
        item.bound
        for cell in code
        for item in cell.facts.imports
        if item.module.split(".")[0] in libraries
    }
    for cell in code:  # functions and classes whose bodies use the library, when called
        bound |= {name for name, uses in cell.facts.deferred.items() if uses & bound}
    found: set[str] = set()
    on_gpu: set[str] = set()  # values made by steps that use the GPU
    for step, flow in running:
        reads = {name for cell in step.cells for name in cell.facts.reads}
        reads |= {name for cell in step.cells for name in cell.facts.calls}
        imports = any(
            item.module.split(".")[0] in libraries
            for cell in step.cells
            for item in cell.facts.imports
        )
        if imports or reads & bound or set(flow.inputs) & on_gpu:
            found.add(step.name)
            on_gpu |= set(flow.outputs)
    return frozenset(found)
