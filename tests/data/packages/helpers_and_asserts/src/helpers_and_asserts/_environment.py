"""The machine this package runs on, compared with the one its notebook ran on.

``recorded_environment.json``, beside this module, holds what the kernel recorded when the
notebook made its outputs: Python, the versions of the distributions the package imports, the
GPU model and count, the driver and the CUDA version. At start, :func:`check` reads the same
facts here and prints the differences in one block on standard error. With ``strict``, a
difference that matters (no GPU where the notebook used one, another CUDA major version, a
driver too old for the CUDA the libraries were built for) stops the run.

Standard library only, and little of it: the GPU is read through NVIDIA's management library
(NVML, the ``libnvidia-ml.so.1`` the driver installs) with ``ctypes``; installed versions are
read from the names of the ``.dist-info`` folders on ``sys.path`` (as installers write them),
without ``importlib.metadata``; no dependency of the package is imported. The check costs a few
milliseconds (``benchmarks/bench_guard.py``).
"""

from __future__ import annotations

import json
import os
import re
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: it costs more than the check
    from typing import Any, TextIO

RECORD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "recorded_environment.json")
#: The exit status of a run refused by ``--strict-environment``.
EXIT_MISMATCH = 3
NO_DRIVER = "no NVIDIA driver"
NO_GPU = "no NVIDIA GPU"


class Difference:
    """One fact that differs: what, its recorded and live values, and whether it matters."""

    __slots__ = ("here", "matters", "recorded", "what")

    def __init__(self, what: str, recorded: str, here: str, matters: bool = False) -> None:
        self.what, self.recorded, self.here, self.matters = what, recorded, here, matters

    def __repr__(self) -> str:
        return f"Difference({self.what!r}, {self.recorded!r}, {self.here!r}, {self.matters})"


def recorded(path: str = RECORD) -> dict[str, Any]:
    """The record shipped with the package; empty when there is none or it is unreadable."""
    try:
        with open(path, encoding="utf-8") as handle:
            found = json.load(handle)
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def live(record: dict[str, Any]) -> dict[str, Any]:
    """The same facts, read on this machine (only the distributions the record names)."""
    installed = installed_versions()
    versions = {name: installed.get(_normal(name)) for name in record.get("packages") or {}}
    python = sys.version.split()[0]  # as platform.python_version() gives it
    return {"python": python, "packages": versions, "gpu": gpu()}


def _normal(name: str) -> str:
    """A distribution name in the form installers give ``.dist-info`` folders (PEP 503, with
    underscores)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_versions() -> dict[str, str]:
    """Normalized name -> version of what ``sys.path`` holds; the first found wins, as for
    imports."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            stem, dot, kind = folder.rpartition(".")
            if dot and kind in ("dist-info", "egg-info"):
                name, _, version = stem.partition("-")
                version = version.split("-")[0]  # an egg's "-pyX.Y" suffix
                if name and version:
                    found.setdefault(_normal(name), version)
    return found


def gpu() -> dict[str, Any]:
    """The GPUs the NVIDIA driver shows this process, or why there are none."""
    import ctypes

    try:
        nvml = ctypes.CDLL("libnvidia-ml.so.1")
    except OSError:
        return {"reason": NO_DRIVER}
    if nvml.nvmlInit_v2() != 0:
        return {"reason": "the NVIDIA driver did not start (nvmlInit failed)"}
    try:
        return _devices(nvml)
    finally:
        nvml.nvmlShutdown()


def _devices(nvml: Any) -> dict[str, Any]:
    import ctypes

    count = ctypes.c_uint(0)
    if nvml.nvmlDeviceGetCount_v2(ctypes.byref(count)) != 0 or not count.value:
        return {"reason": NO_GPU}
    text = ctypes.create_string_buffer(96)
    names = []
    for index in range(count.value):
        handle = ctypes.c_void_p()
        found = nvml.nvmlDeviceGetHandleByIndex_v2(index, ctypes.byref(handle)) == 0
        if found and nvml.nvmlDeviceGetName(handle, text, len(text)) == 0:
            names.append(text.value.decode("utf-8", "replace"))
    driver = None
    if nvml.nvmlSystemGetDriverVersion(text, len(text)) == 0:
        driver = text.value.decode("utf-8", "replace")
    cuda = ctypes.c_int(0)
    version = None
    if nvml.nvmlSystemGetCudaDriverVersion_v2(ctypes.byref(cuda)) == 0 and cuda.value:
        version = f"{cuda.value // 1000}.{cuda.value % 1000 // 10}"
    return {"devices": names, "driver": driver, "cuda": version}


