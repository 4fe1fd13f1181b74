"""Verifying a generated package: install it into a fresh virtual environment, run its tests.

The package folder is copied into a temporary folder first, so that building and testing never
write into it (no ``build/``, ``*.egg-info`` or ``__pycache__`` left behind), and the tests run
against the installed package, in a virtual environment that has nothing else but pytest.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nb2prod.deps.pipconfig import read_pip_config, uv_install_options, which
from nb2prod.errors import NotebookError
from nb2prod.progress import Report, quiet
from nb2prod.verify_junit import Outcome, TestResult, read_junit
from nb2prod.verify_place import Place, forget_bytecode, venv_place
from nb2prod.verify_report import Origin, read_origin

__all__ = ["Origin", "Outcome", "TestResult", "VerifyResult", "check_package", "verify_package"]


FIND_LINKS_ENV = "NB2PROD_VERIFY_FIND_LINKS"
LOCK_FILE = "requirements.lock"
LOG_TAIL_LINES = 200

# Settings of the calling environment that would leak into the fresh one, or break pip there.
_DROPPED_ENV = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONUSERBASE",
    "PYTHONSAFEPATH",
    "VIRTUAL_ENV",
    "CONDA_PREFIX",
    "PYTEST_ADDOPTS",
    "PYTEST_PLUGINS",
    "PIP_USER",
    "PIP_TARGET",
    "PIP_PREFIX",
    "PIP_ROOT",
)
# Not copied into the work folder: caches, build outputs and environments of the package's own.
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "venv", ".tox", ".nox", "__pycache__", "*.pyc", ".pytest_cache",
    ".mypy_cache", ".ruff_cache", "*.egg-info",
)  # fmt: skip


_PYTEST_NO_TESTS = 5  # pytest's exit status when it collected nothing
_DISTRIBUTION = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` when the package installed and all its tests passed (skips allowed); ``origin``:
    what the package's ``nb2prod.json`` says of the notebook it came from."""

    ok: bool
    tests: tuple[TestResult, ...]
    log: str
    origin: Origin = field(default_factory=Origin)

    @property
    def passed(self) -> int:
        return sum(t.outcome == "passed" for t in self.tests)

    @property
    def failed(self) -> int:
        return sum(t.outcome in ("failed", "error") for t in self.tests)


@dataclass(frozen=True)
class _Step:
    command: tuple[str, ...]
    returncode: int | None  # None: killed at the deadline
    output: str

    def section(self) -> str:
        if self.returncode is None:
            status = "timed out"
        elif self.returncode:
            status = f"exit status {self.returncode}"
        else:
            status = ""
        lines = [f"$ {shlex.join(self.command)}", *_tail(self.output)]
        return "\n".join([*lines, status] if status else lines)


def verify_package(
    package: Path, *, python: str = sys.executable, timeout: float = 900, progress: Report = quiet
) -> VerifyResult:
    """Install ``package`` with its dependencies into a fresh venv and run its tests there.

    ``python`` makes the virtual environment; ``timeout`` (seconds) bounds the whole run. uv
    makes and fills the environment where it is on PATH (with pip's configuration), else venv
    and pip. An optional ``requirements.lock`` in the package is installed first with
    ``--require-hashes``; the environment variable ``NB2PROD_VERIFY_FIND_LINKS`` may name a local
    folder of wheels. ``progress`` hears of each phase. Raises :class:`NotebookError` when
    ``package`` is not a package folder.
    """
    check_package(package)
    shown, package = str(package), Path(os.path.abspath(package))
    with tempfile.TemporaryDirectory(prefix="nb2prod-verify-") as temp:
        root = Path(temp)
        work = root / "work" / package.name
        try:
            shutil.copytree(package, work, ignore=_NOT_COPIED, ignore_dangling_symlinks=True)
        except OSError as error:  # shutil.Error too: its message lists every file
            reason = error.strerror or "a file in it cannot be read"
            raise NotebookError(shown, f"cannot be copied ({reason})") from None
        session = _Session(work, time.monotonic() + timeout, progress)
        result = _verify_copy(session, python, root)
    if not result.tests and session.steps[-1].returncode == _PYTEST_NO_TESTS:
        raise NotebookError(shown, "not a package with tests: pytest found none to run")
    return result


