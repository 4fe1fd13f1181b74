"""The README sections a recorded notebook adds: the environment it ran in, and its data files.

Only what the record says, in a fixed order, so the text is the same for the same notebook; no
executable, prefix, git root or variable is shown (they name one user's folders), and home
folders in paths and messages become ``~``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from nb2prod.convert.recorded import DataInput, without_home
from nb2prod.deps.requirement import canonical
from nb2prod.metadata_values import Ignored
from nb2prod.records import Environment

_GIB = 1024**3
UNKNOWN = "not recorded"


def environment_section(
    environment: Environment, packages: Sequence[tuple[str, str | None]], image: str
) -> list[str]:
    """``## Recorded environment``: a table of what the kernel ran on, GPU included.
    ``packages``: the package's dependencies with their recorded versions."""
    raw = environment.raw
    python, system = _mapping(raw, "python"), _mapping(raw, "platform")
    cpu, interpreter = _mapping(raw, "cpu"), _mapping(raw, "interpreter")
    rows = [
        ("Python", _text(python.get("version"))),
        ("implementation", _text(python.get("implementation"))),
        ("platform", _text(system.get("platform")) if system.get("platform") else _os(system)),
        ("CPU", _cpu(cpu)),
        ("memory", _gib(_mapping(raw, "memory").get("total_bytes"))),
        ("interpreter", _text(interpreter.get("kind"))),
        ("packages", ", ".join(f"`{n}` {v or UNKNOWN}" for n, v in packages) or "none"),
        *_gpu_rows(environment),
        ("recorded", _recorded(raw)),
    ]
    lines = [
        "## Recorded environment",
        "",
        "The notebook's kernel recorded what it ran on (nb2prod's recorder, not a guess): the "
        f"lock starts from these versions and the Dockerfile's default base image, `{image}`, "
        "follows its Python" + (" and CUDA." if image.startswith("nvidia/") else "."),
        "",
        "| | recorded |",
        "|---|---|",
    ]
    return lines + [f"| {name} | {_cell(value)} |" for name, value in rows]


def _gpu_rows(environment: Environment) -> list[tuple[str, str]]:
    gpu = environment.gpu
    if not gpu:
        return [("GPU", UNKNOWN)]
    if gpu.get("available") is not True:
        return [("GPU", f"none ({_text(gpu.get('reason'))})")]
    devices = [d for d in gpu.get("devices") or () if isinstance(d, Mapping)]
    shown = [f"{_text(d.get('name'))}, {_gib(d.get('memory_total_bytes'))}" for d in devices]
    rows = [
        ("GPU", "; ".join(shown) or UNKNOWN),
        ("NVIDIA driver", _text(gpu.get("driver_version"))),
        ("CUDA driver", _text(gpu.get("cuda_driver_version"))),
    ]
    accelerators = environment.raw.get("accelerators")
    runtimes = [
        _runtime(str(name), info)
        for name, info in sorted((accelerators or {}).items())
        if isinstance(info, Mapping) and info.get("cuda")
    ]
    return [*rows, ("CUDA runtime", "; ".join(runtimes) or UNKNOWN)]


def _runtime(name: str, info: Mapping[str, Any]) -> str:
    text = f"{name} {_text(info.get('version'))}: CUDA {_text(info.get('cuda'))}"
    return text + (f", cuDNN {info['cudnn']}" if info.get("cudnn") else "")


def data_section(inputs: Sequence[DataInput], package: str, tests: Mapping[str, str]) -> list[str]:
    """``## Data``: every file the recorded executions read, and whether the package ships it.
    ``tests``: shipped path -> the generated test that checks its hash."""
    lines = [
        "## Data",
        "",
        "The recorded executions read these files. Those beside the notebook are shipped in "
        f"`src/{package}/data/`, and a generated test checks each is, byte for byte, the file the "
        "notebook ran on; provide the others.",
        "",
        "| file | size | sha256 | in the package |",
        "|---|---|---|---|",
    ]
    for item in inputs:
        size = f"{item.read.size:,} bytes" if item.read.size is not None else UNKNOWN
        digest = f"`{item.read.sha256[:16]}…`" if item.read.sha256 else UNKNOWN
        lines.append(f"| `{_cell(item.shown)}` | {size} | {digest} | {_fate(item, tests)} |")
    return lines


