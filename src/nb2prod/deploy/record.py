"""``recorded_environment.json``: what the package's environment check compares the machine it
runs on with (``runtime/environment_guard.py``). Only values that passed their checks when the
record was read; a JSON file, never source code."""

from __future__ import annotations

import json
from typing import Any

from nb2prod import metadata_values as mv
from nb2prod.deploy.hardware import Hardware
from nb2prod.records import Environment


def environment_record(
    environment: Environment | None, dependencies: list[str], hardware: Hardware
) -> dict[str, Any]:
    """Python, the recorded versions of the distributions the package imports, and the GPU the
    kernel used (or why there was none); empty without a record."""
    if environment is None:
        return {}
    from packaging.utils import canonicalize_name

    recorded = {
        canonicalize_name(name): version
        for name, version in mv.versions(environment.packages, []).items()
    }
    packages = {}
    for line in dependencies:
        parsed = mv.requirement(line)
        if isinstance(parsed, tuple):
            name = canonicalize_name(parsed[0])
            if name in recorded:
                packages[name] = recorded[name]
    gpu: dict[str, Any] = {"reason": hardware.no_gpu} if hardware.no_gpu else {}
    if hardware.gpus:
        gpu = {
            "name": hardware.gpu_name,
            "count": hardware.gpus,
            "driver": hardware.driver,
            "cuda": hardware.cuda,
            "cuda_build": hardware.cuda_build,
        }
    return {
        "python": environment.python_version,
        "packages": dict(sorted(packages.items())),
        "gpu": gpu,
        "cpus": hardware.cpus,
        "memory_bytes": hardware.memory_bytes,
    }


def render_record(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
