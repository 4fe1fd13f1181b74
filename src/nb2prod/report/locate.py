"""Where a cell's source line sits in the ``.ipynb`` file's own text, for annotations.

CI annotations (GitHub) and SARIF point at lines of the file that changed, and a notebook file is
JSON: cell 3's line 2 is some line of that JSON. nbformat writes a source as a list with one
string per line, so each source line has a JSON line of its own; a source stored as one string
puts every line on the string's line. Positions come from scanning the tokens of the JSON text
(strings and punctuation only), so a notebook of megabytes is scanned in one pass.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def source_lines(text: str) -> dict[int, list[int]]:
    """For each cell (numbered from 1), the 1-based JSON line of each of its source strings."""
    found: dict[int, list[int]] = {}
    frames: list[list[str | int | None]] = []  # [bracket, key or index]
    expect_key = False
    line, last = 1, 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        line += text.count("\n", last, match.start())
        last = match.start()
        if token in ("{", "["):
            frames.append([token, None if token == "{" else 0])
            expect_key = token == "{"
        elif token in ("}", "]"):
            if frames:
                frames.pop()
            expect_key = False
        elif token == ",":
            if frames and frames[-1][0] == "[":
                frames[-1][1] = int(frames[-1][1] or 0) + 1
            expect_key = bool(frames) and frames[-1][0] == "{"
        elif token == ":":
            expect_key = False
        elif expect_key:
            frames[-1][1] = token
        else:
            cell = _source_of(frames)
            if cell is not None:
                found.setdefault(cell + 1, []).append(line)
    return found


def json_line(lines: dict[int, list[int]], cell: int | None, line: int) -> int:
    """The JSON line of ``line`` (1-based; 0: the cell as a whole) of ``cell``; 1 when unknown."""
    if cell is None or cell not in lines or not lines[cell]:
        return 1
    own = lines[cell]
    return own[min(max(line, 1), len(own)) - 1]


def _source_of(frames: list[list[str | int | None]]) -> int | None:
    """The cell index when the frames are ``cells[i].source`` (or an element of it)."""
    if len(frames) not in (3, 4):
        return None
    root, cells, cell = frames[0], frames[1], frames[2]
    if root != ["{", '"cells"'] or cells[0] != "[" or cell != ["{", '"source"']:
        return None
    if len(frames) == 4 and frames[3][0] != "[":
        return None
    return int(cells[1] or 0)


def notebook_text(path: str) -> str:
    """The notebook file's text for locating lines ("" when it cannot be read again)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""
