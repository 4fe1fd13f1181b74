"""The hostile-input suite through the command line: every case of ``hostile_cases.CASES`` that
is a command, run as ``python -m nb2prod`` in a subprocess on a tree of real files, links and
FIFOs. A case holds when none of the checks in ``hostile_checks`` finds a problem; the failure
message lists every problem found, one per ``;``. ``python3 tests/hostile_table.py`` prints the
tally per attack class from a run's JUnit XML."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hostile import Case
from hostile_cases import CASES
from hostile_checks import (
    IndexSpy,
    command_problems,
    environment,
    fill,
    index_spy,
    nb2prod,
    package_problems,
    snapshot,
    tree_problems,
    write_layout,
)

pytestmark = pytest.mark.hostile


def params(cases: list[Case]) -> list[Any]:
    return [
        pytest.param(case, id=case.id, marks=[getattr(pytest.mark, m) for m in case.marks])
        for case in cases
    ]


@pytest.fixture
def spy() -> Iterator[IndexSpy]:
    with index_spy() as found:
        yield found


@pytest.mark.parametrize("case", params([c for c in CASES if c.body is None]))
def test_hostile_command(case: Case, tmp_path: Path, spy: IndexSpy) -> None:
    root, side = tmp_path / "t", tmp_path / "side"
    write_layout(case.layout, root, spy.port)
    env = environment(root, side)
    for setup in case.setup:
        nb2prod(tuple(fill(a, root, spy.port) for a in setup), root / "work", env, case.expect)
    before = snapshot(root)
    args = tuple(fill(a, root, spy.port) for a in case.args)
    ran = nb2prod(args, root / "work", env, case.expect, case.pipe)
    problems = command_problems(case, ran) + package_problems(case, root, env)
    problems += tree_problems(case.expect, root, before, snapshot(root)) + spy.problems(case.expect)
    assert not problems, "; ".join(problems)
