"""Small helpers for the field reports: lifted from helpers_and_asserts.ipynb.

Notebook cell 2; id 63fc24041c0c.
"""

import math
import re
from collections import Counter


def small_helpers_for_the_field_reports():
    """Small helpers for the field reports (notebook cell 2; id 63fc24041c0c)."""
    # cell 2 (63fc24041c0c): definitions only
    pass
