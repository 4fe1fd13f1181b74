"""What the deployment files are made from: the package, its image, the recorded machine, the
run's parameters, the data it carries or needs mounted, and its steps as tasks."""

from __future__ import annotations

import ast
import math
import os
import re
from dataclasses import dataclass

from nb2prod.convert.pipeline import Parameter
from nb2prod.deploy.hardware import Hardware
from nb2prod.deploy.stages import StagePlan

#: Where a Job and a pipeline task mount the volume with the data files not carried in the image.
DATA_MOUNT = "/data"
#: The user the package's image runs as (the Dockerfile's ``USER``).
USER_ID = 10001
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
#: A container image reference: [registry[:port]/]path[:tag][@digest], as the engine takes it.
_IMAGE = re.compile(
    r"(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]{1,5})?/)?"
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?"
)


def valid_image(reference: str) -> bool:
    return len(reference) <= 255 and _IMAGE.fullmatch(reference) is not None


@dataclass(frozen=True)
class DeployFacts:
    """``parameters``: the run's options with the notebook's values; ``mounted``: the path
    parameters whose files are not in the image (read from the data volume)."""

    package: str
    distribution: str
    version: str
    notebook: str
    notebook_sha256: str
    image: str
    hardware: Hardware
    parameters: tuple[Parameter, ...]
    mounted: tuple[Parameter, ...]
    shipped: tuple[str, ...]
    secrets: tuple[str, ...]
    plan: StagePlan

    @property
    def job_name(self) -> str:
        """A DNS-1123 label: lower case, digits and dashes, 63 at most."""
        name = re.sub(r"[^a-z0-9-]+", "-", self.distribution.lower()).strip("-")[:63]
        return name.strip("-") or "notebook"

    @property
    def environment_variables(self) -> tuple[str, ...]:
        return tuple(sorted(n for n in set(self.secrets) if _ENV_NAME.fullmatch(n)))

    def arguments(self) -> list[str]:
        """``python -m PKG``'s options for the notebook's own run: each parameter with its
        notebook value, a mounted file by its path on the data volume."""
        found: list[str] = []
        mounted = {p.name for p in self.mounted}
        for parameter in self.parameters:
            flag = "--" + parameter.name.replace("_", "-")
            if parameter.name in mounted:
                found += [flag, mounted_path(parameter)]
                continue
            value = literal_value(parameter)
            if parameter.kind == "bool":
                found.append(flag if value else "--no-" + flag[2:])
            elif value is not None:
                found += [flag, str(value)]
        return found


def literal_value(parameter: Parameter) -> object:
    """The notebook's value of a parameter (its default is a literal nb2prod wrote)."""
    try:
        return ast.literal_eval(parameter.default)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def mounted_path(parameter: Parameter) -> str:
    """Where a path parameter's file is on the data volume: its name, at the volume's root."""
    value = literal_value(parameter)
    name = os.path.basename(str(value).replace("\\", "/").rstrip("/")) or parameter.name
    return f"{DATA_MOUNT}/{name}"


def cli_parameters(parameters: list[Parameter]) -> tuple[Parameter, ...]:
    """The parameters a run can be given on its command line: those whose notebook value is
    of their kind (a float that is not finite has no literal, and keeps its notebook value)."""
    return tuple(p for p in parameters if _of_kind(literal_value(p), p.kind))


def _of_kind(value: object, kind: str) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    return kind == "str" and isinstance(value, str)
