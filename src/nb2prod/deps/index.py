"""Extra wheel indexes for local version labels: ``torch==2.4.1+cu121`` is only on PyTorch's own
index, so the lock must name it (``--extra-index-url https://download.pytorch.org/whl/cu121``).
The only index nb2prod names itself is PyTorch's, with a variant from a fixed pattern; no URL is
ever taken from a notebook or a package."""

from __future__ import annotations

import re
from collections.abc import Iterable

from nb2prod import metadata_values as mv
from nb2prod.deps.requirement import Requirement, canonical

PYTORCH_INDEX = "https://download.pytorch.org/whl"

#: Distributions PyTorch publishes per build variant on its own index.
PYTORCH_FAMILY = frozenset({
    "torch", "torchvision", "torchaudio", "torchtext", "torchdata", "torchrec", "fbgemm-gpu",
    "pytorch-triton", "pytorch-triton-rocm", "xformers",
})  # fmt: skip

#: Build variants that have a PyTorch index: cpu, cuXYZ, rocmX.Y, xpu.
_VARIANT = re.compile(r"^(cpu|cu\d{2,3}|rocm\d+(\.\d+)*|xpu)$")


def local_label(version: str) -> str | None:
    """``2.4.1+cu121`` -> ``cu121``; None without a local label."""
    _, plus, label = version.partition("+")
    return label if plus and label else None


def index_for(requirement: Requirement) -> str | None:
    """The index holding ``requirement``'s build, or None when PyPI has it."""
    label = local_label(requirement.version or "")
    if label is None or canonical(requirement.name) not in PYTORCH_FAMILY:
        return None
    variant = label.lower()
    if not _VARIANT.fullmatch(variant):
        return None
    url = f"{PYTORCH_INDEX}/{variant}"
    return url if mv.is_good(url, mv.index_url) else None


def extra_index_urls(requirements: Iterable[Requirement]) -> list[str]:
    """The extra indexes the requirements need, sorted, without repeats."""
    return sorted({url for r in requirements if (url := index_for(r)) is not None})
