"""Golden packages: every file ``convert`` makes of each example notebook is checked in.

tests/data/packages/<stem>/ mirrors the package made from examples/<stem>.ipynb, bytes exact, so a
change in what nb2prod generates shows up as a diff in review. To accept a change on purpose,
regenerate (it rewrites each folder exactly, stale files removed) and read the diff first:
``NB2PROD_UPDATE_GOLDEN=1 python3 -m pytest tests/test_convert_golden.py``
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from nb2prod import runtime
from nb2prod.convert.package import Package, Refusal, convert_notebook
from nb2prod.notebook import load

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "tests" / "data" / "packages"
EXAMPLES = sorted((ROOT / "examples").glob("*.ipynb"))
#: Examples that convert refuses, with the kinds of the findings it names (sorted, repeats kept).
REFUSED = {
    "hidden_state": [
        "out-of-order", "out-of-order", "re-executed", "stale-output", "stale-output",
        "undefined-name",
    ],
}  # fmt: skip
CONVERTED = [p for p in EXAMPLES if p.stem not in REFUSED]
MACHINE_PATHS = ("/work", "/tmp", "/root", str(ROOT))
THIS = Path(__file__).relative_to(ROOT).as_posix()
UPDATE = bool(os.environ.get("NB2PROD_UPDATE_GOLDEN"))


def convert(stem: str, monkeypatch: pytest.MonkeyPatch) -> Package | Refusal:
    """Convert examples/<stem>.ipynb as ``nb2prod convert`` run in the repository root would."""
    monkeypatch.chdir(ROOT)
    return convert_notebook(load(f"examples/{stem}.ipynb"))


def as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def checked_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_golden(folder: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def difference(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """Which files differ, with a unified diff of the first differing text file."""
    changed = sorted(p for p in expected.keys() & actual.keys() if expected[p] != actual[p])
    lines = [f"{len(changed)} file(s) differ from the golden package: {', '.join(changed)}"]
    for path in changed:
        try:
            old, new = expected[path].decode("utf-8"), actual[path].decode("utf-8")
        except UnicodeDecodeError:
            continue
        diff = difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True),
            f"golden/{path}", f"generated/{path}",
        )  # fmt: skip
        lines += ["", *(line.rstrip("\n") for line in diff)]
        break
    lines.append(f"regenerate: NB2PROD_UPDATE_GOLDEN=1 python3 -m pytest {THIS}")
    return "\n".join(lines)


def test_every_example_is_golden_or_refused() -> None:
    assert set(REFUSED) <= {p.stem for p in EXAMPLES}
    assert len(CONVERTED) >= 7
    folders = {p.name for p in PACKAGES.iterdir() if p.is_dir() and p.name != "__pycache__"}
    if UPDATE:  # the other tests write the missing ones
        for stale in folders - {p.stem for p in CONVERTED}:
            shutil.rmtree(PACKAGES / stale)
        return
    assert folders == {p.stem for p in CONVERTED}


@pytest.mark.parametrize("stem", sorted(REFUSED))
def test_refused_with_its_findings(stem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = convert(stem, monkeypatch)
    assert isinstance(result, Refusal)
    assert sorted(f.kind for f in result.findings) == REFUSED[stem]
    assert all(f.severity.value == "error" for f in result.findings)


@pytest.mark.parametrize("stem", [p.stem for p in CONVERTED])
def test_package_matches_golden(stem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = convert(stem, monkeypatch)
    assert isinstance(result, Package), f"{stem}: refused: {result}"
    actual = {path: as_bytes(content) for path, content in sorted(result.files.items())}
    copied = f"src/{result.name}/_environment.py"  # the same in every package: not kept here
    assert actual.pop(copied) == runtime.source("environment_guard").encode("utf-8")
    folder = PACKAGES / stem
    if UPDATE:
        write_golden(folder, actual)
    assert folder.is_dir(), f"no golden package {folder}: regenerate with NB2PROD_UPDATE_GOLDEN=1"
    expected = checked_in(folder)
    missing, extra = sorted(expected.keys() - actual), sorted(actual.keys() - expected)
    assert not missing, f"{stem}: golden files no longer generated: {missing}"
    assert not extra, f"{stem}: generated files not in the golden package: {extra}"
    assert actual == expected, difference(expected, actual)


@pytest.mark.parametrize("stem", [p.stem for p in CONVERTED])
def test_no_machine_specific_paths(stem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = convert(stem, monkeypatch)
    assert isinstance(result, Package)
    for path, content in result.files.items():
        data = as_bytes(content)
        leaked = [p for p in MACHINE_PATHS if p.encode("utf-8") in data]
        assert not leaked, f"{stem}: {path} holds machine-specific path(s) {leaked}"
