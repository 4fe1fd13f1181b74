"""Deployment files for a generated package: a Kubernetes Job and a Kubeflow Pipelines v2
pipeline, sized and placed from the environment the notebook was recorded in."""

from __future__ import annotations

from dataclasses import dataclass

#: What ``convert --deploy`` can write, in the order the README lists them.
TARGETS = ("k8s", "kfp")


@dataclass(frozen=True)
class DeployOptions:
    """``targets``: some of :data:`TARGETS`; ``image``: the image reference the cluster pulls
    (None: the tag ``nb2prod build`` gives, ``DIST:VERSION``)."""

    targets: frozenset[str] = frozenset()
    image: str | None = None


def parse_targets(text: str) -> frozenset[str]:
    """``"k8s,kfp"`` -> the targets; a ValueError names what is not one."""
    found = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(found - set(TARGETS))
    if unknown or not found:
        raise ValueError(
            f"unknown deploy target {', '.join(unknown) or repr(text)} (choose from "
            f"{', '.join(TARGETS)})"
        )
    return found
