"""``convert --deploy k8s,kfp``: the Kubernetes Job validated against the official Kubernetes
schemas (``kubernetes-validate``, offline), the Kubeflow pipeline compiled by the real kfp SDK
(offline), and the compiled pipeline run here task by task, with the commands and artifact paths
it specifies (``kfp_local.py``); the Docker run of it is in ``test_deploy_docker.py``.

No Kubernetes or Kubeflow cluster is reachable here: nothing is submitted. The GPU record is
SYNTHETIC (``recorded_notebooks.SYNTHETIC_GPU``, an H100 made up in the recorder's shape): no
GPU machine was at hand.
"""

from __future__ import annotations

import copy
import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli_runs import nb2prod
from kfp_local import run_compiled
from recorded_notebooks import SYNTHETIC_GPU, write_notebook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = ROOT / "tests" / "data" / "deploy"

#: A notebook whose middle steps use torch on the GPU, between steps that do not.
GPU_CELLS = [
    ("import pandas as pd\nframe = pd.DataFrame({'x': [1.0, 2.0]})\nprint(len(frame))", "2\n", []),
    ("import torch\nmodel = torch.nn.Linear(1, 1).cuda()\nprint(type(model).__name__)",
     "Linear\n", []),
    ("values = torch.tensor(frame[['x']].values, dtype=torch.float32).cuda()\n"
     "prediction = model(values)\nprint(tuple(prediction.shape))", "(2, 1)\n", []),
    ("total = float(frame['x'].sum())\nprint(total)", "3.0\n", []),
]  # fmt: skip


def gpu_notebook(folder: Path, environment: dict[str, Any]) -> Path:
    """:data:`GPU_CELLS` recorded in ``environment``, a heading before each: one step each."""
    path = write_notebook(folder, GPU_CELLS, environment)
    notebook = json.loads(path.read_text())
    cells = notebook["cells"][:1]
    for number, cell in enumerate(notebook["cells"][1:], start=1):
        heading = {"cell_type": "markdown", "id": f"h{number}", "metadata": {},
                   "source": f"## Step {number}"}  # fmt: skip
        cells += [heading, cell]
    notebook["cells"] = cells
    path.write_text(json.dumps(notebook))
    return path


def convert(notebook: Path, out: Path, *extra: str) -> Path:
    done = nb2prod("convert", str(notebook), "-o", str(out), "--no-lock", *extra)
    assert done.returncode == 0, done.stderr
    return out


