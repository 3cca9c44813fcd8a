"""Recommendations: pairs of members that are not declared tandems yet but should be, each with the reason.

:func:`recommend` takes a network and returns a DataFrame of candidate pairs (complementary topics, common
partners in the tie graph, optional distance and language filters), best first.

References
----------
.. [5] L. A. Adamic and E. Adar, "Friends and neighbors on the Web", Social Networks 25(3), 211–230 (2003).
.. [6] T. Zhou, L. Lü and Y.-C. Zhang, "Predicting missing links via local information",
   Eur. Phys. J. B 71, 623–630 (2009).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from netlens.analysis.evidence import (
    TieEvidence,
    activity_topics,
    aggregate,
    collect_evidence,
    dyads,
    level_mapper,
)
from netlens.analysis.labels import activity_label, list_items, year
from netlens.analysis.weights import TandemWeights, load_weights
from netlens.model.network import Network, Tables, as_network
from netlens.read.countries import COUNTRIES
from netlens.values import number

__all__ = ["TOP_PER_MEMBER", "recommend", "themes"]


_EARTH_KM = 6371.0088


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dl = np.radians(lon2 - lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km: np.ndarray = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return km


def _incidence(profiles: list[Any], topic_ix: dict[str, int]) -> sp.csr_matrix:
    """Member × topic 0/1 matrix of ``profiles`` (one iterable of topics per member, in member order)."""
    rows = [i for i, p in enumerate(profiles) for _ in p]
    cols = [topic_ix[t] for p in profiles for t in p]
    m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(profiles), max(len(topic_ix), 1)))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _row_dots(a: sp.csr_matrix, b: sp.csr_matrix, ia: np.ndarray, ib: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """``a[ia[k]] · b[ib[k]]`` for every k (sizes of topic-set intersections), in chunks to bound memory."""
    out = np.zeros(len(ia))
    for lo in range(0, len(ia), chunk):
        sl = slice(lo, lo + chunk)
        out[sl] = np.asarray(a[ia[sl]].multiply(b[ib[sl]]).sum(axis=1)).ravel()
    return out


def _language(country: Any) -> str | None:
    if not isinstance(country, str) or country not in COUNTRIES:
        return None
    langs = COUNTRIES[country][1]
    return langs[0] if langs else None


Offers = dict[str, dict[str, list[str]]]
Knows = dict[str, set[str]]


def _profiles(network: Network, level: str, since: _dt.date | None, until: _dt.date | None) -> tuple[Offers, Knows]:
    """offers[m][topic] = evidence labels (projects, transfers sent or received, hosted exchanges);
    knows[m] = every topic m has met (offers ∪ attended exchanges ∪ declared tandems)."""
    m = network.memberships(level=level, since=since, until=until)
    acts = network.activities()
    topics = themes(network)
    to_level = level_mapper(network.members(), level)

    offers: Offers = {}
    knows: Knows = {}
    name_of = dict(zip(acts.index, acts["name"]))
    chan_of = dict(zip(acts.index, acts["channel"]))
    dates_of = dict(zip(acts.index, zip(acts["start"], acts["end"])))
    for mid, aid, role in zip(m["member_id"], m["activity_id"], m["role"]):
        tt = topics.get(aid, [])
        knows.setdefault(mid, set()).update(tt)
        if chan_of.get(aid) == "project":
            label = f"project {name_of[aid]}"
        elif role == "host":
            label = f"hosted {activity_label(str(chan_of.get(aid)), '', *dates_of[aid])}"
        else:
            continue
        for t in tt:
            offers.setdefault(mid, {}).setdefault(t, []).append(label)
    for channel, _, r, ends, start, _, tt in dyads(network, since, until):
        a, b = to_level(ends[0]), to_level(ends[1])
        if channel == "tandem":
            for who in (a, b):
                if who is not None:
                    knows.setdefault(who, set()).update(tt)
            continue
        for who, verb in ((a, "transfer"), (b, "adopted")):
            if who is None:
                continue
            knows.setdefault(who, set()).update(tt)
            lab = f"{verb} {r['solution']} {year(start)}".strip()
            for t in tt:
                offers.setdefault(who, {}).setdefault(t, []).append(lab)
    return offers, knows


def themes(network: Network) -> dict[str, list[str]]:
    """Activity id -> the readable themes recommendations compare: a project's ``thema`` (the Horizon Dashboard
    programme title, e.g. "Smart, green and integrated transport", read from the CORDIS extracts) when it has one,
    else its topics (:func:`~netlens.analysis.evidence.activity_topics`; on CORDIS those are call codes such as
    ``ART-01-2017``, so the thema is preferred)."""
    out = activity_topics(network)
    projects = network["projects"]
    if "thema" in projects.columns:
        for pid, thema in zip(projects["id"], projects["thema"]):
            if isinstance(thema, str) and thema.strip():
                out[str(pid)] = [thema.strip()]
    return out


_RECOMMEND_COLUMNS = [
    "a",
    "b",
    "a_name",
    "b_name",
    "score",
    "adamic_adar",
    "resource_allocation",
    "common_partners",
    "offers",
    "offers_a",
    "offers_b",
    "distance_km",
    "same_language",
    "explanation",
]


#: candidate pairs kept per member: its strongest untied two-step neighbours by resource allocation
TOP_PER_MEMBER = 20
#: candidate pairs are generated through common partners with at most this many partners (see ``_candidates``)
HUB_DEGREE = 200
#: two-paths expanded at once while generating candidates (bounds the memory of one block of rows)
_BLOCK_TWO_PATHS = 4_000_000


def recommend(
    tables: Tables,
    *,
    level: str = "city",
    top: int | None = 20,
    max_km: float | None = None,
    same_language: bool = False,
    weights: TandemWeights | None = None,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    per_member: int = TOP_PER_MEMBER,
) -> pd.DataFrame:
    """Pairs that are not tied yet but should be, each with the reason.

    A candidate pair (a, b):

    * is not tied yet: no shared project or exchange, declared tandem or transfer (a recommendation of a pair
      that already works together says nothing new);
    * is *complementary*: one offers a theme the other lacks (themes: :func:`themes` — a project's
      programme title where the data has one, else its topics). a *offers* topic T when it took part in a
      project about T, sent or adopted a transfer about T, or hosted an exchange about T; b *lacks* T when
      it never met T at all (no project, exchange attended or hosted, transfer or declared tandem about T);
    * is *close* in the tie graph (pairs that share any activity, declared tandem or transfer): it has at
      least one common partner z, with resource allocation RA = Σ_z 1/k_z [6]_ and Adamic–Adar
      AA = Σ_z 1/ln k_z [5]_ (k_z = number of partners of z);
    * optionally: both members' countries have the same main language (the first language listed for
      the country in :data:`netlens.read.countries.COUNTRIES`: Belgium counts as ``nl``, Switzerland as ``de``)
      and/or their great-circle (haversine) distance is at most ``max_km`` (pairs without coordinates are
      then left out).

    score = (|offers a→b| + |offers b→a|) × closeness, closeness = RA by default (``recommend.closeness`` =
    "adamic_adar" in the weights uses AA). Highest score first, then the closer pair (distance), then ids;
    ``top`` rows (``None`` = all).

    Candidates are bounded: each member keeps its ``per_member`` (default :data:`TOP_PER_MEMBER`, 20) untied
    two-step neighbours of highest RA (rows of A·diag(1/k)·A computed a block at a time), so organisation-level
    CORDIS (hundreds of millions of two-step pairs) needs memory in proportion to members × 20, not to the pairs.

    When nothing is recommended, ``attrs["why"]`` says why (no themes in the data, every close pair already
    tied, or the filters).

    Returns a DataFrame ``a, b, a_name, b_name, score, adamic_adar, resource_allocation, common_partners``
    (names), ``offers`` (readable), ``offers_a`` (topics a offers b), ``offers_b``, ``distance_km``,
    ``same_language``, ``explanation``.

    Examples
    --------
    >>> from netlens.validation import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["a", "b", "h"], "name": ["A", "B", "Hub"], "country": ["FR", "FR", "DE"],
    ...     "lat": [None] * 3, "lon": [None] * 3, "population": [None] * 3, "tags": [None] * 3})
    >>> t["projects"] = pd.DataFrame({"id": ["p", "q"], "name": ["P", "Q"], "title": [None] * 2, "programme": [None] * 2,
    ...     "start": [None] * 2, "end": [None] * 2, "budget_eur": [None] * 2, "topics": [["energy"], ["mobility"]],
    ...     "url": [None] * 2})
    >>> t["participations"] = pd.DataFrame({"project_id": ["p", "p", "q", "q"], "member_id": ["a", "h", "b", "h"],
    ...     "role": [None] * 4, "contribution_eur": [None] * 4})
    >>> r = recommend(t)
    >>> r.loc[0, ["a", "b", "offers_a", "offers_b"]].tolist(), float(r.loc[0, "resource_allocation"])
    (['a', 'b', ['energy'], ['mobility']], 0.5)
    >>> print(r.loc[0, "explanation"].replace("; ", ";\\n"))
    A offers energy (project P) that B lacks;
    B offers mobility (project Q) that A lacks;
    1 common partner: Hub (resource allocation 0.5, Adamic–Adar 1.44);
    same language area (fr)
    """
    # long: the docstring (every rule of a candidate pair, with an example) is about 47 lines; the body is about 30
    net = as_network(tables)
    w = weights if weights is not None else load_weights()
    d = collect_evidence(net, level=level, weights=w, since=since, until=until)
    agg = aggregate(d)
    if agg.empty:
        return _none(f"no ties at level {level}: no two members share an activity, declared tandem or transfer")
    offers, knows = _profiles(net, level, since, until)
    if not any(offers.values()):
        return _none(
            "no activity names a theme or topic (projects without programme title or topics), so no pair can offer "
            "the other something it lacks"
        )
    graph = _TieGraph.of(d, agg)
    cand = _candidates(graph, agg, per_member)
    if cand.empty:
        return _none("every pair with a common partner already works together (shares an activity, tandem or transfer)")
    if w.closeness == "adamic_adar":
        cand["aa"] = ra_of(graph, cand["uc"].to_numpy(), cand["vc"].to_numpy(), log=True)
    out = _score(cand, d, net.members(), offers, knows, w, max_km=max_km, same_language=same_language)
    if out.empty:
        filters = [f for f, on in (("--max-km", max_km is not None), ("--same-language", same_language)) if on]
        return _none(
            f"none of the {len(cand):,} untied pairs with a common partner is complementary (one offering a theme the "
            "other never met)" + (f" within {' and '.join(filters)}" if filters else "")
        )
    out["_d"] = out["distance_km"].fillna(np.inf)
    out = out.sort_values(["score", "_d", "a", "b"], ascending=[False, True, True, True], kind="stable").drop(columns="_d")
    if top is not None:
        out = out.head(top)
    out["adamic_adar"] = ra_of(graph, out["uc"].to_numpy(), out["vc"].to_numpy(), log=True)
    out["distance_km"] = [None if not math.isfinite(x) else float(x) for x in out["distance_km"]]
    out["offers_a"] = [sorted(t for t in offers.get(a, {}) if t not in knows.get(b, set())) for a, b in zip(out["a"], out["b"])]
    out["offers_b"] = [sorted(t for t in offers.get(b, {}) if t not in knows.get(a, set())) for a, b in zip(out["a"], out["b"])]
    out = _explain(out.reset_index(drop=True), graph, d, net.members(), offers)
    out = out[_RECOMMEND_COLUMNS]
    out.attrs.update(level=level, closeness=w.closeness, candidates=len(cand), why="")
    return out


def _none(why: str) -> pd.DataFrame:
    """No recommendation, and why (``attrs["why"]``)."""
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in _RECOMMEND_COLUMNS})
    empty.attrs["why"] = why
    return empty


@dataclass(frozen=True)
class _TieGraph:
    """The tie graph of the evidence as a 0/1 adjacency matrix over member codes, with degrees."""

    adj: sp.csr_matrix
    deg: np.ndarray

    @classmethod
    def of(cls, d: TieEvidence, agg: pd.DataFrame) -> _TieGraph:
        n = len(d.ids)
        uc, vc = agg["uc"].to_numpy(), agg["vc"].to_numpy()
        adj = sp.coo_matrix((np.ones(2 * len(uc)), (np.r_[uc, vc], np.r_[vc, uc])), shape=(n, n)).tocsr()
        adj.data[:] = 1.0
        return cls(adj, np.asarray(adj.sum(axis=1)).ravel())


def _candidates(graph: _TieGraph, agg: pd.DataFrame, per_member: int = TOP_PER_MEMBER) -> pd.DataFrame:
    """Untied pairs with a common partner, each member's ``per_member`` best by RA: codes ``uc < vc`` and ``ra``.

    Candidates are generated through partners with at most :data:`HUB_DEGREE` partners (on organisation-level
    CORDIS the two-paths through the 1,243 larger hubs are 92 % of all 749 million, each adding less than
    1/HUB_DEGREE to RA); RA rows are computed a block of members at a time (at most :data:`_BLOCK_TWO_PATHS`
    two-paths), pairs already tied are dropped and each row keeps its ``per_member`` largest values. The RA of
    every kept pair is then exact: the hubs' share is added back.
    """
    adj, deg = graph.adj, graph.deg
    n = adj.shape[0]
    inv = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0)
    small = deg <= HUB_DEGREE
    left = (adj @ sp.diags(np.where(small, inv, 0.0))).tocsr()
    left.eliminate_zeros()
    uc, vc = agg["uc"].to_numpy(np.int64), agg["vc"].to_numpy(np.int64)
    tied = np.sort(np.r_[uc * n + vc, vc * n + uc])  # sorted keys of the tied pairs (both orientations)
    two_paths = np.cumsum(left.astype(bool).astype(np.float64) @ deg)
    rows, cols, vals = [], [], []
    lo = 0
    while lo < n:
        base = two_paths[lo - 1] if lo else 0.0
        hi = max(lo + 1, int(np.searchsorted(two_paths, base + _BLOCK_TWO_PATHS, side="right")))
        block = (left[lo:hi] @ adj).tocsr()
        block.sort_indices()  # equal RA: the lower code first (the stable sort below keeps this order)
        block = block.tocoo()
        r, c, v = block.row.astype(np.int64) + lo, block.col.astype(np.int64), block.data
        key = r * n + c
        is_tied = tied[np.minimum(np.searchsorted(tied, key), tied.size - 1)] == key  # agg is not empty: tied neither
        ok = (r != c) & ~is_tied & (v > 0)
        r, c, v = r[ok], c[ok], v[ok]
        if r.size:
            order = np.argsort(r + (1.0 - v / (float(v.max()) * 2.0)), kind="stable")  # by row, highest RA first
            r, c, v = r[order], c[order], v[order]
            keep = (np.arange(r.size) - np.searchsorted(r, r, side="left")) < per_member
            rows.append(r[keep])
            cols.append(c[keep])
            vals.append(v[keep])
        lo = hi
    if not rows:
        return pd.DataFrame({"uc": np.zeros(0, np.int64), "vc": np.zeros(0, np.int64), "ra": np.zeros(0)})
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    cand = pd.DataFrame({"uc": np.minimum(r, c), "vc": np.maximum(r, c), "ra": v})
    cand = cand.drop_duplicates(["uc", "vc"]).reset_index(drop=True)
    hubs = np.flatnonzero(~small)
    if hubs.size:  # the hubs' share of RA, so that every kept pair's RA is exact
        via_hubs = (adj[:, hubs] @ sp.diags(inv[hubs])).tocsr()
        cand["ra"] += _row_dots(via_hubs, adj[:, hubs].tocsr(), cand["uc"].to_numpy(), cand["vc"].to_numpy())
    return cand


def ra_of(graph: _TieGraph, uc: np.ndarray, vc: np.ndarray, log: bool = False) -> np.ndarray:
    """Exact resource allocation (or, ``log=True``, Adamic–Adar) of the pairs ``uc``–``vc``."""
    deg = graph.deg
    with np.errstate(divide="ignore"):
        w = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0) if log else np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0)
    return _row_dots((graph.adj @ sp.diags(w)).tocsr(), graph.adj, uc, vc)


def _score(
    cand: pd.DataFrame,
    d: TieEvidence,
    mem: pd.DataFrame,
    offers: Offers,
    knows: Knows,
    w: TandemWeights,
    *,
    max_km: float | None,
    same_language: bool,
) -> pd.DataFrame:
    """Topic counts, distance, language and score of every candidate pair; the pairs passing the filters."""
    id_list = [str(x) for x in d.ids]
    own = mem.reindex(id_list)
    city_country = mem["country"].reindex(own["city_id"].to_numpy()).to_numpy()
    country_of = [c if isinstance(c, str) else cc for c, cc in zip(own["country"].to_numpy(), city_country)]
    by_country = {c: _language(c) or "" for c in set(country_of)}
    lang = np.array([by_country[c] for c in country_of], dtype=object)
    lat = np.array([number(x) for x in own["lat"].to_numpy()], dtype=float)
    lon = np.array([number(x) for x in own["lon"].to_numpy()], dtype=float)
    # topic counts for every candidate pair at once: |offers(a) \ knows(b)| = |offers(a)| - |offers(a) ∩ knows(b)|
    topic_ix: dict[str, int] = {}
    for prof in (offers, knows):
        for topics in prof.values():
            for t in topics:
                topic_ix.setdefault(t, len(topic_ix))
    off_m = _incidence([offers.get(x, {}) for x in id_list], topic_ix)
    know_m = _incidence([knows.get(x, set()) for x in id_list], topic_ix)
    n_off = np.asarray(off_m.sum(axis=1)).ravel()
    uc_a, vc_a = cand["uc"].to_numpy(), cand["vc"].to_numpy()
    ra_a = cand["ra"].to_numpy()
    aa_a = cand["aa"].to_numpy() if "aa" in cand.columns else np.full(len(cand), np.nan)
    both = _row_dots(off_m, know_m, uc_a, vc_a), _row_dots(off_m, know_m, vc_a, uc_a)
    count = (n_off[uc_a] - both[0]) + (n_off[vc_a] - both[1])
    same = (lang[uc_a] != "") & (lang[uc_a] == lang[vc_a])
    dist = _haversine(lat[uc_a], lon[uc_a], lat[vc_a], lon[vc_a])
    ok = count > 0
    if same_language:
        ok &= same
    if max_km is not None:
        ok &= np.isfinite(dist) & (dist <= max_km)
    closeness = ra_a if w.closeness == "resource_allocation" else aa_a
    return pd.DataFrame(
        {
            "uc": uc_a[ok],
            "vc": vc_a[ok],
            "a": [id_list[i] for i in uc_a[ok].tolist()],
            "b": [id_list[i] for i in vc_a[ok].tolist()],
            "score": count[ok] * closeness[ok],
            "adamic_adar": aa_a[ok],
            "resource_allocation": ra_a[ok],
            "distance_km": np.where(np.isfinite(dist[ok]), dist[ok], np.nan),
            "same_language": same[ok],
        }
    )


def _explain(out: pd.DataFrame, graph: _TieGraph, d: TieEvidence, mem: pd.DataFrame, offers: Offers) -> pd.DataFrame:
    """Names, common partners, readable offers and the explanation of every recommended pair."""
    ids, names, deg = d.ids, d.names, graph.deg
    country = dict(zip(mem.index, mem["country"]))
    city_of = dict(zip(mem.index, mem["city_id"]))
    nbrs = graph.adj.tolil().rows
    commons, offers_txt, expl = [], [], []
    for r in out.itertuples(index=False):
        common = sorted(set(nbrs[r.uc]) & set(nbrs[r.vc]), key=lambda z: (deg[z], str(ids[z])))
        cn = [names.get(str(ids[z]), str(ids[z])) for z in common]
        commons.append(cn)
        parts_txt, parts_expl = [], []
        for giver, taker, tops in ((r.a, r.b, r.offers_a), (r.b, r.a, r.offers_b)):
            if not tops:
                continue
            ng, nt = names.get(giver, giver), names.get(taker, taker)
            parts_txt.append(f"{ng}→{nt}: {', '.join(tops)}")
            evidence = list(dict.fromkeys(lab for t in tops for lab in offers[giver][t]))
            parts_expl.append(f"{ng} offers {list_items(tops, 4)} ({list_items(evidence, 2)}) that {nt} lacks")
        offers_txt.append("; ".join(parts_txt))
        close = (
            f"{len(cn)} common partner{'s' if len(cn) != 1 else ''}: {list_items(cn, 4)} "
            f"(resource allocation {r.resource_allocation:.3g}, Adamic–Adar {r.adamic_adar:.3g})"
        )
        extra = []
        if r.distance_km is not None and math.isfinite(r.distance_km):
            extra.append(f"{r.distance_km:,.0f} km apart")
        if r.same_language:
            extra.append(f"same language area ({_language(country.get(r.a) or country.get(city_of.get(r.a)))})")
        expl.append("; ".join([*parts_expl, close, *extra]))
    out["a_name"] = [names.get(x, x) for x in out["a"]]
    out["b_name"] = [names.get(x, x) for x in out["b"]]
    out["common_partners"] = commons
    out["offers"] = offers_txt
    out["explanation"] = expl
    return out
