"""The practical limit for ``netlens analyse --metric centrality|communities --level organisation``: a direct script
doing the same work with pandas + scipy.sparse + python-igraph straight from the CORDIS CSV (no store, no netlens).

Run: .venv/bin/python bench/direct_script.py centrality|communities [--csv path/to/h2020.csv] [--samples 128] [--seed 0]

Projection: organisations (``pic``) x projects (``rcn``) incidence B, Newman weights W = diag(1/(n_a - 1)),
``triu(B^T W B, 1)`` -> int64 src/dst + float weights -> ``ig.Graph(n, edges)``.

centrality (netlens.analysis.centrality definitions): degree, strength, PageRank (weighted, 0.85), eigenvector,
coreness, and betweenness/closeness/harmonic with distance 1/weight: exact in small components, ``samples`` pivots
drawn with ``random.Random(seed)`` in the large one (one igraph subset-betweenness call with sources = pivots + all
small-component vertices, scaled by (n_C-1)/k, networkx-normalised; closeness/harmonic from the pivots' distance rows).
communities: igraph Leiden (modularity objective, 5 iterations, seed 0) + modularity, as netlens does.
Prints a one-line summary; the wall/RSS measurement is done by bench/bench_steps.py from outside.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

_REL = Path("shared") / "data" / "cordis-h2020-participation" / "h2020.csv"
DEFAULT_CSV = next((p / _REL for p in Path(__file__).resolve().parents if (p / _REL).is_file()), Path("/work") / _REL)
EXACT_LIMIT = 3e7


def build(csv: Path) -> tuple[np.ndarray, ig.Graph, np.ndarray]:
    """Organisation ids, the igraph projection (edge attribute weight) and the weights array."""
    df = pd.read_csv(csv, usecols=["rcn", "pic"], dtype={"pic": str, "rcn": str}).drop_duplicates()
    mem, ids = pd.factorize(df["pic"], sort=True)
    act, _ = pd.factorize(df["rcn"])
    n_act, n = int(act.max()) + 1, len(ids)
    sizes = np.bincount(act, minlength=n_act).astype(float)
    inv = np.zeros(n_act)
    inv[sizes > 1] = 1.0 / (sizes[sizes > 1] - 1.0)
    b = sp.csr_matrix((np.ones(len(df)), (act, mem)), shape=(n_act, n))
    bw = sp.csr_matrix((inv[act], (act, mem)), shape=(n_act, n))
    w = sp.triu((b.T @ bw).tocsr(), k=1).tocoo()
    keep = w.data > 0
    src, dst, wt = w.row[keep].astype(np.int64), w.col[keep].astype(np.int64), w.data[keep]
    order = np.lexsort((dst, src))
    src, dst, wt = src[order], dst[order], wt[order]
    g = ig.Graph(n=n, edges=np.column_stack([src, dst]))
    g.es["weight"] = wt
    return np.asarray(ids), g, wt


def centrality(g: ig.Graph, wt: np.ndarray, samples: int, seed: int) -> pd.DataFrame:
    n = g.vcount()
    w = wt.tolist()
    dist = (1.0 / wt).tolist()
    memb = np.asarray(g.connected_components().membership)
    csize = np.bincount(memb)
    src, dst = np.asarray(g.get_edgelist()).T
    cedges = np.bincount(memb[src], minlength=csize.size)
    sampled = csize.astype(float) * cedges > EXACT_LIMIT
    rng = random.Random(seed)
    pivots: list[int] = []
    scale = np.ones(n)
    for comp in np.flatnonzero(sampled):
        members = np.flatnonzero(memb == comp)
        pivots += members[rng.sample(range(members.size), samples)].tolist()
        scale[members] = (members.size - 1) / samples
    exact_sources = np.flatnonzero(~sampled[memb] & (csize[memb] > 2)).tolist()
    bc = np.asarray(g.betweenness(weights=dist, sources=pivots + exact_sources, directed=False)) * scale
    bc *= 2.0 / ((n - 1) * (n - 2))
    d = np.asarray(g.distances(source=pivots, weights=dist))
    finite = np.isfinite(d) & (d > 0)
    harmonic = np.where(finite, 1.0 / np.where(finite, d, 1.0), 0.0).sum(axis=0) * scale
    total = np.where(finite, d, 0.0).sum(axis=0) * scale
    reach = csize[memb] - 1
    closeness = np.where(total > 0, reach / np.where(total > 0, total, 1.0) * reach / max(n - 1, 1), 0.0)
    return pd.DataFrame(
        {
            "degree": g.degree(),
            "strength": g.strength(weights=w),
            "betweenness": bc,
            "closeness": closeness,
            "harmonic": harmonic,
            "eigenvector": g.eigenvector_centrality(weights=w, scale=False),
            "pagerank": g.pagerank(directed=False, damping=0.85, weights=w),
            "kcore": g.coreness(),
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("metric", choices=("centrality", "communities"))
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--samples", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    ids, g, wt = build(args.csv)
    if args.metric == "centrality":
        df = centrality(g, wt, args.samples, args.seed).set_axis(ids)
        top = df.sort_values("pagerank", ascending=False).index[0]
        print(f"centrality: {g.vcount()} nodes, {g.ecount()} edges; top pagerank {top}")
    else:
        random.seed(args.seed)
        ig.set_random_number_generator(random.Random(args.seed))
        cl = g.community_leiden(objective_function="modularity", weights=wt.tolist(), resolution=1.0, n_iterations=5)
        q = g.modularity(cl.membership, weights=wt.tolist())
        print(f"communities: {g.vcount()} nodes, {g.ecount()} edges; {max(cl.membership) + 1} communities, Q = {q:.4f}")


if __name__ == "__main__":
    main()
