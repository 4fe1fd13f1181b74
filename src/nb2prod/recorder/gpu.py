"""NVIDIA GPUs through NVML (NVIDIA's ``nvidia-ml-py``, module ``pynvml``), and the CUDA versions of
accelerator libraries already imported. No GPU is a fact with a typed reason, never an error."""

from __future__ import annotations

import contextlib
import functools
import sys
from typing import Any

NO_PYNVML = "pynvml not installed"
NO_DRIVER = "no NVIDIA driver"
NO_GPU = "no NVIDIA GPU"

#: NVML error codes that mean the driver (its library or its kernel module) is not there.
_DRIVER_MISSING = {9, 12}  # NVML_ERROR_DRIVER_NOT_LOADED, NVML_ERROR_LIBRARY_NOT_FOUND


@functools.cache
def gpu_facts() -> dict[str, Any]:
    """The GPUs NVML sees: driver, CUDA driver version, devices; or why there are none."""
    try:
        import pynvml
    except ImportError:
        return {"available": False, "reason": NO_PYNVML}
    try:
        pynvml.nvmlInit()
    except Exception as error:
        code = getattr(error, "value", None)
        reason = NO_DRIVER if code in _DRIVER_MISSING else f"NVML error: {error}"
        return {"available": False, "reason": reason}
    try:
        return _read(pynvml)
    except Exception as error:  # an NVML call the driver does not support
        return {"available": False, "reason": f"NVML error: {error}"}
    finally:
        with contextlib.suppress(Exception):
            pynvml.nvmlShutdown()


def _read(nvml: Any) -> dict[str, Any]:
    count = nvml.nvmlDeviceGetCount()
    if not count:
        return {"available": False, "reason": NO_GPU}
    devices = []
    for index in range(count):
        handle = nvml.nvmlDeviceGetHandleByIndex(index)
        devices.append(
            {
                "index": index,
                "name": _text(nvml.nvmlDeviceGetName(handle)),
                "uuid": _text(nvml.nvmlDeviceGetUUID(handle)),
                "memory_total_bytes": int(nvml.nvmlDeviceGetMemoryInfo(handle).total),
            }
        )
    return {
        "available": True,
        "driver_version": _text(nvml.nvmlSystemGetDriverVersion()),
        "cuda_driver_version": _cuda_version(nvml),
        "devices": devices,
    }


def _cuda_version(nvml: Any) -> str | None:
    getter = getattr(nvml, "nvmlSystemGetCudaDriverVersion_v2", None) or getattr(
        nvml, "nvmlSystemGetCudaDriverVersion", None
    )
    try:
        number = int(getter()) if getter else 0
    except Exception:
        return None
    return f"{number // 1000}.{number % 1000 // 10}" if number else None


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def accelerators() -> dict[str, dict[str, Any]]:
    """Versions and CUDA builds of accelerator libraries the user has imported (never imports)."""
    found: dict[str, dict[str, Any]] = {}
    for name, reader in _READERS.items():
        module = sys.modules.get(name)
        if module is not None:
            try:
                found[name] = reader(module)
            except Exception:
                found[name] = {"version": _text(getattr(module, "__version__", None)), "cuda": None}
    return found


def _torch(torch: Any) -> dict[str, Any]:
    cuda = getattr(getattr(torch, "version", None), "cuda", None)
    cudnn = None
    if cuda:
        cudnn = torch.backends.cudnn.version()
    return {"version": str(torch.__version__), "cuda": cuda, "cudnn": _maybe(cudnn)}


def _tensorflow(tf: Any) -> dict[str, Any]:
    info = dict(tf.sysconfig.get_build_info())
    return {
        "version": str(tf.__version__),
        "cuda": _maybe(info.get("cuda_version")),
        "cudnn": _maybe(info.get("cudnn_version")),
    }


def _jax(jax: Any) -> dict[str, Any]:
    jaxlib = sys.modules.get("jaxlib")
    return {
        "version": str(jax.__version__),
        "jaxlib": _maybe(getattr(jaxlib, "__version__", None)),
        "cuda": None,
        "cudnn": None,
    }


def _cupy(cupy: Any) -> dict[str, Any]:
    number = int(cupy.cuda.runtime.runtimeGetVersion())
    return {
        "version": str(cupy.__version__),
        "cuda": f"{number // 1000}.{number % 1000 // 10}",
        "cudnn": None,
    }


def _maybe(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


_READERS = {"torch": _torch, "tensorflow": _tensorflow, "jax": _jax, "cupy": _cupy}


def accelerators_loaded() -> list[str]:
    """The accelerator libraries imported so far (a cheap look at ``sys.modules``)."""
    return [name for name in _READERS if name in sys.modules]
