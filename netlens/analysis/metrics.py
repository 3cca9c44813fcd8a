"""Network metrics for cooperation graphs: centrality, communities, brokers, bridges and structure.

Every function takes a plain undirected networkx graph as built by ``netlens.model.projection`` (CONVENTIONS.md),
never modifies it, and returns a pandas DataFrame indexed by node id (index name ``id``) or a dict.
networkx is the reference for every definition; the heavy work is done by igraph (through
:mod:`netlens.analysis._igraph`) and numpy/scipy, and the tests check the results against networkx to 1e-9.

Conventions
-----------
- Tie strength is the edge attribute ``weight`` (Newman collaboration weight, see DESIGN.md);
  path-based metrics (betweenness, closeness, harmonic) use the distance ``1/weight``, so a strong
  tie is short. ``weight=None`` makes every tie weight 1 (hop distances).
- Self-loops are ignored (a projection has none); directed and multi graphs raise ``UsageError``.
- Large graphs: exact betweenness/closeness cost one Dijkstra run per node (O(n·m)). Components
  whose ``n·m`` exceeds ``exact_limit`` are *sampled* (Brandes & Pich 2007): ``samples`` source
  pivots drawn uniformly without replacement with ``random.Random(seed)``; the partial sums are
  scaled by ``(n_C-1)/k`` exactly as networkx does for ``betweenness_centrality(k=...)``. The
  standard error of every sampled value is estimated from the spread across pivot batches and
  reported (see :func:`centrality`).

References
----------
.. [1] U. Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociol. 25 (2001).
.. [2] U. Brandes and C. Pich, "Centrality estimation in large networks", Int. J. Bifurcation and
   Chaos 17 (2007) 2303-2318.
.. [3] D. Eppstein and J. Wang, "Fast approximation of centrality", J. Graph Algorithms Appl. 8 (2004).
.. [4] S. Wasserman and K. Faust, "Social Network Analysis", Cambridge University Press (1994).
.. [5] V. A. Traag, L. Waltman and N. J. van Eck, "From Louvain to Leiden: guaranteeing
   well-connected communities", Sci. Rep. 9, 5233 (2019).
.. [6] V. D. Blondel et al., "Fast unfolding of communities in large networks", J. Stat. Mech. (2008) P10008.
.. [7] R. S. Burt, "Structural Holes: The Social Structure of Competition", Harvard University Press (1992);
   "Structural holes and good ideas", Am. J. Sociol. 110 (2004) 349-399.
.. [8] R. V. Gould and R. M. Fernandez, "Structures of mediation: a formal approach to brokerage in
   transaction networks", Sociological Methodology 19 (1989) 89-126.
.. [9] C. Magnien, M. Latapy and M. Habib, "Fast computation of empirically tight bounds for the
   diameter of massive graphs", J. Exp. Algorithmics 13 (2009).
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterator, Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.csgraph as csg
from scipy.sparse.linalg import eigsh

from netlens.analysis._igraph import Converted, convert, seeded
from netlens.errors import UsageError

__all__ = ["centrality", "communities", "brokers", "bridges", "structure"]

PATH_MODES = ("auto", "exact", "sampled", "none")
COMMUNITY_METHODS = ("leiden", "louvain")
#: Source pivots per sampled component (Brandes-Pich); 128 costs ~20 s CPU on the 800k-edge CORDIS graph.
DEFAULT_SAMPLES = 128
#: A component is computed exactly when n_C * m_C <= this (~5 s CPU: igraph betweenness + scipy Dijkstra).
DEFAULT_EXACT_LIMIT = 30_000_000
#: The diameter of the largest component is exact when n * m <= this (BFS is ~10x cheaper than Dijkstra).
DEFAULT_DIAMETER_LIMIT = 500_000_000
_BATCHES = 20  # pivot batches used to estimate the sampling variance
_ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")


# --------------------------------------------------------------------------------------------- helpers


def _index(c: Converted) -> pd.Index:
    return pd.Index(c.nodes, name="id", dtype=object)


def _components(c: Converted) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Component label per vertex, component sizes and edge counts per component."""
    memb = np.asarray(c.graph.connected_components().membership, dtype=np.int64)
    k = int(memb.max()) + 1 if memb.size else 0
    sizes = np.bincount(memb, minlength=k)
    edges = np.bincount(memb[c.src], minlength=k) if c.m else np.zeros(k, dtype=np.int64)
    return memb, sizes, edges


def _check_mode(name: str, value: str) -> None:
    if value not in PATH_MODES:
        raise UsageError(f"{name}={value!r}: expected one of {', '.join(PATH_MODES)}")


def _plan(mode: str, sizes: np.ndarray, edges: np.ndarray, samples: int, exact_limit: float) -> np.ndarray:
    """Per component: True = compute exactly, False = sample ``samples`` pivots."""
    if mode == "exact":
        return np.ones(sizes.size, dtype=bool)
    small = sizes <= samples  # sampling would visit every node anyway
    if mode == "sampled":
        return small
    exact: np.ndarray = small | (sizes.astype(float) * edges <= exact_limit)
    return exact


class _Moments:
    """Sum, and sums of batch estimates and their squares, for one sampled quantity."""

    def __init__(self, size: int) -> None:
        self.total = np.zeros(size)
        self.s1 = np.zeros(size)
        self.s2 = np.zeros(size)

    def add(self, x: np.ndarray, scale: float) -> None:
        self.total += x
        y = x * scale
        self.s1 += y
        self.s2 += y * y

    def stderr(self, batches: int, fpc: float) -> np.ndarray:
        var = (self.s2 - self.s1**2 / batches) / (batches - 1)
        return np.sqrt(np.clip(var, 0.0, None) / batches * fpc)


