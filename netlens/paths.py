"""Knowledge-transfer paths: the best routes knowledge can take from one member to another, hop by hop.

The routes run on the *tie graph*: members linked when they share any activity, declared tandem or
transfer, each tie weighted by its tandem strength S_e (:func:`netlens.tandems.tandem_strength`; the tie
graph is undirected — cooperation carries knowledge both ways). Every hop is named with the activity
that carries it, e.g. ``Nantes —mySMARTLife (2016–2021)→ Hamburg —study visit 2019→ Rijeka``; the
intermediate members are the route's *brokers*.

Modes
-----
``shortest``
    minimise Σ_e 1/S_e (a strong tie is short, as Newman's distances [1]_ and CONVENTIONS.md).
``widest``
    maximise the weakest tie min_e S_e (the route's bottleneck; maximin / widest path); among equally
    wide routes, the shortest (Σ 1/S_e). Solved exactly in two steps: a modified Dijkstra finds the best
    bottleneck B*, then an ordinary Dijkstra on the ties with S_e ≥ B* finds the shortest such route.
``reliable``
    maximise Π_e p_e with p_e = 1 − exp(−κ S_e) (κ from the weights, ``paths.kappa``): the chance
    knowledge crosses every tie if tie e passes it on with probability p_e; i.e. the shortest path for
    the additive cost −log p_e.

k alternatives
--------------
Yen's algorithm [2]_: loopless routes in order of quality. For the additive modes it is networkx's
``shortest_simple_paths`` (Yen's algorithm); for ``widest`` an own Yen variant whose spur search returns,
for a fixed root with bottleneck b_r, the spur maximising min(b_r, spur bottleneck) and then minimising
Σ 1/S — the best route in each of Yen's deviation classes, which is all Yen's argument needs.

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
greedy choice is exact for a given route). Routes are checked in order of quality (Yen) and the first k
feasible ones returned; after ``paths.max_candidates`` routes the search stops. The route's cost is
still measured on the tie strengths S_e; only the hop labels use the chosen activities.

References
----------
.. [1] M. E. J. Newman, "Scientific collaboration networks. II. Shortest paths, weighted networks,
   and centrality", Phys. Rev. E 64, 016132 (2001).
.. [2] J. Y. Yen, "Finding the k shortest loopless paths in a network", Management Science 17(11),
   712–716 (1971).
.. [3] M. S. Granovetter, "The strength of weak ties", American Journal of Sociology 78(6),
   1360–1380 (1973).
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

from .errors import NoPathError, UsageError
from .model import members
from .tandems import _LABEL, TandemWeights, _aggregate, _collect, _span, _year, load_weights, resolve_member
from .validate import Tables

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


def _label(channel: str, name: str, start: Any, end: Any) -> str:
    if channel == "project":
        span = _span(start, end)
        return f"{name} ({span})" if span else name
    if channel == "tandem":
        base = "declared tandem" + (f" on {name}" if name else "")
        if isinstance(start, _dt.date) and isinstance(end, _dt.date):
            return f"{base} {_span(start, end)}"
        if isinstance(start, _dt.date):
            return f"{base} since {start.year}"
        return base
    if channel == "transfer":
        return f"transfer {name} {_year(start)}".strip()
    return f"{_LABEL.get(channel, _LABEL['other'])[0]} {_year(start)}".strip()


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
        self.code = {str(x): i for i, x in enumerate(d.ids)}
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
            self.labels[ac] = _label(self.channel[ac], str(self.name[ac]), self.start[ac], self.end[ac])
        return self.labels[ac]

    def __call__(self, u: str, v: str) -> list[dict[str, Any]]:
        cu, cv = self.code[u], self.code[v]
        key = min(cu, cv) * self.n_ids + max(cu, cv)
        if key not in self.cache:
            lo, hi = np.searchsorted(self.keys, [key, key + 1])
            rows = [{
                "activity_id": str(self.act_id[ac]), "name": str(self.name[ac]), "channel": str(self.channel[ac]),
                "start": self.start[ac], "end": self.end[ac], "contribution": float(c), "lo": float(self.lo[ac]),
                "hi": float(self.hi[ac]), "label": self.label(ac),
            } for ac, c in zip(self.ac[lo:hi].tolist(), self.contribution[lo:hi].tolist())]
            self.cache[key] = sorted(rows, key=lambda c: (-c["contribution"], c["name"]))
        return self.cache[key]


def _tie_graph(tables: Tables, *, level: str, weights: TandemWeights, since: _dt.date | None, until: _dt.date | None,
               topic: str | None) -> tuple[nx.Graph, _Carriers]:
    d = _collect(tables, level=level, weights=weights, since=since, until=until, topic=topic)
    agg = _aggregate(d)
    agg = agg[agg["strength"].to_numpy() > 0]  # a tie whose channels all have β = 0 carries nothing
    s = agg["strength"].to_numpy(dtype=float)
    p = -np.expm1(-weights.kappa * s)
    with np.errstate(divide="ignore"):
        neglogp = -np.log1p(-np.exp(-weights.kappa * s))
    a = d.ids[agg["uc"].to_numpy()]
    b = d.ids[agg["vc"].to_numpy()]
    g = nx.Graph(level=level, topic=topic)
    g.add_nodes_from((str(x), {"name": d.names.get(x, x)}) for x in sorted(set(a.tolist()) | set(b.tolist())))
    g.add_edges_from(
        (str(x), str(y), {"strength": float(sv), "cost": 1.0 / sv, "p": float(pv), "neglogp": float(nv)})
        for x, y, sv, pv, nv in zip(a.tolist(), b.tolist(), s.tolist(), p.tolist(), neglogp.tolist())
    )
    return g, _Carriers(d)


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
    (:func:`transfer_paths` builds the carriers only for the ties it looks at.)

    Examples
    --------
    >>> from netlens.validate import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "country": ["FR"] * 2,
    ...                             "lat": [None] * 2, "lon": [None] * 2, "population": [None] * 2, "tags": [None] * 2})
    >>> t["transfers"] = pd.DataFrame({"from_id": ["a"], "to_id": ["b"], "solution": ["Open data"], "topic": [None],
    ...                                "date": [_dt.date(2020, 5, 1)]})
    >>> g = tie_graph(t)
    >>> g["a"]["b"]["strength"], g["a"]["b"]["carriers"][0]["label"]
    (5.0, 'transfer Open data 2020')
    """
    g, carriers = _tie_graph(tables, level=level, weights=weights if weights is not None else load_weights(), since=since,
                             until=until, topic=topic)
    for u, v, data in g.edges(data=True):
        data["carriers"] = carriers(u, v)
    return g


