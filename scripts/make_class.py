"""Build examples/class/: a small class of student notebooks, each made by real kernel runs.

    python3 scripts/make_class.py

Every notebook is described below as data: the cells (the instructor's markdown, then what the
student wrote) and the steps the student took in JupyterLab. The steps are replayed against a
real IPython kernel with nb2prod's recorder loaded (scripts/class_kernel.py): each run is an
execute request carrying the cell's id, as JupyterLab sends it, and the recorder's state is
merged into the saved notebook with ``nb2prod.recorder.metadata.merge``. Nothing is written by
hand. The layout is nbgrader's: ``submitted/STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb``.

Step language: an int runs that cell (its count and outputs replace the old ones; an error stops
nothing); ``("edit", i, source)`` changes a cell without running it; ``("delete", i)`` removes a
cell (later steps use the new indices). Indices count every cell, markdown included.

Cell ids are derived from the student, the assignment and the cell's first position, so a rebuild
gives the same ids; outputs of unseeded random draws, timestamps and the recorded environment
are the only things that change from one build to the next, and the findings never do.
Each kernel runs with a fresh temporary HOME (``~`` is the student's home folder there) and pip
kept offline (``!pip install`` of a package that is installed needs no network).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))

from class_kernel import ClassKernel

from nb2prod.recorder.metadata import merge

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "class"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

#: pip as a student's kernel runs it, but offline and blind to this machine's pip configuration.
OFFLINE_PIP = {
    "PIP_CONFIG_FILE": os.devnull,
    "PIP_NO_INDEX": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "PIP_ROOT_USER_ACTION": "ignore",
}

Cell = str | tuple[str, str]
Step = int | tuple[Any, ...]

GRADES_CSV = """\
student,section,hw,exam
s01,A,78,82
s02,A,91,88
s03,A,55,49
s04,A,84,71
s05,B,67,58
s06,B,95,93
s07,B,72,77
s08,B,48,52
s09,C,88,90
s10,C,63,61
s11,C,70,45
s12,C,99,97
"""


def md(text: str) -> tuple[str, str]:
    return ("markdown", text)


# The instructor's notebooks: the markdown every student received -------------------------------

PS1 = (
    md(
        "# Problem set 1: loops and lists\n\nAnswer each question in the code cell below it. "
        "Before you submit, restart the kernel and run all cells "
        "(*Kernel → Restart Kernel and Run All Cells*)."
    ),
    md(
        "## Question 1 (2 points)\n\nWith a `for` loop, compute the sum of the squares of "
        "the numbers 1 to 10 and print it."
    ),
    md(
        "## Question 2 (2 points)\n\nBuild a list `evens` of the even numbers below 20, one "
        "`append` at a time, and print it."
    ),
    md(
        "## Question 3 (3 points)\n\nSimulate 20 rolls of a six-sided die with "
        "`random.randint`, then print the rolls and how many sixes came up. Call "
        "`random.seed(2024)` first, so that your answer can be graded."
    ),
    md(
        "## Question 4 (3 points)\n\nWrite a function `fizzbuzz(n)` that returns the numbers "
        '1 to `n` as a list, with multiples of 3 replaced by `"Fizz"`, multiples of 5 by '
        '`"Buzz"` and multiples of both by `"FizzBuzz"`. Print `fizzbuzz(15)`.'
    ),
)
PS2 = (
    md(
        "# Problem set 2: working with data\n\n`grades.csv`, in this folder, holds the "
        "homework and exam scores of twelve students in three sections. Use pandas. Before "
        "you submit, restart the kernel and run all cells."
    ),
    md(
        "## Question 1 (2 points)\n\nLoad `grades.csv` into a DataFrame `df` and show its "
        "first five rows."
    ),
    md(
        "## Question 2 (3 points)\n\nAdd a column `total`: 40% of `hw` plus 60% of `exam`. "
        "Show the mean `total` of each section, rounded to one decimal."
    ),
    md(
        "## Question 3 (3 points)\n\nA student passes with a `total` of 60 or more. Keep the "
        "pass mark in a variable `cutoff` and print how many students passed."
    ),
    md("## Question 4 (2 points)\n\nPrint the three best students by `total`, best first."),
)
INTRO1, Q1, Q2, Q3, Q4 = PS1
INTRO2, P1, P2, P3, P4 = PS2

# Answers more than one student wrote alike ------------------------------------------------------

SQUARES = "total = 0\nfor i in range(1, 11):\n    total += i ** 2\nprint(total)"
EVENS = "evens = []\nfor i in range(20):\n    if i % 2 == 0:\n        evens.append(i)\nprint(evens)"
DICE = (
    "import random\n\nrandom.seed(2024)\nrolls = [random.randint(1, 6) for _ in range(20)]\n"
    'print(rolls)\nprint("sixes:", rolls.count(6))'
)
FIZZBUZZ = """\
def fizzbuzz(n):
    out = []
    for i in range(1, n + 1):
        if i % 15 == 0:
            out.append("FizzBuzz")
        elif i % 3 == 0:
            out.append("Fizz")
        elif i % 5 == 0:
            out.append("Buzz")
        else:
            out.append(i)
    return out

