"""Time-respecting route search: earliest-arrival and latest-departure sweeps over the carriers of every tie,
and Yen's k best routes in time order on top of a label-setting search over (member, arrival time).

:class:`Timeline` takes :class:`~netlens.analysis.paths_search.Ties` and their
:class:`~netlens.analysis.paths_search.Carriers`; :class:`TimedSearch` yields routes (member codes) in time order;
:func:`timed_choices` picks one activity per hop. The rules are in the :mod:`netlens.analysis.paths` docstring.
"""

from __future__ import annotations

import datetime as _dt
import heapq
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
from scipy.sparse.csgraph import dijkstra

from netlens.analysis.paths_search import INF, Carriers, Key, Search, Ties

__all__ = ["ranges", "Timeline", "TimedSearch", "timed_choices", "usable", "ordinal_date"]


def ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The concatenated ranges [lo_i, hi_i) and, for each position, the index i of its range."""
    lens = hi - lo
    owner = np.repeat(np.arange(len(lo)), lens)
    return np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(lo, lens), owner


class Timeline:
    """The carrying activities of every arc of :class:`Ties` as intervals [lo, hi] (date ordinals), in arc order.

    An arc x→y can be taken at time τ (knowledge has reached x at τ) through a carrier with hi ≥ τ and
    lo ≤ hi; knowledge then reaches y at max(τ, lo). Undated carriers (and any with lo > hi) can never be
    taken: they are stored as [∞, −∞].
    """

    def __init__(self, ties: Ties, carriers: Carriers) -> None:
        self.ties = ties
        n = ties.n
        lo_a, hi_a = np.asarray(carriers.lo, dtype=float), np.asarray(carriers.hi, dtype=float)
        dead = np.isnan(lo_a) | np.isnan(hi_a) | (lo_a > hi_a)
        lo_a, hi_a = np.where(dead, INF, lo_a), np.where(dead, -INF, hi_a)
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

    def along(self, path: list[int], tau: float = -INF) -> float:
        """Arrival time at the end of ``path`` leaving its first member at ``tau`` (∞ when not in time order)."""
        for a in self.ties.path_arcs(path).tolist():
            r0, r1 = int(self.ptr[a]), int(self.ptr[a + 1])
            lo, hi = self.lo[r0:r1], self.hi[r0:r1]
            ok = (hi >= tau) & (lo <= hi)
            if not ok.any():
                return INF
            tau = max(tau, float(lo[ok].min()))
        return tau

    def earliest(self, s: int) -> np.ndarray:
        """Earliest arrival at every member from ``s`` (−∞ at s itself, ∞ when never reached): a label-correcting
        search over the whole frontier at once (each round propagates every member whose arrival improved)."""
        ea = np.full(self.ties.n, INF)
        ea[s] = -INF
        frontier = np.array([s], dtype=np.int64)
        while frontier.size:
            rows, owner = ranges(self.node_lo[frontier], self.node_hi[frontier])
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
        ld = np.full(self.ties.n, -INF)
        ld[t] = INF
        frontier = np.array([t], dtype=np.int64)
        while frontier.size:
            rows, owner = ranges(self.node_lo[frontier], self.node_hi[frontier])
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


class TimedSearch(Search):
    """Yen's k best loopless routes (with Lawler's rule, as :class:`Search`) among the routes in time order.

    Every spur search is a label-setting search over (member, arrival τ) that only ever extends routes in time
    order, starting at the spur node at the root's arrival time (the earliest arrival along the root: arriving
    earlier never closes an option); see :meth:`_labelled`.
    """

    def __init__(self, ties: Ties, timeline: Timeline, s: int, t: int, mode: str) -> None:
        super().__init__(ties, s, t, mode)
        self.timeline = timeline
        self.latest = timeline.latest(t)
        self._h: dict[float, np.ndarray] = {}
        self._width = INF  # bottleneck of the last route yielded: no later route is wider

    def routes(self, want: int | None = None) -> Iterator[list[int]]:
        for path in super().routes(want):
            self._width = float(self.ties.strength[self.ties.path_arcs(path)].min())
            yield path

    def _to_t(self, theta: float = -INF) -> np.ndarray:
        """Untimed, unmasked distances to t for the mode's additive weight (ties with S ≥ theta): A*'s lower bound."""
        if theta not in self._h:
            data = self.weight if theta == -INF else np.where(self.ties.strength >= theta, self.weight, INF)
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
        cap: float = INF,
        limit: float = INF,
        limit2: float = INF,
        theta: float = -INF,
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
        unless that is later than the member's latest useful time (:meth:`Timeline.latest`). A settled label
        never revisits a member (its earlier visit dominates it), and any walk in time order shortcuts to a
        simple route no worse and still in time order, so the first label settled at t is the best route in
        time order: the cheapest (additive), or the widest up to ``cap`` (widest; when its width reaches ``cap``
        every label settled had f = −cap, so the search was A* on Σ 1/S among ties with S ≥ cap and the route
        is also the shortest of them). Labels with f above ``limit`` or f₂ above ``limit2`` are never made;
        ``theta`` keeps only ties with S ≥ theta. Returns (spur, g or b) or None.
        """
        ties = self.ties
        if tau0 > self.latest[x]:
            return None
        h = self._to_t(cap if widest and cap < INF else theta)  # widest: A* on Σ 1/S among ties with S ≥ cap
        wide = self._bottleneck_to_t() if widest else h
        f0 = -min(cap, float(wide[x])) if widest else float(h[x])
        if not f0 <= limit or not math.isfinite(f0):
            return None
        big = np.finfo(float).max  # "≤ big" is "< ∞"
        lat = self.latest.copy()  # a label arriving later than this cannot reach t
        lat[banned_nodes] = -INF
        lat[self.t] = big
        banned = np.asarray(banned_arcs, dtype=np.int64) - ties.indptr[x]
        run = _Labels(self, x, h, wide, lat, banned, widest=widest, limit=min(limit, big), limit2=limit2, theta=theta)
        return run.search((f0, float(h[x]) if widest else 0.0, tau0, 0, 0.0, cap))

    def _spur(
        self, x: int, banned_nodes: list[int], banned_arcs: list[int], root: list[int], bound: Key | None
    ) -> list[int] | None:
        tau0 = self.timeline.along(root) if len(root) > 1 else -INF
        if self.mode == "widest":
            root_width = float(self.ties.strength[self.ties.path_arcs(root)].min()) if len(root) > 1 else INF
            cap = min(root_width, self._width)  # a route through this root is no wider than either
            limit = limit2 = INF
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


