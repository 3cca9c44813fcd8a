"""Scanning Cypher text: separate code from string literals, comments and back-quoted names.

Takes Cypher text; returns ``(kind, chunk)`` pieces (:func:`scan`) or the code alone (:func:`code_only`), so
parameter and write-clause checks never look inside strings or comments.
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["PARAM_NAME", "scan", "code_only", "statements"]

#: a parameter name after ``$`` (a back-quoted name is scanned as ``quoted``)
PARAM_NAME = r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+"


def _string_end(text: str, i: int) -> int:
    """Index of the quote that closes the string starting at ``text[i]`` (or the last index)."""
    quote, j, n = text[i], i + 1, len(text)
    while j < n and text[j] != quote:
        j += 2 if text[j] == "\\" else 1
    return j


def _quoted_end(text: str, i: int) -> int:
    """Index of the backtick that closes the name starting at ``text[i]``; a doubled backtick escapes one."""
    j, n = i + 1, len(text)
    while j < n:
        if text[j] == "`":
            if text.startswith("``", j):
                j += 2
                continue
            break
        j += 1
    return j


def scan(text: str) -> Iterator[tuple[str, str]]:
    """Split Cypher ``text`` into ``(kind, chunk)``: ``code``, ``string``, ``comment`` or ``quoted`` (`` `x` ``).

    Examples
    --------
    >>> list(scan("RETURN 'a' // b"))
    [('code', 'RETURN '), ('string', "'a'"), ('code', ' '), ('comment', '// b')]
    """
    i, n, start = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch in "'\"" or ch == "`" or text.startswith("//", i) or text.startswith("/*", i):
            if i > start:
                yield "code", text[start:i]
            if ch in "'\"":
                j = _string_end(text, i)
                kind = "string"
            elif ch == "`":
                j = _quoted_end(text, i)
                kind = "quoted"
            elif text.startswith("//", i):
                j = text.find("\n", i)
                j = n - 1 if j < 0 else j - 1
                kind = "comment"
            else:
                j = text.find("*/", i + 2)
                j = n - 1 if j < 0 else j + 1
                kind = "comment"
            yield kind, text[i : j + 1]
            i = start = j + 1
        else:
            i += 1
    if start < n:
        yield "code", text[start:]


def code_only(cypher: str) -> str:
    """``cypher`` with strings and comments blanked and quoted names replaced by ``x``.

    >>> code_only("MATCH (n:`My Label`) WHERE n.x = 'SET' RETURN n")
    'MATCH (n:x) WHERE n.x =   RETURN n'
    """
    parts = []
    for kind, chunk in scan(cypher):
        if kind == "code":
            parts.append(chunk)
        elif kind == "quoted":
            parts.append("x")
        else:
            parts.append(" ")
    return "".join(parts)


def statements(cypher: str) -> list[str]:
    """The ``;``-separated statements of ``cypher`` (a ``;`` inside a string or comment does not count).

    Empty statements (a trailing ``;``, comments only) are left out.

    >>> statements("RETURN 1 AS a; RETURN ';' AS b;  // done")
    ['RETURN 1 AS a', " RETURN ';' AS b"]
    """
    out: list[str] = []
    current: list[str] = []
    for kind, chunk in scan(cypher):
        if kind != "code":
            current.append(chunk)
            continue
        *done, rest = chunk.split(";")
        for piece in done:
            current.append(piece)
            out.append("".join(current))
            current = []
        current.append(rest)
    out.append("".join(current))
    return [s for s in out if code_only(s).strip()]
