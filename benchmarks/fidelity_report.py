"""What the fidelity harness prints and writes: a line per notebook as it finishes, then the pass
rate, the failures by cause with their first error line, and check's scores. Pure functions of
the records fidelity_measure returns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Record = Mapping[str, Any]
#: How a claim came out (fidelity_score.judge_claim).
HOW = ("differs", "failed-at", "failed-before", "unconfirmed")
#: Differences that are not hidden state: a changed library, the clock, the machine (no static
#: check could foresee them), and a cell that never ran (it stored nothing to reproduce).
NOISE = frozenset({"timing", "address", "wording", "pretty-print", "environment", "unexecuted"})


def render_line(record: Record, width: int = 3) -> str:
    """``007 run=completed 12s convert=ok verify=failed (output mismatch: other) kind path``."""
    run = record["run"]
    parts = [f"{record.get('index', 0):0{width}d}", f"run={run['status']}"]
    if "seconds" in run:
        parts.append(f"{run['seconds']:.0f}s{' cached' if run.get('cached') else ''}")
    if "convert" in record:
        convert = record["convert"]
        parts.append(f"convert={convert['status']}")
        if convert.get("refused_by"):
            parts.append(f"({', '.join(convert['refused_by'])})")
    verify = record.get("verify")
    if verify:
        shown = f"verify={verify['status']}"
        if verify["status"] != "passed":
            shown += f" ({verify.get('cause', '')}; {verify['passed']} passed)"
        parts.append(shown)
    parts += [record["kind"], record["notebook"]]
    return " ".join(parts)


def cause(record: Record) -> str | None:
    """Why a notebook that ran to completion did not verify (None: it verified, or never ran)."""
    if record["run"]["status"] != "completed" or "convert" not in record:
        return None
    convert = record["convert"]
    if convert["status"] == "refused":
        return "convert refused: " + ", ".join(convert.get("refused_by") or ["?"])
    if convert["status"] != "ok":
        return f"convert {convert['status']}"
    verify = record.get("verify") or {}
    if verify.get("status") == "passed":
        return None
    return str(verify.get("cause") or verify.get("status") or "verify ?")


def first_error(record: Record) -> str:
    for stage in ("verify", "convert", "run"):
        found = (record.get(stage) or {}).get("first_error")
        if found:
            return str(found)
    return ""


def summary(records: Sequence[Record]) -> dict[str, Any]:
    """The figures, as JSON."""
    ran = [r for r in records if r["run"]["status"] == "completed"]
    converted = [r for r in ran if (r.get("convert") or {}).get("status") == "ok"]
    verified = [r for r in converted if (r.get("verify") or {}).get("status") == "passed"]
    causes = Counter(c for c in map(cause, records) if c)
    return {
        "sampled": len(records),
        "ran": len(ran),
        "converted": len(converted),
        "verified": len(verified),
        "pass_rate": round(len(verified) / len(ran), 4) if ran else None,
        "lint": lint_figures(converted),
        "run_status": dict(Counter(r["run"]["status"] for r in records).most_common()),
        "run_errors": dict(Counter(map(_error_name, _not_ran(records))).most_common()),
        "causes": dict(causes.most_common()),
        "failed_tests": dict(Counter(_test_causes(records)).most_common()),
        "by_kind": by_kind(records),
        "ran_notebooks": [r["notebook"] for r in ran],
        "verified_notebooks": [r["notebook"] for r in verified],
        "check": check_scores(records),
    }


def by_kind(records: Sequence[Record]) -> dict[str, dict[str, int]]:
    """Per notebook kind: how many were sampled, ran to completion, converted and verified."""
    table: dict[str, Counter[str]] = {}
    for record in records:
        counts = table.setdefault(record["kind"], Counter())
        counts["sampled"] += 1
        counts["ran"] += record["run"]["status"] == "completed"
        counts["converted"] += (record.get("convert") or {}).get("status") == "ok"
        counts["verified"] += (record.get("verify") or {}).get("status") == "passed"
    stages = ("sampled", "ran", "converted", "verified")
    return {kind: {s: c[s] for s in stages} for kind, c in sorted(table.items())}


def check_scores(records: Sequence[Record]) -> dict[str, Any]:
    """Precision of error-level cell claims per finding kind (all notebooks, and those whose run
    completed) and recall over the cells whose shown text differed."""
    scored = [r["score"] for r in records if "claims" in r.get("score", {})]
    completed = [
        r["score"] for r in records
        if "claims" in r.get("score", {}) and r["run"]["status"] == "completed"
    ]  # fmt: skip
    differing = [d for s in scored for d in s["differing"]]
    missed = [d for d in differing if not d["covered"]]
    signal = [d for d in differing if d["difference"] not in NOISE]
    covered = sum(d["covered"] for d in signal)
    by_notebook_kind = (
        {**c, "kind": r["kind"]} for r in records for c in r.get("score", {}).get("claims", [])
    )
    return {
        "notebooks": len(scored),
        "precision": _precision(c for s in scored for c in s["claims"]),
        "precision_by_notebook_kind": _precision(by_notebook_kind),
        "precision_completed_runs": _precision(c for s in completed for c in s["claims"]),
        "differing_cells": len(differing),
        "covered": len(differing) - len(missed),
        "recall": round(1 - len(missed) / len(differing), 4) if differing else None,
        "differing_cells_without_noise": len(signal),
        "covered_without_noise": covered,
        "recall_without_noise": round(covered / len(signal), 4) if signal else None,
        "missed_by_difference": dict(Counter(d["difference"] for d in missed).most_common()),
        "unconfirmed": [
            f"{r['notebook']}: cell {c['cell']} {c['kind']}"
            for r in records
            for c in r.get("score", {}).get("claims", [])
            if not c["confirmed"]
        ],
    }


def _precision(claims: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per kind: the claims, how each was confirmed, the precision as defined (confirmed /
    claims), and the precision of the claims a run could judge (those on a cell above the run's
    failure or on the failing cell itself: differs + failed-at, over claims - failed-before)."""
    table: dict[str, Counter[str]] = {}
    for claim in claims:
        counts = table.setdefault(str(claim["kind"]), Counter())
        counts["claims"] += 1
        counts[claim["how"] or "unconfirmed"] += 1
    for counts in [*table.values()]:
        table.setdefault("all", Counter()).update(counts)
    rows: dict[str, dict[str, Any]] = {}
    for kind, c in sorted(table.items(), key=lambda item: -item[1]["claims"]):
        judged = c["claims"] - c["failed-before"]
        rows[kind] = {key: c[key] for key in (*HOW, "claims")}
        confirmed = c["differs"] + c["failed-at"] + c["failed-before"]
        rows[kind]["precision"] = round(confirmed / c["claims"], 4)
        evidence = c["differs"] + c["failed-at"]
        rows[kind]["judged_precision"] = round(evidence / judged, 4) if judged else None
    return rows


