"""Plan items as Cypher: the parameterised statements both stores run.

Takes plan items (:mod:`netlens.store.plan`); returns :class:`Statement` objects (Cypher text + the rows it
UNWINDs). Every value travels as a parameter (``UNWIND $rows AS row … SET n += row.props``); only labels,
relationship types and result property names (all from :mod:`netlens.store.schema`) are written into the text.
A load never sends a missing value (None) as a property: a merge keeps what the store holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import singledispatch
from typing import Any

import pandas as pd

from netlens.model.network import Tables
from netlens.store.plan import (
    ClearResults,
    Constraint,
    DeleteNodes,
    DeleteTies,
    NodeUpdate,
    NodeWrite,
    PlanItem,
    RelationshipWrite,
    TieWrite,
    result_plan,
    tie_plan,
    write_plan,
)

__all__ = [
    "OnProgress",
    "Statement",
    "render",
    "relationship_statement",
    "statements",
    "write_statements",
    "create_statements",
    "folded",
    "relationship_ends",
    "node_property_statements",
    "tie_statements",
    "batches",
    "in_batches",
]


#: a progress callback: ``on_progress(done, total)`` after each batch of rows written (``total`` known up front)
OnProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Statement:
    """One parameterised Cypher statement with the rows it UNWINDs (``rows=None``: run once).

    ``params`` are further parameters passed with every batch (beside ``$rows``).
    """

    cypher: str
    rows: list[dict[str, Any]] | None = None
    what: str = ""
    params: dict[str, Any] | None = None

    def parameters(self, chunk: list[dict[str, Any]] | None) -> dict[str, Any]:
        """The parameters of one execution: ``params`` plus ``rows`` = ``chunk`` (when the statement UNWINDs)."""
        out = dict(self.params or {})
        if chunk is not None:
            out["rows"] = chunk
        return out


@singledispatch
def render(item: Any) -> Statement:
    """The statement for one plan item.

    >>> print(render(Constraint("City")).cypher)
    CREATE CONSTRAINT city_id IF NOT EXISTS FOR (n:City) REQUIRE n.id IS UNIQUE
    """
    raise TypeError(f"no Cypher for {type(item).__name__}")


@render.register
def _constraint(item: Constraint) -> Statement:
    cypher = f"CREATE CONSTRAINT {item.name} IF NOT EXISTS FOR (n:{item.label}) REQUIRE n.{item.key} IS UNIQUE"
    return Statement(cypher, None, item.what)


@render.register
def _nodes(item: NodeWrite) -> Statement:
    merge = f"UNWIND $rows AS row MERGE (n:{item.label} {{id: row.id}}) "
    if item.name_is_id:
        return Statement(merge + "SET n.name = row.id", [{"id": i} for i in item.ids], item.what)
    rows = [{"id": i, "props": _present(p)} for i, p in zip(item.ids, item.props)]
    return Statement(merge + "SET n += row.props", rows, item.what)


def _present(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` without missing values: ``SET n += {lat: null}`` would erase the stored ``lat``, so a merge load
    of a package without (or with an empty) column keeps what the store holds; ``--replace`` starts empty."""
    if not any(v is None for v in props.values()):
        return props
    return {k: v for k, v in props.items() if v is not None}


@render.register
def _relationships(item: RelationshipWrite) -> Statement:
    return relationship_statement(item)


def relationship_statement(item: RelationshipWrite, *, new: bool = False) -> Statement:
    """The statement of ``item``: MERGE, or with ``new`` (the caller knows none of the relationships exists and
    ``item`` has no two rows with the same ends and key) CREATE, which costs the same for every row: a MERGE looks
    through the relationships of ``a``, so it grows with the degree (CORDIS organisations have thousands)."""
    key = f" {{{item.key_name}: row.key}}" if item.key_name else ""
    verb = "CREATE" if new else "MERGE"
    cypher = (
        f"UNWIND $rows AS row MATCH (a:{item.from_label} {{id: row.a}}) MATCH (b:{item.to_label} {{id: row.b}}) "
        f"{verb} (a)-[r:{item.type}{key}]->(b) SET r += row.props"
    )
    if item.key_name:
        rows = [
            {"a": a, "b": b, "key": k, "props": _present(p)} for a, b, k, p in zip(item.starts, item.ends, item.keys, item.props)
        ]
    else:
        rows = [{"a": a, "b": b, "props": _present(p)} for a, b, p in zip(item.starts, item.ends, item.props)]
    return Statement(cypher, rows, item.what)