def differences(record: dict[str, Any], here: dict[str, Any], gpu: bool = True) -> list[Difference]:
    """What differs between the record and this machine, the ones that matter first; with
    ``gpu`` false (a pipeline task of a step that does not use the GPU), GPU facts are left out."""
    found = _gpu_differences(record.get("gpu") or {}, here.get("gpu") or {}) if gpu else []
    python = record.get("python")
    if python and python != here.get("python"):
        found.append(Difference("Python", python, str(here.get("python"))))
    live_versions = here.get("packages") or {}
    for name, version in sorted((record.get("packages") or {}).items()):
        now = live_versions.get(name)
        if version and now != version:
            found.append(Difference(name, version, now or "not installed"))
    return sorted(found, key=lambda d: not d.matters)


def _gpu_differences(recorded_gpu: dict[str, Any], here: dict[str, Any]) -> list[Difference]:
    name = recorded_gpu.get("name")
    if not name:
        return []
    used = int(recorded_gpu.get("count") or 1)
    model = f"{name} x{used}"
    live_devices = here.get("devices") or []
    if not live_devices:
        why = here.get("reason") or NO_GPU
        return [
            Difference("GPU", model, f"none ({why})", True),
            Difference("CUDA", str(recorded_gpu.get("cuda") or "unknown"), "none", True),
        ]
    found = []
    if live_devices[0] != name or len(live_devices) < used:
        found.append(Difference("GPU", model, f"{live_devices[0]} x{len(live_devices)}"))
    if recorded_gpu.get("driver") and recorded_gpu["driver"] != here.get("driver"):
        found.append(Difference("driver", recorded_gpu["driver"], str(here.get("driver"))))
    return found + _cuda_differences(recorded_gpu, here.get("cuda"))


def _cuda_differences(recorded_gpu: dict[str, Any], here: str | None) -> list[Difference]:
    was = str(recorded_gpu.get("cuda") or "")
    built = str(recorded_gpu.get("cuda_build") or "")  # what the recorded libraries were built for
    if not was or was == here:
        return []
    if here is None:
        return [Difference("CUDA", was, "unknown")]
    other_major = was.split(".")[0] != here.split(".")[0]
    too_old = bool(built) and _version(here) < _version(built)  # the driver cannot run them
    return [Difference("CUDA", was, here, other_major or too_old)]


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split("."):
        parts.append(int(part) if part.isdigit() else 0)
    return tuple(parts)


def report(found: list[Difference], strict: bool) -> str:
    """The block printed at start: one line a difference, then what happens now."""
    if not found:
        return ""
    width = max(len(d.what) for d in found)
    lines = ["This machine differs from the one the notebook ran on (recorded -> here):"]
    for difference in found:
        mark = "  (matters)" if difference.matters else ""
        lines.append(
            f"  {difference.what:<{width}}  {difference.recorded} -> {difference.here}{mark}"
        )
    if any(d.matters for d in found):
        lines.append(
            "Refusing to run (--strict-environment): the results would not be the notebook's."
            if strict
            else "Running anyway: pass --strict-environment to refuse on a difference that matters."
        )
    return "\n".join(lines) + "\n"


def check(
    strict: bool = False, stream: TextIO | None = None, path: str = RECORD, gpu: bool = True
) -> bool:
    """Compare, print the differences, and say whether the run may go on (``gpu``: whether
    the run uses the GPU the record has, if any)."""
    record = recorded(path)
    found = differences(record, live(record), gpu) if record else []
    text = report(found, strict)
    if text:
        (stream or sys.stderr).write(text)
    return not (strict and any(d.matters for d in found))
