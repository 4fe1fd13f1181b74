"""What each IPython magic means: one table, read by ``check`` (what it does to the namespace)
and by ``convert`` (what it becomes in a package, and whether what it showed can be a test).

Per magic, line form (``%name``) and cell form (``%%name``) apart:

* ``code``: what becomes of the Python it carries (its argument, or its body);
* ``lift``: what ``convert`` puts in its place;
* ``stable``: the package shows again what it showed (or it shows nothing), so a cell's shown
  output can be a test; a timing, a profile or a listing of the session never is;
* ``shell``: it runs shell commands (their output is no test either);
* ``automagic``: IPython runs it without its ``%`` in a one-line cell, and its name is rarely a
  variable's;
* ``needs``: the distributions it imports without an import statement (``%matplotlib``).

A magic not in the table is unknown: nb2prod cannot see what it does (a cell magic may bind any
name), ``convert`` leaves a visible TODO, and its output is no test.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Literal, Protocol

Form = Literal["line", "cell"]


class Code(Enum):
    """What becomes of the Python code a magic carries."""

    RUNS = "runs once, in the user's namespace"  # %time x = f(), %%capture, %%prun
    REPEATED = "runs many times, in a scope of its own"  # %timeit: reads names, binds none
    NONE = "carries no Python code"  # %matplotlib, %pip, %ls
    FOREIGN = "carries text that is not Python"  # %%bash, %%html, %%writefile
    BINDS = "binds the names its arguments give"  # %store -r x, %pylab, %R -o x
    CLEARS = "clears the namespace"  # %reset -f
    HIDDEN = "runs code nb2prod cannot see"  # %run script.py, %load, %%cython


class Lift(Enum):
    """What ``convert`` puts in a magic's place."""

    UNWRAP = "the code it runs, as plain Python"
    EQUIVALENT = "a plain-Python equivalent"  # %env -> os.environ, !cmd -> subprocess.run
    REQUIREMENT = "a dependency of the package"  # %pip install
    MODULE = "a module shipped in the package"  # %%writefile helpers.py
    DROP = "nothing: it only sets up the interactive session"
    NOTE = "a comment saying why it was dropped"
    TODO = "a visible TODO"


@dataclass(frozen=True)
class Meaning:
    """What one magic, in one form, means."""

    code: Code
    lift: Lift
    stable: bool
    shell: bool = False
    automagic: bool = False
    why: str = ""  # for NOTE and TODO: why it is not part of the package
    needs: tuple[str, ...] = ()


def _m(code: Code, lift: Lift, stable: bool = False, *, shell: bool = False, auto: bool = False,
       why: str = "", needs: tuple[str, ...] = ()) -> Meaning:  # fmt: skip
    return Meaning(code, lift, stable, shell, auto, why, needs)


_TIMING = "a timing, not part of the results"
_SHOWN = "shown in the notebook, not part of the results"
_SCRIPT = "a shell script: run it outside the package or port it to Python"
_HIDDEN_CODE = "runs code the notebook does not hold"
_SESSION = _m(Code.NONE, Lift.DROP, stable=True)
_SHOWS = _m(Code.NONE, Lift.DROP)  # drops what it showed: the session, help, a listing
_AUTO_SESSION = _m(Code.NONE, Lift.DROP, stable=True, auto=True)
_AUTO_SHOWS = _m(Code.NONE, Lift.DROP, auto=True)
_LISTING = _m(Code.NONE, Lift.DROP, shell=True, auto=True)  # %ls, %ll: shows a folder
_FILES = _m(Code.NONE, Lift.EQUIVALENT, shell=True, auto=True)  # %mkdir: subprocess.run
_INSTALL = _m(Code.NONE, Lift.REQUIREMENT, shell=True)