_Label = tuple[float, float, float, int, float, float]  # (f, f₂, τ, label index, g, b)


class _Labels:
    """The state of one label-setting search of :meth:`TimedSearch._labelled` (labels, heap, settled times)."""

    def __init__(
        self,
        search: TimedSearch,
        x: int,
        h: np.ndarray,
        wide: np.ndarray,
        lat: np.ndarray,
        banned: np.ndarray,
        *,
        widest: bool,
        limit: float,
        limit2: float,
        theta: float,
    ) -> None:
        ties, n = search.ties, search.ties.n
        self.ties, self.tl, self.t, self.x = ties, search.timeline, search.t, x
        self.weight, self.h, self.wide, self.lat, self.banned = search.weight, h, wide, lat, banned
        self.widest, self.lim, self.lim2, self.theta = widest, limit, limit2, theta
        self.settled = np.full(n, INF)  # smallest τ settled at each member
        self.tent_f, self.tent_f2, self.tent_tau = np.full(n, INF), np.full(n, INF), np.full(n, INF)  # best label made there
        self.nodes, self.parents = [x], [-1]

    def search(self, first: _Label) -> tuple[list[int], float] | None:
        """Settle labels from ``first`` (f, f₂, τ, label, g, b) until one reaches t: (route, g or b), or None."""
        heap = [first]
        nodes, parents, settled, t = self.nodes, self.parents, self.settled, self.t
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
                return path[::-1], (b if self.widest else g)
            self._extend(heap, u, tau, label, g, b)
        return None

    def _extend(self, heap: list[_Label], u: int, tau: float, label: int, g: float, b: float) -> None:
        """Push the labels made from the label settled at u (arrival τ, cost g, width b) that nothing dominates."""
        ties, tl, weight, strength, h, wide = self.ties, self.tl, self.weight, self.ties.strength, self.h, self.wide
        a0, a1 = int(ties.indptr[u]), int(ties.indptr[u + 1])
        r0, r1 = int(tl.ptr[a0]), int(tl.ptr[a1])
        arr = np.maximum(tl.lo[r0:r1], tau)  # the earliest arrival over each tie of u
        arr[tl.hi[r0:r1] < tau] = INF
        arr = np.minimum.reduceat(arr, tl.ptr[a0:a1] - r0)
        v = ties.indices[a0:a1]
        ok = (arr <= self.lat[v]) & (arr < self.settled[v])
        if self.theta > -INF:
            ok &= strength[a0:a1] >= self.theta
        if u == self.x and self.banned.size:
            ok[self.banned] = False
        pick = np.flatnonzero(ok)
        if not pick.size:
            return
        arcs, vs, taus = pick + a0, v[pick], arr[pick]
        ng = g + weight[arcs]
        if self.widest:
            nb = np.minimum(b, strength[arcs])
            nf, nf2 = -np.minimum(nb, wide[vs]), ng + h[vs]
        else:
            nb, nf, nf2 = np.full(len(pick), b), ng + h[vs], np.zeros(len(pick))
        tf, tf2, tt = self.tent_f[vs], self.tent_f2[vs], self.tent_tau[vs]
        ok = (nf <= self.lim) & ((nf < tf) | ((nf == tf) & (nf2 < tf2)) | (taus < tt))  # else dominated by a label made
        if self.lim2 < INF:
            ok &= nf2 <= self.lim2
        keep = np.flatnonzero(ok)
        if not keep.size:
            return
        vs, fs, f2s, taus, tf, tf2, tt = vs[keep], nf[keep], nf2[keep], taus[keep], tf[keep], tf2[keep], tt[keep]
        upd = (fs < tf) | ((fs == tf) & ((f2s < tf2) | ((f2s == tf2) & (taus < tt))))
        self.tent_f[vs[upd]], self.tent_f2[vs[upd]], self.tent_tau[vs[upd]] = fs[upd], f2s[upd], taus[upd]
        base = len(self.nodes)
        self.nodes.extend(vs.tolist())
        self.parents.extend([label] * len(keep))
        for i, item in enumerate(zip(fs.tolist(), f2s.tolist(), taus.tolist(), ng[keep].tolist(), nb[keep].tolist())):
            heapq.heappush(heap, (item[0], item[1], item[2], base + i, item[3], item[4]))


