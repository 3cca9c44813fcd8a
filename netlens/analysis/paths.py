"""Knowledge-transfer paths: the best routes knowledge can take from one member to another, hop by hop.

The routes run on the *tie graph*: members linked when they share any activity, declared tandem or
transfer, each tie weighted by its tandem strength S_e (:func:`netlens.analysis.tandems.tandem_strength`; the tie
graph is undirected — cooperation carries knowledge both ways). Every hop is named with the activity
that carries it, e.g. ``Nantes —mySMARTLife (2016–2021)→ Hamburg —study visit 2019→ Rijeka``; the
intermediate members are the route's *brokers*.

Modes
-----
``shortest``
    minimise Σ_e 1/S_e (a strong tie is short, as Newman's distances [1]_ and CONVENTIONS.md).
``widest``
    maximise the weakest tie min_e S_e (the route's bottleneck; maximin / widest path); among equally
    wide routes, the shortest (Σ 1/S_e). Solved exactly in two steps: the best bottleneck B* is the weakest
    tie on the path between the two members in a maximum spanning forest (any maximum spanning tree holds
    a widest path between every pair [4]_), then a Dijkstra on the ties with S_e ≥ B* finds the shortest
    such route.
``reliable``
    maximise Π_e p_e with p_e = 1 − exp(−κ S_e) (κ from the weights, ``paths.kappa``): the chance
    knowledge crosses every tie if tie e passes it on with probability p_e; i.e. the shortest path for
    the additive cost −log p_e.

k alternatives
--------------
Yen's algorithm [2]_: loopless routes in order of quality, with Lawler's rule [5]_ (a route's spurs are searched
from its deviation node on only). Spur searches run on CSR arrays (SciPy's Dijkstra and minimum spanning
tree), with the root's members and the root's already used next ties masked out. For ``widest`` the spur
search returns, for a fixed root with bottleneck b_r, the spur maximising min(b_r, spur bottleneck) and
then minimising Σ 1/S — the best route in each of Yen's deviation classes, which is all Yen's argument
needs. The unrestricted widest bottleneck from the spur node bounds it; when a route that wide survives
the masks it is the answer, else the maximum spanning forest of what is left gives it. Routes of equal
quality (costs equal to 12 significant digits) come fewer hops first, then by member id; equally good
spurs found by one Dijkstra are not re-ordered, so which of two equal routes comes first is fixed but
otherwise arbitrary.

Topic
-----
``topic`` keeps only activities about that topic (projects, exchanges — an exchange without topics
inherits its project's — declared tandems and transfers naming it) before the ties are built.

Time-respecting routes
----------------------
Each hop's activity must not be earlier than the previous hop's: each carrying activity is an interval
[start, end] (an exchange or a transfer is a single day; a project without end is its start day; a
declared tandem without ``until`` is open-ended; undated activities cannot be placed in time and are
not used). Knowledge reaches the first member at the start of the first hop's activity; along a route
the arrival time is τ_i = max(τ_{i−1}, start_i), and the hop is possible when τ_i ≤ end_i. On each tie
the activity giving the earliest τ_i is chosen (earliest arrival keeps every later option open, so this
greedy choice is exact for a given route). The route's cost is still measured on the tie strengths S_e;
only the hop labels use the chosen activities (the strongest activities that keep the route in time order).

The search only ever extends routes in time order. First an earliest-arrival search from the source (all
members whose arrival improved are propagated at once, round after round) gives every member's earliest
τ; when the target is never reached no route can respect time order, and :class:`~netlens.errors.NoPathError`
says so at once. A latest-departure search back from the target gives, for every member, the latest τ
from which the target can still be reached, and prunes every label arriving later. The best route is then a
label-setting search over (member, τ): a label at a member is dominated by one already settled there with a
cost at least as good and τ no later (shortest: Σ 1/S_e; reliable: Σ −log p_e; widest: the bottleneck, then
Σ 1/S_e among routes that wide), and only labels not dominated are extended. Walks in time order shorten
to simple routes in time order, no worse, and a settled label never revisits a member, so the first label
to reach the target is exactly the best route in time order. Labels leave the heap in A* order: the untimed
distance to the target (one Dijkstra) bounds the additive cost from below, the untimed widest bottleneck
(the maximum spanning forest) bounds the width from above. For ``widest`` the search first finds the best
bottleneck B in time order, then the shortest route in time order among ties with S_e ≥ B (one search
suffices when the bottleneck reaches the cap: the previous route's width, which no later route exceeds).
The k alternatives come from Yen's scheme on top of this search (with Lawler's rule, as above): for a root
whose members are fixed, the arrival time at the spur node along the root is fixed too, so each spur search
is this labelled search started there at that τ, avoiding the root's members and already used next ties —
the best route of each deviation class, which is all Yen's argument needs. ``paths.max_candidates`` in the
weights file is no longer used (the search never generates routes out of time order) and is only accepted
for compatibility.

References
----------
.. [1] M. E. J. Newman, "Scientific collaboration networks. II. Shortest paths, weighted networks,
   and centrality", Phys. Rev. E 64, 016132 (2001).
.. [2] J. Y. Yen, "Finding the k shortest loopless paths in a network", Management Science 17(11),
   712–716 (1971).
.. [3] M. S. Granovetter, "The strength of weak ties", American Journal of Sociology 78(6),
   1360–1380 (1973).
.. [4] T. C. Hu, "The maximum capacity route problem", Operations Research 9(6), 898–900 (1961).
.. [5] E. L. Lawler, "A procedure for computing the K best solutions to discrete optimization problems and
   its application to the shortest path problem", Management Science 18(7), 401–405 (1972).
"""

