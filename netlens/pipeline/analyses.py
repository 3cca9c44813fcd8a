"""One ``netlens analyse`` run as data: :func:`analyse` computes a metric on a network at a level and returns an
:class:`Analysis` — the table to print, the node properties and ``TIE`` rows to write back (the graph schema in
CONVENTIONS.md), and the notes worth saying beside it. Nothing here touches a store or prints.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netlens.analysis.brokerage import bridges, brokers
from netlens.analysis.centrality import centrality
from netlens.analysis.communities import communities
from netlens.analysis.strength import tandem_strength, ties_for_store
from netlens.analysis.structure import structure
from netlens.choices import MEMBER_LEVELS, METRICS, NODE_METRICS, TIE_AUTO_LIMIT, TIE_MODES
from netlens.errors import UsageError
from netlens.model.network import Tables, as_network, check_level
from netlens.model.projection import ArrayGraph
from netlens.pipeline.graphs import ARRAY_METRICS, analysis_graph, check_not_empty, partition, window_text

__all__ = ["Analysis", "analyse", "ties_to_write", "results_for_store"]

#: brokers role column -> property name in the store (RESULT_PROPERTIES)
_GF = {
    "coordinator": "gf_coordinator",
    "itinerant": "gf_itinerant",
    "gatekeeper": "gf_gatekeeper",
    "representative": "gf_representative",
    "liaison": "gf_liaison",
}


_BROKER_PROPS = ("constraint", "effective_size", "articulation", "split_size", *_GF.values())


@dataclass
class Analysis:
    """One ``netlens analyse`` result.

    ``table``: what is printed (already sorted; ``top`` applies to it). ``nodes``: per-node results to write
    as node properties (index = node id) or None. ``ties``: ``TIE`` rows (u, v, props…) or None.
    ``notes``: lines worth saying next to the table (methods, error estimates, modularity, …). ``full``: the
    complete rows machine formats (CSV/JSON) get when they differ from the table view — every tie with ids,
    per-channel parts, multiplexity and reciprocity; every member with its community; typed structure values.
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
    full: pd.DataFrame | None = None

    def rows_for(self, fmt: str) -> pd.DataFrame:
        """The rows to render as ``fmt``: the table view for ``table``, the complete rows for CSV/JSON."""
        return self.full if fmt != "table" and self.full is not None else self.table


def _scoped(fn: Callable[..., Analysis]) -> Callable[..., Analysis]:
    """Record on the result which run it is: level and time window (``Analysis.scope``)."""

    @functools.wraps(fn)
    def wrapper(tables: Tables | None, metric: str, **kw: Any) -> Analysis:
        a = fn(tables, metric, **kw)
        a.scope = f"{kw.get('level', 'city')}; {window_text(kw.get('since'), kw.get('until'))}"
        return a

    return wrapper


