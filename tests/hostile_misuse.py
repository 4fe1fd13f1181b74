"""The hostile cases that aim at the user's files and at nb2prod itself: data loss, crashes, and
the same hostile notebooks through the server."""

from __future__ import annotations

from collections.abc import Iterator

from hostile import (
    ANY,
    MADE,
    SIMPLE,
    UNUSABLE,
    V3_CELLS,
    V3_ERROR,
    Case,
    Expect,
    Fifo,
    Folder,
    Link,
    both,
    checked,
    code,
    convert_args,
    converted,
    deep_and,
    dump,
    many_findings,
    markdown,
    nested_lists,
    notebook,
    reads,
    result,
    runs,
    stream,
    tree,
    v3_notebook,
)

# --- 4. data loss -------------------------------------------------------------------------------

USER_FILES = {
    "foreign/report.docx": b"PK\x03\x04 the user's report",
    "foreign/notes.txt": b"mine\n",
}
SIMPLE_TREE = {"work/nb.ipynb": SIMPLE, "work/data.csv": b"a\n1\n", "work/other.ipynb": SIMPLE}
#: Folders ``convert --force`` must never replace: the notebook's, the current one, HOME, a parent
#: of them, a folder nb2prod did not write, a link to the notebook's folder.
FORCED_TARGETS = {
    "output-dot": ".",
    "output-notebook-folder": "@T@/work",
    "output-home": "@T@/home",
    "output-parent": "..",
    "output-foreign": "../foreign",
    "output-link-to-folder": "../linked",
}
REFUSED = Expect(codes=UNUSABLE, one_line="")
KERNEL = ("kernel",)


def data_loss() -> Iterator[Case]:
    files = tree({**SIMPLE_TREE, **USER_FILES, "linked": Link("@T@/work")})
    for name, target in FORCED_TARGETS.items():
        args: tuple[str, ...] = ("convert", "nb.ipynb", "-o", target, "--force", "--no-lock")
        yield Case("data-loss", name, "convert", files, args, REFUSED)
    taken = tree({**SIMPLE_TREE, "work/nb/mine.txt": b"mine\n"})
    args = ("convert", "nb.ipynb", "--no-lock")
    yield Case("data-loss", "existing-no-force", "convert", taken, args, REFUSED)
    mine = tree({**SIMPLE_TREE, "work/report.txt": b"the user's report\n"})
    args = ("run", "nb.ipynb", "-o", "report.txt")
    yield Case("data-loss", "run-over-file", "run", mine, args, REFUSED, marks=KERNEL)
    args = ("run", "nb.ipynb", "-o", "missing/ran.ipynb")
    yield Case(
        "data-loss", "run-missing-folder", "run", tree(SIMPLE_TREE), args, REFUSED, marks=KERNEL
    )
    linked = tree({"work/real/nb.ipynb": SIMPLE, "work/link.ipynb": Link("real/nb.ipynb")})
    in_place = Expect(codes=frozenset({0}), output="work/real/nb.ipynb")
    args = ("run", "link.ipynb")
    yield Case("data-loss", "run-link-in-place", "run", linked, args, in_place, marks=KERNEL)


# --- 5. crashes ---------------------------------------------------------------------------------

