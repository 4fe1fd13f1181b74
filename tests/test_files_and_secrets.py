"""Files nb2prod must not read, ship or hang on, and secrets it must never copy into a package.

Real files in tmp_path (links, FIFOs, a link to /dev/zero), the real CLI in subprocesses with a
timeout, and every file of each generated package searched for what must not be in it.
"""

from __future__ import annotations

import functools
import json
import os
import stat
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_core.utils import ensure_event_loop
from nbformat.v4 import new_code_cell, new_notebook, new_output

# pytest-jupyter's fixtures, for this module only (see tests/test_server.py).
from pytest_jupyter.jupyter_server import *  # noqa: F403

from nb2prod import safefiles, secretscan
from nb2prod.errors import NotebookError
from nb2prod.notebook import load
from recorded_notebooks import CPU_ENVIRONMENT, READ_BY_NAME, read, write_notebook
from server_helpers import Fetch, call, failure, stream

OUTSIDE_TEXT = "root:x:0:0:outside-the-notebook-folder"
PASSWORD = "hunter2xyz"
URL_PASSWORD = "s3cretpw"
BEARER = "Zq8vT2mX9pL4wR7nK3sB"
AWS_TAIL = "IOSFODNN7EXAMPLE"
FORMS = (  # (cell source, what it printed): each secret form in code and in an output
    (f'config = {{"password": "{PASSWORD}", "user": "me"}}\nprint(config["password"])', PASSWORD),
    (f'url = "postgresql://user:{URL_PASSWORD}@db/x"\nprint(url)', f"db://user:{URL_PASSWORD}@x"),
    (f'headers = {{"Authorization": "Bearer {BEARER}"}}\nprint(headers)', f"Bearer {BEARER}"),
    (f'KEY = "AKIA" + "{AWS_TAIL}"\nprint(len(KEY))', "20"),
)
SECRETS = (PASSWORD, URL_PASSWORD, BEARER, AWS_TAIL, "AKIA" + AWS_TAIL)


