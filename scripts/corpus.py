"""A pinned corpus of public notebooks by other people, and a runner that measures nb2prod on it.

The notebooks themselves are never committed: scripts/corpus.json pins each repository's commit
and the notebook paths; this script writes them out of local git mirrors and measures nb2prod.

    python3 scripts/corpus.py extract DEST [--mirrors DIR]
    python3 scripts/corpus.py measure DEST [--nb2prod CMD] [--jobs N] [--json OUT] [--match TEXT]

`extract` writes each pinned notebook, with the small regular files its folder holds (two folder
levels deep, each under 5 MiB), to DEST/<owner>__<repo>/<path>. A mirror of owner/name is a git
directory at DIR/owner+name/repo (bare, or a clone with its .git) holding the pinned commit.

`measure` runs `nb2prod check` and `nb2prod convert` on every pinned notebook and reports the
outcomes by kind and trait (scripts/corpus_measure.py says how they are sorted). `--nb2prod` runs
another checkout, e.g.
`--nb2prod 'PYTHONPATH=/path/to/checkout/src python3 -m nb2prod'`.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus_measure import measure_all, problems, table

MANIFEST = Path(__file__).resolve().parent / "corpus.json"
MIRRORS = Path("/work/.mirror")
COMPANION_MAX_BYTES = 5 * 2**20
COMPANION_DEPTH = 2
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


def cmd_measure(args: argparse.Namespace) -> int:
    pins = load_manifest(args.manifest)
    work = [
        (pin.kind, args.dest / pin.folder / path, f"{pin.folder}/{path}")
        for pin in pins
        for path in pin.notebooks
        if args.match in f"{pin.folder}/{path}"
    ]
    records = measure_all(work, args.nb2prod, args.jobs)
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