def timed_choices(carriers: Carriers, path: list[int]) -> tuple[list[dict[str, Any]] | None, int, float]:
    """Choose one activity per hop in time order: (choices, failing hop index, τ at failure).

    Feasibility: earliest arrival (τ_i = max(τ_{i−1}, start), the activity with the smallest τ_i). When the
    route is feasible, a backward pass computes for each hop the latest arrival D_i that keeps the rest of
    the route feasible, and a forward pass then takes on each tie the *strongest* activity with
    end ≥ τ_{i−1} and max(τ_{i−1}, start) ≤ D_i — so labels name the strongest activities that respect
    time order, not merely the earliest ones.
    """
    hops = list(zip(path, path[1:]))
    dated = [[c for c in carriers(u, v) if usable(c)] for u, v in hops]
    tau = -INF
    for i, cs in enumerate(dated):
        arrivals = [max(tau, c["lo"]) for c in cs if c["hi"] >= tau]
        if not arrivals:
            return None, i, tau
        tau = min(arrivals)
    deadline = [INF] * len(hops)
    for i in range(len(hops) - 1, 0, -1):
        deadline[i - 1] = max(min(c["hi"], deadline[i]) for c in dated[i] if c["lo"] <= deadline[i])
    tau = -INF
    chosen: list[dict[str, Any]] = []
    for i, cs in enumerate(dated):
        pick = next(c for c in cs if c["hi"] >= tau and max(tau, c["lo"]) <= deadline[i])  # strongest first
        tau = max(tau, pick["lo"])
        chosen.append({**pick, "tau": tau})
    return chosen, -1, tau


def usable(c: dict[str, Any]) -> bool:
    """A carrier that can be placed in time: dated, and not ending before it starts."""
    return not math.isnan(c["lo"]) and c["lo"] <= c["hi"]


def ordinal_date(ordinal: float) -> _dt.date | None:
    """The date of a (finite) date ordinal, else None."""
    return _dt.date.fromordinal(int(ordinal)) if math.isfinite(ordinal) else None
