"""Recognisers for practice findings: secrets, absolute paths, randomness, in-notebook installs.

Each takes a value the parser already isolated (a string literal, an assignment target, a dotted
call name) and says what it is; none of them looks at source text.
"""

from __future__ import annotations

import re

_TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a GitHub token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}\b")),
    ("an OpenAI-style API key", re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_\-]{20,}")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("a Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("a bearer token", re.compile(r"\bBearer\s+(?P<value>[A-Za-z0-9\-._~+/]{16,}=*)")),
)
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:api_?key|apikey|secret(?:_key)?|access_?key|auth_?token|token|passw(?:or)?d|pwd|"
    r"private_?key|client_secret|credentials?)$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"^(?:|x+|\*+|\.+|<.*>|\{.*\}|\$\{?\w+\}?|your[_\- ].*|changeme|change_me|password|secret|"
    r"token|none|null|todo|xxx.*|dummy.*|test|example.*|placeholder.*)$",
    re.IGNORECASE,
)
_ABSOLUTE_PATH = re.compile(
    r"^(?:[A-Za-z]:[\\/]|\\\\[^\\]+\\|~[\\/]|/(?:home|Users|mnt|media|data|datasets|tmp|var|opt|"
    r"srv|root|content|kaggle|workspace|scratch|storage|Volumes|gpfs|lustre|projects?|share|"
    r"net|dbfs|nfs)/)",
)
_PIP_INSTALL = re.compile(r"(?:^|[\s/}])(?:pip3?|conda|mamba|micromamba|uv\s+pip)\s+install\b")


#: Text in which none of these occurs matches no pattern of :data:`_TOKEN_PATTERNS`: one quick
#: scan spares the nine slow ones on nearly every string (a test checks it against each pattern).
_TOKEN_PREFIXES = re.compile(
    r"A(?:KIA|SIA|Iza)|gh[pousr]_|github_pat_|sk-|xox|hf_|-----BEGIN |Bearer"
)


def token_kind(value: str) -> str | None:
    """Name the kind of credential a string literal contains, if it looks like one."""
    if _TOKEN_PREFIXES.search(value) is None:
        return None
    for label, pattern in _TOKEN_PATTERNS:
        if pattern.search(value):
            return label
    return None


def token_values(text: str) -> list[str]:
    """The credentials the token patterns find in ``text`` (a Bearer token without ``Bearer``)."""
    if _TOKEN_PREFIXES.search(text) is None:
        return []
    return [
        match.group("value") if "value" in pattern.groupindex else match.group(0)
        for _, pattern in _TOKEN_PATTERNS
        for match in pattern.finditer(text)
    ]


def is_secret_name(name: str) -> bool:
    """True for names such as ``API_KEY``, ``db_password``, ``github_token``."""
    return _SECRET_NAME.search(name) is not None


def is_real_secret_value(value: str) -> bool:
    """A literal that looks like a real credential rather than a placeholder or an empty value."""
    stripped = value.strip()
    lowered = stripped.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return False
    return len(stripped) >= 6 and not _PLACEHOLDER.match(stripped) and "\n" not in stripped


_PLACEHOLDER_WORDS = ("your", "enter", "here", "insert", "replace", "fill", "placeholder", "<", "{")


def mask(value: str) -> str:
    """Show enough of a secret to find it, never the secret itself."""
    stripped = value.strip()
    return f"{stripped[:4]}…({len(stripped)} characters)"


def is_absolute_path(value: str) -> bool:
    """An absolute or home-relative file path that only exists on one machine."""
    return len(value) < 500 and "\n" not in value and _ABSOLUTE_PATH.match(value) is not None


def is_pip_install(command: str) -> bool:
    """A shell command or ``%pip`` argument that installs packages."""
    return _PIP_INSTALL.search(" " + command) is not None


# Randomness ---------------------------------------------------------------------------------

CONVENTIONAL_ALIASES = {
    "np": "numpy", "tf": "tensorflow", "pd": "pandas", "rnd": "random", "npr": "numpy.random",
}  # fmt: skip