@render.register
def _clear(item: ClearResults) -> Statement:
    where = " OR ".join(f"n.{c} IS NOT NULL" for c in item.names)
    remove = ", ".join(f"n.{c}" for c in item.names)
    return Statement(f"MATCH (n:{item.label}) WHERE {where} REMOVE {remove}", None, item.what)


@render.register
def _update(item: NodeUpdate) -> Statement:
    rows = [{"id": i, "props": p} for i, p in zip(item.ids, item.props)]
    return Statement(f"UNWIND $rows AS row MATCH (n:{item.label} {{id: row.id}}) SET n += row.props", rows, item.what)


@render.register
def _delete_ties(item: DeleteTies) -> Statement:
    return Statement("MATCH ()-[r:TIE]->() WHERE r.level = $level DELETE r", None, item.what, {"level": item.level})


@render.register
def _ties(item: TieWrite) -> Statement:
    cypher = (
        f"UNWIND $rows AS row MATCH (a:{item.from_label} {{id: row.a}}) MATCH (b:{item.to_label} {{id: row.b}}) "
        "CREATE (a)-[r:TIE]->(b) SET r += row.props"
    )
    rows = [{"a": a, "b": b, "props": p} for a, b, p in zip(item.starts, item.ends, item.props)]
    return Statement(cypher, rows, item.what)


@render.register
def _delete_nodes(item: DeleteNodes) -> Statement:
    labels = " OR ".join(f"n:{label}" for label in item.labels)
    return Statement(f"MATCH (n) WHERE {labels} DETACH DELETE n", None, item.what)


def statements(items: Iterable[PlanItem]) -> list[Statement]:
    """The statements of ``items``, in order."""
    return [render(item) for item in items]


def write_statements(tables: Tables) -> list[Statement]:
    """The statements that load ``tables`` (validated): :func:`netlens.store.plan.write_plan` rendered."""
    return statements(write_plan(tables))


def create_statements(items: Iterable[PlanItem]) -> list[Statement]:
    """The statements of ``items`` for a graph known to hold none of their nodes and relationships (an empty
    database, or one ``--replace`` has just emptied in the same transaction): CREATE instead of MERGE, which costs
    the same for every row (a MERGE looks through the existing ones). The graph they build is the one
    :func:`statements` builds: duplicate relationship rows (same ends and key) are folded as successive MERGEs would
    fold them (later non-missing values win), and an item that meets nodes or relationships of an earlier item
    keeps MERGE.

    >>> from netlens.store.plan import NodeWrite, RelationshipWrite
    >>> rel = RelationshipWrite("BASED_IN", "Organisation", "City", ("o", "o"), ("c", "c"), ({"x": 1}, {"x": None}))
    >>> sts = create_statements([NodeWrite("City", ("c",), ({"name": "C"},)), rel])
    >>> ["CREATE" in s.cypher and "MERGE" not in s.cypher for s in sts], sts[1].rows
    ([True, True], [{'a': 'o', 'b': 'c', 'props': {'x': 1}}])
    """
    out: list[Statement] = []
    nodes: set[tuple[str, Any]] = set()
    rels: set[tuple[str, str, str, Any, Any, Any]] = set()
    for item in items:
        if isinstance(item, NodeWrite) and not item.name_is_id:
            keys = {(item.label, i) for i in item.ids}
            fresh = nodes.isdisjoint(keys) and len(keys) == len(item.ids)
            nodes |= keys
            if fresh:
                rows = [{"id": i, "props": _present(p)} for i, p in zip(item.ids, item.props)]
                cypher = f"UNWIND $rows AS row CREATE (n:{item.label} {{id: row.id}}) SET n += row.props"
                out.append(Statement(cypher, rows, item.what))
                continue
        elif isinstance(item, RelationshipWrite):
            one = folded(item)
            ends = {(item.type, item.from_label, item.to_label, a, b, k) for a, b, k in relationship_ends(one)}
            fresh = rels.isdisjoint(ends)
            rels |= ends
            out.append(relationship_statement(one, new=True) if fresh else render(item))
            continue
        out.append(render(item))
    return out


