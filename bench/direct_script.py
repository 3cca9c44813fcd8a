"""The practical limit for ``netlens analyse --metric M --level organisation`` (M = centrality, communities, brokers,
structure, tandems): a direct script doing the same work with pandas + scipy.sparse + python-igraph (numpy) straight
from the CORDIS CSV (no store, no netlens import, one process).

Run: .venv/bin/python bench/direct_script.py centrality|communities|brokers|structure|tandems [--csv path/to/h2020.csv]
[--samples 128] [--seed 0]

Projection: organisations (``pic``) x projects (``rcn``) incidence B, Newman weights W = diag(1/(n_a - 1)),
``triu(B^T W B, 1)`` -> int64 src/dst + float weights -> ``ig.Graph(n, edges)``.

centrality (netlens.analysis.centrality definitions): degree, strength, PageRank (weighted, 0.85), eigenvector,
coreness, and betweenness/closeness/harmonic with distance 1/weight: exact in small components, ``samples`` pivots
drawn with ``random.Random(seed)`` in the large one (one igraph subset-betweenness call with sources = pivots + all
small-component vertices, scaled by (n_C-1)/k, networkx-normalised; closeness/harmonic from the pivots' distance rows).
communities: igraph Leiden (modularity objective, 5 iterations, seed 0) + modularity, as netlens does.
brokers (netlens.analysis.brokerage.brokers and bridges, no ``--partition``, as bench_steps runs it): Burt's constraint
sum_j (p_ij + sum_q p_iq p_qj)^2 and effective size deg_i - sum_{j, q tied neighbours of i} p_iq m_jq, with
p_ij = w_ij / s_i and m_jq = w_jq / max_k w_jk (nx.constraint / nx.effective_size on the weighted projection), NaN for
isolates, from one numpy pass over the triangles (edges oriented by (degree, position) rank, every pair of a vertex's
higher-ranked neighbours looked up among the ties); articulation points and split sizes (members cut off from the
largest remaining piece) from igraph's biconnected components and the block-cut tree; bridges and the sizes of their
two sides (2-edge-connected pieces and their tree): the rows netlens prints, sorted by split size then effective size.
structure (netlens.analysis.structure.structure, hops, weights unused): nodes, edges, components, isolates, largest
component and its share, density, average degree, degree distribution, diameter of the largest component (exact when
n_C * m_C <= 5e8, else the bounds of four BFS sweeps: highest-degree vertex, double sweep, middle of the a-b path),
average local clustering (zeros included) and transitivity.
tandems (netlens.analysis.strength.tandem_strength): ``--level organisation`` applies (members as recorded), so this is
what ``netlens analyse --metric tandems --level organisation`` computes; no cities are needed (bench_steps loads with
``--no-enrich``: organisations have no city, and ``--level city`` would find no member). The CSV holds projects only
(no exchanges, declared tandems, transfers or hosts), so with the default weights (netlens/tandem_weights.toml:
beta_project = 1, g(n) = 1/(n-1), lambda = ln 2 / 5 per year) S_ij = sum over shared projects of
exp(-lambda (t - t_a)) / (n_a - 1), t_a = the project's end (else its start; undated: no decay), t = the latest start
or end date in the file; multiplexity 0 and reciprocity 1 for every pair. From the pair x project rows (one self-join
of each project's members): S, number of shared projects, recency (latest t_a); pairs strongest first (ties by ids),
rank = min rank of round(S, 12); disparity filter (alpha = min over the two ends of (1 - S/s)^(k-1), significant
below 0.05); explanation: "k projects (rcn years, ..., +j more)" naming the projects for the 2000 strongest pairs (by
contribution, then most recent, then name), the count "k projects" for the others. Not done here: writing the
results back (netlens writes node properties, or for tandems the 31,593 significant TIE relationships, into its store).
Prints a one-line summary; the wall/RSS measurement is done by bench/bench_steps.py from outside.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import math
import random
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.csgraph as csg

_REL = Path("shared") / "data" / "cordis-h2020-participation" / "h2020.csv"
DEFAULT_CSV = next((p / _REL for p in Path(__file__).resolve().parents if (p / _REL).is_file()), Path("/work") / _REL)
EXACT_LIMIT = 3e7
DIAMETER_LIMIT = 5e8  # netlens.analysis.structure.DEFAULT_DIAMETER_LIMIT
LAMBDA = math.log(2) / 5  # tandem_weights.toml: decay.lambda
ALPHA = 0.05  # significance.threshold
EXPLAIN_TOP = 2000
METRICS = ("centrality", "communities", "brokers", "structure", "tandems")


def projection(csv: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Organisation ids (sorted) and the ties as int64 positions src < dst (sorted by src, dst) with Newman weights."""
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
    return np.asarray(ids), src[order], dst[order], wt[order]


