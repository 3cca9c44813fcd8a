"""Global structure of a cooperation graph: size, components, density, diameter (exact or bounded),
clustering and the degree distribution.

Takes a plain undirected networkx graph (not modified, hops); returns a dict (see :func:`structure`).

References
----------
.. [9] C. Magnien, M. Latapy and M. Habib, "Fast computation of empirically tight bounds for the
   diameter of massive graphs", J. Exp. Algorithmics 13 (2009).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netlens.analysis._igraph import components, convert

__all__ = ["structure", "DEFAULT_DIAMETER_LIMIT"]


#: The diameter of the largest component is exact when n * m <= this (BFS is ~10x cheaper than Dijkstra).
DEFAULT_DIAMETER_LIMIT = 500_000_000


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
    memb, sizes, edges = components(c)
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
    diameter, exact, upper = _diameter(g, memb, sizes, edges, exact_limit) if n else (0, True, 0)
    out["diameter"] = diameter
    out["diameter_exact"] = bool(exact)
    out["diameter_upper_bound"] = upper
    out["average_clustering"] = float(np.mean(g.transitivity_local_undirected(mode="zero"))) if n else 0.0
    out["transitivity"] = float(g.transitivity_undirected(mode="zero")) if m else 0.0
    out["degree_distribution"] = dd
    return out


def _diameter(g: Any, memb: np.ndarray, sizes: np.ndarray, edges: np.ndarray, exact_limit: float) -> tuple[int, bool, int]:
    """(diameter or its lower bound, exact?, upper bound) of the largest component (see :func:`structure`, Notes)."""
    n = memb.size
    lcc = int(np.argmax(sizes))
    members = np.flatnonzero(memb == lcc)
    h = g.induced_subgraph(members.tolist()) if members.size < n else g
    if float(members.size) * edges[lcc] <= exact_limit:
        diameter = int(h.diameter(directed=False, unconn=True)) if members.size > 1 else 0
        return diameter, True, diameter

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
    return lower, lower == upper, upper
