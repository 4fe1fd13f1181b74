"""A pinned corpus of public notebooks by other people, and a runner that measures nb2prod on it.

The notebooks themselves are never committed: scripts/corpus.json pins each repository's commit
and the notebook paths; this script writes them out of local git mirrors and measures nb2prod.

    python3 scripts/corpus.py extract DEST [--mirrors DIR]
    python3 scripts/corpus.py measure DEST [--nb2prod CMD] [--jobs N] [--json OUT] [--match TEXT]

`extract` writes each pinned notebook, with the small regular files its folder holds (two folder
levels deep, each under 5 MiB), to DEST/<owner>__<repo>/<path>. A mirror of owner/name is a git
directory at DIR/owner+name/repo (bare, or a clone with its .git) holding the pinned commit.

`measure` runs `nb2prod check NB` and `nb2prod convert NB --no-lock -o TMP/out` on every pinned
notebook (60 s each) and sorts each outcome: ok (exit 0), findings (exit 1: error findings, or a
refused conversion), unusable (exit 2 with exactly one stderr line naming the file), crash (a
traceback, another exit status, or a signal), timeout. Every `.py` of a converted package must
compile. `--nb2prod` runs another checkout, e.g.
`--nb2prod 'PYTHONPATH=/path/to/checkout/src python3 -m nb2prod'`.
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).resolve().parent / "corpus.json"
MIRRORS = Path("/work/.mirror")
COMPANION_MAX_BYTES = 5 * 2**20
COMPANION_DEPTH = 2
TIMEOUT_S = 60
OUTCOMES = ("ok", "findings", "unusable", "crash", "timeout", "missing")
REGULAR_MODES = ("100644", "100755")


@dataclass(frozen=True)
class Pin:
    """One repository of the manifest: its commit, a kind tag and the pinned notebook paths."""

    repo: str
    commit: str
    kind: str
    notebooks: tuple[str, ...]

    @property
    def folder(self) -> str:
        return self.repo.replace("/", "__")


def load_manifest(path: Path = MANIFEST) -> list[Pin]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [
        Pin(entry["repo"], entry["commit"], entry["kind"], tuple(entry["notebooks"]))
        for entry in doc["repos"]
    ]


# --- extract -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blob:
    """A file of a commit's tree; size is None when the mirror lacks its content."""

    path: str
    mode: str
    sha: str
    size: int | None


def git_dir(mirrors: Path, repo: str) -> Path | None:
    base = mirrors / repo.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def git(gitdir: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = ["git", "--git-dir", str(gitdir), *args]
    return subprocess.run(command, capture_output=True, check=False)


def list_tree(gitdir: Path, commit: str) -> list[Blob]:
    listing = git(gitdir, "ls-tree", "-r", "-l", "-z", commit)
    if listing.returncode != 0:
        raise LookupError(f"the mirror at {gitdir} lacks commit {commit}")
    blobs = []
    for row in listing.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not row:
            continue
        meta, path = row.split("\t", 1)
        mode, _kind, sha, size = meta.split()
        blobs.append(Blob(path, mode, sha, int(size) if size.isdigit() else None))
    return blobs


def companion(blob: Blob, folders: set[str], pinned: set[str]) -> bool:
    """A small regular file at most COMPANION_DEPTH levels below a pinned notebook's folder."""
    if blob.mode not in REGULAR_MODES or blob.size is None or blob.size >= COMPANION_MAX_BYTES:
        return False
    if blob.path.endswith(".ipynb") and blob.path not in pinned:
        return False
    for folder in folders:
        if folder and not blob.path.startswith(folder + "/"):
            continue
        inside = blob.path[len(folder) + 1 :] if folder else blob.path
        if inside.count("/") <= COMPANION_DEPTH:
            return True
    return False


def safe_target(root: Path, path: str) -> Path:
    parts = path.split("/")
    if path.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"refusing the path {path!r}")
    return root.joinpath(*parts)


