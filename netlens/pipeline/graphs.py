"""Graphs for analysis and maps, built from a network: the projection or bipartite graph at a level, the member
attributes maps filter on, partitions for brokerage roles, and the graph ``netlens map`` draws.

Levels
------
``city`` and ``organisation`` are the Newman-weighted projections of :func:`netlens.model.projection.projection`;
``bipartite`` is the member–activity graph of :func:`netlens.model.projection.bipartite_graph` (organisation-level
members plus their projects and exchanges, unweighted).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections import Counter
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netlens.analysis.centrality import centrality
from netlens.analysis.communities import communities
from netlens.analysis.paths import Route, transfer_paths
from netlens.analysis.strength import backbone_pairs
from netlens.choices import LEVELS, NODE_METRICS, PARTITIONS
from netlens.errors import UsageError
from netlens.model import projection as model
from netlens.model.network import Tables, as_network, check_level

__all__ = ["labels", "build_graph", "analysis_graph", "check_not_empty", "annotate", "partition", "map_graph", "window_text"]


def labels(tables: Tables) -> dict[str, str]:
    """Node id -> store label for every city, organisation, project and exchange (:meth:`Network.labels`)."""
    return as_network(tables).labels()


def window_text(since: _dt.date | None, until: _dt.date | None) -> str:
    """The time window in words, as the notes say it.

    >>> window_text(None, None), window_text(_dt.date(2020, 1, 1), None)
    ('all dates', 'activities overlapping 2020-01-01 – …')
    """
    if since is None and until is None:
        return "all dates"
    return f"activities overlapping {since or '…'} – {until or '…'}"


def build_graph(tables: Tables, level: str = "city", *, since: _dt.date | None = None, until: _dt.date | None = None) -> nx.Graph:
    """The graph analysed at ``level`` (see the module docstring); nodes keep the member attributes."""
    check_level(level, LEVELS)
    if level == "bipartite":
        return model.bipartite_graph(tables, level="organisation", since=since, until=until)
    return model.projection(tables, level=level, since=since, until=until)


def analysis_graph(
    tables: Tables,
    level: str = "city",
    *,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    metric: str = "centrality",
) -> nx.Graph | model.ArrayGraph:
    """The graph ``metric`` is analysed on: for centrality and communities at ``city``/``organisation`` the
    projection as arrays (:func:`netlens.model.projection.projection_arrays`: the same nodes, ties and weights as
    :func:`build_graph`, without building a networkx graph), else :func:`build_graph`."""
    check_level(level, LEVELS)
    if level == "bipartite" or metric not in ARRAY_METRICS:
        return build_graph(tables, level, since=since, until=until)
    return model.projection_arrays(tables, level, since, until)


#: the metrics that run on the projection as arrays (:func:`analysis_graph`); the others take the networkx graph
ARRAY_METRICS = ("centrality", "communities")


def check_not_empty(
    G: nx.Graph | model.ArrayGraph, tables: Tables, level: str, since: _dt.date | None = None, until: _dt.date | None = None
) -> None:
    """Raise a :class:`UsageError` that says why when ``G`` has no members to analyse or draw."""
    if G.number_of_nodes():
        return
    why = []
    if since or until:
        why.append(f"no activity overlaps {window_text(since, until).removeprefix('activities overlapping ')}")
    if level == "city" and len(tables["organisations"]) and not tables["organisations"]["city_id"].notna().any():
        why.append(
            "no organisation has a city_id, and organisations without one are left out at level city (try --level organisation)"
        )
    raise UsageError(
        f"nothing to analyse at level {level}"
        + (": " + "; ".join(why) if why else ": no member takes part in any project or exchange")
    )


def map_graph(
    tables: Tables,
    level: str = "city",
    *,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    metric: str = "pagerank",
    community: bool = False,
    path: tuple[str, str] | None = None,
    backbone: bool = False,
    seed: int = 0,
) -> tuple[nx.Graph, Route | None]:
    """The graph ``netlens map`` draws, and the highlighted transfer route (a :class:`netlens.analysis.paths.Route`) or None.

    Members carry what the map filters on (:func:`annotate`) and every centrality of :data:`NODE_METRICS`
    (betweenness/closeness/harmonic only when ``metric`` is one of them: they are the slow ones); ``community``
    adds Leiden communities. ``path`` = (A, B) finds the best transfer route and adds any hop carried only by a
    declared tandem or a transfer (not an edge of the projection). ``backbone`` keeps the backbone of tandem
    strength (:func:`netlens.analysis.strength.backbone_pairs`: the ties ``tandems --significant-only`` lists,
    default weights, same level and window; a backbone tie carried only by a declared tandem or a transfer is
    added), plus the route's hops, and the members they touch.
    """
    tables = as_network(tables)  # one network object: its views are built once for every step below
    if path and level == "bipartite":
        raise UsageError("--path needs --level city or organisation")
    if backbone and level == "bipartite":
        raise UsageError("--backbone needs --level city or organisation (the backbone is a set of ties between members)")
    G = build_graph(tables, level, since=since, until=until)
    check_not_empty(G, tables, level, since, until)
    annotate(G, tables, level, since=since, until=until)
    weight = None if level == "bipartite" else "weight"
    slow = "auto" if metric in ("betweenness", "closeness", "harmonic") else "none"
    cen = centrality(G, weight=weight, betweenness=slow, closeness=slow, seed=seed)
    for col in NODE_METRICS:
        nx.set_node_attributes(G, cen[col].to_dict(), col)
    if community:
        nx.set_node_attributes(G, communities(G, seed=seed, weight=weight)["community"].to_dict(), "community")
    route = None
    if path:
        route = transfer_paths(tables, path[0], path[1], k=1, level=level, since=since, until=until)[0]
        G.graph["path_hops"] = [dataclasses.asdict(hop) for hop in route.hops]  # the map shows each hop's activity and year
        for hop in route.hops:
            if not G.has_edge(hop.source, hop.target):
                G.add_edge(hop.source, hop.target, weight=hop.strength, count=1, via=hop.channel)
    if backbone:
        bb = backbone_pairs(tables, level=level, since=since, until=until)
        keep = {frozenset((u, v)) for u, v in zip(bb["a"], bb["b"])}
        for u, v, st, cnt, ch in zip(bb["a"], bb["b"], bb["strength"], bb["n_activities"], bb["channels"]):
            if not G.has_edge(u, v) and u in G and v in G:
                G.add_edge(u, v, weight=float(st), count=int(cnt), via=";".join(ch))
        on_route = list(route.nodes) if route is not None else []
        keep |= {frozenset(pair) for pair in zip(on_route, on_route[1:])}
        G.remove_edges_from([(u, v) for u, v in G.edges if frozenset((u, v)) not in keep])
        G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0 and n not in on_route])
    return G, route


def _member_level(level: str) -> str:
    return "organisation" if level == "bipartite" else level


def annotate(
    G: nx.Graph, tables: Tables, level: str = "city", *, since: _dt.date | None = None, until: _dt.date | None = None
) -> nx.Graph:
    """Add what maps filter on to the members of ``G`` (in place; returns ``G``).

    ``topics`` (sorted topics of the activities a member took part in), ``programme`` (its most frequent
    project programme; ties -> alphabetical), ``first_year`` / ``last_year`` (span of its dated activities).
    """
    m = model.memberships(tables, level=_member_level(level), since=since, until=until)
    if m.empty:
        return G
    acts = model.activities(tables)
    m = m.join(acts[["topics", "programme"]], on="activity_id")
    topics: dict[str, set[str]] = {}
    progs: dict[str, Counter[str]] = {}
    for member, tl, prog in zip(m["member_id"], m["topics"], m["programme"]):
        if isinstance(tl, list) and tl:
            topics.setdefault(member, set()).update(tl)
        if isinstance(prog, str) and prog:
            progs.setdefault(member, Counter())[prog] += 1
    start_year = pd.Series([d.year if isinstance(d, _dt.date) else np.nan for d in m["start"]], index=m.index)
    end_year = pd.Series([d.year if isinstance(d, _dt.date) else np.nan for d in m["end"]], index=m.index)
    first = start_year.groupby(m["member_id"]).min()
    last = end_year.fillna(start_year).groupby(m["member_id"]).max()
    for node in G.nodes:
        if G.nodes[node].get("bipartite") == 1:
            continue
        attrs = G.nodes[node]
        attrs["topics"] = sorted(topics.get(node, ()))
        counts = progs.get(node)
        attrs["programme"] = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else None
        f, lst = first.get(node, np.nan), last.get(node, np.nan)
        attrs["first_year"] = None if pd.isna(f) else int(f)
        attrs["last_year"] = None if pd.isna(lst) else int(lst)
    return G


def partition(
    G: nx.Graph,
    tables: Tables,
    by: str,
    level: str = "city",
    *,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
) -> dict[Any, Any]:
    """Groups for the Gould–Fernandez roles: node -> group (nodes without one are left out).

    ``programme`` and ``role`` look only at the activities inside the window ``since``/``until`` (the same
    window the graph was built for).

    ``country``/``type``: the member attribute. ``tags``: the member's tags joined with ``;`` (so
    ``lighthouse`` vs ``follower`` cities). ``programme``: the member's most frequent project programme.
    ``role``: the member's most frequent project role (lighthouse, follower, coordinator, partner…).
    ``community``: the Leiden community of :func:`netlens.analysis.communities.communities` (seed 0).
    Ties between equally frequent values go to the alphabetically first.
    """
    if by not in PARTITIONS:
        raise UsageError(f"unknown partition {by!r}; expected one of {', '.join(PARTITIONS)}")
    if by == "community":
        found: dict[Any, Any] = communities(G)["community"].to_dict()
        return found
    if by == "programme":
        annotate(G, tables, level, since=since, until=until)
    if by == "role":
        m = model.memberships(tables, level=_member_level(level), since=since, until=until)
        m = m[(m["kind"] == "project") & m["role"].notna() & (m["role"] != "")]
        counts = m.groupby(["member_id", "role"]).size().reset_index(name="n")
        counts = counts.sort_values(["member_id", "n", "role"], ascending=[True, False, True], kind="stable")
        first = counts.drop_duplicates("member_id").set_index("member_id")["role"]
        return {n: first[n] for n in G.nodes if n in first.index}
    out: dict[Any, Any] = {}
    for node, d in G.nodes(data=True):
        v = d.get(by)
        if by == "tags":
            v = ";".join(sorted(v)) if isinstance(v, list) and v else None
        if v is not None and not (isinstance(v, float) and np.isnan(v)) and v != "":
            out[node] = v
    return out
