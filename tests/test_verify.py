"""`nb2prod verify`: a package installed into a fresh venv, its tests run there, results read back.

The slow tests each make a real virtual environment and install a tiny package (no third-party
dependencies) and pytest into it; keep their number small.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.verify import TestResult, VerifyResult, verify_package
from nb2prod.verify_junit import read_junit as _read_junit
from nb2prod.verify_report import render_summary, render_test
from terminal import nb2prod_on_terminal
from test_lock import make_wheel

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "tinypkg"
version = "0.1.0"
requires-python = ">=3.8"

[tool.setuptools.packages.find]
where = ["src"]
"""
TESTS = """\
from tinypkg import double


def test_double():
    assert double(2) == 4


def test_triple():
    assert double(3) == {expected}, "three twice"
"""


def make_package(folder: Path, expected: int) -> Path:
    (folder / "src" / "tinypkg").mkdir(parents=True)
    (folder / "tests").mkdir()
    (folder / "pyproject.toml").write_text(PYPROJECT)
    (folder / "src" / "tinypkg" / "__init__.py").write_text("def double(x):\n    return 2 * x\n")
    (folder / "tests" / "test_tinypkg.py").write_text(TESTS.format(expected=expected))
    return folder


def lock(package: Path, sha256: str) -> None:
    """A requirements.lock pinning pytest's own dependency iniconfig (its wheel's real hash)."""
    (package / "requirements.lock").write_text(f"iniconfig==2.1.0 \\\n    --hash=sha256:{sha256}\n")


INICONFIG_SHA256 = "9deba5723312380e77435581c6bf4935c94cbfab9b1ed33ef8d238ea168eb760"


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def nb2prod(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nb2prod", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=os.environ.copy(),
    )


@pytest.mark.slow
def test_a_failing_test_makes_it_fail_and_is_named(tmp_path: Path) -> None:
    package = make_package(tmp_path / "tinypkg", expected=9)
    before = files_in(package)
    result = verify_package(package)
    assert not result.ok
    assert [(t.name, t.outcome) for t in result.tests] == [
        ("tests/test_tinypkg.py::test_double", "passed"),
        ("tests/test_tinypkg.py::test_triple", "failed"),
    ]
    assert result.tests[1].message.startswith("AssertionError: three twice")
    assert "1 failed, 1 passed" in result.log
    assert files_in(package) == before, "verify wrote into the package folder"


@pytest.mark.slow
def test_all_passing_with_a_good_lock_is_ok_and_the_cli_says_so(tmp_path: Path) -> None:
    package = make_package(tmp_path / "tinypkg", expected=6)
    lock(package, INICONFIG_SHA256)
    result = nb2prod("verify", str(package))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "PASS tests/test_tinypkg.py::test_double",
        "PASS tests/test_tinypkg.py::test_triple",
        "2 passed, 0 failed",
    ]
    assert result.stderr == "", "not a terminal: no progress"


def without_uv() -> str:
    """PATH without the folders that hold a ``uv``: verify falls back to venv and pip."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if f and not shutil.which("uv", path=f))


@pytest.fixture(params=["uv", "pip"])
def installer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which installer verify uses: uv (on PATH here) or, with uv hidden from PATH, pip."""
    if request.param == "uv":
        assert shutil.which("uv"), "uv is not on PATH"
    else:
        monkeypatch.setenv("PATH", without_uv())
        assert not shutil.which("uv")
    return str(request.param)


#: The first command of a verification with each installer, and what it says of a bad hash.
MAKES_THE_VENV = {"uv": "uv venv --quiet --python", "pip": "-m venv --without-pip"}
BAD_HASH = {"uv": "Hash mismatch for `iniconfig==2.1.0`", "pip": "DO NOT MATCH THE HASHES"}


@pytest.mark.slow
def test_a_lock_that_does_not_match_fails_the_install_with_the_installer_telling_why(
    tmp_path: Path, installer: str
) -> None:
    package = make_package(tmp_path / "tinypkg", expected=6)
    lock(package, "0" * 64)
    result = verify_package(package)
    assert result == VerifyResult(False, (), result.log)
    assert MAKES_THE_VENV[installer] in result.log.splitlines()[0]
    assert "--require-hashes -r requirements.lock" in result.log
    assert BAD_HASH[installer] in result.log
    assert result.log.endswith("exit status 1")


