"""Build examples/*.ipynb with real kernel executions (tests/factory.py).

    python tests/data/build_examples.py

* clean_analysis.ipynb: a tidy pandas analysis of examples/data/sales.csv, run once in order.
* hidden_state.ipynb: the same data, worked on the way people really do: a cell further down
  ran before a cell above it and changed what it saw, a non-idempotent cell was re-run, and a
  defining cell was edited so a name that later cells read survives only in the kernel.
* iris_model.ipynb: a scikit-learn classifier on the bundled iris data, run once in order.

The notebooks below are what `convert` lifts into packages; each runs once, top to bottom:

* cleaning_pandas.ipynb: cleans the messy CRM export examples/data/customers_raw.csv (duplicates,
  gaps, stray case and whitespace, dates and numbers as text) into output/customers_clean.csv.
* sklearn_model.ipynb: a StandardScaler + LogisticRegression pipeline on the bundled wine data,
  cross-validated, with a small reporting helper.
* plotting_matplotlib.ipynb: two inline matplotlib figures of seeded numpy data and a printed
  summary table.
* helpers_and_asserts.ipynb: unit-conversion and text helpers and a small class, called with
  concrete arguments (bare expressions) and checked by the notebook's own asserts.
* parameters_report.ipynb: a papermill-style report; its first code cell is tagged `parameters`.

And one notebook saved with the kernel recorder's records (`nb2prod run`):

* recorded_analysis.ipynb: clean_analysis.ipynb run top to bottom by `nb2prod run`, so it carries
  the environment it ran on, each execution's record and the data file it read.
"""

from __future__ import annotations

import subprocess
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


CLEANING: list[Cell] = [
    md(
        "# Customer list cleanup\n\n"
        "The CRM export in `data/customers_raw.csv` is messy: some customers appear twice, "
        "names and cities are typed in any case with stray spaces, dates come in two formats "
        "and spend is stored as text with thousands separators. This notebook cleans it into "
        "`output/customers_clean.csv` for the marketing team."
    ),
    'import os\n\nimport pandas as pd\n\nRAW_PATH = "data/customers_raw.csv"\nOUT_DIR = "output"',
    md("## Load and inspect"),
    "raw = pd.read_csv(RAW_PATH)\nprint(raw.shape)\nraw.head()",
    "raw.dtypes",
    "# how many gaps per column?\nraw.isna().sum()",
    md(
        "## Clean\n\n"
        "### Exact duplicates\n\n"
        "A few rows were exported twice. Drop the exact copies first."
    ),
    "n_raw = len(raw)\n"
    "df = raw.drop_duplicates().reset_index(drop=True)\n"
    'print(f"dropped {n_raw - len(df)} exact duplicate rows")',
    md("### Text columns: whitespace and case"),
    'text_cols = ["customer_id", "name", "email", "city"]\n'
    "for col in text_cols:\n"
    "    df[col] = df[col].str.strip()\n\n"
    'df["name"] = df["name"].str.title()\n'
    'df["email"] = df["email"].str.lower()\n'
    'df["city"] = df["city"].str.title()\n'
    'df["city"].value_counts(dropna=False)',
    md(
        "### Numbers stored as text\n\n"
        "`total_spend` has thousands separators (`1,250.00`), so pandas read it as text. "
        "`orders` is whole numbers with gaps: use the nullable integer type."
    ),
    'df["total_spend"] = pd.to_numeric(df["total_spend"].str.replace(",", "", regex=False))\n'
    'df["orders"] = df["orders"].astype("Int64")\n'
    'df[["total_spend", "orders"]].describe().round(2)',
    md(
        "### Dates\n\n"
        "Most sign-up dates are ISO (`2023-01-15`), some were typed day first (`14/02/2023`). "
        "Parse each format explicitly rather than letting pandas guess."
    ),
    'iso = pd.to_datetime(df["signup_date"], format="%Y-%m-%d", errors="coerce")\n'
    'day_first = pd.to_datetime(df["signup_date"], format="%d/%m/%Y", errors="coerce")\n'
    'df["signup_date"] = iso.fillna(day_first)\n'
    "# every date should have parsed with one of the two formats\n"
    'print("unparsed dates:", df["signup_date"].isna().sum())',
    md(
        "### Duplicates after normalising\n\n"
        "`C004` was entered twice with different spacing and case; now the two rows are equal."
    ),
    'dupes = df.duplicated(subset="customer_id", keep="first")\n'
    'print("duplicate ids after cleaning:", ", ".join(df.loc[dupes, "customer_id"]))\n'
    "df = df[~dupes].reset_index(drop=True)",
    md(
        "### Missing values\n\n"
        "Marketing cannot reach a customer without an email, so those rows go. A missing city "
        "becomes `Unknown`; missing spend and orders mean nothing was bought yet."
    ),
    'no_email = df["email"].isna()\n'
    'print(f"customers without email: {no_email.sum()}")\n'
    "clean = df[~no_email].copy()\n"
    'clean["city"] = clean["city"].fillna("Unknown")\n'
    'clean["total_spend"] = clean["total_spend"].fillna(0.0)\n'
    'clean["orders"] = clean["orders"].fillna(0)\n'
    "clean = clean.reset_index(drop=True)\n"
    'print("missing values left:", clean.isna().sum().sum())',
    "clean.head()",
    md("## Save"),
    "os.makedirs(OUT_DIR, exist_ok=True)\n"
    'out_path = os.path.join(OUT_DIR, "customers_clean.csv")\n'
    'clean.to_csv(out_path, index=False, date_format="%Y-%m-%d")\n'
    'print("wrote", out_path)',
    md("## Summary"),
    'print(f"raw rows:       {n_raw}")\n'
    'print(f"clean rows:     {len(clean)}")\n'
    'print(f"removed:        {n_raw - len(clean)}")\n'
    "print(f\"total spend:    {clean['total_spend'].sum():,.2f}\")\n"
    "print()\n"
    'print("customers per city:")\n'
    'print(clean["city"].value_counts().sort_index().to_string())',
]

