"""The hostile cases that aim at what nb2prod writes: injection into generated code, metadata
injection, files and secrets. ``CASES`` is every case of every class (``hostile_misuse.py`` has
data loss, crashes and the server), in the order of ``hostile.ATTACKS``."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from typing import Any

from hostile import (
    ATTACKS,
    MADE,
    MARK,
    OUTSIDE,
    PACKAGE,
    PAYLOADS,
    REL_MARK,
    Case,
    Entry,
    Expect,
    Layout,
    Link,
    both,
    checked,
    code,
    convert_args,
    converted,
    dump,
    error,
    id_notebook,
    kernel_notebook,
    notebook,
    reads,
    recorded,
    result,
    runs,
    stream,
    text_notebook,
    tree,
)
from hostile_misuse import SERVER_OUTPUT, crash, data_loss, server
from recorded_notebooks import CPU_ENVIRONMENT, SYNTHETIC_GPU, Cell, read

# --- 1. injection into generated code -----------------------------------------------------------

FILE_NAMES = {
    "name-triple-double": f'nb""";{REL_MARK};""".ipynb',
    "name-triple-single": f"nb''';{REL_MARK};'''.ipynb",
    "name-newline": f"nb\n{REL_MARK}\n.ipynb",
    "name-braces": "nb{0}{name}{}.ipynb",
    "name-backslash": "nb\\x41\\.ipynb",
    "name-undecodable": "nb\udcff.ipynb",  # the bytes b"nb\xff.ipynb": not UTF-8
}
CELL_IDS = {"id-newline": f"cell\n{MARK}", "id-quotes": f'c""";{MARK};"""'}
HOSTILE = PAYLOADS["triple-double"]
#: Payloads whose generated tests are run too: those that break out of a string literal (an
#: expected output in a test body runs only when the test does).
RUN_TESTS = ("triple-double", "triple-single", "newline", "comment")
LEXER = {"name": "python", "version": "3.11.7", "pygments_lexer": HOSTILE,
         "codemirror_mode": {"name": HOSTILE}}  # fmt: skip
SHOWN = {"name": "python3", "display_name": HOSTILE, "language": "python"}
NAMED = {"name": f"python3\n{MARK}", "display_name": "Python 3", "language": "python"}
LANGUAGE = {"name": f'python""";{MARK};"""', "version": "3.11.7"}


def injection() -> Iterator[Case]:
    for key, payload in PAYLOADS.items():
        files = {"work/nb.ipynb": text_notebook(payload)}
        yield converted("injection", key, files, codes=MADE, run_tests=key in RUN_TESTS)
        yield checked("injection", key, files, codes=MADE)
    layout = tree({"work/nb.ipynb": text_notebook(HOSTILE)})
    ran = Expect(output="work/nb.ipynb")
    yield Case(
        "injection", "triple-double", "run", layout, ("run", "nb.ipynb"), ran, marks=("kernel",)
    )
    verify = ("verify", f"../{PACKAGE}")
    yield Case("injection", "triple-double", "verify", layout, verify, Expect(within=600),
               setup=(convert_args(),), marks=("network", "slow"))  # fmt: skip
    for key, cell_id in CELL_IDS.items():
        yield from both("injection", key, {"work/nb.ipynb": id_notebook(cell_id)}, codes=MADE)
    for key, name in FILE_NAMES.items():
        yield from both("injection", key, {f"work/{name}": text_notebook("Load")}, name, MADE)
    shown = {"work/nb.ipynb": kernel_notebook(SHOWN, LEXER)}
    yield converted("injection", "kernel-display-name", shown, codes=MADE)
    named = {"work/nb.ipynb": kernel_notebook(NAMED, LEXER)}
    yield from both("injection", "kernel-name", named, codes=MADE)
    language = {"work/nb.ipynb": kernel_notebook(SHOWN, LANGUAGE)}
    yield from both("injection", "language-name", language, codes=MADE)


# --- 2. metadata injection ----------------------------------------------------------------------

INDEX_FORMS = {
    "index-url": "1.16.0\n--index-url http://127.0.0.1:@PORT@/simple/",
    "extra-index-url": "1.16.0\n--extra-index-url http://127.0.0.1:@PORT@/simple/",
    "find-links": "1.16.0\n-f http://127.0.0.1:@PORT@/links/",
    "direct-url": "1.16.0\nsix @ http://127.0.0.1:@PORT@/six-1.16.0.tar.gz",
    "at-url": "1.16.0 @ http://127.0.0.1:@PORT@/six-1.16.0.tar.gz",
}
#: The forms ``nb2prod lock`` reads back from a package's nb2prod.json: one of each kind (an
#: index, a links page, a direct reference); convert tries them all.
LOCKED = ("index-url", "find-links", "direct-url")
IMPORTS_SIX: list[Cell] = [("import six\nprint(six.__name__)", "six\n", [])]
INJECTED = "rm -rf"
#: The index URL of INDEX_FORMS must reach no generated file.
GUARDED: dict[str, Any] = {"no_request": True, "forbidden": ("127.0.0.1",), "within": 400}
PYTHON2 = {"name": "python2", "display_name": "Python 2", "language": "python"}
PYTHON2_INFO = {"name": "python", "version": "2.7.18",
                "codemirror_mode": {"name": "ipython", "version": 2}}  # fmt: skip


def with_packages(packages: dict[str, str], **changes: Any) -> dict[str, Any]:
    """The recorded CPU environment with ``packages`` (and other keys changed)."""
    environment = copy.deepcopy(CPU_ENVIRONMENT)
    environment["packages"] = packages
    return {**environment, **changes}


def hostile_package(version: str) -> Layout:
    """``T/work/pkg``: a package as convert writes one, whose ``nb2prod.json`` records six at
    ``version``."""
    pyproject = (
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[project]\nname = "pkg"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
        'dependencies = ["six"]\n\n[tool.hatch.build.targets.wheel]\npackages = ["src/pkg"]\n'
    )
    provenance = {"recorded": {"six": version}, "recorded_python": "3.10.14"}
    return tree({
        "work/pkg/pyproject.toml": pyproject.encode(),
        "work/pkg/nb2prod.json": json.dumps(provenance, indent=2).encode(),
        "work/pkg/src/pkg/__init__.py": b"import six\n",
    })  # fmt: skip


def hostile_gpu() -> dict[str, Any]:
    gpu = copy.deepcopy(SYNTHETIC_GPU)
    gpu["gpu"]["cuda_driver_version"] = f"12.4; {INJECTED} /"
    gpu["gpu"]["driver_version"] = f"550.54.15\nRUN {INJECTED} /"
    gpu["gpu"]["devices"][0]["name"] = f"H100\nRUN {INJECTED} /"
    gpu["accelerators"]["torch"]["cuda"] = f"12.1\nRUN {INJECTED} /"
    return gpu


def metadata() -> Iterator[Case]:
    network = ("network",)
    for key, version in INDEX_FORMS.items():
        files = tree(
            {"work/analysis.ipynb": recorded(IMPORTS_SIX, with_packages({"six": version}))}
        )
        args = convert_args("analysis.ipynb", lock=True)
        expect = Expect(output=PACKAGE, **GUARDED)
        yield Case("metadata", key, "convert", files, args, expect, marks=network)
        if key in LOCKED:
            expect = Expect(output="work/pkg", **GUARDED)
            yield Case("metadata", key, "lock", hostile_package(version), ("lock", "pkg"), expect,
                       marks=network)  # fmt: skip
        if key == "index-url":
            body = {"path": "analysis.ipynb", "output": SERVER_OUTPUT, "allow_hidden_state": True}
            expect = Expect(output=f"work/{SERVER_OUTPUT}", **GUARDED)
            yield Case("server", f"metadata-{key}", "convert", files, body=body, expect=expect,
                       marks=network)  # fmt: skip
    python2 = {"work/nb.ipynb": kernel_notebook(PYTHON2, PYTHON2_INFO)}
    yield from both("metadata", "python2", python2, codes=frozenset({0, 1}))
    files = {"work/analysis.ipynb": recorded(IMPORTS_SIX, hostile_gpu())}
    yield converted("metadata", "cuda", files, "analysis.ipynb", codes=MADE, forbidden=(INJECTED,))
    packages = {"six": f"1.16.0 ; {INJECTED} /", f"evil\nRUN {INJECTED} /": "1.0",
                "numpy": f"1.26\n{INJECTED}"}  # fmt: skip
    python = {"version": f"3.11\nRUN {INJECTED} /", "implementation": f"CPython\n{INJECTED}"}
    files = {"work/analysis.ipynb": recorded(IMPORTS_SIX, with_packages(packages, python=python))}
    yield converted("metadata", "python-and-names", files, "analysis.ipynb", codes=MADE,
                    forbidden=(INJECTED,))  # fmt: skip


# --- 3. files and secrets -----------------------------------------------------------------------

SECRET_CODE = {
    "secret-dict": (
        'config = {"user": "me", "password": "hunter2xyzQ9"}\nprint(config["user"])',
        "hunter2xyzQ9",
    ),
    "secret-db-url": (
        'DB_URL = "postgresql://analyst:s3cretpwZ7@db.example.com:5432/sales"\n'
        'print(DB_URL.rsplit("@", 1)[1])',
        "s3cretpwZ7",
    ),
    "secret-bearer": (
        'headers = {"Authorization": "Bearer c2VjcmV0LXRva2VuLTEyMw.Kx9vQ2mTa8"}\n'
        "print(sorted(headers))",
        "c2VjcmV0LXRva2VuLTEyMw",
    ),
    "secret-split-aws": ('KEY = "AKIA" + "Q7XH3K2M9PLW4RZT"\nprint(len(KEY))', "Q7XH3K2M9PLW4RZT"),
}
ENV_SECRET, KEY_SECRET = "ENVSECRET-4b1d93c2", "RSASECRET-9e8d7c6b"
PRIVATE_KEY = (
    f"-----BEGIN OPENSSH PRIVATE KEY-----\n{KEY_SECRET}\n-----END OPENSSH PRIVATE KEY-----\n"
)
OUTPUT_SECRETS = ("outpw-Hx82kq93", "errpw-Lq2m8v", "ghp_R8sK2mQ9vX4tL7wZ1nB5cD3fG6hJ0kP2yT8e")
TO_OUTSIDE = Link("@T@/outside/secret.txt")
GLOBS = "import glob\nnames = sorted(glob.glob('data/*.csv'))"
BOTH_FILES = (
    "with open('data/ok.csv') as ok, open('data/more.csv') as more:\n"
    "    sizes = [len(ok.read()), len(more.read())]"
)
BY_NAME = "import os\nname = 'extra'\nfound = os.path.exists(os.path.join('data', name + '.txt'))"
RECORDED_PATHS = ("../outside/secret.txt", "@T@/outside/secret.txt", "data/extra.txt")


def secrets_in_outputs() -> bytes:
    """Code that reads secrets from the environment; the outputs saved with it show them."""
    printed, failed, shown = OUTPUT_SECRETS
    url = f"postgresql://admin:{failed}@db/x"
    connect = "def connect():\n    raise ConnectionError('no ' + os.environ['DB_URL'])\nconnect()"
    password = "import os\nprint('password:', os.environ['DB_PASSWORD'])"
    return dump(notebook(
        code(password, 1, [stream(f"password: {printed}\n")]),
        code(connect, 2, [error("ConnectionError", f"could not connect to {url}")]),
        code("os.environ['GITHUB_TOKEN']", 3, [result(repr(shown), 3)]),
    ))  # fmt: skip


def shipped(name: str, files: Mapping[str, Entry], nb: str = "nb.ipynb", **expect: Any) -> Case:
    """A package must be written, without the outside file or ``forbidden`` text in it."""
    return converted("files", name, files, nb, codes=MADE, **expect)


def files() -> Iterator[Case]:
    yield shipped(
        "link-file", {"work/data/nums.csv": TO_OUTSIDE, "work/nb.ipynb": reads("data/nums.csv")}
    )
    folder: dict[str, Entry] = {
        "work/data": Link("@T@/outside"),
        "work/nb.ipynb": reads("data/secret.txt"),
    }
    yield shipped("link-folder", folder)
    inside: dict[str, Entry] = {
        "work/data/ok.csv": b"a,b\n1,2\n",
        "work/data/more.csv": TO_OUTSIDE,
        "work/nb.ipynb": runs(GLOBS, BOTH_FILES, "print(names, sizes)"),
    }
    yield shipped("link-in-data-folder", inside)
    content = f"{OUTSIDE}\n"
    only = recorded([(BY_NAME, "", [read(p, content) for p in RECORDED_PATHS])], CPU_ENVIRONMENT)
    yield shipped("recorded-path", {"work/data/extra.txt": TO_OUTSIDE, "work/analysis.ipynb": only},
                  "analysis.ipynb")  # fmt: skip
    secret = {"work/.env": f"API_TOKEN={ENV_SECRET}\n".encode(), "work/nb.ipynb": reads(".env")}
    yield shipped("dotenv", secret, forbidden=(ENV_SECRET,))
    key = {"work/id_rsa": PRIVATE_KEY.encode(), "work/nb.ipynb": reads("id_rsa")}
    yield shipped("id-rsa", key, forbidden=(KEY_SECRET,))
    for name, (source, secret_text) in SECRET_CODE.items():
        yield shipped(name, {"work/nb.ipynb": runs(source)}, forbidden=(secret_text,))
    yield shipped(
        "secret-outputs", {"work/nb.ipynb": secrets_in_outputs()}, forbidden=OUTPUT_SECRETS
    )


def all_cases() -> list[Case]:
    cases = [*injection(), *metadata(), *files(), *data_loss(), *crash()]
    cases += server(cases)
    return sorted(cases, key=lambda case: ATTACKS.index(case.attack))


CASES = all_cases()