@_scoped
def analyse(
    tables: Tables | None,
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
    graph: nx.Graph | ArrayGraph | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Analysis:
    """Compute ``metric`` on ``tables`` at ``level`` in the window (``graph``: the graph to analyse, when the caller
    has built it). ``tables`` may be None for centrality and communities when ``graph`` is given (e.g. a projection
    the embedded store kept in its cache)."""
    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    if tables is None:  # the caller has the graph (e.g. a cached projection) and no tables: centrality and communities only
        if graph is None or metric not in ARRAY_METRICS:
            raise UsageError(f"{metric} needs the network's tables (only centrality and communities run on a given graph)")
        if not graph.number_of_nodes():
            raise UsageError(f"nothing to analyse at level {level}")
        window = window_text(since, until)
        return _on_graph(graph, metric, level, window, betweenness, samples, seed, method, resolution, on_progress)
    tables = as_network(tables)  # one network object: its views are built once for every step below
    if metric == "tandems":
        return _tandems(
            tables, level=level, since=since, until=until, weights=weights, topic=topic, significant_only=significant_only
        )
    G = graph if graph is not None else analysis_graph(tables, level, since=since, until=until, metric=metric)
    check_not_empty(G, tables, level, since, until)
    weight = None if level == "bipartite" else "weight"
    window = window_text(since, until)
    if metric in ARRAY_METRICS:
        return _on_graph(G, metric, level, window, betweenness, samples, seed, method, resolution, on_progress)
    if not isinstance(G, nx.Graph):
        raise UsageError(f"{metric} needs a networkx graph (pipeline.graphs.build_graph), not the projection as arrays")
    if metric == "brokers":
        groups = partition(G, tables, partition_by, level, since=since, until=until) if partition_by else None
        return _brokers(G, level, window, weight=weight, groups=groups, partition_by=partition_by)
    return _structure(G, level, window)


def _on_graph(
    G: nx.Graph | ArrayGraph,
    metric: str,
    level: str,
    window: str,
    betweenness: str,
    samples: int | None,
    seed: int,
    method: str,
    resolution: float,
    on_progress: Callable[[int, int], None] | None,
) -> Analysis:
    """Centrality or communities of ``G`` (the two metrics that need nothing but the graph)."""
    weight = None if level == "bipartite" else "weight"
    if metric == "centrality":
        return _centrality(
            G, level, window, weight=weight, betweenness=betweenness, samples=samples, seed=seed, on_progress=on_progress
        )
    return _communities(G, level, window, weight=weight, method=method, resolution=resolution, seed=seed)


def _centrality(
    G: nx.Graph | ArrayGraph,
    level: str,
    window: str,
    *,
    weight: str | None,
    betweenness: str,
    samples: int | None,
    seed: int,
    on_progress: Callable[[int, int], None] | None,
) -> Analysis:
    df = centrality(
        G, weight=weight, betweenness=betweenness, closeness=betweenness, samples=samples, seed=seed, on_progress=on_progress
    )
    # rounded so that equal scores (symmetric members) order by name on every machine
    key = pd.DataFrame({"pr": df["pagerank"].round(12), "deg": df["degree"], "name": df["name"].astype(str)})
    table = df.loc[key.sort_values(["pr", "deg", "name"], ascending=[False, False, True], kind="stable").index]
    return Analysis("centrality", level, table, nodes=df[list(NODE_METRICS)], notes=[window, *_path_notes(df.attrs)])


def _communities(
    G: nx.Graph | ArrayGraph, level: str, window: str, *, weight: str | None, method: str, resolution: float, seed: int
) -> Analysis:
    df = communities(G, method=method, resolution=resolution, seed=seed, weight=weight)
    a = df.attrs
    notes = [
        window,
        f"{a['method']} communities (resolution {a['resolution']:g}, seed {a['seed']}): "
        f"{_n(a['n_communities'], 'community', 'communities')}, modularity Q = {a['modularity']:.4f}"
        + (
            f" (resolution-adjusted Q_γ; the ordinary Q at γ = 1 of the same partition is {a['modularity_standard']:.4f})"
            if a["resolution"] != 1
            else ""
        ),
    ]
    info = _member_info(G)
    members = pd.DataFrame(
        {"name": info["name"].reindex(df.index).to_numpy(), "community": df["community"].to_numpy()},
        index=pd.Index(df.index, name="id"),
    ).sort_values(["community", "name"], kind="stable")
    return Analysis(
        "communities",
        level,
        _community_table(info, df),
        nodes=df[["community"]],
        notes=notes,
        summary={"modularity": a["modularity"], "communities": a["n_communities"]},
        full=members,
    )


def _brokers(
    G: nx.Graph, level: str, window: str, *, weight: str | None, groups: dict[Any, Any] | None, partition_by: str | None
) -> Analysis:
    df = brokers(G, partition=groups, weight=weight)
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
    nb = bridges(G)
    if len(nb):
        notes.append(
            f"{len(nb)} bridge(s): ties whose loss splits a component; most consequential cuts "
            f"{min(nb.loc[0, 'size_u'], nb.loc[0, 'size_v'])} member(s) off"
        )
    props = [c for c in _BROKER_PROPS if c in df.columns]
    return Analysis("brokers", level, table, nodes=df[props], notes=notes)


def _structure(G: nx.Graph, level: str, window: str) -> Analysis:
    s = structure(G)
    dist = s.pop("degree_distribution")
    table = pd.DataFrame({"value": [_fmt(v) for v in s.values()]}, index=pd.Index(list(s.keys()), name="measure"))
    typed = pd.DataFrame({"value": pd.Series(list(s.values()), dtype=object)}, index=pd.Index(list(s.keys()), name="measure"))
    notes = [
        window,
        "degree distribution: "
        + ", ".join(f"{int(d)}: {int(c)}" for d, c in dist["count"].head(12).items())
        + (" …" if len(dist) > 12 else ""),
    ]
    return Analysis("structure", level, table, notes=notes, summary={**s, "degree_distribution": dist}, full=typed)


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
    if level == "bipartite":
        raise UsageError("tandems are ties between members: use --level city or organisation")
    check_level(level, MEMBER_LEVELS)
    df = tandem_strength(tables, level=level, weights=weights, since=since, until=until, topic=topic)
    n_sig = int(df["significant"].sum()) if len(df) else 0
    notes = [
        window_text(since, until),
        f"{_n(len(df), 'pair')} tied by a shared activity, declared tandem or transfer; "
        f"{_n(n_sig, 'significant tie')} (disparity filter, α < 0.05)",
        str(df.attrs.get("weights", "")),
    ]
    table = df[df["significant"].astype(bool)] if significant_only else df
    if significant_only:
        notes.append(
            f"--significant-only: shows and writes only the {_n(n_sig, 'significant tie')} (the backbone map --backbone draws)"
        )
    shown = table[["a_name", "b_name", "strength", "rank", "significant", "explanation"]]
    full = table.rename(columns={"a": "a_id", "b": "b_id"})
    return Analysis(
        "tandems", level, shown.reset_index(drop=True), ties=ties_for_store(table), notes=notes, full=full.reset_index(drop=True)
    )


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
            if attrs.get(f"{m}_se_unknown"):
                out.append(
                    f"{m}: no error estimate for {attrs[f'{m}_se_unknown']:,} sampled nodes (every pivot gave them the same "
                    f"dependency); {attrs.get(f'{m}_unreached', 0):,} of them no pivot reached: their 0 is a lower bound, "
                    f"the true value is below {attrs.get(f'{m}_unreached_bound', float('nan')):.2g} (95 %); raise --samples"
                )
        elif how:
            out.append(f"{m}: {how}")
    out.append(f"distances: {attrs.get('distance', '1/weight')}")
    return out


def _member_info(G: nx.Graph | ArrayGraph) -> pd.DataFrame:
    """Per node (index = id, graph order): ``name`` (the id when absent), ``country`` and ``strength`` (weighted degree)."""
    if isinstance(G, ArrayGraph):
        n = len(G.nodes)
        node, nbr = np.concatenate([G.src, G.dst]), np.concatenate([G.dst, G.src])
        # each node's ties in neighbour order, summed left to right: networkx's sum (one int64 key sorts 3x
        # faster than lexsort; n * n < 2**63 for any n below 3e9)
        order = np.argsort(node.astype(np.int64) * n + nbr)
        strength = np.bincount(node[order], weights=np.concatenate([G.weight, G.weight])[order], minlength=n)
        return pd.DataFrame({"name": G.name, "country": G.country, "strength": strength}, index=pd.Index(G.nodes, dtype=object))
    deg = dict(G.degree(weight="weight"))
    data = G.nodes
    return pd.DataFrame(
        {
            "name": [data[v].get("name", v) for v in G.nodes],
            "country": [data[v].get("country") for v in G.nodes],
            "strength": [deg.get(v, 0.0) for v in G.nodes],
        },
        index=pd.Index(list(G.nodes), dtype=object),
    )


def _community_table(info: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
    name, country, strength = info["name"].to_dict(), info["country"].to_dict(), info["strength"].to_dict()
    rows = []
    for c, members in df.groupby("community").groups.items():
        nodes = sorted(members, key=lambda n: (-strength.get(n, 0.0), str(name.get(n, n))))
        countries = Counter(country.get(n) for n in nodes if country.get(n))
        rows.append(
            {
                "community": int(c),
                "members": len(nodes),
                "leading_members": ", ".join(str(name.get(n, n)) for n in nodes[:5]),
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