def render_runs(records: Sequence[Record], tree: str) -> str:
    """The run stage alone: how the runs ended, and the notebooks that ran to completion."""
    figures = summary(records)
    return "\n".join([
        "",
        f"runs made with nb2prod at {tree} (cached runs keep the tree they were made with)",
        f"sampled {figures['sampled']}, ran to completion {figures['ran']}",
        "runs: " + _counts(figures["run_status"]),
        "not run to completion, by first error: " + _counts(figures["run_errors"]),
        "ran to completion:",
        *(f"  {path}" for path in figures["ran_notebooks"]),
    ])  # fmt: skip


def lint_figures(converted: Sequence[Record]) -> dict[str, Any]:
    """How many converted packages pass their own ruff rules, and the rules the others break
    (summed over packages)."""
    linted = [r["convert"]["lint"] for r in converted if "lint" in r["convert"]]
    rules: Counter[str] = Counter()
    for found in linted:
        rules.update(found["rules"])
    return {
        "linted": len(linted),
        "clean": sum(1 for found in linted if found["clean"]),
        "rules": dict(rules.most_common()),
    }


def render_report(records: Sequence[Record], tree: str) -> str:
    figures = summary(records)
    lines = [
        "",
        f"nb2prod at {tree}",
        f"sampled {figures['sampled']}, ran to completion {figures['ran']}, converted "
        f"{figures['converted']}, verified {figures['verified']}",
        f"pass rate (verified / ran to completion): {_rate(figures['verified'], figures['ran'])}",
        f"ruff-clean packages (the rules their pyproject selects): "
        f"{_rate(figures['lint']['clean'], figures['lint']['linted'])}"
        + (
            f"; rules broken: {_counts(figures['lint']['rules'])}"
            if figures["lint"]["rules"]
            else ""
        ),
        "",
        "runs: " + _counts(figures["run_status"]),
        "not run to completion, by first error: " + _counts(figures["run_errors"]),
        "",
        "by notebook kind (sampled / ran / converted / verified):",
        *(
            f"  {kind:12} {c['sampled']:4d} {c['ran']:4d} {c['converted']:4d} {c['verified']:4d}"
            for kind, c in figures["by_kind"].items()
        ),
        "",
        "failures by cause (notebooks that ran to completion):",
        *_table(figures["causes"]),
        "failed tests by cause:",
        *_table(figures["failed_tests"]),
        "",
        "every failure, with its first error:",
        *_failures(records),
        "",
        *_render_check(figures["check"]),
    ]
    return "\n".join(lines)


