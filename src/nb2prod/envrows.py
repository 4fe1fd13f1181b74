"""The rows of an environment comparison: one fact of a recorded environment against the same fact
of the live one (Python, CPU, GPU, driver, CUDA, cuDNN, and each distribution the notebook
imports). Pure: it reads :class:`~nb2prod.records.Environment` values, already checked.

A fact is text, :data:`ABSENT` when the environment is known not to have it (no GPU, a package
not installed) or :data:`UNKNOWN` when the record does not say (no record, a field left out, a
library the live kernel has not imported).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from nb2prod.deps.requirement import canonical
from nb2prod.recorder.gpu import NO_DRIVER, NO_GPU
from nb2prod.records import Environment

Status = Literal["same", "changed", "missing", "new", "unknown"]
Kind = Literal["python", "cpu", "gpu", "driver", "cuda", "cudnn", "package"]
#: Statuses that make a row a difference.
DIFFERENT: Final = frozenset({"changed", "missing", "new"})
#: The machine rows, in the order they are shown, with their labels.
MACHINE: Final[tuple[tuple[Kind, str], ...]] = (
    ("python", "Python"),
    ("cpu", "CPU"),
    ("gpu", "GPU"),
    ("driver", "GPU driver"),
    ("cuda", "CUDA"),
    ("cudnn", "cuDNN"),
)
#: Rows about the hardware: a difference there means another machine, not another install.
HARDWARE: Final = frozenset({"cpu", "gpu", "driver", "cuda", "cudnn"})
#: Why a record has no GPU, when that means there is none (not that NVML could not tell).
NO_GPU_REASONS: Final = frozenset({NO_DRIVER, NO_GPU})


class Unknown:
    """The type of :data:`UNKNOWN`."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = Unknown()
ABSENT: Final = None
Fact = str | Unknown | None


@dataclass(frozen=True)
class Row:
    """One fact, recorded against live. ``recorded`` and ``live`` are None when that side has no
    such thing or does not say; ``status`` is ``unknown`` when a side does not say, and the
    ``*_text`` fields say it in words (``none``, ``not installed``, ``unknown``)."""

    label: str
    kind: Kind
    recorded: str | None
    live: str | None
    status: Status
    recorded_text: str
    live_text: str

    @property
    def differs(self) -> bool:
        return self.status in DIFFERENT

    def change(self) -> str:
        """``numpy 1.26.4 -> 2.4.6``."""
        return f"{self.label} {self.recorded_text} -> {self.live_text}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "kind": self.kind,
            "recorded": self.recorded,
            "live": self.live,
            "status": self.status,
            "recorded_text": self.recorded_text,
            "live_text": self.live_text,
        }


def status(recorded: Fact, live: Fact) -> Status:
    if isinstance(recorded, Unknown) or isinstance(live, Unknown):
        return "unknown"
    if recorded == live:
        return "same"
    if live is None:
        return "missing"
    return "new" if recorded is None else "changed"


def row(label: str, kind: Kind, recorded: Fact, live: Fact) -> Row:
    def value(fact: Fact) -> str | None:
        return fact if isinstance(fact, str) else None

    def text(fact: Fact) -> str:
        if isinstance(fact, Unknown):
            return "unknown"
        return fact if fact is not None else "not installed" if kind == "package" else "none"

    found = status(recorded, live)
    return Row(label, kind, value(recorded), value(live), found, text(recorded), text(live))


def rows(
    recorded: Environment | None,
    live: Environment,
    distributions: Iterable[str],
    imported: Mapping[str, str] | None = None,
) -> tuple[Row, ...]:
    """Every row, differences first; each group in :data:`MACHINE`'s order, then packages by
    name. ``recorded`` None: nothing recorded (every row ``unknown``); ``distributions``:
    canonical names; ``imported``: versions the recorded executions saw, for a record with no
    package table."""
    mine = machine_facts(recorded) if recorded is not None else {}
    theirs = machine_facts(live)
    found = [
        row(label, kind, mine.get(kind, UNKNOWN), theirs.get(kind, UNKNOWN))
        for kind, label in MACHINE
    ]
    found = [_why_no_gpu(r, recorded, live) if r.kind == "gpu" else r for r in found]
    for name in sorted(set(distributions)):
        was = package_fact(recorded, name, imported or {}) if recorded is not None else UNKNOWN
        found.append(row(name, "package", was, package_fact(live, name, {})))
    return tuple(sorted(found, key=lambda r: not r.differs))


