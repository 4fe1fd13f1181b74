"""What the notebook's kernel ran on, as a scheduler needs it: CPUs, memory, the GPUs it could
use, their product, the driver and CUDA. Read from the environment record, whose values have
passed their checks (``records.clean_environment``); bounded again here, since they become
resource requests."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nb2prod.records import Environment

#: Bounds on what a record may ask of a cluster (larger values are dropped, not requested).
MAX_CPUS = 1024
MAX_MEMORY = 1 << 50
MAX_GPUS = 64
_LABEL_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Hardware:
    """The recorded machine; ``gpus`` is the number of GPUs the kernel could use (0: none)."""

    cpus: int | None = None
    memory_bytes: int | None = None
    gpus: int = 0
    gpu_name: str | None = None
    driver: str | None = None
    cuda: str | None = None  # the CUDA version of the driver
    cuda_build: str | None = None  # the CUDA a recorded library was built for
    no_gpu: str | None = None  # why there was none, when the record says

    @property
    def cuda_major(self) -> str | None:
        return self.cuda.split(".")[0] if self.cuda else None

    @property
    def product_label(self) -> str | None:
        """The GPU's product as NVIDIA's GPU feature discovery labels a node with it
        (``nvidia.com/gpu.product``): spaces become dashes, e.g. ``NVIDIA-H100-80GB-HBM3``."""
        if not self.gpu_name:
            return None
        value = _LABEL_CHARS.sub("-", self.gpu_name.strip())[:63].strip("-._")
        return value or None


def hardware(environment: Environment | None) -> Hardware:
    """The machine the record describes; an empty one without a record."""
    if environment is None:
        return Hardware()
    raw = environment.raw
    gpu = _mapping(raw.get("gpu"))
    devices = [d for d in gpu.get("devices") or () if isinstance(d, Mapping)]
    names = [d.get("name") for d in devices if isinstance(d.get("name"), str)]
    used = _visible(_mapping(raw.get("variables")).get("CUDA_VISIBLE_DEVICES"), len(devices))
    available = gpu.get("available") is True and bool(names)
    return Hardware(
        cpus=_bounded(_mapping(raw.get("cpu")).get("count"), MAX_CPUS),
        memory_bytes=_bounded(_mapping(raw.get("memory")).get("total_bytes"), MAX_MEMORY),
        gpus=min(used, MAX_GPUS) if available else 0,
        gpu_name=names[0] if available and used else None,
        driver=_text(gpu.get("driver_version")) if available else None,
        cuda=_text(gpu.get("cuda_driver_version")) if available else None,
        cuda_build=_built_for(raw) if available else None,
        no_gpu=None if available else _text(gpu.get("reason")),
    )


def accelerator_libraries(environment: Environment | None) -> frozenset[str]:
    """The accelerator libraries (``torch``, ``tensorflow``, ...) the kernel had imported
    with a CUDA build."""
    if environment is None:
        return frozenset()
    found = _mapping(environment.raw.get("accelerators"))
    return frozenset(name for name, info in found.items() if _mapping(info).get("cuda"))


def _visible(variable: Any, devices: int) -> int:
    """How many of ``devices`` GPUs ``CUDA_VISIBLE_DEVICES`` left the kernel (all when unset).
    CUDA stops at the first entry it cannot use, as ``-1`` or ``NoDevFiles``."""
    if not isinstance(variable, str):
        return devices
    count = 0
    for entry in variable.split(","):
        entry = entry.strip()
        if not entry or entry.startswith("-") or entry == "NoDevFiles":
            break
        count += 1
    return min(count, devices)


def _built_for(raw: Any) -> str | None:
    for info in _mapping(raw.get("accelerators")).values():
        cuda = _text(_mapping(info).get("cuda"))
        if cuda:
            return cuda
    return None


def _bounded(value: Any, limit: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= limit else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