print(fizzbuzz(15))"""
LOAD = 'import pandas as pd\n\ndf = pd.read_csv("grades.csv")\ndf.head()'
TOTAL = (
    'df["total"] = 0.4 * df["hw"] + 0.6 * df["exam"]\n'
    'df.groupby("section")["total"].mean().round(1)'
)
PASSED = 'passed = df[df["total"] >= cutoff]\nprint(len(passed), "students passed")'
BEST = (
    'best = df.sort_values("total", ascending=False).head(3)\n'
    'print(best[["student", "total"]].to_string(index=False))'
)


@dataclass(frozen=True)
class Submission:
    """One student's notebook for one assignment, and what nb2prod must report on it.

    ``kinds`` maps each finding kind to its worst severity; ``reproducible`` is the verdict.
    """

    student: str
    assignment: str
    mistake: str
    kinds: dict[str, str]
    reproducible: bool
    cells: Sequence[Cell]
    steps: Sequence[Step] | None = None  # None: every cell once, top to bottom
    files: dict[str, str] = field(default_factory=dict)  # "~/..." paths in the student's home

    @property
    def path(self) -> Path:
        return OUT / "submitted" / self.student / self.assignment / f"{self.assignment}.ipynb"


SUBMISSIONS: tuple[Submission, ...] = (
    Submission(
        "student_a", "ps1_loops", "none: ran top to bottom in a fresh kernel", {}, True,
        [INTRO1, Q1, SQUARES, Q2, EVENS, Q3, DICE, Q4, FIZZBUZZ],
    ),
    Submission(
        "student_b", "ps1_loops",
        "re-ran the cell that appends to `evens`: the list printed holds every number twice",
        {"re-executed": "error"}, False,
        [INTRO1, Q1, SQUARES, Q2, "evens = []",
         "for i in range(20):\n    if i % 2 == 0:\n        evens.append(i)\nprint(evens)",
         Q3, DICE, Q4, FIZZBUZZ],
        [2, 4, 5, 5, 7, 9],
    ),
    Submission(
        "student_c", "ps1_loops",
        "rolled the dice without `random.seed`: the rolls shown change on every run",
        {"unseeded-random": "error"}, False,
        [INTRO1, Q1, SQUARES, Q2, EVENS, Q3,
         "import random\n\nrolls = []\nfor _ in range(20):\n"
         '    rolls.append(random.randint(1, 6))\nprint(rolls)\nprint("sixes:", rolls.count(6))',
         Q4, FIZZBUZZ],
    ),
    Submission(
        "student_d", "ps1_loops",
        "did question 4 (which sets `n = 15`) before question 2, which reads `n`; "
        "never ran question 3",
        {"out-of-order": "error", "unexecuted": "warning"}, False,
        [INTRO1, Q1, "n = 10\ntotal = 0\nfor i in range(1, n + 1):\n    total += i ** 2\n"
         "print(total)",
         Q2, "evens = []\nfor i in range(n * 2):\n    if i % 2 == 0:\n        evens.append(i)\n"
         "print(evens)",
         Q3, DICE, Q4, FIZZBUZZ.replace("print(fizzbuzz(15))", "n = 15\nprint(fizzbuzz(n))")],
        [2, 8, 4],
    ),
    Submission(
        "student_e", "ps1_loops",
        "left the traceback of a loop that ran past the end of its list (fixed in a new cell "
        "below); `from math import *`, whose `pow` hid the built-in one (the sum prints `385.0`)",
        {"error-output": "error", "star-import": "warning"}, False,
        [INTRO1, Q1,
         "from math import *\n\ntotal = 0\nfor i in range(1, 11):\n    total += pow(i, 2)\n"
         "print(total)",
         Q2, "numbers = list(range(20))\nevens = []\nfor i in range(len(numbers) + 1):\n"
         "    if numbers[i] % 2 == 0:\n        evens.append(numbers[i])\nprint(evens)",
         "evens = []\nfor i in range(len(numbers)):\n    if numbers[i] % 2 == 0:\n"
         "        evens.append(numbers[i])\nprint(evens)",
         Q3, DICE, Q4, FIZZBUZZ],
    ),
    Submission(
        "student_a", "ps2_data",
        "read the data from the copy in their own Downloads folder (`~/Downloads/...`)",
        {"absolute-path": "error"}, False,
        [INTRO2, P1, LOAD.replace("grades.csv", "~/Downloads/ps2_data/grades.csv"), P2, TOTAL,
         P3, "cutoff = 60\n" + PASSED, P4, BEST],
        files={"~/Downloads/ps2_data/grades.csv": GRADES_CSV},
    ),
    Submission(
        "student_b", "ps2_data", "none: ran top to bottom in a fresh kernel", {}, True,
        [INTRO2, P1, LOAD, P2, TOTAL, P3, "cutoff = 60\n" + PASSED, P4, BEST],
    ),
    Submission(
        "student_c", "ps2_data",
        "set `cutoff` in a scratch cell, then deleted that cell; question 3 still reads it",
        {"recorded-lost-code": "error", "undefined-name": "error"}, False,
        [INTRO2, P1, LOAD, P2, TOTAL, P3, "cutoff = 60", PASSED, P4, BEST],
        [2, 4, 6, 7, 9, ("delete", 6)],
    ),
    Submission(
        "student_d", "ps2_data",
        "changed `cutoff` from 70 to 60 and ran only that cell: the count printed below is "
        "still the one for 70",
        {"recorded-lost-code": "info", "stale-input": "error"}, False,
        [INTRO2, P1, LOAD, P2, TOTAL, P3, "cutoff = 70", PASSED, P4, BEST],
        [2, 4, 6, 7, 9, ("edit", 6, "cutoff = 60"), 6],
    ),
    Submission(
        "student_e", "ps2_data", "installs pandas from inside the notebook (`!pip install`)",
        {"pip-install": "warning"}, True,
        [INTRO2, "!pip install pandas", P1, LOAD, P2, TOTAL, P3, "cutoff = 60\n" + PASSED,
         P4, BEST],
    ),
)  # fmt: skip


# Building -----------------------------------------------------------------------------------------


def cell_id(submission: Submission, origin: str) -> str:
    key = f"{submission.student}/{submission.assignment}/{origin}"
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def new_cell(cell: Cell, identity: str) -> NotebookNode:
    node = new_markdown_cell(cell[1]) if isinstance(cell, tuple) else new_code_cell(cell)
    node["id"] = identity
    return node


def build(submission: Submission) -> None:
    """Replay the submission's steps in a recording kernel and write its notebook."""
    cells = [new_cell(c, cell_id(submission, str(i))) for i, c in enumerate(submission.cells)]
    folder = submission.path.parent
    folder.mkdir(parents=True, exist_ok=True)
    if submission.assignment == "ps2_data":
        (folder / "grades.csv").write_text(GRADES_CSV)
    state, language_info = session(submission, cells)
    notebook = new_notebook(cells=cells)
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    notebook.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": language_info}
    )
    recorded = nbformat.from_dict(merge(notebook, state))
    nbformat.validate(recorded)
    nbformat.write(recorded, str(submission.path))


