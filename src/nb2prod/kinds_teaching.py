"""What each finding kind teaches: why it matters, a minimal bad and good notebook, how to fix.

Read by ``nb2prod explain KIND`` and the class report. The examples are notebooks in miniature
(:mod:`nb2prod.kinds_examples`); where the story is in the order things ran, they also say how
the notebook came to be. ``tests/test_kinds_teaching.py`` checks every bad example gives its kind
and every good one does not, replaying those runs in a real kernel with nb2prod's recorder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from nb2prod.kinds_examples import DataFile, Example, ExampleCell, Run, in_order

__all__ = ["TEACHING", "DataFile", "Example", "ExampleCell", "Run", "Teaching"]


@dataclass(frozen=True)
class Teaching:
    """``why``: 2-4 plain sentences on what goes wrong for the next person who runs the
    notebook; ``bad`` and ``good``: the smallest notebooks that show it; ``fix``: what to do."""

    why: str
    bad: Example
    good: Example
    fix: str


C = ExampleCell


def _ex(
    *cells: ExampleCell, runs: tuple[Run | DataFile, ...] = (), files: tuple[DataFile, ...] = ()
) -> Example:
    return Example(cells, runs, files)


_RESTART = "restart the kernel and run all cells"
_SALES = "day,amount\nmon,10\ntue,20\n"
_READ_SALES = (
    'with open("sales.csv") as f:\n    rows = f.readlines()[1:]\nprint(len(rows), "sales")'
)

TEACHING: Final[dict[str, Teaching]] = {
    "out-of-order": Teaching(
        why=(
            "The numbers in brackets show the order cells ran: here cell 3 ran before cell 2, so "
            "cell 2 computed its price with the rate of cell 3, a cell below it. Whoever runs the "
            "notebook from top to bottom gets the rate of cell 1 and a different price from the "
            "one shown."
        ),
        bad=_ex(
            C("rate = 0.1", 1),
            C("price = 100 * (1 + rate)\nprint(price)", 3, "120.0"),
            C("rate = 0.2", 2),
            runs=(Run(1), Run(3), Run(2)),
        ),
        good=_ex(
            C("rate = 0.2", 1),
            C("price = 100 * (1 + rate)\nprint(price)", 2, "120.0"),
            runs=in_order(2),
        ),
        fix=(
            "Set each value once, in a cell above the cells that use it. Then "
            f"{_RESTART}, and save: the counts then go 1, 2, 3 down the page."
        ),
    ),
    "use-before-define": Teaching(
        why=(
            "Cell 1 uses `students`, which only cell 2, below it, sets. It worked here because "
            "cell 2 happened to run first, but a restart and run all stops at cell 1 with a "
            "NameError."
        ),
        bad=_ex(
            C('print(len(students), "students")', 2, "2 students"),
            C('students = ["Ana", "Bo"]', 1),
            runs=(Run(2), Run(1)),
        ),
        good=_ex(
            C('students = ["Ana", "Bo"]', 1),
            C('print(len(students), "students")', 2, "2 students"),
            runs=in_order(2),
        ),
        fix=(
            "Move the cell that sets the name above every cell that uses it, then "
            f"{_RESTART} to confirm."
        ),
    ),
    "undefined-name": Teaching(
        why=(
            "Cell 1 uses `total`, but no cell in the notebook sets it: the cell that did was "
            "deleted after it ran, and the value lives on only in this kernel's memory. Anyone "
            "else, or you after a restart, gets a NameError."
        ),
        bad=_ex(
            C("print(total)", 2, "5"),
            runs=(Run(None, "total = 2 + 3"), Run(1)),
        ),
        good=_ex(C("total = 2 + 3", 1), C("print(total)", 2, "5"), runs=in_order(2)),
        fix=(
            "Put the code that sets the name back in a cell above where it is used (or stop "
            f"using it), then {_RESTART}."
        ),
    ),
    "re-executed": Teaching(
        why=(
            "The counts jump from [1] to [3]: a cell ran twice. Cell 2 adds to the list each "
            "time it runs, so the list now holds 60 twice; a fresh run adds it once and prints "
            "a different list from the one saved."
        ),
        bad=_ex(
            C("scores = [90, 75]", 1),
            C("scores.append(60)", 3),
            C("print(scores)", 4, "[90, 75, 60, 60]"),
            runs=(Run(1), Run(2), Run(2), Run(3)),
        ),
        good=_ex(
            C("scores = [90, 75]", 1),
            C("scores.append(60)", 2),
            C("print(scores)", 3, "[90, 75, 60]"),
            runs=in_order(3),
        ),
        fix=(
            f"Before you save, {_RESTART} so each runs once, in order. A value built up step "
            "by step (`append`, `+=`) is safer made in one cell: `scores = [90, 75, 60]`."
        ),
    ),
    "unexecuted": Teaching(
        why=(
            "Cell 2 never ran (its prompt is empty), but the cell below it did, so the printed "
            "price leaves out the shipping. A fresh run does run cell 2 and prints a different "
            "price, and nobody has ever seen cell 2's code work."
        ),
        bad=_ex(
            C("price = 100", 1),
            C("price = price + 20  # shipping"),
            C("print(price)", 2, "100"),
            runs=(Run(1), Run(3)),
        ),
        good=_ex(
            C("price = 100", 1),
            C("price = price + 20  # shipping", 2),
            C("print(price)", 3, "120"),
            runs=in_order(3),
        ),
        fix=f"Run the cell, or delete it if it is no longer needed; then {_RESTART}.",
    ),
    "stale-output": Teaching(
        why=(
            "Cell 2 printed its result when `discount` was still 0.2. Then cell 1 was changed to "
            "0.5 and run again ([3]), but cell 2 was not: the notebook shows 80.0 while its code "
            "gives 50.0, so the output no longer matches the code above it."
        ),
        bad=_ex(C("discount = 0.5", 3), C("print(100 * (1 - discount))", 2, "80.0")),
        good=_ex(C("discount = 0.5", 1), C("print(100 * (1 - discount))", 2, "50.0")),
        fix=(
            "After changing a cell, run the cells below it too; before you save, "
            f"{_RESTART} so every output comes from the code as it is."
        ),
    ),
    "stale-input": Teaching(
        why=(
            "A price was added to cell 1 and it ran again, and so did the cell that prints the "
            "total, but not cell 2, which adds the prices up. The total printed last still comes "
            "from the old list: a fresh run prints 60. The kernel's record proves which values "
            "each cell really read."
        ),
        bad=_ex(
            C("prices = [10, 20, 30]", 3),
            C("total = sum(prices)", 2),
            C("print(total)", 4, "30"),
            runs=(Run(1, "prices = [10, 20]"), Run(2), Run(1), Run(3)),
        ),
        good=_ex(
            C("prices = [10, 20, 30]", 1),
            C("total = sum(prices)", 2),
            C("print(total)", 3, "60"),
            runs=in_order(3),
        ),
        fix=(
            "When you change a cell, run again every cell below it that uses what it sets; "
            f"simplest: {_RESTART} before you save."
        ),
    ),
    "recorded-lost-code": Teaching(
        why=(
            "Cell 1 was changed to 0.25 after it ran and was not run again: the kernel still "
            "holds the 0.2 it set, and cell 2 printed a price computed from it. The page shows "
            "code that never ran, and the counts look in order; only the kernel's record shows "
            "what really ran."
        ),
        bad=_ex(
            C("tax = 0.25", 1),
            C("print(100 * (1 + tax))", 2, "120.0"),
            runs=(Run(1, "tax = 0.2"), Run(2)),
        ),
        good=_ex(
            C("tax = 0.25", 1),
            C("print(100 * (1 + tax))", 2, "125.0"),
            runs=in_order(2),
        ),
        fix=(
            "Run a cell again after you edit it, and the cells below that use it; do not delete "
            f"a cell whose results other cells still use. To be sure, {_RESTART} before you save."
        ),
    ),
    "syntax-error": Teaching(
        why=(
            "Cell 1 is not valid Python (the `for` line has no colon), so it cannot run, and a "
            "run of the whole notebook stops there. Nothing the cell was meant to do can be "
            "checked either."
        ),
        bad=_ex(C("for n in [1, 2, 3]\n    print(n)", 1, error="SyntaxError: expected ':'")),
        good=_ex(C("for n in [1, 2, 3]:\n    print(n)", 1, "1\n2\n3")),
        fix=(
            "Fix the line the message points at and run the cell again. IPython's own commands "
            "(`%timeit`, `!ls`) are fine; `return` or `yield` outside a function are not."
        ),
    ),
    "error-output": Teaching(
        why=(
            "The saved notebook shows that cell 2 failed the last time it ran. Run All stops at "
            "the first error, so for the next person the cells below it never run, and the "
            "outputs shown below it may come from an earlier run that did not fail."
        ),
        bad=_ex(
            C("sales = []", 1),
            C(
                "average = sum(sales) / len(sales)\nprint(average)",
                2,
                error="ZeroDivisionError: division by zero",
            ),
        ),
        good=_ex(
            C("sales = []", 1),
            C("average = sum(sales) / len(sales) if sales else 0.0\nprint(average)", 2, "0.0"),
        ),
        fix=(
            f"Fix the cell so it runs without error, then {_RESTART}. If the error is the point "
            "(a lesson that shows an exception), tag the cell `raises-exception`: Run All then "
            "goes on past it, and nb2prod knows it is meant."
        ),
    ),
    "unseeded-random": Teaching(
        why=(
            "The numbers come from a random generator that was never given a seed, so every run "
            "draws other ones. The next person who runs the notebook will not see the numbers "
            "saved here, and cannot tell a real change in the results from chance."
        ),
        bad=_ex(
            C(
                "import numpy as np\nnoise = np.random.normal(size=3)\nprint(noise.round(2))",
                1,
                "[ 0.49 -0.14  0.65]",
            ),
        ),
        good=_ex(
            C(
                "import numpy as np\nrng = np.random.default_rng(0)\nnoise = rng.normal(size=3)\n"
                "print(noise.round(2))",
                1,
                "[ 0.13 -0.13  0.64]",
            ),
        ),
        fix=(
            "Seed the generator once, near the top: `rng = np.random.default_rng(0)` (or "
            "`random.seed(0)`, `torch.manual_seed(0)`), and pass `random_state=0` to functions "
            "that take one."
        ),
    ),
    "absolute-path": Teaching(
        why=(
            "The path points into one person's home folder. On any other computer (a "
            "classmate's laptop, the course server, a CI run) that file is not there and the "
            "cell fails."
        ),
        bad=_ex(C('with open("/home/ana/course/sales.csv") as f:\n    rows = f.readlines()', 1)),
        good=_ex(C('with open("data/sales.csv") as f:\n    rows = f.readlines()', 1)),
        fix=(
            "Keep the data beside the notebook and use a path relative to it (`data/sales.csv`), "
            "or set the location once, in a parameter at the top."
        ),
    ),
    "changed-data": Teaching(
        why=(
            "The saved output came from `sales.csv` as it was when the cell ran; a row was added "
            "to the file since. Anyone who runs the notebook now gets different numbers from the "
            "ones saved, and nothing on the page says which data they belong to."
        ),
        bad=_ex(
            C(_READ_SALES, 1, "2 sales"),
            files=(DataFile("sales.csv", _SALES),),
            runs=(Run(1), DataFile("sales.csv", _SALES + "wed,30\n")),
        ),
        good=_ex(
            C(_READ_SALES, 1, "3 sales"),
            files=(DataFile("sales.csv", _SALES + "wed,30\n"),),
            runs=in_order(1),
        ),
        fix=(
            f"When the data changes, {_RESTART} again and save, so the outputs match the data; "
            "or keep each version of the data under its own name."
        ),
    ),
    "pip-install": Teaching(
        why=(
            "Installing from inside the notebook changes the environment each time someone runs "
            "it, and records nowhere which versions the results need. The next person gets "
            "whatever version is newest that day, or a run that fails without internet."
        ),
        bad=_ex(C("%pip install scikit-learn", 1), C("import sklearn", 2)),
        good=_ex(C("import sklearn  # scikit-learn==1.5.2 is in requirements.txt", 1)),
        fix=(
            "List the packages, with versions, in requirements.txt or pyproject.toml and install "
            "them before you start the kernel; the notebook then only imports them."
        ),
    ),
    "hard-coded-secret": Teaching(
        why=(
            "The API key is written into the notebook, so everyone who gets a copy (classmates, "
            "a public repository, the course server) can use it. Deleting the cell later does "
            "not help: the key stays in old copies and in the version history."
        ),
        bad=_ex(C('API_KEY = "sk-FAKE0example0key0000000000000"', 1)),
        good=_ex(C('import os\nAPI_KEY = os.environ["API_KEY"]', 1)),
        fix=(
            "Revoke the key, then read it from an environment variable "
            '(`os.environ["API_KEY"]`) or a secrets manager. Do not print it either: a cell\'s '
            "output is saved in the notebook too."
        ),
    ),
    "star-import": Teaching(
        why=(
            "`from math import *` pours every name of the module into the notebook. A reader "
            "cannot tell where `sqrt` comes from, and a later import or variable can silently "
            "replace one of those names."
        ),
        bad=_ex(C("from math import *\nprint(sqrt(16))", 1, "4.0")),
        good=_ex(C("from math import sqrt\nprint(sqrt(16))", 1, "4.0")),
        fix=(
            "Import the names you use (`from math import sqrt`), or the module itself "
            "(`import math`, then `math.sqrt(16)`)."
        ),
    ),
}
