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
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from nb2prod.errors import NotebookError

Outcome = Literal["passed", "failed", "error", "skipped"]

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


_JUNIT_OUTCOMES: tuple[tuple[str, Outcome], ...] = (
    ("error", "error"),
    ("failure", "failed"),
    ("skipped", "skipped"),
)
_RANK: dict[Outcome, int] = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}


@dataclass(frozen=True)
class TestResult:
    """One test as pytest reported it: ``name`` is its node id (``tests/test_x.py::test_y``)."""

    __test__ = False  # not a test class, though its name says so

    name: str
    outcome: Outcome
    message: str


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` when the package installed and all its tests passed (skips allowed)."""

    ok: bool
    tests: tuple[TestResult, ...]
    log: str

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
    package: Path, *, python: str = sys.executable, timeout: float = 900
) -> VerifyResult:
    """Install ``package`` with its dependencies into a fresh venv and run its tests there.

    ``python`` makes the virtual environment; ``timeout`` (seconds) bounds the whole run. An
    optional ``requirements.lock`` in the package is installed first with ``--require-hashes``;
    the environment variable ``NB2PROD_VERIFY_FIND_LINKS`` may name a local folder of wheels.
    Raises :class:`NotebookError` when ``package`` is not a package folder.
    """
    if not package.is_dir():
        raise NotebookError(str(package), "not a package folder: no such folder")
    if not (package / "pyproject.toml").is_file():
        raise NotebookError(str(package), "not a package folder: no pyproject.toml")
    package = Path(os.path.abspath(package))
    with tempfile.TemporaryDirectory(prefix="nb2prod-verify-") as temp:
        root = Path(temp)
        work = root / "work" / package.name
        shutil.copytree(package, work, ignore=_NOT_COPIED, ignore_dangling_symlinks=True)
        session = _Session(work, time.monotonic() + timeout)
        venv = root / "venv"
        if not _install(session, python, venv, work):
            return VerifyResult(False, (), _log(session.steps))
        return _run_tests(session, venv, root / "junit.xml")


@dataclass
class _Session:
    """The steps of one verification, run in ``work`` before ``deadline``."""

    work: Path
    deadline: float
    env: dict[str, str] = field(default_factory=lambda: _clean_env())
    steps: list[_Step] = field(default_factory=list)

    def run(self, command: Sequence[str], env: dict[str, str] | None = None) -> bool:
        step = _run(command, cwd=self.work, env=env or self.env, deadline=self.deadline)
        self.steps.append(step)
        return step.returncode == 0


def _install(session: _Session, python: str, venv: Path, work: Path) -> bool:
    """A fresh venv with the locked dependencies, the package and pytest."""
    vpython = _venv_python(venv)
    if not session.run([python, "-m", "venv", "--without-pip", str(venv)]):
        return False
    installer = _installer(python, vpython, session.env)
    if installer is None:
        if not session.run([str(vpython), "-m", "ensurepip", "--default-pip"]):
            return False
        installer = [str(vpython), "-m", "pip"]
    pip = [*installer, "install", "--disable-pip-version-check", "--no-input", "-q"]
    find_links = os.environ.get(FIND_LINKS_ENV, "").strip()
    if find_links:
        pip += ["--find-links", find_links]
    if (work / LOCK_FILE).is_file() and not session.run(
        [*pip, "--require-hashes", "-r", LOCK_FILE]
    ):
        return False
    return session.run([*pip, str(work), "pytest"])


def _run_tests(session: _Session, venv: Path, junit: Path) -> VerifyResult:
    vpython = _venv_python(venv)
    test_env = {
        **session.env,
        "PYTHONDONTWRITEBYTECODE": "1",
        "VIRTUAL_ENV": str(venv),
        "PATH": os.pathsep.join([str(vpython.parent), session.env.get("PATH", "")]),
    }
    pytest = [str(vpython), "-m", "pytest", "-p", "no:cacheprovider", "-o"]
    pytest += ["junit_family=xunit1", f"--junitxml={junit}", "--continue-on-collection-errors"]
    passed = session.run(pytest, test_env)
    tests, problem = _read_junit(junit, session.work)
    ok = passed and not problem and all(t.outcome in ("passed", "skipped") for t in tests)
    return VerifyResult(ok, tests, "\n\n".join(filter(None, [_log(session.steps), problem])))


def render_test(test: TestResult) -> str:
    """``PASS name``, ``FAIL name — message`` or ``SKIP name — reason``: one line."""
    label = {"passed": "PASS", "failed": "FAIL", "error": "FAIL", "skipped": "SKIP"}[test.outcome]
    message = _first_line(test.message)
    return f"{label} {test.name} — {message}" if message else f"{label} {test.name}"


def render_summary(result: VerifyResult) -> str:
    return f"{result.passed} passed, {result.failed} failed"


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


# -- reading pytest's JUnit XML -------------------------------------------------------------------


def _read_junit(path: Path, root: Path) -> tuple[tuple[TestResult, ...], str]:
    """The tests in pytest's report, in its order; or a problem, when there is no report."""
    if not path.is_file():
        return (), "pytest wrote no JUnit report"
    try:
        tree = ET.parse(path)
    except ET.ParseError as error:
        return (), f"pytest's JUnit report is not XML: {error}"
    results: dict[str, TestResult] = {}
    for case in tree.getroot().iter("testcase"):
        result = _test_result(case, root)
        known = results.get(result.name)
        # A test reported twice (an error in teardown after it ran) keeps the worse outcome.
        if known is None or _RANK[result.outcome] > _RANK[known.outcome]:
            results[result.name] = result
    return tuple(results.values()), ""


def _test_result(case: ET.Element, root: Path) -> TestResult:
    name = _node_id(case.get("classname", ""), case.get("name", ""), case.get("file"), root)
    for tag, outcome in _JUNIT_OUTCOMES:
        found = case.find(tag)
        if found is not None:
            return TestResult(name, outcome, _message(found))
    return TestResult(name, "passed", "")


def _node_id(classname: str, name: str, file: str | None, root: Path) -> str:
    """``tests/test_x.py::TestK::test_y`` from JUnit's classname ``tests.test_x.TestK``."""
    if not classname:  # a module that failed to import: its dotted name is the test's name
        return file or _module_file(name.split("."), root)[0] or name
    parts = classname.split(".")
    if file:
        module = file.removesuffix(".py").replace("/", ".").split(".")
        if parts[: len(module)] == module:
            return "::".join([file, *parts[len(module) :], name])
        return f"{file}::{name}"
    found, used = _module_file(parts, root)
    if found:
        return "::".join([found, *parts[used:], name])
    return "::".join([*parts, name])


def _module_file(parts: list[str], root: Path) -> tuple[str, int]:
    for used in range(len(parts), 0, -1):
        candidate = "/".join(parts[:used]) + ".py"
        if (root / candidate).is_file():
            return candidate, used
    return "", 0


def _message(element: ET.Element) -> str:
    message = element.get("message", "")
    if message in ("", "collection failure"):
        # pytest's own line says little: the last "E   ..." line of the report says what failed.
        detail = [ln[1:].strip() for ln in (element.text or "").splitlines() if ln.startswith("E ")]
        if detail:
            message = f"{message}: {detail[-1]}" if message else detail[-1]
    if not message and element.get("type") == "pytest.xfail":
        message = "expected to fail"
    return message


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
