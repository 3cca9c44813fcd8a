"""What a load changes in the embedded store: the plan items of a package minus what the graph already holds.

An unchanged re-load sends no writes, a changed one only its changed rows; stored values are read once per label
and relationship type, before any write. Used by :meth:`netlens.store.embedded.EmbeddedStore.load` (imported on
first load: it needs pandas through the write plan, which ``netlens info`` does not).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from netlens.store import schema
from netlens.store.cypher_render import Statement, folded, relationship_ends, relationship_statement, statements
from netlens.store.plan import NodeWrite, PlanItem, RelationshipWrite
from netlens.store.readback import Runner
from netlens.validation.specs import SPECS

__all__ = ["changes"]


def _same(stored: Any, new: Any) -> bool:
    if isinstance(new, (list, tuple)) and isinstance(stored, (list, tuple)):
        return list(stored) == list(new)
    return bool(type(stored) is type(new) and stored == new)


def _unchanged(stored: dict[str, Any] | None, props: dict[str, Any]) -> bool:
    """The graph already holds ``props`` (missing values are kept on a merge, so they change nothing)."""
    return stored is not None and all(v is None or (k in stored and _same(stored[k], v)) for k, v in props.items())


def _node_changes(run: Runner, item: NodeWrite) -> list[PlanItem]:
    stored = {r["id"]: r["p"] for r in run(f"MATCH (n:{item.label}) RETURN n.id AS id, properties(n) AS p")}
    if item.name_is_id:
        new = tuple(i for i in item.ids if i not in stored)
        return [NodeWrite(item.label, new, tuple({} for _ in new), True)] if new else []
    keep = [j for j, (i, p) in enumerate(zip(item.ids, item.props)) if not _unchanged(stored.get(i), p)]
    if not keep:
        return []
    ids, props = [item.ids[j] for j in keep], [dict(item.props[j]) for j in keep]
    return [NodeWrite(item.label, tuple(ids), tuple(props))]


def _titles_kept(run: Runner, item: NodeWrite) -> Statement | None:
    """kglite overwrites ``title`` with ``name`` whenever ``name`` is set: put back the stored title (or none) of
    the rows of ``item`` that carry no title. Run after ``item``; ``run`` reads the graph before ``item``."""
    table = next((t for t, lb in schema.LABEL_OF_TABLE.items() if lb == item.label), None)
    if item.name_is_id or table is None or "title" not in SPECS[table].column_names:
        return None
    stored = {r["id"]: r["t"] for r in run(f"MATCH (n:{item.label}) RETURN n.id AS id, n.title AS t")}
    rows = [{"id": i, "title": stored.get(i)} for i, p in zip(item.ids, item.props) if p.get("title") is None]
    if not rows:
        return None
    cypher = f"UNWIND $rows AS row MATCH (n:{item.label} {{id: row.id}}) SET n.title = row.title"
    return Statement(cypher, rows, f"{item.label} titles")


def _relationship_changes(run: Runner, item: RelationshipWrite) -> list[Statement]:
    """Rows of ``item`` the graph lacks (CREATEd, duplicates folded in order as MERGE would) and rows whose
    values changed (MERGEd); unchanged rows are left out."""
    key = f"r.{item.key_name}" if item.key_name else "''"
    recs = run(
        f"MATCH (a:{item.from_label})-[r:{item.type}]->(b:{item.to_label}) "
        f"RETURN a.id AS a, b.id AS b, {key} AS k, properties(r) AS p"
    )
    stored = {(r["a"], r["b"], r["k"]): r["p"] for r in recs}
    new: list[int] = []
    changed: list[int] = []
    for j, (end, p) in enumerate(zip(relationship_ends(item), item.props)):
        found = stored.get(end)
        if found is None:
            new.append(j)
        elif not _unchanged(found, p):
            changed.append(j)
    out: list[Statement] = []
    if new:
        out.append(relationship_statement(folded(_rows(item, new)), new=True))
    if changed:
        out.append(relationship_statement(_rows(item, changed)))
    return out


def _rows(item: RelationshipWrite, picked: list[int]) -> RelationshipWrite:
    """``item`` with only the rows ``picked``, in that order."""

    def pick(col: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(col[j] for j in picked)

    keys = pick(item.keys) if item.key_name else ()
    return replace(item, starts=pick(item.starts), ends=pick(item.ends), props=pick(item.props), keys=keys)


def changes(run: Runner, items: list[PlanItem]) -> list[Statement]:
    """The statements of ``items`` without the nodes and relationships the graph already holds with the same
    values: an unchanged re-load sends no writes, a changed one only its changed rows (stored values are read
    once per label and relationship type, before any write)."""
    out: list[Statement] = []
    for item in items:
        if isinstance(item, RelationshipWrite):
            out += _relationship_changes(run, item)
        elif isinstance(item, NodeWrite):
            for nodes in _node_changes(run, item):
                titles = _titles_kept(run, nodes) if isinstance(nodes, NodeWrite) else None  # read before the write
                out += statements([nodes])
                out += [titles] if titles is not None else []
        else:
            out += statements([item])
    return out
