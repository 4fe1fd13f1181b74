"""``python -m parameters_report``: run the pipeline with the notebook's parameters as options."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from parameters_report.pipeline import run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m parameters_report", description=__doc__)
    parser.add_argument('--region', dest='region', type=str, default='North')
    parser.add_argument('--min-units', dest='min_units', type=int, default=5)
    parser.add_argument('--fx-rate', dest='fx_rate', type=float, default=0.92)
    parser.add_argument('--show-top', dest='show_top', type=int, default=3)
    arguments = parser.parse_args(argv)
    run(**vars(arguments))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