@pytest.mark.slow
def test_the_install_looks_where_pip_is_configured_to_look(
    tmp_path: Path, installer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dependency found only in a folder of wheels that pip's configuration names (uv reads
    no pip configuration: verify passes it on)."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    make_wheel(wheels, "nb2prod_probe", "1.0")
    config = tmp_path / "pip.conf"
    config.write_text(f"[install]\nfind-links = {wheels}\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)  # the variable would win over the file
    monkeypatch.setenv("NB2PROD_CACHE_DIR", str(tmp_path / "cache"))
    package = make_package(tmp_path / "tinypkg", expected=6)
    pyproject = package / "pyproject.toml"
    needs = 'dependencies = ["nb2prod-probe==1.0"]'
    pyproject.write_text(pyproject.read_text().replace('requires-python = ">=3.8"', needs))
    (package / "tests" / "test_probe.py").write_text(
        "import nb2prod_probe\n\n\ndef test_probe():\n    assert nb2prod_probe.VERSION == '1.0'\n"
    )
    result = verify_package(package)
    assert result.ok, result.log
    assert MAKES_THE_VENV[installer] in result.log.splitlines()[0]
    outcomes = [(t.name, t.outcome) for t in result.tests]
    assert ("tests/test_probe.py::test_probe", "passed") in outcomes
    kept = {p.name for p in (tmp_path / "cache").rglob("*.pyc")}
    if installer == "uv":  # the installed modules' bytecode is kept, the run's own copy's not
        assert {"__init__.cpython-311.pyc", "main.cpython-311.pyc"} <= kept  # _pytest/main.py
        assert not [name for name in kept if name.startswith(("test_probe", "test_tinypkg"))]
        assert not (tmp_path / "cache" / "verify" / "venv-0").exists()
    else:
        assert not kept


SHOWN_TEST = """\
import difflib


def test_cell_4_output():
    expected, printed = "4\\ndone\\n", "5\\ndone\\n"
    diff = difflib.unified_diff(
        expected.splitlines(True), printed.splitlines(True), "expected (cell 4)", "printed"
    )
    raise AssertionError("cell 4 printed other text:\\n" + "".join(diff))
"""
PROVENANCE = """\
{"nb2prod": "0.1.0", "notebook": "tiny.ipynb",
 "cells": {"0a1b2c3d4e5f": {"cell": 4, "function": "tinypkg.double",
                            "tests": ["test_cell_4_output"]}}}
"""


@pytest.mark.slow
def test_a_failing_output_test_names_its_cell_with_the_diff_and_progress_on_a_terminal(
    tmp_path: Path,
) -> None:
    package = make_package(tmp_path / "tinypkg", expected=6)
    (package / "tests" / "test_shown.py").write_text(SHOWN_TEST)
    (package / "nb2prod.json").write_text(PROVENANCE)
    result = nb2prod_on_terminal("verify", str(package))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "FAIL tests/test_shown.py::test_cell_4_output (cell 4) — AssertionError: cell 4 printed "
        "other text",
        "    --- expected (cell 4)",
        "    +++ printed",
        "    @@ -1,2 +1,2 @@",
        "    -4",
        "    +5",
        "     done",
        "PASS tests/test_tinypkg.py::test_double",
        "PASS tests/test_tinypkg.py::test_triple",
        f"{package}: the package was built without a record of the versions the notebook ran "
        "with, so newer libraries may print differently; record them with `nb2prod run "
        "tiny.ipynb` and convert again.",
        "2 passed, 1 failed",
    ]
    phases = [p.strip() for p in result.terminal.split("\r") if p.strip()]
    assert phases == [
        "creating a fresh environment (uv)",
        "installing the package and pytest",
        "running the tests",
    ]


GOLDEN = Path(__file__).resolve().parent / "data" / "packages" / "helpers_and_asserts"