def _path_metrics(
    c: Converted,
    memb: np.ndarray,
    sizes: np.ndarray,
    exact_bc: np.ndarray | None,
    exact_cl: np.ndarray | None,
    samples: int,
    seed: int | None,
) -> dict[str, np.ndarray]:
    """Betweenness (networkx-normalised), closeness (networkx incl. Wasserman-Faust), harmonic, and their stderr.

    ``exact_bc``/``exact_cl`` hold the per-component plan (None = metric not wanted). Sampled components share
    one set of pivots for all three metrics.
    """
    n, g = c.n, c.graph
    bc_on, cl_on = exact_bc is not None, exact_cl is not None
    plan_bc = exact_bc if exact_bc is not None else np.ones(sizes.size, dtype=bool)
    plan_cl = exact_cl if exact_cl is not None else np.ones(sizes.size, dtype=bool)
    dist = (1.0 / c.weight).tolist() if c.weighted else None
    out = {k: np.zeros(n) for k in ("betweenness", "closeness", "harmonic", "betweenness_se", "closeness_se", "harmonic_se")}
    raw_bc = np.zeros(n)  # igraph scale: sum over unordered pairs
    raw_bc_se = np.zeros(n)
    nontrivial = sizes[memb] > 1

    if bc_on:
        ex = np.flatnonzero(plan_bc[memb] & nontrivial)
        if ex.size == n:
            raw_bc = np.asarray(g.betweenness(directed=False, weights=dist), dtype=float)
        elif ex.size:
            raw_bc[ex] = np.asarray(g.betweenness(directed=False, weights=dist, sources=ex.tolist()), dtype=float)[ex]
    A = _adjacency(c, 1.0 / c.weight) if cl_on else sp.csr_array((n, n))
    if cl_on:
        ex = np.flatnonzero(plan_cl[memb] & nontrivial)
        if ex.size:
            dsum, hsum = _exact_distance_sums(A, c.weighted, ex[np.argsort(memb[ex], kind="stable")], memb)
            r = sizes[memb].astype(float)
            out["closeness"] = np.where(dsum > 0, (r - 1) ** 2 / np.where(dsum > 0, dsum, 1.0) / max(n - 1, 1), 0.0)
            out["harmonic"] = hsum

    sampled = (~plan_bc & bc_on) | (~plan_cl & cl_on)
    if sampled.any():
        rng = random.Random(seed)
        order = np.argsort(memb, kind="stable")
        starts = np.concatenate([[0], np.cumsum(sizes)])
        for comp in np.flatnonzero(sampled):
            members = order[starts[comp] : starts[comp + 1]]  # vertex positions in G order
            n_c = members.size
            pick = np.asarray(rng.sample(range(n_c), samples), dtype=np.int64)
            pivots = members[pick]
            is_pivot = np.zeros(n_c, dtype=bool)
            is_pivot[pick] = True
            scale = (n_c - 1) / (samples - is_pivot)  # networkx: (n-1)/k, or (n-1)/(k-1) for a pivot itself
            fpc = (n_c - samples) / (n_c - 1)  # sampling without replacement
            do_bc = bc_on and not plan_bc[comp]
            do_cl = cl_on and not plan_cl[comp]
            bc_m, d_m, h_m = _Moments(n_c), _Moments(n_c), _Moments(n_c)
            batches = np.array_split(pivots, min(_BATCHES, samples))
            if do_cl:
                # scipy's Dijkstra returns a dense array (igraph's distances() builds Python lists: 2x slower)
                sub = A[members][:, members] if n_c < n else A
                local = np.empty(n, dtype=np.int64)
                local[members] = np.arange(n_c)
            for batch in batches:
                per = (n_c - 1) / len(batch)
                if do_bc:
                    x = np.asarray(g.betweenness(directed=False, weights=dist, sources=batch.tolist()), dtype=float)
                    bc_m.add(x[members], per)
                if do_cl:
                    d = csg.dijkstra(sub, directed=False, indices=local[batch], unweighted=not c.weighted)
                    d_m.add(d.sum(axis=0), per)
                    with np.errstate(divide="ignore"):
                        h_m.add(np.where(d > 0, 1.0 / d, 0.0).sum(axis=0), per)
            nb = len(batches)
            if do_bc:
                raw_bc[members] = bc_m.total * scale
                raw_bc_se[members] = bc_m.stderr(nb, fpc)
            if do_cl:
                total = d_m.total * scale  # estimated sum of distances to the other n_c - 1 nodes
                cl = (n_c - 1) / total * (n_c - 1) / (n - 1)
                out["closeness"][members] = cl
                out["closeness_se"][members] = cl * d_m.stderr(nb, fpc) / total
                out["harmonic"][members] = h_m.total * scale
                out["harmonic_se"][members] = h_m.stderr(nb, fpc)

    if n > 2:
        norm = 2.0 / ((n - 1) * (n - 2))  # networkx normalized=True, undirected
        out["betweenness"] = raw_bc * norm
        out["betweenness_se"] = raw_bc_se * norm
    if not bc_on:
        out["betweenness"][:] = np.nan
        out["betweenness_se"][:] = np.nan
    if not cl_on:
        for k in ("closeness", "harmonic", "closeness_se", "harmonic_se"):
            out[k][:] = np.nan
    return out


