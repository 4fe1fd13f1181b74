"""What the environment check costs a generated package at start.

Converts ``examples/recorded_analysis.ipynb`` twice: as recorded (a CPU machine), and with its
record changed to say an H100 was used (SYNTHETIC: this machine has no GPU, so that run is
refused). Then times, in fresh processes and in the same run:

- ``python -c pass``: the interpreter alone;
- the check in process (``check()``, from the package's ``_environment`` module), reported by
  the child itself with ``perf_counter``;
- ``python -m PKG --strict-environment`` on the GPU record: start, check, refuse, exit;
- ``python -c "import pandas"``: what one import of the notebook's own costs, for scale.

The target is under 100 ms for the check. Run: ``python3 benchmarks/bench_guard.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "recorded_analysis.ipynb"
H100 = {
    "available": True, "driver_version": "550.54.15", "cuda_driver_version": "12.4",
    "devices": [{"index": 0, "name": "NVIDIA H100 80GB HBM3", "uuid": "GPU-synthetic",
                 "memory_total_bytes": 85520809984}],
}  # fmt: skip
IN_PROCESS = (
    "import time\nstart = time.perf_counter()\nfrom {package} import _environment\n"
    "_environment.check(stream=open('/dev/null', 'w'))\nprint(time.perf_counter() - start)"
)


def convert(notebook: Path, out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "nb2prod", "convert", str(notebook), "-o", str(out), "--no-lock"],
        check=True, capture_output=True,
    )  # fmt: skip


def gpu_copy(folder: Path) -> Path:
    notebook = json.loads(EXAMPLE.read_text())
    for environment in notebook["metadata"]["nb2prod"]["environments"].values():
        environment["gpu"] = H100
    path = folder / "recorded_analysis.ipynb"
    path.write_text(json.dumps(notebook))
    for data in (EXAMPLE.parent / "data").iterdir():
        (folder / "data").mkdir(exist_ok=True)
        (folder / "data" / data.name).write_bytes(data.read_bytes())
    return path


def wall(argv: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(package: str, env: dict[str, str], runs: int) -> float:
    code = IN_PROCESS.format(package=package)
    argv = [sys.executable, "-c", code]
    found = []
    for _ in range(runs):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
        found.append(float(done.stdout))
    return statistics.median(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        convert(EXAMPLE, folder / "cpu")
        (folder / "gpu-notebook").mkdir()
        convert(gpu_copy(folder / "gpu-notebook"), folder / "gpu")
        cpu_env = {**os.environ, "PYTHONPATH": str(folder / "cpu" / "src")}
        gpu_env = {**os.environ, "PYTHONPATH": str(folder / "gpu" / "src")}
        bare = wall([sys.executable, "-c", "pass"], cpu_env, runs)
        check_cpu = in_process("recorded_analysis", cpu_env, runs)
        check_gpu = in_process("recorded_analysis", gpu_env, runs)
        refuse = wall([sys.executable, "-m", "recorded_analysis", "--strict-environment"],
                      gpu_env, runs)  # fmt: skip
        pandas = wall([sys.executable, "-c", "import pandas"], cpu_env, runs)
    print(f"medians of {runs} runs")
    print(f"  python -c pass                              {bare * 1000:7.1f} ms")
    print(f"  check in process, CPU record                {check_cpu * 1000:7.1f} ms")
    print(f"  check in process, GPU record (refused)      {check_gpu * 1000:7.1f} ms")
    print(f"  python -m PKG --strict-environment, refused {refuse * 1000:7.1f} ms "
          f"({refuse / bare:.2f}x python -c pass)")  # fmt: skip
    print(f"  python -c 'import pandas', for scale        {pandas * 1000:7.1f} ms "
          f"(the check is {check_cpu / pandas:.3f}x of it)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