LINE: dict[str, Meaning] = {
    # the code they carry runs once, as in a plain cell
    "time": _m(Code.RUNS, Lift.UNWRAP),
    "prun": _m(Code.RUNS, Lift.UNWRAP),
    "debug": _m(Code.RUNS, Lift.UNWRAP),
    "lprun": _m(Code.RUNS, Lift.UNWRAP),  # line_profiler
    "mprun": _m(Code.RUNS, Lift.UNWRAP),  # memory_profiler
    "timeit": _m(Code.REPEATED, Lift.NOTE, auto=True, why=_TIMING),
    "memit": _m(Code.REPEATED, Lift.NOTE, why="a memory measurement, not part of the results"),
    # names from elsewhere
    "run": _m(Code.HIDDEN, Lift.TODO, auto=True, why="runs a script"),
    "load": _m(Code.HIDDEN, Lift.TODO, why="loads code from a file"),
    "loadpy": _m(Code.HIDDEN, Lift.TODO, why="loads code from a file"),
    "ed": _m(Code.HIDDEN, Lift.TODO, why="edits code"),
    "edit": _m(Code.HIDDEN, Lift.TODO, why="edits code"),
    "recall": _m(Code.HIDDEN, Lift.TODO, why=_HIDDEN_CODE),
    "rerun": _m(Code.HIDDEN, Lift.TODO, why=_HIDDEN_CODE),
    "rep": _m(Code.HIDDEN, Lift.TODO, auto=True, why=_HIDDEN_CODE),
    "macro": _m(Code.HIDDEN, Lift.TODO, why=_HIDDEN_CODE),
    "store": _m(Code.BINDS, Lift.TODO, why="stores or restores variables across sessions"),
    "pylab": _m(Code.BINDS, Lift.EQUIVALENT, auto=True, why="star-imports numpy and matplotlib",
                needs=("matplotlib",)),
    "R": _m(Code.BINDS, Lift.TODO, why="R code"),
    "Rpull": _m(Code.BINDS, Lift.TODO, why="R code"),
    "Rpush": _m(Code.NONE, Lift.TODO, why="R code"),
    "reset": _m(Code.CLEARS, Lift.DROP),
    "reset_selective": _m(Code.CLEARS, Lift.DROP, auto=True),
    "xdel": _m(Code.NONE, Lift.TODO, why="deletes a variable"),
    # the environment, the file system and the shell
    "env": _m(Code.NONE, Lift.EQUIVALENT, auto=True),
    "set_env": _m(Code.NONE, Lift.EQUIVALENT),
    "sx": _m(Code.NONE, Lift.EQUIVALENT, shell=True),
    "system": _m(Code.NONE, Lift.EQUIVALENT, shell=True),
    "cd": _m(Code.NONE, Lift.TODO, shell=True, auto=True, why="changes the working folder"),
    "pushd": _m(Code.NONE, Lift.TODO, shell=True, auto=True, why="changes the working folder"),
    "popd": _m(Code.NONE, Lift.TODO, shell=True, auto=True, why="changes the working folder"),
    "pip": _INSTALL,
    "conda": _INSTALL,
    "mamba": _INSTALL,
    "micromamba": _INSTALL,
    **dict.fromkeys(("mkdir", "rmdir", "rm", "cp", "mv"), _FILES),
    **dict.fromkeys(("ls", "ll", "lf", "lk", "ldir", "lx", "pwd", "pycat"), _LISTING),
    "cat": _m(Code.NONE, Lift.DROP, shell=True, auto=True),
    "sc": _m(Code.NONE, Lift.TODO, shell=True, why=_SCRIPT),
    # the interactive session only
    "matplotlib": _m(Code.NONE, Lift.DROP, stable=True, auto=True, needs=("matplotlib",)),
    **dict.fromkeys(
        ("load_ext", "reload_ext", "unload_ext", "autoreload", "aimport", "config",
         "colors", "notebook", "rehashx", "unalias", "bookmark"),
        _AUTO_SESSION,
    ),
    **dict.fromkeys(
        ("pinfo", "who", "whos", "who_ls", "lsmagic", "magic", "quickref", "history",
         "precision", "xmode", "doctest_mode", "alias", "dhist", "less", "more", "man", "clear",
         "pdoc", "pdef", "psource", "pfile", "psearch", "killbgscripts"),
        _AUTO_SHOWS,
    ),
    **dict.fromkeys(("autosave", "gui", "qtconsole", "logstop", "logon", "logoff"), _SESSION),
    **dict.fromkeys(
        ("pinfo2", "hist", "pdb", "tb", "pprint", "page", "dirs", "autocall", "automagic",
         "autoawait", "logstart", "logstate", "alias_magic", "connect_info", "save", "pastebin",
         "watermark", "tensorboard", "subshell"),
        _SHOWS,
    ),
}  # fmt: skip

_SCRIPT_BODY = _m(Code.FOREIGN, Lift.TODO, shell=True, why=_SCRIPT)
_DISPLAY = _m(Code.FOREIGN, Lift.NOTE, why=_SHOWN)

CELL: dict[str, Meaning] = {
    "capture": _m(Code.RUNS, Lift.EQUIVALENT, stable=True),
    "time": _m(Code.RUNS, Lift.UNWRAP),
    "prun": _m(Code.RUNS, Lift.UNWRAP),
    "debug": _m(Code.RUNS, Lift.UNWRAP),
    "timeit": _m(Code.REPEATED, Lift.NOTE, why=_TIMING),
    "writefile": _m(Code.FOREIGN, Lift.MODULE),
    "file": _m(Code.FOREIGN, Lift.MODULE),
    "pip": _m(Code.FOREIGN, Lift.REQUIREMENT, shell=True),
    "conda": _m(Code.FOREIGN, Lift.REQUIREMENT, shell=True),
    "R": _m(Code.BINDS, Lift.TODO, why="R code"),
    **dict.fromkeys(
        ("bash", "sh", "script", "system", "sx", "!", "perl", "ruby", "python", "python2",
         "python3", "pypy"),
        _SCRIPT_BODY,
    ),
    **dict.fromkeys(
        ("html", "HTML", "javascript", "js", "latex", "markdown", "md", "svg", "SVG", "dot",
         "mermaid"),
        _DISPLAY,
    ),
}  # fmt: skip