from __future__ import annotations

import datetime as _dt
import heapq
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components, dijkstra, minimum_spanning_tree

from netlens.analysis.tandems import TandemWeights, _activity_label, _collect, _pair_numbers, _resolve, load_weights
from netlens.errors import NoPathError, UsageError
from netlens.model.projection import members
from netlens.validation import Tables

__all__ = ["MODES", "Hop", "Route", "tie_graph", "transfer_paths", "routes_frame"]

MODES = ("shortest", "widest", "reliable")
_INF = math.inf


@dataclass(frozen=True)
class Hop:
    """One step of a route: ``source`` passes knowledge to ``target`` through ``activity``."""

    source: str
    target: str
    source_name: str
    target_name: str
    activity_id: str
    activity: str  # the activity's name
    channel: str
    start: _dt.date | None
    end: _dt.date | None
    when: _dt.date | None  # time-respecting routes: the arrival date τ at ``target``; else None
    strength: float  # the tie's tandem strength S_e
    label: str  # e.g. "mySMARTLife (2016–2021)", "study visit 2019"
    others: int  # further activities on the same tie


@dataclass(frozen=True)
class Route:
    """A route and its quality in all three modes (whatever mode found it)."""

    rank: int
    mode: str
    nodes: tuple[str, ...]
    names: tuple[str, ...]
    hops: tuple[Hop, ...]
    cost: float  # Σ 1/S_e
    bottleneck: float  # min S_e
    reliability: float  # Π (1 − exp(−κ S_e))
    brokers: tuple[str, ...]  # names of the intermediate members
    text: str

    def __str__(self) -> str:
        return self.text


# ------------------------------------------------------------------------------------------ tie graph


class _Carriers:
    """The activities carrying each tie, looked up on demand (building them for every tie of a large graph is slow)."""

    def __init__(self, d: Any) -> None:
        info = d.info
        start_ord = info["start_ord"].to_numpy()
        end_ord = info["end_ord"].to_numpy()
        is_tandem = (info["channel"] == "tandem").to_numpy()
        self.lo = np.where(np.isnan(start_ord), end_ord, start_ord).tolist()
        self.hi = np.where(np.isnan(end_ord), np.where(is_tandem & ~np.isnan(start_ord), _INF, start_ord), end_ord).tolist()
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
            self.labels[ac] = _activity_label(self.channel[ac], str(self.name[ac]), self.start[ac], self.end[ac])
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


class _Ties:
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
    def from_graph(cls, g: nx.Graph, kappa: float = 1.0) -> _Ties:
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


def _tie_graph(
    tables: Tables,
    *,
    level: str,
    weights: TandemWeights,
    since: _dt.date | None,
    until: _dt.date | None,
    topic: str | None,
    mem: pd.DataFrame | None = None,
) -> tuple[_Ties, _Carriers]:
    d = _collect(tables, level=level, weights=weights, since=since, until=until, topic=topic, mem=mem)
    if d.long.empty:
        u = v = np.zeros(0, dtype=np.int64)
        s = np.zeros(0)
    else:
        pn = _pair_numbers(d)
        keep = pn["strength"] > 0  # a tie whose channels all have β = 0 carries nothing
        u, v, s = pn["uc"][keep], pn["vc"][keep], pn["strength"][keep]
    names = [d.names.get(x, x) for x in d.ids.tolist()]
    return _Ties(d.ids, names, u, v, s, weights.kappa), _Carriers(d)


