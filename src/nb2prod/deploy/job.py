"""``deploy/job.yaml``: the package's image as a Kubernetes Job, sized and placed by the record.

Requests and limits are the recorded machine (CPUs, memory, the GPUs the kernel could use), so
the run gets what the notebook had; a GPU run goes to nodes whose GPU is the recorded product
and whose driver offers the recorded CUDA major version, as NVIDIA's GPU feature discovery labels
them. The container runs as the image's non-root user on a read-only root file system, with
scratch space in its home and ``/tmp``; data files the package carries are in the image, the
others come from a read-only volume."""

from __future__ import annotations

from typing import Any

from nb2prod.deploy import yamltext
from nb2prod.deploy.facts import DATA_MOUNT, USER_ID, DeployFacts
from nb2prod.deploy.hardware import Hardware

GPU_RESOURCE = "nvidia.com/gpu"
PRODUCT_LABEL = "nvidia.com/gpu.product"
#: The CUDA major version a node's driver offers, as GPU feature discovery labels it (the
#: second is the name its releases before 0.9 used).
CUDA_LABELS = ("nvidia.com/cuda.runtime-version.major", "nvidia.com/cuda.runtime.major")
HOME = "/home/app"


def resources(hardware: Hardware, gpu: bool = True) -> dict[str, Any]:
    """Requests equal to limits (the recorded machine): Kubernetes requires it of GPUs."""
    amounts: dict[str, Any] = {}
    if hardware.cpus:
        amounts["cpu"] = str(hardware.cpus)
    if hardware.memory_bytes:
        amounts["memory"] = f"{max(hardware.memory_bytes >> 20, 1)}Mi"
    if gpu and hardware.gpus:
        amounts[GPU_RESOURCE] = hardware.gpus
    return {"requests": dict(amounts), "limits": dict(amounts)} if amounts else {}


def placement(hardware: Hardware) -> dict[str, Any]:
    """Node selection and tolerations for the recorded GPU (nothing without one)."""
    if not hardware.gpus:
        return {}
    found: dict[str, Any] = {}
    if hardware.product_label:
        found["nodeSelector"] = {PRODUCT_LABEL: hardware.product_label}
    if hardware.cuda_major:
        terms = [
            {"matchExpressions": [{"key": k, "operator": "In", "values": [hardware.cuda_major]}]}
            for k in CUDA_LABELS
        ]
        found["affinity"] = {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}
            }
        }
    found["tolerations"] = [{"key": GPU_RESOURCE, "operator": "Exists", "effect": "NoSchedule"}]
    return found


def job_manifest(facts: DeployFacts) -> dict[str, Any]:
    labels = {
        "app.kubernetes.io/name": facts.job_name,
        "app.kubernetes.io/version": facts.version,
        "app.kubernetes.io/managed-by": "nb2prod",
    }
    container: dict[str, Any] = {
        "name": "notebook",
        "image": facts.image,
        "imagePullPolicy": "IfNotPresent",
        "args": [*facts.arguments(), "--strict-environment"],
    }
    env = _environment(facts)
    if env:
        container["env"] = env
    sized = resources(facts.hardware)
    if sized:
        container["resources"] = sized
    container["securityContext"] = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    mounts: list[dict[str, Any]] = [
        {"name": "home", "mountPath": HOME},
        {"name": "tmp", "mountPath": "/tmp"},
    ]
    volumes: list[dict[str, Any]] = [
        {"name": "home", "emptyDir": {}},
        {"name": "tmp", "emptyDir": {}},
    ]
    if facts.mounted:
        mounts.append({"name": "data", "mountPath": DATA_MOUNT, "readOnly": True})
        claim = {"claimName": f"{facts.job_name}-data"[:253], "readOnly": True}
        volumes.append({"name": "data", "persistentVolumeClaim": claim})
    container["volumeMounts"] = mounts
    pod: dict[str, Any] = {
        "restartPolicy": "Never",
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": USER_ID,
            "runAsGroup": USER_ID,
            "fsGroup": USER_ID,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        **placement(facts.hardware),
        "containers": [container],
        "volumes": volumes,
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": facts.job_name,
            "labels": labels,
            "annotations": {
                "nb2prod.io/notebook": facts.notebook,
                "nb2prod.io/notebook-sha256": facts.notebook_sha256,
            },
        },
        "spec": {
            "backoffLimit": 0,
            "ttlSecondsAfterFinished": 86400,
            "template": {"metadata": {"labels": labels}, "spec": pod},
        },
    }


def _environment(facts: DeployFacts) -> list[dict[str, Any]]:
    """The variables the package reads its credentials from, from a Secret of the Job's name."""
    secret = f"{facts.job_name}-secrets"
    return [
        {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": name}}}
        for name in facts.environment_variables
    ]


def render_job(facts: DeployFacts) -> str:
    hardware = facts.hardware
    sized = (
        f"{hardware.cpus or '?'} CPUs, {(hardware.memory_bytes or 0) >> 30} GiB"
        if hardware.cpus or hardware.memory_bytes
        else "no record of its size: no requests"
    )
    gpu = (
        f"; {hardware.gpus} x {hardware.gpu_name}, CUDA {hardware.cuda or '?'}"
        if hardware.gpus
        else ""
    )
    comment = (
        f"{facts.notebook} as a Kubernetes Job, made by nb2prod.\n"
        f"Sized as the machine the notebook ran on ({sized}{gpu}).\n"
        f"Submit: kubectl apply -f deploy/job.yaml (see README.md)."
    )
    return yamltext.dump(job_manifest(facts), comment)
