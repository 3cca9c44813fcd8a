"""The netlens pipeline (load -> centrality -> communities -> tandems -> map) in plain networkx + pandas.

Companion of ``bench/bench_pipeline.py``, which runs each step of this script as its own subprocess (so time and
peak memory are per step) next to the same step of the ``netlens`` CLI. No igraph, no netlens import. State passes
between steps as pickle files in ``--work`` (as netlens passes it through its store file).

Run one step by hand:

    .venv/bin/python bench/nx_pipeline.py load --csv ../shared/data/cordis-h2020-participation/h2020.csv --work /tmp/nx
    .venv/bin/python bench/nx_pipeline.py centrality --csv ... --work /tmp/nx      # then communities, tandems, map

Steps:

``load``         read the CSV with pandas (+ ``programme_parts.csv`` beside it when present), build the bipartite
                 organisation–project ``nx.Graph``; pickle it (``bipartite.pickle``).
``centrality``   ``nx.bipartite.collaboration_weighted_projected_graph`` onto the organisations (Newman weights, isolated
                 organisations kept as netlens keeps them); pickle it (``projection.pickle``); then degree, strength,
                 ``betweenness_centrality(k=K, weight=1/w)``, closeness and harmonic estimated from K single-source
                 Dijkstra pivots (the pivot estimator netlens uses for large components), ``eigenvector_centrality``,
                 ``pagerank``, ``core_number``; pickle the table (``centrality.pickle``).
``communities``  ``louvain_communities(weight="weight", seed)`` + ``modularity``; pickle the partition.
``tandems``      the Newman weight of every pair again from the bipartite graph (``collaboration_weighted_projected_graph``),
                 the disparity-filter alpha per edge in pure Python (Serrano et al. 2009: alpha = min over both ends of
                 (1 - w/s)^(k - 1), significant when < 0.05), rank by weight; pickle the tie list.
``map``          ``spring_layout(seed, iterations=50)`` on the projection (networkx picks its 'energy' L-BFGS solver
                 above 500 nodes), node size from the PageRank of the centrality step; write nodes and edges as JSON.

Each step prints its sub-timings on stderr and one ``RESULT {json}`` line on stdout. ``--expect-nodes/--expect-edges``
assert the projection's non-isolated organisations and ties (31,665 / 796,670 on the full H2020 file).
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import pickle  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402

STEPS = ("load", "centrality", "communities", "tandems", "map")
_phases: dict[str, float] = {}


def phase(name: str, t0: float) -> float:
    """Record the seconds since ``t0`` under ``name`` (printed on stderr), return now."""
    now = time.perf_counter()
    _phases[name] = round(now - t0, 3)
    print(f"  nx {name:<42}{now - t0:8.2f} s", file=sys.stderr, flush=True)
    return now


def dump(obj: Any, path: Path) -> None:
    with path.open("wb") as f:
        pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)


def undump(path: Path) -> Any:
    with path.open("rb") as f:
        return pickle.load(f)


def organisations(B: nx.Graph) -> list[Any]:
    return [n for n, b in B.nodes(data="bipartite") if b == 0]


def project(B: nx.Graph, args: argparse.Namespace) -> nx.Graph:
    """Newman-weighted organisation co-participation graph, checked against the expected sizes."""
    G = nx.bipartite.collaboration_weighted_projected_graph(B, organisations(B))
    linked = G.number_of_nodes() - nx.number_of_isolates(G)
    if args.expect_nodes is not None:
        assert linked == args.expect_nodes, f"non-isolated organisations {linked:,} != {args.expect_nodes:,}"
    if args.expect_edges is not None:
        assert G.number_of_edges() == args.expect_edges, f"ties {G.number_of_edges():,} != {args.expect_edges:,}"
    return G


def projection(args: argparse.Namespace, result: dict[str, Any]) -> nx.Graph:
    """The projection pickled by the centrality step, or built here when that step was not run."""
    path = args.work / "projection.pickle"
    t = time.perf_counter()
    if path.exists():
        G = undump(path)
        phase("unpickle projection", t)
    else:
        G = project(undump(args.work / "bipartite.pickle"), args)
        phase("unpickle bipartite + project", t)
    result.update(nodes=G.number_of_nodes(), edges=G.number_of_edges())
    return G


def step_load(args: argparse.Namespace, result: dict[str, Any]) -> None:
    t = time.perf_counter()
    df = pd.read_csv(args.csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    parts_file = args.csv.with_name("programme_parts.csv")
    programme: dict[str, str] = {}
    if parts_file.exists():
        parts = pd.read_csv(parts_file, dtype=str, keep_default_na=False)
        programme = parts.groupby("rcn")["programme_part"].agg(lambda s: "H2020 " + "/".join(sorted(set(s)))).to_dict()
    t = phase("read CSV (pandas)", t)
    B = nx.Graph()
    orgs = df.drop_duplicates("pic")
    B.add_nodes_from(
        (pic, {"bipartite": 0, "kind": "organisation", "name": pic, "type": typ, "country": c or None})
        for pic, typ, c in zip(orgs["pic"].tolist(), orgs["type"].tolist(), orgs["country"].tolist())
    )
    projs = df.drop_duplicates("rcn")
    B.add_nodes_from(
        (
            "rcn:" + r,
            {
                "bipartite": 1,
                "kind": "project",
                "name": r,
                "start": s or None,
                "end": e or None,
                "programme": programme.get(r, "H2020"),
                "max_contribution": mc or None,
            },
        )
        for r, s, e, mc in zip(
            projs["rcn"].tolist(), projs["start_date"].tolist(), projs["end_date"].tolist(), projs["max_contribution"].tolist()
        )
    )
    B.add_edges_from(
        (pic, "rcn:" + r, {"role": role, "contribution": c or None})
        for pic, r, role, c in zip(df["pic"].tolist(), df["rcn"].tolist(), df["role"].tolist(), df["contribution"].tolist())
    )
    t = phase("build bipartite nx.Graph", t)
    dump(B, args.work / "bipartite.pickle")
    phase("pickle", t)
    result.update(organisations=len(orgs), projects=len(projs), participations=B.number_of_edges())


def step_centrality(args: argparse.Namespace, result: dict[str, Any]) -> None:
    t = time.perf_counter()
    B = undump(args.work / "bipartite.pickle")
    t = phase("unpickle bipartite", t)
    G = project(B, args)
    del B
    t = phase("collaboration_weighted_projected_graph", t)
    dump(G, args.work / "projection.pickle")
    t = phase("pickle projection", t)
    for _, _, d in G.edges(data=True):
        d["distance"] = 1.0 / d["weight"]
    degree = dict(G.degree())
    strength = dict(G.degree(weight="weight"))
    t = phase("degree, strength, distances", t)
    betweenness = nx.betweenness_centrality(G, k=args.samples, seed=args.seed, weight="distance")
    t = phase(f"betweenness_centrality(k={args.samples})", t)
    comp_size = {v: len(c) for c in nx.connected_components(G) for v in c}
    largest = max(nx.connected_components(G), key=len)
    pivots = random.Random(args.seed).sample(sorted(largest), args.samples)
    dist_sum = dict.fromkeys(G, 0.0)
    inv_sum = dict.fromkeys(G, 0.0)
    for s in pivots:
        for v, d in nx.single_source_dijkstra_path_length(G, s, weight="distance").items():
            if d > 0:
                dist_sum[v] += d
                inv_sum[v] += 1.0 / d
    n, k = len(G), args.samples
    closeness, harmonic = {}, {}
    for v in G:  # pivot estimator, Wasserman-Faust scaled like nx.closeness_centrality
        r = comp_size[v]
        total = dist_sum[v] * (r - 1) / k
        closeness[v] = (r - 1) / total * (r - 1) / (n - 1) if total > 0 else 0.0
        harmonic[v] = inv_sum[v] * (r - 1) / k
    t = phase(f"closeness+harmonic ({k} Dijkstra pivots)", t)
    eigenvector = nx.eigenvector_centrality(G, weight="weight", max_iter=1000)
    t = phase("eigenvector_centrality", t)
    pagerank = nx.pagerank(G, alpha=0.85, weight="weight")
    t = phase("pagerank", t)
    kcore = nx.core_number(G)
    t = phase("core_number", t)
    table = pd.DataFrame(
        {
            "degree": degree,
            "strength": strength,
            "betweenness": betweenness,
            "closeness": closeness,
            "harmonic": harmonic,
            "eigenvector": eigenvector,
            "pagerank": pagerank,
            "kcore": kcore,
        }
    )
    dump(table, args.work / "centrality.pickle")
    phase("table + pickle", t)
    result.update(nodes=n, edges=G.number_of_edges(), isolates=nx.number_of_isolates(G), largest_component=len(largest), pivots=k)


def step_communities(args: argparse.Namespace, result: dict[str, Any]) -> None:
    G = projection(args, result)
    t = time.perf_counter()
    comms = nx.community.louvain_communities(G, weight="weight", seed=args.seed)
    t = phase("louvain_communities", t)
    q = nx.community.modularity(G, comms, weight="weight")
    t = phase("modularity", t)
    dump({v: i for i, c in enumerate(sorted(comms, key=len, reverse=True)) for v in c}, args.work / "communities.pickle")
    phase("pickle partition", t)
    result.update(communities=len(comms), modularity=round(q, 4))


def step_tandems(args: argparse.Namespace, result: dict[str, Any]) -> None:
    t = time.perf_counter()
    B = undump(args.work / "bipartite.pickle")
    t = phase("unpickle bipartite", t)
    G = project(B, args)
    del B
    t = phase("collaboration_weighted_projected_graph", t)
    strength: dict[Any, float] = {}
    degree: dict[Any, int] = {}
    for u, nbrs in G.adjacency():
        degree[u] = len(nbrs)
        strength[u] = sum(d["weight"] for d in nbrs.values())
    ties: list[tuple[Any, ...]] = []
    for u, v, w in G.edges(data="weight"):
        au = (1.0 - w / strength[u]) ** (degree[u] - 1) if strength[u] > 0 else 1.0
        av = (1.0 - w / strength[v]) ** (degree[v] - 1) if strength[v] > 0 else 1.0
        alpha = min(au, av)
        ties.append((u, v, w, au, av, alpha, alpha < 0.05))
    ties.sort(key=lambda r: (-r[2], r[0], r[1]))
    ties = [(*r, rank) for rank, r in enumerate(ties, 1)]
    t = phase("disparity filter + rank (pure Python)", t)
    dump(ties, args.work / "ties.pickle")
    phase("pickle ties", t)
    result.update(ties=len(ties), significant=sum(1 for r in ties if r[6]), nodes=G.number_of_nodes())


def step_map(args: argparse.Namespace, result: dict[str, Any]) -> None:
    G = projection(args, result)
    t = time.perf_counter()
    cent = args.work / "centrality.pickle"
    size = undump(cent)["pagerank"].to_dict() if cent.exists() else nx.pagerank(G, weight="weight")
    t = phase("node sizes (pagerank)", t)
    pos = nx.spring_layout(G, seed=args.seed, iterations=50)
    t = phase("spring_layout(iterations=50)", t)
    top = max(size.values()) or 1.0
    doc = {
        "nodes": [
            {
                "id": v,
                "x": float(pos[v][0]),
                "y": float(pos[v][1]),
                "size": 5 + 25 * math.sqrt(size[v] / top),
                "type": d.get("type"),
                "country": d.get("country"),
            }
            for v, d in G.nodes(data=True)
        ],
        "edges": [{"from": u, "to": v, "weight": w} for u, v, w in G.edges(data="weight")],
    }
    out = args.work / "map.json"
    out.write_text(json.dumps(doc), encoding="utf-8")
    phase("write JSON", t)
    result.update(json_mb=round(out.stat().st_size / 1e6, 1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=STEPS)
    ap.add_argument("--csv", type=Path, required=True, help="CORDIS participation CSV")
    ap.add_argument("--work", type=Path, required=True, help="folder for the pickles passed between steps")
    ap.add_argument("--samples", type=int, default=128, help="pivots for betweenness/closeness/harmonic")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--expect-nodes", type=int, help="assert this many non-isolated organisations in the projection")
    ap.add_argument("--expect-edges", type=int, help="assert this many ties in the projection")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"step": args.step, "import_s": round(time.perf_counter() - _T0, 3)}
    globals()[f"step_{args.step}"](args, result)
    result["phases"] = _phases
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
