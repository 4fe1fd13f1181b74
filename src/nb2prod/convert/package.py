"""A notebook lifted into a package: every file, as values. Writing them is the caller's job."""

from __future__ import annotations

import builtins
import os
from dataclasses import dataclass, field

import libcst as cst

from nb2prod import __version__
from nb2prod import metadata_values as mv
from nb2prod.analysis import analyse_notebook, check_notebook
from nb2prod.analysis.context import Analysed
from nb2prod.analysis.randomness import random_draws
from nb2prod.container.dockerfile import render_dockerignore
from nb2prod.convert import templates
from nb2prod.convert.compiles import check_generated
from nb2prod.convert.deployfiles import DeployFiles
from nb2prod.convert.faithful import readable_blockers, statements
from nb2prod.convert.flow import StepFlow, module_level, step_flows
from nb2prod.convert.lift import LiftedCell, Unliftable, lift_cell
from nb2prod.convert.lintmarks import lint_package
from nb2prod.convert.literal import Identifier, docstring, ident
from nb2prod.convert.localmods import LocalImports, user_modules
from nb2prod.convert.naming import identifier, package_name, unique, unshadowed
from nb2prod.convert.pipeline import (
    parameters_of,
    render_main,
    render_pipeline,
    render_shared_pipeline,
)
from nb2prod.convert.produced import produced_files
from nb2prod.convert.readme import render_readme
from nb2prod.convert.recorded import choose_target, data_inputs, data_tests
from nb2prod.convert.render import StepModule, has_body, import_binding, render_step
from nb2prod.convert.secrets import leaks, notebook_secrets, withhold
from nb2prod.convert.shared import render_shared
from nb2prod.convert.shipping import MAX_DATA_FILE, DataShipper
from nb2prod.convert.steps import Step, split_steps
from nb2prod.convert.testgen import (
    error_tests,
    figure_count,
    figure_tests,
    function_tests,
    output_tests,
    raised_on_purpose,
    render_tests,
)
from nb2prod.convert.toplevel import awaits
from nb2prod.deploy import DeployOptions
from nb2prod.errors import NotebookError
from nb2prod.findings import Finding, Report, Severity
from nb2prod.kinds import REPRODUCIBILITY
from nb2prod.notebook import Notebook
from nb2prod.records import read_records


@dataclass
class Package:
    """The files of a generated package (relative POSIX path -> content), and the metadata
    values left out, for the face to show (``notice.line(path)``)."""

    name: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    notices: tuple[mv.Ignored, ...] = ()
    copied: frozenset[str] = frozenset()  # the user's own modules, copied as they are


#: Findings that stop convert. Unseeded draws do not: the package's tests compare only the
#: shape of the outputs that depend on them, and the README says to seed the generator.
_REFUSES = REPRODUCIBILITY - {"unseeded-random"}


@dataclass(frozen=True)
class Refusal:
    """Why a notebook was not converted: the findings that make its results untrustworthy."""

    findings: tuple[Finding, ...]


def convert_notebook(
    notebook: Notebook,
    *,
    name: str | None = None,
    allow_hidden_state: bool = False,
    deploy: DeployOptions | None = None,
) -> Package | Refusal:
    """Lift ``notebook`` into a package, or refuse when its results cannot be trusted; with
    ``deploy``, the package carries the deployment files it names."""
    report = check_notebook(notebook)
    blocking = tuple(
        f for f in report.findings if f.severity is Severity.ERROR and f.kind in _REFUSES
    )
    if blocking and not allow_hidden_state:
        return Refusal(blocking)
    try:
        builder = _Builder(notebook, name or package_name(notebook.path), report)
        builder.deploy = deploy or DeployOptions()
        package = builder.build()
    except RecursionError:  # the depth guard of lift_cell should make this unreachable
        raise NotebookError(notebook.path, "code nested too deeply to convert") from None
    package.files = lint_package(package.files, package.name)
    check_generated(package.files, notebook.path, package.copied)
    return package


