"""The last guard of ``convert``: every Python file it generated compiles, its ``pyproject.toml``
is TOML, and every text file is UTF-8. A file that fails is a bug in nb2prod, never something to
write: the notebook gets one line naming the file and the reason instead of a broken package."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from nb2prod.errors import NotebookError


def check_generated(
    files: Mapping[str, str | bytes], notebook_path: str, copied: Collection[str] = ()
) -> None:
    """Raise :class:`NotebookError` for the first generated file that is not valid; ``copied``
    are the user's own modules, copied as they are (checked for UTF-8 only)."""
    for path, content in sorted(files.items()):
        if isinstance(content, bytes):  # data files, shipped as read
            continue
        problem = _problem(path, content, check_code=path not in copied)
        if problem:
            raise NotebookError(
                notebook_path,
                f"not converted: the generated {path} {problem}. This is a bug in nb2prod; "
                "nothing was written",
            )


def _problem(path: str, content: str, check_code: bool) -> str | None:
    try:
        content.encode("utf-8")
    except UnicodeEncodeError as error:
        return f"is not UTF-8 text ({error.reason} at character {error.start})"
    if path.endswith(".py") and check_code:
        return _compile_problem(path, content)
    if path == "pyproject.toml":
        return _toml_problem(content)
    return None


def _compile_problem(path: str, source: str) -> str | None:
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        return f"does not compile: {error.msg} (line {error.lineno})"
    except (ValueError, RecursionError, MemoryError) as error:
        return f"does not compile: {type(error).__name__}: {error}"
    return None


def _toml_problem(text: str) -> str | None:
    try:
        import tomllib
    except ImportError:  # Python 3.10: no TOML reader in the standard library
        return None
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return f"is not valid TOML: {error}"
    return None
