"""``python -m recorded_analysis``: run the pipeline."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from recorded_analysis.pipeline import run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recorded_analysis", description=__doc__)
    arguments = parser.parse_args(argv)
    run(**vars(arguments))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