# ---------------------------------------------------------------------------------------------- search


def _path_key(g: nx.Graph, path: list[str]) -> tuple[float, float, int, tuple[str, ...]]:
    widths = [g[u][v]["strength"] for u, v in zip(path, path[1:])]
    return (-min(widths), sum(1.0 / x for x in widths), len(path), tuple(path))


def _widest_spur(g: nx.Graph, s: str, t: str, banned_nodes: set[str], banned_edges: set[frozenset[str]],
                 root_width: float) -> list[str] | None:
    """Best spur from s to t: maximise min(root_width, bottleneck), then minimise Σ 1/S."""
    banned: dict[str, set[str]] = {}
    for e in banned_edges:
        x, y = tuple(e)
        banned.setdefault(x, set()).add(y)
        banned.setdefault(y, set()).add(x)
    no = set()
    # 1. best bottleneck, capped at root_width (wider spurs make no difference): modified Dijkstra on a max-heap
    best = {s: root_width}
    heap = [(-root_width, s)]
    done: set[str] = set()
    while heap:
        negw, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        if u == t or -negw <= best.get(t, -_INF):  # popped widths only decrease: t's width is final
            break
        skip = banned.get(u, no)
        for v, data in g._adj[u].items():
            if v in done or v in banned_nodes or v in skip:
                continue
            wv = min(-negw, data["strength"])  # capped by root_width from the start
            if wv > best.get(v, -_INF):
                best[v] = wv
                heapq.heappush(heap, (-wv, v))
    if t not in best:
        return None
    thr = best[t]  # = min(root_width, B*)
    # 2. shortest (Σ 1/S) among ties with S ≥ thr
    dist = {s: 0.0}
    prev: dict[str, str] = {}
    heap2 = [(0.0, s)]
    seen: set[str] = set()
    while heap2:
        du, u = heapq.heappop(heap2)
        if u in seen:
            continue
        seen.add(u)
        if u == t:
            break
        skip = banned.get(u, no)
        for v, data in g._adj[u].items():
            if data["strength"] < thr or v in seen or v in banned_nodes or v in skip:
                continue
            nd = du + data["cost"]
            if nd < dist.get(v, _INF):
                dist[v] = nd
                prev[v] = u
                heapq.heappush(heap2, (nd, v))
    if t not in seen:  # pragma: no cover - step 1 proved a route with width ≥ thr exists
        return None
    path = [t]
    while path[-1] != s:
        path.append(prev[path[-1]])
    return path[::-1]