def validate(manifest: Path) -> None:
    """The manifest against the official schemas of the newest Kubernetes it knows, rejecting
    any property the schema does not define."""
    done = subprocess.run(
        [sys.executable, "-m", "kubernetes_validate", "--strict", str(manifest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed for resource job/" in done.stdout, done.stdout


def compiled(package: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The compiled pipeline: its spec, and its Kubernetes platform settings."""
    documents = list(yaml.safe_load_all((package / "deploy/pipeline.yaml").read_text()))
    platform = documents[1]["platforms"]["kubernetes"] if len(documents) > 1 else {}
    return documents[0], platform


def container(job: dict[str, Any]) -> dict[str, Any]:
    containers = job["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return dict(containers[0])


@pytest.fixture(scope="module")
def cpu_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cpu") / "pkg"
    return convert(EXAMPLES / "recorded_analysis.ipynb", out, "--deploy", "k8s,kfp")


@pytest.fixture(scope="module")
def gpu_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gpu")
    notebook = gpu_notebook(folder, SYNTHETIC_GPU)
    return convert(notebook, folder / "pkg", "--deploy", "k8s,kfp", "--image", "reg.io/t/gpu:1")


# 1. The Job ---------------------------------------------------------------------------------


def test_cpu_job_validates_and_requests_the_recorded_machine(cpu_package: Path) -> None:
    validate(cpu_package / "deploy/job.yaml")
    job = yaml.safe_load((cpu_package / "deploy/job.yaml").read_text())
    notebook = json.loads((EXAMPLES / "recorded_analysis.ipynb").read_text())
    environment = next(iter(notebook["metadata"]["nb2prod"]["environments"].values()))
    wanted = {
        "cpu": str(environment["cpu"]["count"]),
        "memory": f"{environment['memory']['total_bytes'] >> 20}Mi",
    }
    resources = container(job)["resources"]
    assert resources == {"requests": wanted, "limits": wanted}
    pod = job["spec"]["template"]["spec"]
    assert not {"nodeSelector", "tolerations", "affinity"} & set(pod)


def test_the_validator_refuses_what_kubernetes_would(tmp_path: Path, cpu_package: Path) -> None:
    """The schema check can fail: a misspelt field and a wrong type are refused."""
    text = (cpu_package / "deploy/job.yaml").read_text()
    for broken in (
        text.replace("backoffLimit: 0", "backofLimit: 0"),
        text.replace("backoffLimit: 0", 'backoffLimit: "none"'),
    ):
        manifest = tmp_path / "job.yaml"
        manifest.write_text(broken)
        with pytest.raises(AssertionError):
            validate(manifest)


def test_job_runs_non_root_on_a_read_only_root(cpu_package: Path) -> None:
    job = yaml.safe_load((cpu_package / "deploy/job.yaml").read_text())
    pod = job["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["automountServiceAccountToken"] is False
    main = container(job)
    assert main["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    writable = {m["mountPath"] for m in main["volumeMounts"]}
    assert writable == {"/home/app", "/tmp"}, "scratch space only; the data is in the image"
    assert main["args"] == ["--strict-environment"]  # no parameters in this notebook
    assert main["image"] == "recorded-analysis:0.1.0", "the tag nb2prod build gives"


def test_gpu_job_requests_the_recorded_gpu_on_its_product(gpu_package: Path) -> None:
    validate(gpu_package / "deploy/job.yaml")
    job = yaml.safe_load((gpu_package / "deploy/job.yaml").read_text())
    pod = job["spec"]["template"]["spec"]
    limits = container(job)["resources"]["limits"]
    assert limits["nvidia.com/gpu"] == 1
    assert container(job)["resources"]["requests"] == limits
    assert pod["nodeSelector"] == {"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}
    terms = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    wanted = {(e["key"], e["operator"], tuple(e["values"])) for t in terms["nodeSelectorTerms"]
              for e in t["matchExpressions"]}  # fmt: skip
    assert ("nvidia.com/cuda.runtime-version.major", "In", ("12",)) in wanted
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in pod[
        "tolerations"
    ]
    assert container(job)["image"] == "reg.io/t/gpu:1"


def test_visible_devices_limit_the_gpus_requested(tmp_path: Path) -> None:
    environment = copy.deepcopy(SYNTHETIC_GPU)
    device = environment["gpu"]["devices"][0]
    environment["gpu"]["devices"] = [device, {**device, "index": 1, "uuid": "GPU-2"},
                                     {**device, "index": 2, "uuid": "GPU-3"}]  # fmt: skip
    environment["variables"]["CUDA_VISIBLE_DEVICES"] = "0,2"
    package = convert(gpu_notebook(tmp_path, environment), tmp_path / "p",
                      "--deploy", "k8s")  # fmt: skip
    job = yaml.safe_load((package / "deploy/job.yaml").read_text())
    assert container(job)["resources"]["limits"]["nvidia.com/gpu"] == 2


def test_parameters_become_arguments_and_the_job_matches_its_golden(tmp_path: Path) -> None:
    package = convert(EXAMPLES / "parameters_report.ipynb", tmp_path / "p", "--deploy", "k8s")
    job = yaml.safe_load((package / "deploy/job.yaml").read_text())
    assert container(job)["args"] == [
        "--region", "North", "--min-units", "5", "--fx-rate", "0.92", "--show-top", "3",
        "--strict-environment",
    ]  # fmt: skip
    validate(package / "deploy/job.yaml")
    assert (package / "deploy/job.yaml").read_text() == (GOLDEN / "parameters_job.yaml").read_text()


# 2. The pipeline ------------------------------------------------------------------------------


def test_pipeline_has_one_container_component_a_step_in_notebook_order(cpu_package: Path) -> None:
    spec, _ = compiled(cpu_package)
    tasks = spec["root"]["dag"]["tasks"]
    stages = json.loads((cpu_package / "src/recorded_analysis/stages.json").read_text())
    assert sorted(t.replace("-", "_") for t in tasks) == sorted(stages["steps"])
    for executor in spec["deploymentSpec"]["executors"].values():
        box = executor["container"]
        assert box["image"] == "recorded-analysis:0.1.0"
        assert box["command"][:3] == ["python", "-m", "recorded_analysis.stage"]
        assert box["args"][-1] == "--strict-environment"
        assert "pip" not in " ".join(box["command"] + box["args"]), "nothing installed at run"
    order = ["q1-sales-analysis", "load", "revenue-by-region", "monthly-trend", "summary"]
    for before, task in itertools.pairwise(order):
        handed = tasks[task]["inputs"]["artifacts"]["in_state"]["taskOutputArtifact"]
        assert handed == {"producerTask": before, "outputArtifactKey": "out_state"}
    stored = stages["steps"]["revenue_by_region"]
    assert stored["hands_on"] == ["by_region", "sales"], "what the later steps read"


def test_gpu_requests_only_on_the_steps_that_use_the_gpu(gpu_package: Path) -> None:
    spec, platform = compiled(gpu_package)
    stages = json.loads((gpu_package / "src/analysis/stages.json").read_text())["steps"]
    by_cell = {s["function"]: s for s in stages.values()}
    assert len(by_cell) == 4
    uses_gpu = {}
    for name, executor in spec["deploymentSpec"]["executors"].items():
        resources = executor["container"].get("resources", {})
        accelerator = resources.get("accelerator", {})
        uses_gpu[name] = accelerator.get("resourceType") or accelerator.get("type")
        if uses_gpu[name]:
            count = accelerator.get("resourceCount") or accelerator.get("count")
            assert str(count) == "1"
            settings = platform["deploymentSpec"]["executors"][name]
            assert settings["nodeSelector"]["labels"] == {
                "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"
            }
    assert [uses_gpu[s] for s in sorted(uses_gpu)].count("nvidia.com/gpu") == 2, uses_gpu
    readme = (gpu_package / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| `")]
    gpu_column = [row.rsplit("|", 2)[-2].strip() for row in rows if "cells" not in row]
    assert gpu_column[-4:] == ["no", "yes", "yes", "no"], rows


def test_a_gpu_record_without_an_accelerator_library_asks_a_gpu_for_every_step(
    tmp_path: Path,
) -> None:
    environment = {**copy.deepcopy(SYNTHETIC_GPU), "accelerators": {}}
    package = convert(gpu_notebook(tmp_path, environment), tmp_path / "p",
                      "--deploy", "kfp")  # fmt: skip
    spec, _ = compiled(package)
    accelerators = [
        e["container"].get("resources", {}).get("accelerator")
        for e in spec["deploymentSpec"]["executors"].values()
    ]
    assert len(accelerators) == 4
    assert all(accelerators)


def test_compiling_is_deterministic(cpu_package: Path, tmp_path: Path) -> None:
    again = convert(EXAMPLES / "recorded_analysis.ipynb", tmp_path / "p", "--deploy", "k8s,kfp")
    for name in ("deploy/job.yaml", "deploy/pipeline.py", "deploy/pipeline.yaml"):
        assert (again / name).read_bytes() == (cpu_package / name).read_bytes(), name


def test_compiled_pipeline_reproduces_the_whole_run(tmp_path: Path) -> None:
    """The compiled pipeline's tasks, run in order with its commands and artifact paths (here,
    not in containers), print what ``python -m PKG`` prints with the same parameters."""
    package = convert(EXAMPLES / "parameters_report.ipynb", tmp_path / "p", "--deploy", "kfp")
    runs = run_compiled(package / "deploy/pipeline.yaml", tmp_path / "artifacts",
                        {"region": "South", "min_units": 6}, package=package)  # fmt: skip
    assert [r.returncode for r in runs] == [0] * 4, runs[-1].stderr
    whole = subprocess.run(
        [sys.executable, "-m", "parameters_report", "--region", "South", "--min-units", "6"],
        capture_output=True, text=True, check=True, env=_path(package),
    )  # fmt: skip
    assert "".join(r.stdout for r in runs) == whole.stdout
    assert "South: 3 of 20 orders with at least 6 units" in whole.stdout


def _path(package: Path) -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(package / "src")}


# 3. Refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--deploy", "helm"], "unknown deploy target helm"),
        (["--deploy", ""], "unknown deploy target"),
        (["--image", "x:1"], "--image names the image of --deploy"),
        (["--deploy", "k8s", "--image", "Bad Image!"], "is not an image reference"),
    ],
)
def test_bad_deploy_options_are_one_line_and_exit_2(
    tmp_path: Path, extra: list[str], says: str
) -> None:
    out = tmp_path / "out"
    done = nb2prod("convert", str(EXAMPLES / "recorded_analysis.ipynb"), "-o", str(out), *extra)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert says in done.stderr
    assert done.stderr.startswith(str(EXAMPLES / "recorded_analysis.ipynb"))
    assert not out.exists()


def test_hostile_record_values_stay_values(tmp_path: Path) -> None:
    """A GPU name, a parameter value and an image made to break out of YAML or Python stay
    inert: the GPU name fails its check and is left out; the parameter is a literal."""
    environment = copy.deepcopy(SYNTHETIC_GPU)
    environment["gpu"]["devices"][0]["name"] = 'H100"\nkind: Pod\n# {{$.inputs}}'
    cells = [("region = 'x\\'\"\\n{{$.inputs.parameters}}: !!python/object'", "", []),
             *GPU_CELLS]  # fmt: skip
    notebook = write_notebook(tmp_path, cells, environment)
    tagged = json.loads(notebook.read_text())
    tagged["cells"][1]["metadata"]["tags"] = ["parameters"]
    notebook.write_text(json.dumps(tagged))
    package = convert(notebook, tmp_path / "p", "--deploy", "k8s,kfp")
    validate(package / "deploy/job.yaml")
    job = yaml.safe_load((package / "deploy/job.yaml").read_text())
    assert job["kind"] == "Job"
    assert container(job)["args"][:2] == [
        "--region",
        "x'\"\n{{$.inputs.parameters}}: !!python/object",
    ]
    assert "nodeSelector" not in job["spec"]["template"]["spec"], "no unchecked GPU name used"
    spec, _ = compiled(package)  # the compiler copies defaults into a comment: none given
    assert "defaultValue" not in spec["root"]["inputDefinitions"]["parameters"]["region"]
    assert "Give `region` when you submit a run" in (package / "README.md").read_text()


def test_without_the_sdk_kfp_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """MOCKED boundary: the SDK is installed here, so a child process makes its distribution
    lookup miss (``importlib.metadata.version``), as on a machine without it."""
    out = tmp_path / "out"
    script = (
        "import sys, importlib.metadata as m\n"
        "real = m.version\n"
        "def version(name):\n"
        "    if name.startswith('kfp'):\n"
        "        raise m.PackageNotFoundError(name)\n"
        "    return real(name)\n"
        "m.version = version\n"
        "from nb2prod.cli import main\n"
        f"sys.exit(main(['convert', {str(EXAMPLES / 'recorded_analysis.ipynb')!r}, '-o', "
        f"{str(out)!r}, '--deploy', 'k8s,kfp', '--no-lock']))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 2
    assert "pip install 'nb2prod[deploy]'" in done.stderr
    assert done.stderr.count("\n") == 1
    assert not out.exists()


# 4. What the Job and the pipeline carry besides the image --------------------------------------


def plain_notebook(folder: Path, cells: list[str]) -> Path:
    """A notebook without records, a heading before each code cell (one step each)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    notebook = new_notebook(cells=[new_markdown_cell("# Plain")])
    for number, source in enumerate(cells, start=1):
        notebook.cells += [new_markdown_cell(f"## Step {number}"), new_code_cell(source)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path = folder / "plain.ipynb"
    nbformat.write(notebook, str(path))
    return path


def test_files_not_carried_are_mounted_and_credentials_come_from_a_secret(tmp_path: Path) -> None:
    notebook = plain_notebook(tmp_path, [
        "import pandas as pd\nframe = pd.read_csv('/srv/shared/sales.csv')",
        "TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB'\nprint(len(frame), len(TOKEN))",
    ])  # fmt: skip
    package = convert(notebook, tmp_path / "p", "--deploy", "k8s,kfp", "--allow-hidden-state")
    validate(package / "deploy/job.yaml")
    job = yaml.safe_load((package / "deploy/job.yaml").read_text())
    main = container(job)
    assert main["args"] == ["--sales-csv-path", "/data/sales.csv", "--strict-environment"]
    assert {"name": "data", "mountPath": "/data", "readOnly": True} in main["volumeMounts"]
    volumes = job["spec"]["template"]["spec"]["volumes"]
    claim = {"claimName": "plain-data", "readOnly": True}
    assert {"name": "data", "persistentVolumeClaim": claim} in volumes
    secret = {"secretKeyRef": {"name": "plain-secrets", "key": "TOKEN"}}
    assert main["env"] == [{"name": "TOKEN", "valueFrom": secret}]
    assert "ghp_0123" not in (package / "deploy/job.yaml").read_text()
    _, platform = compiled(package)
    settings = list(platform["deploymentSpec"]["executors"].values())
    assert all(s["pvcMount"][0]["mountPath"] == "/data" for s in settings)
    assert all(s["secretAsEnv"][0]["secretName"] == "plain-secrets" for s in settings)
    for name in ("deploy/pipeline.py", "deploy/pipeline.yaml", "README.md"):
        assert "ghp_0123" not in (package / name).read_text(), name


def test_steps_sharing_an_event_loop_run_as_one_task(tmp_path: Path) -> None:
    notebook = plain_notebook(tmp_path, [
        "import asyncio\nawait asyncio.sleep(0)\nvalue = 41",
        "print(value + 1)",
    ])  # fmt: skip
    package = convert(notebook, tmp_path / "p", "--deploy", "kfp")
    spec, _ = compiled(package)
    assert list(spec["root"]["dag"]["tasks"]) == ["notebook"]
    runs = run_compiled(package / "deploy/pipeline.yaml", tmp_path / "artifacts", package=package)
    assert [(r.name, r.returncode, r.stdout) for r in runs] == [("notebook", 0, "42\n")]
    assert "runs as one task: steps await on one event loop" in (package / "README.md").read_text()


def test_the_faithful_form_runs_as_tasks_keeping_shared_values(tmp_path: Path) -> None:
    """A notebook that reads ``_`` is lifted in the faithful form (one module sharing the
    namespace); its tasks hand on a dict changed through another name, as the kernel kept it."""
    notebook = plain_notebook(tmp_path, [
        "counts = {'a': 1}\nalias = counts",
        "alias['b'] = 2\nprint(sorted(counts))",
        "total = sum(counts.values())\ntotal",
        "print(_ + 1, len(alias), alias is counts)",
    ])  # fmt: skip
    content = json.loads(notebook.read_text())
    for count, cell in enumerate(c for c in content["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = count + 1
    shown = {"output_type": "execute_result", "execution_count": 3, "metadata": {},
             "data": {"text/plain": "3"}}  # fmt: skip
    content["cells"][6]["outputs"] = [shown]  # cell 7: `total`, shown, read back as `_`
    notebook.write_text(json.dumps(content))
    package = convert(notebook, tmp_path / "p", "--deploy", "kfp")
    stages = json.loads((package / "src/plain/stages.json").read_text())["steps"]
    assert len(stages) == 4
    assert all(s["shared"] for s in stages.values())
    runs = run_compiled(package / "deploy/pipeline.yaml", tmp_path / "artifacts", package=package)
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    whole = subprocess.run([sys.executable, "-m", "plain"], capture_output=True, text=True,
                           check=True, env=_path(package), cwd=tmp_path)  # fmt: skip
    assert "".join(r.stdout for r in runs) == whole.stdout == "['a', 'b']\n3\n4 2 True\n"


def test_random_streams_and_display_options_carry_from_task_to_task(tmp_path: Path) -> None:
    """A seed set in one step, draws in another; display options set in one step, a table
    printed in another: the tasks print what the whole run prints, as one kernel would."""
    notebook = plain_notebook(tmp_path, [
        "import numpy as np\nimport random\nnp.random.seed(0)\nrandom.seed(1)",
        "import pandas as pd\npd.set_option('display.max_columns', 3)\n"
        "np.set_printoptions(precision=2)",
        "print(np.random.randint(0, 1000, 3), random.random())",
        "print(pd.DataFrame([list(range(8))]))\nprint(np.array([1 / 3]))",
    ])  # fmt: skip
    package = convert(notebook, tmp_path / "p", "--deploy", "kfp")
    runs = run_compiled(package / "deploy/pipeline.yaml", tmp_path / "artifacts", package=package)
    assert [r.returncode for r in runs] == [0, 0, 0, 0], runs[-1].stderr
    whole = subprocess.run([sys.executable, "-m", "plain"], capture_output=True, text=True,
                           check=True, env=_path(package), cwd=tmp_path)  # fmt: skip
    assert "".join(r.stdout for r in runs) == whole.stdout
    assert "..." in whole.stdout, "three columns at most, as the notebook set"
    assert "[0.33]" in whole.stdout


def test_functions_defined_inside_faithful_steps_travel_by_their_code(tmp_path: Path) -> None:
    """In the faithful form a function stays inside the step that defines it; the next task,
    which did not run that step, gets it made again from its code."""
    notebook = plain_notebook(tmp_path, [
        "def double(x, by=2):\n    return x * by\n"
        "def twice(x):\n    return double(double(x))\nvalues = [double(1)]",
        "values.append(double(5, by=3))\nprint(values)",
        "print(len(values))",
        "print(_ if False else twice(values[-1]))",
    ])  # fmt: skip
    package = convert(notebook, tmp_path / "p", "--deploy", "kfp")
    stages = json.loads((package / "src/plain/stages.json").read_text())["steps"]
    assert len(stages) == 4
    assert all(s["shared"] for s in stages.values()), "reading `_` keeps the faithful form"
    runs = run_compiled(package / "deploy/pipeline.yaml", tmp_path / "artifacts", package=package)
    assert [r.returncode for r in runs] == [0, 0, 0, 0], runs[-1].stderr
    assert "".join(r.stdout for r in runs) == "[2, 15]\n2\n60\n"


@pytest.mark.parametrize(
    ("first", "setting"),
    [
        ("import warnings\nwarnings.filterwarnings('ignore')", "filterwarnings"),
        ("import matplotlib.pyplot as plt\nplt.rcParams['figure.dpi'] = 50", "rcParams"),
        ("import os\nos.environ['MODE'] = 'fast'", "environ"),
    ],
)
def test_a_process_wide_setting_keeps_the_notebook_in_one_task(
    tmp_path: Path, first: str, setting: str
) -> None:
    """A setting a later task would not inherit: splitting would change what it does."""
    package = convert(plain_notebook(tmp_path, [first, "print(1)"]), tmp_path / "p", "--deploy",
                      "kfp")  # fmt: skip
    spec, _ = compiled(package)
    assert list(spec["root"]["dag"]["tasks"]) == ["notebook"]
    readme = (package / "README.md").read_text()
    assert f"cell 3 changes what the whole process does ({setting})" in readme