SKLEARN: list[Cell] = [
    md(
        "# Wine cultivar classifier\n\n"
        "Can the chemical analysis of a wine tell us which of three cultivars it came from? "
        "We use the wine data bundled with scikit-learn (178 samples, 13 features), so nothing "
        "is downloaded."
    ),
    "import numpy as np\n"
    "from sklearn.datasets import load_wine\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "from sklearn.metrics import accuracy_score, confusion_matrix\n"
    "from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split\n"
    "from sklearn.pipeline import Pipeline\n"
    "from sklearn.preprocessing import StandardScaler\n\n"
    "SEED = 0",
    md("## Data"),
    "wine = load_wine(as_frame=True)\n"
    "X, y = wine.data, wine.target\n"
    "print(X.shape)\n"
    "y.value_counts().sort_index()",
    "X.iloc[:, :5].describe().round(2)",
    "X_train, X_test, y_train, y_test = train_test_split(\n"
    "    X, y, test_size=0.25, random_state=SEED, stratify=y\n)\n"
    'print(f"train: {len(X_train)}  test: {len(X_test)}")',
    md(
        "## Model\n\n"
        "The features are on very different scales (proline is in the hundreds, hue around 1), "
        "so scale them inside the pipeline: the scaler is then fitted on training folds only."
    ),
    "def make_pipeline(C=1.0):\n"
    '    """Scaler + logistic regression with regularisation strength ``C``."""\n'
    "    return Pipeline(\n"
    "        [\n"
    '            ("scale", StandardScaler()),\n'
    '            ("clf", LogisticRegression(C=C, max_iter=1000)),\n'
    "        ]\n"
    "    )\n\n\n"
    "def report(name, scores):\n"
    '    """One line per model: mean and spread of the fold scores."""\n'
    '    print(f"{name:<8} accuracy {np.mean(scores):.3f} +/- {np.std(scores):.3f}")',
    md(
        "## Cross-validation\n\nFive stratified folds on the training set, for a few values of `C`."
    ),
    "cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)\n"
    "cv_means = {}\n"
    "for C in [0.1, 1.0, 10.0]:\n"
    "    scores = cross_val_score(make_pipeline(C), X_train, y_train, cv=cv)\n"
    "    cv_means[C] = scores.mean()\n"
    '    report(f"C={C}", scores)',
    "# the C with the best mean fold accuracy\nbest_C = max(cv_means, key=cv_means.get)\nbest_C",
    md("## Final model on the test set"),
    "model = make_pipeline(best_C).fit(X_train, y_train)\n"
    "pred = model.predict(X_test)\n"
    'print(f"test accuracy: {accuracy_score(y_test, pred):.3f}")',
    "confusion_matrix(y_test, pred)",
]

