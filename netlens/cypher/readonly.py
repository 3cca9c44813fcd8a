"""The read-only check both stores apply to ``netlens query``: which clauses or procedures make Cypher a write.

Takes Cypher text; returns the write operations found outside strings and comments (:func:`write_operations`),
or raises :class:`~netlens.errors.ReadOnlyQueryError` (:func:`check_read_only`). Conservative: used together
with the engine's own read-only mode, never instead of it (kglite's read-only mode still lets ``LOAD CSV``
read local files, for instance).
"""

from __future__ import annotations

import re

from netlens.cypher.lexer import code_only
from netlens.errors import ReadOnlyQueryError

__all__ = ["READ_ONLY_MESSAGE", "write_operations", "is_write", "check_read_only"]

READ_ONLY_MESSAGE = "this query writes to the graph ({ops}) and netlens query is read-only; add --write to allow it"

_WRITE_CLAUSES = re.compile(
    r"(?<![\w.:$])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|INSERT|ALTER|GRANT|DENY|REVOKE|RENAME|TERMINATE)\b(?!\s*:)"
    r"|(?<![\w.:$])(LOAD\s+CSV|(?:START|STOP)\s+DATABASE)\b",
    re.IGNORECASE,
)
_CALL = re.compile(r"(?<![\w.:$])CALL\s+([A-Za-z_][\w.]*)", re.IGNORECASE)
#: words in a procedure name that mark it as writing (apoc.create.node, apoc.periodic.iterate,
#: apoc.cypher.doIt, gds.pageRank.write, db.createLabel, apoc.load.json, apoc.export.csv.all …)
_WRITE_WORDS = {
    "create",
    "merge",
    "delete",
    "remove",
    "set",
    "refactor",
    "periodic",
    "doit",
    "write",
    "drop",
    "import",
    "export",
    "load",
    "atomic",
    "assert",
    "add",
    "install",
    "clear",
    "insert",
    "update",
    "rename",
    "truncate",
    "kill",
    "terminate",
}


def write_operations(cypher: str) -> list[str]:
    """The clauses or procedures that make ``cypher`` a write (empty for a read), upper-cased.

    Examples
    --------
    >>> write_operations("MATCH (n:City) WHERE n.name = 'CREATE' SET n.seen = true // DELETE")
    ['SET']
    >>> write_operations("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})")
    ['CALL apoc.periodic.iterate']
    >>> write_operations("MATCH (n {set: 1})-[:CREATE]->(m) RETURN n.delete, $merge")
    []
    """
    code = code_only(cypher)
    ops = [re.sub(r"\s+", " ", m.group(0)).upper() for m in _WRITE_CLAUSES.finditer(code)]
    for m in _CALL.finditer(code):
        words = {w.lower() for seg in m.group(1).split(".") for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", seg)}
        words |= {seg.lower() for seg in m.group(1).split(".")}
        if words & _WRITE_WORDS:
            ops.append(f"CALL {m.group(1)}")
    return list(dict.fromkeys(ops))


def is_write(cypher: str) -> bool:
    """Whether ``cypher`` (outside strings and comments) changes the graph or touches files.

    Conservative: used together with the engine's read-only mode, never instead of it.

    Examples
    --------
    >>> is_write("MATCH (c:City) RETURN c.name")
    False
    >>> is_write("match (c:City) merge (c)-[:TIE]->(c)")
    True
    >>> is_write("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row")
    True
    """
    return bool(write_operations(cypher))


def check_read_only(cypher: str) -> None:
    """Raise :class:`~netlens.errors.ReadOnlyQueryError` if ``cypher`` writes (see :func:`is_write`).

    Parameters
    ----------
    cypher
        The statement a read-only ``netlens query`` is about to run.
    """
    ops = write_operations(cypher)
    if ops:
        raise ReadOnlyQueryError(READ_ONLY_MESSAGE.format(ops=", ".join(ops)))
