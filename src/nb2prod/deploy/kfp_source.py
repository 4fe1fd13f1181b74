"""``deploy/pipeline.py``: the package as a Kubeflow Pipelines v2 pipeline.

One container component a step, in notebook order, each running the package's image with
``python -m PKG.stage STEP``; the values steps hand to each other travel as artifacts, one a task
(``deploy.stages``). Container components, not lightweight Python ones: those install kfp inside
the container when they run, which an offline or locked-down cluster refuses, and the image
already holds everything.

Notebook text reaches this source only as quoted literals (``literal.quote``) or as names that
are Python identifiers the converter checked."""

from __future__ import annotations

from nb2prod.convert.literal import docstring, ident, quote, single_line
from nb2prod.convert.naming import unique
from nb2prod.convert.pipeline import Parameter
from nb2prod.deploy.facts import DATA_MOUNT, USER_ID, DeployFacts, literal_value, mounted_path
from nb2prod.deploy.job import CUDA_LABELS, GPU_RESOURCE, PRODUCT_LABEL
from nb2prod.deploy.stages import Stage

_KFP_TYPES = {"str": "str", "int": "int", "float": "float", "bool": "bool"}


def render_pipeline_source(facts: DeployFacts) -> str:
    head = [
        docstring(
            f"{single_line(facts.notebook)} as a Kubeflow Pipelines v2 pipeline, made by nb2prod.",
            "",
            "Each step is a container component running the package's image; the values steps",
            "hand to each other travel as artifacts. `python deploy/pipeline.py` compiles it to",
            "deploy/pipeline.yaml; README.md says how to submit it.",
        ),
        "",
        "from pathlib import Path",
        "",
        "from kfp import compiler, dsl, kubernetes",
        "from kfp.dsl import Artifact, Input, Output",
        "",
        f"IMAGE = {quote(facts.image)}",
        f"PACKAGE = {quote(facts.package)}",
        "",
        "",
        *_helpers(facts),
    ]
    stages = facts.plan.stages
    body = [_component(s, facts) for s in stages] if stages else [_whole_component(facts)]
    return "\n".join([*head, *body, *_pipeline(facts), *_main()]) + "\n"


def _helpers(facts: DeployFacts) -> list[str]:
    hardware = facts.hardware
    lines = [
        "def _stage(step, *args):",
        '    """The container of one step: the package\'s stage runner in its image."""',
        "    return dsl.ContainerSpec(",
        "        image=IMAGE,",
        '        command=["python", "-m", PACKAGE + ".stage", step],',
        '        args=[*args, "--strict-environment"],',
        "    )",
        "",
        "",
        "def _place(task, gpu):",
        '    """Size and place a task as the machine the notebook ran on."""',
        "    task.set_caching_options(False)",
        f"    kubernetes.set_security_context(task, run_as_user={USER_ID}, run_as_group={USER_ID}, "
        "run_as_non_root=True)",
    ]
    if hardware.cpus:
        lines += [f"    task.set_cpu_request({quote(str(hardware.cpus))})"]
        lines += [f"    task.set_cpu_limit({quote(str(hardware.cpus))})"]
    if hardware.memory_bytes:
        memory = quote(f"{max(hardware.memory_bytes >> 20, 1)}Mi")
        lines += [f"    task.set_memory_request({memory})", f"    task.set_memory_limit({memory})"]
    if facts.environment_variables:
        keys = ", ".join(f"{quote(v)}: {quote(v)}" for v in facts.environment_variables)
        secret = quote(f"{facts.job_name}-secrets")
        lines.append(
            f"    kubernetes.use_secret_as_env(task, {secret}, secret_key_to_env={{{keys}}})"
        )
    if facts.mounted:
        claim = quote(f"{facts.job_name}-data")
        lines += [
            f"    kubernetes.mount_pvc(task, pvc_name={claim}, mount_path={quote(DATA_MOUNT)})"
        ]
    if hardware.gpus:
        lines += [
            "    if not gpu:",
            "        return",
            f"    task.set_accelerator_type({quote(GPU_RESOURCE)})",
            f"    task.set_accelerator_limit({hardware.gpus})",
            f'    kubernetes.add_toleration(task, key={quote(GPU_RESOURCE)}, operator="Exists", '
            'effect="NoSchedule")',
        ]
        if hardware.product_label:
            lines.append(
                f"    kubernetes.add_node_selector(task, {quote(PRODUCT_LABEL)}, "
                f"{quote(hardware.product_label)})"
            )
        if hardware.cuda_major:
            major = quote(hardware.cuda_major)
            for label in CUDA_LABELS:  # either label will do: two terms, either may match
                lines.append(
                    "    kubernetes.add_node_affinity(task, match_expressions=[{"
                    f'"key": {quote(label)}, "operator": "In", "values": [{major}]}}])'
                )
    return [*lines, "", ""]


