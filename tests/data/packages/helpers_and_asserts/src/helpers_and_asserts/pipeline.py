"""The steps of helpers_and_asserts.ipynb, in notebook order."""

from __future__ import annotations

from typing import Any

from helpers_and_asserts.a_running_tally import a_running_tally
from helpers_and_asserts.text_statistics import text_statistics
from helpers_and_asserts.unit_conversions import unit_conversions


def run() -> dict[str, Any]:
    """Run the notebook's steps in order; returns what they produced, by name."""
    unit_conversions()
    text_statistics()
    readings_f, stats, f = a_running_tally()
    return {"readings_f": readings_f, "stats": stats, "f": f}
