"""Imports -> distributions -> pinned requirements, and the wheel index for CUDA builds: pure."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from nb2prod.analysis import analyse_notebook
from nb2prod.analysis.facts import Import, Pos
from nb2prod.deps import (
    Environment,
    Requirement,
    canonical,
    direct_requirements,
    extra_index_urls,
    map_imports,
    parse_pip_requirement,
    pin_versions,
    render_requirements_in,
    top_level_modules,
)
from nb2prod.deps.index import index_for, local_label
from nb2prod.deps.lock import failure, lock_header
from nb2prod.deps.mapping import ALIASES
from nb2prod.notebook import load

ROOT = Path(__file__).resolve().parent.parent
EMPTY = Environment()


def test_standard_library_is_left_out(tmp_path: Path) -> None:
    mapped = map_imports(["os", "sys", "json", "collections", "__future__", "numpy"], str(tmp_path))
    assert [d.name for d in mapped.distributions] == ["numpy"]
    assert mapped.local == ()


def test_modules_beside_the_notebook_are_local(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("X = 1\n")
    (tmp_path / "mylib").mkdir()
    (tmp_path / "mylib" / "__init__.py").write_text("")
    (tmp_path / "notpkg").mkdir()  # a folder without __init__.py is not a module here
    mapped = map_imports(["helpers", "mylib", "notpkg"], str(tmp_path), EMPTY)
    assert mapped.local == ("helpers", "mylib")
    assert [d.name for d in mapped.distributions] == ["notpkg"]


@pytest.mark.parametrize(
    ("module", "distribution"),
    [
        ("sklearn", "scikit-learn"),
        ("cv2", "opencv-python"),
        ("PIL", "pillow"),
        ("yaml", "PyYAML"),
        ("bs4", "beautifulsoup4"),
        ("skimage", "scikit-image"),
        ("dateutil", "python-dateutil"),
        ("requests", "requests"),
    ],
)
def test_alias_table_for_what_is_not_installed(module: str, distribution: str) -> None:
    (found,) = map_imports([module], "/nonexistent", EMPTY).distributions
    assert (found.name, found.installed) == (distribution, False)


def test_alias_table_is_large_enough() -> None:
    assert len(ALIASES) >= 25


def test_installed_distribution_is_found_here() -> None:
    direct = direct_requirements(["sklearn", "numpy"], [], "/nonexistent")
    by_name = {canonical(r.name): r for r in direct.requirements}
    assert by_name["scikit-learn"].version == importlib.metadata.version("scikit-learn")
    assert by_name["scikit-learn"].source == "installed"
    assert by_name["numpy"].version == importlib.metadata.version("numpy")


def test_several_candidates_choose_the_installed_one_and_say_so() -> None:
    env = Environment(
        {"cv2": ("opencv-python-headless",), "google": ("google-auth", "protobuf")},
        {"opencv-python-headless": ("opencv-python-headless", "4.10.0.84")},
    )
    found = map_imports(["cv2", "google"], "/nonexistent", env).distributions
    cv2, google = sorted(found, key=lambda d: d.module)
    assert cv2.name == "opencv-python-headless"
    assert "opencv-python" in cv2.note
    assert google.name == "google-auth"
    assert "protobuf" in google.note
    (requirement,) = direct_requirements(["cv2"], [], "/nonexistent", env=env).requirements
    assert requirement == Requirement("opencv-python-headless", "4.10.0.84", "installed", cv2.note)


def test_not_installed_is_a_guess_left_to_the_resolver() -> None:
    (requirement,) = pin_versions(["nb2prod-no-such-dist"], env=EMPTY)
    assert (requirement.version, requirement.source) == (None, "guess")
    assert requirement.line == "nb2prod-no-such-dist"


def test_pip_install_pins_win_over_installed() -> None:
    env = Environment(installed={"pandas": ("pandas", "2.2.3"), "requests": ("requests", "2.32.3")})
    found = pin_versions(
        ["pandas", "requests"],
        ["'pandas==1.5.3'", "requests>=2", "tqdm[notebook]==4.66.1"],
        env=env,
    )
    assert [(r.name, r.version, r.source) for r in found] == [
        ("pandas", "1.5.3", "pip-install"),
        ("requests", "2.32.3", "installed"),
        ("tqdm", "4.66.1", "pip-install"),
    ]
    assert "2.2.3 is installed here" in found[0].note


def test_recorded_versions_win_over_everything() -> None:
    env = Environment(installed={"numpy": ("numpy", "2.0.0")})
    (requirement,) = pin_versions(
        ["numpy"], ["numpy==1.26.0"], recorded={"NumPy": "1.26.4"}, env=env
    )
    assert (requirement.version, requirement.source) == ("1.26.4", "recorded")
    assert "1.26.0" in requirement.note


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("pkg", ("pkg", None)),
        ("'pkg[extra]==1.2'", ("pkg", "1.2")),
        ('"pkg>=1,<2"', ("pkg", None)),
        ("pkg==1.*", ("pkg", None)),
        ("pkg===1.0", ("pkg", "1.0")),
        ("./local/dir", None),
        ("-r", None),
        ("name @ https://example.invalid/x.whl", None),
    ],
)
def test_parse_pip_requirement(text: str, parsed: tuple[str, str | None] | None) -> None:
    assert parse_pip_requirement(text) == parsed


def test_top_level_modules_of_the_analysis() -> None:
    imports = [
        Import("sklearn.datasets", "load_iris", Pos(1), "load_iris"),
        Import("numpy", "np", Pos(2)),
        Import("", "helpers", Pos(3), "helpers", level=1),
        Import("__future__", "annotations", Pos(1), "annotations"),
    ]
    assert top_level_modules(imports) == ["numpy", "sklearn"]


def test_an_example_notebook_end_to_end() -> None:
    notebook = load(str(ROOT / "examples" / "iris_model.ipynb"))
    modules = top_level_modules(i for c in analyse_notebook(notebook) for i in c.facts.imports)
    direct = direct_requirements(modules, [], notebook.directory)
    assert "scikit-learn" in {canonical(r.name) for r in direct.requirements}
    assert all(r.source == "installed" for r in direct.requirements)


@pytest.mark.parametrize(
    ("name", "version", "index"),
    [
        ("torch", "2.4.1+cu121", "https://download.pytorch.org/whl/cu121"),
        ("torchvision", "0.19.1+cu118", "https://download.pytorch.org/whl/cu118"),
        ("torch", "2.4.1+cpu", "https://download.pytorch.org/whl/cpu"),
        ("torchaudio", "2.3.0+rocm6.0", "https://download.pytorch.org/whl/rocm6.0"),
        ("torch", "2.4.1", None),
        ("numpy", "1.26.4+local", None),
        ("torch", "2.4.1+mybuild", None),
    ],
)
def test_cuda_builds_point_at_their_wheel_index(name: str, version: str, index: str | None) -> None:
    assert index_for(Requirement(name, version, "recorded")) == index


def test_extra_indexes_in_both_files() -> None:
    requirements = [
        Requirement("numpy", "1.26.4", "installed"),
        Requirement("torch", "2.4.1+cu121", "recorded"),
        Requirement("torchvision", "0.19.1+cu121", "recorded"),
    ]
    assert local_label("2.4.1+cu121") == "cu121"
    assert extra_index_urls(requirements) == ["https://download.pytorch.org/whl/cu121"]
    text = render_requirements_in(requirements, "demo")
    assert "--extra-index-url https://download.pytorch.org/whl/cu121\n" in text
    assert "torch==2.4.1+cu121  # recorded\n" in text  # the label is kept
    assert "--extra-index-url https://download.pytorch.org/whl/cu121\n" in lock_header(requirements)
    assert "--extra-index-url" not in lock_header(requirements[:1])


def test_requirements_in_says_where_each_version_came_from() -> None:
    text = render_requirements_in(
        [
            Requirement("pandas", "1.5.3", "pip-install", "2.2.3 is installed\nhere"),
            Requirement("tqdm", None, "guess"),
        ],
        "demo",
    )
    assert "pandas==1.5.3  # pip-install: 2.2.3 is installed here\n" in text
    assert "\ntqdm  # guess\n" in text
    assert text.startswith("# requirements.in: the direct dependencies of demo")


PIP_NO_VERSION = """\
ERROR: Could not find a version that satisfies the requirement requests==99.0 (from versions: \
2.31.0, 2.32.3)
ERROR: No matching distribution found for requests==99.0
"""
UV_NO_VERSION = """\
  × No solution found when resolving dependencies:
  ╰─▶ Because there is no version of requests==99.0 and you require requests==99.0, we can
      conclude that your requirements are unsatisfiable.
"""
UV_NOT_FOUND = """\
  × No solution found when resolving dependencies:
  ╰─▶ Because nb2prod-nope was not found in the package registry and you require nb2prod-nope, we
      can conclude that your requirements are unsatisfiable.
"""
UV_OFFLINE = "error: Failed to fetch: `https://example.invalid/simple/requests/`\n  dns error\n"


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (PIP_NO_VERSION, "cannot resolve requests==99.0: no matching version on the package index"),
        (UV_NO_VERSION, "cannot resolve requests==99.0: no matching version on the package index"),
        (UV_NOT_FOUND, "cannot resolve nb2prod-nope: not on the package index"),
        (UV_OFFLINE, "cannot resolve requests==99.0: the package index cannot be reached"),
        ("something odd\n", "cannot resolve the requirements: something odd"),
    ],
)
def test_failure_is_one_line_naming_the_package(output: str, message: str) -> None:
    direct = [
        Requirement("requests", "99.0", "pip-install"),
        Requirement("nb2prod-nope", None, "guess"),
    ]
    found = failure(output, direct)
    assert found.startswith(message)
    assert "\n" not in found
