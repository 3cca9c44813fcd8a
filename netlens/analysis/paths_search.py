"""The tie graph as CSR arrays and Yen's k-best loopless route search on it (untimed).

:class:`Ties` holds the tie graph (codes, strengths, costs), :class:`Carriers` the activities carrying each tie
(looked up on demand), :class:`Search` yields routes (lists of member codes) best first for one mode. Used by
:mod:`netlens.analysis.paths` (and :mod:`netlens.analysis.paths_timed` for time-respecting routes); the rules
are in the :mod:`netlens.analysis.paths` docstring.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components, dijkstra, minimum_spanning_tree

from netlens.analysis.evidence import activity_label

__all__ = ["INF", "Key", "Carriers", "Ties", "spur_path", "Search"]


INF = math.inf


class Carriers:
    """The activities carrying each tie, looked up on demand (building them for every tie of a large graph is slow)."""

    def __init__(self, d: Any) -> None:
        info = d.info
        start_ord = info["start_ord"].to_numpy()
        end_ord = info["end_ord"].to_numpy()
        is_tandem = (info["channel"] == "tandem").to_numpy()
        self.lo = np.where(np.isnan(start_ord), end_ord, start_ord).tolist()
        self.hi = np.where(np.isnan(end_ord), np.where(is_tandem & ~np.isnan(start_ord), INF, start_ord), end_ord).tolist()
        self.act_id, self.name, self.channel = info["id"].tolist(), info["name"].tolist(), info["channel"].tolist()
        self.start, self.end = info["start"].tolist(), info["end"].tolist()
        self.labels: dict[int, str] = {}
        self.n_ids = len(d.ids)
        long = d.long
        key = long["uc"].to_numpy().astype(np.int64) * self.n_ids + long["vc"].to_numpy()
        order = np.argsort(key, kind="stable")
        self.keys = key[order]
        self.ac = long["ac"].to_numpy()[order]
        self.contribution = long["contribution"].to_numpy()[order]
        self.cache: dict[int, list[dict[str, Any]]] = {}

    def label(self, ac: int) -> str:
        if ac not in self.labels:
            self.labels[ac] = activity_label(self.channel[ac], str(self.name[ac]), self.start[ac], self.end[ac])
        return self.labels[ac]

    def __call__(self, cu: int, cv: int) -> list[dict[str, Any]]:
        """The activities on the tie between member codes ``cu`` and ``cv``, strongest first."""
        key = min(cu, cv) * self.n_ids + max(cu, cv)
        if key not in self.cache:
            lo, hi = np.searchsorted(self.keys, [key, key + 1])
            rows = [
                {
                    "activity_id": str(self.act_id[ac]),
                    "name": str(self.name[ac]),
                    "channel": str(self.channel[ac]),
                    "start": self.start[ac],
                    "end": self.end[ac],
                    "contribution": float(c),
                    "lo": float(self.lo[ac]),
                    "hi": float(self.hi[ac]),
                    "label": self.label(ac),
                }
                for ac, c in zip(self.ac[lo:hi].tolist(), self.contribution[lo:hi].tolist())
            ]
            self.cache[key] = sorted(rows, key=lambda c: (-c["contribution"], c["name"]))
        return self.cache[key]


class Ties:
    """The tie graph as symmetric CSR arrays (every tie stored once per direction, neighbours sorted).

    Node codes are positions in ``ids`` (sorted member ids, so code order = id order); arc arrays
    ``strength``, ``cost`` (1/S), ``p`` and ``neglogp`` are aligned with ``indices``.
    """

    def __init__(
        self, ids: np.ndarray, names: list[str], u: np.ndarray, v: np.ndarray, strength: np.ndarray, kappa: float
    ) -> None:
        n = len(ids)
        self.ids, self.names, self.n = ids, names, n
        self.code = {str(x): i for i, x in enumerate(ids.tolist())}
        rows, cols = np.r_[u, v].astype(np.int64), np.r_[v, u].astype(np.int64)
        key = rows * n + cols
        order = np.argsort(key)
        self.arc_key = key[order]  # ascending: finds the arc (x, y) by binary search
        self.rows, self.indices = rows[order], cols[order]
        self.indptr = np.r_[0, np.cumsum(np.bincount(self.rows, minlength=n))].astype(np.int64)
        s = np.r_[strength, strength].astype(float)[order]
        self.strength, self.cost = s, 1.0 / s
        self.p = -np.expm1(-kappa * s)
        with np.errstate(divide="ignore"):
            self.neglogp = -np.log1p(-np.exp(-kappa * s))
        self.degree = np.diff(self.indptr)
        self._labels: np.ndarray | None = None

    @classmethod
    def from_graph(cls, g: nx.Graph, kappa: float = 1.0) -> Ties:
        """From an undirected graph with edge attribute ``strength`` (names from node attribute ``name``)."""
        ids = np.array(sorted(map(str, g.nodes)), dtype=object)
        code = {x: i for i, x in enumerate(ids.tolist())}
        edges = [(code[str(a)], code[str(b)], float(d["strength"])) for a, b, d in g.edges(data=True) if a != b]
        names = [str(g.nodes[x].get("name", x)) if x in g.nodes else str(x) for x in ids.tolist()]
        return cls(
            ids,
            names,
            np.array([e[0] for e in edges], dtype=np.int64),
            np.array([e[1] for e in edges], dtype=np.int64),
            np.array([e[2] for e in edges], dtype=float),
            kappa,
        )

    def arcs(self, x: Any, y: Any) -> np.ndarray:
        """Positions of the arcs x→y (arrays of codes)."""
        return np.searchsorted(self.arc_key, np.asarray(x, dtype=np.int64) * self.n + np.asarray(y, dtype=np.int64))

    def component(self) -> np.ndarray:
        if self._labels is None:
            self._labels = connected_components(self.matrix(self.cost), directed=False)[1]
        return self._labels

    def matrix(self, data: np.ndarray) -> sp.csr_matrix:
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(self.n, self.n))

    def path_arcs(self, path: list[int]) -> np.ndarray:
        return self.arcs(path[:-1], path[1:])


Key = tuple[float, ...]


def spur_path(pred: np.ndarray, s: int, t: int) -> list[int]:
    """The path s → t read back from a predecessor array (``pred`` of a search from s)."""
    path = [t]
    while path[-1] != s:
        path.append(int(pred[path[-1]]))
    return path[::-1]


class Search:
    """Yen's k-best loopless routes on :class:`Ties` for one mode (Yen 1971, with Lawler's rule: a route's
    spurs are searched only from its deviation node on — the earlier roots were searched for its parent).

    Candidates are ordered by the mode's key, then by hop count and node codes, so ties are broken the same way
    every time. ``want`` (the number of routes still to yield, when known) lets a spur search stop early once
    it cannot beat the candidates already queued.
    """

    def __init__(self, ties: Ties, s: int, t: int, mode: str) -> None:
        self.ties, self.s, self.t, self.mode = ties, s, t, mode
        self.weight = ties.neglogp if mode == "reliable" else ties.cost
        self._bott: np.ndarray | None = None

    # -- keys
    def key(self, path: list[int]) -> Key:
        arcs = self.ties.path_arcs(path).tolist()
        cost = 0.0
        for a in arcs:
            cost += float(self.weight[a])
        cost = float(f"{cost:.12g}")  # sums in another order differ in the last bits: such routes are equally good
        if self.mode == "widest":
            return (-min(float(self.ties.strength[a]) for a in arcs), cost, len(path), *path)
        return (cost, len(path), *path)

    # -- masks
    def _masked(self, data: np.ndarray, banned_nodes: list[int], banned_arcs: list[int]) -> np.ndarray:
        data = data.copy()
        ip = self.ties.indptr
        for x in banned_nodes:  # a banned node cannot be left, so no route passes through it
            data[ip[x] : ip[x + 1]] = INF
        if banned_arcs:
            data[banned_arcs] = INF
        return data

    # -- additive modes
    def _additive_spur(self, x: int, banned_nodes: list[int], banned_arcs: list[int], limit: float) -> list[int] | None:
        data = self._masked(self.weight, banned_nodes, banned_arcs)
        dist, pred = dijkstra(self.ties.matrix(data), indices=x, return_predecessors=True, limit=limit)
        if not math.isfinite(dist[self.t]):
            return None
        return spur_path(pred, x, self.t)

    # -- widest
    def _bottleneck_to_t(self) -> np.ndarray:
        """Widest bottleneck from every node to t without restrictions: the minimum strength on the path to t in a
        maximum spanning forest (maximum spanning tree = minimum spanning tree on 1/S, a decreasing function)."""
        if self._bott is None:
            ties, t = self.ties, self.t
            forest = minimum_spanning_tree(ties.matrix(ties.cost))
            order, pred = breadth_first_order(forest, t, directed=False, return_predecessors=True)
            bott = np.full(ties.n, -INF)
            bott[t] = INF
            child = order[1:]
            width = ties.strength[ties.arcs(child, pred[child])].tolist()
            for c, p_, wv in zip(child.tolist(), pred[child].tolist(), width):  # BFS order: the parent comes first
                bott[c] = min(bott[p_], wv)
            self._bott = bott
        return self._bott

    def _widest_spur(self, x: int, banned_nodes: list[int], banned_arcs: list[int], root_width: float) -> list[int] | None:
        """Best spur from x: maximise min(root_width, bottleneck), then minimise Σ 1/S."""
        ties, t = self.ties, self.t
        cost = self._masked(ties.cost, banned_nodes, banned_arcs)
        # the unrestricted bottleneck bounds the restricted one; when a route reaches it, it is the answer
        thr = min(root_width, float(self._bottleneck_to_t()[x]))
        if thr == -INF:
            return None
        dist, pred = dijkstra(ties.matrix(np.where(ties.strength >= thr, cost, INF)), indices=x, return_predecessors=True)
        if math.isfinite(dist[t]):
            return spur_path(pred, x, t)
        # else the restrictions cut every route that wide: the best bottleneck of what is left (its maximum
        # spanning forest), then the shortest route among ties at least that strong
        keep = np.isfinite(cost) & ~np.isin(ties.indices, banned_nodes)  # an undirected forest: cut both directions
        if banned_arcs:
            keep[ties.arcs(ties.indices[banned_arcs], ties.rows[banned_arcs])] = False
        indptr = np.r_[0, np.cumsum(np.bincount(ties.rows[keep], minlength=ties.n))]
        left = sp.csr_matrix((cost[keep], ties.indices[keep], indptr), shape=(ties.n, ties.n))
        forest = minimum_spanning_tree(left)
        _, pred = breadth_first_order(forest, x, directed=False, return_predecessors=True)
        if pred[t] < 0:
            return None
        tree_path = spur_path(pred, x, t)
        thr = min(root_width, float(ties.strength[ties.path_arcs(tree_path)].min()))
        dist, pred = dijkstra(ties.matrix(np.where(ties.strength >= thr, cost, INF)), indices=x, return_predecessors=True)
        return spur_path(pred, x, t)

    def _cost_limit(self, root: list[int], bound: Key | None) -> float:
        """How much cost a spur from the end of ``root`` may add and still compete with the routes queued (``bound``)."""
        if bound is None:
            return INF
        root_cost = sum(float(self.weight[a]) for a in self.ties.path_arcs(root).tolist()) if len(root) > 1 else 0.0
        return (bound[0] - root_cost) * (1 + 1e-9) + 1e-12  # a little slack: equal routes still compete on ties

    def _spur(
        self, x: int, banned_nodes: list[int], banned_arcs: list[int], root: list[int], bound: Key | None
    ) -> list[int] | None:
        if self.mode == "widest":
            root_width = float(self.ties.strength[self.ties.path_arcs(root)].min()) if len(root) > 1 else INF
            if bound is not None and -min(root_width, float(self._bottleneck_to_t()[x])) > bound[0]:
                return None  # cannot be as wide as the routes already queued
            return self._widest_spur(x, banned_nodes, banned_arcs, root_width)
        limit = self._cost_limit(root, bound)
        if limit < 0:
            return None
        return self._additive_spur(x, banned_nodes, banned_arcs, limit)

    def routes(self, want: int | None = None) -> Iterator[list[int]]:
        first = self._spur(self.s, [], [], [self.s], None)
        if first is None:
            return
        found: list[tuple[list[int], int]] = [(first, 0)]  # (route, index of its deviation node)
        yield first
        seen = {tuple(first)}
        candidates: list[tuple[Key, list[int], int]] = []
        while want is None or len(found) < want:
            last, dev = found[-1]
            need = None if want is None else want - len(found)
            for i in range(dev, len(last) - 1):
                root = last[: i + 1]
                banned = {p[i + 1] for p, _ in found if len(p) > i + 1 and p[: i + 1] == root}
                bound = heapq.nsmallest(need, candidates)[-1][0] if need is not None and len(candidates) >= need else None
                spur = self._spur(
                    root[-1], root[:-1], self.ties.arcs([root[-1]] * len(banned), sorted(banned)).tolist(), root, bound
                )
                if spur is None:
                    continue
                path = root[:-1] + spur
                if tuple(path) not in seen:
                    seen.add(tuple(path))
                    heapq.heappush(candidates, (self.key(path), path, i))
            if not candidates:
                return
            _, nxt, i = heapq.heappop(candidates)
            found.append((nxt, i))
            yield nxt