def _why_no_gpu(gpu: Row, recorded: Environment | None, live: Environment) -> Row:
    """The GPU row, saying why a side has no GPU (``none (no NVIDIA driver)``)."""
    texts = []
    for env, text in ((recorded, gpu.recorded_text), (live, gpu.live_text)):
        reason = no_gpu_reason(env) if env is not None else None
        texts.append(f"{text} ({reason})" if reason and text in ("none", "unknown") else text)
    return dataclasses.replace(gpu, recorded_text=texts[0], live_text=texts[1])


def no_gpu_reason(env: Environment) -> str | None:
    """Why the record has no usable GPU, as the recorder said it (short text only)."""
    gpu = env.raw.get("gpu")
    if not isinstance(gpu, Mapping) or gpu.get("available") is not False:
        return None
    reason = gpu.get("reason")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 80:
        return None
    return " ".join(reason.split())


def machine_facts(env: Environment) -> dict[Kind, Fact]:
    """The machine facts of one environment record (see ``recorder/FORMAT.md``)."""
    cpu = env.raw.get("cpu")
    found: dict[Kind, Fact] = {
        "python": env.python_version or UNKNOWN,
        "cpu": _known(cpu.get("model") if isinstance(cpu, Mapping) else None),
    }
    gpu = env.raw.get("gpu")
    available = gpu.get("available") if isinstance(gpu, Mapping) else None
    gpu_kinds: tuple[Kind, ...] = ("gpu", "driver", "cuda", "cudnn")
    if not isinstance(gpu, Mapping) or not isinstance(available, bool):
        return found | dict.fromkeys(gpu_kinds, UNKNOWN)
    if not available:  # none, or NVML could not tell (pynvml missing, an NVML error)
        none = gpu.get("reason") in NO_GPU_REASONS
        return found | dict.fromkeys(gpu_kinds, ABSENT if none else UNKNOWN)
    return found | {
        "gpu": gpu_model(gpu.get("devices")),
        "driver": _known(gpu.get("driver_version")),
        "cuda": _known(gpu.get("cuda_driver_version")),
        "cudnn": cudnn(env.raw.get("accelerators")),
    }


def gpu_model(devices: Any) -> Fact:
    """``NVIDIA H100 80GB HBM3``, ``2 x NVIDIA H100 80GB HBM3``, or names joined by commas."""
    found = [d.get("name") for d in devices if isinstance(d, Mapping)] if devices else []
    names = [n for n in found if isinstance(n, str) and n]
    if not names or len(names) != len(found):
        return UNKNOWN
    if len(set(names)) == 1:
        return names[0] if len(names) == 1 else f"{len(names)} x {names[0]}"
    return ", ".join(names)


def cudnn(accelerators: Any) -> Fact:
    """The cuDNN a loaded library reports (the first by name); unknown when none loaded says."""
    if not isinstance(accelerators, Mapping):
        return UNKNOWN
    for name in sorted(accelerators):
        info = accelerators[name]
        found = info.get("cudnn") if isinstance(info, Mapping) else None
        if isinstance(found, str) and found:
            return found
    return UNKNOWN


def package_fact(env: Environment, name: str, imported: Mapping[str, str]) -> Fact:
    """The version of distribution ``name`` (canonical) in ``env``: from its package table, else
    from what its executions imported; absent when the table lacks it, unknown without one."""
    table = env.raw.get("packages")
    if isinstance(table, Mapping):
        versions = {canonical(k): v for k, v in env.packages.items()}
        return versions.get(name, imported.get(name, ABSENT))
    return imported.get(name, UNKNOWN)


def _known(value: Any) -> Fact:
    return value if isinstance(value, str) and value else UNKNOWN