@pytest.mark.slow
def test_a_generated_package_whose_output_differs_names_the_cell_and_the_missing_record(
    tmp_path: Path,
) -> None:
    """The golden package of examples/helpers_and_asserts.ipynb (made without records), with
    what cell 5 showed changed: its test fails, named with its cell, and the hint follows."""
    package = tmp_path / "helpers_and_asserts"
    shutil.copytree(GOLDEN, package)
    tests = package / "tests" / "test_notebook.py"
    head, test = tests.read_text().split("def test_cell_5_output", 1)
    assert "212.0" in test.split("\ndef ", 1)[0]
    tests.write_text(head + "def test_cell_5_output" + test.replace("212.0", "213.0", 1))
    result = nb2prod("verify", str(package))
    assert result.returncode == 1, result.stdout + result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1
    assert failed[0].startswith("FAIL tests/test_notebook.py::test_cell_5_output (cell 5)")
    assert result.stdout.splitlines()[-2] == (
        f"{package}: the package was built without a record of the versions the notebook ran "
        "with, so newer libraries may print differently; record them with `nb2prod run "
        "helpers_and_asserts.ipynb` and convert again."
    )
    assert result.stderr == ""


def test_a_folder_without_pyproject_is_refused_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    result = nb2prod("verify", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"{tmp_path}: not a package folder: no pyproject.toml"]


JUNIT = """\
<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="2" failures="2" tests="7">
<testcase classname="" name="tests.test_b" file="tests/test_b.py" time="0.000">
<error message="collection failure">ImportError while importing test module
E   ModuleNotFoundError: No module named 'nosuchmod'</error></testcase>
<testcase classname="tests.test_a" name="test_ok" file="tests/test_a.py" line="1" time="0.001"/>
<testcase classname="tests.test_a.TestK" name="test_p[2]" file="tests/test_a.py" line="4">
<failure message="assert 2 == 1">E   assert 2 == 1</failure></testcase>
<testcase classname="tests.test_a" name="test_skip" file="tests/test_a.py" line="6">
<skipped type="pytest.skip" message="nope">tests/test_a.py:7: nope</skipped></testcase>
<testcase classname="tests.test_a" name="test_xf" file="tests/test_a.py" line="8">
<skipped type="pytest.xfail" message=""/></testcase>
<testcase classname="tests.test_a" name="test_err" file="tests/test_a.py" line="12">
<error message="failed on setup with &quot;RuntimeError: broke&quot;">E   broke</error></testcase>
<testcase classname="tests.sub.test_c.TestK" name="test_q" time="0.001"/>
<testcase classname="tests.sub.test_c.TestK" name="test_q" time="0.001">
<error message="failed on teardown with &quot;OSError&quot;">E   OSError</error></testcase>
</testsuite></testsuites>
"""


def test_junit_reports_become_node_ids_and_outcomes(tmp_path: Path) -> None:
    (tmp_path / "tests" / "sub").mkdir(parents=True)
    (tmp_path / "tests" / "sub" / "test_c.py").write_text("")
    (tmp_path / "junit.xml").write_text(JUNIT)
    tests, problem = _read_junit(tmp_path / "junit.xml", tmp_path)
    assert problem == ""
    assert [render_test(t) for t in tests] == [
        "FAIL tests/test_b.py — collection failure: ModuleNotFoundError: No module named "
        "'nosuchmod'",
        "PASS tests/test_a.py::test_ok",
        "FAIL tests/test_a.py::TestK::test_p[2] — assert 2 == 1",
        "SKIP tests/test_a.py::test_skip — nope",
        "SKIP tests/test_a.py::test_xf — expected to fail",
        'FAIL tests/test_a.py::test_err — failed on setup with "RuntimeError: broke"',
        'FAIL tests/sub/test_c.py::TestK::test_q — failed on teardown with "OSError"',
    ]
    assert tests[0] == TestResult(
        "tests/test_b.py",
        "error",
        "collection failure: ModuleNotFoundError: No module named 'nosuchmod'",
    )
    assert _read_junit(tmp_path / "missing.xml", tmp_path) == ((), "pytest wrote no JUnit report")


def test_the_summary_never_reads_like_success_when_the_tests_could_not_run() -> None:
    """A package that fails at import (in its conftest) gives pytest no JUnit report: no test
    passed or failed, and the summary says the tests could not run."""
    could_not_run = VerifyResult(False, (), "ImportError: cannot import name 'x'")
    assert render_summary(could_not_run) == (
        "0 passed, 0 failed: the tests could not run (the log above says why)"
    )
    passed = VerifyResult(True, (TestResult("tests/test_a.py::test_ok", "passed", ""),), "")
    assert render_summary(passed) == "1 passed, 0 failed"
