"""Load and inspect: lifted from cleaning_pandas.ipynb.

Notebook cells 4, 5, 6; ids 488584dac400, caebd706ecc2, 75617be3f149.
"""

import pandas as pd

from cleaning_pandas._support import show_result


def load_and_inspect(RAW_PATH):
    """Load and inspect.

    From notebook cells 4, 5, 6; ids 488584dac400, caebd706ecc2, 75617be3f149.
    """
    # cell 4 (488584dac400)
    raw = pd.read_csv(RAW_PATH)
    print(raw.shape)
    show_result(raw.head())
    # cell 5 (caebd706ecc2)
    show_result(raw.dtypes)
    # cell 6 (75617be3f149)
    # how many gaps per column?
    show_result(raw.isna().sum())
    return raw