def nb2prod(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI; a run that blocks fails the test at the timeout instead of hanging it."""
    done = subprocess.run(
        [sys.executable, "-m", "nb2prod", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
        cwd=cwd,
    )
    assert done.returncode in (0, 1, 2), done
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def notebook(folder: Path, *cells: tuple[str, list[dict[str, object]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=[])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Py"}
    for number, (source, outputs) in enumerate(cells, start=1):
        nb.cells.append(new_code_cell(source, execution_count=number, outputs=outputs))
    path = folder / "nb.ipynb"
    nbformat.write(nb, str(path))
    return path


def printed(text: str) -> list[dict[str, object]]:
    return [new_output("stream", name="stdout", text=text + "\n")]


def package_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_nowhere(files: dict[str, bytes], *texts: str) -> None:
    for name, content in files.items():
        for text in texts:
            assert text.encode() not in content, f"{text!r} is in {name}"


# --- the notebook itself: FIFOs, devices, size ------------------------------------------------


@pytest.mark.parametrize("command", ["check", "convert", "run"])
def test_a_fifo_or_a_link_to_dev_zero_named_ipynb_is_refused_at_once(
    tmp_path: Path, command: str
) -> None:
    os.mkfifo(tmp_path / "x.ipynb")
    (tmp_path / "z.ipynb").symlink_to("/dev/zero")
    for name, kind in (("x.ipynb", "a FIFO"), ("z.ipynb", "a character device")):
        extra = ["-o", str(tmp_path / "out")] if command == "convert" else []
        done = nb2prod(command, tmp_path / name, *extra)
        assert done.returncode == 2, done
        assert f"{name}: not a regular file ({kind})" in done.stderr
        assert not (tmp_path / "out").exists()


def test_check_of_a_folder_reports_a_fifo_and_checks_the_rest(tmp_path: Path) -> None:
    notebook(tmp_path, ("x = 1\nprint(x)", printed("1")))
    os.mkfifo(tmp_path / "pipe.ipynb")
    done = nb2prod("check", "--json", tmp_path)
    assert done.returncode == 2
    found = {Path(n["path"]).name: n for n in json.loads(done.stdout)["notebooks"]}
    assert found["nb.ipynb"]["reproducible"] is True
    assert "not a regular file (a FIFO)" in found["pipe.ipynb"]["error"]


def test_the_reader_caps_what_it_reads(tmp_path: Path) -> None:
    path = notebook(tmp_path, ("x = 1", []))
    with pytest.raises(NotebookError, match="over the limit of 100 bytes"):
        load(path, limit=100)
    assert load(path).code_cells[0].source == "x = 1"
    assert safefiles.MAX_NOTEBOOK_BYTES >= 64 * 1024 * 1024  # the server's request limit


def test_a_file_to_ship_must_be_regular_and_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text(OUTSIDE_TEXT)
    folder = tmp_path / "nb"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "ok.csv").write_text("a\n1\n")
    (folder / "alias.csv").symlink_to(folder / "data" / "ok.csv")
    (folder / "out.csv").symlink_to(tmp_path / "outside.txt")
    os.mkfifo(folder / "pipe.csv")
    assert safefiles.read_shippable(str(folder), "alias.csv", 100) == b"a\n1\n"  # inside: kept
    refusals = {
        "out.csv": "leads outside the notebook's folder",
        "../outside.txt": "leads outside the notebook's folder",
        "pipe.csv": "not a regular file (a FIFO)",
        "data": "is a directory",
    }
    for relative, reason in refusals.items():
        with pytest.raises(NotebookError, match=reason.replace("(", r"\(").replace(")", r"\)")):
            safefiles.read_shippable(str(folder), relative, 100)
    with pytest.raises(safefiles.Oversized):
        safefiles.read_shippable(str(folder), "data/ok.csv", 3)


# --- what convert ships -------------------------------------------------------------------------


def test_convert_ships_nothing_from_outside_the_notebook_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "passwd").write_text(OUTSIDE_TEXT)
    (outside / "dir" / "rows.csv").write_text(OUTSIDE_TEXT)
    folder = tmp_path / "nb"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "ok.csv").write_text("a,b\n1,2\n")
    (folder / "data" / "evil.csv").symlink_to(outside / "passwd")
    os.mkfifo(folder / "data" / "pipe.csv")
    (folder / "linked.csv").symlink_to(outside / "passwd")
    (folder / "linkdir").symlink_to(outside / "dir")
    path = notebook(
        folder,
        ("from pathlib import Path\ntext = open('linked.csv').read()", []),
        ("rows = sorted(Path('linkdir').iterdir())", []),
        ("files = sorted(Path('data').iterdir())", []),
    )
    out = tmp_path / "pkg"
    done = nb2prod("convert", path, "-o", out, "--no-lock")
    assert done.returncode == 0, done.stderr
    files = package_bytes(out)
    assert_nowhere(files, OUTSIDE_TEXT)
    shipped = sorted(n for n in files if "/data/" in n)
    assert shipped == ["src/nb/data/ok.csv"]
    readme = files["README.md"].decode()
    for name in ("linked.csv", "linkdir", "data/evil.csv"):
        assert f"`{name}` was not shipped: leads outside the notebook's folder" in readme
    assert "`data/pipe.csv` was not shipped: not a regular file (a FIFO)" in readme


def test_local_modules_are_copied_only_from_regular_files_inside(tmp_path: Path) -> None:
    (tmp_path / "outside.py").write_text(f"TEXT = {OUTSIDE_TEXT!r}\n")
    folder = tmp_path / "nb"
    (folder / "tools").mkdir(parents=True)
    (folder / "helpers.py").symlink_to(tmp_path / "outside.py")
    (folder / "tools" / "__init__.py").write_text("VALUE = 2\n")
    os.mkfifo(folder / "tools" / "blocking.py")  # read, it would hang the conversion
    path = notebook(folder, ("import helpers\nimport tools\nprint(tools.VALUE)", printed("2")))
    out = tmp_path / "pkg"
    done = nb2prod("convert", path, "-o", out, "--no-lock")
    assert done.returncode == 0, done.stderr
    files = package_bytes(out)
    assert_nowhere(files, OUTSIDE_TEXT)
    assert "src/nb/tools/__init__.py" in files
    assert not any(name.endswith(("helpers.py", "blocking.py")) for name in files)


def test_a_path_only_in_the_records_is_not_shipped_through_a_link(tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text(OUTSIDE_TEXT)
    folder = tmp_path / "nb"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "extra.txt").symlink_to(tmp_path / "outside.txt")
    cells = [(READ_BY_NAME, "", [read("data/extra.txt", OUTSIDE_TEXT)])]
    path = write_notebook(folder, cells, CPU_ENVIRONMENT)
    out = tmp_path / "pkg"
    done = nb2prod("convert", path, "-o", out, "--no-lock")
    assert done.returncode == 0, done.stderr
    files = package_bytes(out)
    assert_nowhere(files, OUTSIDE_TEXT)
    assert not any("/data/" in name for name in files)
    assert "not shipped (leads outside the notebook's folder)" in files["README.md"].decode()


def test_secret_files_are_never_shipped_and_stay_out_of_the_image(tmp_path: Path) -> None:
    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / ".env").write_text("API_TOKEN=env-file-value-123\n")
    (folder / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nkeybody\n")
    service = {"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nsa-body"}
    (folder / "account.json").write_text(json.dumps(service))
    path = notebook(
        folder,
        ("env = open('.env').read()\nkey = open('id_rsa').read()", []),
        ("import json\naccount = json.load(open('account.json'))", []),
    )
    out = tmp_path / "pkg"
    done = nb2prod("convert", path, "-o", out, "--no-lock")
    assert done.returncode == 0, done.stderr
    files = package_bytes(out)
    assert_nowhere(files, "env-file-value-123", "keybody", "sa-body")
    readme = files["README.md"].decode()
    assert "`.env` was not shipped: a secret file matching `.env`" in readme
    assert "`id_rsa` was not shipped: a secret file matching `id_rsa`" in readme
    assert "`account.json` was not shipped: it holds a cloud service-account key" in readme
    ignored = files[".dockerignore"].decode().splitlines()
    for pattern in ("**/.env", "**/.env.*", "**/id_rsa", "**/*.pem", "**/*.key", "**/.netrc",
                    "**/.pgpass", "**/credentials", "**/.aws", "**/.ssh", "**/.git", "**/*.p12",
                    "**/.npmrc", "**/.pypirc", "**/id_ed25519"):  # fmt: skip
        assert pattern in ignored


# --- secrets in code and outputs ----------------------------------------------------------------


def failed_login() -> list[dict[str, object]]:
    """A stored error whose message repeats the password."""
    message = f"login failed with password {PASSWORD}"
    return [new_output("error", ename="ValueError", evalue=message, traceback=[message])]


def test_check_reports_every_secret_form_in_code_and_outputs(tmp_path: Path) -> None:
    cells = [(source, printed(shown)) for source, shown in FORMS] + [("login()", failed_login())]
    path = notebook(tmp_path, *cells)
    done = nb2prod("check", "--json", path)
    assert done.returncode == 1, done.stdout  # the stored error
    findings = json.loads(done.stdout)["notebooks"][0]["findings"]
    secret = [(f["cell"], f["line"]) for f in findings if f["kind"] == "hard-coded-secret"]
    assert {(cell, 1) for cell in (1, 2, 3, 4)} <= set(secret)  # in the code of every cell
    assert {(cell, 0) for cell in (1, 2, 3, 5)} <= set(secret)  # in the outputs that show one
    [error] = [f["message"] for f in findings if f["kind"] == "error-output"]
    assert "login failed with password <redacted>" in error
    assert_nowhere({"stdout": done.stdout.encode()}, *SECRETS)


def test_convert_replaces_every_secret_form_and_copies_none(tmp_path: Path) -> None:
    cells = [(source, printed(shown)) for source, shown in FORMS] + [("login()", failed_login())]
    path = notebook(tmp_path / "nb", *cells)
    out = tmp_path / "pkg"
    done = nb2prod("convert", path, "-o", out, "--no-lock", "--allow-hidden-state")
    assert done.returncode == 0, done.stderr
    files = package_bytes(out)
    assert_nowhere(files, *SECRETS)
    code = "".join(v.decode() for k, v in files.items() if k.startswith("src/"))
    for read_of in ("os.environ['PASSWORD']", "os.environ['URL_SECRET']",
                    "os.environ['AUTHORIZATION_SECRET']", "os.environ['KEY']"):  # fmt: skip
        assert read_of in code
    assert "'postgresql://user:' + os.environ['URL_SECRET'] + '@db/x'" in code
    assert "'Bearer ' + os.environ['AUTHORIZATION_SECRET']" in code
    tests = files["tests/test_notebook.py"].decode()
    assert "test_cell_1_output" not in tests  # it printed the password
    assert "test_cell_4_output" in tests  # it printed a length
    assert "login failed with password <redacted>" in files["README.md"].decode()
    for name, content in files.items():
        if name.endswith(".py"):
            compile(content, name, "exec")


def test_secretscan_finds_redacts_and_leaves_ordinary_text_alone() -> None:
    assert secretscan.find_secrets(f"db = 'mysql://u:{URL_PASSWORD}@h/d'") == [URL_PASSWORD]
    assert secretscan.find_secrets(f"password: {PASSWORD}") == [PASSWORD]
    assert secretscan.find_secrets(f'k = "AKIA" "{AWS_TAIL}"', code=True) == ["AKIA" + AWS_TAIL]
    assert secretscan.contains_secret(f"{PASSWORD}\n", known=[PASSWORD])
    assert secretscan.redact(f"x {PASSWORD} y", [PASSWORD]) == "x <redacted> y"
    for ordinary in ("df.sort_values(key=abs)", "password = getpass()", "x = {'user': 'me'}",
                     "password = os.environ['PW']", "secret = 'changeme'"):  # fmt: skip
        assert secretscan.find_secrets(ordinary, code=True) == [], ordinary


# Lines each detect-secrets plugin finds: the scanner only loads detect-secrets for a line its
# HINT matches, so every one of them must match it.
_ALNUM = "a1B2c3D4e5F6g7H8i9J0" * 5
_HEX = "0123456789abcdef" * 5
PLUGIN_SAMPLES = {
    "ArtifactoryDetector": f'token = "AKC{_ALNUM[:40]}"',
    "AWSKeyDetector": 'key_id = "AKIAIOSFODNN7EXAMPLE"',
    "AzureStorageKeyDetector": f"conn = 'AccountKey={_ALNUM[:86]}=='",
    "BasicAuthDetector": 'url = "https://user:pa55word1@example.com/x"',
    "CloudantDetector": f'cloudant_password = "{_HEX[:64]}"',
    "DiscordBotTokenDetector": f'bot = "M{_ALNUM[:23]}.{_ALNUM[:6]}.{_ALNUM[:27]}"',
    "GitHubTokenDetector": f'gh = "ghp_{_ALNUM[:36]}"',
    "GitLabTokenDetector": f'gl = "glpat-{_ALNUM[:20]}"',
    "IbmCloudIamDetector": f'ibm_cloud_iam_key = "{_ALNUM[:44]}"',
    "IbmCosHmacDetector": f'secret_access_key = "{_HEX[:48]}"',
    "JwtTokenDetector": "jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl'",
    "KeywordDetector": f'password = "{PASSWORD}"',
    "MailchimpDetector": f'mc = "{_HEX[:32]}-us12"',
    "NpmDetector": f"//registry.npmjs.org/:_authToken=npm_{_ALNUM[:36]}",
    "OpenAIDetector": f'k = "sk-{_ALNUM[:20]}T3BlbkFJ{_ALNUM[:20]}"',
    "PrivateKeyDetector": "-----BEGIN RSA PRIVATE KEY-----",
    "PypiTokenDetector": f'p = "pypi-AgEIcHlwaS5vcmc{_ALNUM[:70]}"',
    "SendGridDetector": f'sg = "SG.{_ALNUM[:22]}.{_ALNUM[:43]}"',
    "SlackDetector": 'slack = "xoxb-1234-5678-abcdef"',
    "SoftlayerDetector": f'softlayer_api_key = "{_HEX[:64]}"',
    "SquareOAuthDetector": f'sq = "sq0csp-{_ALNUM[:43]}"',
    "StripeDetector": f'stripe = "sk_live_{_ALNUM[:24]}"',
    "TelegramBotTokenDetector": f'tg = "123456789:{_ALNUM[:35]}"',
    "TwilioKeyDetector": f'tw = "AC{_HEX[:32]}"',
}


@pytest.mark.parametrize("plugin", secretscan.PLUGINS)
def test_the_hint_lets_through_what_each_detect_secrets_plugin_finds(plugin: str) -> None:
    sample = PLUGIN_SAMPLES[plugin]
    [found] = [p for p in secretscan._plugins() if type(p).__name__ == plugin]
    assert found.analyze_line(filename="cell.py", line=sample), f"{plugin} finds nothing"
    assert secretscan.HINT.search(sample), sample
    assert secretscan.might_hold(sample), sample


@pytest.mark.parametrize(
    "token",
    [
        f"ghp_{_ALNUM[:36]}",
        f"github_pat_{_ALNUM[:40]}",
        f"sk-proj-{_ALNUM[:24]}",
        f"xoxb-{_ALNUM[:12]}",
        f"AIza{_ALNUM[:35]}",
        f"hf_{_ALNUM[:30]}",
        f"Bearer {BEARER}",
        "AKIAIOSFODNN7EXAMPLE",
    ],
)
def test_the_quick_scans_let_through_what_the_own_token_patterns_find(token: str) -> None:
    line = f"value = '{token}'"
    assert secretscan.might_hold(line)
    assert secretscan.find_secrets(line, code=True), line


# --- the server: the same reader --------------------------------------------------------------


def asynchronous(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an ``async def`` test on pytest-jupyter's event loop (as tests/test_server.py does)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        ensure_event_loop(prefer_selector_loop=True).run_until_complete(test(*args, **kwargs))

    return run


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    return {"ServerApp": {"jpserver_extensions": {"nb2prod": True}}}


@asynchronous
async def test_the_server_refuses_a_fifo_and_ships_nothing_from_outside(
    jp_fetch: Fetch, jp_root_dir: Path, tmp_path: Path
) -> None:
    root = Path(jp_root_dir)
    os.mkfifo(root / "x.ipynb")
    message = failure(
        await call(jp_fetch, "analyze", {"path": "x.ipynb"}), 400, "unusable-notebook"
    )
    assert message == "x.ipynb: not a regular file (a FIFO), so it is not read"
    (tmp_path / "outside.txt").write_text(OUTSIDE_TEXT)
    (root / "nb").mkdir()
    (root / "nb" / "linked.csv").symlink_to(tmp_path / "outside.txt")
    notebook(root / "nb", ("text = open('linked.csv').read()", []))
    body = {"path": "nb/nb.ipynb", "output": "pkg", "lock": False}
    done = stream(await call(jp_fetch, "convert", body))[-1]
    assert done["type"] == "done", done
    files = package_bytes(root / "pkg")
    assert_nowhere(files, OUTSIDE_TEXT)
    assert "`linked.csv` was not shipped" in files["README.md"].decode()


def test_the_reader_never_opens_what_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotebookError, match="a FIFO"):
        safefiles.read_file(str(tmp_path / "pipe"))
    assert stat.S_ISFIFO(os.stat(tmp_path / "pipe").st_mode)  # untouched, nothing blocked
