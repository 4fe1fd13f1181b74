"""Every value read from notebook metadata (and from a package's ``nb2prod.json``) passes one
validator, ``nb2prod.metadata_values``: good values are kept as they are, hostile ones are left
out with a one-line notice that names them.

The unit tests feed the checks good and hostile values; ``test_metadata_hostile.py`` converts and
locks notebooks carrying hostile values with the real resolvers, the real CLI in a subprocess and
a local HTTP server that must see no request.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nb2prod import metadata_values as mv
from nb2prod.container.dockerfile import base_image, render_dockerfile
from nb2prod.deps.recorded import held_back, recorded_python, recorded_versions
from nb2prod.deps.requirement import Environment
from nb2prod.deps.versions import parse_pip_requirement, pin_versions
from nb2prod.notebook import Notebook
from nb2prod.records import clean_environment, read_records
from recorded_notebooks import CPU_ENVIRONMENT, SYNTHETIC_GPU

#: Values that must never pass as a name, a version or a Python version.
HOSTILE: list[Any] = [
    "2.2.2\n--index-url http://127.0.0.1:1/simple/",
    "2.2.2\r--extra-index-url http://127.0.0.1:1/",
    "--index-url http://127.0.0.1:1/simple/",
    "--find-links=http://127.0.0.1:1/",
    "--trusted-host 127.0.0.1",
    "-e ../evil",
    "-r other.txt",
    "../evil",
    "2.2.2; os_name == 'nt'",
    "evil @ http://127.0.0.1:1/evil.whl",
    "2.2.2 @ http://127.0.0.1:1/evil.whl",
    "2.2.2 ",
    " 2.2.2",
    "2.2 .2",
    "2.2.2\x00",
    "2.2.2\ud800",
    "2.2.2\u202e",
    "1" * 5000,
    "",
    2.2,
    22,
    True,
    ["2.2.2"],
    {"version": "2.2.2"},
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_hostile_values_are_no_name_version_or_python(value: Any) -> None:
    for check in (mv.version, mv.distribution_name, mv.python_release, mv.python_target):
        assert isinstance(check(value), mv.Bad), (check.__name__, value)


@pytest.mark.parametrize(
    "value",
    [
        "--index-url http://127.0.0.1:1/simple/",
        "--extra-index-url=http://127.0.0.1:1/",
        "-i http://127.0.0.1:1/",
        "-e ../evil",
        "-r other.txt",
        "../evil",
        "./evil.whl",
        "evil @ http://127.0.0.1:1/evil.whl",
        "evil @ file:///tmp/evil",
        "pandas==2.2.2\n--index-url http://127.0.0.1:1/",
        "git+https://127.0.0.1:1/evil.git",
        "pandas\x00",
        "",
        None,
        ["pandas"],
    ],
    ids=repr,
)
def test_hostile_requirements(value: Any) -> None:
    assert isinstance(mv.requirement(value), mv.Bad)
    assert isinstance(mv.requirement_line(value), mv.Bad)


@pytest.mark.parametrize(
    "value", ["2.2.3", "2.9.0.post0", "2.4.1+cu121", "1!2.0", "1.0rc1", "2024.1", "0.0.0.dev0"]
)
def test_versions_pass_as_written(value: str) -> None:
    assert mv.version(value) == value


@pytest.mark.parametrize("value", ["v1.0", "1.0-final-x", "latest", "1.0 ", "1.0\n", "1,0"])
def test_not_versions(value: str) -> None:
    assert isinstance(mv.version(value), mv.Bad)


@pytest.mark.parametrize("value", ["pandas", "scikit-learn", "python_dateutil", "zope.interface"])
def test_distribution_names_pass(value: str) -> None:
    assert mv.distribution_name(value) == value


def test_canonical_name_is_pep_503() -> None:
    assert mv.canonical_name("Scikit_Learn") == "scikit-learn"
    assert isinstance(mv.canonical_name("scikit learn"), mv.Bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("pandas==2.2.2", ("pandas", "2.2.2")),
        ("'numpy>=1.26'", ("numpy", None)),
        ('"scipy[all]==1.13.0"', ("scipy", "1.13.0")),
        ("pkg===x y", mv.Bad("not a requirement")),
        ("pkg===weird", ("pkg", None)),  # arbitrary equality: no version to pin
        ("pkg; os_name == 'nt'", ("pkg", None)),
    ],
)
def test_requirements_reduce_to_name_and_exact_pin(value: str, expected: object) -> None:
    assert mv.requirement(value) == expected
    if not isinstance(expected, mv.Bad):
        assert parse_pip_requirement(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("numpy>=1.26,<2", "numpy<2,>=1.26"),
        ("'pandas==2.2.2'", "pandas==2.2.2"),
        ("scipy==1.*", "scipy==1.*"),
        ('weird==="1"', "weird"),
        ("pkg[extra]; os_name == 'nt'", "pkg"),
    ],
)
def test_requirement_lines_are_rebuilt_from_checked_parts(value: str, expected: str) -> None:
    assert mv.requirement_line(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3.10.14", "3.10"), ("3.8.0", "3.8"), ("3.13.0rc1", "3.13"), ("3.12+", "3.12")],
)
def test_python_targets(value: str, expected: str) -> None:
    assert mv.python_target(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2.7.18", "Python 2.7 is older than 3.8, the oldest nb2prod targets"),
        ("3.7.17", "Python 3.7 is older than 3.8, the oldest nb2prod targets"),
        ("4.0", "Python 4.0 is not a Python 3 nb2prod can target"),
        ("3.\u00b2", "not a Python version"),
        ("3.10\n", "contains control characters"),
        ("banana", "not a Python version"),
        (3.1, "not text"),
    ],
)
def test_python_versions_nb2prod_cannot_target(value: object, reason: str) -> None:
    assert mv.python_target(value) == mv.Bad(reason)


@pytest.mark.parametrize("value", ["12.1", "12.4.1", "11.8"])
def test_cuda_versions(value: str) -> None:
    assert mv.cuda_version(value) == value


@pytest.mark.parametrize("value", ["12", "12.1\n", "12.1.1.1", "cu121", " 12.1", "\uff11\uff12.1"])
def test_not_cuda_versions(value: str) -> None:
    assert isinstance(mv.cuda_version(value), mv.Bad)


@pytest.mark.parametrize("value", ["data/iris.csv", "a/b/c.txt", "x.csv"])
def test_relative_paths(value: str) -> None:
    assert mv.relative_path(value) == value


@pytest.mark.parametrize(
    "value", ["../x", "a/../../b", "/etc/passwd", "C:\\x", "~/x", "\\\\host\\x", "x\x00", "x\ud800"]
)
def test_paths_outside_or_broken(value: str) -> None:
    assert isinstance(mv.relative_path(value), mv.Bad)


def test_index_urls() -> None:
    assert mv.index_url("https://download.pytorch.org/whl/cu121") is not None
    assert not isinstance(mv.index_url("https://download.pytorch.org/whl/cu121"), mv.Bad)
    for bad in (
        "http://127.0.0.1/simple",
        "https://user:pw@host.org/",
        "https://host.org/\n--index-url x",
        "file:///tmp/x",
        "https://host.org/?q=1",
    ):
        assert isinstance(mv.index_url(bad), mv.Bad), bad


@pytest.mark.parametrize(
    "value", ["NVIDIA H100 80GB HBM3", "Intel(R) Xeon(R) CPU @ 2.20GHz", "Linux-6.1.0-x86_64"]
)
def test_labels(value: str) -> None:
    assert mv.label(value) == value


@pytest.mark.parametrize("value", ["<script>", "a | b", "`x`", "[a](b)", "x\u202ey", "", "x\ny"])
def test_not_labels(value: str) -> None:
    assert isinstance(mv.label(value), mv.Bad)


def test_a_notice_is_one_line_naming_the_value() -> None:
    notices: list[mv.Ignored] = []
    value = "2.2.2\n--index-url http://host/simple/"
    assert mv.keep(value, mv.version, "recorded version of 'pandas'", notices) is None
    (line,) = [n.line("nb.ipynb") for n in notices]
    assert line == (
        "nb.ipynb: ignored recorded version of 'pandas' "
        "('2.2.2\\n--index-url http://host/simple/'): contains control characters"
    )
    assert mv.keep(None, mv.version, "missing", notices) is None
    assert len(notices) == 1  # a missing value is no notice


def test_shown_values_stay_short_and_visible() -> None:
    assert mv.shown("a" * 500).endswith("…")
    assert len(mv.shown("a" * 500)) < 70
    assert mv.shown("x\ud800") == "'x\\ud800'"
    assert mv.shown({"a": 1}) == "a JSON object"
    assert mv.shown(["a"]) == "a JSON array"


def test_recorded_tables_keep_the_good_pairs() -> None:
    notices: list[mv.Ignored] = []
    table = {"pandas": "2.2.2\n--index-url http://h/", "numpy": "1.26.4", "evil\n-e x": "1.0"}
    assert mv.versions(table, notices) == {"numpy": "1.26.4"}
    assert [n.what for n in notices] == ["recorded version of 'pandas'", "recorded package name"]
    assert mv.versions(["numpy"], notices) == {}


def test_real_records_pass_whole() -> None:
    notices: list[mv.Ignored] = []
    for record in (CPU_ENVIRONMENT, SYNTHETIC_GPU):
        assert clean_environment(record, notices) == record
    partial = {"id": "abc", "python": {"version": "3.11.9"}}
    assert clean_environment(partial, notices) == partial
    assert notices == []


def test_this_machines_record_passes_whole() -> None:
    """The real recorder's record of this machine (``nb2prod env --json``) loses nothing."""
    done = subprocess.run(
        [sys.executable, "-m", "nb2prod", "env", "--json"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    notices: list[mv.Ignored] = []
    assert clean_environment(record, notices) == record
    assert notices == []


def hostile_environment() -> dict[str, Any]:
    record = copy.deepcopy(SYNTHETIC_GPU)
    record["python"]["version"] = "3.11.9\nFROM evil"
    record["packages"] = {"torch": "2.3.0+cu121\n--extra-index-url http://h/", "numpy": "1.26.4"}
    record["gpu"]["driver_version"] = "550 | <b>"
    record["gpu"]["devices"][0]["name"] = "H100 `rm -rf /`"
    record["accelerators"]["torch"]["cuda"] = "12.1\n"
    record["accelerators"]["torch"]["cudnn"] = "8902; x"
    record["cpu"]["count"] = -1
    return record


def test_read_records_leaves_hostile_values_out_with_notices() -> None:
    history = [
        {"source_hash": "0123456789abcdef", "cell_id": "c1\n", "environment": "9d2e4f6a8b0c1d3e",
         "files": [{"path": "data\x00.csv"}, {"path": "ok.csv", "sha256": "zz", "size": -5}],
         "imports": [{"module": "os; x", "distribution": None}], "defined": ["x", "1y"]},
        {"source_hash": "not hex"},
    ]  # fmt: skip
    metadata = {
        "nb2prod": {
            "environments": {"9d2e4f6a8b0c1d3e": hostile_environment(), "bad\nid": {}},
            "history": history,
        }
    }
    records = read_records(metadata)
    assert records is not None
    env = records.current
    assert env is not None
    assert list(records.environments) == ["9d2e4f6a8b0c1d3e"]
    assert env.packages == {"numpy": "1.26.4"}
    assert env.python_version is None
    assert env.cuda_version == "12.4"  # the driver's, since the runtime's failed its check
    assert env.gpu["driver_version"] is None
    assert env.gpu["devices"][0]["name"] is None
    assert env.raw["accelerators"]["torch"] == {
        "version": "2.3.0+cu121",
        "cuda": None,
        "cudnn": None,
    }
    (execution,) = records.history
    assert execution.cell_id is None
    assert execution.defined == ("x",)
    assert [f.path for f in execution.files] == ["ok.csv"]
    assert execution.files[0].sha256 is None
    assert execution.files[0].size is None
    assert execution.imports == ()
    lines = [n.line("nb.ipynb") for n in records.notices]
    assert all("\n" not in line and line.startswith("nb.ipynb: ignored ") for line in lines)
    shown = "\n".join(lines)
    for part in ("'3.11.9\\nFROM evil'", "'550 | <b>'", "'bad\\nid'", "'data\\x00.csv'", "-1"):
        assert part in shown, part


def test_notebook_python_version_reads_only_a_python_release() -> None:
    def version(value: object) -> tuple[int, int] | None:
        return Notebook(
            "nb.ipynb", (), metadata={"language_info": {"version": value}}
        ).python_version

    assert version("3.11.7") == (3, 11)
    assert version("2.7.18") == (2, 7)
    assert version("3.13rc1") == (3, 13)
    assert [version(v) for v in ("3.\u00b2", "3.10\n", "banana", 3.11, None)] == [None] * 5


def test_lock_inputs_from_nb2prod_json_are_checked() -> None:
    provenance = {
        "recorded": {"pandas": "2.2.2\n--index-url http://h/", "six": "1.16.0", "x y": "1"},
        "recorded_python": "2.7.18",
    }
    notices: list[mv.Ignored] = []
    assert recorded_versions(provenance, notices) == {"six": "1.16.0"}
    assert recorded_python(provenance, notices) is None
    assert recorded_python({"recorded_python": "3.10.14"}) == "3.10"
    assert len(notices) == 3
    held = held_back({"evil\n-e x": "1.0", "six": "1.16.0\n-e x", "tzdata": "2024.1"}, [])
    assert [r.line for r in held] == ["tzdata==2024.1"]


def test_pins_never_take_a_hostile_recorded_version() -> None:
    recorded = {"pandas": "2.2.2\n--index-url http://h/", "numpy": "1.26.4"}
    found = pin_versions(["pandas", "numpy"], ["six===x\ny"], recorded=recorded, env=Environment())
    assert [r.line for r in found] == ["numpy==1.26.4", "pandas"]


def test_the_dockerfile_refuses_unchecked_versions() -> None:
    for python, cuda in (("3.11\n", None), ("3.11", "12.1\n"), ("2.7", None)):
        with pytest.raises(ValueError, match="version"):
            base_image(python, cuda)
    with pytest.raises(ValueError, match="not a Python import name"):
        render_dockerfile("pkg\nRUN evil", "3.11", labels={})
    text = render_dockerfile("pkg", "3.11", labels={"io.nb2prod.notebook": "a\nRUN evil $x"})
    assert "\nRUN evil" not in text
    assert "\\$x" in text


def test_run_looks_up_only_a_plain_kernel_name(tmp_path: Path) -> None:
    """``nb2prod run`` looks up only a plain kernelspec name: one that climbs to a kernel.json
    of the notebook's choosing (which jupyter_client itself no longer follows) runs python3."""
    from nb2prod.recorder.run import _kernel

    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "kernel.json").write_text('{"argv": ["false"], "display_name": "x", "language": "x"}')
    climbing = "../" * 30 + str(evil).lstrip("/")
    for name in (climbing, "python3\n", "a/b", ""):
        assert _kernel({"metadata": {"kernelspec": {"name": name}}}, None) == "python3"
    assert _kernel({"metadata": {}}, "wanted") == "wanted"