PLOTTING: list[Cell] = [
    md(
        "# Sensor readings: a first look\n\n"
        "Simulated hourly temperatures from two greenhouse sensors over two weeks. "
        "The noise is drawn from a seeded generator, so the figures are the same on every run."
    ),
    "%matplotlib inline\n"
    "import matplotlib.pyplot as plt\n"
    "import numpy as np\n"
    "import pandas as pd\n\n"
    "rng = np.random.default_rng(2024)",
    md("## Simulate the readings"),
    "hours = np.arange(14 * 24)\n"
    "daily_cycle = np.sin(2 * np.pi * (hours - 9) / 24)\n\n"
    "# sensor A sits in the sun, sensor B near the door\n"
    "sensor_a = 22 + 4.0 * daily_cycle + rng.normal(0, 0.6, hours.size)\n"
    "sensor_b = 20 + 2.5 * daily_cycle + rng.normal(0, 1.1, hours.size)\n"
    'print(hours.size, "readings per sensor")',
    md("## Figure 1: the raw series\n\nThe first three days are enough to see the daily cycle."),
    "first = hours < 3 * 24\n"
    "fig, ax = plt.subplots(figsize=(7, 3))\n"
    'ax.plot(hours[first] / 24, sensor_a[first], label="sensor A")\n'
    'ax.plot(hours[first] / 24, sensor_b[first], label="sensor B")\n'
    'ax.set_title("Greenhouse temperature, hourly (days 0-3)")\n'
    'ax.set_xlabel("day")\n'
    'ax.set_ylabel("temperature (°C)")\n'
    "ax.legend()\n"
    "plt.show()",
    md(
        "## Figure 2: how different are the sensors?\n\n"
        "The difference A - B, by hour of day: the sun heats A in the afternoon."
    ),
    "diff = (sensor_a - sensor_b).reshape(14, 24)\n"
    "hourly_mean = diff.mean(axis=0)\n\n"
    "fig, ax = plt.subplots(figsize=(6, 3))\n"
    'ax.bar(np.arange(24), hourly_mean, color="tab:orange")\n'
    'ax.axhline(0, color="black", linewidth=0.8)\n'
    'ax.set_title("Mean difference A - B by hour of day")\n'
    'ax.set_xlabel("hour of day")\n'
    'ax.set_ylabel("difference (°C)")\n'
    "plt.show()",
    md("## Summary table"),
    "summary = pd.DataFrame(\n"
    '    {"sensor A": sensor_a, "sensor B": sensor_b}\n'
    ').agg(["mean", "std", "min", "max"]).T.round(2)\n'
    "print(summary.to_string())",
    'print(f"warmest hour for A vs B: {hourly_mean.argmax()}:00 '
    '({hourly_mean.max():.2f} °C warmer)")',
]

HELPERS: list[Cell] = [
    md(
        "# Small helpers for the field reports\n\n"
        "Unit conversions and text statistics we keep rewriting. Each helper is tried on a few "
        "concrete values and checked with `assert` before anyone relies on it."
    ),
    "import math\nimport re\nfrom collections import Counter",
    md("## Unit conversions"),
    "KM_PER_MILE = 1.609344\n\n\n"
    "def celsius_to_fahrenheit(celsius):\n"
    "    return celsius * 9 / 5 + 32\n\n\n"
    "def fahrenheit_to_celsius(fahrenheit):\n"
    "    return (fahrenheit - 32) * 5 / 9\n\n\n"
    "def km_to_miles(km, digits=2):\n"
    "    return round(km / KM_PER_MILE, digits)",
    "celsius_to_fahrenheit(100)",
    "fahrenheit_to_celsius(98.6)",
    "km_to_miles(42.195)  # a marathon",
    "# the conversions must round-trip\n"
    "for c in [-40, 0, 37, 100]:\n"
    "    assert math.isclose(fahrenheit_to_celsius(celsius_to_fahrenheit(c)), c)\n"
    "assert celsius_to_fahrenheit(-40) == -40\n"
    "assert km_to_miles(1.609344) == 1.0\n"
    'print("conversions ok")',
    md("## Text statistics"),
    'WORD = re.compile(r"[a-z\']+")\n\n\n'
    "def words(text):\n"
    '    """Lower-case words, punctuation dropped."""\n'
    "    return WORD.findall(text.lower())\n\n\n"
    "def text_stats(text):\n"
    "    ws = words(text)\n"
    "    return {\n"
    '        "words": len(ws),\n'
    '        "unique": len(set(ws)),\n'
    '        "mean_length": round(sum(map(len, ws)) / len(ws), 2) if ws else 0.0,\n'
    "    }\n\n\n"
    "def top_words(text, n=3):\n"
    "    return Counter(words(text)).most_common(n)",
    "note = (\n"
    '    "The north field is dry. The south field is wet, and the wet field "\n'
    '    "needs drainage before the spring planting."\n'
    ")\n"
    "text_stats(note)",
    "top_words(note)",
    'assert text_stats("") == {"words": 0, "unique": 0, "mean_length": 0.0}\n'
    'assert words("Don\'t STOP!") == ["don\'t", "stop"]\n'
    'assert top_words(note, 1) == [("the", 4)]\n'
    'print("text helpers ok")',
    md(
        "## A running tally\n\n"
        "Field readings arrive one at a time; this keeps the count, mean and extremes "
        "without storing them all."
    ),
    "class RunningStats:\n"
    '    """Count, mean, min and max of the values added so far."""\n\n'
    "    def __init__(self):\n"
    "        self.count = 0\n"
    "        self.total = 0.0\n"
    "        self.low = math.inf\n"
    "        self.high = -math.inf\n\n"
    "    def add(self, value):\n"
    "        self.count += 1\n"
    "        self.total += value\n"
    "        self.low = min(self.low, value)\n"
    "        self.high = max(self.high, value)\n"
    "        return self\n\n"
    "    @property\n"
    "    def mean(self):\n"
    "        return self.total / self.count if self.count else math.nan\n\n"
    "    def __repr__(self):\n"
    "        return (\n"
    '            f"RunningStats(count={self.count}, mean={self.mean:.2f}, "\n'
    '            f"low={self.low}, high={self.high})"\n'
    "        )",
    "readings_f = [68.0, 71.6, 75.2, 64.4]\n"
    "stats = RunningStats()\n"
    "for f in readings_f:\n"
    "    stats.add(round(fahrenheit_to_celsius(f), 1))\n"
    "stats",
    "assert stats.count == 4\n"
    "assert math.isclose(stats.mean, 21.0)\n"
    "assert (stats.low, stats.high) == (18.0, 24.0)\n"
    "assert math.isnan(RunningStats().mean)\n"
    'print("RunningStats ok")',
]

