"""networkx -> igraph conversion, the only place netlens builds igraph graphs.

Analysis functions take plain networkx graphs (CONVENTIONS.md) and hand the heavy work to igraph
through :func:`to_igraph`. Vertex ``i`` of the igraph graph is ``nodes[i]``, the i-th node of ``G`` in
its own iteration order, so results map back to node ids by position.

Conventions of the conversion
-----------------------------
- Only undirected simple graphs (``nx.Graph``) are accepted; a ``DiGraph``/``MultiGraph`` raises
  :class:`~netlens.errors.UsageError`.
- Self-loops are dropped (a Newman projection has none, and no path metric changes).
- A missing ``weight`` attribute counts as 1 (the networkx convention); every weight must be a
  finite number > 0 because path metrics use the distance ``1/weight``.
- An :class:`netlens.model.projection.ArrayGraph` (the projection as arrays) is taken as it is: its
  ``src``/``dst`` arrays are the edge list (the same order a networkx projection's edges are collected in,
  so every result is identical), ``weight="weight"`` its Newman weights, ``"count"`` its counts.
- Edges are collected from the adjacency dicts in one pass and the graph is built from integer
  edge arrays (``ig.Graph(n, edges)``), never edge by edge: ~1 s for 800k edges.
- The graph of :func:`convert` carries no edge attributes: the metric modules pass ``Converted.weight``
  (or distances from it) to each igraph call, so the copies igraph makes (``copy``, ``induced_subgraph``)
  carry no list of 800k Python floats either. :func:`to_igraph`, the public conversion, sets ``weight``.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

from netlens.errors import UsageError
from netlens.model.projection import ArrayGraph

__all__ = ["Converted", "check_graph", "convert", "to_igraph", "seeded", "node_index", "components", "node_attr"]


@dataclass(frozen=True)
class Converted:
    """An igraph copy of a networkx graph (no edge attributes) plus the numpy edge arrays used by the fast paths.

    ``src[e] < dst[e]`` are vertex positions of edge ``e`` (igraph edge id ``e``), ``weight[e]`` its weight
    (all ones when the conversion was unweighted), ``weighted`` whether a weight attribute was used.
    """

    graph: ig.Graph
    nodes: list[Hashable]
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    weighted: bool
    loops: int

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return int(self.src.size)


def check_graph(G: object) -> None:
    """Raise :class:`UsageError` unless ``G`` is an undirected simple networkx graph."""
    if not isinstance(G, nx.Graph):
        raise UsageError(f"expected a networkx Graph, got {type(G).__name__}")
    if G.is_directed() or G.is_multigraph():
        raise UsageError(f"expected an undirected simple nx.Graph, got {type(G).__name__}")


def convert(G: nx.Graph | ArrayGraph, weight: str | None = "weight") -> Converted:
    """Convert ``G`` (see module docstring); the input graph is only read."""
    if isinstance(G, ArrayGraph):
        return _convert_arrays(G, weight)
    check_graph(G)
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    src: list[int] = []
    dst: list[int] = []
    wts: list[object] = []
    loops = 0
    for u, nbrs in G.adjacency():
        iu = index[u]
        for v, data in nbrs.items():
            iv = index[v]
            if iu < iv:
                src.append(iu)
                dst.append(iv)
                if weight is not None:
                    wts.append(data.get(weight, 1.0))
            elif iu == iv:
                loops += 1
    graph = ig.Graph(n=len(nodes), edges=list(zip(src, dst)))
    if weight is None:
        w = np.ones(len(src))
    else:
        try:
            w = np.asarray(wts, dtype=float)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"edge attribute {weight!r} must be numeric: {exc}") from None
        bad = ~(np.isfinite(w) & (w > 0))
        if bad.any():
            e = int(np.flatnonzero(bad)[0])
            raise UsageError(
                f"edge attribute {weight!r} must be a finite number > 0 (distance = 1/{weight}); "
                f"edge ({nodes[src[e]]!r}, {nodes[dst[e]]!r}) has {wts[e]!r}"
            )
    return Converted(graph, nodes, np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64), w, weight is not None, loops)


def _convert_arrays(G: ArrayGraph, weight: str | None) -> Converted:
    """An :class:`ArrayGraph` as igraph: ``ig.Graph(n, edges=column_stack(src, dst))``, no Python loop over edges."""
    if weight not in (None, "weight", "count"):
        raise UsageError(f"edge attribute {weight!r}: an array projection has only 'weight' and 'count'")
    n = len(G.nodes)
    src, dst = np.asarray(G.src, dtype=np.int64), np.asarray(G.dst, dtype=np.int64)
    graph = ig.Graph(n=n)
    if src.size:
        graph.add_edges(np.column_stack([src, dst]))  # 0.3 s for 796,670 ties; ig.Graph(n, edges=...) takes 0.5 s
    w = np.ones(src.size) if weight is None else np.asarray(G.weight if weight == "weight" else G.count, dtype=float)
    return Converted(graph, list(G.nodes), src, dst, w, weight is not None, 0)


def to_igraph(G: nx.Graph, weight: str | None = "weight") -> tuple[ig.Graph, list[Hashable]]:
    """Return an undirected igraph copy of ``G`` and the node ids by vertex index.

    Parameters
    ----------
    G : nx.Graph
        Undirected simple graph (CONVENTIONS.md); not modified.
    weight : str or None, default "weight"
        Edge attribute copied to the igraph edge attribute ``"weight"`` (missing -> 1). ``None`` gives
        every edge weight 1.

    Returns
    -------
    (igraph.Graph, list)
        The graph (edge attribute ``weight``, self-loops dropped) and ``nodes`` with vertex ``i`` = ``nodes[i]``.

    Raises
    ------
    UsageError
        For a directed or multi graph, or a weight that is not a finite number > 0.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {})])
    >>> g, nodes = to_igraph(G)
    >>> nodes, g.vcount(), g.ecount(), g.es["weight"]
    (['a', 'b', 'c'], 3, 2, [2.0, 1.0])
    """
    c = convert(G, weight)
    c.graph.es["weight"] = c.weight.tolist()
    return c.graph, c.nodes


@contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Run igraph's randomised algorithms with ``random.Random(seed)``, then restore igraph's default RNG.

    python-igraph draws from the :mod:`random` module by default; the global state is left untouched.
    Not thread-safe (igraph's RNG is process-wide).
    """
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


# ------------------------------------------------------------- helpers shared by the metric modules


def node_index(c: Converted) -> pd.Index:
    """The node ids of ``c`` in vertex order as the index of a result frame (name ``id``)."""
    return pd.Index(c.nodes, name="id", dtype=object)


def components(c: Converted) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Component label per vertex, component sizes and edge counts per component."""
    memb = np.asarray(c.graph.connected_components().membership, dtype=np.int64)
    k = int(memb.max()) + 1 if memb.size else 0
    sizes = np.bincount(memb, minlength=k)
    edges = np.bincount(memb[c.src], minlength=k) if c.m else np.zeros(k, dtype=np.int64)
    return memb, sizes, edges


def node_attr(G: nx.Graph | ArrayGraph, nodes: list[Hashable], attr: str) -> list[Any]:
    """The node attribute ``attr`` of every node of ``nodes`` (None where absent; for an :class:`ArrayGraph`,
    ``nodes`` must be its own node list)."""
    if isinstance(G, ArrayGraph):
        return G.attribute(attr)
    data = G.nodes
    return [data[v].get(attr) for v in nodes]
