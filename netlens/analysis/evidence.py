"""Tie evidence: every (member pair, shared activity) row of a network, with the factors of tandem strength.

:func:`collect_evidence` takes a network (any mapping of the eight tables), a level, the weights, a time window
and optionally a topic, and returns a :class:`TieEvidence`: the long pair × activity rows (integer codes), the
activity table with g(n), decay, β and contribution per activity, and the lookups. Tandem strength
(:mod:`netlens.analysis.strength`), explanations (:mod:`netlens.analysis.explain`), transfer paths
(:mod:`netlens.analysis.paths`) and recommendations (:mod:`netlens.analysis.recommend`) all start from it.

Also here: the per-pair numbers (:func:`pair_numbers`, :func:`aggregate`, :func:`ranked_pairs`), the readable
long rows (:func:`pair_activities`), topics (:func:`all_topics`) and, from :mod:`netlens.analysis.labels`,
activity labels (:func:`activity_label`). The formula is in :mod:`netlens.analysis.strength`.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from netlens.analysis.backbone import disparity
from netlens.analysis.labels import activity_label
from netlens.analysis.names import normalise
from netlens.analysis.weights import CHANNELS, TandemWeights, load_weights
from netlens.errors import NotFoundError
from netlens.model.network import Network, Tables, as_network, check_level, overlaps
from netlens.values import split_list

__all__ = [
    "EXCHANGE_CHANNELS",
    "TieEvidence",
    "collect_evidence",
    "pair_activities",
    "evidence_frame",
    "pair_numbers",
    "aggregate",
    "ranked_pairs",
    "activity_topics",
    "all_topics",
    "check_topic",
    "level_mapper",
    "dyads",
    "ordinal",
    "activity_label",
]


EXCHANGE_CHANNELS = CHANNELS[1:8]


_DAYS_PER_YEAR = 365.25


def ordinal(v: Any) -> float:
    """A date's proleptic ordinal as a float, NaN for anything else.

    >>> ordinal(_dt.date(1, 1, 2)), ordinal(None)
    (2.0, nan)
    """
    return float(v.toordinal()) if isinstance(v, _dt.date) else np.nan


def _latest_date(tables: Tables) -> _dt.date | None:
    dates: list[_dt.date] = []
    for table, cols in (
        ("projects", ("start", "end")),
        ("exchanges", ("date",)),
        ("tandems", ("since", "until")),
        ("transfers", ("date",)),
    ):
        frame = tables[table]
        for c in cols:
            if c in frame.columns:
                dates.extend(d for d in frame[c] if isinstance(d, _dt.date))
    return max(dates) if dates else None


@dataclass(frozen=True)
class TieEvidence:
    """The evidence of every tie of a network at one level: long pair × activity rows plus lookups.

    Built by :func:`collect_evidence`; shared (read-only) by tandem strength, explanations, paths and
    recommendations.

    Attributes
    ----------
    ids : numpy.ndarray
        Member code -> member id (sorted, so code order = id order): every member with an activity at the
        level, plus the ends of declared tandems and transfers.
    names : dict
        Member id -> display name (:meth:`netlens.model.network.Network.names`).
    info : pandas.DataFrame
        Activity code -> ``id, name, channel, start, end, n, topics, a, b`` (``a``/``b``: the ends of a declared
        tandem or transfer, else None) and the factors ``t_ord, g, decay, beta, contribution, start_ord, end_ord``.
    long : pandas.DataFrame
        One row per (pair, activity): ``uc, vc`` (member codes, uc < vc), ``ac`` (activity code), ``direction``
        (+1 u→v, −1 v→u, 0 undirected), ``ch`` (index in :data:`~netlens.analysis.weights.CHANNELS`),
        ``contribution`` (β·g·decay).
    reference : datetime.date or None
        The reference date t of the decay (None when nothing is dated).
    weights : TandemWeights
        The weights used.
    level : str
        ``"city"`` or ``"organisation"``.
    """

    ids: np.ndarray
    names: dict[str, str]
    info: pd.DataFrame
    long: pd.DataFrame
    reference: _dt.date | None
    weights: TandemWeights
    level: str


def activity_topics(network: Tables) -> dict[str, list[str]]:
    """Activity id -> its topics (an exchange without topics inherits its project's)."""
    acts = as_network(network).activities()
    own = dict(zip(acts.index, acts["topics"]))
    out: dict[str, list[str]] = {}
    for aid, topics, pid in zip(acts.index, acts["topics"], acts["project_id"]):
        t = split_list(topics)
        if not t and isinstance(pid, str):  # an exchange without topics inherits its project's
            t = split_list(own.get(pid))
        out[str(aid)] = t
    return out


def all_topics(network: Tables) -> list[str]:
    """Every topic named by projects, exchanges, tandems and transfers (sorted).

    Parameters
    ----------
    network : Network or mapping of the eight tables

    Returns
    -------
    list of str
    """
    found: set[str] = set()
    for t in activity_topics(network).values():
        found.update(t)
    for table, col in (("tandems", "topic"), ("transfers", "topic")):
        for v in network[table][col]:
            found.update(split_list(v))
    return sorted(found)


def check_topic(network: Tables, topic: str) -> str:
    """The normalised ``topic`` when some activity names it, else :class:`~netlens.errors.NotFoundError` with close matches."""
    known = all_topics(network)
    by_norm = {normalise(t): t for t in known}
    if normalise(topic) in by_norm:
        return normalise(topic)
    close = difflib.get_close_matches(normalise(topic), list(by_norm), n=5, cutoff=0.6)
    hint = (
        f"; did you mean: {', '.join(by_norm[c] for c in close)}?"
        if close
        else (
            f"; known topics: {', '.join(known[:20])}{' …' if len(known) > 20 else ''}" if known else "; the data names no topics"
        )
    )
    raise NotFoundError(f"no activity about topic {topic!r}{hint}")


def level_mapper(mem: pd.DataFrame, level: str) -> Callable[[Any], str | None]:
    """Member id → the member standing for it at ``level`` (its city at city level; None when unknown or cityless)."""
    city_of = dict(zip(mem.index, mem["city_id"]))

    def to_level(x: Any) -> str | None:
        if x is None or x not in city_of:
            return None
        if level == "city":
            c = city_of[x]
            return str(c) if isinstance(c, str) else None
        return str(x)

    return to_level


def dyads(
    network: Tables, since: _dt.date | None, until: _dt.date | None
) -> Iterator[tuple[str, int, dict[str, Any], tuple[Any, Any], Any, Any, list[str]]]:
    """Declared tandems, then transfers, overlapping [since, until]: (channel, row number from 1, record,
    (a, b) member ids as recorded (a transfer: from, to), start, end, topics)."""
    for channel, table, ends, lo, hi in (
        ("tandem", "tandems", ("a_id", "b_id"), "since", "until"),
        ("transfer", "transfers", ("from_id", "to_id"), "date", "date"),
    ):
        for i, r in enumerate(network[table].to_dict("records")):
            start, end = r.get(lo), r.get(hi)
            if overlaps(start, end, since, until, open_end=channel == "tandem"):  # a running tandem has no end
                yield channel, i + 1, r, (r[ends[0]], r[ends[1]]), start, end, split_list(r.get("topic"))


def _about(topics: list[str], ntopic: str | None) -> bool:
    return ntopic is None or ntopic in {normalise(x) for x in topics}


def _activity_rows(network: Network, m: pd.DataFrame, ntopic: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The memberships of the activities with at least two members (about ``ntopic``), and those activities' rows."""
    m = m[["member_id", "activity_id", "role"]]
    if ntopic is not None:
        topics = activity_topics(network)
        keep_acts = {a for a, t in topics.items() if _about(t, ntopic)}
        m = m[m["activity_id"].isin(keep_acts)]
    sizes = m.groupby("activity_id").size()
    m = m[m["activity_id"].map(sizes).to_numpy() >= 2]
    act_ids = sizes.index[sizes.to_numpy() >= 2]
    sub = network.activities().reindex(act_ids)
    info_rows = pd.DataFrame(
        {
            "id": np.asarray(act_ids, dtype=object),
            "name": sub["name"].to_numpy(),
            "channel": [c if c in EXCHANGE_CHANNELS or c == "project" else "other" for c in sub["channel"]],
            "start": sub["start"].to_numpy(),
            "end": sub["end"].to_numpy(),
            "n": sizes.reindex(act_ids).to_numpy().astype(int),
            "topics": sub["topics"].to_numpy(),
            "a": None,
            "b": None,  # endpoints (tandems, transfers)
        }
    )
    return m, info_rows


def _dyad_rows(
    network: Network, level: str, since: _dt.date | None, until: _dt.date | None, ntopic: str | None
) -> list[dict[str, Any]]:
    """One activity row per declared tandem and transfer between two different members at ``level``."""
    to_level = level_mapper(network.members(), level)
    extra: list[dict[str, Any]] = []
    for channel, i, r, ends, start, end, tt in dyads(network, since, until):
        a, b = to_level(ends[0]), to_level(ends[1])
        if a is None or b is None or a == b or not _about(tt, ntopic):
            continue
        if channel == "tandem":
            label = ", ".join(tt) or (str(r["kind"]) if isinstance(r.get("kind"), str) else "")
        else:
            label = str(r["solution"])
        extra.append(
            {"id": f"{channel}:{i}", "name": label, "channel": channel, "start": start, "end": end, "n": 2, "topics": tt}
            | {"a": a, "b": b}
        )
    return extra


def _factors(info: pd.DataFrame, w: TandemWeights, reference: _dt.date | None) -> pd.DataFrame:
    """``info`` with the per-activity factors t_ord, g, decay, beta, contribution, start_ord, end_ord."""
    ref_ord = float(reference.toordinal()) if reference is not None else np.nan
    start_ord = np.array([ordinal(x) for x in info["start"]], dtype=float)
    end_ord = np.array([ordinal(x) for x in info["end"]], dtype=float)
    is_tandem = (info["channel"] == "tandem").to_numpy()
    t_ord = np.where(np.isnan(end_ord), np.where(is_tandem, np.nan, start_ord), end_ord)
    # a declared tandem without `until` is still running: no decay
    age = np.clip((ref_ord - t_ord) / _DAYS_PER_YEAR, 0.0, None) if not np.isnan(ref_ord) else np.zeros(len(info))
    decay = np.where(np.isnan(age), 1.0, np.exp(-w.lam * np.nan_to_num(age)))
    n = info["n"].to_numpy().astype(float)
    g = np.where(np.isin(info["channel"].to_numpy(), ["tandem", "transfer"]), 1.0, w.g(np.maximum(n, 2.0)))
    beta = np.array([w.beta[c] for c in info["channel"]], dtype=float)
    return info.assign(
        t_ord=t_ord, g=g, decay=decay, beta=beta, contribution=beta * g * decay, start_ord=start_ord, end_ord=end_ord
    )


def _pair_rows(m: pd.DataFrame, extra: list[dict[str, Any]], info: pd.DataFrame, k0: int, code: pd.Index) -> pd.DataFrame:
    """The long pair × activity rows: a self-join of the memberships per activity, then the dyads (from ``k0``)."""
    act_code = pd.Index(info["id"].to_numpy())
    ch_index = {c: k for k, c in enumerate(CHANNELS)}
    info_ch = np.array([ch_index[c] for c in info["channel"]], dtype=np.int64)
    mc = code.get_indexer(m["member_id"].to_numpy())
    ac = act_code.get_indexer(m["activity_id"].to_numpy())
    host = m["role"].to_numpy() == "host"
    left = pd.DataFrame({"ac": ac, "mc": mc, "host": host})
    j = left.merge(left, on="ac", suffixes=("_u", "_v"))
    j = j[j["mc_u"].to_numpy() < j["mc_v"].to_numpy()]
    hu, hv = j["host_u"].to_numpy(), j["host_v"].to_numpy()
    direction = np.where(hu & ~hv, 1, np.where(hv & ~hu, -1, 0))
    pairs = pd.DataFrame(
        {"uc": j["mc_u"].to_numpy(), "vc": j["mc_v"].to_numpy(), "ac": j["ac"].to_numpy(), "direction": direction}
    )
    if extra:
        ea = code.get_indexer([e["a"] for e in extra])
        eb = code.get_indexer([e["b"] for e in extra])
        is_tr = np.array([e["channel"] == "transfer" for e in extra])
        ex = pd.DataFrame(
            {
                "uc": np.minimum(ea, eb),
                "vc": np.maximum(ea, eb),
                "ac": np.arange(k0, k0 + len(extra)),
                "direction": np.where(is_tr, np.where(ea < eb, 1, -1), 0),
            }
        )
        pairs = pd.concat([pairs, ex], ignore_index=True)
    pairs["ch"] = info_ch[pairs["ac"].to_numpy()]
    pairs["contribution"] = info["contribution"].to_numpy()[pairs["ac"].to_numpy()]
    return pairs


def collect_evidence(
    network: Tables,
    *,
    level: str = "city",
    weights: TandemWeights | None = None,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    topic: str | None = None,
) -> TieEvidence:
    """The tie evidence of ``network`` at ``level``: every (pair, shared activity) with its contribution.

    Parameters
    ----------
    network : Network or mapping of the eight tables
        Typed tables (:func:`netlens.validation.validate`); a mapping is wrapped once (:func:`~netlens.model.network.as_network`).
    level : {"city", "organisation"}
        At city level organisations count for their city.
    weights : TandemWeights, optional
        Default :func:`~netlens.analysis.weights.load_weights`.
    since, until : datetime.date, optional
        Keep activities overlapping this window (:func:`netlens.model.network.overlaps`); ``until`` is also the
        default reference date.
    topic : str, optional
        Keep only activities about this topic (:class:`~netlens.errors.NotFoundError` when none names it).

    Returns
    -------
    TieEvidence
    """
    net = as_network(network)
    w = weights if weights is not None else load_weights()
    ntopic = check_topic(net, topic) if topic is not None else None
    check_level(level)
    recorded = net.memberships(level=level, since=since, until=until)
    present_ids = set(recorded["member_id"])  # every member with an activity (any topic, any size), plus the dyad ends
    m, info_rows = _activity_rows(net, recorded, ntopic)
    extra = _dyad_rows(net, level, since, until, ntopic)
    for e in extra:
        present_ids.update((e["a"], e["b"]))
    info = pd.concat([info_rows, pd.DataFrame(extra, columns=info_rows.columns)], ignore_index=True) if extra else info_rows
    reference = w.reference_date or until or _latest_date(net)
    info = _factors(info, w, reference)
    all_ids = np.array(sorted(present_ids), dtype=object)  # member codes: sorted ids, so code order = id order
    pairs = _pair_rows(m, extra, info, len(info_rows), pd.Index(all_ids))
    return TieEvidence(ids=all_ids, names=net.names(), info=info, long=pairs, reference=reference, weights=w, level=level)


def pair_activities(
    tables: Tables,
    *,
    level: str = "city",
    weights: TandemWeights | None = None,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    topic: str | None = None,
) -> pd.DataFrame:
    """One row per (pair, shared activity) with every factor of the formula.

    Parameters
    ----------
    tables : Network or mapping of the eight tables
    level, weights, since, until, topic
        As for :func:`collect_evidence`; ``topic`` keeps only activities about that topic (an exchange without
        topics inherits its project's).

    Returns
    -------
    pandas.DataFrame
        Columns ``a, b`` (ids, a < b), ``activity_id`` (a project/exchange id, or ``tandem:<row>`` /
        ``transfer:<row>`` for rows of those tables, numbered from 1), ``name``, ``channel``, ``start``, ``end``,
        ``n`` (members at ``level``), ``g``, ``decay``, ``beta``, ``contribution`` (= β·g·decay), ``direction``
        ("a→b", "b→a" or None).
    """
    d = collect_evidence(tables, level=level, weights=weights, since=since, until=until, topic=topic)
    return evidence_frame(d, d.long)


def evidence_frame(d: TieEvidence, rows: pd.DataFrame) -> pd.DataFrame:
    """The readable long rows (:func:`pair_activities` columns) of the evidence rows ``rows`` (a slice of ``d.long``)."""
    info = d.info.iloc[rows["ac"].to_numpy()]
    dirs = rows["direction"].to_numpy()
    return pd.DataFrame(
        {
            "a": d.ids[rows["uc"].to_numpy()],
            "b": d.ids[rows["vc"].to_numpy()],
            "activity_id": info["id"].to_numpy(),
            "name": info["name"].to_numpy(),
            "channel": info["channel"].to_numpy(),
            "start": info["start"].to_numpy(),
            "end": info["end"].to_numpy(),
            "n": info["n"].to_numpy().astype(int),
            "g": info["g"].to_numpy(),
            "decay": info["decay"].to_numpy(),
            "beta": info["beta"].to_numpy(),
            "contribution": info["contribution"].to_numpy(),
            "direction": np.array(["a→b" if d == 1 else "b→a" if d == -1 else None for d in dirs.tolist()], dtype=object),
        }
    ).reset_index(drop=True)


def pair_numbers(d: TieEvidence) -> dict[str, np.ndarray]:
    """Pair-level numbers as arrays, one entry per pair in key order (``key`` = uc · n_ids + vc ascending).

    Parameters
    ----------
    d : TieEvidence

    Returns
    -------
    dict of numpy.ndarray
        ``key``, ``uc``, ``vc`` (member codes), ``base``, ``per_channel`` (pair × channel contributions),
        ``counts`` (pair × channel activity counts), ``n_activities``, ``n_channels``, ``multiplexity``,
        ``reciprocity`` (the factor), ``strength`` (S), ``recency_ord`` (ordinal of the latest dated activity).
    """
    w = d.weights
    long = d.long
    n_ids = len(d.ids)
    n_ch = len(CHANNELS)
    key = long["uc"].to_numpy().astype(np.int64) * n_ids + long["vc"].to_numpy()
    order = np.argsort(key, kind="stable")
    ks = key[order]
    new = np.empty(len(ks), dtype=bool)
    new[:1] = True
    np.not_equal(ks[1:], ks[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    k_uni = ks[starts]
    codes = np.cumsum(new) - 1  # pair code of each sorted row
    n_pairs = len(k_uni)
    flat = codes * n_ch + long["ch"].to_numpy()[order]
    per_channel = np.bincount(flat, weights=long["contribution"].to_numpy()[order], minlength=n_pairs * n_ch).reshape(
        n_pairs, n_ch
    )
    counts = np.bincount(flat, minlength=n_pairs * n_ch).reshape(n_pairs, n_ch)
    active = np.array([w.beta[c] > 0 for c in CHANNELS])
    n_channels = ((counts > 0) & active).sum(axis=1)
    mult = np.maximum(n_channels - 1, 0).astype(float)
    if w.multiplexity_mode == "normalised":
        mult = mult / (len(CHANNELS) - 1)
    dirs = long["direction"].to_numpy()[order]
    fwd = np.bincount(codes, weights=(dirs == 1), minlength=n_pairs) > 0
    bwd = np.bincount(codes, weights=(dirs == -1), minlength=n_pairs) > 0
    recip = np.where(fwd & bwd, 1.0 + w.reciprocity_bonus, 1.0)
    base = per_channel.sum(axis=1)
    t_ord = d.info["t_ord"].to_numpy()[long["ac"].to_numpy()[order]]
    recency = np.fmax.reduceat(t_ord, starts) if n_pairs else np.zeros(0)  # NaN only when no activity is dated
    return {
        "key": k_uni,
        "uc": k_uni // n_ids,
        "vc": k_uni % n_ids,
        "base": base,
        "per_channel": per_channel,
        "counts": counts,
        "n_activities": np.diff(np.append(starts, len(ks))),
        "n_channels": n_channels,
        "multiplexity": mult,
        "reciprocity": recip,
        "strength": base * (1.0 + w.gamma * mult) * recip,
        "recency_ord": recency,
    }


def aggregate(d: TieEvidence) -> pd.DataFrame:
    """Pair-level numbers (codes, no names/explanations), sorted by strength (then uc, vc)."""
    if d.long.empty:
        return pd.DataFrame(
            columns=[
                "key",
                "uc",
                "vc",
                "base",
                *CHANNELS,
                *(f"_n{k}" for k in range(len(CHANNELS))),
                "n_activities",
                "n_channels",
                "multiplexity",
                "reciprocity",
                "strength",
                "recency_ord",
            ]
        )
    p = pair_numbers(d)
    order = np.lexsort((p["key"], -p["strength"]))  # strongest first; the key order (uc, vc) breaks ties
    cols: dict[str, np.ndarray] = {c: p[c][order] for c in ("key", "uc", "vc", "base")}
    per_channel, counts = p["per_channel"].T[:, order], p["counts"].T[:, order]  # one contiguous row per channel
    cols.update({c: per_channel[k] for k, c in enumerate(CHANNELS)})
    cols.update({f"_n{k}": counts[k] for k in range(len(CHANNELS))})
    mult = p["multiplexity"][order]
    cols.update(
        n_activities=p["n_activities"][order],
        n_channels=p["n_channels"][order],
        multiplexity=mult if d.weights.multiplexity_mode == "normalised" else mult.astype(int),
        reciprocity=p["reciprocity"][order],
        strength=p["strength"][order],
        recency_ord=p["recency_ord"][order],
    )
    return pd.DataFrame(cols, copy=False)  # no consolidation copy: every array is fresh


def ranked_pairs(agg: pd.DataFrame, d: TieEvidence) -> pd.DataFrame:
    """The pair table of tandem strength without the explanations: one row per pair of ``agg`` (non-empty, from
    :func:`aggregate`), columns ``a, b, a_name, b_name, strength, rank, base``, one per channel, ``n_activities,
    channels, multiplexity, reciprocity, recency, significant, alpha`` (see
    :func:`netlens.analysis.strength.tandem_strength`)."""
    w = d.weights
    au, av, alpha, sig = disparity(
        agg["uc"].to_numpy(), agg["vc"].to_numpy(), agg["strength"].to_numpy(), len(d.ids), w.threshold, w.keep_degree_one
    )
    uc, vc = agg["uc"].to_numpy(), agg["vc"].to_numpy()
    name_arr = np.array([d.names.get(x, x) for x in d.ids], dtype=object)
    out = pd.DataFrame(
        {
            "a": d.ids[uc],
            "b": d.ids[vc],
            "a_name": name_arr[uc],
            "b_name": name_arr[vc],
            "strength": agg["strength"].to_numpy(),
            "rank": pd.Series(agg["strength"].round(12)).rank(method="min", ascending=False).astype(int).to_numpy(),
            "base": agg["base"].to_numpy(),
        }
    )
    for c in CHANNELS:
        out[c] = agg[c].to_numpy()
    out["n_activities"] = agg["n_activities"].to_numpy()
    present = np.stack([agg[f"_n{k}"].to_numpy() > 0 for k in range(len(CHANNELS))], axis=1)
    mask = present.astype(np.int64) @ (1 << np.arange(len(CHANNELS), dtype=np.int64))
    m_codes, m_uni = pd.factorize(mask)
    lists = [[c for k, c in enumerate(CHANNELS) if (int(x) >> k) & 1] for x in m_uni]
    out["channels"] = [list(lists[i]) for i in m_codes]
    out["multiplexity"] = agg["multiplexity"].to_numpy()
    out["reciprocity"] = agg["reciprocity"].to_numpy()
    rec = agg["recency_ord"].to_numpy()
    r_codes, r_uni = pd.factorize(rec, use_na_sentinel=True)
    dates = [_dt.date.fromordinal(int(x)) for x in r_uni]
    out["recency"] = [dates[i] if i >= 0 else None for i in r_codes]
    out["significant"] = sig.astype(bool)
    out["alpha"] = alpha
    return out
