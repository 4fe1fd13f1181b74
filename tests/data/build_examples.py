"""Build examples/*.ipynb with real kernel executions (tests/factory.py).

    python tests/data/build_examples.py

* clean_analysis.ipynb: a tidy pandas analysis of examples/data/sales.csv, run once in order.
* hidden_state.ipynb: the same data, worked on the way people really do: a cell further down
  ran before a cell above it and changed what it saw, a non-idempotent cell was re-run, and a
  defining cell was edited so a name that later cells read survives only in the kernel.
* iris_model.ipynb: a scikit-learn classifier on the bundled iris data, run once in order.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from factory import Cell, build  # noqa: E402

EXAMPLES = HERE.parent.parent / "examples"


def md(text: str) -> tuple[str, str]:
    return ("markdown", text)


CLEAN: list[Cell] = [
    md("# Q1 sales analysis\n\nA small, tidy look at first-quarter sales from `data/sales.csv`."),
    "import statistics\nfrom pathlib import Path\n\nimport pandas as pd\n\n"
    'DATA = Path("data") / "sales.csv"',
    md("## Load"),
    'sales = pd.read_csv(DATA, parse_dates=["date"])\n'
    'sales["revenue"] = sales["units"] * sales["unit_price"]\n'
    "sales.head()",
    md("## Revenue by region"),
    'by_region = sales.groupby("region")["revenue"].sum().sort_values(ascending=False)\nby_region',
    md("## Monthly trend"),
    'monthly = sales.groupby(sales["date"].dt.to_period("M"))["revenue"].sum()\n'
    "print(monthly.to_string())",
    md("## Summary"),
    "best_region = by_region.index[0]\n"
    'print(f"Best region: {best_region} ({by_region.iloc[0]:.2f})")\n'
    "print(f\"Median order value: {statistics.median(sales['revenue']):.2f}\")",
]

HIDDEN: list[Cell] = [
    md("# Regional sales review\n\nQuick look at Q1 sales by region, in EUR."),
    'import pandas as pd\n\nsales = pd.read_csv("data/sales.csv")\nsales.shape',
    md("## Revenue"),
    "fx_rate = 0.92  # USD -> EUR",
    'sales["revenue"] = sales["units"] * sales["unit_price"]',
    'sales["revenue"] = sales["revenue"] * fx_rate\n'
    "print(f\"Total revenue: {sales['revenue'].sum():.2f}\")",
    md("## By region"),
    'totals = sales.groupby("region")["revenue"].sum().round(2)\ntotals',
    'top_region = totals.idxmax()\nprint(f"Best region: {top_region}")',
    "share = totals[top_region] / totals.sum()\n"
    'print(f"{top_region} share of revenue: {share:.1%}")',
    md("## Appendix: GBP figures for the UK team"),
    "fx_rate = 0.79  # USD -> GBP",
]
HIDDEN_STEPS = [
    1, 3, 4, 5, 7, 8, 9,
    11,  # the appendix rate is set ...
    5,  # ... and the conversion above re-run: EUR revenue converted again, with the GBP rate
    7,
    ("edit", 8, 'best = totals.idxmax()\nprint(f"Best region: {best}")'),
    8,  # `top_region` is no longer defined anywhere, but cell 9 still shows it
]  # fmt: skip

IRIS: list[Cell] = [
    md(
        "# Iris species classifier\n\n"
        "Logistic regression on the iris data bundled with scikit-learn."
    ),
    "from sklearn.datasets import load_iris\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.metrics import accuracy_score, classification_report\n"
    "from sklearn.model_selection import train_test_split",
    md("## Data"),
    "iris = load_iris()\n"
    "X, y = iris.data, iris.target\n"
    'print(X.shape, ", ".join(iris.target_names))',
    "X_train, X_test, y_train, y_test = train_test_split(\n"
    "    X, y, test_size=0.25, random_state=42, stratify=y\n)\n"
    "print(len(X_train), len(X_test))",
    md("## Model"),
    "model = LogisticRegression(max_iter=500).fit(X_train, y_train)",
    md("## Evaluation"),
    'pred = model.predict(X_test)\nprint(f"accuracy: {accuracy_score(y_test, pred):.3f}")',
    "print(classification_report(y_test, pred, target_names=iris.target_names))",
]


def main() -> None:
    build(CLEAN, list(range(len(CLEAN))), EXAMPLES / "clean_analysis.ipynb")
    build(HIDDEN, HIDDEN_STEPS, EXAMPLES / "hidden_state.ipynb")
    build(IRIS, list(range(len(IRIS))), EXAMPLES / "iris_model.ipynb")
    print("built", ", ".join(sorted(p.name for p in EXAMPLES.glob("*.ipynb"))))


if __name__ == "__main__":
    main()
