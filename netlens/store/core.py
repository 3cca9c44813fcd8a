"""The Store protocol, the Cypher both backends run, and :func:`open_store`.

Both the embedded store (kglite) and Neo4j receive *the same* parameterised statements from
:func:`write_plan`: uniqueness constraints first, then ``UNWIND $rows AS row MERGE … SET n += row.props``
per label and relationship type. MERGE keys make a re-load add nothing. Reading back goes through
:func:`read_tables`, also shared, so the contract tests can compare backends.

Graph schema (DESIGN.md)::

    (:City {id,name,country,lat,lon,population,tags})   (:Organisation {id,name,type,country})
    (:Project {id,name,title,programme,start,end,budget_eur,topics})   (:Exchange {id,type,title,date,host_id,topics})
    (:Topic {id,name})
    (:Organisation)-[:BASED_IN]->(:City)
    (member)-[:PARTICIPATES_IN {role,contribution_eur}]->(:Project)
    (member)-[:ATTENDED {role}]->(:Exchange)          # the exchange's host attends with role 'host'
    (:Exchange)-[:PART_OF]->(:Project)
    (:Project|:Exchange)-[:ABOUT]->(:Topic)
    (a)-[:TANDEM {topic,since,until}]->(b)            # topic '' when the pairing has no topic
    (a)-[:TRANSFERRED {solution,topic,date}]->(b)
    (:City)-[:TIE {strength, …}]->(:City)             # written by analysis
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from netlens.config import StoreSettings
from netlens.errors import UsageError
from netlens.validation import SPECS, Tables, empty_tables

__all__ = [
    "NODE_LABELS",
    "LABEL_OF_TABLE",
    "REL_TYPES",
    "RESULT_PROPERTIES",
    "Statement",
    "QueryResult",
    "Store",
    "normalise_tables",
    "write_plan",
    "read_tables",
    "node_property_statements",
    "tie_statements",
    "info_from",
    "open_store",
]

NODE_LABELS = ("City", "Organisation", "Project", "Exchange", "Topic")
REL_TYPES = ("BASED_IN", "PARTICIPATES_IN", "ATTENDED", "PART_OF", "ABOUT", "TANDEM", "TRANSFERRED", "TIE")

#: Node properties written by analysis (``netlens analyse``); not part of the input tables.
RESULT_PROPERTIES = frozenset(
    {
        "degree",
        "strength",
        "betweenness",
        "closeness",
        "harmonic",
        "eigenvector",
        "pagerank",
        "kcore",
        "community",
        "constraint",
        "effective_size",
        "articulation",
        "split_size",
        "gf_coordinator",
        "gf_itinerant",
        "gf_gatekeeper",
        "gf_representative",
        "gf_liaison",
        "centrality_scope",
        "communities_scope",
        "brokers_scope",
    }
)

LABEL_OF_TABLE = {"cities": "City", "organisations": "Organisation", "projects": "Project", "exchanges": "Exchange"}
#: properties kglite invents on every node/relationship; dropped on read-back where the schema lacks them
_INVENTED = ("title", "type")


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


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=self.columns)


class Store(Protocol):
    """What every backend offers. Implementations: ``store_embedded.EmbeddedStore``, ``store_neo4j.Neo4jStore``."""

    description: str

    def load(self, tables: Tables, *, replace: bool = False) -> dict[str, int]:
        """Write ``tables`` atomically and idempotently; return counts of what was created."""

    def read_tables(self) -> Tables:
        """Read the network back as typed tables (analysis results excluded)."""

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> QueryResult:
        """Run one Cypher statement; refuse writes unless ``write``."""

    def write_node_properties(self, frame: pd.DataFrame, kinds: dict[str, str]) -> int:
        """Set analysis results (``frame`` index = node id) as node properties; ``kinds`` maps id -> label.

        The columns' earlier values are removed from every node first (see :func:`node_property_statements`).
        Returns the number of rows whose id has a label in ``kinds`` (ids not in ``kinds`` are skipped)."""

    def write_ties(self, ties: pd.DataFrame, kinds: dict[str, str], level: str) -> int:
        """Replace the ``TIE`` relationships of ``level`` with ``ties`` (columns u, v, strength, …).

        ``kinds`` maps member id -> label (City or Organisation; an organisation-level tie may link a city
        that took part itself to an organisation). Every tie gets ``level``; ties of other levels stay.
        Returns the number of ties written."""

    def info(self) -> dict[str, Any]:
        """Counts per label and relationship type, time span, countries."""

    def close(self) -> None: ...


# ------------------------------------------------------------------------------------------ writing


def _clean(v: Any) -> Any:
    """Convert pandas/numpy scalars to plain Python values the drivers accept; NaN, NA and NaT -> None.

    >>> _clean(pd.NA), _clean(pd.NaT), _clean(np.int64(3)), _clean(float("nan"))
    (None, None, 3, None)
    """
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if np.isnan(f) else f
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, list):
        return [_clean(x) for x in v]
    return v


def normalise_tables(tables: Tables) -> Tables:
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


def _plain_column(series: pd.Series) -> list[Any]:
    """The values of ``series`` as plain Python values (NaN -> None), vectorised for numeric columns.

    >>> _plain_column(pd.Series([1.5, float("nan")])), _plain_column(pd.Series([1, 2])), _plain_column(pd.Series([True]))
    ([1.5, None], [1, 2], [True])
    """
    kind = series.dtype.kind
    if kind == "f":
        x = series.to_numpy(dtype=float)
        return [None if not ok else v for v, ok in zip(x.tolist(), np.isfinite(x).tolist())]
    if kind in "iub":
        plain: list[Any] = series.tolist()
        return plain
    return [_clean(v) for v in series.tolist()]


def _column_values(series: pd.Series) -> list[Any]:
    values: list[Any] = series.tolist()
    if all(v is None or type(v) in (str, int, bool, list, _dt.date) for v in values):
        return values  # already plain Python (the common case for validated tables)
    return [_clean(v) for v in values]


def _props(frame: pd.DataFrame, exclude: Iterable[str]) -> list[dict[str, Any]]:
    """Row dicts of ``frame`` without ``exclude`` columns, values as plain Python (NaN -> None)."""
    skip = set(exclude)
    cols = [c for c in frame.columns if c not in skip]
    columns = [_column_values(frame[c]) for c in cols]
    return [dict(zip(cols, vals)) for vals in zip(*columns)] if cols else [{} for _ in range(len(frame))]


def _member_labels(tables: Tables) -> dict[str, str]:
    labels = {i: "City" for i in tables["cities"]["id"]}
    labels.update({i: "Organisation" for i in tables["organisations"]["id"]})
    return labels


def _rel_statements(
    rel: str,
    rows: list[dict[str, Any]],
    src_label: Callable[[dict[str, Any]], str],
    dst_label: Callable[[dict[str, Any]], str],
    merge_key: str | None = None,
) -> list[Statement]:
    """Group rows by (source label, target label) and MERGE each group with labelled, indexed MATCHes."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((src_label(r), dst_label(r)), []).append(r)
    out = []
    for (a, b), grp in sorted(groups.items()):
        key = f" {{{merge_key}: row.key}}" if merge_key else ""
        cypher = (
            f"UNWIND $rows AS row MATCH (a:{a} {{id: row.a}}) MATCH (b:{b} {{id: row.b}}) "
            f"MERGE (a)-[r:{rel}{key}]->(b) SET r += row.props"
        )
        out.append(Statement(cypher, grp, f"{rel} {a}->{b}"))
    return out


