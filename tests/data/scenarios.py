"""Declared scenarios for the crafted notebooks in tests/data/crafted/.

Each scenario is DATA: its cells, the steps a person took in JupyterLab (see tests/factory.py for
the step language: an int runs a cell; ``("edit", i, src)``, ``("delete", i)``,
``("insert", i, src)``), and what nb2prod must say about the result:

* ``kind``: the finding kind the pair is about;
* ``flag``: ``True`` for ``<rule>__flag`` (must get a ``kind`` finding at or above
  ``severity_at_least``), ``False`` for its ``<rule>__clean`` twin (must get none);
* ``reproducible``: does a fresh kernel running the notebook top to bottom finish without an
  error AND show the same stream / text/plain outputs? Checked against reality by
  ``build_crafted.py --check`` (tests/reproduce.py).

``files`` are written before the build and removed after it (absolute-path scenarios), so the
notebook's stored outputs came from a file that a fresh run will not find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Cell = str | tuple[str, str]


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str
    flag: bool
    reproducible: bool
    cells: list[Cell]
    steps: list[Any]
    severity_at_least: str = "info"
    files: dict[str, str] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return f"{self.name}.ipynb"


def md(text: str) -> tuple[str, str]:
    return ("markdown", text)


def in_order(cells: list[Cell]) -> list[int]:
    return list(range(len(cells)))


def pair(
    rule: str,
    kind: str,
    flag_cells: list[Cell],
    clean_cells: list[Cell],
    *,
    flag_steps: list[Any] | None = None,
    clean_steps: list[Any] | None = None,
    flag_reproducible: bool,
    clean_reproducible: bool = True,
    severity_at_least: str = "info",
    files: dict[str, str] | None = None,
) -> list[Scenario]:
    """A ``<rule>__flag`` / ``<rule>__clean`` twin pair; steps default to running all in order."""
    return [
        Scenario(
            f"{rule}__flag",
            kind,
            True,
            flag_reproducible,
            flag_cells,
            flag_steps if flag_steps is not None else in_order(flag_cells),
            severity_at_least,
            dict(files or {}),
        ),
        Scenario(
            f"{rule}__clean",
            kind,
            False,
            clean_reproducible,
            clean_cells,
            clean_steps if clean_steps is not None else in_order(clean_cells),
            severity_at_least,
        ),
    ]


ABS_DATA = "/tmp/nb2prod_data/values.csv"
VALUES_CSV = "city,temp_c\nOslo,4.5\nLisbon,17.0\nCairo,26.5\n"
FAKE_KEY = "sk-proj-Zx9Qv2Lm8Rt4Wb6Yc1Nd3Fh5Jk7Pq0Sa2Ue4Gi6Ko8Mr0Tw"

SCENARIOS: list[Scenario] = [
    # --- execution-order rules -----------------------------------------------------------------
    *pair(
        "out-of-order",
        "out-of-order",
        [
            md("# Pricing"),
            "discount = 0.1",
            "price = 200\nprint(price * (1 - discount))",
            "discount = 0.25",
        ],
        ["width = 4", "height = 3", "print(width * height)"],
        flag_steps=[1, 3, 2],  # the print saw the LATER discount: 150.0, top-down gives 180.0
        clean_steps=[1, 0, 2],  # the two reversed cells share no names
        flag_reproducible=False,
        severity_at_least="warning",
    ),
    *pair(
        "use-before-define",
        "use-before-define",
        ["print(greeting.upper())", "greeting = 'hello'"],
        ["greeting = 'hello'", "print(greeting.upper())"],
        flag_steps=[1, 0],
        flag_reproducible=False,
    ),
    *pair(
        "undefined-name",
        "undefined-name",
        [
            "threshold = 0.5",
            "scores = [0.2, 0.7, 0.9]",
            "print([s for s in scores if s > threshold])",
        ],
        [
            "threshold = 0.5",
            "scores = [0.2, 0.7, 0.9]",
            "print([s for s in scores if s > threshold])",
        ],
        flag_steps=[0, 1, 2, ("delete", 0)],  # the defining cell was deleted after the run
        flag_reproducible=False,
    ),
    *pair(
        "undefined-name-edited",
        "undefined-name",
        [
            "import statistics\n\nbase = [4, 8, 15, 16]",
            "mean = statistics.mean(base)",
            "print(round(mean, 2))",
        ],
        [
            "import statistics\n\nbase = [4, 8, 15, 16]",
            "mean = statistics.mean(base)\nmedian = statistics.median(base)",
            "print(round(mean, 2))",
        ],
        # cell 1 was edited to define `median` instead, and re-run: `mean` lives on in the kernel
        flag_steps=[0, 1, 2, ("edit", 1, "median = statistics.median(base)"), 1],
        flag_reproducible=False,
    ),
    *pair(
        "re-executed",
        "re-executed",
        ["total = 0", "total += 5", "print(total)"],
        ["total = 0", "total += 5", "print(total)"],
        flag_steps=[0, 1, 1, 2],
        flag_reproducible=False,
    ),
    *pair(
        "re-executed-append",
        "re-executed",
        ["results = []", "results.append(len(results))", "print(results)"],
        ["results = []", "results.append(len(results))", "print(results)"],
        flag_steps=[0, 1, 1, 1, 2],
        flag_reproducible=False,
    ),
    *pair(
        "re-executed-pop",
        "re-executed",
        # `df.pop` rather than `df.drop(..., inplace=True)`: pandas 3.1 prints a version-specific
        # deprecation warning for `inplace`, which would make the stored outputs version-bound
        [
            "import pandas as pd\n\n"
            "df = pd.DataFrame({'x1': [1, 2], 'x2': [3, 4], 'label': [0, 1]})",
            "labels = df.pop('label')",
            "print(list(df.columns), list(labels))",
        ],
        [
            "import pandas as pd\n\n"
            "df = pd.DataFrame({'x1': [1, 2], 'x2': [3, 4], 'label': [0, 1]})",
            "labels = df.pop('label')",
            "print(list(df.columns), list(labels))",
        ],
        flag_steps=[0, 1, 1, 2],  # the second pop raised KeyError; that error output is stored
        flag_reproducible=False,
    ),
    *pair(
        "unexecuted",
        "unexecuted",
        ["data = [3, 1, 2]", "data = sorted(data)", "print(data[0])"],
        ["data = [3, 1, 2]", "data = sorted(data)", "print(data[0])"],
        flag_steps=[0, 2],  # the middle cell was never run
        flag_reproducible=False,
    ),
    *pair(
        "stale-output",
        "stale-output",
        ["rate = 0.1", "print(100 * rate)"],
        ["rate = 0.1", "print(100 * rate)"],
        flag_steps=[0, 1, ("edit", 0, "rate = 0.2"), 0],
        clean_steps=[0, 1, ("edit", 0, "rate = 0.2"), 0, 1],
        flag_reproducible=False,
    ),
    # --- content rules ---------------------------------------------------------------------------
    *pair(
        "syntax-error",
        "syntax-error",
        ["name = 'notebook'", "print 'hello', name"],
        ["name = 'notebook'", "print('hello', name)"],
        flag_reproducible=False,
    ),
    *pair(
        "error-output",
        "error-output",
        ["config = {'epochs': 10, 'lr': 0.01}", "print(config['batch_size'])"],
        ["config = {'epochs': 10, 'lr': 0.01}", "print(config.get('batch_size', 32))"],
        flag_reproducible=False,
    ),
    *pair(
        "unseeded-random",
        "unseeded-random",
        ["import numpy as np", "noise = np.random.rand(3)\nprint(noise.round(4))"],
        [
            "import numpy as np\n\nnp.random.seed(0)",
            "noise = np.random.rand(3)\nprint(noise.shape)",
        ],
        flag_reproducible=False,
    ),
    *pair(
        "unseeded-random-stdlib",
        "unseeded-random",
        ["import random", "sample = random.random()\nprint(f'{sample:.6f}')"],
        ["import random\n\nrandom.seed(0)", "sample = random.random()\nprint(0 <= sample < 1)"],
        flag_reproducible=False,
    ),
    *pair(
        "absolute-path",
        "absolute-path",
        [
            "import pandas as pd",
            f"temps = pd.read_csv('{ABS_DATA}')\nprint(temps['temp_c'].max())",
        ],
        [
            "import pandas as pd",
            "temps = pd.read_csv('data/values.csv')\nprint(temps['temp_c'].max())",
        ],
        flag_reproducible=False,  # the file existed only while the notebook was built
        files={ABS_DATA: VALUES_CSV},
    ),
    *pair(
        "hard-coded-secret",
        "hard-coded-secret",
        [
            f'OPENAI_API_KEY = "{FAKE_KEY}"',
            "headers = {'Authorization': f'Bearer {OPENAI_API_KEY}'}\nprint(sorted(headers))",
        ],
        [
            "import os\n\nOPENAI_API_KEY = os.environ.get('API_KEY', '')",
            "headers = {'Authorization': f'Bearer {OPENAI_API_KEY}'}\nprint(sorted(headers))",
        ],
        flag_reproducible=True,
    ),
    *pair(
        "hard-coded-password",
        "hard-coded-secret",
        [
            'db_password = "hunter2longpassword"',
            "url = f'postgresql://analyst:{db_password}@db.internal/sales'\n"
            "print(url.split('@')[1])",
        ],
        [
            "import os\n\ndb_password = os.environ.get('DB_PASSWORD', '')",
            "url = f'postgresql://analyst:{db_password}@db.internal/sales'\n"
            "print(url.split('@')[1])",
        ],
        flag_reproducible=True,
    ),
    *pair(
        "pip-install",
        "pip-install",
        [
            # offline-safe: --no-index never touches the network and pandas is already installed
            "%pip install --quiet --no-index --root-user-action=ignore pandas",
            "import pandas as pd",
            "print(pd.Series([1, 2, 3]).sum())",
        ],
        ["import pandas as pd", "print(pd.Series([1, 2, 3]).sum())"],
        flag_reproducible=True,
    ),
    *pair(
        "star-import",
        "star-import",
        ["from math import *", "print(sqrt(16), floor(2.7))"],
        ["from math import floor, sqrt", "print(sqrt(16), floor(2.7))"],
        flag_reproducible=True,
    ),
    # --- scoping: what really binds a name at notebook level (kind undefined-name) -------------
    *pair(
        "scope-comprehension",
        "undefined-name",
        ["squares = [i * i for i in range(3)]\nprint(squares)", "print(i)"],
        ["squares = []\nfor i in range(3):\n    squares.append(i * i)\nprint(squares)", "print(i)"],
        flag_reproducible=False,
    ),
    *pair(
        "scope-walrus",
        "undefined-name",
        ["doubled = [last := n * 2 for n in range(3)]", "print(n)"],
        ["doubled = [last := n * 2 for n in range(3)]", "print(last, doubled)"],
        flag_reproducible=False,
    ),
    *pair(
        "scope-except",
        "undefined-name",
        [
            "try:\n    ratio = 1 / 0\nexcept ZeroDivisionError as e:\n    ratio = None",
            "print(ratio)\nprint(e)",
        ],
        [
            "try:\n    ratio = 1 / 0\n"
            "except ZeroDivisionError as e:\n    ratio = None\n    err = e",
            "print(ratio)\nprint(err)",
        ],
        flag_reproducible=False,
    ),
    *pair(
        "scope-function",
        "undefined-name",
        ["def setup():\n    z = 1", "setup()", "print(z)"],
        ["def setup():\n    global z\n    z = 1", "setup()", "print(z)"],
        flag_reproducible=False,
    ),
    *pair(
        "scope-class",
        "undefined-name",
        ["class Config:\n    k = 1", "print(k)"],
        ["class Config:\n    k = 1", "print(Config.k)"],
        flag_reproducible=False,
    ),
    *pair(
        "scope-annotation",
        "undefined-name",
        ["x: int", "print(x)"],
        ["x: int = 3", "print(x)"],
        flag_reproducible=False,
    ),
    *pair(
        "scope-del",
        "undefined-name",
        ["x = 1", "del x", "print(x)"],
        ["x = 1", "y = x + 1", "print(x)"],
        flag_reproducible=False,
    ),
    *pair(
        "scope-match",
        "undefined-name",
        [
            "point = (1, 2)",
            "match point:\n    case (a, b):\n        print('pair')",
            "print(c)",
        ],
        [
            "point = (1, 2)",
            "match point:\n    case (a, b):\n        print('pair')",
            "print(a)",
        ],
        flag_reproducible=False,
    ),
    *pair(
        "scope-import-fallback",
        "undefined-name",
        # either branch binds `json`, neither binds `ujson` (whether or not ujson is installed)
        [
            "try:\n    import ujson as json\nexcept ImportError:\n    import json",
            "print(ujson.loads('[1, 2]'))",
        ],
        [
            "try:\n    import ujson as json\nexcept ImportError:\n    import json",
            "print(json.loads('[1, 2]'))",
        ],
        flag_reproducible=False,
    ),
    *pair(
        "scope-ipython-names",
        "undefined-name",
        ["1 + 1", "dispaly('shown')"],
        [
            "1 + 1",
            "print(In[1])\nprint(Out[1], _, _1, _i1)",
            "display('shown')",
            "get_ipython().__class__.__name__",
        ],
        flag_reproducible=False,
    ),
    *pair(
        "scope-ipython-syntax",
        "undefined-name",
        ["%timeit -n1 -r1 y = 1", "print(y)"],  # %timeit runs the statement in its own function
        [
            "%time x = 1",
            "print(x)",
            "files = !ls\nprint(type(files).__name__)",
            "%%capture out\nprint('captured')",
            "print(out.stdout.strip())",
        ],
        flag_reproducible=False,
    ),
    *pair(
        "scope-cell-magic",
        "undefined-name",
        ["%%timeit -n1 -r1\ntotal = sum(range(10))", "print(total)"],
        ["%%time\ntotal = sum(range(10))", "print(total)"],
        flag_reproducible=False,
    ),
]


def expectations() -> dict[str, dict[str, Any]]:
    return {
        s.file_name: {
            "kind": s.kind,
            "flag": s.flag,
            "reproducible": s.reproducible,
            "severity_at_least": s.severity_at_least,
        }
        for s in SCENARIOS
    }