def _verify_copy(session: _Session, python: str, root: Path) -> VerifyResult:
    """``verify_package`` of the copy in ``session.work``, with ``root`` for scratch files."""
    origin = read_origin(session.work)
    uv = which("uv", session.env)
    place = venv_place(root) if uv else contextlib.nullcontext(Place(root / "venv", None))
    with place as where:
        if uv is not None:
            installed = _install_uv(session, uv, python, where.venv)
        else:
            installed = _install_pip(session, python, where.venv)
        if not installed:
            return VerifyResult(False, (), _log(session.steps), origin)
        try:
            return _run_tests(session, where, root / "junit.xml", origin)
        finally:
            forget_bytecode(where.pycache, root)


def check_package(package: Path) -> None:
    """Raise :class:`NotebookError` (one line) when ``package`` is not a folder pip can install:
    no folder, no readable ``pyproject.toml``, no ``[project]`` name and version in it."""
    where = str(package)
    if not package.is_dir():
        raise NotebookError(where, "not a package folder: no such folder")
    pyproject = package / "pyproject.toml"
    if not pyproject.is_file():
        raise NotebookError(where, "not a package folder: no pyproject.toml")
    try:
        project = _read_toml(pyproject).get("project")
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise NotebookError(where, f"not a package folder: pyproject.toml: {reason}") from None
    if not isinstance(project, dict):
        raise NotebookError(where, "not a package folder: pyproject.toml has no [project] table")
    name = project.get("name")
    if not isinstance(name, str) or not _DISTRIBUTION.match(name):
        raise NotebookError(
            where, "not a package folder: pyproject.toml has no valid [project] name"
        )
    dynamic = project.get("dynamic")
    if not isinstance(project.get("version"), str) and "version" not in (dynamic or []):
        raise NotebookError(where, "not a package folder: pyproject.toml has no [project] version")


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - pip-tools brings tomli there
        import tomli as tomllib
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass
class _Session:
    """The steps of one verification, run in ``work`` before ``deadline``."""

    work: Path
    deadline: float
    report: Report = quiet
    env: dict[str, str] = field(default_factory=lambda: _clean_env())
    steps: list[_Step] = field(default_factory=list)

    def run(self, command: Sequence[str], env: dict[str, str] | None = None) -> bool:
        step = _run(command, cwd=self.work, env=env or self.env, deadline=self.deadline)
        self.steps.append(step)
        return step.returncode == 0


def _install_pip(session: _Session, python: str, venv: Path) -> bool:
    """A fresh venv by ``venv``, filled by pip (the calling Python's, else one put into it)."""
    vpython = _venv_python(venv)
    session.report("creating a fresh environment")
    if not session.run([python, "-m", "venv", "--without-pip", str(venv)]):
        return False
    installer = _installer(python, vpython, session.env)
    if installer is None:
        if not session.run([str(vpython), "-m", "ensurepip", "--default-pip"]):
            return False
        installer = [str(vpython), "-m", "pip"]
    pip = [*installer, "install", "--disable-pip-version-check", "--no-input", "-q"]
    pip += _find_links()
    return _install_with(session, pip, pip)


def _install_uv(session: _Session, uv: str, python: str, venv: Path) -> bool:
    """A fresh venv made and filled by uv, told what pip's configuration says (uv reads none
    of it)."""
    from concurrent.futures import ThreadPoolExecutor

    session.report("creating a fresh environment (uv)")
    with ThreadPoolExecutor(1) as pool:  # asking pip takes as long as making the venv
        config = pool.submit(read_pip_config, python, session.env)
        if not session.run([uv, "venv", "--quiet", "--python", python, str(venv)]):
            return False
        options = uv_install_options(config.result(), session.env)
    install = [uv, "pip", "install", "--quiet", "--python", str(_venv_python(venv))]
    install += [*options.args, *_find_links()]
    env = {**session.env, **options.env}
    return _install_with(session, install, [*install, *options.constraints], env)


