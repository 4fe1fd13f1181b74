"""Running a hostile case and judging what it left: the tree written, the command run, and the
checks every case gets. Each check returns problems (one line each); no problem means the case
held."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from hostile import OUTSIDE, Case, Expect, Fifo, Folder, Layout, Link

#: Per-user folders of tools that stay where they are when HOME moves into the tree, where they
#: exist: caches (no download per case) and toolchains.
KEPT = {
    name: os.environ.get(name) or os.path.expanduser(default)
    for name, default in (
        ("UV_CACHE_DIR", "~/.cache/uv"),
        ("PIP_CACHE_DIR", "~/.cache/pip"),
        ("RUSTUP_HOME", "~/.rustup"),
        ("CARGO_HOME", "~/.cargo"),
    )
    if os.path.isdir(os.environ.get(name) or os.path.expanduser(default))
}


def fill(text: str, root: Path, port: int) -> str:
    return text.replace("@T@", str(root)).replace("@PORT@", str(port))


def write_layout(layout: Layout, root: Path, port: int) -> None:
    """Write ``layout`` under ``root`` (``@T@`` and ``@PORT@`` filled in)."""
    for name, entry in layout.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(entry, Folder):
            path.mkdir(exist_ok=True)
        elif isinstance(entry, Fifo):
            os.mkfifo(path)
        elif isinstance(entry, Link):
            path.symlink_to(fill(entry.target, root, port))
        else:
            filled = entry.replace(b"@T@", str(root).encode()).replace(b"@PORT@", b"%d" % port)
            path.write_bytes(filled)


def environment(root: Path, side: Path) -> dict[str, str]:
    """The command's environment: HOME in the tree, every other per-user folder beside it."""
    folders = {
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_CONFIG_DIR": "config",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "mpl",
        "XDG_CACHE_HOME": "cache",
        "XDG_DATA_HOME": "share",
        "XDG_CONFIG_HOME": "xdg",
        "RUSTUP_HOME": "rustup",
        "CARGO_HOME": "cargo",
    }
    for name in folders.values():
        (side / name).mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **{key: str(side / name) for key, name in folders.items()}}
    env.update(HOME=str(root / "home"), **KEPT)
    env.update(PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1")
    return env


# --- the command --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    """How a command ended: ``code`` None when it was killed for taking too long."""

    code: int | None
    stdout: str
    stderr: str
    seconds: float


def nb2prod(
    args: tuple[str, ...],
    cwd: Path,
    env: Mapping[str, str],
    expect: Expect,
    pipe: str | None = None,
) -> Ran:
    """``python -m nb2prod ARGS`` in a new process group, killed (the group) after
    ``expect.within`` seconds; with ``pipe``, its stdout goes through that shell command."""
    argv = [sys.executable, "-m", "nb2prod", *args]
    if pipe:
        script = f'"$@" | {pipe}; exit "${{PIPESTATUS[0]}}"'
        argv = ["bash", "-c", script, "bash", *argv]
    limit = expect.memory

    def cap() -> None:
        if limit is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.monotonic()
    process = subprocess.Popen(
        argv, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True, preexec_fn=cap,
    )  # fmt: skip
    try:
        out, err = process.communicate(timeout=expect.within)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        code = None
    seconds = time.monotonic() - started
    return Ran(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), seconds)


def command_problems(case: Case, ran: Ran) -> list[str]:
    expect, problems = case.expect, []
    if ran.code is None:
        problems.append(f"no exit within {expect.within:.0f} s (killed)")
    elif ran.code not in expect.codes:
        problems.append(f"exit status {ran.code}, expected {sorted(expect.codes)}")
    for name, text in (("stdout", ran.stdout), ("stderr", ran.stderr)):
        if "Traceback" in text or "BrokenPipeError" in text:
            problems.append(f"a traceback on {name}: {last_line(text)}")
    if expect.one_line is not None and ran.code is not None:
        lines = [line for line in ran.stderr.splitlines() if line.strip()]
        if len(lines) != 1:
            problems.append(f"{len(lines)} lines on stderr, expected one: {last_line(ran.stderr)}")
        elif expect.one_line not in lines[0]:
            problems.append(f"the stderr line does not name {expect.one_line}: {lines[0][:200]}")
    return problems


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "(nothing)"


# --- the tree -----------------------------------------------------------------------------------

Snapshot = dict[str, str]


def snapshot(root: Path) -> Snapshot:
    """Every entry under ``root``, links not followed: ``dir``, ``fifo``, ``link:TARGET``,
    ``file:SHA256`` or ``other``."""
    found: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = describe(path)
    return found