def tie_graph(
    tables: Tables,
    *,
    level: str = "city",
    weights: TandemWeights | None = None,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    topic: str | None = None,
) -> nx.Graph:
    """The undirected tie graph the routes run on.

    Nodes: members with at least one tie (attribute ``name``). Edge attributes: ``strength`` (S_e),
    ``cost`` (1/S_e), ``p`` (1 − exp(−κ S_e)), ``neglogp`` (−log p_e) and ``carriers``: the activities on
    the tie, strongest first, each a dict ``activity_id, name, channel, start, end, contribution, lo, hi,
    label`` (lo/hi: the activity's interval as date ordinals, NaN when undated, hi = inf when open-ended).
    (:func:`transfer_paths` works on CSR arrays and builds the carriers only for the hops it reports.)

    Examples
    --------
    >>> from netlens.validation import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "country": ["FR"] * 2,
    ...                             "lat": [None] * 2, "lon": [None] * 2, "population": [None] * 2, "tags": [None] * 2})
    >>> t["transfers"] = pd.DataFrame({"from_id": ["a"], "to_id": ["b"], "solution": ["Open data"], "topic": [None],
    ...                                "date": [_dt.date(2020, 5, 1)]})
    >>> g = tie_graph(t)
    >>> g["a"]["b"]["strength"], g["a"]["b"]["carriers"][0]["label"]
    (5.0, 'transfer Open data 2020')
    """
    ties, carriers = _tie_graph(
        tables, level=level, weights=weights if weights is not None else load_weights(), since=since, until=until, topic=topic
    )
    g = nx.Graph(level=level, topic=topic)
    ids = [str(x) for x in ties.ids.tolist()]
    g.add_nodes_from((ids[i], {"name": ties.names[i]}) for i in np.flatnonzero(ties.degree).tolist())
    fwd = np.flatnonzero(ties.rows < ties.indices)
    g.add_edges_from(
        (ids[x], ids[y], {"strength": sv, "cost": cv, "p": pv, "neglogp": nv, "carriers": carriers(x, y)})
        for x, y, sv, cv, pv, nv in zip(
            ties.rows[fwd].tolist(),
            ties.indices[fwd].tolist(),
            ties.strength[fwd].tolist(),
            ties.cost[fwd].tolist(),
            ties.p[fwd].tolist(),
            ties.neglogp[fwd].tolist(),
        )
    )
    return g


# ---------------------------------------------------------------------------------------------- search

_Key = tuple[float, ...]


def _spur_path(pred: np.ndarray, s: int, t: int) -> list[int]:
    path = [t]
    while path[-1] != s:
        path.append(int(pred[path[-1]]))
    return path[::-1]


class _Search:
    """Yen's k-best loopless routes on :class:`_Ties` for one mode (Yen 1971, with Lawler's rule: a route's
    spurs are searched only from its deviation node on — the earlier roots were searched for its parent).

    Candidates are ordered by the mode's key, then by hop count and node codes, so ties are broken the same way
    every time. ``want`` (the number of routes still to yield, when known) lets a spur search stop early once
    it cannot beat the candidates already queued.
    """

    def __init__(self, ties: _Ties, s: int, t: int, mode: str) -> None:
        self.ties, self.s, self.t, self.mode = ties, s, t, mode
        self.weight = ties.neglogp if mode == "reliable" else ties.cost
        self._bott: np.ndarray | None = None

    # -- keys
    def key(self, path: list[int]) -> _Key:
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
            data[ip[x] : ip[x + 1]] = _INF
        if banned_arcs:
            data[banned_arcs] = _INF
        return data

    # -- additive modes
    def _additive_spur(self, x: int, banned_nodes: list[int], banned_arcs: list[int], limit: float) -> list[int] | None:
        data = self._masked(self.weight, banned_nodes, banned_arcs)
        dist, pred = dijkstra(self.ties.matrix(data), indices=x, return_predecessors=True, limit=limit)
        if not math.isfinite(dist[self.t]):
            return None
        return _spur_path(pred, x, self.t)

    # -- widest
    def _bottleneck_to_t(self) -> np.ndarray:
        """Widest bottleneck from every node to t without restrictions: the minimum strength on the path to t in a
        maximum spanning forest (maximum spanning tree = minimum spanning tree on 1/S, a decreasing function)."""
        if self._bott is None:
            ties, t = self.ties, self.t
            forest = minimum_spanning_tree(ties.matrix(ties.cost))
            order, pred = breadth_first_order(forest, t, directed=False, return_predecessors=True)
            bott = np.full(ties.n, -_INF)
            bott[t] = _INF
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
        if thr == -_INF:
            return None
        dist, pred = dijkstra(ties.matrix(np.where(ties.strength >= thr, cost, _INF)), indices=x, return_predecessors=True)
        if math.isfinite(dist[t]):
            return _spur_path(pred, x, t)
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
        tree_path = _spur_path(pred, x, t)
        thr = min(root_width, float(ties.strength[ties.path_arcs(tree_path)].min()))
        dist, pred = dijkstra(ties.matrix(np.where(ties.strength >= thr, cost, _INF)), indices=x, return_predecessors=True)
        return _spur_path(pred, x, t)

    def _cost_limit(self, root: list[int], bound: _Key | None) -> float:
        """How much cost a spur from the end of ``root`` may add and still compete with the routes queued (``bound``)."""
        if bound is None:
            return _INF
        root_cost = sum(float(self.weight[a]) for a in self.ties.path_arcs(root).tolist()) if len(root) > 1 else 0.0
        return (bound[0] - root_cost) * (1 + 1e-9) + 1e-12  # a little slack: equal routes still compete on ties

    def _spur(
        self, x: int, banned_nodes: list[int], banned_arcs: list[int], root: list[int], bound: _Key | None
    ) -> list[int] | None:
        if self.mode == "widest":
            root_width = float(self.ties.strength[self.ties.path_arcs(root)].min()) if len(root) > 1 else _INF
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
        candidates: list[tuple[_Key, list[int], int]] = []
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