def session(submission: Submission, cells: list[NotebookNode]) -> tuple[Any, dict[str, Any]]:
    """The student's session: their steps on ``cells`` in a kernel started in the notebook's
    folder, with a home folder of their own; the recorder's state and the kernel's language."""
    steps = range(len(cells)) if submission.steps is None else submission.steps
    with tempfile.TemporaryDirectory(prefix="nb2prod-class-") as scratch:
        home = Path(scratch) / "home" / submission.student
        home.mkdir(parents=True)
        for name, text in submission.files.items():
            target = home / name.removeprefix("~/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        mine = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        env = {**mine, "HOME": str(home), **OFFLINE_PIP}
        with ClassKernel(submission.path.parent, env) as kernel:
            for step in steps:
                replay(kernel, cells, step)
            return kernel.state(), kernel.language_info


def replay(kernel: ClassKernel, cells: list[NotebookNode], step: Step) -> None:
    """Do one step of the student's session on ``cells``."""
    if isinstance(step, int):
        cell = cells[step]
        if cell.cell_type == "code":
            cell.execution_count, cell.outputs = kernel.run(cell.source, cell.id)
    elif step[0] == "edit":
        cells[step[1]].source = step[2]
    elif step[0] == "delete":
        del cells[step[1]]
    else:
        raise ValueError(f"unknown step {step!r}")


# The README ---------------------------------------------------------------------------------------

README_HEAD = """\
# A class of student notebooks

Ten notebooks as an instructor collects them with nbgrader
(`submitted/STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb`): five students, two problem sets
(`ps1_loops`: loops, lists, a die; `ps2_data`: pandas over `grades.csv`). Each student answered
the instructor's questions in their own way, and most made one of the mistakes that make a
notebook's saved outputs untrustworthy or its run fail on another machine. Two ran cleanly, and
one is reproducible with a warning about practice.

Every notebook was made by real runs in an IPython kernel with nb2prod's recorder loaded, driven as
JupyterLab drives it (cell ids in the execute requests), so each carries the kernel's record of
what ran; `python3 scripts/make_class.py` rebuilds this folder (the rolls of an unseeded die and
the timestamps of the records change, the findings do not).

```bash
nb2prod report examples/class -o report.html   # one page for the class
nb2prod check examples/class/submitted         # the same findings, per notebook, as text
```

## What each notebook shows

The finding kinds are those `nb2prod check` reports, with their worst severity;
`tests/test_class_example.py` checks this table against the notebooks.

| student | assignment | mistake | finding kinds | reproducible |
|---|---|---|---|---|
"""


def readme() -> str:
    rows = []
    for s in SUBMISSIONS:
        kinds = ", ".join(f"`{k}` ({v})" for k, v in sorted(s.kinds.items())) or "none"
        verdict = "yes" if s.reproducible else "no"
        rows.append(f"| {s.student} | {s.assignment} | {s.mistake} | {kinds} | {verdict} |")
    return README_HEAD + "\n".join(rows) + "\n"


def main() -> int:
    shutil.rmtree(OUT / "submitted", ignore_errors=True)
    for submission in SUBMISSIONS:
        build(submission)
        print("built", submission.path.relative_to(ROOT))
    (OUT / "README.md").write_text(readme())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