def _yen_widest(g: nx.Graph, s: str, t: str) -> Iterator[list[str]]:
    """Yen's k-best loopless routes for the widest-path order (bottleneck desc, then Σ 1/S)."""
    first = _widest_spur(g, s, t, set(), set(), _INF)
    if first is None:
        return
    found = [first]
    yield first
    seen = {tuple(first)}
    candidates: list[tuple[tuple[float, float, int, tuple[str, ...]], list[str]]] = []
    while True:
        last = found[-1]
        for i in range(len(last) - 1):
            root = last[: i + 1]
            banned_edges = {frozenset((p[i], p[i + 1])) for p in found if len(p) > i + 1 and p[: i + 1] == root}
            banned_nodes = set(root[:-1])
            root_width = min((g[u][v]["strength"] for u, v in zip(root, root[1:])), default=_INF)
            spur = _widest_spur(g, root[-1], t, banned_nodes, banned_edges, root_width)
            if spur is None:
                continue
            path = root[:-1] + spur
            if tuple(path) not in seen:
                seen.add(tuple(path))
                heapq.heappush(candidates, (_path_key(g, path), path))
        if not candidates:
            return
        _, nxt = heapq.heappop(candidates)
        found.append(nxt)
        yield nxt


def _candidates(g: nx.Graph, s: str, t: str, mode: str) -> Iterator[list[str]]:
    if mode == "widest":
        return _yen_widest(g, s, t)
    weight = "cost" if mode == "shortest" else "neglogp"
    return nx.shortest_simple_paths(g, s, t, weight=weight)  # Yen's algorithm


def _timed(g: nx.Graph, carriers: _Carriers, path: list[str]) -> tuple[list[dict[str, Any]] | None, int, float]:
    """Choose one activity per hop in time order: (choices, failing hop index, τ at failure).

    Feasibility: earliest arrival (τ_i = max(τ_{i−1}, start), the activity with the smallest τ_i). When the
    route is feasible, a backward pass computes for each hop the latest arrival D_i that keeps the rest of
    the route feasible, and a forward pass then takes on each tie the *strongest* activity with
    end ≥ τ_{i−1} and max(τ_{i−1}, start) ≤ D_i — so labels name the strongest activities that respect
    time order, not merely the earliest ones.
    """
    hops = list(zip(path, path[1:]))
    dated = [[c for c in carriers(u, v) if not math.isnan(c["lo"])] for u, v in hops]
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


def _date(ordinal: float) -> _dt.date | None:
    return _dt.date.fromordinal(int(ordinal)) if math.isfinite(ordinal) else None


