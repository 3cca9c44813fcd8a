"""Column names of a query, read from its text: what its final top-level ``RETURN`` names.

A server normally sends a result's column names; some Bolt servers (ArcadeDB) send none for an empty result,
so the Neo4j store falls back to :func:`return_columns`.
"""

from __future__ import annotations

import re

from netlens.cypher.lexer import scan

__all__ = ["tokens", "return_columns"]


_TOKEN = re.compile(r"\s+|[A-Za-z_][A-Za-z0-9_]*|.", re.S)


def tokens(cypher: str) -> list[tuple[str, int, str]]:
    """``(kind, depth, text)`` of every token outside comments: ``word``, ``quoted``, ``string``, ``space``, ``punct``.

    ``depth`` counts the brackets ``( [ {`` around the token (an opening bracket has the outer depth).
    """
    out: list[tuple[str, int, str]] = []
    depth = 0
    for kind, chunk in scan(cypher):
        if kind == "comment":
            out.append(("space", depth, " "))
        elif kind != "code":
            out.append((kind, depth, chunk))
        else:
            for m in _TOKEN.finditer(chunk):
                tok = m.group()
                if tok.isspace():
                    out.append(("space", depth, tok))
                elif tok[0].isalpha() or tok[0] == "_":
                    out.append(("word", depth, tok))
                elif tok in ")]}":
                    depth = max(depth - 1, 0)
                    out.append(("punct", depth, tok))
                else:
                    out.append(("punct", depth, tok))
                    if tok in "([{":
                        depth += 1
    return out


def return_columns(cypher: str) -> list[str] | None:
    """The column names a query's final ``RETURN`` gives, read from its text (``None`` for ``RETURN *`` or none).

    A column is its alias (``AS name``, backticks removed) or, without one, the expression as written — the
    names Neo4j gives. Only the top-level ``RETURN`` counts (not those inside ``CALL {}``, ``COUNT {}`` or
    ``EXISTS {}``); with ``UNION`` the first part's. The Neo4j store uses this when a server sends an empty
    result without column names (ArcadeDB does).

    Examples
    --------
    >>> return_columns("MATCH (c:City) RETURN c.id AS id, c.name AS `the name`, count(*) ORDER BY id LIMIT 3")
    ['id', 'the name', 'count(*)']
    >>> return_columns("MATCH (c) WHERE COUNT { MATCH (c)--() RETURN c } > 1 RETURN DISTINCT c.country, /* x */ {a: [2]} AS m")
    ['c.country', 'm']
    >>> return_columns("CALL { MATCH (n) RETURN n } RETURN n.id AS `a``b` UNION RETURN 'x' AS `a``b`")
    ['a`b']
    >>> return_columns("MATCH (n) RETURN *"), return_columns("MATCH (n) SET n.x = 1")
    (None, None)
    """
    toks = tokens(cypher)
    top = [i for i, (kind, depth, _) in enumerate(toks) if depth == 0 and kind != "space"]

    def word(i: int, *names: str) -> bool:
        return toks[i][0] == "word" and toks[i][2].upper() in names

    union = next((k for k, i in enumerate(top) if word(i, "UNION")), len(top))
    starts = [k for k in range(union) if word(top[k], "RETURN")]
    if not starts:
        return None
    begin = starts[-1] + 1
    end = next((k for k in range(begin, union) if word(top[k], "ORDER", "SKIP", "LIMIT") or toks[top[k]][2] == ";"), union)
    if begin < end and word(top[begin], "DISTINCT"):
        begin += 1
    items: list[list[int]] = [[]]
    for k in range(begin, end):
        if toks[top[k]][2] == ",":
            items.append([])
        else:
            items[-1].append(k)
    columns: list[str] = []
    for item in items:
        if not item:
            return None
        if len(item) == 1 and toks[top[item[0]]][2] == "*":
            return None
        if len(item) >= 3 and word(top[item[-2]], "AS"):
            kind, _, text = toks[top[item[-1]]]
            columns.append(text[1:-1].replace("``", "`") if kind == "quoted" else text)
        else:
            first, last = top[item[0]], top[item[-1]]
            columns.append("".join(t[2] for t in toks[first : last + 1]).strip())
    return columns