def _component(stage: Stage, facts: DeployFacts) -> str:
    kinds = {p.name: p.kind for p in facts.parameters}
    signature: list[str] = []
    args: list[str] = []
    if stage.takes:
        signature.append("in_state: Input[Artifact]")
        args += [quote("--state-in"), "in_state.path"]
    for name in stage.parameters:
        if name in kinds:
            signature.append(f"in_{name}: {_KFP_TYPES[kinds[name]]}")
            args += [quote("--parameter"), quote(name), f"in_{name}"]
    if stage.stores:
        signature.append("out_state: Output[Artifact]")
        args += [quote("--state-out"), "out_state.path"]
    cells = ", ".join(map(str, stage.cells))
    title = single_line(stage.title)
    lines = ["@dsl.container_component", *_signature(ident(stage.name), signature)]
    lines.append(f"    {docstring(f'{title} (notebook cell(s) {cells}).')}")
    lines.append(f"    return _stage(\n        {quote(stage.name)},")
    lines += [f"        {arg}," for arg in args]
    return "\n".join([*lines, "    )", "", ""])


def _whole_component(facts: DeployFacts) -> str:
    """One component running the whole package, when its steps cannot be separate tasks."""
    kinds = {p.name: p.kind for p in facts.parameters}
    signature = [f"in_{n}: {_KFP_TYPES[k]}" for n, k in kinds.items()]
    lines = ["@dsl.container_component", *_signature("notebook", signature)]
    why = single_line(facts.plan.whole or "")
    lines.append(f"    {docstring('The whole notebook in one task:', why + '.')}")
    lines += ["    return dsl.ContainerSpec(", "        image=IMAGE,"]
    lines.append('        command=["python", "-m", PACKAGE],')
    lines.append("        args=[")
    for parameter in facts.parameters:
        flag = "--" + parameter.name.replace("_", "-")
        lines.append(f"            {quote(flag)}, in_{parameter.name},")
    lines += ['            "--strict-environment",', "        ],", "    )", "", ""]
    return "\n".join(lines)


def _signature(name: str, items: list[str]) -> list[str]:
    """``def name(...):``, one parameter a line."""
    if not items:
        return [f"def {name}():"]
    return [f"def {name}(", *(f"    {item}," for item in items), "):"]


def _pipeline(facts: DeployFacts) -> list[str]:
    required = [p for p in facts.parameters if not has_default(p, facts)]
    signature = [_pipeline_parameter(p, facts) for p in required]
    signature += [_pipeline_parameter(p, facts) for p in facts.parameters if p not in required]
    lines = [
        f"@dsl.pipeline(name={quote(facts.job_name)}, "
        f"description={quote('The steps of ' + single_line(facts.notebook))})",
        *_signature("pipeline", signature),
    ]
    taken = {p.name for p in facts.parameters} | {"pipeline"}
    if not facts.plan.stages:
        passed = ", ".join(f"in_{p.name}={p.name}" for p in facts.parameters)
        lines += [f"    _place(notebook({passed}), gpu=True)", "", ""]
        return lines
    previous = None
    offered = {p.name for p in facts.parameters}
    for stage in facts.plan.stages:
        task = unique(f"{stage.name}_task", taken)
        given = [f'in_state={previous}.outputs["out_state"]'] if stage.takes else []
        given += [f"in_{n}={n}" for n in stage.parameters if n in offered]
        call = f"{stage.name}({', '.join(given)})"
        if len(call) + len(task) + 7 > 99:
            call = f"{stage.name}(\n" + "".join(f"        {g},\n" for g in given) + "    )"
        lines.append(f"    {task} = {call}")
        lines.append(f"    _place({task}, gpu={stage.gpu})")
        previous = task
    return [*lines, "", ""]


def has_default(parameter: Parameter, facts: DeployFacts) -> bool:
    """Whether the pipeline can carry the notebook's value as the parameter's default: the
    compiler copies defaults into the comment that heads ``pipeline.yaml``, where a line break
    or other unprintable character would end the comment and become YAML. Such a value is left
    out, to be given when the run is submitted (the README lists it)."""
    value = literal_value(parameter)
    return parameter in facts.mounted or not isinstance(value, str) or value.isprintable()


def _pipeline_parameter(parameter: Parameter, facts: DeployFacts) -> str:
    kind = _KFP_TYPES[parameter.kind]
    if parameter in facts.mounted:
        return f"{parameter.name}: str = {quote(mounted_path(parameter))}"
    if not has_default(parameter, facts):
        return f"{parameter.name}: {kind}"
    value = literal_value(parameter)  # of its kind (``facts.cli_parameters``)
    if isinstance(value, str):
        return f"{parameter.name}: {kind} = {quote(value)}"
    return f"{parameter.name}: {kind} = {value!r}"


def _main() -> list[str]:
    return [
        'if __name__ == "__main__":',
        '    compiler.Compiler().compile(pipeline, str(Path(__file__).with_name("pipeline.yaml")))',
    ]