def _route(g: nx.Graph, carriers: _Carriers, path: list[str], rank: int, mode: str, chosen: list[dict[str, Any]] | None
           ) -> Route:
    names = tuple(str(g.nodes[x].get("name", x)) for x in path)
    hops = []
    for i, (u, v) in enumerate(zip(path, path[1:])):
        data = g[u][v]
        cs = carriers(u, v)
        c = chosen[i] if chosen is not None else cs[0]
        hops.append(Hop(
            source=u, target=v, source_name=names[i], target_name=names[i + 1], activity_id=c["activity_id"],
            activity=c["name"], channel=c["channel"], start=c["start"] if isinstance(c["start"], _dt.date) else None,
            end=c["end"] if isinstance(c["end"], _dt.date) else None, when=_date(c["tau"]) if "tau" in c else None,
            strength=float(data["strength"]), label=c["label"], others=len(cs) - 1,
        ))
    strengths = [h.strength for h in hops]
    text = names[0] + "".join(f" —{h.label}→ {h.target_name}" for h in hops)
    return Route(
        rank=rank, mode=mode, nodes=tuple(path), names=names, hops=tuple(hops),
        cost=float(sum(1.0 / x for x in strengths)), bottleneck=float(min(strengths)),
        reliability=float(np.prod([g[u][v]["p"] for u, v in zip(path, path[1:])])), brokers=names[1:-1], text=text,
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
    module docstring for every rule). Ties are weighted by tandem strength (Newman 2001 size discount,
    Granovetter 1973 tie strength; :mod:`netlens.tandems`).

    Raises :class:`~netlens.errors.NotFoundError` for unknown members/topics (with close matches),
    :class:`~netlens.errors.UsageError` for bad options, and :class:`~netlens.errors.NoPathError` with the
    reason when no route exists (different components, no tie about the topic, or none in time order).

    Examples
    --------
    >>> from netlens.validate import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["n", "h", "r"], "name": ["Nantes", "Hamburg", "Rijeka"], "country": ["FR", "DE", "HR"],
    ...                             "lat": [None] * 3, "lon": [None] * 3, "population": [None] * 3, "tags": [None] * 3})
    >>> t["projects"] = pd.DataFrame({"id": ["p"], "name": ["mySMARTLife"], "title": [None], "programme": [None],
    ...     "start": [_dt.date(2016, 12, 1)], "end": [_dt.date(2021, 11, 30)], "budget_eur": [None], "topics": [None], "url": [None]})
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
    s = resolve_member(tables, source, level=level)
    t = resolve_member(tables, target, level=level)
    if s == t:
        raise UsageError(f"{source!r} and {target!r} are the same {'city' if level == 'city' else 'member'} ({s}); "
                         "a route needs two different members")
    g, carriers = _tie_graph(tables, level=level, weights=w, since=since, until=until, topic=topic)
    mem = members(tables)
    name = {x: str(n) for x, n in zip(mem.index, mem["name"])}
    ns, nt = name.get(s, s), name.get(t, t)
    about = f" about {topic!r}" if topic else ""
    window = "" if since is None and until is None else f" between {since or '…'} and {until or '…'}"
    for x, nx_ in ((s, ns), (t, nt)):
        if x not in g:
            raise NoPathError(f"no route from {ns} to {nt}: {nx_} has no tie{about}{window} at level {level}")
    comp_s = nx.node_connected_component(g, s)
    if t not in comp_s:
        comp_t = nx.node_connected_component(g, t)
        raise NoPathError(
            f"no route from {ns} to {nt}{about}: they are in different components "
            f"({ns}'s component has {len(comp_s)} members, {nt}'s has {len(comp_t)})"
        )
    routes: list[Route] = []
    gen = _candidates(g, s, t, mode)
    if not time_respecting:
        for path in itertools.islice(gen, k):
            routes.append(_route(g, carriers, list(path), len(routes) + 1, mode, None))
        return routes
    checked = 0
    first_failure: tuple[list[str], int, float] | None = None
    exhausted = True
    for path in gen:
        if checked >= w.max_candidates:
            exhausted = False
            break
        checked += 1
        chosen, fail, tau = _timed(g, carriers, list(path))
        if chosen is None:
            if first_failure is None:
                first_failure = (list(path), fail, tau)
            continue
        routes.append(_route(g, carriers, list(path), len(routes) + 1, mode, chosen))
        if len(routes) == k:
            break
    if routes:
        return routes
    assert first_failure is not None
    path, fail, tau = first_failure
    best = _route(g, carriers, path, 1, mode, None)
    u, v = path[fail], path[fail + 1]
    dated = [c for c in carriers(u, v) if not math.isnan(c["lo"])]
    if not dated:
        why = f"the tie {best.names[fail]}–{best.names[fail + 1]} has no dated activity"
    else:
        c = dated[0]
        why = (f"the tie {best.names[fail]}–{best.names[fail + 1]} ({c['label']}, {_interval(c)}) ends before knowledge "
               f"can reach {best.names[fail]} (earliest {_date(tau)})")
    scope = (f"{checked} route{' exists' if checked == 1 else 's exist'} but none respects time order" if exhausted
             else f"none of the first {checked} routes respects time order (paths.max_candidates)")
    raise NoPathError(f"no time-respecting route from {ns} to {nt}{about}: {scope}; the best, {best.text}, {why}")


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
    return pd.DataFrame({
        "rank": [r.rank for r in routes],
        "route": [r.text for r in routes],
        "hops": [len(r.hops) for r in routes],
        "cost": [r.cost for r in routes],
        "bottleneck": [r.bottleneck for r in routes],
        "reliability": [r.reliability for r in routes],
        "brokers": ["; ".join(r.brokers) for r in routes],
    })

