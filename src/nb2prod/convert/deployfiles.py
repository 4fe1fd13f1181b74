"""The files a package needs to run beyond this machine: the environment check every package
carries, and with ``--deploy``, the Kubernetes Job, the Kubeflow pipeline and the stage runner
its tasks use."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from nb2prod import runtime
from nb2prod.convert.literal import distribution
from nb2prod.convert.projectfiles import ProjectFiles
from nb2prod.convert.toplevel import awaits
from nb2prod.deploy import DeployOptions
from nb2prod.deploy.facts import DeployFacts, cli_parameters
from nb2prod.deploy.gpusteps import gpu_steps
from nb2prod.deploy.hardware import Hardware, accelerator_libraries, hardware
from nb2prod.deploy.job import render_job
from nb2prod.deploy.kfp_source import render_pipeline_source
from nb2prod.deploy.readme import check_section, deploy_section
from nb2prod.deploy.record import environment_record, render_record
from nb2prod.deploy.stages import StagePlan, plan_stages

if TYPE_CHECKING:
    import libcst as cst

    from nb2prod.convert.flow import StepFlow
    from nb2prod.convert.steps import Step

VERSION = "0.1.0"  # the package's version (as in pyproject.toml)


class DeployFiles(ProjectFiles):
    """Adds the runtime and deployment files; the builder sets the attributes."""

    flows: list[StepFlow]
    deploy: DeployOptions

    def _body(self, step: Step) -> list[cst.BaseStatement]:
        raise NotImplementedError

    def _runtime_files(self, base: str) -> dict[str, str | bytes]:
        record = environment_record(self.environment, self._dependencies(), self._hardware())
        return {
            f"{base}/_environment.py": runtime.source("environment_guard"),
            f"{base}/recorded_environment.json": render_record(record),
        }

    def _hardware(self) -> Hardware:
        """The recorded machine, read from the record once."""
        if not hasattr(self, "_recorded_hardware"):
            self._recorded_hardware = hardware(self.environment)
        return self._recorded_hardware

    def _check_section(self) -> list[str]:
        return check_section(self.name, self._hardware(), self.environment is not None)

    def _deploy_facts(self) -> DeployFacts:
        dist = distribution(self.name)
        shipped_parameters = {p.name for p in self.shipper.parameters}
        parameters = cli_parameters(self.parameters)
        return DeployFacts(
            package=self.name,
            distribution=dist,
            version=VERSION,
            notebook=self.notebook_name,
            notebook_sha256=self._notebook_hash(),
            image=self.deploy.image or f"{dist}:{VERSION}",
            hardware=self._hardware(),
            parameters=parameters,
            mounted=tuple(p for p in parameters if p.name in shipped_parameters),
            shipped=tuple(sorted(self.shipper.files)),
            secrets=tuple(sorted({v for c in self.lifted.values() for v in c.secrets})),
            plan=self._stage_plan(),
        )

    def _stage_plan(self) -> StagePlan:
        running = self._running()
        libraries = accelerator_libraries(self.environment)
        used = gpu_steps(self.code, running, libraries) if self._hardware().gpus else frozenset()
        module_of = {step.name: self._module_of(step) for step, _ in running}
        awaiting = frozenset(step.name for step, _ in running if awaits(self._body(step)))
        return plan_stages(
            running,
            (p.name for p in self.parameters),
            module_of,
            used,
            awaiting,
            shared=self.shared is not None,
        )

    def _running(self) -> list[tuple[Step, StepFlow]]:
        return [(s, f) for s, f in zip(self.steps, self.flows, strict=True) if self._runs(s)]

    def _deploy_files(self, base: str) -> tuple[dict[str, str | bytes], list[str]]:
        """The files, and the README's section on them."""
        facts = self._deploy_facts()
        files: dict[str, str | bytes] = {}
        targets = self.deploy.targets
        if "k8s" in targets:
            files["deploy/job.yaml"] = render_job(facts)
        if "kfp" in targets:
            files["deploy/pipeline.py"] = render_pipeline_source(facts)
            table = {
                "package": self.name,
                "parameters": {
                    p.name: {"kind": p.kind, "default": p.default} for p in self.parameters
                },
                "steps": {s.name: s.table() for s in facts.plan.stages},
            }
            files[f"{base}/stages.json"] = json.dumps(table, indent=2, sort_keys=True) + "\n"
            files[f"{base}/stage.py"] = runtime.source("stage")
        return files, deploy_section(facts, targets)
