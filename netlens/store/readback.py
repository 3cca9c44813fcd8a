"""Reading a graph back: the network's eight tables and a summary, through any backend's query runner.

Takes a runner ``run(cypher) -> list of row dicts`` (each store supplies one); returns the network as a
:class:`~netlens.model.network.Network` (:func:`read_tables`, analysis results excluded) or a
:class:`~netlens.store.protocol.StoreInfo` (:func:`info_from`). Shared by both stores, so the contract tests
can compare backends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from netlens.model.network import Network
from netlens.store.protocol import StoreInfo
from netlens.store.schema import INVENTED, LABEL_OF_TABLE, MEMBER_LABELS, NODE_LABELS, REL_TYPES, RESULT_LABELS, RESULT_PROPERTIES
from netlens.validation import SPECS, empty_tables
from netlens.values import as_date

__all__ = ["Runner", "StoredResults", "read_tables", "read_results", "info_from"]

#: a backend's way to run one read statement: Cypher text -> list of row dicts
Runner = Callable[[str], list[dict[str, Any]]]


def _node_table(run: Runner, label: str, table: str) -> pd.DataFrame:
    spec = SPECS[table]
    recs = run(f"MATCH (n:{label}) RETURN n.id AS id, properties(n) AS p ORDER BY id")
    cols = list(spec.column_names)
    rows = []
    for r in recs:
        p = dict(r["p"])
        for inv in INVENTED:
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
            frame[col.name] = [as_date(v) for v in frame[col.name]]
        if col.kind == "list":
            # not values.split_list: a list property is a list here; anything else was no list (None)
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


def _member_tables(run: Runner) -> dict[str, pd.DataFrame]:
    """participations, attendances, tandems, transfers (only those with rows), sorted by their keys."""
    frames: dict[str, list[pd.DataFrame]] = {"participations": [], "attendances": [], "tandems": [], "transfers": []}
    for m in MEMBER_LABELS:
        frames["participations"].append(
            _rel_table(run, "PARTICIPATES_IN", m, "Project", ("member_id", "project_id"), "participations")
        )
        frames["attendances"].append(_rel_table(run, "ATTENDED", m, "Exchange", ("member_id", "exchange_id"), "attendances"))
        for m2 in MEMBER_LABELS:
            frames["tandems"].append(_rel_table(run, "TANDEM", m, m2, ("a_id", "b_id"), "tandems", key="topic"))
            frames["transfers"].append(_rel_table(run, "TRANSFERRED", m, m2, ("from_id", "to_id"), "transfers"))
    out = {}
    for name, parts in frames.items():
        non_empty = [f for f in parts if len(f)]
        if non_empty:
            frame = pd.concat(non_empty, ignore_index=True)
            out[name] = frame.sort_values(list(SPECS[name].key), key=lambda s: s.astype(str), kind="stable").reset_index(
                drop=True
            )
    return out


def read_tables(run: Runner) -> Network:
    """Rebuild the network's eight typed tables from a graph through ``run`` (any backend).

    Parameters
    ----------
    run
        Runs one read statement and returns its rows as dicts.

    Returns
    -------
    Network
        The tables as validation types them (missing values None), analysis results left out.
    """
    t = empty_tables()
    for table, label in LABEL_OF_TABLE.items():
        t[table] = _node_table(run, label, table)
    based = dict((r["a"], r["b"]) for r in run("MATCH (a:Organisation)-[:BASED_IN]->(b:City) RETURN a.id AS a, b.id AS b"))
    org = t["organisations"]
    org["city_id"] = [based.get(i) for i in org["id"]]
    part_of = dict((r["a"], r["b"]) for r in run("MATCH (a:Exchange)-[:PART_OF]->(b:Project) RETURN a.id AS a, b.id AS b"))
    ex = t["exchanges"]
    ex["project_id"] = [part_of.get(i) for i in ex["id"]]
    t.update(_member_tables(run))
    for name, frame in t.items():
        frame = frame.astype(object)
        t[name] = frame.where(frame.notna(), None)
    return Network.from_tables(t)


@dataclass(frozen=True)
class StoredResults:
    """Analysis results a graph holds: result properties per node id, and ``TIE`` relationships.

    ``nodes``: node id -> {result property: value} (only nodes with results); ``ties``: ``(start id, end id,
    properties)`` per ``TIE`` relationship (strength, rank, per-channel parts, level, …).
    """

    nodes: dict[str, dict[str, Any]]
    ties: list[tuple[str, str, dict[str, Any]]]


def read_results(run: Runner) -> StoredResults:
    """The analysis results through ``run`` (any backend), for export: what :func:`read_tables` leaves out.

    Analyses never call this; they read :func:`read_tables`, so they never take their own results as input.
    """
    nodes: dict[str, dict[str, Any]] = {}
    for label in RESULT_LABELS:
        for r in run(f"MATCH (n:{label}) RETURN n.id AS id, properties(n) AS p ORDER BY id"):
            props = {k: v for k, v in dict(r["p"]).items() if k in RESULT_PROPERTIES and v is not None}
            if props:
                nodes[str(r["id"])] = props
    ties = []
    for a_label in MEMBER_LABELS:
        for b_label in MEMBER_LABELS:
            recs = run(f"MATCH (a:{a_label})-[t:TIE]->(b:{b_label}) RETURN a.id AS a, b.id AS b, properties(t) AS p")
            for r in recs:
                props = {k: v for k, v in dict(r["p"]).items() if not (k == "type" and v == "TIE") and v is not None}
                ties.append((str(r["a"]), str(r["b"]), props))
    ties.sort(key=lambda t: (str(t[2].get("level", "")), t[0], t[1]))
    return StoredResults(nodes, ties)


def info_from(run: Runner, description: str) -> StoreInfo:
    """Summarise a graph through ``run`` (shared by every backend): counts, time span, countries.

    Parameters
    ----------
    run
        Runs one read statement and returns its rows as dicts.
    description
        The store's description (``StoreInfo.description``).
    """
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
    return StoreInfo(description, True, nodes, rels, span, countries)
