"""The hostile-input suite's tally per attack class, from a run's JUnit XML.

    python3 -m pytest tests/test_hostile.py tests/test_hostile_server.py --junitxml=run.xml
    python3 tests/hostile_table.py run.xml [--failures]

Prints, per attack class (the first part of each case id, ``class.name.surface``): tries, held
(passed), failed (failed or errored) and skipped; with ``--failures``, each failed case with its
first problem, one line each.
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hostile import ATTACKS

_CASE_ID = re.compile(r"\[(?P<id>[^\]]+)\]$")


@dataclass(frozen=True)
class Outcome:
    case: str
    status: str  # "held", "failed" or "skipped"
    reason: str

    @property
    def attack(self) -> str:
        return self.case.split(".", 1)[0]


def outcomes(xml_text: str) -> list[Outcome]:
    """The hostile cases of a JUnit report (other tests are left out)."""
    found = []
    for testcase in ET.fromstring(xml_text).iter("testcase"):
        match = _CASE_ID.search(testcase.get("name", ""))
        if not match or "hostile" not in testcase.get("classname", ""):
            continue
        status, reason = "held", ""
        for tag, named in (("failure", "failed"), ("error", "failed"), ("skipped", "skipped")):
            element = testcase.find(tag)
            if element is not None:
                status, reason = named, first_line(element.get("message") or element.text or "")
                break
        found.append(Outcome(match.group("id"), status, reason))
    return found


def first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line.removeprefix("AssertionError: ")


def table(found: Iterable[Outcome]) -> str:
    tally: dict[str, Counter[str]] = {}
    for outcome in found:
        tally.setdefault(outcome.attack, Counter())[outcome.status] += 1
    order = [a for a in ATTACKS if a in tally] + sorted(set(tally) - set(ATTACKS))
    total = sum(tally.values(), Counter[str]())
    rows: list[tuple[str, ...]] = [("attack class", "tries", "held", "failed", "skipped")]
    rows += [row(name, tally[name]) for name in order] + [row("total", total)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]
        )
        for r in rows
    )


def row(name: str, counts: Counter[str]) -> tuple[str, ...]:
    return (
        name,
        *(str(n) for n in (counts.total(), counts["held"], counts["failed"], counts["skipped"])),
    )


def failures(found: Iterable[Outcome], width: int) -> str:
    rank = {attack: n for n, attack in enumerate(ATTACKS)}
    chosen = [o for o in found if o.status == "failed"]
    chosen.sort(key=lambda o: rank.get(o.attack, len(rank)))
    return "\n".join(f"{o.case}: {o.reason}"[:width] for o in chosen)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", help="JUnit XML written by pytest --junitxml")
    parser.add_argument("--failures", action="store_true", help="list each failed case")
    parser.add_argument("--width", type=int, default=240, help="cut failure lines at this width")
    args = parser.parse_args(argv)
    try:
        with open(args.report, encoding="utf-8") as handle:
            found = outcomes(handle.read())
    except (OSError, ET.ParseError) as problem:
        print(f"{args.report}: cannot be read as JUnit XML ({problem})", file=sys.stderr)
        return 2
    print(table(found))
    if args.failures:
        print()
        print(failures(found, args.width))
    return 0


if __name__ == "__main__":
    sys.exit(main())