PARAMETERS: list[Cell] = [
    md(
        "# Regional sales report\n\n"
        "One report per region. Run it with papermill to change the parameters, e.g.\n"
        "`papermill parameters_report.ipynb out.ipynb -p region South -p show_top 5`."
    ),
    "# parameters (papermill overrides these)\n"
    'region = "North"\n'
    "min_units = 5  # ignore orders smaller than this\n"
    "fx_rate = 0.92  # USD -> EUR\n"
    "show_top = 3",
    md("## Load"),
    "import pandas as pd\n\n"
    'sales = pd.read_csv("data/sales.csv", parse_dates=["date"])\n'
    'sales["revenue_eur"] = (sales["units"] * sales["unit_price"] * fx_rate).round(2)\n'
    "sales.head()",
    md("## Filter"),
    'selected = sales[(sales["region"] == region) & (sales["units"] >= min_units)]\n'
    'print(f"{region}: {len(selected)} of {len(sales)} orders with at least {min_units} units")',
    md("## Report"),
    'by_product = selected.groupby("product")["revenue_eur"].sum().sort_values(ascending=False)\n'
    "by_product",
    'cols = ["date", "product", "units", "revenue_eur"]\n'
    'top = selected.nlargest(show_top, "revenue_eur")[cols]\n'
    'print(f"Top {show_top} orders in {region} (EUR):")\n'
    "print(top.to_string(index=False))",
    md("## Totals"),
    'total = selected["revenue_eur"].sum()\n'
    'share = total / sales["revenue_eur"].sum()\n'
    'print(f"{region} revenue: {total:,.2f} EUR ({share:.1%} of all regions)")\n'
    "print(f\"units sold: {selected['units'].sum()}\")",
]


def record(source: Path, out: Path) -> None:
    """``nb2prod run`` ``source`` into ``out``: the same notebook with the recorder's records."""
    command = [sys.executable, "-m", "nb2prod", "run", str(source), "-o", str(out)]
    subprocess.run(command, check=True)


def main() -> None:
    build(CLEAN, list(range(len(CLEAN))), EXAMPLES / "clean_analysis.ipynb")
    build(HIDDEN, HIDDEN_STEPS, EXAMPLES / "hidden_state.ipynb")
    build(IRIS, list(range(len(IRIS))), EXAMPLES / "iris_model.ipynb")
    build(CLEANING, list(range(len(CLEANING))), EXAMPLES / "cleaning_pandas.ipynb")
    build(SKLEARN, list(range(len(SKLEARN))), EXAMPLES / "sklearn_model.ipynb")
    build(PLOTTING, list(range(len(PLOTTING))), EXAMPLES / "plotting_matplotlib.ipynb")
    build(HELPERS, list(range(len(HELPERS))), EXAMPLES / "helpers_and_asserts.ipynb")
    build(
        PARAMETERS,
        list(range(len(PARAMETERS))),
        EXAMPLES / "parameters_report.ipynb",
        tags={1: ["parameters"]},
    )
    record(EXAMPLES / "clean_analysis.ipynb", EXAMPLES / "recorded_analysis.ipynb")
    print("built", ", ".join(sorted(p.name for p in EXAMPLES.glob("*.ipynb"))))


if __name__ == "__main__":
    main()
