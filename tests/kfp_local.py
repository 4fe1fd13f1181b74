"""Running a compiled Kubeflow Pipelines v2 pipeline (its IR YAML) on the local Docker engine.

No Kubeflow cluster is reachable here, so the tests run the compiled pipeline themselves: its
tasks in dependency order, each as the container its executor names (image, command, args),
with the compiler's placeholders replaced by paths in one host folder mounted at ``/kfp``, as a
KFP launcher would give them. kfp 2.17's own ``kfp.local.DockerRunner`` runs container
components, but takes outputs only from the executor output file that lightweight components
write, so a container component's artifact never reaches the next task: it cannot run these.

Each container runs as the image's non-root user, on a read-only root file system with scratch
space in its home and ``/tmp``, without a network: as the Job runs it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MOUNT = "/kfp"
_PLACEHOLDER = re.compile(
    r"\{\{\$\.(inputs|outputs)\.(artifacts|parameters)\['([^']+)'\](\.path)?\}\}"
)


@dataclass
class TaskRun:
    name: str
    argv: list[str]
    stdout: str
    stderr: str
    returncode: int


def task_order(dag: dict[str, Any]) -> list[str]:
    """The tasks in an order that respects ``dependentTasks`` (ties in the file's order)."""
    tasks = dag["tasks"]
    done: list[str] = []
    waiting = list(tasks)
    while waiting:
        ready = [t for t in waiting if set(tasks[t].get("dependentTasks", [])) <= set(done)]
        if not ready:
            raise ValueError(f"tasks wait on each other: {waiting}")
        done.append(ready[0])
        waiting.remove(ready[0])
    return done


def _values(
    task: dict[str, Any], component: dict[str, Any], parameters: dict[str, Any], name: str
) -> dict[str, str]:
    """The task's input parameters as the launcher renders them: from the pipeline's parameters
    or constants, integers without a fraction (the IR keeps every number as a double)."""
    types = {
        key: definition.get("parameterType")
        for key, definition in component.get("inputDefinitions", {}).get("parameters", {}).items()
    }
    found = {}
    for key, source in task.get("inputs", {}).get("parameters", {}).items():
        if "componentInputParameter" in source:
            value = parameters[source["componentInputParameter"]]
        elif "runtimeValue" in source:
            value = source["runtimeValue"]["constant"]
        else:
            raise ValueError(f"task {name}: input {key} comes from {source}, not run here")
        if types.get(key) == "NUMBER_INTEGER":
            value = int(value)
        found[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return found


@dataclass
class Task:
    """One task as the compiled pipeline specifies it, placeholders filled."""

    name: str
    image: str
    command: list[str]
    args: list[str]


def compiled_tasks(
    spec_file: Path, mount: str, parameters: dict[str, Any] | None = None
) -> list[Task]:
    """The compiled pipeline's tasks in a runnable order, artifacts under ``mount``."""
    spec = next(yaml.safe_load_all(spec_file.read_text(encoding="utf-8")))  # then platform
    root = spec["root"]
    given = {
        name: definition.get("defaultValue")
        for name, definition in root.get("inputDefinitions", {}).get("parameters", {}).items()
    } | (parameters or {})
    found = []
    for name in task_order(root["dag"]):
        task = root["dag"]["tasks"][name]
        component = spec["components"][task["componentRef"]["name"]]
        container = spec["deploymentSpec"]["executors"][component["executorLabel"]]["container"]
        paths = {
            ("inputs", key): f"{mount}/{source['taskOutputArtifact']['producerTask']}/"
            f"{source['taskOutputArtifact']['outputArtifactKey']}"
            for key, source in task.get("inputs", {}).get("artifacts", {}).items()
        } | {
            ("outputs", key): f"{mount}/{name}/{key}"
            for key in component.get("outputDefinitions", {}).get("artifacts", {})
        }
        values = _values(task, component, given, name)
        command = [_fill(part, paths, values, name) for part in container.get("command", [])]
        args = [_fill(part, paths, values, name) for part in container.get("args", [])]
        found.append(Task(name, container["image"], command, args))
    return found


def _fill(text: str, paths: dict[tuple[str, str], str], values: dict[str, str], task: str) -> str:
    def one(match: re.Match[str]) -> str:
        side, kind, key, path = match.groups()
        if kind == "artifacts" and path:
            return paths[(side, key)]
        if side == "inputs" and kind == "parameters":
            return values[key]
        raise ValueError(f"task {task}: placeholder {match.group()} not run here")

    return _PLACEHOLDER.sub(one, text)


def run_compiled(
    spec_file: Path,
    folder: Path,
    parameters: dict[str, Any] | None = None,
    package: Path | None = None,
) -> list[TaskRun]:
    """Run every task of the compiled pipeline; stops at the first that fails. With ``package``
    (a package folder), each task's command runs here instead, with this Python and the
    package's ``src`` on its path, in a fresh working folder of its own as in a container: the
    same commands and artifact paths, without the engine."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o777)  # the containers' user writes here
    runs = []
    for task in compiled_tasks(spec_file, str(folder) if package else MOUNT, parameters):
        command, environment, workdir = task.command, None, None
        if package:
            workdir = folder / "work" / task.name
            workdir.mkdir(parents=True)
            python = sys.executable if command[0] == "python" else command[0]
            argv = [python, *command[1:], *task.args]
            environment = {**os.environ, "PYTHONPATH": str(package / "src")}
        else:
            argv = [
                "docker", "run", "--rm", "--network", "none", "--read-only",
                "--tmpfs", "/tmp", "--tmpfs", "/home/app:uid=10001,gid=10001",
                "-v", f"{folder}:{MOUNT}", "--entrypoint", command[0],
                task.image, *command[1:], *task.args,
            ]  # fmt: skip
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env=environment,
            cwd=workdir,
        )
        runs.append(TaskRun(task.name, argv, done.stdout, done.stderr, done.returncode))
        if done.returncode != 0:
            break
    return runs