def _exact_distance_sums(
    A: sp.csr_array, weighted: bool, nodes: np.ndarray, memb: np.ndarray, cells: int = 1 << 22
) -> tuple[np.ndarray, np.ndarray]:
    """Sum of distances and of inverse distances from every node in ``nodes`` (grouped by component) to its component.

    Components are packed into groups of >= 2048 nodes; each group's Dijkstra output is produced in row blocks
    of at most ``cells`` entries, so memory stays bounded for one huge or many tiny components.
    """
    n = A.shape[0]
    dsum, hsum = np.zeros(n), np.zeros(n)
    comp = memb[nodes]
    ends = np.flatnonzero(np.diff(comp)) + 1  # component boundaries within ``nodes``
    bounds = [0]
    for end in [*ends.tolist(), nodes.size]:
        if end - bounds[-1] >= 2048 or end == nodes.size:
            bounds.append(end)
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        group = nodes[lo:hi]
        sub = A[group][:, group]
        step = max(1, cells // group.size)
        for start in range(0, group.size, step):
            rows = np.arange(start, min(start + step, group.size))
            d = csg.dijkstra(sub, directed=False, indices=rows, unweighted=not weighted)
            reach = np.isfinite(d) & (d > 0)
            dsum[group[rows]] = np.where(reach, d, 0.0).sum(axis=1)
            with np.errstate(divide="ignore"):
                hsum[group[rows]] = np.where(reach, 1.0 / d, 0.0).sum(axis=1)
    return dsum, hsum


def _adjacency(c: Converted, values: np.ndarray | None = None) -> sp.csr_array:
    v = c.weight if values is None else values
    return sp.csr_array(
        (np.concatenate([v, v]), (np.concatenate([c.src, c.dst]), np.concatenate([c.dst, c.src]))), shape=(c.n, c.n)
    )


def _eigenvector(c: Converted, memb: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """networkx eigenvector centrality: the limit of power iteration on (A+I) from the all-ones vector, unit L2 norm.

    For a connected graph this is the Perron vector of the weighted adjacency matrix. For a disconnected graph
    the limit is concentrated on the component(s) with the largest eigenvalue (others get 0); components with an
    equal largest eigenvalue share it in proportion to the sum of their Perron vector, as the iteration does.
    """
    n = c.n
    if n == 0:
        return np.zeros(0)
    W = _adjacency(c)
    strength = np.asarray(W.sum(axis=1)).ravel()
    bound = np.zeros(sizes.size)  # Perron root <= max row sum
    np.maximum.at(bound, memb, strength)
    order = np.argsort(memb, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    best = -1.0
    chosen: list[tuple[np.ndarray, np.ndarray]] = []
    for comp in np.argsort(-bound, kind="stable"):
        if chosen and bound[comp] < best * (1 - 1e-9):
            break
        members = order[starts[comp] : starts[comp + 1]]
        if members.size == 1:
            lam, vec = 0.0, np.ones(1)
        else:
            sub = W[members][:, members]
            if members.size <= 400:
                vals, vecs = np.linalg.eigh(sub.toarray())
                lam, vec = float(vals[-1]), vecs[:, -1]
            else:
                vals, vecs = eigsh(sub, k=1, which="LA", v0=np.ones(members.size), tol=0)
                lam, vec = float(vals[0]), vecs[:, 0]
            vec = np.abs(vec) / np.linalg.norm(vec)
        if lam > best * (1 + 1e-9) + 1e-300:
            best, chosen = lam, [(members, vec)]
        elif lam >= best * (1 - 1e-9):
            chosen.append((members, vec))
    x = np.zeros(n)
    for members, vec in chosen:
        x[members] = vec * vec.sum()
    return x / np.linalg.norm(x)


def _node_attr(G: nx.Graph, nodes: list[Hashable], attr: str) -> list[Any]:
    data = G.nodes
    return [data[v].get(attr) for v in nodes]


# ------------------------------------------------------------------------------------------ centrality


def centrality(
    G: nx.Graph,
    *,
    weight: str | None = "weight",
    betweenness: str = "auto",
    closeness: str = "auto",
    samples: int | None = None,
    seed: int | None = 0,
    exact_limit: float = DEFAULT_EXACT_LIMIT,
    stderr: bool = False,
) -> pd.DataFrame:
    """Node centralities, networkx definitions, computed with igraph.

    Parameters
    ----------
    G : nx.Graph
        Undirected graph (CONVENTIONS.md); not modified.
    weight : str or None, default "weight"
        Tie-strength attribute. Path metrics use the distance ``1/weight``; ``None`` = unweighted.
    betweenness, closeness : {"auto", "exact", "sampled", "none"}
        ``"exact"``: all sources. ``"sampled"``: ``samples`` pivots in every component larger than that.
        ``"auto"``: exact for components with ``n_C * m_C <= exact_limit``, sampled otherwise. ``"none"``:
        not computed (NaN). ``closeness`` also governs ``harmonic``.
    samples : int, optional
        Source pivots per sampled component (default 128, at least 2).
    seed : int or None, default 0
        Seed of ``random.Random`` drawing the pivots; with one component the pivots are exactly those of
        ``nx.betweenness_centrality(G, k=samples, seed=seed)``, so the estimates are identical to networkx's.
    exact_limit : float
        Work bound for ``"auto"`` (default 3e7, about 5 s CPU).
    stderr : bool, default False
        Add the per-node standard errors ``betweenness_se``, ``closeness_se``, ``harmonic_se`` (0 when exact).

    Returns
    -------
    pandas.DataFrame
        Index = node id. Columns: ``name``, ``kind`` (node attributes, None if absent), ``degree``,
        ``strength`` (weighted degree), ``betweenness`` (``nx.betweenness_centrality(normalized=True)``),
        ``closeness`` (``nx.closeness_centrality``, Wasserman-Faust scaled, 0 for isolates), ``harmonic``
        (``nx.harmonic_centrality``, a sum of inverse distances), ``eigenvector``
        (``nx.eigenvector_centrality``, weighted, unit L2 norm), ``pagerank`` (weighted, alpha 0.85),
        ``kcore`` (``nx.core_number``).

        ``df.attrs``: ``weight``, ``distance`` ("1/weight" or "hops"), and per path metric
        (``betweenness``, ``closeness``): ``*_method`` ("exact", "sampled" or "none"), ``*_samples`` (pivots
        per sampled component, None if exact), ``*_sampled_nodes`` (nodes in sampled components),
        ``*_stderr`` (mean per-node standard error over all nodes; for roughly normal errors the expected
        mean absolute error is ~0.8x this) and ``*_stderr_max``; ``harmonic_stderr``; ``seed``.

    Notes
    -----
    Sampling (Brandes & Pich [2]_ for betweenness, Eppstein & Wang [3]_ for closeness/harmonic): in a
    component of ``n_C`` nodes, ``k`` pivots are drawn without replacement; the sums of the pivots'
    dependencies (or distances, inverse distances) are scaled by ``(n_C-1)/k`` (``(n_C-1)/(k-1)`` for a
    pivot itself), which is unbiased and equals networkx's ``k=`` estimator. Closeness is then
    ``(n_C-1)^2 / ((n-1) * estimated sum of distances)``. The pivots are split into 20 batches; the
    standard error is ``sqrt(var(batch estimates)/20 * (n_C-k)/(n_C-1))``. Only the component's own
    nodes are sources, so small components stay exact. The error falls as 1/sqrt(samples) and the time
    grows linearly; on the CORDIS H2020 graph (31,665 nodes, 796,670 edges) the default gives about 5 %
    relative standard error on the top betweenness values.

    How to read the stated error (checked on a 2000-node Barabasi-Albert graph over 10 seeds): it is
    calibrated in the root-mean-square sense (RMS error / RMS stated = 0.96-1.02 for all three metrics).
    Closeness and harmonic errors are close to normal but strongly correlated across nodes (all nodes
    share the pivots), so rankings are more reliable than the per-node error suggests. Betweenness errors
    are heavy-tailed -- a node's estimate rests on the few pivots whose shortest-path trees pass through
    it -- so ``+-2 se`` covers only about half of the nodes; use the error as a scale, not as a
    confidence interval, and raise ``samples`` when close ranks matter.

    References
    ----------
    See the module docstring: Brandes [1]_, Brandes & Pich [2]_, Eppstein & Wang [3]_, Wasserman & Faust [4]_.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(0, 1), (0, 2), (0, 3), (1, 2), (1, 3)])  # networkx closeness docstring graph
    >>> df = centrality(G)
    >>> df["closeness"].to_dict()
    {0: 1.0, 1: 1.0, 2: 0.75, 3: 0.75}
    >>> df.loc[0, ["degree", "kcore"]].tolist(), round(float(df.loc[0, "betweenness"]), 4)
    ([3, 2], 0.1667)
    >>> df.attrs["betweenness_method"]
    'exact'
    """
    _check_mode("betweenness", betweenness)
    _check_mode("closeness", closeness)
    k = DEFAULT_SAMPLES if samples is None else samples
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 2:
        raise UsageError(f"samples={samples!r}: expected an integer >= 2")
    k = int(k)
    if not (isinstance(exact_limit, (int, float)) and exact_limit >= 0):
        raise UsageError(f"exact_limit={exact_limit!r}: expected a number >= 0")
    c = convert(G, weight)
    n = c.n
    memb, sizes, edges = _components(c)
    plan_bc = None if betweenness == "none" else _plan(betweenness, sizes, edges, k, exact_limit)
    plan_cl = None if closeness == "none" else _plan(closeness, sizes, edges, k, exact_limit)
    paths = _path_metrics(c, memb, sizes, plan_bc, plan_cl, k, seed)
    g = c.graph
    w = c.weight.tolist() if c.weighted else None
    degree = np.asarray(g.degree(), dtype=np.int64)
    strength = np.bincount(np.concatenate([c.src, c.dst]), weights=np.concatenate([c.weight, c.weight]), minlength=n)
    df = pd.DataFrame(
        {
            "name": _node_attr(G, c.nodes, "name"),
            "kind": _node_attr(G, c.nodes, "kind"),
            "degree": degree,
            "strength": strength,
            "betweenness": paths["betweenness"],
            "closeness": paths["closeness"],
            "harmonic": paths["harmonic"],
            "eigenvector": _eigenvector(c, memb, sizes),
            "pagerank": np.asarray(g.pagerank(directed=False, damping=0.85, weights=w), dtype=float) if n else np.zeros(0),
            "kcore": np.asarray(g.coreness(), dtype=np.int64),
        },
        index=_index(c),
    )
    if stderr:
        for col in ("betweenness_se", "closeness_se", "harmonic_se"):
            df[col] = paths[col]
    attrs: dict[str, Any] = {"weight": weight, "distance": "1/weight" if c.weighted else "hops", "seed": seed}
    for name, plan, se_cols in (
        ("betweenness", plan_bc, ("betweenness_se",)),
        ("closeness", plan_cl, ("closeness_se", "harmonic_se")),
    ):
        if plan is None:
            attrs.update({f"{name}_method": "none", f"{name}_samples": None, f"{name}_sampled_nodes": 0})
            for col in se_cols:
                attrs[f"{col[:-3]}_stderr"] = float("nan")
                attrs[f"{col[:-3]}_stderr_max"] = float("nan")
            continue
        sampled_nodes = int(sizes[~plan].sum())
        attrs[f"{name}_method"] = "sampled" if sampled_nodes else "exact"
        attrs[f"{name}_samples"] = k if sampled_nodes else None
        attrs[f"{name}_sampled_nodes"] = sampled_nodes
        for col in se_cols:
            se = paths[col]
            attrs[f"{col[:-3]}_stderr"] = float(se.mean()) if n else 0.0
            attrs[f"{col[:-3]}_stderr_max"] = float(se.max()) if n else 0.0
    df.attrs = attrs
    return df


# ----------------------------------------------------------------------------------------- communities


def communities(
    G: nx.Graph,
    *,
    method: str = "leiden",
    resolution: float = 1.0,
    seed: int | None = 0,
    weight: str | None = "weight",
    iterations: int = 5,
) -> pd.DataFrame:
    """Modularity communities (Leiden or Louvain, igraph), labelled by size.

    Parameters
    ----------
    G : nx.Graph
        Undirected graph; not modified.
    method : {"leiden", "louvain"}
        ``"leiden"``: igraph ``community_leiden(objective_function="modularity")`` [5]_;
        ``"louvain"``: igraph ``community_multilevel`` [6]_.
    resolution : float, default 1.0
        Modularity resolution gamma (larger -> smaller communities).
    seed : int or None, default 0
        Seed of igraph's random number generator for this call; the same seed gives the same partition.
    weight : str or None, default "weight"
        Edge weight attribute (``None`` = unweighted).
    iterations : int, default 5
        Leiden iterations (``-1`` = until stable; the default reaches within 0.001 of it on CORDIS in
        a sixth of the time). Ignored by Louvain.

    Returns
    -------
    pandas.DataFrame
        Index = node id, column ``community`` (int; 0 = largest community, ties by first node).
        ``df.attrs``: ``modularity`` (networkx ``nx.community.modularity`` of this partition at the same
        ``resolution`` and weight; NaN without edges), ``n_communities``, ``method``, ``resolution``, ``seed``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.barbell_graph(4, 0)  # two 4-cliques joined by one edge
    >>> df = communities(G)
    >>> df["community"].tolist(), df.attrs["n_communities"], round(df.attrs["modularity"], 4)
    ([0, 0, 0, 0, 1, 1, 1, 1], 2, 0.4231)
    """
    if method not in COMMUNITY_METHODS:
        raise UsageError(f"method={method!r}: expected one of {', '.join(COMMUNITY_METHODS)}")
    if not (isinstance(resolution, (int, float)) and math.isfinite(resolution) and resolution > 0):
        raise UsageError(f"resolution={resolution!r}: expected a number > 0")
    if not isinstance(iterations, (int, np.integer)) or iterations == 0 or iterations < -1:
        raise UsageError(f"iterations={iterations!r}: expected -1 (until stable) or an integer >= 1")
    c = convert(G, weight)
    g = c.graph
    w = c.weight.tolist() if c.weighted else None
    if c.n == 0:
        membership = np.zeros(0, dtype=np.int64)
    else:
        with seeded(seed):
            if method == "leiden":
                cl = g.community_leiden(
                    objective_function="modularity", weights=w, resolution=resolution, n_iterations=int(iterations)
                )
            else:
                cl = g.community_multilevel(weights=w, resolution=resolution)
        membership = np.asarray(cl.membership, dtype=np.int64)
    labels = np.zeros(0, dtype=np.int64)
    if membership.size:
        sizes = np.bincount(membership)
        _, first = np.unique(membership, return_index=True)
        order = np.lexsort((first, -sizes))  # size descending, then first node
        relabel = np.empty_like(order)
        relabel[order] = np.arange(order.size)
        labels = relabel[membership]
    modularity = float(g.modularity(labels.tolist(), weights=w, resolution=resolution)) if c.m else float("nan")
    df = pd.DataFrame({"community": labels}, index=_index(c))
    df.attrs = {
        "modularity": modularity,
        "n_communities": int(labels.max()) + 1 if labels.size else 0,
        "method": method,
        "resolution": float(resolution),
        "seed": seed,
    }
    return df


# --------------------------------------------------------------------------------------------- brokers


def _triangles(c: Converted, budget: int = 2_000_000) -> Iterator[tuple[np.ndarray, ...]]:
    """Yield every triangle once, in chunks: vertices ``u, v, x`` and directed edge ids ``u->v, u->x, v->x``.

    Directed edge id ``e`` is ``src[e] -> dst[e]`` and ``e + m`` the reverse (``(d + m) % 2m`` flips a direction).

    Edges are oriented from lower to higher (degree, position) rank; for each vertex all pairs of its
    higher-ranked neighbours are candidates (at most sqrt(2m) per vertex) and are kept when they are
    adjacent. Work O(sum of out-degree^2) -- 4e7 candidate pairs and 15M triangles on CORDIS.
    """
    n, m = c.n, c.m
    if m == 0:
        return
    deg = np.bincount(c.src, minlength=n) + np.bincount(c.dst, minlength=n)
    order = np.lexsort((np.arange(n), deg))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    ra, rb = rank[c.src], rank[c.dst]
    lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
    keys = lo * n + hi
    srt = np.argsort(keys, kind="stable")
    keys, lo, hi = keys[srt], lo[srt], hi[srt]
    directed = srt + m * (c.src[srt] != order[lo])  # each edge oriented from its lower-ranked end
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(lo, minlength=n), out=indptr[1:])
    dout = np.diff(indptr)
    pairs = dout * (dout - 1) // 2
    cum = np.cumsum(pairs)
    if cum[-1] == 0:
        return
    cuts = np.unique(np.concatenate([[0], np.searchsorted(cum, np.arange(budget, cum[-1], budget), side="left"), [n]]))
    for a, b in zip(cuts[:-1], cuts[1:]):
        rows = np.arange(a, b)
        d = dout[rows]
        if not (d > 1).any():
            continue
        start = np.repeat(indptr[rows], d)
        pos = np.arange(d.sum()) - np.repeat(np.cumsum(d) - d, d)
        cnt = np.repeat(d, d) - 1 - pos  # pairs whose first element is at this position
        first = np.repeat(start + pos, cnt)
        second = first + 1 + np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        k = hi[first] * n + hi[second]
        at = np.searchsorted(keys, k)
        at[at >= m] = 0
        ok = keys[at] == k
        first, second, at = first[ok], second[ok], at[ok]
        if first.size:
            yield order[lo[first]], order[hi[first]], order[hi[second]], directed[first], directed[second], directed[at]


def _groups(G: nx.Graph, nodes: list[Hashable], partition: str | Mapping[Hashable, Any]) -> tuple[np.ndarray, list[Any]]:
    """Group code per node (-1 = unknown) and the group values."""
    if isinstance(partition, str):
        values = _node_attr(G, nodes, partition)
        if nodes and all(v is None for v in values):
            raise UsageError(f"partition={partition!r}: no node has this attribute")
    elif isinstance(partition, Mapping):
        values = [partition.get(v) for v in nodes]
    else:
        raise UsageError("partition must be a node attribute name or a mapping node -> group")
    try:
        codes, _ = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    except TypeError as exc:
        raise UsageError(f"partition groups must be hashable values: {exc}") from None
    return np.asarray(codes, dtype=np.int64), values


def _block_cut_split(c: Converted, memb: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Articulation flag and split size per vertex, via the block-cut tree of each component."""
    n = c.n
    articulation = np.zeros(n, dtype=bool)
    split = np.zeros(n, dtype=np.int64)
    if c.m == 0:
        return articulation, split
    cover, aps = c.graph.biconnected_components(return_articulation_points=True)
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
    weight = np.zeros(nb + na + 1)
    weight[:nb] = np.bincount(block_of[~is_ap], minlength=nb)
    weight[nb : nb + na] = 1
    root = nb + na
    # one block per component hangs from a virtual root so that one BFS roots every tree
    comp_of_block = memb[members[np.cumsum(lens) - lens]]
    _, first_block = np.unique(comp_of_block, return_index=True)
    t_src = np.concatenate([block_of[is_ap], np.full(first_block.size, root)])
    t_dst = np.concatenate([nb + ap_id[members[is_ap]], first_block])
    T = sp.csr_array((np.ones(t_src.size), (t_src, t_dst)), shape=(root + 1, root + 1))
    bfs, pred = csg.breadth_first_order(T, root, directed=False, return_predecessors=True)
    sub = weight.tolist()
    pred_l = pred.tolist()
    for x in bfs[:0:-1].tolist():
        sub[pred_l[x]] += sub[x]
    sub_a = np.asarray(sub)
    # largest piece among the child blocks of every articulation point
    child_max = np.zeros(root + 1)
    blocks_idx = np.arange(nb)
    parent = pred[blocks_idx]
    hang = parent < root  # parent is an articulation point
    np.maximum.at(child_max, parent[hang], sub_a[blocks_idx[hang]])
    ap_nodes = np.asarray(aps, dtype=np.int64)
    t = nb + np.arange(na)
    total = sizes[memb[ap_nodes]]
    largest = np.maximum(child_max[t], total - sub_a[t])
    articulation[ap_nodes] = True
    split[ap_nodes] = (total - 1 - largest).astype(np.int64)
    return articulation, split


def brokers(
    G: nx.Graph,
    *,
    partition: str | Mapping[Hashable, Any] | None = None,
    weight: str | None = "weight",
) -> pd.DataFrame:
    """Brokerage positions: Burt's constraint and effective size, Gould-Fernandez roles, cut vertices.

    Parameters
    ----------
    G : nx.Graph
        Undirected graph; not modified.
    partition : str or mapping, optional
        Groups for the Gould-Fernandez roles: a node attribute name (e.g. ``"country"``) or a mapping
        node -> group. Nodes with no group (None/NaN/missing) are left out of every two-path and get
        ``<NA>`` role counts. Without a partition the role columns are omitted.
    weight : str or None, default "weight"
        Tie strength for constraint and effective size (``None`` = unweighted).

    Returns
    -------
    pandas.DataFrame
        Index = node id. Columns:

        - ``constraint``: ``nx.constraint`` (Burt [7]_), NaN for isolates;
        - ``effective_size``: ``nx.effective_size`` (Burt; Borgatti's ``n - 2t/n`` when unweighted), NaN for isolates;
        - with a partition: ``group`` and the role counts ``coordinator``, ``itinerant`` (consultant),
          ``gatekeeper``, ``representative``, ``liaison`` and their sum ``brokerage`` (nullable Int64);
        - ``articulation``: True when removing the node disconnects its component;
        - ``split_size``: how many nodes of its component are cut off from the largest remaining part
          when the node leaves (0 unless an articulation point).

    Notes
    -----
    Gould & Fernandez [8]_ classify each two-path ``a -> b -> c`` with ``a`` and ``c`` not tied by the
    groups of a, b, c: coordinator (all one group), itinerant/consultant (a, c share a group, b another),
    gatekeeper (b, c share a group, a outside), representative (a, b share a group, c outside), liaison
    (three groups). Here every tie is reciprocal, so each unordered pair {a, c} of unconnected
    neighbours of b is two two-paths, a->b->c and c->b->a. Consequently coordinator, itinerant and
    liaison counts are even (twice the number of such pairs), and gatekeeper == representative (each
    pair with exactly one end in b's group is one gatekeeper and one representative path); divide by 2
    for pair counts. This is the reading of ``sna::brokerage`` on a symmetric network.

    Constraint, effective size and the roles come from one enumeration of the triangles (numpy, work
    O(sum of out-degree^2) under a degree ordering) instead of networkx's per-node Python loops.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.path_graph(3)  # networkx effective_size docstring example
    >>> G.add_edge(4, 4)
    >>> brokers(G)["effective_size"].to_dict()
    {0: 1.0, 1: 2.0, 2: 1.0, 4: nan}
    >>> G = nx.Graph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": "FR", "b": "FR", "c": "DE"}, "country")
    >>> brokers(G, partition="country").loc["b", ["gatekeeper", "representative", "coordinator", "split_size"]].tolist()
    [1, 1, 0, 1]
    """
    c = convert(G, weight)
    n, m = c.n, c.m
    src, dst, w = c.src, c.dst, c.weight
    deg = (np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)).astype(float)
    s = (np.bincount(src, weights=w, minlength=n) + np.bincount(dst, weights=w, minlength=n)).astype(float)
    mx = np.zeros(n)
    np.maximum.at(mx, src, w)
    np.maximum.at(mx, dst, w)
    safe_s = np.where(s > 0, s, 1.0)
    safe_mx = np.where(mx > 0, mx, 1.0)
    codes, groups = (None, []) if partition is None else _groups(G, c.nodes, partition)

    frm = np.concatenate([src, dst])  # directed edge d: frm[d] -> to[d]; d < m is src->dst, d + m the reverse
    P = np.concatenate([w, w]) / safe_s[frm]  # Burt's p_ij = w_ij / sum_k w_ik
    M = np.concatenate([w, w]) / safe_mx[frm]  # m_ij = w_ij / max_k w_ik
    indirect = np.zeros(2 * m)  # sum_q p_iq p_qj on directed edges i->j
    redundancy = np.zeros(n)  # sum over tied neighbour pairs (j, q) of p_iq m_jq
    adjacent = np.zeros(4 * n)  # tied neighbour pairs per broker: coordinator, itinerant, gate/rep, liaison

    for u, v, x, uv, ux, vx in _triangles(c):
        vu, xu, xv = (uv + m) % (2 * m), (ux + m) % (2 * m), (vx + m) % (2 * m)
        p_uv, p_ux, p_vx, p_vu, p_xu, p_xv = P[uv], P[ux], P[vx], P[vu], P[xu], P[xv]
        indirect += np.bincount(
            np.concatenate([uv, vu, ux, xu, vx, xv]),
            weights=np.concatenate([p_ux * p_xv, p_vx * p_xu, p_uv * p_vx, p_xv * p_vu, p_vu * p_ux, p_xu * p_uv]),
            minlength=2 * m,
        )
        redundancy += np.bincount(
            np.concatenate([u, v, x]),
            weights=np.concatenate([p_ux * M[vx] + p_uv * M[xv], p_vx * M[ux] + p_vu * M[xu], p_xv * M[uv] + p_xu * M[vu]]),
            minlength=n,
        )
        if codes is not None:
            for centre, y, z in ((u, v, x), (v, u, x), (x, u, v)):
                gc, gy, gz = codes[centre], codes[y], codes[z]
                ok = (gc >= 0) & (gy >= 0) & (gz >= 0)
                cat = np.where(gy == gz, np.where(gy == gc, 0, 1), np.where((gy == gc) | (gz == gc), 2, 3))
                adjacent += np.bincount(centre[ok] * 4 + cat[ok], minlength=4 * n)

    constraint = np.bincount(frm, weights=(P + indirect) ** 2, minlength=n).astype(float)
    isolated = deg == 0
    constraint[isolated] = np.nan
    effective = deg - redundancy
    effective[isolated] = np.nan
    memb, sizes, _ = _components(c)
    articulation, split = _block_cut_split(c, memb, sizes)
    df = pd.DataFrame({"constraint": constraint, "effective_size": effective}, index=_index(c))
    if codes is not None:
        df["group"] = pd.Series(groups, index=df.index, dtype=object)
        for col, vals in zip(_ROLES + ("brokerage",), _gould_fernandez(c, codes, adjacent.reshape(n, 4))):
            df[col] = vals
    df["articulation"] = articulation
    df["split_size"] = split
    return df


def _gould_fernandez(c: Converted, codes: np.ndarray, adjacent: np.ndarray) -> list[pd.arrays.IntegerArray]:
    """Role counts (ordered two-paths, ties reciprocal) from neighbour group counts minus tied pairs."""
    n = c.n
    known = codes >= 0
    frm = np.concatenate([c.src, c.dst])
    to = np.concatenate([c.dst, c.src])
    keep = known[to]
    frm, to = frm[keep], to[keep]
    n_groups = int(codes.max()) + 1 if known.any() else 1
    same = np.bincount(frm[codes[to] == codes[frm]], minlength=n).astype(float)  # neighbours in b's group
    keys, counts = np.unique(frm * n_groups + codes[to], return_counts=True)
    owner = keys // n_groups
    d_known = np.bincount(owner, weights=counts, minlength=n)
    sq = np.bincount(owner, weights=counts.astype(float) ** 2, minlength=n)
    other = d_known - same
    sq_other = sq - same**2
    pairs = np.stack([same * (same - 1) / 2, (sq_other - other) / 2, same * other, (other**2 - sq_other) / 2], axis=1)
    free = np.rint(pairs - adjacent).astype(np.int64)
    coordinator, itinerant, gate, liaison = 2 * free[:, 0], 2 * free[:, 1], free[:, 2], 2 * free[:, 3]
    roles = [coordinator, itinerant, gate, gate.copy(), liaison, coordinator + itinerant + 2 * gate + liaison]
    mask = ~known
    return [pd.arrays.IntegerArray(r.astype(np.int64), mask.copy()) for r in roles]


def bridges(G: nx.Graph) -> pd.DataFrame:
    """Bridges (edges whose removal disconnects their component) and the sizes of the two sides.

    Parameters
    ----------
    G : nx.Graph
        Undirected graph; not modified. Weights are irrelevant.

    Returns
    -------
    pandas.DataFrame
        One row per bridge, columns ``u``, ``v`` (node ids, in ``G``'s node order), ``size_u``, ``size_v``
        (nodes on ``u``'s and ``v``'s side once the edge is cut; they add up to the component size).
        Sorted by the smaller side, largest first (the most consequential bridges on top), index 0..k-1.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4)])  # a triangle with a tail
    >>> bridges(G)
       u  v  size_u  size_v
    0  2  3       3       2
    1  3  4       4       1
    """
    c = convert(G, None)
    cols = ["u", "v", "size_u", "size_v"]
    if c.m == 0:
        return pd.DataFrame({k: pd.Series(dtype=object if k in "uv" else np.int64) for k in cols})
    br = np.asarray(c.graph.bridges(), dtype=np.int64)
    if br.size == 0:
        return pd.DataFrame({k: pd.Series(dtype=object if k in "uv" else np.int64) for k in cols})
    memb, sizes, _ = _components(c)
    h = c.graph.copy()
    h.delete_edges(br.tolist())
    part = np.asarray(h.connected_components().membership, dtype=np.int64)  # 2-edge-connected pieces
    k = int(part.max()) + 1
    weight = np.bincount(part, minlength=k).astype(float).tolist() + [0.0]
    root = k
    _, first = np.unique(memb, return_index=True)
    t_src = np.concatenate([part[c.src[br]], np.full(first.size, root)])
    t_dst = np.concatenate([part[c.dst[br]], part[first]])
    T = sp.csr_array((np.ones(t_src.size), (t_src, t_dst)), shape=(k + 1, k + 1))
    bfs, pred = csg.breadth_first_order(T, root, directed=False, return_predecessors=True)
    pred_l = pred.tolist()
    for x in bfs[:0:-1].tolist():
        weight[pred_l[x]] += weight[x]
    sub = np.asarray(weight)
    pu, pv = part[c.src[br]], part[c.dst[br]]
    total = sizes[memb[c.src[br]]]
    v_child = pred[pv] == pu  # v's piece hangs below u's piece
    size_v = np.where(v_child, sub[pv], total - sub[pu]).astype(np.int64)
    size_u = (total - size_v).astype(np.int64)
    df = pd.DataFrame(
        {
            "u": pd.Series([c.nodes[i] for i in c.src[br]], dtype=object),
            "v": pd.Series([c.nodes[i] for i in c.dst[br]], dtype=object),
            "size_u": size_u,
            "size_v": size_v,
        }
    )
    key = np.minimum(size_u, size_v)
    order = np.lexsort((c.dst[br], c.src[br], -key))
    return df.iloc[order].reset_index(drop=True)


# ------------------------------------------------------------------------------------------- structure


def structure(G: nx.Graph, *, exact_limit: float = DEFAULT_DIAMETER_LIMIT) -> dict[str, Any]:
    """Global structure of the graph.

    Parameters
    ----------
    G : nx.Graph
        Undirected graph; not modified. Unweighted measures (hops).
    exact_limit : float
        The diameter of the largest component is exact when ``n * m`` of that component is at most this
        (default 5e8); otherwise bounds from four BFS sweeps are reported (see Returns).

    Returns
    -------
    dict
        ``nodes``, ``edges`` (self-loops not counted), ``components``, ``isolates``, ``largest_component``
        (nodes), ``largest_component_share``, ``density`` (``nx.density``), ``average_degree``,
        ``diameter`` (hops, of the largest component), ``diameter_exact`` (bool), ``diameter_upper_bound``,
        ``average_clustering`` (``nx.average_clustering``, zeros included), ``transitivity``
        (``nx.transitivity``), ``degree_distribution`` (DataFrame indexed by ``degree`` with ``count``, ``share``).

    Notes
    -----
    When not exact, ``diameter`` is a lower bound: the double sweep of Magnien, Latapy & Habib [9]_ (BFS
    from the highest-degree node r, then from the farthest node a, then from the node b farthest from a;
    the bound is max(ecc(a), ecc(b))). ``diameter_upper_bound`` is 2*min(ecc(r), ecc(m)) with m a middle node
    of the a-b path; when the bounds meet the value is exact and ``diameter_exact`` is True.

    Examples
    --------
    >>> import networkx as nx
    >>> s = structure(nx.path_graph(4))
    >>> s["components"], s["diameter"], s["diameter_exact"], round(s["density"], 3)
    (1, 3, True, 0.5)
    >>> s["degree_distribution"]["count"].to_dict()
    {1: 2, 2: 2}
    """
    c = convert(G, None)
    n, m, g = c.n, c.m, c.graph
    memb, sizes, edges = _components(c)
    degree = np.asarray(g.degree(), dtype=np.int64)
    dist = pd.Series(degree).value_counts().sort_index()
    dd = pd.DataFrame(
        {"count": dist.to_numpy(dtype=np.int64), "share": dist.to_numpy() / max(n, 1)},
        index=pd.Index(dist.index.to_numpy(dtype=np.int64), name="degree"),
    )
    out: dict[str, Any] = {
        "nodes": n,
        "edges": m,
        "components": int(sizes.size),
        "isolates": int((degree == 0).sum()),
        "largest_component": int(sizes.max()) if n else 0,
        "largest_component_share": float(sizes.max() / n) if n else 0.0,
        "density": 2.0 * m / (n * (n - 1)) if n > 1 else 0.0,
        "average_degree": 2.0 * m / n if n else 0.0,
    }
    diameter, exact, upper = 0, True, 0
    if n:
        lcc = int(np.argmax(sizes))
        members = np.flatnonzero(memb == lcc)
        h = g.induced_subgraph(members.tolist()) if members.size < n else g
        if float(members.size) * edges[lcc] <= exact_limit:
            diameter = upper = int(h.diameter(directed=False, unconn=True)) if members.size > 1 else 0
        else:

            def bfs(v: int) -> np.ndarray:
                return np.asarray(h.distances(source=[v])[0], dtype=float)

            hdeg = np.asarray(h.degree())
            r = int(np.argmax(hdeg))
            dr = bfs(r)
            a = int(np.argmax(dr))
            da = bfs(a)
            b = int(np.argmax(da))
            db = bfs(b)
            lower = int(max(da.max(), db.max()))
            half = da[b] // 2
            mid = int(np.flatnonzero((da == half) & (db == da[b] - half))[0])
            upper = int(2 * min(dr.max(), bfs(mid).max()))
            diameter, exact = lower, lower == upper
    out["diameter"] = diameter
    out["diameter_exact"] = bool(exact)
    out["diameter_upper_bound"] = upper
    out["average_clustering"] = float(np.mean(g.transitivity_local_undirected(mode="zero"))) if n else 0.0
    out["transitivity"] = float(g.transitivity_undirected(mode="zero")) if m else 0.0
    out["degree_distribution"] = dd
    return out
