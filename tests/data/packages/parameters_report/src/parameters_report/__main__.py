"""``python -m parameters_report``: run the pipeline with the notebook's parameters as options."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from parameters_report._environment import EXIT_MISMATCH, check


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m parameters_report", description=__doc__)
    parser.add_argument('--region', dest='region', type=str, default='North')
    parser.add_argument('--min-units', dest='min_units', type=int, default=5)
    parser.add_argument('--fx-rate', dest='fx_rate', type=float, default=0.92)
    parser.add_argument('--show-top', dest='show_top', type=int, default=3)
    parser.add_argument(
        "--strict-environment",
        action="store_true",
        help="refuse to run where the machine differs from the recorded one in a way that "
        "matters (no GPU where the notebook used one, another CUDA major version)",
    )
    arguments = vars(parser.parse_args(argv))
    if not check(strict=arguments.pop("strict_environment")):  # before any import of the steps
        return EXIT_MISMATCH
    from parameters_report.pipeline import run

    run(**arguments)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
