"""Locking: offline from a folder of wheels made here, and (marked ``network``) against the index.

The offline tests check what the lock says against the wheel files themselves: each pin has the
sha256 of its wheel. The network tests lock ``requests`` at a fixed version and expect its
transitive dependencies, with hashes, from both resolvers.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import zipfile
from pathlib import Path

import pytest

from nb2prod.cli import main
from nb2prod.deps import Environment, Requirement, compile_lock, render_requirements_in
from nb2prod.deps.lock import Resolver, pins
from nb2prod.deps.package import lock_package, write_lock
from nb2prod.errors import NotebookError

HAS_UV = shutil.which("uv") is not None or importlib.util.find_spec("uv") is not None
HAS_PIP_TOOLS = importlib.util.find_spec("piptools") is not None
RESOLVERS = [
    pytest.param("pip-tools", marks=pytest.mark.skipif(not HAS_PIP_TOOLS, reason="no pip-tools")),
    pytest.param("uv", marks=pytest.mark.skipif(not HAS_UV, reason="no uv")),
]
NOTHING_INSTALLED = Environment()


def make_wheel(folder: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> Path:
    """A minimal pure-Python wheel, byte-identical for the same arguments."""
    dist_info = f"{name}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        f"{name}/__init__.py": f"VERSION = {version!r}\n",
        f"{dist_info}/METADATA": metadata,
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: nb2prod-tests\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{path},,\n" for path in files) + f"{dist_info}/RECORD,,\n"
    files[f"{dist_info}/RECORD"] = record
    path = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(zipfile.ZipInfo(member, (2020, 1, 1, 0, 0, 0)), text)
    return path


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    folder = tmp_path / "wheels"
    folder.mkdir()
    make_wheel(folder, "nb2prod_tinya", "1.0", ("nb2prod_tinyb>=2",))
    make_wheel(folder, "nb2prod_tinyb", "1.5")
    make_wheel(folder, "nb2prod_tinyb", "2.0")
    return folder


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes_of(lock: str, name: str) -> set[str]:
    """The hashes listed under ``name==...`` in a lock."""
    found: set[str] = set()
    inside = False
    for line in lock.splitlines():
        if line and not line[0].isspace():
            inside = line.lower().startswith(name.lower() + "==")
        elif inside and "--hash=sha256:" in line:
            found.add(line.split("--hash=sha256:")[1].split()[0])
    return found


@pytest.mark.parametrize("resolver", RESOLVERS)
def test_offline_lock_has_the_wheels_hashes(resolver: Resolver, wheels: Path) -> None:
    direct = [Requirement("nb2prod-tinya", "1.0", "installed")]
    lock = compile_lock(
        render_requirements_in(direct),
        direct,
        where="pkg",
        resolver=resolver,
        find_links=[str(wheels)],
        no_index=True,
        timeout=120,
    )
    assert pins(lock) == {"nb2prod-tinya": "1.0", "nb2prod-tinyb": "2.0"}
    assert hashes_of(lock, "nb2prod-tinya") == {
        sha256(wheels / "nb2prod_tinya-1.0-py3-none-any.whl")
    }
    assert hashes_of(lock, "nb2prod-tinyb") == {
        sha256(wheels / "nb2prod_tinyb-2.0-py3-none-any.whl")
    }
    assert str(wheels) not in lock  # no machine's paths in the lock
    assert lock.startswith("# requirements.lock: ")


@pytest.mark.parametrize("resolver", RESOLVERS)
def test_offline_missing_version_is_one_line_naming_it(resolver: Resolver, wheels: Path) -> None:
    direct = [Requirement("nb2prod-tinyb", "9.9", "pip-install")]
    with pytest.raises(NotebookError) as raised:
        compile_lock(
            render_requirements_in(direct),
            direct,
            where="pkg",
            resolver=resolver,
            find_links=[str(wheels)],
            no_index=True,
            timeout=120,
        )
    assert str(raised.value).startswith("pkg: cannot resolve nb2prod-tinyb==9.9: ")
    assert "\n" not in str(raised.value)


def write_package(folder: Path, dependencies: str) -> Path:
    folder.mkdir()
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = [{dependencies}]\n'
    )
    (folder / "nb2prod.json").write_text('{"notebook": "demo.ipynb", "recorded": {"x": "1"}}\n')
    return folder


def test_lock_package_is_deterministic_and_written_atomically(tmp_path: Path, wheels: Path) -> None:
    package = write_package(tmp_path / "demo", '"nb2prod-tinya"')
    results = [
        lock_package(
            package, env=NOTHING_INSTALLED, find_links=[str(wheels)], no_index=True, timeout=120
        )
        for _ in range(2)
    ]
    assert results[0] == results[1]
    (requirement,) = results[0].requirements
    assert (requirement.name, requirement.version, requirement.source) == (
        "nb2prod-tinya",
        None,
        "guess",
    )
    write_lock(package, results[0])
    assert (package / "requirements.lock").read_text() == results[0].lock
    assert "nb2prod-tinya  # guess" in (package / "requirements.in").read_text()
    assert sorted(p.name for p in package.iterdir()) == [
        "nb2prod.json",
        "pyproject.toml",
        "requirements.in",
        "requirements.lock",
    ]


def test_recorded_and_pinned_versions_from_the_package(tmp_path: Path, wheels: Path) -> None:
    package = write_package(tmp_path / "demo", '"nb2prod-tinya", "nb2prod_tinyb==1.5"')
    (package / "nb2prod.json").write_text('{"recorded": {"nb2prod-tinya": "1.0"}}\n')
    conflict = r"cannot resolve nb2prod-tiny[ab]==1\.[05]: its dependencies conflict"
    with pytest.raises(NotebookError, match=conflict):  # tinya 1.0 needs tinyb>=2
        lock_package(package, find_links=[str(wheels)], no_index=True, timeout=120)
    result = lock_package(
        package, recorded={"nb2prod-tinyb": "2.0"}, find_links=[str(wheels)], no_index=True
    )
    assert [(r.version, r.source) for r in result.requirements] == [
        ("1.0", "recorded"),
        ("2.0", "recorded"),
    ]


def test_cli_lock(tmp_path: Path, wheels: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = write_package(tmp_path / "demo", '"nb2prod-tinya"')
    code = main(["lock", str(package), "--no-index", "--find-links", str(wheels)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out == f"1 direct, 2 pinned with hashes in {package / 'requirements.lock'}\n"


def test_cli_lock_unusable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lock", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{tmp_path}: not a package folder: no pyproject.toml\n"
    package = write_package(tmp_path / "bad", '"not a requirement!"')
    assert main(["lock", str(package)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


REQUESTS = [Requirement("requests", "2.32.3", "pip-install")]
TRANSITIVE = {"requests", "urllib3", "idna", "certifi", "charset-normalizer"}


@pytest.fixture(scope="module")
def requests_locks() -> dict[str, str]:
    locks = {}
    available_resolvers: tuple[tuple[Resolver, bool], ...] = (
        ("pip-tools", HAS_PIP_TOOLS),
        ("uv", HAS_UV),
    )
    for resolver, available in available_resolvers:
        if available:
            text = render_requirements_in(REQUESTS)
            locks[resolver] = compile_lock(
                text, REQUESTS, where="pkg", resolver=resolver, timeout=120
            )
    return locks


@pytest.mark.network
@pytest.mark.skipif(not HAS_PIP_TOOLS, reason="no pip-tools")
def test_network_lock_has_transitive_hashes(requests_locks: dict[str, str]) -> None:
    lock = requests_locks["pip-tools"]
    assert set(pins(lock)) == TRANSITIVE
    assert pins(lock)["requests"] == "2.32.3"
    for name in TRANSITIVE:
        assert hashes_of(lock, name), name


@pytest.mark.network
@pytest.mark.skipif(not (HAS_UV and HAS_PIP_TOOLS), reason="needs uv and pip-tools")
def test_network_uv_gives_the_same_pins(requests_locks: dict[str, str]) -> None:
    assert pins(requests_locks["uv"]) == pins(requests_locks["pip-tools"])


@pytest.mark.network
@pytest.mark.parametrize("resolver", RESOLVERS)
def test_network_missing_version_names_the_package(resolver: Resolver) -> None:
    direct = [Requirement("requests", "0.0.999", "pip-install")]
    with pytest.raises(NotebookError) as raised:
        compile_lock(
            render_requirements_in(direct), direct, where="pkg", resolver=resolver, timeout=120
        )
    assert str(raised.value).startswith("pkg: cannot resolve requests==0.0.999: ")
    assert "\n" not in str(raised.value)
