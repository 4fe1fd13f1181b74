"""Does a converted notebook run as a Kubeflow pipeline the way it runs whole? Measured on the real
notebooks that ``benchmarks/fidelity.py`` ran, converted and verified.

For each verified notebook: ``nb2prod convert --deploy kfp`` on its fresh run, then

- ``python -m PKG`` (the whole run), and
- the compiled ``deploy/pipeline.yaml``, task by task as it specifies (``tests/kfp_local.py``),
  each task in a fresh working folder of its own, as each would be in its own container,

both with this machine's Python and the package's ``src`` on the path. A notebook counts when
every task exits 0 and the tasks together print what the whole run printed. Notebooks whose
whole run prints differently each time (unseeded draws, times) are told apart by running whole
twice.

Run: ``python3 benchmarks/stage_fidelity.py /tmp/fidB/measure.json [--limit N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from kfp_local import run_compiled  # noqa: E402

LIMIT = 600


def whole(package: Path, name: str, folder: Path) -> subprocess.CompletedProcess[str]:
    folder.mkdir(parents=True)
    return subprocess.run(
        [sys.executable, "-m", name],
        capture_output=True, text=True, check=False, timeout=LIMIT, cwd=folder,
        env={**os.environ, "PYTHONPATH": str(package / "src"), "MPLBACKEND": "Agg"},
    )  # fmt: skip


def measure(notebook: Path, scratch: Path) -> tuple[str, str]:
    """(outcome, detail) for one notebook."""
    package = scratch / "pkg"
    done = subprocess.run(
        [sys.executable, "-m", "nb2prod", "convert", str(notebook), "-o", str(package),
         "--no-lock", "--deploy", "kfp", "--allow-hidden-state"],
        capture_output=True, text=True, check=False, timeout=LIMIT,
    )  # fmt: skip
    if done.returncode != 0:
        return "convert failed", done.stderr.strip().splitlines()[-1:][0] if done.stderr else ""
    stages = json.loads(next((package / "src").glob("*/stages.json")).read_text())
    name = stages["package"]
    if not stages["steps"]:
        readme = (package / "README.md").read_text(encoding="utf-8")
        why = readme.partition("runs as one task: ")[2].partition("\n")[0]
        return ("nothing to run" if "no step that runs code" in why else "one task"), why
    first = whole(package, name, scratch / "whole1")
    if first.returncode != 0:
        return "whole run failed", (first.stderr.strip().splitlines() or [""])[-1]
    os.environ["MPLBACKEND"] = "Agg"
    runs = run_compiled(package / "deploy/pipeline.yaml", scratch / "tasks", package=package)
    failed = [r for r in runs if r.returncode != 0]
    if failed:
        return (
            "task failed",
            f"{failed[0].name}: {(failed[0].stderr.strip().splitlines() or [''])[-1]}",
        )
    staged = "".join(r.stdout for r in runs)
    if staged == first.stdout:
        return "same", f"{len(runs)} tasks"
    second = whole(package, name, scratch / "whole2")
    if second.stdout != first.stdout:
        return "varies run to run", f"{len(runs)} tasks"
    return "differs", f"{len(runs)} tasks"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("measure", type=Path, help="the --json of benchmarks/fidelity.py")
    parser.add_argument("--limit", type=int, default=0, help="at most this many notebooks")
    args = parser.parse_args()
    records = json.loads(args.measure.read_text())["records"]
    verified = [r for r in records if r.get("verify", {}).get("status") == "passed"]
    if args.limit:
        verified = verified[: args.limit]
    outcomes: Counter[str] = Counter()
    for record in verified:
        folder = Path(record["run"]["folder"]) / "w"
        notebook = folder / Path(record["notebook"]).name
        with tempfile.TemporaryDirectory(prefix="nb2prod-stages-") as scratch:
            try:
                outcome, detail = measure(notebook, Path(scratch))
            except subprocess.TimeoutExpired:
                outcome, detail = "timed out", ""
        outcomes[outcome] += 1
        print(f"{outcome:<20} {detail[:90]:<90} {record['notebook']}", flush=True)
    total = len(verified)
    fine = outcomes["same"] + outcomes["varies run to run"]
    fine += outcomes["one task"] + outcomes["nothing to run"]
    print(
        f"\n{total} verified notebooks: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common())
    )
    print(f"ran as a pipeline as they run whole: {fine}/{total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
