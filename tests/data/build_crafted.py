"""Build tests/data/crafted/*.ipynb and expectations.json from tests/data/scenarios.py.

    python tests/data/build_crafted.py            # build every scenario, write expectations.json
    python tests/data/build_crafted.py --check    # ... then run each notebook fresh and confirm
                                                  # its declared `reproducible` is true to reality
    python tests/data/build_crafted.py NAME ...   # only these scenarios (names without .ipynb)

Every notebook is made by a real kernel (tests/factory.py); nothing is hand-written.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import nbformat  # noqa: E402
from scenarios import SCENARIOS, VALUES_CSV, Scenario, expectations  # noqa: E402

from factory import build  # noqa: E402
from reproduce import differences, has_error, run_fresh  # noqa: E402

OUT = HERE / "crafted"


def build_one(s: Scenario) -> str:
    created = [Path(p) for p in s.files]
    for p, text in s.files.items():
        Path(p).parent.mkdir(parents=True, exist_ok=True)
        Path(p).write_text(text)
    try:
        build(s.cells, s.steps, OUT / s.file_name)
    finally:
        for p in created:
            p.unlink(missing_ok=True)
            if p.parent.exists() and not any(p.parent.iterdir()):
                p.parent.rmdir()
    return s.file_name


def check_one(s: Scenario) -> str | None:
    path = OUT / s.file_name
    stored = nbformat.read(str(path), as_version=4)
    fresh = run_fresh(path)
    diffs = differences(stored, fresh)
    actual = not has_error(fresh) and not diffs
    if actual == s.reproducible:
        return None
    why = "; ".join(diffs) or ("fresh run has an error" if has_error(fresh) else "")
    return f"{s.file_name}: declared reproducible={s.reproducible}, reality={actual} ({why})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenario names to build (default: all)")
    parser.add_argument("--check", action="store_true", help="verify `reproducible` for real")
    parser.add_argument("--no-build", action="store_true", help="only --check")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if not args.names or s.name in args.names]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "data").mkdir(exist_ok=True)
    (OUT / "data" / "values.csv").write_text(VALUES_CSV)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        if not args.no_build:
            for name in pool.map(build_one, chosen):
                print("built", name)
            exp = json.dumps(expectations(), indent=2, sort_keys=True) + "\n"
            (OUT / "expectations.json").write_text(exp)
        if not args.check:
            return 0
        problems = [p for p in pool.map(check_one, chosen) if p]
    for p in problems:
        print("MISMATCH", p)
    print(f"checked {len(chosen)} notebooks, {len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