def write_blob(gitdir: Path, blob: Blob, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    content = git(gitdir, "cat-file", "blob", blob.sha)
    if content.returncode != 0:
        raise LookupError(f"the mirror lacks the content of {blob.path}")
    if target.is_symlink():
        target.unlink()
    target.write_bytes(content.stdout)
    target.chmod(0o644)


@dataclass
class Extracted:
    pin: Pin
    notebooks: int = 0
    files: int = 0
    lacking: list[str] = field(default_factory=list)
    problem: str | None = None


def extract_pin(pin: Pin, mirrors: Path, dest: Path) -> Extracted:
    report = Extracted(pin)
    gitdir = git_dir(mirrors, pin.repo)
    if gitdir is None:
        report.problem = "no mirror"
        return report
    try:
        tree = list_tree(gitdir, pin.commit)
    except LookupError as error:
        report.problem = str(error)
        return report
    pinned = set(pin.notebooks)
    present = {blob.path: blob for blob in tree if blob.mode in REGULAR_MODES}
    report.lacking = [p for p in pin.notebooks if p not in present or present[p].size is None]
    folders = {posixpath.dirname(p) for p in pin.notebooks}
    for blob in tree:
        if not companion(blob, folders, pinned):
            continue
        try:
            write_blob(gitdir, blob, safe_target(dest / pin.folder, blob.path))
        except (LookupError, ValueError):
            if blob.path in pinned:
                report.lacking.append(blob.path)
            continue
        report.files += 1
        report.notebooks += blob.path in pinned
    return report


def how_to_fetch(repo: str, mirrors: Path) -> str:
    where = mirrors / repo.replace("/", "+") / "repo"
    return f"git clone --bare https://github.com/{repo}.git {where}"


def cmd_extract(args: argparse.Namespace) -> int:
    dest: Path = args.dest
    pins = load_manifest(args.manifest)
    reports = [extract_pin(pin, args.mirrors, dest) for pin in pins]
    for report in reports:
        state = report.problem or f"{report.notebooks} notebook(s), {report.files} file(s)"
        print(f"{report.pin.repo:72} {state}")
        for path in report.lacking:
            print(f"    lacking: {path}")
    missing = [r.pin.repo for r in reports if r.problem]
    written = sum(r.notebooks for r in reports)
    print(f"wrote {written} of {sum(len(p.notebooks) for p in pins)} pinned notebooks to {dest}")
    if missing:
        print(f"{len(missing)} repositor(ies) missing from {args.mirrors}; bring each one, e.g.:")
        for repo in missing:
            print(f"    {how_to_fetch(repo, args.mirrors)}")
    return 1 if missing or any(r.lacking for r in reports) else 0


# --- measure -------------------------------------------------------------------------------------


@dataclass
class Run:
    outcome: str
    status: int | None = None
    seconds: float = 0.0
    cause: str = ""


@dataclass
class Record:
    id: str
    kind: str
    traits: list[str]
    check: Run
    convert: Run
    modules: int = 0
    not_compiling: list[str] = field(default_factory=list)


def code_sources(notebook: dict[str, Any]) -> Iterable[str]:
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        sheets = notebook.get("worksheets") or [{}]
        cells = sheets[0].get("cells", []) if isinstance(sheets[0], dict) else []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", cell.get("input", ""))
            yield "".join(source) if isinstance(source, list) else str(source)


def traits(path: Path) -> list[str]:
    """Tags read from the file: nbformat version, with or without cell ids, py2, magics."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["not-json"]
    if not isinstance(notebook, dict):
        return ["not-json"]
    cells = notebook.get("cells")
    ids = isinstance(cells, list) and any(isinstance(c, dict) and "id" in c for c in cells)
    major = notebook.get("nbformat")
    tags = [f"v{major}" if major != 4 else ("v4 ids" if ids else "v4 no ids")]
    meta = notebook.get("metadata") or {}
    kernel = str((meta.get("kernelspec") or {}).get("name", ""))
    version = str((meta.get("language_info") or {}).get("version", ""))
    if "python2" in kernel or version.startswith("2"):
        tags.append("py2")
    lines = (line.lstrip() for source in code_sources(notebook) for line in source.splitlines())
    if any(line.startswith(("%", "!")) for line in lines):
        tags.append("magics")
    return tags


def invoke(command: str, args: Sequence[str], cwd: Path) -> tuple[int | None, str, str, float]:
    """Run `command args` through the shell in its own process group; status None on a timeout."""
    line = f"{command} {shlex.join(args)}"
    started = time.monotonic()
    with subprocess.Popen(
        line, shell=True, cwd=cwd, start_new_session=True, text=True, errors="replace",
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as proc:  # fmt: skip
        try:
            out, err = proc.communicate(timeout=TIMEOUT_S)
            status: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            status = None
    return status, out, err, time.monotonic() - started


def normalise(text: str, notebook: Path, out: Path) -> str:
    for value, name in ((str(out), "<OUT>"), (str(notebook), "<NB>"), (notebook.name, "<NB>")):
        text = text.replace(value, name)
    return text.strip()[:300]


def classify(status: int | None, out: str, err: str, notebook: Path, seconds: float) -> Run:
    lines = [line for line in err.splitlines() if line.strip()]
    last = lines[-1] if lines else (out.strip().splitlines() or [""])[-1]
    if status is None:
        return Run("timeout", None, seconds, f"no answer within {TIMEOUT_S} s")
    if "Traceback" in out or "Traceback" in err:
        return Run("crash", status, seconds, last)
    if status in (0, 1):
        return Run("ok" if status == 0 else "findings", status, seconds)
    if status == 2:
        names = len(lines) == 1 and (str(notebook) in lines[0] or notebook.name in lines[0])
        if names:
            return Run("unusable", status, seconds, lines[0])
        return Run("crash", status, seconds, f"exit 2 without one `PATH: reason` line: {last}")
    reason = f"signal {-status}" if status < 0 else f"exit {status}"
    return Run("crash", status, seconds, f"{reason}: {last}")


def not_compiling(package: Path) -> tuple[int, list[str]]:
    modules = sorted(package.rglob("*.py")) if package.is_dir() else []
    bad = []
    for module in modules:
        try:
            compile(module.read_bytes(), str(module), "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as error:
            bad.append(f"{module.relative_to(package)}: {error}")
    return len(modules), bad


def measure_one(command: str, kind: str, notebook: Path, ident: str) -> Record:
    if not notebook.is_file():
        return Record(ident, kind, [], Run("missing"), Run("missing"))
    with tempfile.TemporaryDirectory(prefix="nb2prod-corpus-") as scratch:
        out = Path(scratch) / "out"
        runs = []
        convert = ["convert", str(notebook), "--no-lock", "-o", str(out)]
        for args in (["check", str(notebook)], convert):
            status, stdout, stderr, seconds = invoke(command, args, notebook.parent)
            run = classify(status, stdout, stderr, notebook, seconds)
            run.cause = normalise(run.cause, notebook, out)
            runs.append(run)
        modules, bad = not_compiling(out) if runs[1].outcome == "ok" else (0, [])
    return Record(ident, kind, traits(notebook), runs[0], runs[1], modules, bad)


def measure_all(pins: list[Pin], dest: Path, command: str, jobs: int, match: str) -> list[Record]:
    work = [
        (pin.kind, dest / pin.folder / path, f"{pin.folder}/{path}")
        for pin in pins
        for path in pin.notebooks
        if match in f"{pin.folder}/{path}"
    ]
    done: list[Record] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for record in pool.map(lambda item: measure_one(command, *item), work):
            done.append(record)
            if len(done) % 25 == 0:
                print(f"measured {len(done)}/{len(work)}", file=sys.stderr, flush=True)
    return done


# --- report --------------------------------------------------------------------------------------


def table(records: list[Record], command: str) -> str:
    """Outcomes of one command by kind, then by trait (a notebook counts under each trait)."""
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        run: Run = getattr(record, command)
        labels = ["all", f"kind {record.kind}", *(f"trait {t}" for t in record.traits)]
        for label in labels:
            rows[label][run.outcome] += 1
            if command == "convert" and run.outcome == "ok":
                rows[label]["compiles"] += not record.not_compiling and record.modules > 0
    columns = [*OUTCOMES, *(["compiles"] if command == "convert" else []), "total"]
    lines = [f"{command:22}" + "".join(f"{c:>10}" for c in columns)]
    for label in sorted(rows, key=lambda x: (x != "all", not x.startswith("kind"), x)):
        counts = rows[label]
        counts["total"] = sum(counts[o] for o in OUTCOMES)
        lines.append(f"{label:22}" + "".join(f"{counts[c]:>10}" for c in columns))
    return "\n".join(lines)


def problems(records: list[Record]) -> str:
    """Crashes and timeouts by command and cause, and converted modules that do not compile."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for record in records:
        for command in ("check", "convert"):
            run: Run = getattr(record, command)
            if run.outcome in ("crash", "timeout"):
                groups[(command, run.outcome, run.cause)].append(record.id)
        for module in record.not_compiling:
            groups[("convert", "not compiling", module.split(": ", 1)[-1])].append(record.id)
    lines = []
    for (command, outcome, cause), ids in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"{len(ids):4} {command} {outcome}: {cause}")
        lines.extend(f"       {ident}" for ident in ids[:3])
        if len(ids) > 3:
            lines.append(f"       ... and {len(ids) - 3} more")
    return "\n".join(lines) or "no crash, no timeout, every converted module compiles"


