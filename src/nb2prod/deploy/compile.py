"""Compiling ``deploy/pipeline.py`` with the Kubeflow Pipelines SDK into ``pipeline.yaml``.

The SDK is optional (``pip install 'nb2prod[deploy]'``). The generated source is compiled in a
child process, in a scratch folder, so nothing of the package is written before it succeeds;
no cluster is contacted."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from nb2prod.errors import NotebookError

SOURCE = "deploy/pipeline.py"
COMPILED = "deploy/pipeline.yaml"
#: The distributions compiling needs: the SDK and its Kubernetes platform settings.
NEEDED = ("kfp", "kfp-kubernetes")
_LIMIT = 300


def missing_sdk() -> list[str]:
    """The distributions of :data:`NEEDED` that are not installed here."""
    found = []
    for name in NEEDED:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            found.append(name)
    return found


def require_sdk(notebook: str) -> None:
    missing = missing_sdk()
    if missing:
        raise NotebookError(
            notebook,
            f"--deploy kfp compiles the pipeline with the Kubeflow Pipelines SDK, and "
            f"{' and '.join(missing)} is not installed: pip install 'nb2prod[deploy]'",
        )


def with_compiled_pipeline(
    files: Mapping[str, str | bytes], notebook: str
) -> dict[str, str | bytes]:
    """``files`` with ``deploy/pipeline.yaml`` compiled from ``deploy/pipeline.py`` (when there
    is one)."""
    source = files.get(SOURCE)
    if source is None:
        return dict(files)
    require_sdk(notebook)
    with tempfile.TemporaryDirectory(prefix="nb2prod-kfp-") as scratch:
        script = Path(scratch) / "pipeline.py"
        script.write_text(str(source), encoding="utf-8")
        try:
            done = subprocess.run(
                [sys.executable, "-I", str(script)],
                cwd=scratch,
                capture_output=True,
                text=True,
                timeout=_LIMIT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise NotebookError(notebook, f"compiling {SOURCE} took over {_LIMIT} s") from None
        compiled = Path(scratch) / "pipeline.yaml"
        if done.returncode != 0 or not compiled.is_file():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise NotebookError(notebook, f"compiling {SOURCE} failed: {last}")
        return {**files, COMPILED: compiled.read_text(encoding="utf-8")}
