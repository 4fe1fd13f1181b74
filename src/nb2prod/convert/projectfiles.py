"""The project files around a package's code, from what the builder learned of the notebook:
``pyproject.toml``, the Dockerfile, the README's facts and ``nb2prod.json`` (provenance)."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from nb2prod import __version__
from nb2prod import metadata_values as mv
from nb2prod.container.dockerfile import base_image, render_dockerfile
from nb2prod.container.facts import PackageFacts, image_labels
from nb2prod.convert import templates
from nb2prod.convert.dependencies import dependencies
from nb2prod.convert.environment import ignored_section, readme_sections
from nb2prod.convert.recorded import lock_provenance
from nb2prod.convert.steps import Step, cell_key
from nb2prod.convert.testgen import GeneratedTest

if TYPE_CHECKING:
    from nb2prod.analysis.context import Analysed
    from nb2prod.convert.lift import LiftedCell
    from nb2prod.convert.literal import Identifier
    from nb2prod.convert.pipeline import Parameter
    from nb2prod.convert.recorded import DataInput, Target
    from nb2prod.convert.shipping import DataShipper
    from nb2prod.findings import Report
    from nb2prod.notebook import Notebook
    from nb2prod.records import Environment


class ProjectFiles:
    """What the builder knows, as the files beside the code; the builder sets the attributes."""

    name: Identifier
    title: str
    notebook: Notebook
    notebook_name: str
    report: Report
    code: list[Analysed]
    steps: list[Step]
    lifted: dict[Analysed, LiftedCell]
    parameters: list[Parameter]
    shipper: DataShipper
    environment: Environment | None
    inputs: list[DataInput]
    ignored: list[mv.Ignored]
    target: Target
    reasons: list[str]
    shared: str | None

    def _runs(self, step: Step) -> bool:
        raise NotImplementedError

    def _module_of(self, step: Step) -> str:
        raise NotImplementedError

    def _kept_in_order(self) -> list[str]:
        """The README's word on the faithful form, when it was used."""
        if not self.reasons:
            return []
        return [
            f"The cells' code is kept in notebook order in `{self.shared}.py`, sharing one "
            f"namespace as in the kernel, because {reason}"
            for reason in self.reasons
        ]

    def _python(self) -> str:
        """The recorded Python, else the notebook's, else this one (``X.Y``): one nb2prod can
        target (see ``recorded.choose_target``)."""
        return self.target.python

    def _dockerfile(self) -> str:
        facts = PackageFacts(
            distribution=self.name.replace("_", "-"),
            package=self.name,
            version="0.1.0",
            python_version=self._python(),
            build_requires=("hatchling",),
            notebook=self.notebook_name,
            notebook_sha256=self._notebook_hash(),
            nb2prod_version=__version__,
        )
        target = self.target
        return render_dockerfile(self.name, target.python, target.cuda, labels=image_labels(facts))

    def _notebook_hash(self) -> str:
        digest = hashlib.sha256()
        for cell in self.notebook.cells:
            digest.update(f"{cell.cell_type}\0{cell.source}\0".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _dependencies(self) -> list[str]:
        requirements = [r for lifted in self.lifted.values() for r in lifted.requirements]
        return dependencies(self.code, requirements, self.notebook.directory)

    def _pyproject(self) -> str:
        return templates.pyproject(
            self.name, self.title, self.notebook_name, self._python(), self._dependencies()
        )

    def _readme_facts(
        self, tests: list[GeneratedTest], checked: dict[str, str]
    ) -> dict[str, object]:
        """What the README shows; ``checked``: shipped data file -> the test of its hash."""
        image = base_image(self.target.python, self.target.cuda)
        return {
            "recorded": readme_sections(
                self.environment, self.inputs, self._dependencies(), image, self.name, checked
            )
            + ignored_section(self.target.notes, mv.unique(self.ignored)),
            "name": self.name,
            "title": self.title,
            "notebook": self.notebook_name,
            "steps": [(s.name, s.title, [c.number for c in s.cells]) for s in self.steps],
            "parameters": self.parameters,
            "todos": [t for s in self.steps for c in s.cells for t in self.lifted[c].todos]
            + [f"`{p}` was not shipped: {why}" for p, why in sorted(self.shipper.withheld.items())]
            + self._kept_in_order(),
            "secrets": sorted({v for lifted in self.lifted.values() for v in lifted.secrets}),
            "findings": self.report.findings,
            "tests": len(tests) + 1,
            "version": __version__,
        }

    def _provenance(self, tests: list[GeneratedTest]) -> str:
        by_cell: dict[str, list[str]] = {}
        for test in tests:
            by_cell.setdefault(test.cell_id, []).append(test.name)
        cells = {
            cell_key(cell): {
                "cell": cell.number,
                "module": self._module_of(step),
                "function": f"{self._module_of(step)}.{step.name}" if self._runs(step) else None,
                "tests": sorted(by_cell.get(cell_key(cell), [])),
            }
            for step in self.steps
            for cell in step.cells
        }
        data = {
            "notebook": self.notebook_name,
            "notebook_sha256": self._notebook_hash(),
            "nb2prod": __version__,
            "cells": cells,
            **lock_provenance(self.environment),
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