def _fate(item: DataInput, tests: Mapping[str, str]) -> str:
    if item.shipped is None:
        return f"not shipped ({item.reason}): provide it"
    where = f"`data/{_cell(item.shipped)}`"
    if item.changed:
        return f"{where}, but it differs from the recorded file: restore that one"
    test = tests.get(item.shipped)
    return f"{where}, checked by `{test}`" if test else f"{where} (no recorded hash to check)"


def _recorded(raw: Mapping[str, Any]) -> str:
    when, by = raw.get("recorded"), raw.get("recorder")
    if not (isinstance(by, str) and by):
        return _text(when)
    return f"{when} by {by}" if isinstance(when, str) and when else f"by {by}"


def _os(system: Mapping[str, Any]) -> str:
    parts = [system.get(k) for k in ("system", "release", "machine")]
    return " ".join(str(p) for p in parts if p) or UNKNOWN


def _cpu(cpu: Mapping[str, Any]) -> str:
    count = cpu.get("count")
    cores = f"{count} logical cores" if isinstance(count, int) else ""
    return ", ".join(p for p in (_text(cpu.get("model"), ""), cores) if p) or UNKNOWN


def _gib(value: Any) -> str:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return UNKNOWN
    return f"{value / _GIB:.1f} GiB"


def _text(value: Any, missing: str = UNKNOWN) -> str:
    return str(value) if value not in (None, "") else missing


def _mapping(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    found = raw.get(key)
    return found if isinstance(found, Mapping) else {}


def _cell(text: str) -> str:
    """Text safe in a table cell: one line, pipes escaped, no home folder."""
    return without_home(" ".join(text.split())).replace("|", "\\|")


def ignored_section(notes: Sequence[str], ignored: Sequence[Ignored]) -> list[list[str]]:
    """``## Metadata left out``: ``notes`` (what was used instead of an unusable Python or CUDA),
    then each metadata value that failed its check, by what it was and why (not the value
    itself: it is untrusted text). None when there is nothing to say."""
    listed = [n for n in ignored if not n.instead]  # the others are what ``notes`` explain
    if not (notes or listed):
        return []
    lines = ["## Metadata left out", ""]
    lines += [*notes, ""] if notes else []
    if listed:
        lines += [
            "These values of the notebook's metadata did not pass nb2prod's checks and were not "
            "used (`nb2prod convert` names each value):",
            "",
            *(f"- {_plain(notice.what)}: {_plain(notice.reason)}" for notice in listed),
        ]
    return [lines[:-1] if lines[-1] == "" else lines]


def _plain(text: str) -> str:
    """Text as plain Markdown: one line, no home folder, markup characters escaped."""
    return re.sub(r"([\\`*_{}\[\]<>|~])", r"\\\1", without_home(" ".join(text.split())))


def readme_sections(
    environment: Environment | None,
    inputs: Sequence[DataInput],
    dependencies: Sequence[str],
    image: str,
    package: str,
    checks: Mapping[str, str],
) -> list[list[str]]:
    """The sections the records give the README (none without records). ``dependencies``: the
    package's distributions; ``checks``: shipped path -> the generated test checking its hash."""
    sections: list[list[str]] = []
    if environment is not None:
        recorded = {canonical(k): v for k, v in environment.packages.items()}
        packages = [(d, recorded.get(canonical(d))) for d in dependencies]
        sections.append(environment_section(environment, packages, image))
    if inputs:
        sections.append(data_section(inputs, package, checks))
    return sections