SURROGATES = dump(notebook(
    markdown("## Lone \ud800 surrogate \udfff"),
    code('text = "\ud800"\nlabel = "x\udcff"', 1, [stream("\ud800\n")]),
    code("len(text)", 2, [result("1 \udfff", 2)]),
))  # fmt: skip
OK, FOUND = frozenset({0}), frozenset({1})
#: Top-level code IPython runs (autoawait, star imports in blocks) or rejects (return,
#: nonlocal), and the exit status ``check`` must give.
TOP_LEVEL = {
    "await": ("import asyncio\nawait asyncio.sleep(0)\nx = 1", OK),
    "async-for": ("async def numbers():\n    yield 1\nasync for n in numbers():\n    print(n)", OK),
    "star-in-try": (
        "try:\n    from os.path import *\nexcept ImportError:\n    pass\nprint(sep)",
        OK,
    ),
    "star-in-if": ("if True:\n    from math import *\nprint(floor(2.5))", OK),
    "return": ("x = 1\nreturn x", FOUND),
    "nonlocal": ("nonlocal x\nx = 1", FOUND),
}
UNUSABLE_FILES = {
    "empty": b"",
    "binary": b"\x89PNG\r\n\x1a\n" + b"\x00\xff" * 64,
    "truncated": SIMPLE[: len(SIMPLE) // 2],
}
DEEP = {
    "and-600": deep_and(600),
    "and-8000": deep_and(8000),
    "lists-100": nested_lists(100),
    "lists-1000": nested_lists(1000),
}
#: Deep code is analysed or refused in one line; code Python parses must be lifted.
DEEP_CODES = {"and-600": ANY, "and-8000": ANY, "lists-100": MADE, "lists-1000": ANY}
V3 = {
    "v3-lists": v3_notebook([V3_CELLS]),
    "v3-worksheets": v3_notebook([V3_CELLS[:3], [V3_ERROR]], minor=1),
}
SECONDS = 20
MEMORY = 2 * 1024**3


def crash() -> Iterator[Case]:
    yield from unreadable()
    yield converted("crash", "surrogates", {"work/nb.ipynb": SURROGATES}, codes=MADE)
    yield checked("crash", "surrogates", {"work/nb.ipynb": SURROGATES})
    data = {"work/data": b"1,2,3\n", "work/nb.ipynb": reads("data")}
    yield from both("crash", "file-named-data", data, codes=MADE)
    for name, content in DEEP.items():
        yield from both("crash", name, {"work/nb.ipynb": content}, codes=DEEP_CODES[name])
    for name, content in V3.items():
        read_fine = frozenset({0, 1})
        yield converted("crash", name, {"work/nb.ipynb": content}, codes=read_fine)
        yield checked("crash", name, {"work/nb.ipynb": content}, codes=read_fine)
    for name, (source, verdict) in TOP_LEVEL.items():
        files = {"work/nb.ipynb": runs(source)}
        yield converted("crash", name, files, codes=OK if verdict == OK else ANY)
        yield checked("crash", name, files, codes=verdict)
    for stem in ("datetime", "json", "test"):
        named = {f"work/{stem}.ipynb": SIMPLE}
        yield converted("crash", f"named-{stem}", named, f"{stem}.ipynb", codes=MADE)
    yield from odd_commands()


def unreadable() -> Iterator[Case]:
    """A FIFO and an endless device named like notebooks; empty, binary and truncated files."""
    stuck = Expect(codes=UNUSABLE, one_line="x.ipynb", within=SECONDS)
    for surface in ("check", "convert", "run"):
        args = convert_args("x.ipynb") if surface == "convert" else (surface, "x.ipynb")
        yield Case("crash", "fifo", surface, tree({"work/x.ipynb": Fifo()}), args, stuck)
    endless = Expect(codes=UNUSABLE, one_line="z.ipynb", within=SECONDS, memory=MEMORY)
    zero = tree({"work/z.ipynb": Link("/dev/zero")})
    yield Case("crash", "dev-zero", "check", zero, ("check", "z.ipynb"), endless)
    yield Case("crash", "dev-zero", "convert", zero, convert_args("z.ipynb"), endless)
    for name, content in UNUSABLE_FILES.items():
        files, path = {f"work/{name}.ipynb": content}, f"{name}.ipynb"
        yield converted("crash", name, files, path, codes=UNUSABLE, one_line=path)
        yield checked("crash", name, files, path, codes=UNUSABLE, one_line=path)


def odd_commands() -> Iterator[Case]:
    """A closed pipe, ``verify`` on folders that are not packages, outputs that cannot be."""
    quiet = Expect(codes=frozenset({0, 1, 2, 141}))
    big = tree({"work/nb.ipynb": many_findings(1500)})
    yield Case("crash", "broken-pipe", "check", big, ("check", "nb.ipynb"), quiet, pipe="head -1")
    empty = tree({"work/empty": Folder()})
    yield Case("crash", "verify-empty-folder", "verify", empty, ("verify", "empty"), REFUSED)
    foreign = tree({"work/mine/notes.txt": b"mine\n"})
    yield Case("crash", "verify-not-a-package", "verify", foreign, ("verify", "mine"), REFUSED)
    simple = tree({"work/nb.ipynb": SIMPLE})
    args: tuple[str, ...]
    for name, target in {
        "output-under-file": "../notes.txt/pkg",
        "output-long-name": "n" * 300,
    }.items():
        args = ("convert", "nb.ipynb", "-o", target, "--no-lock")
        yield Case("crash", name, "convert", simple, args, REFUSED)
    args = ("run", "nb.ipynb", "-o", "../notes.txt/ran.ipynb")
    yield Case("crash", "run-output-under-file", "run", simple, args, REFUSED, marks=KERNEL)


# --- 6. the server ------------------------------------------------------------------------------

#: The CLI cases (attack.name) whose notebooks also go through the server's analyze and convert.
THROUGH_SERVER = (
    "injection.triple-double", "injection.surrogate", "injection.newline",
    "injection.id-newline", "injection.name-triple-double", "injection.name-undecodable",
    "injection.language-name", "metadata.python2", "metadata.cuda", "files.link-file",
    "files.link-folder", "files.link-in-data-folder", "files.recorded-path", "files.dotenv",
    "files.secret-dict", "files.secret-outputs", "crash.fifo", "crash.dev-zero",
    "crash.surrogates", "crash.and-600", "crash.lists-1000", "crash.v3-worksheets",
    "crash.await", "crash.return", "crash.named-datetime", "crash.empty", "crash.binary",
    "crash.truncated",
)  # fmt: skip
SERVER_OUTPUT = "srv_pkg"
#: Outputs the server's convert must refuse, even with force.
SERVER_TARGETS = {
    "output-root": {"path": "nb.ipynb", "output": "."},
    "output-notebook-folder": {"path": "sub/nb.ipynb", "output": "sub"},
    "output-foreign": {"path": "nb.ipynb", "output": "foreign"},
}


def server(cases: list[Case]) -> list[Case]:
    chosen: dict[str, Case] = {}
    for case in cases:
        key = f"{case.attack}.{case.name}"
        if key in THROUGH_SERVER and case.surface in ("convert", "check"):
            chosen.setdefault(key, case)
    found = [c for key, case in chosen.items() for c in through_server(key, case)]
    return found + list(server_targets())


def through_server(key: str, case: Case) -> Iterator[Case]:
    path, name, forbidden = case.args[1], key.replace(".", "-"), case.expect.forbidden
    analyzed = Expect(forbidden=forbidden, within=SECONDS)
    yield Case("server", name, "analyze", case.layout, body={"path": path}, expect=analyzed)
    body = {"path": path, "output": SERVER_OUTPUT, "lock": False, "allow_hidden_state": True}
    written = Expect(output=f"work/{SERVER_OUTPUT}", forbidden=forbidden, within=SECONDS)
    yield Case("server", name, "convert", case.layout, body=body, expect=written)


def server_targets() -> Iterator[Case]:
    files = tree({**SIMPLE_TREE, "work/foreign/notes.txt": b"mine\n", "work/sub/nb.ipynb": SIMPLE})
    for name, body in SERVER_TARGETS.items():
        forced = {**body, "force": True, "lock": False}
        yield Case("server", name, "convert", files, body=forced, expect=Expect(within=SECONDS))
