"""``python -m sklearn_model``: run the pipeline."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sklearn_model._environment import EXIT_MISMATCH, check


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sklearn_model", description=__doc__)
    parser.add_argument(
        "--strict-environment",
        action="store_true",
        help="refuse to run where the machine differs from the recorded one in a way that "
        "matters (no GPU where the notebook used one, another CUDA major version)",
    )
    arguments = vars(parser.parse_args(argv))
    if not check(strict=arguments.pop("strict_environment")):  # before any import of the steps
        return EXIT_MISMATCH
    from sklearn_model.pipeline import run

    run(**arguments)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
