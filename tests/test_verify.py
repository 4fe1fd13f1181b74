"""`nb2prod verify`: a package installed into a fresh venv, its tests run there, results read back.

The slow tests each make a real virtual environment and install a tiny package (no third-party
dependencies) and pytest into it; keep their number small.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nb2prod.verify import TestResult, VerifyResult, verify_package
from nb2prod.verify_report import render_summary, render_test
from nb2prod.verify_junit import read_junit as _read_junit

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


@pytest.mark.slow
def test_a_lock_that_does_not_match_fails_the_install_with_pip_telling_why(
    tmp_path: Path,
) -> None:
    package = make_package(tmp_path / "tinypkg", expected=6)
    lock(package, "0" * 64)
    result = verify_package(package)
    assert result == VerifyResult(False, (), result.log)
    assert "--require-hashes -r requirements.lock" in result.log
    assert "DO NOT MATCH THE HASHES" in result.log
    assert result.log.endswith("exit status 1")


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