# ------------------------------------------------------------------------------------ time-respecting search


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The concatenated ranges [lo_i, hi_i) and, for each position, the index i of its range."""
    lens = hi - lo
    owner = np.repeat(np.arange(len(lo)), lens)
    return np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(lo, lens), owner


class _Timeline:
    """The carrying activities of every arc of :class:`_Ties` as intervals [lo, hi] (date ordinals), in arc order.

    An arc x→y can be taken at time τ (knowledge has reached x at τ) through a carrier with hi ≥ τ and
    lo ≤ hi; knowledge then reaches y at max(τ, lo). Undated carriers (and any with lo > hi) can never be
    taken: they are stored as [∞, −∞].
    """

    def __init__(self, ties: _Ties, carriers: _Carriers) -> None:
        self.ties = ties
        n = ties.n
        lo_a, hi_a = np.asarray(carriers.lo, dtype=float), np.asarray(carriers.hi, dtype=float)
        dead = np.isnan(lo_a) | np.isnan(hi_a) | (lo_a > hi_a)
        lo_a, hi_a = np.where(dead, _INF, lo_a), np.where(dead, -_INF, hi_a)
        keys, ac = carriers.keys.astype(np.int64), carriers.ac
        uc, vc = keys // n, keys % n
        arcs, lo, hi = [], [], []
        for x, y in ((uc, vc), (vc, uc)):
            k = x * n + y
            pos = np.minimum(np.searchsorted(ties.arc_key, k), max(len(ties.arc_key) - 1, 0))
            ok = ties.arc_key[pos] == k if len(ties.arc_key) else np.zeros(len(k), dtype=bool)  # ties of strength 0 are gone
            arcs.append(pos[ok])
            lo.append(lo_a[ac[ok]])
            hi.append(hi_a[ac[ok]])
        arc = np.concatenate(arcs)
        order = np.argsort(arc, kind="stable")
        arc = arc[order]
        self.lo, self.hi = np.concatenate(lo)[order], np.concatenate(hi)[order]
        self.dst = ties.indices[arc]
        self.ptr = np.r_[0, np.cumsum(np.bincount(arc, minlength=len(ties.indices)))].astype(np.int64)  # every tie has a row
        # row range of each node's arcs
        self.node_lo, self.node_hi = self.ptr[ties.indptr[:-1]], self.ptr[ties.indptr[1:]]

    def along(self, path: list[int], tau: float = -_INF) -> float:
        """Arrival time at the end of ``path`` leaving its first member at ``tau`` (∞ when not in time order)."""
        for a in self.ties.path_arcs(path).tolist():
            r0, r1 = int(self.ptr[a]), int(self.ptr[a + 1])
            lo, hi = self.lo[r0:r1], self.hi[r0:r1]
            ok = (hi >= tau) & (lo <= hi)
            if not ok.any():
                return _INF
            tau = max(tau, float(lo[ok].min()))
        return tau

    def earliest(self, s: int) -> np.ndarray:
        """Earliest arrival at every member from ``s`` (−∞ at s itself, ∞ when never reached): a label-correcting
        search over the whole frontier at once (each round propagates every member whose arrival improved)."""
        ea = np.full(self.ties.n, _INF)
        ea[s] = -_INF
        frontier = np.array([s], dtype=np.int64)
        while frontier.size:
            rows, owner = _ranges(self.node_lo[frontier], self.node_hi[frontier])
            tau = ea[frontier][owner]
            arr = np.maximum(self.lo[rows], tau)
            dst = self.dst[rows]
            better = (self.hi[rows] >= tau) & (arr < ea[dst])
            if not better.any():
                break
            new = ea.copy()
            np.minimum.at(new, dst[better], arr[better])
            frontier = np.flatnonzero(new < ea)
            ea = new
        return ea

    def latest(self, t: int) -> np.ndarray:
        """Latest time knowledge may reach each member and still get on to ``t`` in time order (∞ at t, −∞ when never).

        LD(x) = max over carriers [lo, hi] of the ties x–y with lo ≤ LD(y) of min(hi, LD(y)): leaving x at τ ≤ that,
        the carrier is still open (hi ≥ τ) and reaches y at max(τ, lo) ≤ LD(y). Ties are undirected, so a member's
        arcs hold the carriers of its incoming ties too."""
        ld = np.full(self.ties.n, -_INF)
        ld[t] = _INF
        frontier = np.array([t], dtype=np.int64)
        while frontier.size:
            rows, owner = _ranges(self.node_lo[frontier], self.node_hi[frontier])
            limit = ld[frontier][owner]
            cand = np.minimum(self.hi[rows], limit)
            dst = self.dst[rows]
            better = (self.lo[rows] <= limit) & (cand > ld[dst])
            if not better.any():
                break
            new = ld.copy()
            np.maximum.at(new, dst[better], cand[better])
            frontier = np.flatnonzero(new > ld)
            ld = new
        return ld


class _TimedSearch(_Search):
    """Yen's k best loopless routes (with Lawler's rule, as :class:`_Search`) among the routes in time order.

    Every spur search is a label-setting search over (member, arrival τ) that only ever extends routes in time
    order, starting at the spur node at the root's arrival time (the earliest arrival along the root: arriving
    earlier never closes an option); see :meth:`_labelled`.
    """

    def __init__(self, ties: _Ties, timeline: _Timeline, s: int, t: int, mode: str) -> None:
        super().__init__(ties, s, t, mode)
        self.timeline = timeline
        self.latest = timeline.latest(t)
        self._h: dict[float, np.ndarray] = {}
        self._width = _INF  # bottleneck of the last route yielded: no later route is wider

    def routes(self, want: int | None = None) -> Iterator[list[int]]:
        for path in super().routes(want):
            self._width = float(self.ties.strength[self.ties.path_arcs(path)].min())
            yield path

    def _to_t(self, theta: float = -_INF) -> np.ndarray:
        """Untimed, unmasked distances to t for the mode's additive weight (ties with S ≥ theta): A*'s lower bound."""
        if theta not in self._h:
            data = self.weight if theta == -_INF else np.where(self.ties.strength >= theta, self.weight, _INF)
            self._h[theta] = dijkstra(self.ties.matrix(data), indices=self.t)
        return self._h[theta]

    def _labelled(
        self,
        x: int,
        tau0: float,
        banned_nodes: list[int],
        banned_arcs: list[int],
        *,
        widest: bool,
        cap: float = _INF,
        limit: float = _INF,
        limit2: float = _INF,
        theta: float = -_INF,
    ) -> tuple[list[int], float] | None:
        """The best spur from x (reached at tau0) to t in time order, avoiding ``banned_nodes`` and ``banned_arcs``.

        A label is (member, τ, g = Σ weight so far, b = min(cap, S_e so far)), kept with its parent, and leaves
        the heap in the order of its priority (f, f₂): additive modes f = g + h (h: untimed distance to t, a
        consistent lower bound: A*), f₂ = 0; widest f = −min(b, U) (U: untimed widest bottleneck to t, a
        consistent upper bound), f₂ = g + h. Extending a label never lowers f, so at each member the labels
        leave in order of f (for equal f, of g), and a label is dominated — a label already settled there is at
        least as good on f (and g) and arrived no later, so it can continue every way this one can — exactly
        when its τ is not below the member's smallest settled τ. Dominated labels are dropped; the others settle
        and extend over every tie with a carrier still open (end ≥ τ), arriving at the earliest max(τ, start),
        unless that is later than the member's latest useful time (:meth:`_Timeline.latest`). A settled label
        never revisits a member (its earlier visit dominates it), and any walk in time order shortcuts to a
        simple route no worse and still in time order, so the first label settled at t is the best route in
        time order: the cheapest (additive), or the widest up to ``cap`` (widest; when its width reaches ``cap``
        every label settled had f = −cap, so the search was A* on Σ 1/S among ties with S ≥ cap and the route
        is also the shortest of them). Labels with f above ``limit`` or f₂ above ``limit2`` are never made;
        ``theta`` keeps only ties with S ≥ theta. Returns (spur, g or b) or None.
        """
        ties, tl, t = self.ties, self.timeline, self.t
        n = ties.n
        if tau0 > self.latest[x]:
            return None
        h = self._to_t(cap if widest and cap < _INF else theta)  # widest: A* on Σ 1/S among ties with S ≥ cap
        wide = self._bottleneck_to_t() if widest else h
        f0 = -min(cap, float(wide[x])) if widest else float(h[x])
        if not f0 <= limit or not math.isfinite(f0):
            return None
        big = np.finfo(float).max  # "≤ big" is "< ∞"
        lat = self.latest.copy()  # a label arriving later than this cannot reach t
        lat[banned_nodes] = -_INF
        lat[t] = big
        lim, lim2 = min(limit, big), limit2
        banned = np.asarray(banned_arcs, dtype=np.int64) - ties.indptr[x]
        settled = np.full(n, _INF)  # smallest τ settled at each member
        tent_f, tent_f2, tent_tau = np.full(n, _INF), np.full(n, _INF), np.full(n, _INF)  # best label made there
        nodes, parents = [x], [-1]
        heap: list[tuple[float, float, float, int, float, float]] = [(f0, float(h[x]) if widest else 0.0, tau0, 0, 0.0, cap)]
        weight, strength, indices, indptr, ptr = self.weight, ties.strength, ties.indices, ties.indptr, tl.ptr
        lo_all, hi_all = tl.lo, tl.hi
        while heap:
            _, _, tau, label, g, b = heapq.heappop(heap)
            u = nodes[label]
            if tau >= settled[u]:
                continue
            settled[u] = tau
            if u == t:
                path = [t]
                while parents[label] >= 0:
                    label = parents[label]
                    path.append(nodes[label])
                return path[::-1], (b if widest else g)
            a0, a1 = int(indptr[u]), int(indptr[u + 1])
            r0, r1 = int(ptr[a0]), int(ptr[a1])
            arr = np.maximum(lo_all[r0:r1], tau)  # the earliest arrival over each tie of u
            arr[hi_all[r0:r1] < tau] = _INF
            arr = np.minimum.reduceat(arr, ptr[a0:a1] - r0)
            v = indices[a0:a1]
            ok = (arr <= lat[v]) & (arr < settled[v])
            if theta > -_INF:
                ok &= strength[a0:a1] >= theta
            if u == x and banned.size:
                ok[banned] = False
            pick = np.flatnonzero(ok)
            if not pick.size:
                continue
            arcs, vs, taus = pick + a0, v[pick], arr[pick]
            ng = g + weight[arcs]
            if widest:
                nb = np.minimum(b, strength[arcs])
                nf, nf2 = -np.minimum(nb, wide[vs]), ng + h[vs]
            else:
                nb, nf, nf2 = np.full(len(pick), b), ng + h[vs], np.zeros(len(pick))
            tf, tf2, tt = tent_f[vs], tent_f2[vs], tent_tau[vs]
            ok = (nf <= lim) & ((nf < tf) | ((nf == tf) & (nf2 < tf2)) | (taus < tt))  # else dominated by a label made
            if lim2 < _INF:
                ok &= nf2 <= lim2
            keep = np.flatnonzero(ok)
            if not keep.size:
                continue
            vs, fs, f2s, taus, tf, tf2, tt = vs[keep], nf[keep], nf2[keep], taus[keep], tf[keep], tf2[keep], tt[keep]
            upd = (fs < tf) | ((fs == tf) & ((f2s < tf2) | ((f2s == tf2) & (taus < tt))))
            tent_f[vs[upd]], tent_f2[vs[upd]], tent_tau[vs[upd]] = fs[upd], f2s[upd], taus[upd]
            base = len(nodes)
            nodes.extend(vs.tolist())
            parents.extend([label] * len(keep))
            for i, item in enumerate(zip(fs.tolist(), f2s.tolist(), taus.tolist(), ng[keep].tolist(), nb[keep].tolist())):
                heapq.heappush(heap, (item[0], item[1], item[2], base + i, item[3], item[4]))
        return None

    def _spur(
        self, x: int, banned_nodes: list[int], banned_arcs: list[int], root: list[int], bound: _Key | None
    ) -> list[int] | None:
        tau0 = self.timeline.along(root) if len(root) > 1 else -_INF
        if self.mode == "widest":
            root_width = float(self.ties.strength[self.ties.path_arcs(root)].min()) if len(root) > 1 else _INF
            cap = min(root_width, self._width)  # a route through this root is no wider than either
            limit = limit2 = _INF
            if bound is not None:
                if -bound[0] > cap:
                    return None  # cannot be as wide as the routes already queued
                limit = bound[0]  # −width: no narrower than the routes already queued
                if -bound[0] == cap:  # only routes of width cap compete, on Σ 1/S: no longer than the queued ones
                    root_cost = sum(float(self.weight[a]) for a in self.ties.path_arcs(root).tolist()) if len(root) > 1 else 0.0
                    limit2 = (bound[1] - root_cost) * (1 + 1e-9) + 1e-12
            best = self._labelled(x, tau0, banned_nodes, banned_arcs, widest=True, cap=cap, limit=limit, limit2=limit2)
            if best is None or best[1] == cap:
                return best[0] if best is not None else None
            # the widest spur in time order has bottleneck b < cap; among spurs on ties with S ≥ b, the shortest
            spur = self._labelled(x, tau0, banned_nodes, banned_arcs, widest=False, theta=best[1])
            return spur[0] if spur is not None else best[0]
        limit = self._cost_limit(root, bound)
        if limit < 0:
            return None
        found = self._labelled(x, tau0, banned_nodes, banned_arcs, widest=False, limit=limit)
        return found[0] if found is not None else None


def _timed(carriers: _Carriers, path: list[int]) -> tuple[list[dict[str, Any]] | None, int, float]:
    """Choose one activity per hop in time order: (choices, failing hop index, τ at failure).

    Feasibility: earliest arrival (τ_i = max(τ_{i−1}, start), the activity with the smallest τ_i). When the
    route is feasible, a backward pass computes for each hop the latest arrival D_i that keeps the rest of
    the route feasible, and a forward pass then takes on each tie the *strongest* activity with
    end ≥ τ_{i−1} and max(τ_{i−1}, start) ≤ D_i — so labels name the strongest activities that respect
    time order, not merely the earliest ones.
    """
    hops = list(zip(path, path[1:]))
    dated = [[c for c in carriers(u, v) if _usable(c)] for u, v in hops]
    tau = -_INF
    for i, cs in enumerate(dated):
        arrivals = [max(tau, c["lo"]) for c in cs if c["hi"] >= tau]
        if not arrivals:
            return None, i, tau
        tau = min(arrivals)
    deadline = [_INF] * len(hops)
    for i in range(len(hops) - 1, 0, -1):
        deadline[i - 1] = max(min(c["hi"], deadline[i]) for c in dated[i] if c["lo"] <= deadline[i])
    tau = -_INF
    chosen: list[dict[str, Any]] = []
    for i, cs in enumerate(dated):
        pick = next(c for c in cs if c["hi"] >= tau and max(tau, c["lo"]) <= deadline[i])  # strongest first
        tau = max(tau, pick["lo"])
        chosen.append({**pick, "tau": tau})
    return chosen, -1, tau


def _usable(c: dict[str, Any]) -> bool:
    """A carrier that can be placed in time: dated, and not ending before it starts."""
    return not math.isnan(c["lo"]) and c["lo"] <= c["hi"]


def _date(ordinal: float) -> _dt.date | None:
    return _dt.date.fromordinal(int(ordinal)) if math.isfinite(ordinal) else None


def _route(ties: _Ties, carriers: _Carriers, path: list[int], rank: int, mode: str, chosen: list[dict[str, Any]] | None) -> Route:
    ids = tuple(str(ties.ids[x]) for x in path)
    names = tuple(ties.names[x] for x in path)
    arcs = ties.path_arcs(path)
    strengths = ties.strength[arcs].tolist()
    hops = []
    for i, (u, v) in enumerate(zip(path, path[1:])):
        cs = carriers(u, v)
        c = chosen[i] if chosen is not None else cs[0]
        hops.append(
            Hop(
                source=ids[i],
                target=ids[i + 1],
                source_name=names[i],
                target_name=names[i + 1],
                activity_id=c["activity_id"],
                activity=c["name"],
                channel=c["channel"],
                start=c["start"] if isinstance(c["start"], _dt.date) else None,
                end=c["end"] if isinstance(c["end"], _dt.date) else None,
                when=_date(c["tau"]) if "tau" in c else None,
                strength=float(strengths[i]),
                label=c["label"],
                others=len(cs) - 1,
            )
        )
    text = names[0] + "".join(f" —{h.label}→ {h.target_name}" for h in hops)
    return Route(
        rank=rank,
        mode=mode,
        nodes=ids,
        names=names,
        hops=tuple(hops),
        cost=float(sum(1.0 / x for x in strengths)),
        bottleneck=float(min(strengths)),
        reliability=float(np.prod(ties.p[arcs])),
        brokers=names[1:-1],
        text=text,
    )


def transfer_paths(
    tables: Tables,
    source: str,
    target: str,
    *,
    mode: str = "shortest",
    k: int = 3,
    topic: str | None = None,
    time_respecting: bool = False,
    level: str = "city",
    weights: TandemWeights | None = None,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
) -> list[Route]:
    """The ``k`` best routes knowledge can take from ``source`` to ``target`` (ids or names), best first.

    ``mode``: "shortest" (min Σ 1/S_e), "widest" (max min S_e) or "reliable" (max Π (1 − e^{−κ S_e}));
    alternatives by Yen's algorithm (Yen 1971); ``topic`` keeps only activities about it;
    ``time_respecting`` requires each hop's activity not to be earlier than the previous one's (see the
    module docstring for every rule and the exact search that finds such routes). Ties are weighted by tandem
    strength (Newman 2001 size discount, Granovetter 1973 tie strength; :mod:`netlens.analysis.tandems`).

    Raises :class:`~netlens.errors.NotFoundError` for unknown members/topics (with close matches),
    :class:`~netlens.errors.UsageError` for bad options, and :class:`~netlens.errors.NoPathError` with the
    reason when no route exists (different components, no tie about the topic, or none in time order).

    Examples
    --------
    >>> from netlens.validation import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["n", "h", "r"], "name": ["Nantes", "Hamburg", "Rijeka"], "country": ["FR", "DE", "HR"],
    ...                             "lat": [None] * 3, "lon": [None] * 3, "population": [None] * 3, "tags": [None] * 3})
    >>> t["projects"] = pd.DataFrame({"id": ["p"], "name": ["mySMARTLife"], "title": [None], "programme": [None],
    ...     "start": [_dt.date(2016, 12, 1)], "end": [_dt.date(2021, 11, 30)], "budget_eur": [None], "topics": [None],
    ...     "url": [None]})
    >>> t["participations"] = pd.DataFrame({"project_id": ["p", "p"], "member_id": ["n", "h"], "role": [None] * 2,
    ...                                     "contribution_eur": [None] * 2})
    >>> t["exchanges"] = pd.DataFrame({"id": ["x"], "type": ["study_visit"], "date": [_dt.date(2019, 5, 28)], "title": ["ICT"],
    ...                                "host_id": ["r"], "project_id": [None], "topics": [None]})
    >>> t["attendances"] = pd.DataFrame({"exchange_id": ["x"], "member_id": ["h"], "role": ["participant"]})
    >>> print(transfer_paths(t, "Nantes", "rijeka", k=1)[0].text)
    Nantes —mySMARTLife (2016–2021)→ Hamburg —study visit 2019→ Rijeka
    >>> [(h.label, h.when) for h in transfer_paths(t, "rijeka", "nantes", time_respecting=True)[0].hops]
    [('study visit 2019', datetime.date(2019, 5, 28)), ('mySMARTLife (2016–2021)', datetime.date(2019, 5, 28))]
    >>> transfer_paths(t, "Nantes", "Rijeka", topic="energy")
    Traceback (most recent call last):
    ...
    netlens.errors.NotFoundError: no activity about topic 'energy'; the data names no topics
    """
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise UsageError(f"k must be a whole number ≥ 1, got {k!r}")
    w = weights if weights is not None else load_weights()
    mem = members(tables)
    s = _resolve(mem, source, level)
    t = _resolve(mem, target, level)
    if s == t:
        raise UsageError(
            f"{source!r} and {target!r} are the same {'city' if level == 'city' else 'member'} ({s}); "
            "a route needs two different members"
        )
    ties, carriers = _tie_graph(tables, level=level, weights=w, since=since, until=until, topic=topic, mem=mem)
    name = {x: str(n) for x, n in zip(mem.index, mem["name"])}
    ns, nt = name.get(s, s), name.get(t, t)
    about = f" about {topic!r}" if topic else ""
    window = "" if since is None and until is None else f" between {since or '…'} and {until or '…'}"
    for x, nx_ in ((s, ns), (t, nt)):
        if x not in ties.code or ties.degree[ties.code[x]] == 0:
            raise NoPathError(f"no route from {ns} to {nt}: {nx_} has no tie{about}{window} at level {level}")
    cs, ct = ties.code[s], ties.code[t]
    comp = ties.component()
    if comp[cs] != comp[ct]:
        raise NoPathError(
            f"no route from {ns} to {nt}{about}: they are in different components "
            f"({ns}'s component has {int((comp == comp[cs]).sum())} members, {nt}'s has {int((comp == comp[ct]).sum())})"
        )
    routes: list[Route] = []
    if not time_respecting:
        for path in _Search(ties, cs, ct, mode).routes(want=k):
            routes.append(_route(ties, carriers, path, len(routes) + 1, mode, None))
        return routes
    timeline = _Timeline(ties, carriers)
    reach = timeline.earliest(cs)
    if not math.isfinite(reach[ct]):  # knowledge leaving s in time order never gets to t: no route can respect it
        raise NoPathError(_no_timed_route(ties, carriers, comp, reach, cs, ct, mode, f"from {ns} to {nt}{about}"))
    for path in _TimedSearch(ties, timeline, cs, ct, mode).routes(want=k):
        chosen, _, _ = _timed(carriers, path)
        routes.append(_route(ties, carriers, path, len(routes) + 1, mode, chosen))
    return routes


_COUNT_TIES = 200  # the no-route message counts the routes when the component has at most this many ties…
_COUNT_ROUTES = 20  # …and at most this many routes


def _no_timed_route(
    ties: _Ties, carriers: _Carriers, comp: np.ndarray, reach: np.ndarray, cs: int, ct: int, mode: str, what: str
) -> str:
    """Why no route from cs to ct respects time order: how far knowledge gets in time order (or, in a small
    component, how many routes there are), and where the best route (untimed) breaks."""
    search = _Search(ties, cs, ct, mode)
    gen = search.routes()
    path = next(gen)
    in_comp = comp == comp[cs]
    scope = None
    if int(ties.degree[in_comp].sum()) // 2 <= _COUNT_TIES:
        count = 1 + sum(1 for _ in itertools.islice(gen, _COUNT_ROUTES))
        if count <= _COUNT_ROUTES:
            scope = f"{count} route{' exists' if count == 1 else 's exist'} but none respects time order"
    if scope is None:
        reached = int((reach[in_comp] < _INF).sum()) - 1  # not counting the source (reached at −∞)
        scope = (
            f"none of the routes between them respects time order (in time order, knowledge from {ties.names[cs]} "
            f"reaches {reached} of the {int(in_comp.sum()) - 1} other members of its component)"
        )
    best = _route(ties, carriers, path, 1, mode, None)
    _, fail, tau = _timed(carriers, path)
    u, v = path[fail], path[fail + 1]
    dated = [c for c in carriers(u, v) if _usable(c)]
    if not dated:
        why = f"the tie {best.names[fail]}–{best.names[fail + 1]} has no dated activity"
    else:
        c = dated[0]
        why = (
            f"the tie {best.names[fail]}–{best.names[fail + 1]} ({c['label']}, {_interval(c)}) ends before knowledge "
            f"can reach {best.names[fail]} (earliest {_date(tau)})"
        )
    return f"no time-respecting route {what}: {scope}; the best, {best.text}, {why}"


def _interval(c: dict[str, Any]) -> str:
    lo, hi = _date(c["lo"]), _date(c["hi"])
    if hi is None:
        return f"since {lo}"
    return str(lo) if lo == hi else f"{lo} – {hi}"


def routes_frame(routes: list[Route]) -> pd.DataFrame:
    """One row per route for tables/CSV/JSON: ``rank, route, hops, cost, bottleneck, reliability, brokers``.

    Examples
    --------
    >>> routes_frame([]).columns.tolist()
    ['rank', 'route', 'hops', 'cost', 'bottleneck', 'reliability', 'brokers']
    """
    return pd.DataFrame(
        {
            "rank": [r.rank for r in routes],
            "route": [r.text for r in routes],
            "hops": [len(r.hops) for r in routes],
            "cost": [r.cost for r in routes],
            "bottleneck": [r.bottleneck for r in routes],
            "reliability": [r.reliability for r in routes],
            "brokers": ["; ".join(r.brokers) for r in routes],
        }
    )
