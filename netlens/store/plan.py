"""The write plan as data: what a load (or a write-back of analysis results) puts into the graph.

Takes validated tables (:func:`write_plan`), analysis results (:func:`result_plan`) or ties (:func:`tie_plan`);
returns a list of frozen plan items, in the order they run: :class:`Constraint` (schema), :class:`NodeWrite`
and :class:`RelationshipWrite` (MERGEd, so a re-load adds nothing), :class:`ClearResults`,
:class:`NodeUpdate`, :class:`DeleteTies` and :class:`TieWrite` (analysis results), :class:`DeleteNodes`
(``replace`` on Neo4j). :mod:`netlens.store.cypher_render` turns items into parameterised Cypher for both
stores; :mod:`netlens.render.export` reads the same items to write GraphML, GEXF and neo4j-admin CSVs.

Values in the items are plain Python (:func:`netlens.values.plain`): str, int, float, bool, date, list, None.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from netlens.errors import UsageError
from netlens.model.network import Tables
from netlens.store.schema import LABEL_OF_TABLE, MEMBER_LABELS, NODE_LABELS, RESULT_LABELS, RESULT_PROPERTIES
from netlens.values import plain, plain_column

__all__ = [
    "Constraint",
    "NodeWrite",
    "RelationshipWrite",
    "ClearResults",
    "NodeUpdate",
    "DeleteTies",
    "TieWrite",
    "DeleteNodes",
    "PlanItem",
    "normalise_tables",
    "write_plan",
    "result_plan",
    "tie_plan",
]

Props = dict[str, Any]


@dataclass(frozen=True)
class Constraint:
    """A uniqueness constraint on the property ``key`` of ``label`` nodes, named ``<label>_<key>``."""

    label: str
    key: str = "id"

    @property
    def name(self) -> str:
        return f"{self.label.lower()}_{self.key}"

    @property
    def what(self) -> str:
        return f"constraint {self.label}"


@dataclass(frozen=True)
class NodeWrite:
    """Nodes of ``label`` MERGEd by id, with their properties (``props[i]`` belongs to ``ids[i]``).

    ``name_is_id``: the nodes have no properties but ``name`` = their id (topics).
    """

    label: str
    ids: tuple[Any, ...]
    props: tuple[Props, ...]
    name_is_id: bool = False

    @property
    def what(self) -> str:
        return f"{self.label} nodes"

    def properties(self) -> Iterable[tuple[Any, Props]]:
        """``(id, properties)`` of every node, as the graph holds them (a topic's name is its id)."""
        if self.name_is_id:
            return ((i, {"name": i}) for i in self.ids)
        return zip(self.ids, self.props)


@dataclass(frozen=True)
class RelationshipWrite:
    """Relationships ``(from_label {id: starts[i]})-[type]->(to_label {id: ends[i]})`` MERGEd with ``props[i]``.

    ``key_name``: a property that is part of the MERGE key (TANDEM ``topic``, TRANSFERRED ``solution``), one
    value per row in ``keys`` (so two tandems of a pair on different topics are two relationships).
    """

    type: str
    from_label: str
    to_label: str
    starts: tuple[Any, ...]
    ends: tuple[Any, ...]
    props: tuple[Props, ...]
    key_name: str | None = None
    keys: tuple[Any, ...] = ()

    @property
    def what(self) -> str:
        return f"{self.type} {self.from_label}->{self.to_label}"


@dataclass(frozen=True)
class ClearResults:
    """Remove the result properties ``names`` from every ``label`` node (before a re-run writes new ones)."""

    label: str
    names: tuple[str, ...]

    @property
    def what(self) -> str:
        return f"old {self.label} results"


@dataclass(frozen=True)
class NodeUpdate:
    """Set ``props[i]`` on the existing ``label`` node ``ids[i]`` (analysis results)."""

    label: str
    ids: tuple[Any, ...]
    props: tuple[Props, ...]

    @property
    def what(self) -> str:
        return f"{self.label} results"


@dataclass(frozen=True)
class DeleteTies:
    """Delete every ``TIE`` relationship of ``level``."""

    level: str

    @property
    def what(self) -> str:
        return f"drop old {self.level} ties"


@dataclass(frozen=True)
class TieWrite:
    """Create ``TIE`` relationships ``(from_label {id: starts[i]})-[:TIE]->(to_label {id: ends[i]})`` with ``props[i]``."""

    from_label: str
    to_label: str
    starts: tuple[Any, ...]
    ends: tuple[Any, ...]
    props: tuple[Props, ...]

    @property
    def what(self) -> str:
        return f"{self.from_label}–{self.to_label} ties"


@dataclass(frozen=True)
class DeleteNodes:
    """Delete every node with one of ``labels``, with its relationships (other data in the database stays)."""

    labels: tuple[str, ...] = NODE_LABELS

    @property
    def what(self) -> str:
        return "delete netlens nodes"


PlanItem = Constraint | NodeWrite | RelationshipWrite | ClearResults | NodeUpdate | DeleteTies | TieWrite | DeleteNodes


# ------------------------------------------------------------------------------------------ loading


def normalise_tables(tables: Tables) -> dict[str, pd.DataFrame]:
    """The tables as the store holds them: an exchange's host appears in ``attendances`` with role ``host``.

    Used by the round-trip tests: ``read_tables(load(t)) == normalise_tables(t)``.
    """
    out = {k: v.copy() for k, v in tables.items()}
    ex = out["exchanges"]
    att = out["attendances"]
    hosts = ex[ex["host_id"].notna()][["id", "host_id"]]
    if len(hosts):
        key = set(zip(att["exchange_id"], att["member_id"]))
        att = att.copy()
        for eid, hid in zip(hosts["id"], hosts["host_id"]):
            if (eid, hid) in key:
                att.loc[(att["exchange_id"] == eid) & (att["member_id"] == hid), "role"] = "host"
        new = [(e, h) for e, h in zip(hosts["id"], hosts["host_id"]) if (e, h) not in key]
        if new:
            add = pd.DataFrame(
                {"exchange_id": [e for e, _ in new], "member_id": [h for _, h in new], "role": "host"}, dtype=object
            )
            att = pd.concat([att, add], ignore_index=True)
        out["attendances"] = att
    return out


def _column_values(series: pd.Series) -> list[Any]:
    """The values of ``series`` as plain Python; validated columns already are (checked, not converted)."""
    values: list[Any] = series.tolist()
    if all(v is None or type(v) in (str, int, bool, list, _dt.date) for v in values):
        return values  # already plain Python (the common case for validated tables)
    return [plain(v) for v in values]


def _props(frame: pd.DataFrame, exclude: Iterable[str]) -> list[Props]:
    """Row dicts of ``frame`` without ``exclude`` columns, values as plain Python (NaN -> None)."""
    skip = set(exclude)
    cols = [c for c in frame.columns if c not in skip]
    columns = [_column_values(frame[c]) for c in cols]
    return [dict(zip(cols, vals)) for vals in zip(*columns)] if cols else [{} for _ in range(len(frame))]


def _pick(column: list[Any], rows: list[int], n: int) -> tuple[Any, ...]:
    return tuple(column) if len(rows) == n else tuple(column[i] for i in rows)


def _relationships(
    rel: str,
    starts: list[Any],
    ends: list[Any],
    props: list[Props],
    src: str | list[str],
    dst: str | list[str],
    key_name: str | None = None,
    keys: list[Any] | None = None,
) -> list[RelationshipWrite]:
    """Group rows by (source label, target label): one write per group, groups sorted by their labels.

    ``src``/``dst``: one label for every row, or one label per row. Columns, not row objects: CORDIS has
    millions of relationships.
    """
    n = len(starts)
    src_labels = [src] * n if isinstance(src, str) else src
    dst_labels = [dst] * n if isinstance(dst, str) else dst
    groups: dict[tuple[str, str], list[int]] = {}
    for i, pair in enumerate(zip(src_labels, dst_labels)):
        groups.setdefault(pair, []).append(i)
    return [
        RelationshipWrite(
            rel,
            a,
            b,
            _pick(starts, rows, n),
            _pick(ends, rows, n),
            _pick(props, rows, n),
            key_name,
            _pick(keys, rows, n) if key_name and keys is not None else (),
        )
        for (a, b), rows in sorted(groups.items())
    ]


def _node_writes(t: Tables) -> list[PlanItem]:
    """Constraints, then one MERGE of nodes per label (tables in load order), then the topics."""
    plan: list[PlanItem] = [Constraint(label) for label in NODE_LABELS]
    for table, label in LABEL_OF_TABLE.items():
        frame = t[table]
        if frame.empty:
            continue
        exclude = {"id"}
        if table == "organisations":
            exclude.add("city_id")  # becomes BASED_IN
        plan.append(NodeWrite(label, tuple(frame["id"]), tuple(_props(frame, exclude))))
    topics = sorted({name for table in ("projects", "exchanges") for ts in t[table]["topics"] for name in ts or []})
    if topics:
        plan.append(NodeWrite("Topic", tuple(topics), tuple({} for _ in topics), name_is_id=True))
    return plan


def _about(t: Tables) -> list[PlanItem]:
    """ABOUT: each project's and exchange's topics."""
    about = [
        (i, name, label)
        for table, label in (("projects", "Project"), ("exchanges", "Exchange"))
        for i, ts in zip(t[table]["id"], t[table]["topics"])
        for name in ts or []
    ]
    starts, ends, kinds = [r[0] for r in about], [r[1] for r in about], [r[2] for r in about]
    return [*_relationships("ABOUT", starts, ends, [{} for _ in about], kinds, "Topic")]


def _activity_relationships(t: Tables, labels: dict[str, str]) -> list[PlanItem]:
    """BASED_IN, PARTICIPATES_IN, ATTENDED, PART_OF and ABOUT."""
    org = t["organisations"]
    based = [(o, c) for o, c in zip(org["id"], org["city_id"]) if c is not None]
    orgs, cities = [o for o, _ in based], [c for _, c in based]
    plan: list[PlanItem] = [*_relationships("BASED_IN", orgs, cities, [{} for _ in based], "Organisation", "City")]
    p = t["participations"]
    members = p["member_id"].tolist()
    plan += _relationships(
        "PARTICIPATES_IN",
        members,
        p["project_id"].tolist(),
        _props(p, {"member_id", "project_id"}),
        [labels[m] for m in members],
        "Project",
    )
    a = t["attendances"]
    members = a["member_id"].tolist()
    plan += _relationships(
        "ATTENDED",
        members,
        a["exchange_id"].tolist(),
        _props(a, {"member_id", "exchange_id"}),
        [labels[m] for m in members],
        "Exchange",
    )
    ex = t["exchanges"]
    part_of = [(e, pr) for e, pr in zip(ex["id"], ex["project_id"]) if pr is not None]
    plan += _relationships(
        "PART_OF", [e for e, _ in part_of], [pr for _, pr in part_of], [{} for _ in part_of], "Exchange", "Project"
    )
    return plan + _about(t)


def _member_relationships(t: Tables, labels: dict[str, str]) -> list[PlanItem]:
    """TANDEM (MERGE key ``topic``, '' for none) and TRANSFERRED (MERGE key ``solution``)."""
    plan: list[PlanItem] = []
    for rel, table, ends, key_name in (
        ("TANDEM", "tandems", ("a_id", "b_id"), "topic"),
        ("TRANSFERRED", "transfers", ("from_id", "to_id"), "solution"),
    ):
        frame = t[table]
        starts, stops = frame[ends[0]].tolist(), frame[ends[1]].tolist()
        props = [{k: v for k, v in pp.items() if k != key_name} for pp in _props(frame, set(ends))]
        keys = frame[key_name].tolist()
        if key_name == "topic":
            keys = [k or "" for k in keys]  # a tandem without a topic: '' (a MERGE key cannot be null)
        plan += _relationships(rel, starts, stops, props, [labels[x] for x in starts], [labels[y] for y in stops], key_name, keys)
    return plan


def write_plan(tables: Tables) -> list[PlanItem]:
    """What loading ``tables`` (validated) writes, in order: constraints, nodes, relationships.

    Parameters
    ----------
    tables
        A validated network (or any mapping of its eight tables).

    Returns
    -------
    list
        :class:`Constraint` per label, :class:`NodeWrite` per label, then :class:`RelationshipWrite` per
        relationship type and (source label, target label) pair.

    Examples
    --------
    >>> from netlens.validation import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["brno"], "name": ["Brno"]}, dtype=object)
    >>> [item.what for item in write_plan(t)][-1], write_plan(t)[-1].props
    ('City nodes', ({'name': 'Brno'},))
    """
    t = normalise_tables(tables)
    labels = {i: "City" for i in t["cities"]["id"]}
    labels.update({i: "Organisation" for i in t["organisations"]["id"]})
    return _node_writes(t) + _activity_relationships(t, labels) + _member_relationships(t, labels)


# ------------------------------------------------------------------------------------------ analysis results


def result_clears(frame: pd.DataFrame) -> list[PlanItem]:
    """The :class:`ClearResults` of :func:`result_plan` with ``replace``: remove the columns' properties from every
    City, Organisation, Project and Exchange node. Only names of :data:`~netlens.store.schema.RESULT_PROPERTIES`."""
    names = [str(c) for c in frame.columns]
    unknown = [c for c in names if c not in RESULT_PROPERTIES]
    if unknown:
        raise UsageError(f"not analysis result properties: {', '.join(unknown)}")
    return [ClearResults(label, tuple(names)) for label in RESULT_LABELS] if names else []


def result_ids(frame: pd.DataFrame, kinds: dict[str, str]) -> dict[str, list[Any]]:
    """The ids of ``frame`` (index) per label, in frame order, as :func:`result_plan` groups them (ids without a
    label in ``kinds`` are left out); labels sorted."""
    groups: dict[str, list[Any]] = {}
    for node_id in frame.index:
        label = kinds.get(node_id)
        if label is not None:
            groups.setdefault(label, []).append(node_id)
    return dict(sorted(groups.items()))


def result_plan(frame: pd.DataFrame, kinds: dict[str, str], *, replace: bool = True) -> list[PlanItem]:
    """Set the columns of ``frame`` (index = node id) as properties on nodes; ``kinds`` maps id -> label.

    With ``replace`` the columns' properties are first removed from every City, Organisation, Project and
    Exchange node (:class:`ClearResults`), so a re-run (another window or level) leaves no values of the
    earlier run behind. Only names of :data:`~netlens.store.schema.RESULT_PROPERTIES` may be replaced (they
    are written into the Cypher). Ids without a label in ``kinds`` are skipped; one :class:`NodeUpdate` per label.
    """
    out: list[PlanItem] = result_clears(frame) if replace else []
    groups: dict[str, tuple[list[Any], list[Props]]] = {}
    cols = list(frame.columns)
    for node_id, values in zip(frame.index, frame.itertuples(index=False, name=None)):
        label = kinds.get(node_id)
        if label is None:
            continue
        ids, props = groups.setdefault(label, ([], []))
        ids.append(node_id)
        props.append({c: plain(v) for c, v in zip(cols, values)})
    return out + [NodeUpdate(label, tuple(ids), tuple(props)) for label, (ids, props) in sorted(groups.items())]


def tie_plan(ties: pd.DataFrame, kinds: dict[str, str], level: str) -> list[PlanItem]:
    """Delete the ``TIE`` relationships of ``level``, then create one per row of ``ties`` (columns u, v, props…).

    Rows are grouped by the labels of their ends (from ``kinds``: id -> City/Organisation) so every MATCH
    uses a label and its id index; rows whose ends are not in ``kinds`` are skipped. Each tie gets the
    property ``level``; a missing value is no property.

    Examples
    --------
    >>> ties = pd.DataFrame({"u": ["a", "a"], "v": ["b", "o"], "strength": [2.0, 1.0]})
    >>> items = tie_plan(ties, {"a": "City", "b": "City", "o": "Organisation"}, "organisation")
    >>> [item.what for item in items]
    ['drop old organisation ties', 'City–City ties', 'City–Organisation ties']
    >>> items[2].props
    ({'strength': 1.0, 'level': 'organisation'},)
    """
    if level not in ("city", "organisation"):
        raise UsageError(f"TIE relationships are written for level city or organisation, not {level!r}")
    groups: dict[tuple[str, str], list[tuple[Any, Any, Props]]] = {}
    cols = [c for c in ties.columns if c not in ("u", "v")]
    values = [plain_column(ties[c]) for c in cols]
    for i, (u, v) in enumerate(zip(ties["u"].tolist(), ties["v"].tolist())):
        la, lb = kinds.get(u), kinds.get(v)
        if la not in MEMBER_LABELS or lb not in MEMBER_LABELS:
            continue
        props = {c: x[i] for c, x in zip(cols, values) if x[i] is not None}
        props["level"] = level
        groups.setdefault((str(la), str(lb)), []).append((u, v, props))
    out: list[PlanItem] = [DeleteTies(level)]
    for (la, lb), rows in sorted(groups.items()):
        out.append(TieWrite(la, lb, tuple(r[0] for r in rows), tuple(r[1] for r in rows), tuple(r[2] for r in rows)))
    return out