UNKNOWN_LINE = Meaning(Code.NONE, Lift.TODO, stable=False, why="an unknown magic")
UNKNOWN_CELL = Meaning(Code.HIDDEN, Lift.TODO, stable=False, why="an unknown cell magic")
#: A shell escape (``!cmd``, ``x = !cmd``): a plain-Python equivalent where it has one.
SHELL = Meaning(Code.NONE, Lift.EQUIVALENT, stable=False, shell=True)

#: Line magics IPython runs without their ``%`` in a one-line cell (automagic).
AUTOMAGICS = frozenset(name for name, meaning in LINE.items() if meaning.automagic)


def meaning(form: Form, name: str) -> Meaning:
    """What ``%name`` (``form`` "line") or ``%%name`` ("cell") means."""
    if form == "line":
        return LINE.get(name, UNKNOWN_LINE)
    return CELL.get(name, UNKNOWN_CELL)


#: The options of the magics that run code, before the code: ``%timeit -n 10 -r 3 f(x)``.
_OPTIONS = {
    "timeit": re.compile(r"^(?:\s*-[nrp]\s*\d+|\s*-[oqtc]\b)*\s*"),
    "memit": re.compile(r"^(?:\s*-[rt]\s*\d+|\s*-[ico]\b)*\s*"),
    "prun": re.compile(r"^(?:\s*-[DlsT]\s*\S+|\s*-[rq]\b)*\s*"),
    "debug": re.compile(r"^(?:\s*(?:--breakpoint|-b)(?:\s+|=)\S+)*\s*"),
    "lprun": re.compile(r"^(?:\s*-[fmDTu]\s*\S+|\s*-[rsz]\b)*\s*"),
    "mprun": re.compile(r"^(?:\s*-[fT]\s*\S+|\s*-[cr]\b)*\s*"),
}


def statement(name: str, argument: str) -> str:
    """The Python a magic runs, its options dropped: ``-n 10 f(x)`` -> ``f(x)`` for ``timeit``
    (quotes and all); the first line of a cell magic for ``%%prun`` and ``%%timeit``."""
    options = _OPTIONS.get(name)
    found = options.match(argument) if options else None
    return argument[found.end() :] if found else argument


def python_code(form: Form, name: str, line: str, body: str = "") -> str | None:
    """The Python code a magic runs (``Code.RUNS`` or ``REPEATED``), or None when it runs none
    nb2prod can read. A cell magic's code starts one line above its body: with ``%%prun`` and
    ``%%timeit`` the statement on the magic's line comes first; others have nothing there."""
    if meaning(form, name).code not in (Code.RUNS, Code.REPEATED):
        return None
    if form == "line":
        return statement(name, line)
    first = statement(name, line) if name in ("prun", "timeit", "debug") else ""
    return f"{first}\n{body}"


def writefile_target(line: str) -> tuple[str, bool] | None:
    """``%%writefile [-a] PATH`` (and ``%%file``): the file, and whether the body is appended;
    None without exactly one file name. Quotes are read as IPython reads them."""
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    flags = ("-a", "--append")
    names = [w for w in words if w not in flags]
    return (names[0], any(w in flags for w in words)) if len(names) == 1 else None


class MagicUse(Protocol):
    """A magic as a cell uses it (``analysis.facts.Magic``): ``kind`` "line", "cell" or
    "shell", and its name."""

    @property
    def kind(self) -> str: ...

    @property
    def name(self) -> str: ...


def meaning_of(magic: MagicUse) -> Meaning:
    """What a magic a cell uses means (a shell escape's is :data:`SHELL`)."""
    if magic.kind == "shell":
        return SHELL
    return meaning("cell" if magic.kind == "cell" else "line", magic.name)


def written(magic: MagicUse) -> str:
    """``%%time``, ``%ls``, ``!ls``: the magic as a cell writes it."""
    return {"shell": "!", "cell": "%%"}.get(magic.kind, "%") + magic.name


def unstable_output(magics: Iterable[MagicUse]) -> str | None:
    """Why what a cell showed is no test of the package, or None when it may be one: the cell
    uses a magic whose output the package does not show again (a timing, a profile, a listing
    of the session, an unknown magic) or a shell command. Returns the magic as written
    (``%%time``, ``!ls``)."""
    for magic in magics:
        found = meaning_of(magic)
        if not found.stable or found.shell:
            return written(magic)
    return None
