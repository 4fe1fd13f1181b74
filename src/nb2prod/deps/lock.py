"""``requirements.in`` (the direct dependencies, pinned) and ``requirements.lock`` (everything,
pinned, with hashes), compiled by pip-tools or, faster, uv: both write the same format.

The lock is made deterministic for a given index state: the resolvers' own headers (absolute
paths, the command line) and index options from the machine's pip configuration are left out,
and nb2prod writes a short header and the extra indexes the requirements need itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from typing import Literal

from nb2prod.deps.index import extra_index_urls
from nb2prod.deps.requirement import Requirement, canonical
from nb2prod.errors import NotebookError
from nb2prod.progress import Report, quiet

Resolver = Literal["auto", "pip-tools", "uv"]

IN_FILE, LOCK_FILE = "requirements.in", "requirements.lock"
#: The constraints file the resolver is given (in its scratch folder, never in the package): the
#: recorded versions of distributions that are not direct requirements.
CONSTRAINTS_FILE = "recorded.txt"
UNREACHABLE = "the package index cannot be reached (no network?)"

_SOURCES = (
    "#   recorded:    the version the notebook's kernel ran",
    "#   pip-install: pinned by a `pip install name==version` in the notebook",
    "#   installed:   the version installed where nb2prod ran",
    "#   guess:       none known: the resolver picks the newest (see requirements.lock)",
)
_LOCK_HEADER = (
    "# requirements.lock: every dependency of requirements.in, pinned, with hashes.\n"
    "# Written by `nb2prod lock`; install with\n"
    "#   pip install --require-hashes -r requirements.lock\n"
)
_HELD = (
    "# Their dependencies are held to the versions the kernel recorded ({count} of them,"
    ' nb2prod.json "recorded").'
)
_HELD_LOCK = (
    "# `-c recorded.txt` below: held to the version the notebook's kernel recorded"
    ' (nb2prod.json "recorded").\n'
)
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)


def render_requirements_in(
    requirements: Iterable[Requirement],
    package: str = "",
    *,
    constraints: Sequence[Requirement] = (),
    notes: Sequence[str] = (),
) -> str:
    """``requirements.in``: a header saying where versions come from, extra indexes, then one
    ``name==version  # source: note`` line per requirement.

    ``constraints`` (recorded versions of indirect dependencies) add a header line and the extra
    indexes they need; ``notes`` are added to the header as they are."""
    requirements = list(requirements)
    whose = f" of {package}" if package else ""
    lines = [f"# requirements.in: the direct dependencies{whose}, written by `nb2prod lock`."]
    lines += ["# Where each version came from:", *_SOURCES]
    if constraints:
        lines.append(_HELD.format(count=len(constraints)))
    lines += [f"# {' '.join(note.split())}" for note in notes]
    lines.append("")
    lines += [f"--extra-index-url {url}" for url in extra_index_urls([*requirements, *constraints])]
    for requirement in requirements:
        comment: str = requirement.source
        if requirement.note:
            comment += ": " + " ".join(requirement.note.split())
        lines.append(f"{requirement.line}  # {comment}")
    return "\n".join(lines) + "\n"


def pins(lock: str) -> dict[str, str]:
    """The ``name==version`` pins of a lock (canonical name -> version)."""
    return {canonical(m.group(1)): m.group(2) for m in _PIN.finditer(lock)}


def uv_command() -> list[str] | None:
    """How to run uv here: ``uv`` on PATH, or ``python -m uv``; None without it."""
    import importlib.util

    found = shutil.which("uv")
    if found:
        return [found]
    return [sys.executable, "-m", "uv"] if importlib.util.find_spec("uv") else None


def choose_resolver(resolver: Resolver) -> Literal["pip-tools", "uv"]:
    """``auto``: uv where it is installed (much faster), else pip-tools."""
    if resolver == "auto":
        return "uv" if uv_command() is not None else "pip-tools"
    return resolver


def lock_header(requirements: Iterable[Requirement], *, held: bool = False) -> str:
    """The lock's own header: how to install it, and the extra indexes its pins need; ``held``:
    some pins are held to recorded versions (the resolver says ``-c recorded.txt``)."""
    indexes = "".join(f"--extra-index-url {u}\n" for u in extra_index_urls(requirements))
    return _LOCK_HEADER + (_HELD_LOCK if held else "") + (indexes and "\n" + indexes)


def applied(constraints: Iterable[Requirement], lock: str) -> list[Requirement]:
    """The constraints whose distribution the lock pins (the others did not take part)."""
    pinned = pins(lock)
    return [c for c in constraints if canonical(c.name) in pinned]


def compile_lock(
    requirements_in: str,
    requirements: Sequence[Requirement],
    *,
    where: str,
    resolver: Resolver = "auto",
    timeout: float = 600,
    find_links: Sequence[str] = (),
    no_index: bool = False,
    constraints: Sequence[Requirement] = (),
    python: str | None = None,
    progress: Report = quiet,
) -> str:
    """Compile ``requirements_in`` into the text of ``requirements.lock``.

    ``requirements`` are the direct ones (to name the one that fails), ``where`` the path that
    errors name. ``constraints`` hold indirect dependencies to versions (given to the resolver as
    ``-c recorded.txt``; those outside the resolved closure do nothing). ``python`` (``X.Y``):
    the Python to resolve for, where the resolver can (uv; pip-tools resolves for the Python it
    runs on). ``progress`` hears when resolving starts. Raises :class:`NotebookError` with one
    line when resolution fails.
    """
    if not requirements:
        return lock_header(requirements)
    chosen = choose_resolver(resolver)
    held = f", holding {len(constraints)} recorded version(s)" if constraints else ""
    progress(f"resolving {len(requirements)} requirement(s) with {chosen}{held}")
    with tempfile.TemporaryDirectory(prefix="nb2prod-lock-") as work:
        text = requirements_in
        if constraints:
            text += f"-c {CONSTRAINTS_FILE}\n"
            _write(work, CONSTRAINTS_FILE, "".join(f"{c.line}\n" for c in constraints))
            indexes = [f"--extra-index-url {u}\n" for u in extra_index_urls(constraints)]
            text = "".join(i for i in indexes if i not in text) + text
        _write(work, IN_FILE, text)
        command = _command(chosen, find_links, no_index, where, python)
        try:
            done = subprocess.run(
                command, cwd=work, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise NotebookError(
                where, f"cannot resolve the requirements: {chosen} took more than {timeout:g} s"
            ) from None
        lock_path = os.path.join(work, LOCK_FILE)
        if done.returncode or not os.path.isfile(lock_path):
            raise NotebookError(where, failure(done.stdout + "\n" + done.stderr, requirements))
        with open(lock_path, encoding="utf-8") as handle:
            body = handle.read()
    used = applied(constraints, body)
    header = lock_header([*requirements, *used], held=f"-c {CONSTRAINTS_FILE}" in body)
    return header + "\n" + body.lstrip("\n")


def _write(folder: str, name: str, text: str) -> None:
    with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
        handle.write(text)


def _command(
    chosen: Literal["pip-tools", "uv"],
    find_links: Sequence[str],
    no_index: bool,
    where: str,
    target: str | None = None,
) -> list[str]:
    links = [arg for link in find_links for arg in ("--find-links", os.path.abspath(link))]
    links += ["--no-index"] if no_index else []
    if chosen == "uv":
        uv = uv_command()
        if uv is None:
            raise NotebookError(where, "cannot lock: uv is not installed (pip install uv)")
        python = target or f"{sys.version_info[0]}.{sys.version_info[1]}"
        return [
            *uv, "pip", "compile", "--generate-hashes", "--no-header", "--quiet",
            "--python-version", python, *_pip_settings(), *links,
            "--output-file", LOCK_FILE, IN_FILE,
        ]  # fmt: skip
    import importlib.util

    if importlib.util.find_spec("piptools") is None:
        raise NotebookError(
            where, "cannot lock: pip-tools is not installed (pip install pip-tools)"
        )
    return [
        sys.executable, "-m", "piptools", "compile", "--generate-hashes", "--allow-unsafe",
        "--strip-extras", "--no-header", "--no-emit-options", "--quiet", *links,
        "--output-file", LOCK_FILE, IN_FILE,
    ]  # fmt: skip


def _pip_settings() -> list[str]:
    """pip's indexes, folders of wheels and constraints, for uv (which reads none of pip's
    configuration): the lock is resolved where pip would install from."""
    from nb2prod.deps.pipconfig import read_pip_config, uv_install_options

    options = uv_install_options(read_pip_config(sys.executable, os.environ), os.environ)
    return [*options.args, *options.constraints]


_NAMED = (
    re.compile(r"satisfies the requirement ([^\s(]+)"),
    re.compile(r"No matching distribution found for ([^\s(]+)"),
    re.compile(r"no versions? of ([^\s,]+)"),
    re.compile(r"Because ([^\s,]+) was not found"),
    re.compile(r"([^\s,]+) was not found in the (?:package registry|provided package locations)"),
    re.compile(r"Cannot install ([^\s,]+)"),
)
_NETWORK = re.compile(
    r"NewConnectionError|Failed to establish|Name or service not known|Temporary failure in name"
    r"|Network is unreachable|dns error|error sending request|Failed to fetch|ConnectTimeout"
    r"|Could not fetch URL"
)


def failure(output: str, requirements: Sequence[Requirement]) -> str:
    """One line saying which package could not be resolved, and why."""
    if _NETWORK.search(output):
        reason = UNREACHABLE
    elif re.search(r"not found in the (package registry|provided package locations)", output):
        reason = "not on the package index"
    elif re.search(r"no versions? of|No matching distribution", output):
        reason = "no matching version on the package index"
    elif re.search(r"conflicting dependencies|ResolutionImpossible|unsatisfiable", output):
        reason = "its dependencies conflict with another requirement"
    else:
        reason = _last_line(output)
    name = _failing(output, requirements)
    return f"cannot resolve {name or 'the requirements'}: {reason}"


def _failing(output: str, requirements: Sequence[Requirement]) -> str | None:
    by_name = {canonical(r.name): r for r in requirements}
    for pattern in _NAMED:
        for match in pattern.finditer(output):
            spec = match.group(1).strip("'\"`.:")
            key = canonical(re.split(r"[=<>!~\[;]", spec, maxsplit=1)[0])
            if key in by_name:
                return by_name[key].line
    for requirement in requirements:
        if re.search(rf"\b{re.escape(requirement.name)}\b", output, re.IGNORECASE):
            return requirement.line
    return None


def _last_line(output: str) -> str:
    lines = [line.strip(" ╰─▶×") for line in output.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(("WARNING", "hint", "note"))]
    return (useful or lines or ["the resolver failed without a message"])[-1][:300]
