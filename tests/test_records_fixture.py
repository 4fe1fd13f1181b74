"""The execution-history merge, on the fixture the sidebar's unit tests read too
(labextension/test/records.spec.ts): the kernel side and the sidebar keep the same executions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nb2prod.recorder.metadata import EXECUTION_KEY, merge

FIXTURE = Path(__file__).parent / "data" / "records" / "history_merge.json"


def test_the_merge_keeps_what_the_fixture_says() -> None:
    case: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    notebook = {"cells": [], "metadata": {"nb2prod": {"history": case["saved"]}}}
    merged = merge(notebook, {"history": case["new"]})
    history = merged["metadata"]["nb2prod"]["history"]
    assert [[entry[k] for k in EXECUTION_KEY] for entry in history] == case["merged"]