def describe(path: str) -> str:
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        return f"link:{os.readlink(path)}"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISREG(mode):
        with open(path, "rb") as handle:
            return f"file:{hashlib.sha256(handle.read()).hexdigest()}"
    return "other"


def inside(name: str, output: str | None) -> bool:
    return output is not None and (name == output or name.startswith(output + os.sep))


def tree_problems(expect: Expect, root: Path, before: Snapshot, after: Snapshot) -> list[str]:
    """Files changed outside the output, MARKER files, forbidden text in new or changed files."""
    problems = []
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    outside = [k for k in changed if not inside(k, expect.output)]
    if outside:
        shown = ", ".join(repr(k) for k in outside[:4])
        problems.append(f"{len(outside)} path(s) changed outside the output: {shown}")
    markers = [k for k in after if os.path.basename(k) == "MARKER"]
    if markers:
        problems.append(f"injected code ran: {markers[0]} was created")
    for text in (OUTSIDE, *expect.forbidden):
        holders = [
            k for k in changed if after.get(k, "").startswith("file:") and holds(root / k, text)
        ]
        if holders:
            problems.append(f"{text!r} written into {holders[0]!r}")
    return problems


def holds(path: Path, text: str) -> bool:
    return text.encode() in path.read_bytes()


# --- the generated package ----------------------------------------------------------------------

#: Run with ``python -I -B``: compiles every ``.py`` under the folder argv[1], then imports each
#: package under its ``src`` (and all their modules), after checking the name shadows no module.
INSPECT = """
import importlib, importlib.util, pathlib, pkgutil, sys
sys.stdout.reconfigure(errors="backslashreplace")
out = pathlib.Path(sys.argv[1])
for path in sorted(out.rglob("*.py")):
    try:
        compile(path.read_bytes(), str(path), "exec")
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError) as exc:
        print(f"{path.relative_to(out)} does not compile: {type(exc).__name__}: {exc}")
src = out / "src"
names = [p.parent.name for p in sorted(src.glob("*/__init__.py"))] if src.is_dir() else []
for name in names:
    spec = importlib.util.find_spec(name)
    if spec is not None:
        print(f"package `{name}` shadows the module at {spec.origin}")
sys.path.insert(0, str(src))
for name in names:
    try:
        package = importlib.import_module(name)
        for found in pkgutil.walk_packages(package.__path__, name + "."):
            if not found.name.endswith(".__main__"):
                importlib.import_module(found.name)
    except BaseException as exc:
        print(f"importing `{name}` failed: {type(exc).__name__}: {exc}")
"""


def package_problems(case: Case, root: Path, env: Mapping[str, str]) -> list[str]:
    """Every generated ``.py`` compiles; the package imports, shadowing nothing; with
    ``run_tests``, its tests run (whatever they say, no MARKER may appear: the caller looks)."""
    output = root / case.expect.output if case.expect.output else None
    if output is None or not output.is_dir():
        return []
    inspected = subprocess.run(
        [sys.executable, "-I", "-B", "-c", INSPECT, str(output)], capture_output=True, text=True,
        errors="replace", timeout=120, cwd=root, env=dict(env), check=False,
    )  # fmt: skip
    problems = [line.strip()[:200] for line in inspected.stdout.splitlines() if line.strip()]
    if inspected.returncode != 0:
        problems.append(f"inspecting the package crashed: {last_line(inspected.stderr)}")
    if case.expect.run_tests and (output / "tests").is_dir():
        tests = {**env, "PYTHONPATH": str(output / "src")}
        subprocess.run(
            [sys.executable, "-B", "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests"],
            capture_output=True, timeout=180, cwd=output, env=tests, check=False,
        )  # fmt: skip
    return problems


# --- the local package index --------------------------------------------------------------------


class IndexSpy:
    """An HTTP server on 127.0.0.1 that answers 404 to everything and remembers what was asked."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(f"{self.command} {self.path}")
                self.send_error(404)

            do_HEAD = do_POST = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def problems(self, expect: Expect) -> list[str]:
        if expect.no_request and self.requests:
            return [f"the local index was asked {len(self.requests)} time(s): {self.requests[0]}"]
        return []


@contextlib.contextmanager
def index_spy() -> Iterator[IndexSpy]:
    spy = IndexSpy()
    try:
        yield spy
    finally:
        spy.close()


def unblock(layout: Layout, root: Path) -> None:
    """Give every FIFO of ``layout`` a writer that closes at once, so a reader stuck opening it
    (a server thread) gets an empty file and ends."""
    for name, entry in layout.items():
        if isinstance(entry, Fifo):
            with contextlib.suppress(OSError):
                os.close(os.open(root / name, os.O_WRONLY | os.O_NONBLOCK))
