"""Orchestration for the CLI: typed tables -> graph at a level -> analysis -> results for the store.

Analysis functions (:mod:`netlens.analysis.metrics`, :mod:`netlens.analysis.tandems`, :mod:`netlens.analysis.paths`)
take graphs or
tables and never touch a store; this module builds their inputs, turns their outputs into the rows
written back as node properties / ``TIE`` relationships (the graph schema in CONVENTIONS.md), and into the tables
the CLI prints. It imports no click, so the benchmark scripts use it too.

Levels
------
``city`` and ``organisation`` are the Newman-weighted projections of :func:`netlens.model.projection.projection`;
``bipartite`` is the member–activity graph of :func:`netlens.model.projection.bipartite_graph` (organisation-level
members plus their projects and exchanges, unweighted).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netlens.analysis import metrics
from netlens.errors import UsageError
from netlens.model import projection as model
from netlens.store.core import LABEL_OF_TABLE
from netlens.validation.checks import Tables

__all__ = [
    "LEVELS",
    "METRICS",
    "PARTITIONS",
    "Analysis",
    "labels",
    "build_graph",
    "annotate",
    "partition",
    "analyse",
    "map_graph",
    "NODE_METRICS",
    "results_for_store",
]

LEVELS = ("city", "organisation", "bipartite")
METRICS = ("centrality", "communities", "brokers", "structure", "tandems")
#: the centralities written as node properties (and drawn as node sizes by ``netlens map --metric``)
NODE_METRICS = ("degree", "strength", "betweenness", "closeness", "harmonic", "eigenvector", "pagerank", "kcore")
PARTITIONS = ("country", "tags", "role", "programme", "type", "community")

#: metrics.brokers role column -> property name in the store (RESULT_PROPERTIES)
_GF = {
    "coordinator": "gf_coordinator",
    "itinerant": "gf_itinerant",
    "gatekeeper": "gf_gatekeeper",
    "representative": "gf_representative",
    "liaison": "gf_liaison",
}
_BROKER_PROPS = ("constraint", "effective_size", "articulation", "split_size", *_GF.values())


def labels(tables: Tables) -> dict[str, str]:
    """Node id -> store label for every city, organisation, project and exchange."""
    out: dict[str, str] = {}
    for table, label in LABEL_OF_TABLE.items():
        out.update(dict.fromkeys(tables[table]["id"].tolist(), label))
    return out


def check_level(level: str, allowed: tuple[str, ...] = LEVELS) -> None:
    if level not in allowed:
        raise UsageError(f"unknown level {level!r}; expected one of {', '.join(allowed)}")


def build_graph(tables: Tables, level: str = "city", *, since: _dt.date | None = None, until: _dt.date | None = None) -> nx.Graph:
    """The graph analysed at ``level`` (see the module docstring); nodes keep the member attributes."""
    check_level(level)
    if level == "bipartite":
        return model.bipartite_graph(tables, level="organisation", since=since, until=until)
    return model.projection(tables, level=level, since=since, until=until)


def check_not_empty(
    G: nx.Graph, tables: Tables, level: str, since: _dt.date | None = None, until: _dt.date | None = None
) -> None:
    """Raise a :class:`UsageError` that says why when ``G`` has no members to analyse or draw."""
    if G.number_of_nodes():
        return
    why = []
    if since or until:
        why.append(f"no activity overlaps {_window(since, until).removeprefix('activities overlapping ')}")
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
) -> tuple[nx.Graph, Any]:
    """The graph ``netlens map`` draws, and the highlighted transfer route (a :class:`netlens.analysis.paths.Route`) or None.

    Members carry what the map filters on (:func:`annotate`) and every centrality of :data:`NODE_METRICS`
    (betweenness/closeness/harmonic only when ``metric`` is one of them: they are the slow ones); ``community``
    adds Leiden communities. ``path`` = (A, B) finds the best transfer route and adds any hop carried only by a
    declared tandem or a transfer (not an edge of the projection). ``backbone`` keeps the ties the disparity
    filter finds significant (plus the route's), and the members they touch.
    """
    if path and level == "bipartite":
        raise UsageError("--path needs --level city or organisation")
    G = build_graph(tables, level, since=since, until=until)
    check_not_empty(G, tables, level, since, until)
    annotate(G, tables, level, since=since, until=until)
    weight = None if level == "bipartite" else "weight"
    slow = "auto" if metric in ("betweenness", "closeness", "harmonic") else "none"
    cen = metrics.centrality(G, weight=weight, betweenness=slow, closeness=slow, seed=seed)
    for col in NODE_METRICS:
        nx.set_node_attributes(G, cen[col].to_dict(), col)
    if community:
        nx.set_node_attributes(G, metrics.communities(G, seed=seed, weight=weight)["community"].to_dict(), "community")
    route = None
    if path:
        from netlens.analysis.paths import transfer_paths

        route = transfer_paths(tables, path[0], path[1], k=1, level=level, since=since, until=until)[0]
        G.graph["path_hops"] = [dataclasses.asdict(hop) for hop in route.hops]  # the map shows each hop's activity and year
        for hop in route.hops:
            if not G.has_edge(hop.source, hop.target):
                G.add_edge(hop.source, hop.target, weight=hop.strength, count=1, via=hop.channel)
    if backbone:
        from netlens.analysis.tandems import disparity_filter

        d = disparity_filter(G)
        keep = {frozenset((u, v)) for u, v, s in zip(d["u"], d["v"], d["significant"]) if s}
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
    ``community``: the Leiden community of :func:`netlens.analysis.metrics.communities` (seed 0).
    Ties between equally frequent values go to the alphabetically first.
    """
    if by not in PARTITIONS:
        raise UsageError(f"unknown partition {by!r}; expected one of {', '.join(PARTITIONS)}")
    if by == "community":
        found: dict[Any, Any] = metrics.communities(G)["community"].to_dict()
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


@dataclass
class Analysis:
    """One ``netlens analyse`` result.

    ``table``: what is printed (already sorted; ``top`` applies to it). ``nodes``: per-node results to write
    as node properties (index = node id) or None. ``ties``: ``TIE`` rows (u, v, props…) or None.
    ``notes``: lines worth saying next to the table (methods, error estimates, modularity, …).
    """

    metric: str
    level: str
    table: pd.DataFrame
    nodes: pd.DataFrame | None = None
    ties: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    #: level and window of the run, e.g. "city; all dates" (stored beside the results as ``<metric>_scope``)
    scope: str = ""


def _scoped(fn: Callable[..., Analysis]) -> Callable[..., Analysis]:
    """Record on the result which run it is: level and time window (``Analysis.scope``)."""

    @functools.wraps(fn)
    def wrapper(tables: Tables, metric: str, **kw: Any) -> Analysis:
        a = fn(tables, metric, **kw)
        a.scope = f"{kw.get('level', 'city')}; {_window(kw.get('since'), kw.get('until'))}"
        return a

    return wrapper


@_scoped
def analyse(
    tables: Tables,
    metric: str,
    *,
    level: str = "city",
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    partition_by: str | None = None,
    method: str = "leiden",
    resolution: float = 1.0,
    betweenness: str = "auto",
    samples: int | None = None,
    seed: int = 0,
    weights: Any = None,
    topic: str | None = None,
    significant_only: bool = False,
    graph: nx.Graph | None = None,
) -> Analysis:

    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    if metric == "tandems":
        return _tandems(
            tables, level=level, since=since, until=until, weights=weights, topic=topic, significant_only=significant_only
        )
    G = graph if graph is not None else build_graph(tables, level, since=since, until=until)
    check_not_empty(G, tables, level, since, until)
    weight = None if level == "bipartite" else "weight"
    window = _window(since, until)
    if metric == "centrality":
        df = metrics.centrality(G, weight=weight, betweenness=betweenness, closeness=betweenness, samples=samples, seed=seed)
        # rounded so that equal scores (symmetric members) order by name on every machine
        key = pd.DataFrame({"pr": df["pagerank"].round(12), "deg": df["degree"], "name": df["name"].astype(str)})
        table = df.loc[key.sort_values(["pr", "deg", "name"], ascending=[False, False, True], kind="stable").index]
        return Analysis(metric, level, table, nodes=df[list(NODE_METRICS)], notes=[window, *_path_notes(df.attrs)])
    if metric == "communities":
        df = metrics.communities(G, method=method, resolution=resolution, seed=seed, weight=weight)
        a = df.attrs
        notes = [
            window,
            f"{a['method']} communities (resolution {a['resolution']:g}, seed {a['seed']}): "
            f"{_n(a['n_communities'], 'community', 'communities')}, modularity Q = {a['modularity']:.4f}",
        ]
        return Analysis(
            metric,
            level,
            _community_table(G, df),
            nodes=df[["community"]],
            notes=notes,
            summary={"modularity": a["modularity"], "communities": a["n_communities"]},
        )
    if metric == "brokers":
        groups = partition(G, tables, partition_by, level, since=since, until=until) if partition_by else None
        df = metrics.brokers(G, partition=groups, weight=weight)
        df = df.rename(columns=_GF)
        names = pd.Series({n: G.nodes[n].get("name", n) for n in G.nodes}, name="name")
        df.insert(0, "name", names.reindex(df.index))
        table = df.sort_values(["split_size", "effective_size"], ascending=False, kind="stable", na_position="last")
        cuts = int(df["articulation"].sum())
        notes = [window, f"{cuts} articulation point(s): members whose leaving splits their component"]
        if groups is not None:
            notes.append(
                f"Gould–Fernandez roles over the partition by {partition_by} ({_n(len(set(groups.values())), 'group')});"
                " counts are two-paths (each unconnected pair of neighbours counts twice)"
            )
        nb = metrics.bridges(G)
        if len(nb):
            notes.append(
                f"{len(nb)} bridge(s): ties whose loss splits a component; most consequential cuts "
                f"{min(nb.loc[0, 'size_u'], nb.loc[0, 'size_v'])} member(s) off"
            )
        props = [c for c in _BROKER_PROPS if c in df.columns]
        return Analysis(metric, level, table, nodes=df[props], notes=notes)
    s = metrics.structure(G)
    dist = s.pop("degree_distribution")
    table = pd.DataFrame({"value": [_fmt(v) for v in s.values()]}, index=pd.Index(list(s.keys()), name="measure"))
    notes = [
        window,
        "degree distribution: "
        + ", ".join(f"{int(d)}: {int(c)}" for d, c in dist["count"].head(12).items())
        + (" …" if len(dist) > 12 else ""),
    ]
    return Analysis(metric, level, table, notes=notes, summary={**s, "degree_distribution": dist})


#: ``--ties auto`` writes every tie up to this many pairs, else only the significant ones (the backbone)
TIE_AUTO_LIMIT = 200_000
TIE_MODES = ("auto", "all", "significant", "none")


def ties_to_write(a: Analysis, mode: str = "auto") -> tuple[pd.DataFrame | None, str]:
    """The ``TIE`` rows to write for ``mode`` and a note saying which.

    ``all``: every pair; ``significant``: the disparity-filter backbone; ``none``: nothing; ``auto``: all up to
    :data:`TIE_AUTO_LIMIT` pairs, else the backbone (800k relationships with their breakdowns would make the
    store several times larger and take most of a minute to write, for ties nobody queries one by one).
    """
    if mode not in TIE_MODES:
        raise UsageError(f"unknown --ties {mode!r}; expected one of {', '.join(TIE_MODES)}")
    if a.ties is None or mode == "none":
        return None, ""
    n = len(a.ties)
    if mode == "all" or (mode == "auto" and n <= TIE_AUTO_LIMIT):
        return a.ties, f"all {n:,} ties"
    sig = a.ties[a.ties["significant"].astype(bool)]
    why = f" (more than {TIE_AUTO_LIMIT:,} pairs; --ties all writes every one)" if mode == "auto" else ""
    return sig, f"the {len(sig):,} significant of {n:,} ties{why}"


def _tandems(
    tables: Tables,
    *,
    level: str,
    since: _dt.date | None,
    until: _dt.date | None,
    weights: Any,
    topic: str | None,
    significant_only: bool,
) -> Analysis:
    from netlens.analysis import tandems

    if level == "bipartite":
        raise UsageError("tandems are ties between members: use --level city or organisation")
    check_level(level, ("city", "organisation"))
    df = tandems.tandem_strength(tables, level=level, weights=weights, since=since, until=until, topic=topic)
    n_sig = int(df["significant"].sum()) if len(df) else 0
    notes = [
        _window(since, until),
        f"{_n(len(df), 'pair')} tied by a shared activity, declared tandem or transfer; "
        f"{_n(n_sig, 'significant tie')} (disparity filter, α < 0.05)",
        str(df.attrs.get("weights", "")),
    ]
    table = df[df["significant"]] if significant_only else df
    shown = table[["a_name", "b_name", "strength", "rank", "significant", "explanation"]]
    return Analysis("tandems", level, shown.reset_index(drop=True), ties=tandems.ties_for_store(df), notes=notes)


def _window(since: _dt.date | None, until: _dt.date | None) -> str:
    if since is None and until is None:
        return "all dates"
    return f"activities overlapping {since or '…'} – {until or '…'}"


def _path_notes(attrs: Mapping[str, Any]) -> list[str]:
    out = []
    for m in ("betweenness", "closeness"):
        how = attrs.get(f"{m}_method")
        if how == "sampled" or how == "mixed":
            out.append(
                f"{m}: sampled with {attrs.get(f'{m}_samples')} pivots per large component "
                f"({attrs.get(f'{m}_sampled_nodes')} nodes); mean standard error {attrs.get(f'{m}_stderr', float('nan')):.2g}, "
                f"max {attrs.get(f'{m}_stderr_max', float('nan')):.2g}"
            )
        elif how:
            out.append(f"{m}: {how}")
    out.append(f"distances: {attrs.get('distance', '1/weight')}")
    return out


def _community_table(G: nx.Graph, df: pd.DataFrame) -> pd.DataFrame:
    strength = dict(G.degree(weight="weight"))
    rows = []
    for c, members in df.groupby("community").groups.items():
        nodes = sorted(members, key=lambda n: (-strength.get(n, 0.0), str(G.nodes[n].get("name", n))))
        countries = Counter(G.nodes[n].get("country") for n in nodes if G.nodes[n].get("country"))
        rows.append(
            {
                "community": int(c),
                "members": len(nodes),
                "leading_members": ", ".join(str(G.nodes[n].get("name", n)) for n in nodes[:5]),
                "countries": ", ".join(k for k, _ in countries.most_common(5)),
            }
        )
    return (
        pd.DataFrame(rows).set_index("community")
        if rows
        else pd.DataFrame(columns=["members", "leading_members", "countries"], index=pd.Index([], name="community"))
    )


def _n(count: int, one: str, many: str | None = None) -> str:
    """``1 group``, ``2 groups``.

    >>> _n(1, "community", "communities"), _n(3, "pair")
    ('1 community', '3 pairs')
    """
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def results_for_store(a: Analysis) -> pd.DataFrame | None:
    """Node properties of an analysis as plain columns (NaN -> missing), or None when it has none."""
    if a.nodes is None:
        return None
    out = a.nodes.copy()
    out[f"{a.metric}_scope"] = a.scope  # which run the values come from: level and time window
    return out