def relationship_ends(item: RelationshipWrite) -> list[tuple[Any, Any, Any]]:
    """``(start, end, key)`` of every row of ``item`` (key ``""`` when the type has none): what MERGE matches on."""
    keys = item.keys if item.key_name else ("",) * len(item.starts)
    return list(zip(item.starts, item.ends, keys))


def folded(item: RelationshipWrite) -> RelationshipWrite:
    """``item`` with one row per (start, end, key): a later row's non-missing values over an earlier one's."""
    merged: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for end, p in zip(relationship_ends(item), item.props):
        seen = merged.get(end)
        merged[end] = dict(p) if seen is None else {**seen, **{c: v for c, v in p.items() if v is not None}}
    if len(merged) == len(item.starts):
        return item
    ends = list(merged)
    return replace(
        item,
        starts=tuple(e[0] for e in ends),
        ends=tuple(e[1] for e in ends),
        props=tuple(merged[e] for e in ends),
        keys=tuple(e[2] for e in ends) if item.key_name else (),
    )


def node_property_statements(frame: pd.DataFrame, kinds: dict[str, str], *, replace: bool = True) -> list[Statement]:
    """The statements that set analysis results (:func:`netlens.store.plan.result_plan` rendered).

    >>> sts = node_property_statements(pd.DataFrame({"pagerank": [0.5]}, index=["a"]), {"a": "City"})
    >>> for s in sts:
    ...     print(s.cypher)
    MATCH (n:City) WHERE n.pagerank IS NOT NULL REMOVE n.pagerank
    MATCH (n:Organisation) WHERE n.pagerank IS NOT NULL REMOVE n.pagerank
    MATCH (n:Project) WHERE n.pagerank IS NOT NULL REMOVE n.pagerank
    MATCH (n:Exchange) WHERE n.pagerank IS NOT NULL REMOVE n.pagerank
    UNWIND $rows AS row MATCH (n:City {id: row.id}) SET n += row.props
    """
    return statements(result_plan(frame, kinds, replace=replace))


def tie_statements(ties: pd.DataFrame, kinds: dict[str, str], level: str) -> list[Statement]:
    """The statements that replace the ``TIE`` relationships of ``level`` (:func:`netlens.store.plan.tie_plan`).

    >>> ties = pd.DataFrame({"u": ["a", "a"], "v": ["b", "o"], "strength": [2.0, 1.0]})
    >>> sts = tie_statements(ties, {"a": "City", "b": "City", "o": "Organisation"}, "organisation")
    >>> sts[2].rows
    [{'a': 'a', 'b': 'o', 'props': {'strength': 1.0, 'level': 'organisation'}}]
    """
    return statements(tie_plan(ties, kinds, level))


def batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """``rows`` in consecutive chunks of at most ``size``."""
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def in_batches(statements: Iterable[Statement], size: int) -> list[Statement]:
    """``statements`` with every UNWIND statement split into statements of at most ``size`` rows (order kept).

    >>> st = Statement("UNWIND $rows AS row RETURN row", [{"x": 1}, {"x": 2}, {"x": 3}], "xs")
    >>> [len(s.rows or []) for s in in_batches([Statement("RETURN 1"), st], 2)]
    [0, 2, 1]
    """
    out: list[Statement] = []
    for s in statements:
        if s.rows is None:
            out.append(s)
        else:
            out += [Statement(s.cypher, chunk, s.what, s.params) for chunk in batches(s.rows, size)]
    return out
