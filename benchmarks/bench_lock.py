"""How fast is locking? pip-compile (pip-tools) against uv on the same ``requirements.in``.

Run: ``python3 benchmarks/bench_lock.py`` (after ``pip install -e '.[test]'``; needs the package
index). Locks numpy, pandas, scikit-learn and matplotlib pinned to the versions installed here,
with hashes, best of 3 for each resolver (their caches warm after the first run), and prints both
times, the ratio, and whether both resolvers gave the same pins. Makes no assertions.
"""

from __future__ import annotations

import time

from nb2prod.deps import Requirement, compile_lock, pin_versions, render_requirements_in
from nb2prod.deps.lock import Resolver, pins, uv_command

DISTRIBUTIONS = ["numpy", "pandas", "scikit-learn", "matplotlib"]
RUNS = 3


def best(resolver: Resolver, text: str, requirements: list[Requirement]) -> tuple[float, str]:
    times: list[float] = []
    lock = ""
    for _ in range(RUNS):
        start = time.perf_counter()
        lock = compile_lock(text, requirements, where="bench", resolver=resolver)
        times.append(time.perf_counter() - start)
    return min(times), lock


def main() -> None:
    requirements = pin_versions(DISTRIBUTIONS)
    text = render_requirements_in(requirements, "bench")
    print("requirements.in:", ", ".join(r.line for r in requirements))
    pip_tools, pip_tools_lock = best("pip-tools", text, requirements)
    print(f"pip-compile: {pip_tools:7.2f} s  ({len(pins(pip_tools_lock))} pins), best of {RUNS}")
    if uv_command() is None:
        print("uv: not installed (pip install uv)")
        return
    uv, uv_lock = best("uv", text, requirements)
    print(f"uv:          {uv:7.2f} s  ({len(pins(uv_lock))} pins), best of {RUNS}")
    print(f"ratio:       {pip_tools / uv:7.1f}x faster with uv")
    same = pins(pip_tools_lock) == pins(uv_lock)
    print(f"same pins:   {'yes' if same else 'no'}")


if __name__ == "__main__":
    main()