def build(csv: Path) -> tuple[np.ndarray, ig.Graph, np.ndarray]:
    """Organisation ids, the igraph projection (edge attribute weight) and the weights array."""
    ids, src, dst, wt = projection(csv)
    g = ig.Graph(n=len(ids), edges=np.column_stack([src, dst]))
    g.es["weight"] = wt
    return ids, g, wt


def bare_graph(n: int, src: np.ndarray, dst: np.ndarray) -> ig.Graph:
    """The projection as an igraph graph without edge attributes (add_edges: 0.6 s for 800k ties against 0.9 s)."""
    g = ig.Graph(n=n)
    g.add_edges(np.column_stack([src, dst]))
    return g


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


def _subtree_sums(t_src: np.ndarray, t_dst: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Subtree weights and parents of the forest given by the edges ``t_src``-``t_dst``, rooted at the last node
    (a virtual root tied to one node of every tree)."""
    root = weight.size - 1
    T = sp.csr_array((np.ones(t_src.size), (t_src, t_dst)), shape=(root + 1, root + 1))
    bfs, pred = csg.breadth_first_order(T, root, directed=False, return_predecessors=True)
    sub = weight.tolist()
    pred_l = pred.tolist()
    for x in bfs[:0:-1].tolist():  # leaves first
        sub[pred_l[x]] += sub[x]
    return np.asarray(sub), pred


def _triangle_sums(
    n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray, budget: int = 1_000_000
) -> tuple[np.ndarray, np.ndarray]:
    """Per tie e = (i, j): T_e = sum over common neighbours q of w_iq w_qj / s_q (so that Burt's indirect share
    sum_q p_iq p_qj is T_e / s_i from i's side and T_e / s_j from j's); per vertex i: R_i = s_i * redundancy_i =
    sum over tied neighbour pairs (j, q) of w_iq w_jq / max_k w_jk. One pass over every triangle.

    Edges are oriented from lower to higher (degree, position) rank; every pair of a vertex's out-neighbours is looked
    up among the ties (searchsorted on the sorted lo * n + hi keys), in chunks of about ``budget`` pairs (cache-sized).
    Work O(sum of out-degree^2): 4e7 pairs and 15M triangles on CORDIS."""
    m = src.size
    s = np.bincount(src, weights=w, minlength=n) + np.bincount(dst, weights=w, minlength=n)
    mx = np.zeros(n)
    np.maximum.at(mx, src, w)
    np.maximum.at(mx, dst, w)
    deg = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    order = np.lexsort((np.arange(n), deg))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    ids = np.int32 if n * n < 2**31 else np.int64  # keys lo * n + hi: int32 when they fit (CORDIS: 1.3e9)
    rs, rd = rank[src], rank[dst]
    lo, hi = np.minimum(rs, rd).astype(ids), np.maximum(rs, rd).astype(ids)
    keys = lo * ids(n) + hi
    srt = np.argsort(keys)
    keys, lo, hi, ws = keys[srt], lo[srt], hi[srt], w[srt]  # ties in key order; vertices by rank below
    inv_s = (1.0 / np.where(s > 0, s, 1.0))[order]
    inv_mx = (1.0 / np.where(mx > 0, mx, 1.0))[order]
    T = np.zeros(m)
    R = np.zeros(n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(lo, minlength=n), out=indptr[1:])
    dout = np.diff(indptr)
    cum = np.cumsum(dout * (dout - 1) // 2)
    if m and cum[-1]:
        cuts = np.unique(np.concatenate([[0], np.searchsorted(cum, np.arange(budget, cum[-1], budget)), [n]]))
        for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
            pos = np.arange(indptr[a], indptr[b])
            cnt = np.repeat(indptr[a + 1 : b + 1], dout[a:b]) - pos - 1  # later out-neighbours of the same vertex
            first = np.repeat(pos, cnt)
            second = first + 1 + np.arange(first.size) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            k = hi[first] * ids(n) + hi[second]
            at = np.minimum(np.searchsorted(keys, k), m - 1)
            ok = keys[at] == k
            first, second, at = first[ok], second[ok], at[ok]  # ties u-v, u-x, v-x (ranks u < v < x)
            u, v, x = lo[first], hi[first], hi[second]
            w_uv, w_ux, w_vx = ws[first], ws[second], ws[at]
            T += np.bincount(first, weights=w_ux * w_vx * inv_s[x], minlength=m)
            T += np.bincount(second, weights=w_uv * w_vx * inv_s[v], minlength=m)
            T += np.bincount(at, weights=w_uv * w_ux * inv_s[u], minlength=m)
            mu, mv, mxx = inv_mx[u], inv_mx[v], inv_mx[x]
            R += np.bincount(u, weights=w_vx * (w_ux * mv + w_uv * mxx), minlength=n)
            R += np.bincount(v, weights=w_ux * (w_vx * mu + w_uv * mxx), minlength=n)
            R += np.bincount(x, weights=w_uv * (w_vx * mu + w_ux * mv), minlength=n)
    out_t = np.empty(m)
    out_t[srt] = T
    out_r = np.empty(n)
    out_r[order] = R
    return out_t, out_r


def _articulation(g: ig.Graph, memb: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Articulation flag and split size (component size - 1 - the largest piece left) per vertex, via the block-cut tree."""
    n = g.vcount()
    articulation = np.zeros(n, dtype=bool)
    split = np.zeros(n, dtype=np.int64)
    cover, aps = g.biconnected_components(return_articulation_points=True)
    if not aps:
        return articulation, split
    blocks = [list(b) for b in cover]
    nb, na = len(blocks), len(aps)
    ap_id = np.full(n, -1, dtype=np.int64)
    ap_id[aps] = np.arange(na)
    lens = np.fromiter((len(b) for b in blocks), dtype=np.int64, count=nb)
    members = np.fromiter((v for b in blocks for v in b), dtype=np.int64, count=int(lens.sum()))
    block_of = np.repeat(np.arange(nb), lens)
    is_ap = ap_id[members] >= 0
    weight = np.zeros(nb + na + 1)  # block: its members that are not articulation points; articulation point: 1
    weight[:nb] = np.bincount(block_of[~is_ap], minlength=nb)
    weight[nb : nb + na] = 1
    root = nb + na
    _, first_block = np.unique(memb[members[np.cumsum(lens) - lens]], return_index=True)
    t_src = np.concatenate([block_of[is_ap], np.full(first_block.size, root)])
    t_dst = np.concatenate([nb + ap_id[members[is_ap]], first_block])
    sub, pred = _subtree_sums(t_src, t_dst, weight)
    child_max = np.zeros(root + 1)
    parent = pred[:nb]
    hang = parent < root  # the block hangs below an articulation point
    np.maximum.at(child_max, parent[hang], sub[:nb][hang])
    ap = np.asarray(aps, dtype=np.int64)
    t = nb + np.arange(na)
    total = sizes[memb[ap]]
    articulation[ap] = True
    split[ap] = (total - 1 - np.maximum(child_max[t], total - sub[t])).astype(np.int64)
    return articulation, split


def _bridges(g: ig.Graph, src: np.ndarray, dst: np.ndarray, memb: np.ndarray, sizes: np.ndarray) -> pd.DataFrame:
    """Bridges (vertex positions u < v) and the sizes of their two sides, the most consequential (larger smaller side) first."""
    br = np.asarray(g.bridges(), dtype=np.int64)
    if br.size == 0:
        return pd.DataFrame({c: np.zeros(0, dtype=np.int64) for c in ("u", "v", "size_u", "size_v")})
    keep = np.ones(src.size, dtype=bool)
    keep[br] = False
    n = g.vcount()
    A = sp.csr_array((np.ones(int(keep.sum())), (src[keep], dst[keep])), shape=(n, n))
    part = csg.connected_components(A, directed=False)[1].astype(np.int64)  # 2-edge-connected pieces
    k = int(part.max()) + 1
    _, first = np.unique(memb, return_index=True)
    pu, pv = part[src[br]], part[dst[br]]
    sub, pred = _subtree_sums(
        np.concatenate([pu, np.full(first.size, k)]),
        np.concatenate([pv, part[first]]),
        np.append(np.bincount(part, minlength=k).astype(float), 0.0),
    )
    total = sizes[memb[src[br]]]
    size_v = np.where(pred[pv] == pu, sub[pv], total - sub[pu]).astype(np.int64)
    size_u = (total - size_v).astype(np.int64)
    order = np.lexsort((dst[br], src[br], -np.minimum(size_u, size_v)))
    return pd.DataFrame({"u": src[br], "v": dst[br], "size_u": size_u, "size_v": size_v}).iloc[order].reset_index(drop=True)


def brokers(g: ig.Graph, src: np.ndarray, dst: np.ndarray, wt: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Constraint, effective size, articulation, split size per vertex (rows sorted as netlens prints them) and the bridges."""
    n = g.vcount()
    T, R = _triangle_sums(n, src, dst, wt)
    deg = (np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)).astype(float)
    s = np.bincount(src, weights=wt, minlength=n) + np.bincount(dst, weights=wt, minlength=n)
    s1 = np.where(s > 0, s, 1.0)
    # constraint_i = sum_j (p_ij + sum_q p_iq p_qj)^2 = sum_j ((w_ij + T_ij) / s_i)^2
    q = (wt + T) ** 2
    constraint = (np.bincount(src, weights=q, minlength=n) + np.bincount(dst, weights=q, minlength=n)) / s1**2
    effective = deg - R / s1
    constraint[deg == 0] = np.nan
    effective[deg == 0] = np.nan
    memb = np.asarray(g.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(memb)
    articulation, split = _articulation(g, memb, sizes)
    df = pd.DataFrame({"constraint": constraint, "effective_size": effective, "articulation": articulation, "split_size": split})
    df = df.sort_values(["split_size", "effective_size"], ascending=False, kind="stable", na_position="last")
    return df, _bridges(g, src, dst, memb, sizes)


def structure(g: ig.Graph, src: np.ndarray) -> dict[str, object]:
    """The numbers of ``netlens analyse --metric structure`` (hops; ``src``: the first end of every edge)."""
    n, m = g.vcount(), g.ecount()
    memb = np.asarray(g.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(memb)
    edges = np.bincount(memb[src], minlength=sizes.size)
    degree = np.asarray(g.degree(), dtype=np.int64)
    dist = np.bincount(degree)
    present = np.flatnonzero(dist)
    out: dict[str, object] = {
        "nodes": n,
        "edges": m,
        "components": int(sizes.size),
        "isolates": int((degree == 0).sum()),
        "largest_component": int(sizes.max()),
        "largest_component_share": float(sizes.max() / n),
        "density": 2.0 * m / (n * (n - 1)) if n > 1 else 0.0,
        "average_degree": 2.0 * m / n,
    }
    lcc = int(np.argmax(sizes))
    members = np.flatnonzero(memb == lcc)
    h = g.induced_subgraph(members.tolist()) if members.size < n else g
    if float(members.size) * edges[lcc] <= DIAMETER_LIMIT:
        lower = upper = int(h.diameter(directed=False, unconn=True)) if members.size > 1 else 0
    else:

        def bfs(v: int) -> np.ndarray:
            return np.asarray(h.distances(source=[v])[0], dtype=float)

        r = int(np.argmax(np.asarray(h.degree())))
        dr = bfs(r)
        da = bfs(int(np.argmax(dr)))
        b = int(np.argmax(da))
        db = bfs(b)
        lower = int(max(da.max(), db.max()))
        half = da[b] // 2
        mid = int(np.flatnonzero((da == half) & (db == da[b] - half))[0])
        upper = int(2 * min(dr.max(), bfs(mid).max()))
    out.update(diameter=lower, diameter_exact=lower == upper, diameter_upper_bound=upper)
    out["average_clustering"] = float(np.mean(g.transitivity_local_undirected(mode="zero")))
    out["transitivity"] = float(g.transitivity_undirected(mode="zero")) if m else 0.0
    out["degree_distribution"] = pd.DataFrame(
        {"count": dist[present], "share": dist[present] / n}, index=pd.Index(present, name="degree")
    )
    return out


def _year_text(dates: pd.Series) -> list[str]:
    """The year of each date as text, '' when undated."""
    return ["" if y != y else str(int(y)) for y in dates.dt.year.tolist()]


def tandems(csv: Path, explain_top: int = EXPLAIN_TOP) -> tuple[pd.DataFrame, int]:
    """Tandem strength of every pair of organisations (see the module docstring): the pairs strongest first, and the
    number of members."""
    df = pd.read_csv(csv, usecols=["rcn", "pic", "start_date", "end_date"], dtype=str, keep_default_na=False)
    df = df.drop_duplicates(["rcn", "pic"])  # none in the file (netlens' validation would refuse them)
    # projects in id order (so that each pair sums its projects in netlens' order), dates from their first row
    act, rcn = pd.factorize(df["rcn"], sort=True)
    first = df.iloc[np.unique(act, return_index=True)[1]]
    epoch = pd.Timestamp("1970-01-01")
    start_d = pd.to_datetime(first["start_date"], format="%Y-%m-%d", errors="coerce")
    end_d = pd.to_datetime(first["end_date"], format="%Y-%m-%d", errors="coerce")
    start = (start_d - epoch).dt.days.to_numpy(dtype=float)  # days since 1970-01-01, NaN = undated
    end = (end_d - epoch).dt.days.to_numpy(dtype=float)
    ref = np.nanmax(np.concatenate([start, end]))  # the latest date in the data
    t_a = np.where(np.isnan(end), start, end)
    age = np.clip((ref - t_a) / 365.25, 0.0, None)
    decay = np.where(np.isnan(age), 1.0, np.exp(-LAMBDA * np.nan_to_num(age)))
    mem, ids = pd.factorize(df["pic"], sort=True)
    n = len(ids)
    o = np.lexsort((mem, act))
    act_s, mem_s = act[o], mem[o]
    size = np.bincount(act, minlength=len(rcn))
    contrib = 1.0 / (np.maximum(size, 2) - 1.0) * decay  # beta g(n) decay, beta_project = 1
    # every pair of members of each project: position p with the later members of its project
    grp_end = np.cumsum(size)[act_s]
    cnt = grp_end - np.arange(o.size) - 1
    fst = np.repeat(np.arange(o.size), cnt)
    snd = fst + 1 + np.arange(fst.size) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    ac = act_s[fst]
    key = mem_s[fst].astype(np.int64) * n + mem_s[snd]
    srt = np.argsort(key, kind="stable")
    ks, ac = key[srt], ac[srt]
    new = np.empty(ks.size, dtype=bool)
    new[:1] = True
    np.not_equal(ks[1:], ks[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    code = np.cumsum(new) - 1
    k_uni = ks[starts]
    strength = np.bincount(code, weights=contrib[ac])
    n_act = np.diff(np.append(starts, ks.size))
    recency = np.fmax.reduceat(t_a[ac], starts)
    order = np.lexsort((k_uni, -strength))  # strongest first, ids break ties
    k_uni, strength, n_act, recency, starts = k_uni[order], strength[order], n_act[order], recency[order], starts[order]
    uc, vc = k_uni // n, k_uni % n
    s = np.bincount(uc, weights=strength, minlength=n) + np.bincount(vc, weights=strength, minlength=n)
    k = np.bincount(uc, minlength=n) + np.bincount(vc, minlength=n)
    alpha = np.minimum(
        np.power(np.clip(1.0 - strength / s[uc], 0.0, 1.0), k[uc] - 1.0),
        np.power(np.clip(1.0 - strength / s[vc], 0.0, 1.0), k[vc] - 1.0),
    )
    rank = pd.Series(strength.round(12)).rank(method="min", ascending=False).astype(int).to_numpy()
    r_codes, r_uni = pd.factorize(recency, use_na_sentinel=True)
    dates = np.array([_dt.date.fromordinal(int(x) + 719163) for x in r_uni] + [None], dtype=object)  # 719163: 1970-01-01
    n_full = min(explain_top, len(k_uni))
    explanation = np.where(n_act == 1, "1 project", n_act.astype(str).astype(object) + " projects").astype(object)
    if n_full:
        names = np.asarray(rcn, dtype=object)
        years = zip(names.tolist(), _year_text(start_d), _year_text(end_d))
        label = [f"{nm} {a}–{b}" if a and b and a != b else f"{nm} {a or b}".strip() for nm, a, b in years]
        when = np.where(np.isnan(end), start, end)
        for i in range(n_full):
            rows = ac[starts[i] : starts[i] + n_act[i]]
            # strongest first; among equals the most recent (end, else start), then by name
            keys = zip((-contrib[rows]).tolist(), np.nan_to_num(-when[rows], nan=np.inf).tolist(), names[rows].tolist())
            items = sorted(zip(keys, rows.tolist()))
            parts = [label[r] for _, r in items]
            more = len(parts) - 3
            text = ", ".join(parts[:3]) + (f", +{more} more" if more > 0 else "")
            explanation[i] = f"{len(parts)} {'project' if len(parts) == 1 else 'projects'} ({text})"
    out = pd.DataFrame(
        {
            "a": np.asarray(ids, dtype=object)[uc],
            "b": np.asarray(ids, dtype=object)[vc],
            "strength": strength,
            "rank": rank,
            "n_activities": n_act,
            "recency": dates[r_codes],
            "significant": alpha < ALPHA,
            "alpha": alpha,
            "explanation": explanation,
        }
    )
    return out, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("metric", choices=METRICS)
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--samples", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.metric == "tandems":
        pairs, n = tandems(args.csv)
        top = pairs.iloc[0]
        print(
            f"tandems: {n} members, {len(pairs)} pairs, {int(pairs['significant'].sum())} significant (alpha < {ALPHA}); "
            f"strongest {top['a']}-{top['b']} S = {top['strength']:.6g}"
        )
        return
    if args.metric in ("brokers", "structure"):
        ids, src, dst, wt = projection(args.csv)
        g = bare_graph(len(ids), src, dst)
    else:
        ids, g, wt = build(args.csv)
    if args.metric == "centrality":
        df = centrality(g, wt, args.samples, args.seed).set_axis(ids)
        top = df.sort_values("pagerank", ascending=False).index[0]
        print(f"centrality: {g.vcount()} nodes, {g.ecount()} edges; top pagerank {top}")
    elif args.metric == "communities":
        random.seed(args.seed)
        ig.set_random_number_generator(random.Random(args.seed))
        cl = g.community_leiden(objective_function="modularity", weights=wt.tolist(), resolution=1.0, n_iterations=5)
        q = g.modularity(cl.membership, weights=wt.tolist())
        print(f"communities: {g.vcount()} nodes, {g.ecount()} edges; {max(cl.membership) + 1} communities, Q = {q:.4f}")
    elif args.metric == "brokers":
        df, br = brokers(g, src, dst, wt)
        cut = f", most consequential cuts {min(br.loc[0, 'size_u'], br.loc[0, 'size_v'])} off" if len(br) else ""
        print(
            f"brokers: {g.vcount()} nodes, {g.ecount()} edges; {int(df['articulation'].sum())} articulation points, "
            f"{len(br)} bridges{cut}; top {ids[df.index[0]]} (split {df['split_size'].iloc[0]})"
        )
    else:
        s = structure(g, src)
        bound = "" if s["diameter_exact"] else f" (<= {s['diameter_upper_bound']})"
        print(
            f"structure: {s['nodes']} nodes, {s['edges']} edges, {s['components']} components ({s['isolates']} isolates), "
            f"largest {s['largest_component']}; diameter {s['diameter']}{bound}, "
            f"clustering {s['average_clustering']:.6g}, transitivity {s['transitivity']:.6g}"
        )


if __name__ == "__main__":
    main()