_PY_RANDOM = frozenset(
    {
        "random", "randint", "randrange", "choice", "choices", "shuffle", "sample", "uniform",
        "gauss", "normalvariate", "lognormvariate", "expovariate", "betavariate", "triangular",
        "getrandbits", "randbytes", "vonmisesvariate", "gammavariate", "paretovariate",
        "weibullvariate",
    }
)  # fmt: skip
_NP_RANDOM = frozenset(
    {
        "rand", "randn", "randint", "random", "random_sample", "ranf", "sample", "choice",
        "shuffle", "permutation", "normal", "uniform", "binomial", "poisson", "exponential",
        "beta", "gamma", "multivariate_normal", "standard_normal", "lognormal", "laplace",
        "logistic", "multinomial", "dirichlet", "geometric", "bytes", "random_integers",
    }
)  # fmt: skip
_TORCH_RANDOM = frozenset(
    {"rand", "randn", "randint", "randperm", "normal", "rand_like", "randn_like",
     "randint_like", "multinomial", "bernoulli", "poisson"}
)  # fmt: skip
#: scikit-learn functions and estimators that draw from numpy's global generator
#: unless given ``random_state``.
SKLEARN_RANDOM = frozenset(
    {
        "train_test_split", "RandomForestClassifier", "RandomForestRegressor",
        "ExtraTreesClassifier", "ExtraTreesRegressor", "GradientBoostingClassifier",
        "GradientBoostingRegressor", "HistGradientBoostingClassifier",
        "HistGradientBoostingRegressor", "KMeans", "MiniBatchKMeans", "TSNE", "MLPClassifier",
        "MLPRegressor", "SGDClassifier", "SGDRegressor", "IsolationForest", "ShuffleSplit",
        "StratifiedShuffleSplit", "RandomizedSearchCV", "BaggingClassifier", "BaggingRegressor",
        "AdaBoostClassifier", "AdaBoostRegressor", "make_classification", "make_regression",
        "make_blobs", "make_moons", "make_circles", "GaussianMixture", "RandomTreesEmbedding",
        "NMF", "LatentDirichletAllocation", "SpectralClustering", "Perceptron",
        "PassiveAggressiveClassifier",
    }
)  # fmt: skip
_SEEDERS = {
    "random.seed": "python",
    "numpy.random.seed": "numpy",
    "torch.manual_seed": "torch",
    "torch.random.manual_seed": "torch",
    "torch.cuda.manual_seed": "torch",
    "torch.cuda.manual_seed_all": "torch",
    "tensorflow.random.set_seed": "tensorflow",
    "tensorflow.set_random_seed": "tensorflow",
    "tensorflow.keras.utils.set_random_seed": "all",
    "keras.utils.set_random_seed": "all",
}
_SEED_EVERYTHING = frozenset({"set_seed", "seed_everything", "set_random_seed", "seed_all"})


def random_family(dotted: str, keywords: frozenset[str], n_args: int) -> tuple[str, bool] | None:
    """Classify a call by its canonical dotted name: ``(family, seeds)`` or None.

    ``seeds`` is True for calls that seed a generator (``np.random.seed(0)``), False for calls that
    draw from one (``np.random.rand()``). ``family`` names the generator ("python", "numpy", ...);
    "all" seeds every family; "unseeded" is a fresh generator made without a seed.
    """
    if dotted in _SEEDERS:
        return _SEEDERS[dotted], True
    head, _, last = dotted.rpartition(".")
    if last in _SEED_EVERYTHING and n_args:
        return "all", True
    if dotted in ("numpy.random.default_rng", "numpy.random.RandomState", "random.Random"):
        return ("seeded", True) if n_args or "seed" in keywords else ("unseeded", False)
    if head == "random" and last in _PY_RANDOM:
        return "python", False
    if head == "numpy.random" and last in _NP_RANDOM:
        return "numpy", False
    if head == "random" and last in _NP_RANDOM:  # `from numpy import random` in another cell
        return "numpy", False
    if head == "torch" and last in _TORCH_RANDOM:
        return "torch", False
    if head == "tensorflow.random" and last not in ("set_seed", "Generator", "experimental"):
        return "tensorflow", False
    if last in SKLEARN_RANDOM and "random_state" not in keywords:
        if last in ("KFold", "StratifiedKFold") and "shuffle" not in keywords:
            return None
        return "numpy", False
    return None
