"""The package README's sections on the environment check and on deploying: how to submit the
Job and the pipeline, what they request and why, and where the data comes from."""

from __future__ import annotations

from nb2prod.convert.literal import single_line
from nb2prod.deploy.facts import DATA_MOUNT, DeployFacts
from nb2prod.deploy.hardware import Hardware
from nb2prod.deploy.kfp_source import has_default


def check_section(package: str, hardware: Hardware, recorded: bool) -> list[str]:
    lines = ["## Environment check", ""]
    if not recorded:
        return [
            *lines,
            "The notebook carries no record of its environment, so `python -m "
            f"{package}` has nothing to compare this machine with.",
        ]
    lines.append(
        f"At start, `python -m {package}` compares this machine with the one the notebook ran "
        "on (`recorded_environment.json`: Python, the versions of the distributions it "
        "imports, the GPU, driver and CUDA) and prints the differences in one block. With "
        "`--strict-environment` it refuses to run, with exit status 3, on a difference that "
        "matters: no GPU where the notebook used one, another CUDA major version, or a driver "
        "too old for the CUDA the libraries were built for. The check uses the standard "
        "library only (the GPU is read from the driver's NVML library) and takes milliseconds."
    )
    if hardware.gpus:
        lines += ["", f"Recorded GPU: {_gpu(hardware)}."]
    return lines


def deploy_section(facts: DeployFacts, targets: frozenset[str]) -> list[str]:
    name = facts.job_name
    lines = ["## Deploy", ""]
    lines.append(
        f"The image is `{facts.image}`. Build it and push it where the cluster pulls from "
        f"(`nb2prod build . --tag {facts.image}`, then `docker push {facts.image}`), or "
        "convert again with `--image` naming your registry."
    )
    lines += ["", *_sizing(facts), "", *_data(facts)]
    if facts.environment_variables:
        keys = " ".join(f"--from-literal={v}=..." for v in facts.environment_variables)
        lines += [
            "",
            f"Credentials come from the Secret `{name}-secrets`: "
            f"`kubectl create secret generic {name}-secrets {keys}`.",
        ]
    if "k8s" in targets:
        lines += ["", "### Kubernetes Job", "", "```bash"]
        lines += ["kubectl apply -f deploy/job.yaml", f"kubectl logs -f job/{name}", "```"]
        lines += [
            "",
            "It runs `python -m "
            f"{facts.package} --strict-environment` with the notebook's parameters, as the "
            "image's non-root user, on a read-only root file system (scratch space in its home "
            "folder and `/tmp`).",
        ]
    if "kfp" in targets:
        lines += ["", *_pipeline(facts)]
    lines += [
        "",
        "nb2prod wrote these files without reaching a cluster; "
        "`kubectl apply --dry-run=server -f deploy/job.yaml` checks the Job against yours.",
    ]
    return lines


def _gpu(hardware: Hardware) -> str:
    return (
        f"{hardware.gpus} x {single_line(hardware.gpu_name or 'GPU')}, driver "
        f"{hardware.driver or 'unknown'}, CUDA {hardware.cuda or 'unknown'}"
    )


def _sizing(facts: DeployFacts) -> list[str]:
    hardware = facts.hardware
    if not (hardware.cpus or hardware.memory_bytes):
        return ["The notebook carries no record of its machine: nothing is requested."]
    size = f"{hardware.cpus or '?'} CPUs and {(hardware.memory_bytes or 0) / 2**30:.1f} GiB"
    lines = [
        f"Each run requests the machine the notebook ran on: {size}"
        + (f", and {_gpu(hardware)}" if hardware.gpus else "")
        + ". Requests equal limits. Lower them in the files if no node of the cluster is that "
        "large."
    ]
    if hardware.gpus:
        lines.append(
            f"GPU runs go to nodes labelled `nvidia.com/gpu.product={hardware.product_label}` "
            f"whose driver offers CUDA {hardware.cuda_major} (labels set by NVIDIA's GPU "
            "feature discovery), and tolerate the `nvidia.com/gpu` taint."
        )
    elif hardware.no_gpu:
        lines.append(f"The notebook ran without a GPU ({single_line(hardware.no_gpu)}).")
    return [" ".join(lines)]


def _data(facts: DeployFacts) -> list[str]:
    lines = []
    if facts.shipped:
        listed = ", ".join(f"`{single_line(s)}`" for s in facts.shipped)
        lines.append(f"The data files the package carries are baked into the image: {listed}.")
    if facts.mounted:
        files = ", ".join(f"`{p.name}`" for p in facts.mounted)
        lines.append(
            f"The files not carried ({files}) are read from the PersistentVolumeClaim "
            f"`{facts.job_name}-data`, mounted read-only at `{DATA_MOUNT}`: copy them to the "
            "root of that volume first."
        )
    return [" ".join(lines) or "The package reads no data files."]


def _pipeline(facts: DeployFacts) -> list[str]:
    lines = ["### Kubeflow Pipelines v2", ""]
    lines.append(
        "`deploy/pipeline.yaml` is compiled from `deploy/pipeline.py` (`python "
        "deploy/pipeline.py` compiles it again). Submit it with the KFP client:"
    )
    lines += [
        "",
        "```python",
        "import kfp",
        "",
        'client = kfp.Client(host="https://YOUR-KUBEFLOW/pipeline")',
        'client.create_run_from_pipeline_package("deploy/pipeline.yaml", arguments={})',
        "```",
        "",
    ]
    required = [f"`{p.name}`" for p in facts.parameters if not has_default(p, facts)]
    if required:
        lines += [
            f"Give {', '.join(required)} when you submit a run: the notebook's value holds a "
            "line break or another character the compiled pipeline cannot carry as a default.",
            "",
        ]
    if not facts.plan.stages:
        why = single_line(facts.plan.whole or "")
        return [*lines, f"The notebook runs as one task: {why}."]
    lines.append(
        "One task a step, in notebook order, each running the image (`python -m "
        f"{facts.package}.stage STEP`). Each task hands the values later steps read on to the "
        "next as one artifact, stored with pickle after its step ran (so a change made in place "
        "goes along), which makes the pipeline's artifact store as trusted as the image."
    )
    lines += ["", "| task | cells | reads | hands on | GPU |", "|---|---|---|---|---|"]
    for stage in facts.plan.stages:
        reads = ", ".join(f"`{n}`" for n in stage.inputs) or "-"
        hands = ", ".join(f"`{n}`" for n in stage.hands_on) or "-"
        cells = ", ".join(map(str, stage.cells))
        gpu = "yes" if stage.gpu and facts.hardware.gpus else "no"
        lines.append(f"| `{stage.name}` | {cells} | {reads} | {hands} | {gpu} |")
    return lines