def cmd_measure(args: argparse.Namespace) -> int:
    pins = load_manifest(args.manifest)
    records = measure_all(pins, args.dest, args.nb2prod, args.jobs, args.match)
    print(f"nb2prod: {args.nb2prod}")
    print(table(records, "check"), end="\n\n")
    print(table(records, "convert"), end="\n\n")
    print(problems(records))
    if args.json:
        doc = {"nb2prod": args.nb2prod, "records": [asdict(r) for r in records]}
        args.json.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    top.add_argument("--manifest", type=Path, default=MANIFEST)
    sub = top.add_subparsers(dest="command", required=True)
    extract = sub.add_parser("extract", help="write the pinned notebooks out of git mirrors")
    extract.add_argument("dest", type=Path)
    extract.add_argument("--mirrors", type=Path, default=MIRRORS, help="folder of git mirrors")
    extract.set_defaults(run=cmd_extract)
    measure = sub.add_parser("measure", help="run nb2prod check and convert on every notebook")
    measure.add_argument("dest", type=Path)
    measure.add_argument("--nb2prod", default="nb2prod", help="shell command that runs nb2prod")
    measure.add_argument("--jobs", type=int, default=1, help="notebooks measured at once")
    measure.add_argument("--json", type=Path, help="write every notebook's record here")
    measure.add_argument("--match", default="", help="only notebooks whose id contains this")
    measure.set_defaults(run=cmd_measure)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.dest = args.dest.resolve()
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
