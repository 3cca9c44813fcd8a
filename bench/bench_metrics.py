"""Benchmark the netlens.analysis metric modules (centrality, communities, brokerage, structure) against plain
networkx on the CORDIS H2020 organisation co-participation graph.

Run: .venv/bin/python bench/bench_metrics.py [--csv path/to/h2020.csv] [--samples K] [--nx-broker-nodes N] [--skip-networkx]

1. Builds the organisation projection with a pandas self-join on ``rcn`` (orgs linked when in the same
   project, Newman weight sum 1/(n_a - 1)) and asserts 31,665 non-isolated orgs / 796,670 edges.
2. Times ``centrality``, ``communities``, ``brokers``, ``bridges`` and ``structure``.
3. Times a plain-networkx script doing the same work in the same process. Sampled metrics use the same
   number of pivots (``nx.betweenness_centrality(k=K)``; closeness/harmonic from K single-source Dijkstra
   runs, which is what our estimator does). networkx's all-nodes ``constraint``/``effective_size`` need
   O(nnz(A^2)) memory / a dense n x n matrix here, so they are timed per node on a random sample of nodes and
   extrapolated linearly (a lower bound: the hubs dominate). Gould-Fernandez roles and split sizes have no
   networkx counterpart.
Prints wall and CPU seconds (CPU time is less sensitive to other load on a shared machine), ratios, the load
average and peak RSS. Not part of the test suite; writes no files.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netlens.analysis import brokerage, communities, structure
from netlens.analysis import centrality as centrality_module

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "cordis-h2020-participation" / "h2020.csv"
EXPECTED_NODES, EXPECTED_EDGES = 31_665, 796_670


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # ru_maxrss is in KiB on Linux


def timed(label: str, fn: Callable[[], Any], log: dict[str, tuple[float, float]]) -> Any:
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    log[label] = (time.perf_counter() - w, time.process_time() - c)
    print(f"  {label:<44} wall {log[label][0]:8.2f} s  cpu {log[label][1]:8.2f} s  peak RSS {peak_rss_gb():5.2f} GB", flush=True)
    return out


def projection(csv: Path) -> nx.Graph:
    """Organisation co-participation graph via a pandas self-join on rcn."""
    df = pd.read_csv(csv, usecols=["rcn", "pic", "country", "type"], dtype={"pic": str})
    attrs = df.drop_duplicates("pic").set_index("pic")[["country", "type"]]
    df = df[["rcn", "pic"]].drop_duplicates()
    n_a = df.groupby("rcn")["pic"].transform("size")
    df = df[n_a > 1].assign(w=1.0 / (n_a[n_a > 1] - 1))
    pairs = df.merge(df[["rcn", "pic"]], on="rcn", suffixes=("_u", "_v"))
    pairs = pairs[pairs["pic_u"] < pairs["pic_v"]]
    edges = pairs.groupby(["pic_u", "pic_v"], sort=False).agg(weight=("w", "sum"), count=("w", "size")).reset_index()
    G = nx.Graph()
    nodes = pd.unique(np.concatenate([edges["pic_u"].to_numpy(), edges["pic_v"].to_numpy()]))
    country = attrs["country"].reindex(nodes)
    G.add_nodes_from(
        (pic, {"name": pic, "kind": "organisation", "type": t, "country": c if isinstance(c, str) else None})
        for pic, c, t in zip(nodes, country.to_numpy(), attrs["type"].reindex(nodes).to_numpy())
    )
    G.add_edges_from(
        (u, v, {"weight": w, "count": k})
        for u, v, w, k in zip(edges["pic_u"].tolist(), edges["pic_v"].tolist(), edges["weight"].tolist(), edges["count"].tolist())
    )
    return G


def networkx_centrality(G: nx.Graph, k: int, seed: int) -> pd.DataFrame:
    """The same columns as metrics.centrality, plain networkx, same number of pivots for the sampled ones."""
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v, {"distance": 1.0 / d["weight"]}) for u, v, d in G.edges(data=True))
    pivots = random.Random(seed).sample(list(G), k)
    n = len(G)
    dist_sum = dict.fromkeys(G, 0.0)
    inv_sum = dict.fromkeys(G, 0.0)
    for s in pivots:
        for v, d in nx.single_source_dijkstra_path_length(H, s, weight="distance").items():
            if d > 0:
                dist_sum[v] += d
                inv_sum[v] += 1.0 / d
    comp_size = {v: len(c) for c in nx.connected_components(G) for v in c}
    closeness = {}
    for v in G:  # the pivot estimator, Wasserman-Faust scaled as nx.closeness_centrality
        r = comp_size[v]
        total = dist_sum[v] * (r - 1) / k
        closeness[v] = (r - 1) / total * (r - 1) / (n - 1) if total > 0 else 0.0
    return pd.DataFrame(
        {
            "degree": dict(G.degree()),
            "strength": dict(G.degree(weight="weight")),
            "betweenness": nx.betweenness_centrality(H, k=k, seed=seed, weight="distance"),
            "closeness": closeness,
            "harmonic": {v: inv_sum[v] * (comp_size[v] - 1) / k for v in G},
            "eigenvector": nx.eigenvector_centrality(G, weight="weight", max_iter=1000),
            "pagerank": nx.pagerank(G, alpha=0.85, weight="weight"),
            "kcore": nx.core_number(G),
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument(
        "--samples", type=int, default=centrality_module.DEFAULT_SAMPLES, help="pivots for sampled metrics (both sides)"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--nx-broker-nodes", type=int, default=30, help="random nodes for networkx constraint/effective_size")
    ap.add_argument("--skip-networkx", action="store_true")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at start")

    ours: dict[str, tuple[float, float]] = {}
    theirs: dict[str, tuple[float, float]] = {}
    print("build")
    G = timed("projection (pandas self-join + nx.Graph)", lambda: projection(args.csv), ours)
    print(f"  organisations {G.number_of_nodes():,}, edges {G.number_of_edges():,}, isolates {nx.number_of_isolates(G)}")
    assert G.number_of_nodes() == EXPECTED_NODES, G.number_of_nodes()
    assert G.number_of_edges() == EXPECTED_EDGES, G.number_of_edges()
    del ours["projection (pandas self-join + nx.Graph)"]

    print("netlens.analysis")
    df = timed("centrality", lambda: centrality_module.centrality(G, samples=args.samples, seed=args.seed, stderr=True), ours)
    cm = timed("communities (leiden)", lambda: communities.communities(G, seed=args.seed), ours)
    cl = timed("communities (louvain)", lambda: communities.communities(G, method="louvain", seed=args.seed), ours)
    br = timed("brokers (partition=country)", lambda: brokerage.brokers(G, partition="country"), ours)
    bg = timed("bridges", lambda: brokerage.bridges(G), ours)
    st = timed("structure", lambda: structure.structure(G), ours)
    ours_peak = peak_rss_gb()
    a = df.attrs
    print(
        f"  betweenness {a['betweenness_method']} (k={a['betweenness_samples']} pivots, {a['betweenness_sampled_nodes']:,} "
        f"nodes sampled): mean stderr {a['betweenness_stderr']:.2e}, max {a['betweenness_stderr_max']:.2e}"
    )
    print(
        f"  closeness {a['closeness_method']}: mean stderr {a['closeness_stderr']:.2e}, max {a['closeness_stderr_max']:.2e}; "
        f"harmonic mean stderr {a['harmonic_stderr']:.2f}"
    )
    top = df.nlargest(5, "betweenness")
    for node, row in top.iterrows():
        print(
            f"    {node} degree {row['degree']:5d}  betweenness {row['betweenness']:.4f} +- {row['betweenness_se']:.4f}  "
            f"closeness {row['closeness']:.4f} +- {row['closeness_se']:.4f}  pagerank {row['pagerank']:.2e}"
        )
    print(
        f"  leiden: {cm.attrs['n_communities']} communities, modularity {cm.attrs['modularity']:.4f}; "
        f"louvain: {cl.attrs['n_communities']}, modularity {cl.attrs['modularity']:.4f}"
    )
    print(
        f"  brokers: {int(br['articulation'].sum())} articulation points (largest split {int(br['split_size'].max())}), "
        f"{len(bg)} bridges; lowest constraint {br['constraint'].min():.4f}; top liaison {int(br['liaison'].max()):,}"
    )
    bound = "" if st["diameter_exact"] else f" (lower bound; upper bound {st['diameter_upper_bound']})"
    print(
        f"  structure: {st['components']} components, largest {st['largest_component']:,}, diameter {st['diameter']}{bound}, "
        f"avg clustering {st['average_clustering']:.4f}, transitivity {st['transitivity']:.4f}"
    )
    total_ours = sum(v[0] for v in ours.values())
    print(f"  centrality {ours['centrality'][0]:.1f} s (target < 60 s); peak RSS so far {ours_peak:.2f} GB (target < 4 GB)")
    if args.skip_networkx:
        return

    print("networkx")
    ref = timed(
        f"centrality (betweenness k={args.samples}, {args.samples} Dijkstra)",
        lambda: networkx_centrality(G, args.samples, args.seed),
        theirs,
    )
    timed(
        "communities (louvain_communities)", lambda: nx.community.louvain_communities(G, weight="weight", seed=args.seed), theirs
    )
    sample = random.Random(args.seed).sample(list(G), args.nx_broker_nodes)
    t_sample: dict[str, tuple[float, float]] = {}
    timed(
        f"constraint+effective_size on {len(sample)} nodes",
        lambda: (nx.constraint(G, nodes=sample, weight="weight"), nx.effective_size(G, nodes=sample, weight="weight")),
        t_sample,
    )
    scale = G.number_of_nodes() / len(sample)
    wall, cpu = next(iter(t_sample.values()))
    t = time.perf_counter()
    list(nx.articulation_points(G))
    list(nx.bridges(G))
    extra = time.perf_counter() - t
    theirs["brokers (constraint+esize extrapolated, cut points)"] = (wall * scale + extra, cpu * scale + extra)
    print(f"  -> extrapolated x{scale:.0f} to all nodes: {wall * scale / 3600:.1f} h wall (+{extra:.1f} s articulation/bridges)")

    def nx_structure() -> dict[str, Any]:
        lcc = G.subgraph(max(nx.connected_components(G), key=len))
        return {
            "components": nx.number_connected_components(G),
            "density": nx.density(G),
            "average_clustering": nx.average_clustering(G),
            "transitivity": nx.transitivity(G),
            "diameter_lb": nx.approximation.diameter(lcc, seed=args.seed),
            "hist": nx.degree_histogram(G),
        }

    nst = timed("structure", nx_structure, theirs)
    print("agreement")
    for col in ("degree", "strength", "kcore"):
        diff = np.abs(df[col].to_numpy(float) - ref.loc[df.index, col].to_numpy(float)).max()
        print(f"  {col:<12} max |ours - nx| = {diff:.1e}")
    for col in ("pagerank", "eigenvector"):
        print(f"  {col:<12} max |ours - nx| = {np.abs(df[col] - ref.loc[df.index, col]).max():.1e} (networkx tol 1e-6)")
    for col in ("betweenness", "closeness", "harmonic"):
        diff = (df[col] - ref.loc[df.index, col]).abs().mean()
        se = df.attrs[f"{col}_stderr"]
        print(
            f"  {col:<12} mean |ours - nx| = {diff:.2e} vs sqrt(2) x stated stderr {np.sqrt(2) * se:.2e} "
            f"(two independent {args.samples}-pivot estimates)"
        )
    print(
        f"  structure    clustering {abs(st['average_clustering'] - nst['average_clustering']):.1e}, transitivity "
        f"{abs(st['transitivity'] - nst['transitivity']):.1e}, nx 2-sweep diameter {nst['diameter_lb']}"
    )

    print("summary (wall s / cpu s)")
    print(f"  {'step':<30}{'netlens':>18}{'networkx':>22}{'ratio wall':>12}{'ratio cpu':>11}")
    pairs = [
        ("centrality", "centrality"),
        ("communities (leiden)", "communities"),
        ("communities (louvain)", "communities"),
        ("brokers (partition=country)", "brokers"),
        ("structure", "structure"),
    ]
    for mine, key in pairs:
        other = next(v for k, v in theirs.items() if k.startswith(key))
        o = ours[mine]
        print(
            f"  {mine:<30}{o[0]:8.1f} /{o[1]:8.1f}{other[0]:11.1f} /{other[1]:9.1f}"
            f"{other[0] / o[0]:11.1f}x{other[1] / o[1]:10.1f}x"
        )
    print(
        f"  netlens total {total_ours:.1f} s; peak RSS {peak_rss_gb():.2f} GB (netlens part {ours_peak:.2f} GB); "
        f"load average {os.getloadavg()[0]:.1f} at end"
    )


if __name__ == "__main__":
    main()