def _render_check(scores: Mapping[str, Any]) -> list[str]:
    lines = [
        f"check's error-level cell claims, scored against the fresh run ({scores['notebooks']} "
        "notebooks); a claim is confirmed when the cell's text differs (differs) or the run "
        "failed in it (at) or above it (before); judged = (differs + at) / (claims - before)",
    ]
    tables = (
        ("all runs", "precision"),
        ("completed runs", "precision_completed_runs"),
        ("all runs, by notebook kind", "precision_by_notebook_kind"),
    )
    for title, key in tables:
        lines.append(f"  {title}:")
        lines.append(
            f"    {'kind':20} {'claims':>6} {'differs':>7} {'at':>5} {'before':>6} "
            f"{'unconf.':>7} {'precision':>9} {'judged':>6}"
        )
        for kind, c in scores[key].items():
            judged = "-" if c["judged_precision"] is None else f"{c['judged_precision']:.0%}"
            lines.append(
                f"    {kind:20} {c['claims']:6d} {c['differs']:7d} {c['failed-at']:5d} "
                f"{c['failed-before']:6d} {c['unconfirmed']:7d} {c['precision']:9.0%} {judged:>6}"
            )
    covered, differing = scores["covered"], scores["differing_cells"]
    lines.append(
        f"  recall: {covered} of {differing} cells whose shown text differed were named by an "
        f"error-level claim ({_rate(covered, differing)})"
    )
    signal = scores["differing_cells_without_noise"]
    kept = round((scores["recall_without_noise"] or 0) * signal)
    lines.append(f"  recall without {', '.join(sorted(NOISE))}: {_rate(kept, signal)}")
    lines.append("  missed, by difference: " + _counts(scores["missed_by_difference"]))
    lines.append("  unconfirmed claims:")
    lines += [f"    {claim}" for claim in scores["unconfirmed"]] or ["    -"]
    return lines


def _failures(records: Sequence[Record]) -> list[str]:
    lines = []
    for record in records:
        why = cause(record)
        if record["run"]["status"] != "completed":
            why = f"run {record['run']['status']}"
        if why:
            lines.append(f"  {record['notebook']}: {why}: {first_error(record)[:200]}")
    return lines


def _not_ran(records: Sequence[Record]) -> list[Record]:
    return [r for r in records if r["run"]["status"] != "completed"]


def _error_name(record: Record) -> str:
    run = record["run"]
    if run["status"] != "cell-error":
        return str(run["status"])
    return str(run.get("first_error", "")).split(":", 1)[0] or "?"


def _test_causes(records: Sequence[Record]) -> list[str]:
    return [t["cause"] for r in records for t in (r.get("verify") or {}).get("tests", [])]


def _table(counts: Mapping[str, int]) -> list[str]:
    return [f"  {count:4d}  {name}" for name, count in counts.items()] or ["     -"]


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or "-"


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.1%}" if whole else "-"