class _Builder(DeployFiles):
    def __init__(self, notebook: Notebook, name: str, report: Report) -> None:
        self.notebook = notebook
        self.report = report
        self.notebook_name = os.path.basename(notebook.path)
        self.code = analyse_notebook(notebook)
        modules = {i.module.split(".")[0] for c in self.code for i in c.facts.imports}
        self.name = Identifier(unshadowed(identifier(name, "package"), modules - {""}))
        self.parameters, parameters_cell = parameters_of(self.code)
        skip = {parameters_cell.number} if parameters_cell else set()
        self.local = user_modules(self.code, notebook.directory)  # beside it, or written by it
        taken = {n for c in self.code for n in c.facts.defines} | set(dir(builtins)) | modules
        taken |= self.local.names | {"pipeline", "steps"}  # module names in the package
        self.steps = split_steps(notebook, self.code, skip, taken)
        records = read_records(notebook.metadata)
        produced = frozenset(produced_files(self.code, records))
        self.shipper = DataShipper(
            notebook.directory, lambda: {p.name for p in self.parameters}, produced
        )
        imported = frozenset(i.bound for c in self.code for i in c.facts.imports)
        self.reads_last = any("_" in c.facts.reads for c in self.code)  # IPython's last result
        self.lifted = {
            cell: self._lift(cell, imported) for step in self.steps for cell in step.cells
        }
        self.environment = records.current if records else None
        self.ignored: list[mv.Ignored] = list(records.notices) if records else []
        self.target = choose_target(self.environment, notebook.metadata, self.ignored)
        self.inputs = (  # files the kernel saw the notebook read: shipped when beside it
            data_inputs(records, notebook.directory, MAX_DATA_FILE, self.shipper.ship, produced)
            if records
            else []
        )
        if self.local.names:
            rewrite = LocalImports(set(self.local.names), self.name)
            for lifted in self.lifted.values():
                lifted.imports = [_visited(s, rewrite) for s in lifted.imports]
        self.statements = statements(self.steps, self.lifted)  # analysed once, used twice
        self.reasons = self._readable_blockers()
        self.shared = (
            unique("steps", set(self.local.names) | {s.name for s in self.steps})
            if self.reasons
            else None
        )
        self.running_steps: set[str] | None = None
        self.constants = {n: c for c, lifted in self.lifted.items() for n in lifted.constants}
        self.flows = step_flows(
            self.steps, self.code, [p.name for p in self.parameters], self.constants
        )
        self.statics = module_level(self.code, self.constants)
        self.parameters += self.shipper.parameters
        for step, flow in zip(self.steps, self.flows, strict=True):
            for cell in step.cells:
                for name in self.lifted[cell].path_parameters:
                    if name not in flow.inputs:
                        flow.inputs.append(name)
        self.title = _title(notebook)

    def _readable_blockers(self) -> list[str]:
        """Why the readable form would change what some name means (empty: it would not)."""
        reasons = readable_blockers(self.statements) + [
            f"cell {cell.number} shows {lifted.raises} on purpose: its code runs as far as the "
            "error, as in the notebook"
            for cell, lifted in self.lifted.items()
            if lifted.raises
        ]
        if self.reads_last:
            reasons.append("the notebook reads `_`, the value IPython showed last")
        return reasons

    def _lift(self, cell: Analysed, imported: frozenset[str]) -> LiftedCell:
        try:
            figures = f"cell-{cell.number}" if figure_count(cell) else None
            error = raised_on_purpose(cell)
            raises = (error, f"cell-{cell.number}") if error else None
            return lift_cell(
                cell.cell.source,
                _displays(cell),
                self.shipper.literal,
                imported,
                figures,
                raises,
                keeps_last=self.reads_last,
            )
        except Unliftable as error:
            raise NotebookError(self.notebook.path, f"cell {cell.number}: {error}") from None

    def build(self) -> Package:
        package = Package(self.name)
        files = package.files
        base = f"src/{self.name}"
        cycle = None if self.reasons else self._import_cycle()
        if cycle:
            self.reasons.append(cycle)
            self.shared = unique("steps", set(self.local.names) | {s.name for s in self.steps})
        if self.reasons:
            homes, results, exact = self._shared_files(files, base)
        else:
            homes, results, exact = self._readable_files(files, base)
        files.update(self._fixed_modules(base))
        for relative, source in self.local.rewritten(self.name).items():
            files[f"{base}/{relative}"] = source
        for shipped, content in sorted(self.shipper.files.items()):
            files[f"{base}/data/{shipped}"] = content
        known = notebook_secrets(self.notebook)  # never in a test, and redacted anywhere else
        unlifted = {c.number for c, lifted in self.lifted.items() if lifted.kept_as_comment}
        varying = random_draws(self.code).tainted
        tests = output_tests(self.steps, varying, unlifted)
        tests += function_tests(self.steps, homes, self.name)
        tests += figure_tests(self.steps, self.name) + error_tests(self.steps, self.name)
        tests = [test for test in tests if not leaks(test.code, known)]
        checks = data_tests(self.inputs, self.name, {t.name for t in tests})
        tests += checks.values()
        files["tests/conftest.py"] = templates.fill(templates.CONFTEST, package=self.name)
        files["tests/test_notebook.py"] = render_tests(
            tests, self.name, self.notebook_name, self.title, results, exact
        )
        files["pyproject.toml"] = self._pyproject()
        files["Dockerfile"] = self._dockerfile()
        checked = {shipped: test.name for shipped, test in checks.items()}
        files[".dockerignore"] = render_dockerignore()
        files.update(self._runtime_files(base))
        sections = self._check_section()
        if self.deploy.targets:
            deployed, section = self._deploy_files(base)
            files.update(deployed)
            sections += ["", *section]
        files["README.md"] = render_readme(
            self._readme_facts(tests, checked) | {"deploy": sections}
        )
        files["nb2prod.json"] = self._provenance(tests)
        package.notices = mv.unique(self.ignored)
        package.files = withhold(package.files, known)
        package.copied = frozenset(f"{base}/{relative}" for relative in self.local.sources)
        return package

    def _readable_files(
        self, files: dict[str, str | bytes], base: str
    ) -> tuple[dict[str, str], list[str], bool]:
        """One module a step, the values handed between steps as arguments: the function
        homes, the names ``run()`` returns, and that it returns exactly those."""
        homes = self._homes()
        for step, flow in zip(self.steps, self.flows, strict=True):
            module = StepModule(step, flow, [self.lifted[c] for c in step.cells])
            module.extra_imports = self._extra_imports(step, flow, homes)
            if has_body(module) or any(lifted.definitions for lifted in module.lifted):
                files[f"{base}/{step.name}.py"] = render_step(module, self.name, self.notebook_name)
        running = [(s, f) for s, f in zip(self.steps, self.flows, strict=True) if self._runs(s)]
        awaiting = frozenset(s.name for s in self.steps if awaits(self._body(s)))
        files[f"{base}/pipeline.py"] = render_pipeline(
            self.name, self.notebook_name, running, self.parameters, awaiting
        )
        return homes, self._results(running), True

    def _import_cycle(self) -> str | None:
        """Step modules that would import each other (a definition in one uses one from the
        other, and back): Python cannot import such a pair."""
        homes = self._homes()
        needs: dict[str, set[str]] = {}
        for step, flow in zip(self.steps, self.flows, strict=True):
            wanted = self._extra_imports(step, flow, homes)
            needs[step.name] = {
                homes[line.rsplit(" ", 1)[-1]]
                for line in wanted
                if line.startswith(f"from {self.name}.") and line.rsplit(" ", 1)[-1] in homes
            } - {step.name}
        for start in needs:
            for first in sorted(needs[start]):
                if start in _reachable(needs, first):
                    return f"the step modules `{start}` and `{first}` would import each other"
        return None

    def _shared_files(
        self, files: dict[str, str | bytes], base: str
    ) -> tuple[dict[str, str], list[str], bool]:
        """The faithful form: one module of steps sharing the notebook's namespace."""
        module_name = self.shared
        assert module_name is not None
        header = f"{self.title}: the steps of {self.notebook_name}, in notebook order."
        module = render_shared(self.steps, self.statements, self.name, header, self.reasons)
        files[f"{base}/{module_name}.py"] = module.source
        files[f"{base}/pipeline.py"] = render_shared_pipeline(
            self.name,
            self.notebook_name,
            Identifier(module_name),
            module.running,
            self.parameters,
            frozenset(module.awaiting),
            module.results,
        )
        self.running_steps = set(module.running)
        return dict.fromkeys(module.pure, module_name), module.sure, False

    def _fixed_modules(self, base: str) -> dict[str, str]:
        """``__main__``, ``__init__`` and ``_support``: the same in every package but for names."""
        init = f"{self.title}: {self.notebook_name} as a package, made by nb2prod {__version__}."
        support = f"Support for the steps lifted from {self.notebook_name}: results, figures, "
        return {
            f"{base}/__main__.py": render_main(self.name, self.parameters),
            f"{base}/__init__.py": templates.fill(
                templates.INIT,
                doc=docstring(init)
                if len(init) < 94
                else docstring(f"{self.notebook_name} as a package.", "", init, ""),
                package=self.name,
            ),
            f"{base}/_support.py": templates.fill(
                templates.SUPPORT,
                doc=docstring(support + "data files."),
                upper=ident(self.name.upper()),
            ),
        }

    def _body(self, step: Step) -> list[cst.BaseStatement]:
        """The statements of the step's function."""
        return [s for cell in step.cells for s in self.lifted[cell].body]

    def _results(self, running: list[tuple[Step, StepFlow]]) -> list[str]:
        """The names ``run()`` returns, in its order: parameters, then step outputs."""
        names = [p.name for p in self.parameters]
        for _, flow in running:
            names += [n for n in flow.outputs if n not in names]
        return names

    def _runs(self, step: Step) -> bool:
        """A step with statements to run (not only imports and definitions) has a function."""
        if self.running_steps is not None:
            return step.name in self.running_steps
        return any(self.lifted[cell].body for cell in step.cells)

    def _module_of(self, step: Step) -> str:
        return f"{self.name}.{self.shared or step.name}"

    def _homes(self) -> dict[str, str]:
        """The module of each function and class the notebook defines."""
        homes: dict[str, str] = {}
        for step in self.steps:
            for cell in step.cells:
                lifted = self.lifted[cell]
                for definition in lifted.definitions:
                    node_name = getattr(getattr(definition, "name", None), "value", None)
                    if isinstance(node_name, str):
                        homes.setdefault(node_name, step.name)
                for constant in lifted.constants:
                    homes.setdefault(constant, step.name)
        return homes

    def _extra_imports(self, step: Step, flow: StepFlow, homes: dict[str, str]) -> list[str]:
        """Imports for names this module uses that other cells bind at module level."""
        statics = self.statics
        used = set(flow.module_names)
        for cell in step.cells:
            for deferred in cell.facts.deferred.values():
                used |= deferred
        wanted: list[str] = []
        for name in sorted(used):
            source = statics.get(name)
            if source is None or source in step.cells:
                continue
            if name in homes and homes[name] != step.name:
                wanted.append(f"from {self.name}.{homes[name]} import {name}")
            elif source in self.lifted:
                wanted += import_binding(self.lifted[source], name)
        return wanted


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack += edges.get(name, set())
    return seen


def _visited(statement: cst.BaseStatement, visitor: cst.CSTTransformer) -> cst.BaseStatement:
    result = statement.visit(visitor)
    assert isinstance(result, cst.BaseStatement)
    return result


def _displays(cell: Analysed) -> bool:
    return any(o.output_type == "execute_result" for o in cell.cell.outputs)


def _title(notebook: Notebook) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.lstrip().startswith("#"):
                    return line.lstrip("# ").strip() or "Notebook"
    return package_name(notebook.path).replace("_", " ").capitalize()
