"""The deployment files, run on the real Docker engine with the package's real image.

No Kubernetes or Kubeflow cluster is reachable here. The compiled Kubeflow pipeline is run task
by task as its IR specifies (image, command, args, artifact paths: ``kfp_local.py``), each task
in its own container; the Job's container is run as the Job runs it (its arguments, non-root, a
read-only root file system with scratch space in its home and ``/tmp``). Both must show what the
notebook showed.

Needs the engine and the base image ``local/python:3.11-bookworm`` (``.ci/run`` provides both);
the convert resolves its lock against the package index.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kfp_local import run_compiled
from nb2prod.cli import main
from test_container import LOCAL_BASE, _docker_ready

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "parameters_report.ipynb"


def shown(notebook: Path) -> list[str]:
    """What the notebook's cells showed (printed text and plain results), one text a cell."""
    found = []
    for cell in json.loads(notebook.read_text())["cells"]:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain") or ""
            text = "".join(text) if isinstance(text, list) else text
            if text.strip():
                found.append(text)
    return found


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    _docker_ready()
    package = tmp_path_factory.mktemp("deploy") / "pkg"
    tag = f"nb2prod-test/parameters-report-deploy:{os.getpid()}"
    assert main(["convert", str(EXAMPLE), "-o", str(package), "--deploy", "k8s,kfp",
                 "--image", tag]) == 0  # fmt: skip
    built = main(["build", str(package), "--tag", tag, "--offline", "--base-image", LOCAL_BASE])
    assert built == 0
    yield tag, package
    subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, check=False)


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_compiled_pipeline_runs_end_to_end_in_containers(
    image: tuple[str, Path], tmp_path: Path
) -> None:
    tag, package = image
    runs = run_compiled(package / "deploy/pipeline.yaml", tmp_path / "defaults")
    assert [r.name for r in runs] == ["load", "filter-step", "report", "totals"]
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    assert all(tag in r.argv for r in runs), "every task runs the package's image"
    printed = words("".join(r.stdout for r in runs))
    for text in shown(EXAMPLE):
        assert words(text) in printed, f"the pipeline did not show:\n{text}"
    handed = sorted(p.relative_to(tmp_path / "defaults").as_posix()
                    for p in (tmp_path / "defaults").rglob("out_*"))  # fmt: skip
    assert handed == ["filter-step/out_state", "load/out_state", "report/out_state",
                      "totals/out_state"]  # fmt: skip


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_pipeline_parameters_reach_the_tasks_as_the_whole_run_takes_them(
    image: tuple[str, Path], tmp_path: Path
) -> None:
    tag, package = image
    runs = run_compiled(package / "deploy/pipeline.yaml", tmp_path / "south", {"region": "South"})
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    whole = subprocess.run(
        ["docker", "run", "--rm", "--network", "none", tag, "--region", "South"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    assert "".join(r.stdout for r in runs) == whole.stdout
    assert "South: 3 of 20 orders with at least 5 units" in whole.stdout


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_the_jobs_container_runs_as_the_job_runs_it(image: tuple[str, Path]) -> None:
    tag, package = image
    job = yaml.safe_load((package / "deploy/job.yaml").read_text())
    pod = job["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == tag
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    user = pod["securityContext"]["runAsUser"]
    scratch = [m["mountPath"] for m in container["volumeMounts"]]
    argv = ["docker", "run", "--rm", "--network", "none", "--read-only", "--user", str(user),
            "--cap-drop", "ALL", "--security-opt", "no-new-privileges"]  # fmt: skip
    for path in scratch:
        argv += ["--tmpfs", f"{path}:uid={user},gid={user}"]
    done = subprocess.run([*argv, tag, *container["args"]], capture_output=True, text=True,
                          check=False, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    for text in shown(EXAMPLE):
        assert words(text) in words(done.stdout), f"the Job did not show:\n{text}"
