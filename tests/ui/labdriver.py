"""A real JupyterLab server and the system Chromium, for the sidebar's UI tests.

Nothing here is mocked: the server is ``jupyter lab`` as a user starts it (with the nb2prod server
extension enabled by the installed jupyter-config, and the lab extension as installed), the
browser is Debian's Chromium driven by Playwright, and the kernel is a real IPython kernel.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: What the tests set in the user's settings: no lock (it needs the package index and time),
#: a short analysis delay, and no news fetched from outside.
USER_SETTINGS = {
    "nb2prod/plugin.jupyterlab-settings": {"lockOnConvert": False, "analyzeDelay": 300},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def installed_labextension() -> str:
    """The line `jupyter labextension list` prints for nb2prod, or why it is missing."""
    listing = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [ln for ln in (listing.stdout + listing.stderr).splitlines() if "nb2prod" in ln]
    return "\n".join(lines) or "nb2prod is not in `jupyter labextension list`"


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    process: subprocess.Popen[bytes]
    log: Path

    def page_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?token={self.token}&reset"

    def api(self, path: str) -> Any:
        request = urllib.request.Request(
            f"{self.url}/{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def put_settings(self, plugin: str, values: dict[str, Any]) -> None:
        """Save a plugin's user settings, as the Settings Editor does."""
        request = urllib.request.Request(
            f"{self.url}/lab/api/settings/{plugin}",
            data=json.dumps({"raw": json.dumps(values)}).encode(),
            method="PUT",
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 204, answer.status

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def prepare_root(root: Path, notebooks: list[str]) -> None:
    """The server's root: some of the examples and the data they read, copied."""
    shutil.copytree(EXAMPLES / "data", root / "data")
    for name in notebooks:
        shutil.copy(EXAMPLES / name, root / name)


def write_settings(folder: Path) -> None:
    for name, values in USER_SETTINGS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def start_lab(root: Path, home: Path) -> Lab:
    """`jupyter lab` on a free loopback port with a token; returns once it answers."""
    port = free_port()
    token = secrets.token_hex(16)
    for sub in ("config", "data", "runtime", "settings", "workspaces"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    write_settings(home / "settings")
    env = {
        **os.environ,
        # The user's own config and data stay out; the installed (sys-prefix) ones are used.
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "jupyterlab.log"
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:  # CI and the dev containers run as root
        command.append("--allow-root")
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    lab = Lab(f"http://127.0.0.1:{port}", token, root, process, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n{lab.log_tail()}")
        try:
            lab.api("api/status")
            return lab
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    stop_lab(lab)
    raise RuntimeError(f"jupyter lab did not answer within 90 s:\n{lab.log_tail()}")


def stop_lab(lab: Lab) -> None:
    lab.process.terminate()
    try:
        lab.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        lab.process.kill()
        lab.process.wait(timeout=10)
