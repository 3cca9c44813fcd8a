"""Knowledge-transfer paths: the best routes knowledge can take from one member to another, hop by hop.

The routes run on the *tie graph*: members linked when they share any activity, declared tandem or
transfer, each tie weighted by its tandem strength S_e (:func:`netlens.analysis.strength.tandem_strength`; the tie
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
import itertools
import math
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netlens.analysis.evidence import collect_evidence, pair_numbers
from netlens.analysis.names import resolve_member
from netlens.analysis.paths_search import INF, Carriers, Search, Ties
from netlens.analysis.paths_timed import TimedSearch, Timeline, ordinal_date, timed_choices, usable
from netlens.analysis.weights import TandemWeights, load_weights
from netlens.errors import NoPathError, UsageError
from netlens.model.network import Network, Tables, as_network

__all__ = ["MODES", "Hop", "Route", "tie_graph", "transfer_paths", "routes_frame"]


MODES = ("shortest", "widest", "reliable")


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


def _tie_graph(
    network: Network,
    *,
    level: str,
    weights: TandemWeights,
    since: _dt.date | None,
    until: _dt.date | None,
    topic: str | None,
) -> tuple[Ties, Carriers]:
    d = collect_evidence(network, level=level, weights=weights, since=since, until=until, topic=topic)
    if d.long.empty:
        u = v = np.zeros(0, dtype=np.int64)
        s = np.zeros(0)
    else:
        pn = pair_numbers(d)
        keep = pn["strength"] > 0  # a tie whose channels all have β = 0 carries nothing
        u, v, s = pn["uc"][keep], pn["vc"][keep], pn["strength"][keep]
    names = [d.names.get(x, x) for x in d.ids.tolist()]
    return Ties(d.ids, names, u, v, s, weights.kappa), Carriers(d)


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
        as_network(tables),
        level=level,
        weights=weights if weights is not None else load_weights(),
        since=since,
        until=until,
        topic=topic,
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


def _route(ties: Ties, carriers: Carriers, path: list[int], rank: int, mode: str, chosen: list[dict[str, Any]] | None) -> Route:
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
                when=ordinal_date(c["tau"]) if "tau" in c else None,
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
    strength (Newman 2001 size discount, Granovetter 1973 tie strength; :mod:`netlens.analysis.strength`).

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
    _check_options(mode, k)
    w = weights if weights is not None else load_weights()
    net = as_network(tables)
    s = resolve_member(net, source, level=level)
    t = resolve_member(net, target, level=level)
    if s == t:
        raise UsageError(
            f"{source!r} and {target!r} are the same {'city' if level == 'city' else 'member'} ({s}); "
            "a route needs two different members"
        )
    _check_dated(net, time_respecting)
    ties, carriers = _tie_graph(net, level=level, weights=w, since=since, until=until, topic=topic)
    name = net.names()
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
    if not time_respecting:
        return [
            _route(ties, carriers, path, i + 1, mode, None) for i, path in enumerate(Search(ties, cs, ct, mode).routes(want=k))
        ]
    return _timed_routes(ties, carriers, comp, cs, ct, mode, k, f"from {ns} to {nt}{about}")


def _check_dated(net: Network, time_respecting: bool) -> None:
    """Refuse time order on a network where no activity, declared tandem or transfer has a date."""
    if not time_respecting:
        return
    acts = net.activities()
    cols = [(acts, "start"), (acts, "end"), (net["tandems"], "since"), (net["tandems"], "until"), (net["transfers"], "date")]
    if not any(c in df.columns and bool(df[c].notna().any()) for df, c in cols):
        raise UsageError(
            "--time-respecting needs dated activities, and nothing in this network has a date (no project start or end, "
            "exchange date, tandem since/until or transfer date); leave out --time-respecting"
        )


def _check_options(mode: str, k: Any) -> None:
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise UsageError(f"k must be a whole number ≥ 1, got {k!r}")


def _timed_routes(
    ties: Ties, carriers: Carriers, comp: np.ndarray, cs: int, ct: int, mode: str, k: int, what: str
) -> list[Route]:
    """The ``k`` best routes in time order from code ``cs`` to ``ct`` (:class:`NoPathError` when there is none)."""
    timeline = Timeline(ties, carriers)
    reach = timeline.earliest(cs)
    if not math.isfinite(reach[ct]):  # knowledge leaving s in time order never gets to t: no route can respect it
        raise NoPathError(_no_timed_route(ties, carriers, comp, reach, cs, ct, mode, what))
    routes: list[Route] = []
    for path in TimedSearch(ties, timeline, cs, ct, mode).routes(want=k):
        chosen, _, _ = timed_choices(carriers, path)
        routes.append(_route(ties, carriers, path, len(routes) + 1, mode, chosen))
    return routes


_COUNT_TIES = 200  # the no-route message counts the routes when the component has at most this many ties…

_COUNT_ROUTES = 20  # …and at most this many routes


def _no_timed_route(
    ties: Ties, carriers: Carriers, comp: np.ndarray, reach: np.ndarray, cs: int, ct: int, mode: str, what: str
) -> str:
    """Why no route from cs to ct respects time order: how far knowledge gets in time order (or, in a small
    component, how many routes there are), and where the best route (untimed) breaks."""
    search = Search(ties, cs, ct, mode)
    gen = search.routes()
    path = next(gen)
    in_comp = comp == comp[cs]
    scope = None
    if int(ties.degree[in_comp].sum()) // 2 <= _COUNT_TIES:
        count = 1 + sum(1 for _ in itertools.islice(gen, _COUNT_ROUTES))
        if count <= _COUNT_ROUTES:
            scope = f"{count} route{' exists' if count == 1 else 's exist'} but none respects time order"
    if scope is None:
        reached = int((reach[in_comp] < INF).sum()) - 1  # not counting the source (reached at −∞)
        scope = (
            f"none of the routes between them respects time order (in time order, knowledge from {ties.names[cs]} "
            f"reaches {reached} of the {int(in_comp.sum()) - 1} other members of its component)"
        )
    best = _route(ties, carriers, path, 1, mode, None)
    _, fail, tau = timed_choices(carriers, path)
    u, v = path[fail], path[fail + 1]
    dated = [c for c in carriers(u, v) if usable(c)]
    if not dated:
        why = f"the tie {best.names[fail]}–{best.names[fail + 1]} has no dated activity"
    else:
        c = dated[0]
        why = (
            f"the tie {best.names[fail]}–{best.names[fail + 1]} ({c['label']}, {_interval(c)}) ends before knowledge "
            f"can reach {best.names[fail]} (earliest {ordinal_date(tau)})"
        )
    return f"no time-respecting route {what}: {scope}; the best, {best.text}, {why}"


def _interval(c: dict[str, Any]) -> str:
    lo, hi = ordinal_date(c["lo"]), ordinal_date(c["hi"])
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
