"""pip's configuration (its files and ``PIP_*`` variables), as options for uv, which reads none of
it: so that an install by uv looks in the same indexes and folders of wheels, under the same
constraints and certificates, as pip would.

:func:`read_pip_config` asks pip itself (``pip config list``), so every file pip reads, in pip's
order, counts; without pip it reads the ``PIP_*`` variables. :func:`uv_install_options` is pure.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

#: pip's sections, the later overriding the earlier (pip: ``global``, the command, ``:env:``).
_ORDER = ("global", "install", ":env:")
_LINE = re.compile(r"^(?P<section>[^\s=]+)\.(?P<name>[A-Za-z0-9_-]+)=(?P<value>.*)$")
_TRUE = frozenset({"1", "true", "yes", "y", "on"})


@dataclass(frozen=True)
class UvOptions:
    """Arguments for ``uv pip install`` (where to look, and ``constraints`` apart: uv refuses
    constraints that are not pinned with ``==`` under ``--require-hashes``), and variables for its
    environment."""

    args: tuple[str, ...]
    constraints: tuple[str, ...]
    env: Mapping[str, str]


def read_pip_config(python: str, env: Mapping[str, str], timeout: float = 30) -> dict[str, str]:
    """pip's effective settings for ``pip install`` (option name -> value, names with ``-``),
    as ``python -m pip config list`` gives them under ``env``; the ``PIP_*`` variables of ``env``
    when that pip cannot answer."""
    try:
        done = subprocess.run(
            [python, "-m", "pip", "config", "list"],
            capture_output=True,
            text=True,
            env=dict(env),
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return effective(env_sections(env))
    if done.returncode:
        return effective(env_sections(env))
    return effective(parse_config_list(done.stdout))


def parse_config_list(text: str) -> dict[tuple[str, str], str]:
    """``pip config list``'s lines (``global.find-links='/opt/wheels'``) as (section, name) ->
    value; lines of any other shape are left out."""
    found: dict[tuple[str, str], str] = {}
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if not match:
            continue
        try:
            value = ast.literal_eval(match["value"])
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, str):
            found[(match["section"], _option(match["name"]))] = value
    return found


def env_sections(env: Mapping[str, str]) -> dict[tuple[str, str], str]:
    """The ``PIP_*`` variables of ``env`` as pip reads them: ``PIP_FIND_LINKS`` -> find-links."""
    return {
        (":env:", _option(key[4:])): value
        for key, value in env.items()
        if key.startswith("PIP_") and len(key) > 4
    }


def effective(sections: Mapping[tuple[str, str], str]) -> dict[str, str]:
    """One value per option, the section pip lets win for ``pip install``."""
    found: dict[str, str] = {}
    for section in _ORDER:
        for (where, name), value in sections.items():
            if where == section:
                found[name] = value
    return found


def uv_install_options(config: Mapping[str, str], env: Mapping[str, str]) -> UvOptions:
    """The options of ``uv pip install`` that do what pip's ``config`` does.

    uv looks in its indexes one after another and takes a package from the first that has it;
    pip takes the best version from all of them, which uv's ``unsafe-best-match`` does. pip's
    ``cert`` becomes ``SSL_CERT_FILE`` unless ``env`` sets one already."""
    args: list[str] = ["--index-strategy", "unsafe-best-match"]
    if config.get("index-url", "").strip():
        args += ["--index-url", config["index-url"].strip()]
    for option, flag in (
        ("extra-index-url", "--extra-index-url"),
        ("find-links", "--find-links"),
        ("trusted-host", "--allow-insecure-host"),
    ):
        for value in config.get(option, "").split():
            args += [flag, value]
    constraints = [arg for c in config.get("constraint", "").split() for arg in ("-c", c)]
    if _true(config.get("no-index")):
        args.append("--no-index")
    if _true(config.get("pre")):
        args += ["--prerelease", "allow"]
    extra: dict[str, str] = {}
    cert = config.get("cert", "").strip()
    if cert and not env.get("SSL_CERT_FILE"):
        extra["SSL_CERT_FILE"] = cert
    return UvOptions(tuple(args), tuple(constraints), extra)


def _option(name: str) -> str:
    return name.lower().replace("_", "-")


def _true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _TRUE


def which(program: str, env: Mapping[str, str]) -> str | None:
    """``program`` as found on ``env``'s PATH (not this process's)."""
    import shutil

    return shutil.which(program, path=env.get("PATH", os.defpath))
