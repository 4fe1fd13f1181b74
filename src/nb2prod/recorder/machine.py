"""The interpreter, operating system, CPU, memory and chosen variables: facts read without a
subprocess. What cannot change during a session is read once."""

from __future__ import annotations

import functools
import os
import platform
import sys
from typing import Any

#: Variables that change what numeric code does, or on which device.
VARIABLES = (
    "CUBLAS_WORKSPACE_CONFIG",
    "CONDA_DEFAULT_ENV",
    "CUDA_VISIBLE_DEVICES",
    "MKL_NUM_THREADS",
    "NVIDIA_VISIBLE_DEVICES",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "PYTHONHASHSEED",
    "TF_DETERMINISTIC_OPS",
    "VIRTUAL_ENV",
)


@functools.cache
def python_facts() -> dict[str, Any]:
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
    }


@functools.cache
def platform_facts() -> dict[str, Any]:
    return {
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "platform": platform.platform(),
    }


@functools.cache
def cpu_facts() -> dict[str, Any]:
    return {"model": _cpu_model(), "count": os.cpu_count()}


@functools.cache
def memory_facts() -> dict[str, Any]:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        total = None
    return {"total_bytes": total}


def interpreter_facts() -> dict[str, Any]:
    prefix = sys.prefix
    if os.path.isdir(os.path.join(prefix, "conda-meta")):
        name = os.environ.get("CONDA_DEFAULT_ENV") or os.path.basename(prefix)
        return {"kind": "conda", "name": name, "prefix": prefix}
    if prefix != getattr(sys, "base_prefix", prefix):
        return {"kind": "venv", "name": os.path.basename(prefix), "prefix": prefix}
    return {"kind": "system", "name": None, "prefix": prefix}


def variables() -> dict[str, str]:
    return {name: os.environ[name] for name in VARIABLES if name in os.environ}


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Hardware", "cpu model"):
                    return value.strip() or None
    except OSError:
        pass
    return platform.processor() or None