def _install_with(
    session: _Session,
    locked: list[str],
    unlocked: list[str],
    env: dict[str, str] | None = None,
) -> bool:
    """The lock (``locked``, hashes required) if there is one, then the package and pytest."""
    if (session.work / LOCK_FILE).is_file():
        session.report("installing the locked dependencies (requirements.lock)")
        if not session.run([*locked, "--require-hashes", "-r", LOCK_FILE], env):
            return False
    session.report("installing the package and pytest")
    return session.run([*unlocked, str(session.work), "pytest"], env)


def _find_links() -> list[str]:
    find_links = os.environ.get(FIND_LINKS_ENV, "").strip()
    return ["--find-links", find_links] if find_links else []


def _run_tests(session: _Session, where: Place, junit: Path, origin: Origin) -> VerifyResult:
    session.report("running the tests")
    vpython = _venv_python(where.venv)
    test_env = {
        **session.env,
        "VIRTUAL_ENV": str(where.venv),
        "PATH": os.pathsep.join([str(vpython.parent), session.env.get("PATH", "")]),
    }
    if where.pycache is None:
        test_env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:  # bytecode kept apart, never in the package's copy
        test_env.pop("PYTHONDONTWRITEBYTECODE", None)
        test_env["PYTHONPYCACHEPREFIX"] = str(where.pycache)
    pytest = [str(vpython), "-m", "pytest", "--color=no", "-p", "no:cacheprovider", "-o"]
    pytest += ["junit_family=xunit1", f"--junitxml={junit}", "--continue-on-collection-errors"]
    passed = session.run(pytest, test_env)
    tests, problem = read_junit(junit, session.work)
    ok = passed and not problem and all(t.outcome in ("passed", "skipped") for t in tests)
    log = "\n\n".join(filter(None, [_log(session.steps), problem]))
    return VerifyResult(ok, tests, log, origin)


# -- running ------------------------------------------------------------------------------------


def _venv_python(venv: Path) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _installer(python: str, vpython: Path, env: dict[str, str]) -> list[str] | None:
    """The calling Python's pip aimed at the venv (``pip --python``, pip 22.3+), if it has one.

    That spares installing pip into every fresh venv, which takes longer than all the rest.
    """
    try:
        found = subprocess.run(
            [python, "-m", "pip", "--version"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.match(r"pip (\d+)\.(\d+)", found.stdout)
    if found.returncode or not match or (int(match[1]), int(match[2])) < (22, 3):
        return None
    return [python, "-m", "pip", "--python", str(vpython)]


def _run(command: Sequence[str], *, cwd: Path, env: dict[str, str], deadline: float) -> _Step:
    """Run ``command``, output captured; at the deadline kill it with all its children."""
    posix = os.name == "posix"
    try:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=posix,
        )
    except OSError as error:
        return _Step(tuple(command), 127, str(error))
    try:
        output, _ = process.communicate(timeout=max(deadline - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired:
        _kill(process, posix)
        output, _ = process.communicate()
        return _Step(tuple(command), None, output)
    except BaseException:
        _kill(process, posix)
        process.wait()
        raise
    return _Step(tuple(command), process.returncode, output)


def _kill(process: subprocess.Popen[str], posix: bool) -> None:
    if posix:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()


def _log(steps: list[_Step]) -> str:
    return "\n\n".join(step.section() for step in steps)


def _tail(output: str) -> list[str]:
    lines = output.rstrip().splitlines()
    if len(lines) <= LOG_TAIL_LINES:
        return lines
    return [f"[... {len(lines) - LOG_TAIL_LINES} lines left out ...]", *lines[-LOG_TAIL_LINES:]]
