"""Unit conversions: lifted from helpers_and_asserts.ipynb.

Notebook cells 4, 5, 6, 7, 8; ids 1e05a2622dd0, 1567bd9ea690, 90ba1aee6811, 5dc8ad1d8454,
b75497de0124.
"""

import math

from helpers_and_asserts._support import show_result

KM_PER_MILE = 1.609344


def celsius_to_fahrenheit(celsius):
    return celsius * 9 / 5 + 32


def fahrenheit_to_celsius(fahrenheit):
    return (fahrenheit - 32) * 5 / 9


def km_to_miles(km, digits=2):
    return round(km / KM_PER_MILE, digits)


def unit_conversions():
    """Unit conversions.

    From notebook cells 4, 5, 6, 7, 8; ids 1e05a2622dd0, 1567bd9ea690, 90ba1aee6811,
    5dc8ad1d8454, b75497de0124.
    """
    # cell 4 (1e05a2622dd0): definitions only
    # cell 5 (1567bd9ea690)
    show_result(celsius_to_fahrenheit(100))
    # cell 6 (90ba1aee6811)
    show_result(fahrenheit_to_celsius(98.6))
    # cell 7 (5dc8ad1d8454)
    show_result(km_to_miles(42.195))  # a marathon
    # cell 8 (b75497de0124)
    # the conversions must round-trip
    for c in [-40, 0, 37, 100]:
        assert math.isclose(fahrenheit_to_celsius(celsius_to_fahrenheit(c)), c)
    assert celsius_to_fahrenheit(-40) == -40
    assert km_to_miles(1.609344) == 1.0
    print("conversions ok")
