"""The README of a generated package: what it is, how to run and test it, where it came from."""

from __future__ import annotations

from typing import Any

from nb2prod.convert.literal import single_line


def render_readme(facts: dict[str, Any]) -> str:
    name, notebook = facts["name"], single_line(facts["notebook"])
    lines = [
        f"# {single_line(facts['title'])}",
        "",
        f"`{name}` is the notebook `{notebook}` lifted into a package by nb2prod "
        f"{facts['version']}: each section of the notebook is a function, the steps run in "
        "notebook order, and generated tests check that the package shows what the notebook "
        "showed.",
        "",
        "```bash",
        "pip install -e '.[test]'",
        f"python -m {name}            # run the pipeline",
        "python -m pytest            # the generated tests",
        "```",
        "",
        "## Steps",
        "",
        "| step | from the notebook | cells |",
        "|---|---|---|",
    ]
    for step, title, numbers in facts["steps"]:
        cell = single_line(title).replace("|", "\\|")
        lines.append(f"| `{step}` | {cell} | {', '.join(map(str, numbers))} |")
    if facts["parameters"]:
        lines += ["", "## Parameters", "", "| name | type | default |", "|---|---|---|"]
        for parameter in facts["parameters"]:
            lines.append(f"| `{parameter.name}` | {parameter.kind} | `{parameter.default}` |")
    if facts["secrets"]:
        lines += ["", "## Environment variables", ""]
        lines.append(
            "The notebook held credentials in its code. They were not copied here: set these "
            "variables instead (and revoke the credentials the notebook exposed)."
        )
        lines += [""] + [f"- `{name}`" for name in facts["secrets"]]
    for section in facts.get("recorded", ()):  # what the kernel recorded, when it did
        lines += ["", *section]
    if facts.get("deploy"):
        lines += ["", *facts["deploy"]]
    lines += ["", "## Left as TODO", ""]
    todos = facts["todos"]
    lines += [f"- {todo}" for todo in todos] if todos else ["Nothing: every cell was lifted."]
    lines += ["", "## Findings of `nb2prod check`", ""]
    findings = facts["findings"]
    if findings:
        lines += [f"- cell {f.cell}: {f.kind} ({f.severity.value}): {f.message}" for f in findings]
    else:
        lines.append("None: the notebook reproduces from top to bottom.")
    lines += ["", f"{facts['tests']} generated test(s) in `tests/`.", ""]
    text = "\n".join(lines)  # a lone surrogate left in a message is written as its escape
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