def write_plan(tables: Tables) -> list[Statement]:
    """The statements that load ``tables`` (validated) into a graph, in order: constraints, nodes, relationships."""
    t = normalise_tables(tables)
    plan: list[Statement] = [
        Statement(
            f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE",
            None,
            f"constraint {label}",
        )
        for label in NODE_LABELS
    ]
    for table, label in LABEL_OF_TABLE.items():
        frame = t[table]
        if frame.empty:
            continue
        exclude = {"id"}
        if table == "organisations":
            exclude.add("city_id")  # becomes BASED_IN
        props = _props(frame, exclude)
        rows = [{"id": i, "props": p} for i, p in zip(frame["id"], props)]
        plan.append(Statement(f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props", rows, f"{label} nodes"))
    topics: dict[str, None] = {}
    about: list[dict[str, Any]] = []
    for table, label in (("projects", "Project"), ("exchanges", "Exchange")):
        for i, ts in zip(t[table]["id"], t[table]["topics"]):
            for name in ts or []:
                topics[name] = None
                about.append({"a": i, "b": name, "props": {}, "la": label})
    if topics:
        plan.append(
            Statement(
                "UNWIND $rows AS row MERGE (n:Topic {id: row.id}) SET n.name = row.id",
                [{"id": k} for k in sorted(topics)],
                "Topic nodes",
            )
        )

    labels = _member_labels(t)
    org = t["organisations"]
    based = [{"a": o, "b": c, "props": {}} for o, c in zip(org["id"], org["city_id"]) if c is not None]
    plan += _rel_statements("BASED_IN", based, lambda r: "Organisation", lambda r: "City")
    p = t["participations"]
    rows = [
        {"a": m, "b": pr, "props": pp}
        for m, pr, pp in zip(p["member_id"], p["project_id"], _props(p, {"member_id", "project_id"}))
    ]
    plan += _rel_statements("PARTICIPATES_IN", rows, lambda r: labels[r["a"]], lambda r: "Project")
    a = t["attendances"]
    rows = [
        {"a": m, "b": e, "props": pp}
        for m, e, pp in zip(a["member_id"], a["exchange_id"], _props(a, {"member_id", "exchange_id"}))
    ]
    plan += _rel_statements("ATTENDED", rows, lambda r: labels[r["a"]], lambda r: "Exchange")
    ex = t["exchanges"]
    rows = [{"a": e, "b": pr, "props": {}} for e, pr in zip(ex["id"], ex["project_id"]) if pr is not None]
    plan += _rel_statements("PART_OF", rows, lambda r: "Exchange", lambda r: "Project")
    plan += _rel_statements("ABOUT", about, lambda r: r["la"], lambda r: "Topic")
    td = t["tandems"]
    rows = [
        {"a": x, "b": y, "key": topic or "", "props": {k: v for k, v in pp.items() if k != "topic"}}
        for x, y, topic, pp in zip(td["a_id"], td["b_id"], td["topic"], _props(td, {"a_id", "b_id"}))
    ]
    plan += _rel_statements("TANDEM", rows, lambda r: labels[r["a"]], lambda r: labels[r["b"]], merge_key="topic")
    tr = t["transfers"]
    rows = [
        {"a": x, "b": y, "key": s, "props": {k: v for k, v in pp.items() if k != "solution"}}
        for x, y, s, pp in zip(tr["from_id"], tr["to_id"], tr["solution"], _props(tr, {"from_id", "to_id"}))
    ]
    plan += _rel_statements("TRANSFERRED", rows, lambda r: labels[r["a"]], lambda r: labels[r["b"]], merge_key="solution")
    for s in plan:
        if s.rows is not None:
            for r in s.rows:
                r.pop("la", None)
    return plan


def batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
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


def node_property_statements(frame: pd.DataFrame, kinds: dict[str, str], *, replace: bool = True) -> list[Statement]:
    """Statements that set the columns of ``frame`` (index = node id) as properties on nodes; ``kinds`` id -> label.

    With ``replace`` the columns' properties are first removed from every City, Organisation, Project and
    Exchange node, so a re-run (another window or level) leaves no values of the earlier run behind.
    Only names of :data:`RESULT_PROPERTIES` may be replaced (they are written into the statement).

    >>> sts = node_property_statements(pd.DataFrame({"pagerank": [0.5]}, index=["a"]), {"a": "City"})
    >>> for s in sts:
    ...     print(s.cypher)
    MATCH (n:City) WHERE n.pagerank IS NOT NULL REMOVE n.pagerank
    MATCH (n:Organisation) WHERE n.pagerank IS NOT NULL REMOVE n.pagerank
    MATCH (n:Project) WHERE n.pagerank IS NOT NULL REMOVE n.pagerank
    MATCH (n:Exchange) WHERE n.pagerank IS NOT NULL REMOVE n.pagerank
    UNWIND $rows AS row MATCH (n:City {id: row.id}) SET n += row.props
    """
    out: list[Statement] = []
    if replace:
        names = [str(c) for c in frame.columns]
        unknown = [c for c in names if c not in RESULT_PROPERTIES]
        if unknown:
            raise UsageError(f"not analysis result properties: {', '.join(unknown)}")
        if names:
            where = " OR ".join(f"n.{c} IS NOT NULL" for c in names)
            remove = ", ".join(f"n.{c}" for c in names)
            out += [
                Statement(f"MATCH (n:{label}) WHERE {where} REMOVE {remove}", None, f"old {label} results")
                for label in ("City", "Organisation", "Project", "Exchange")
            ]
    groups: dict[str, list[dict[str, Any]]] = {}
    cols = list(frame.columns)
    for node_id, values in zip(frame.index, frame.itertuples(index=False, name=None)):
        label = kinds.get(node_id)
        if label is None:
            continue
        groups.setdefault(label, []).append({"id": node_id, "props": {c: _clean(v) for c, v in zip(cols, values)}})
    return out + [
        Statement(f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) SET n += row.props", rows, f"{label} results")
        for label, rows in sorted(groups.items())
    ]


def tie_statements(ties: pd.DataFrame, kinds: dict[str, str], level: str) -> list[Statement]:
    """Delete the ``TIE`` relationships of ``level``, then create one per row of ``ties`` (columns u, v, props…).

    Rows are grouped by the labels of their ends (from ``kinds``: id -> City/Organisation) so every MATCH
    uses a label and its id index; rows whose ends are not in ``kinds`` are skipped. Each tie gets the
    property ``level``.

    Examples
    --------
    >>> ties = pd.DataFrame({"u": ["a", "a"], "v": ["b", "o"], "strength": [2.0, 1.0]})
    >>> sts = tie_statements(ties, {"a": "City", "b": "City", "o": "Organisation"}, "organisation")
    >>> [s.what for s in sts]
    ['drop old organisation ties', 'City–City ties', 'City–Organisation ties']
    >>> sts[2].rows
    [{'a': 'a', 'b': 'o', 'props': {'strength': 1.0, 'level': 'organisation'}}]
    """
    if level not in ("city", "organisation"):
        raise UsageError(f"TIE relationships are written for level city or organisation, not {level!r}")
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    cols = [c for c in ties.columns if c not in ("u", "v")]
    values = [_plain_column(ties[c]) for c in cols]
    for i, (u, v) in enumerate(zip(ties["u"].tolist(), ties["v"].tolist())):
        la, lb = kinds.get(u), kinds.get(v)
        if la not in ("City", "Organisation") or lb not in ("City", "Organisation"):
            continue
        props = {c: x[i] for c, x in zip(cols, values) if x[i] is not None}  # a missing value is no property
        props["level"] = level
        groups.setdefault((la, lb), []).append({"a": u, "b": v, "props": props})
    out = [Statement("MATCH ()-[r:TIE]->() WHERE r.level = $level DELETE r", None, f"drop old {level} ties", {"level": level})]
    for (la, lb), rows in sorted(groups.items()):
        out.append(
            Statement(
                f"UNWIND $rows AS row MATCH (a:{la} {{id: row.a}}) MATCH (b:{lb} {{id: row.b}}) "
                "CREATE (a)-[r:TIE]->(b) SET r += row.props",
                rows,
                f"{la}–{lb} ties",
            )
        )
    return out


# ------------------------------------------------------------------------------------------ reading

Runner = Callable[[str], list[dict[str, Any]]]


def _to_date(v: Any) -> Any:
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date) or v is None:
        return v
    to_native = getattr(v, "to_native", None)  # neo4j.time.Date
    return to_native() if to_native else v


def _node_table(run: Runner, label: str, table: str) -> pd.DataFrame:
    spec = SPECS[table]
    recs = run(f"MATCH (n:{label}) RETURN n.id AS id, properties(n) AS p ORDER BY id")
    cols = list(spec.column_names)
    rows = []
    for r in recs:
        p = dict(r["p"])
        for inv in _INVENTED:
            if inv not in cols and inv in p:
                p.pop(inv)
        if "type" in cols and p.get("type") == label:
            p["type"] = None
        if "title" in cols and table == "projects" and "title" not in p:
            p["title"] = None
        for k in list(p):
            if k in RESULT_PROPERTIES:
                p.pop(k)
        rows.append(p)
    return _conform(rows, table)


def _conform(rows: list[dict[str, Any]], table: str) -> pd.DataFrame:
    """Records read back from a graph as a typed table: spec columns first (missing ones None), extras sorted after."""
    spec = SPECS[table]
    cols = list(spec.column_names)
    frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(columns=cols, dtype=object)
    for c in cols:
        if c not in frame.columns:
            frame[c] = None
    for col in spec.columns:
        if col.kind == "date":
            frame[col.name] = [_to_date(v) for v in frame[col.name]]
        if col.kind == "list":
            frame[col.name] = [list(v) if isinstance(v, (list, tuple)) else None for v in frame[col.name]]
    extra = sorted(c for c in frame.columns if c not in cols)
    frame = frame[cols + extra]
    return frame.astype(object).where(frame.notna(), None).reset_index(drop=True)


def _rel_table(
    run: Runner, rel: str, src: str, dst: str, cols: tuple[str, str], table: str, key: str | None = None
) -> pd.DataFrame:
    spec = SPECS[table]
    recs = run(f"MATCH (a:{src})-[r:{rel}]->(b:{dst}) RETURN a.id AS a, b.id AS b, properties(r) AS p")
    rows = []
    for r in recs:
        p = {k: v for k, v in dict(r["p"]).items() if not (k == "type" and v == rel)}
        if key == "topic" and p.get("topic") == "":
            p["topic"] = None
        p[cols[0]] = r["a"]
        p[cols[1]] = r["b"]
        rows.append(p)
    frame = _conform(rows, table)
    if len(frame):
        frame = frame.sort_values(list(spec.key), key=lambda s: s.astype(str), kind="stable")
    return frame.reset_index(drop=True)


def read_tables(run: Runner) -> Tables:
    """Rebuild the eight typed tables from a graph through ``run(cypher) -> list of dict`` (any backend)."""
    t = empty_tables()
    for table, label in LABEL_OF_TABLE.items():
        t[table] = _node_table(run, label, table)
    based = dict((r["a"], r["b"]) for r in run("MATCH (a:Organisation)-[:BASED_IN]->(b:City) RETURN a.id AS a, b.id AS b"))
    org = t["organisations"]
    org["city_id"] = [based.get(i) for i in org["id"]]
    part_of = dict((r["a"], r["b"]) for r in run("MATCH (a:Exchange)-[:PART_OF]->(b:Project) RETURN a.id AS a, b.id AS b"))
    ex = t["exchanges"]
    ex["project_id"] = [part_of.get(i) for i in ex["id"]]
    frames = {"participations": [], "attendances": [], "tandems": [], "transfers": []}  # type: dict[str, list[pd.DataFrame]]
    for m in ("City", "Organisation"):
        frames["participations"].append(
            _rel_table(run, "PARTICIPATES_IN", m, "Project", ("member_id", "project_id"), "participations")
        )
        frames["attendances"].append(_rel_table(run, "ATTENDED", m, "Exchange", ("member_id", "exchange_id"), "attendances"))
        for m2 in ("City", "Organisation"):
            frames["tandems"].append(_rel_table(run, "TANDEM", m, m2, ("a_id", "b_id"), "tandems", key="topic"))
            frames["transfers"].append(_rel_table(run, "TRANSFERRED", m, m2, ("from_id", "to_id"), "transfers"))
    for name, parts in frames.items():
        non_empty = [f for f in parts if len(f)]
        if non_empty:
            frame = pd.concat(non_empty, ignore_index=True)
            frame = frame.sort_values(list(SPECS[name].key), key=lambda s: s.astype(str), kind="stable").reset_index(drop=True)
            t[name] = frame
    for name, frame in t.items():
        frame = frame.astype(object)
        t[name] = frame.where(frame.notna(), None)
    return t


def info_from(run: Callable[[str], list[dict[str, Any]]], description: str) -> dict[str, Any]:
    """Summarise a graph through ``run``: shared by every backend."""
    nodes = {label: run(f"MATCH (n:{label}) RETURN count(n) AS c")[0]["c"] for label in NODE_LABELS}
    rels = {t: run(f"MATCH ()-[r:{t}]->() RETURN count(r) AS c")[0]["c"] for t in REL_TYPES}
    dates: list[Any] = []
    for q in (
        "MATCH (p:Project) RETURN min(p.start) AS lo, max(p.`end`) AS hi",
        "MATCH (e:Exchange) RETURN min(e.date) AS lo, max(e.date) AS hi",
    ):
        r = run(q)[0]
        dates += [d for d in (r["lo"], r["hi"]) if d is not None]
    countries = sorted(
        {r["c"] for r in run("MATCH (n:City) RETURN DISTINCT n.country AS c") if r["c"]}
        | {r["c"] for r in run("MATCH (n:Organisation) RETURN DISTINCT n.country AS c") if r["c"]}
    )
    span = (min(dates), max(dates)) if dates else None
    return {"store": description, "exists": True, "nodes": nodes, "relationships": rels, "span": span, "countries": countries}


def open_store(settings: StoreSettings) -> Store:
    """Open the store ``settings`` names (embedded file or Neo4j)."""
    if settings.backend == "neo4j":
        from netlens.store.neo4j import Neo4jStore

        if settings.neo4j is None:
            raise UsageError("the Neo4j store needs NEO4J_URI")
        return Neo4jStore(settings.neo4j)
    from netlens.store.embedded import EmbeddedStore

    if settings.path is None:
        raise UsageError("the embedded store needs a path")
    return EmbeddedStore(settings.path)
