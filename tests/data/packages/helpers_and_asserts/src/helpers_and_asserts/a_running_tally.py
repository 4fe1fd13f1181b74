"""A running tally: lifted from helpers_and_asserts.ipynb.

Notebook cells 15, 16, 17; ids 5519ca024e90, f1755d7147fc, e62b80511480.
"""

import math

from helpers_and_asserts._support import show_result
from helpers_and_asserts.unit_conversions import fahrenheit_to_celsius


class RunningStats:
    """Count, mean, min and max of the values added so far."""

    def __init__(self):
        self.count = 0
        self.total = 0.0
        self.low = math.inf
        self.high = -math.inf

    def add(self, value):
        self.count += 1
        self.total += value
        self.low = min(self.low, value)
        self.high = max(self.high, value)
        return self

    @property
    def mean(self):
        return self.total / self.count if self.count else math.nan

    def __repr__(self):
        return (
            f"RunningStats(count={self.count}, mean={self.mean:.2f}, "
            f"low={self.low}, high={self.high})"
        )


def a_running_tally():
    """A running tally.

    From notebook cells 15, 16, 17; ids 5519ca024e90, f1755d7147fc, e62b80511480.
    """
    # cell 15 (5519ca024e90): definitions only
    # cell 16 (f1755d7147fc)
    readings_f = [68.0, 71.6, 75.2, 64.4]
    stats = RunningStats()
    for f in readings_f:
        stats.add(round(fahrenheit_to_celsius(f), 1))
    show_result(stats)
    # cell 17 (e62b80511480)
    assert stats.count == 4
    assert math.isclose(stats.mean, 21.0)
    assert (stats.low, stats.high) == (18.0, 24.0)
    assert math.isnan(RunningStats().mean)
    print("RunningStats ok")
    return readings_f, stats, f
