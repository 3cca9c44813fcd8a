"""Explanations of tandem strength: readable sentences for the activities a pair shares, and the full
per-activity breakdown of one pair (:func:`explain_pair` returns a :class:`PairExplanation`).

The sentence builders (:func:`sentence`, :func:`count_summary`, :func:`explanations`) take
:class:`~netlens.analysis.evidence.TieEvidence` rows and return text; :mod:`netlens.analysis.strength` uses them
for its ``explanation`` column.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from netlens.analysis.evidence import (
    EXCHANGE_CHANNELS,
    TieEvidence,
    aggregate,
    collect_evidence,
    evidence_frame,
    ordinal,
    ranked_pairs,
)
from netlens.analysis.labels import CHANNEL_LABELS, list_items, span, tandem_item, year
from netlens.analysis.names import resolve_member
from netlens.analysis.weights import CHANNELS, TandemWeights
from netlens.errors import UsageError
from netlens.model.network import Tables, as_network

__all__ = ["Item", "sentence", "count_summary", "explanations", "ActivityContribution", "PairExplanation", "explain_pair"]


Item = tuple[str, str, Any, Any, float, int]  # name, channel, start, end, contribution, direction (+1 a→b, −1 b→a, 0)


def sentence(items: list[Item], a: str, b: str, names: dict[str, str], reciprocal: bool) -> str:
    """One readable sentence for the activities ``items`` shared by ``a`` and ``b``."""
    na, nb = names.get(a, a), names.get(b, b)
    by_channel: dict[str, list[Item]] = {}
    for it in items:
        by_channel.setdefault(it[1], []).append(it)
    first: list[str] = []  # projects and exchanges
    second: list[str] = []  # declared tandems and transfers
    # projects first, then exchange channels by their total contribution, then tandems and transfers
    exchange_order = sorted(
        (c for c in EXCHANGE_CHANNELS if c in by_channel), key=lambda c: (-sum(it[4] for it in by_channel[c]), CHANNELS.index(c))
    )
    for c in ("project", *exchange_order, "tandem", "transfer"):
        r = by_channel.get(c)
        if r:
            (second if c in ("tandem", "transfer") else first).append(_channel_phrase(c, sorted(r, key=_strongest), na, nb))
    text = "; ".join(x for x in (", ".join(first), ", ".join(second)) if x)
    if reciprocal:
        fwd = sum(1 for it in items if it[5] == 1)
        bwd = sum(1 for it in items if it[5] == -1)
        text += f"; flows both ways ({na}→{nb} {fwd}×, {nb}→{na} {bwd}×)"
    return text


def _strongest(it: Item) -> tuple[float, float, str]:
    """Sort key: strongest first; among equals the most recent (end, else start), then by name."""
    when = it[3] if isinstance(it[3], _dt.date) else it[2]
    return (-it[4], -ordinal(when) if isinstance(when, _dt.date) else math.inf, it[0])


def _channel_phrase(c: str, r: list[Item], na: str, nb: str) -> str:
    """The phrase for the activities ``r`` (sorted, one channel ``c``) of the pair named ``na``, ``nb``."""
    one, many = CHANNEL_LABELS[c]
    k = len(r)
    if c == "project":
        parts = [f"{n} {span(s, e)}".strip() for n, _, s, e, _, _ in r]
        return f"{k} {one if k == 1 else many} ({list_items(parts)})"
    if c == "tandem":
        parts = [tandem_item(n, s, e) for n, _, s, e, _, _ in r]
        return f"{one} {parts[0]}".strip() if k == 1 else f"{k} {many} ({'; '.join(p or 'undated' for p in parts)})"
    if c == "transfer":
        parts = [f"{na + '→' + nb if dr == 1 else nb + '→' + na}: {n} {year(s)}".strip() for n, _, s, _, _, dr in r]
        return f"{one} {parts[0]}" if k == 1 else f"{k} {many} ({list_items(parts)})"
    ys = ", ".join(sorted({year(s) for _, _, s, _, _, _ in r} - {""}))
    return f"{one} {ys}".strip() if k == 1 else f"{k} {many}" + (f" ({ys})" if ys else "")


def count_summary(agg: pd.DataFrame) -> list[str]:
    """'12 projects, 1 workshop' for every row of ``agg`` (vectorised over channels)."""
    text = np.full(len(agg), "", dtype=object)
    for k, c in enumerate(CHANNELS):
        cnt = agg[f"_n{k}"].to_numpy()
        if not cnt.any():
            continue
        one, many = CHANNEL_LABELS[c]
        piece = np.where(cnt == 1, f"1 {one}", cnt.astype(str).astype(object) + f" {many}")
        piece = np.where(cnt > 0, piece, "").astype(object)
        sep = np.where((text != "") & (piece != ""), ", ", "").astype(object)
        text = text + sep + piece
    return list(text)


def explanations(agg: pd.DataFrame, d: TieEvidence, explain_top: int | None) -> list[str]:
    """The ``explanation`` column of :func:`~netlens.analysis.strength.tandem_strength` for the pairs ``agg``: sentences
    naming the activities for the ``explain_top`` strongest (all when None), a count summary for the others.
    """
    n_full = len(agg) if explain_top is None else min(explain_top, len(agg))
    out = count_summary(agg) if n_full < len(agg) else [""] * len(agg)
    if n_full == 0:
        return out
    n_ids = len(d.ids)
    top = agg.iloc[:n_full]
    long = d.long
    key = long["uc"].to_numpy().astype(np.int64) * n_ids + long["vc"].to_numpy()
    mask = np.isin(key, top["key"].to_numpy())
    ac = long["ac"].to_numpy()[mask]
    info = d.info
    items: dict[int, list[Item]] = {}
    for k, it in zip(
        key[mask].tolist(),
        zip(
            info["name"].to_numpy()[ac].tolist(),
            info["channel"].to_numpy()[ac].tolist(),
            info["start"].to_numpy()[ac].tolist(),
            info["end"].to_numpy()[ac].tolist(),
            long["contribution"].to_numpy()[mask].tolist(),
            long["direction"].to_numpy()[mask].tolist(),
        ),
    ):
        items.setdefault(k, []).append(it)
    rows = zip(top["key"].tolist(), top["uc"].tolist(), top["vc"].tolist(), top["reciprocity"].tolist())
    for i, (k, uc, vc, rc) in enumerate(rows):
        out[i] = sentence(items[k], str(d.ids[uc]), str(d.ids[vc]), d.names, rc > 1.0)
    return out


@dataclass(frozen=True)
class ActivityContribution:
    """One shared activity's share of a tandem strength: contribution = β · g · decay."""

    id: str
    name: str
    channel: str
    start: _dt.date | None
    end: _dt.date | None
    date: _dt.date | None  # t_a, the date the decay is measured from (None: no decay)
    n: int
    g: float
    decay: float
    beta: float
    contribution: float
    direction: str | None  # "a→b", "b→a" (hosting, transfers) or None


@dataclass(frozen=True)
class PairExplanation:
    """Full breakdown of S_ab; ``text`` renders it."""

    a: str
    b: str
    a_name: str
    b_name: str
    level: str
    reference_date: _dt.date | None
    activities: tuple[ActivityContribution, ...]
    channels: Mapping[str, float]
    base: float
    multiplexity: float
    multiplexity_factor: float
    reciprocity: float
    strength: float
    rank: int | None
    n_pairs: int
    significant: bool
    alpha: float | None
    summary: str
    weights: str

    @property
    def text(self) -> str:
        head = f"{self.a_name} ({self.a}) – {self.b_name} ({self.b}), level {self.level}"
        if not self.activities:
            return f"{head}: no shared activity, declared tandem or transfer; tandem strength 0"
        lines = [
            f"{head}: tandem strength {self.strength:.4g} (rank {self.rank} of {self.n_pairs}; "
            + (f"significant, α = {self.alpha:.3g})" if self.significant else f"not significant, α = {self.alpha:.3g})"),
            f"  in words: {self.summary}",
            f"  reference date {self.reference_date.isoformat() if self.reference_date else 'none (no dates)'}; {self.weights}",
            f"  {'activity':<40} {'channel':<15} {'date':<17} {'n':>4} {'g':>6} {'decay':>6} {'β':>5} {'contribution':>12}  flow",
        ]
        for x in self.activities:
            if x.date:
                when = x.date.isoformat()
            elif x.channel == "tandem" and x.start:
                when = f"since {x.start.isoformat()}"
            else:
                when = "undated"
            name = x.name if len(x.name) <= 40 else x.name[:39] + "…"
            flow = {"a→b": f"{self.a_name}→{self.b_name}", "b→a": f"{self.b_name}→{self.a_name}"}.get(x.direction or "", "")
            lines.append(
                f"  {name:<40} {x.channel:<15} {when:<17} {x.n:>4} {x.g:>6.3f} {x.decay:>6.3f} {x.beta:>5g} "
                f"{x.contribution:>12.4f}  {flow}".rstrip()
            )
        parts = " + ".join(f"{c} {v:.4g}" for c, v in self.channels.items() if v)
        lines.append(f"  base = {parts} = {self.base:.4g}")
        lines.append(
            f"  × multiplexity (1 + γ·{self.multiplexity:g}) = {self.multiplexity_factor:.4g}"
            f" × reciprocity {self.reciprocity:g} → strength {self.strength:.4g}"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text


def explain_pair(
    tables: Tables,
    a: str,
    b: str,
    *,
    level: str = "city",
    weights: TandemWeights | None = None,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    topic: str | None = None,
) -> PairExplanation:
    """The full per-activity breakdown of the tandem strength of ``a`` and ``b`` (ids or names).

    Each activity comes with id, name, channel, date t_a, n_a, g(n_a), decay, β and its contribution;
    then the multiplexity and reciprocity factors (formula in the module docstring; Newman 2001,
    Granovetter 1973, Marsden & Campbell 1984). Unknown members raise
    :class:`~netlens.errors.NotFoundError` with close matches.

    Examples
    --------
    >>> from netlens.validation import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["a", "b"], "name": ["Alpha", "Beta"], "country": ["FR"] * 2,
    ...                             "lat": [None] * 2, "lon": [None] * 2, "population": [None] * 2, "tags": [None] * 2})
    >>> t["exchanges"] = pd.DataFrame({"id": ["x"], "type": ["study_visit"], "date": [_dt.date(2020, 1, 1)],
    ...     "title": ["Visit"], "host_id": ["a"], "project_id": [None], "topics": [None]})
    >>> t["attendances"] = pd.DataFrame({"exchange_id": ["x"], "member_id": ["b"], "role": ["participant"]})
    >>> e = explain_pair(t, "alpha", "BETA")
    >>> e.strength, e.activities[0].direction, e.summary
    (4.0, 'a→b', 'study visit 2020')
    """
    net = as_network(tables)
    ia = resolve_member(net, a, level=level)
    ib = resolve_member(net, b, level=level)
    if ia == ib:
        raise UsageError(f"{a!r} and {b!r} are the same {'city' if level == 'city' else 'member'} ({ia})")
    d = collect_evidence(net, level=level, weights=weights, since=since, until=until, topic=topic)
    agg = aggregate(d)
    full = ranked_pairs(agg, d) if not agg.empty else None
    u, v = sorted((ia, ib))
    hit = full[(full["a"] == u) & (full["b"] == v)] if full is not None else None
    if full is None or hit is None or hit.empty:
        return _no_tie(ia, ib, d, 0 if full is None else len(full))
    row = hit.iloc[0]
    acts, items = _contributions(d, u, v, swap=(u, v) != (ia, ib))
    summary = sentence(items, u, v, d.names, float(row["reciprocity"]) > 1.0)  # directions are named, so (u, v) order is fine
    mult = float(row["multiplexity"])
    return PairExplanation(
        a=ia,
        b=ib,
        a_name=d.names.get(ia, ia),
        b_name=d.names.get(ib, ib),
        level=level,
        reference_date=d.reference,
        activities=acts,
        channels={c: float(row[c]) for c in CHANNELS},
        base=float(row["base"]),
        multiplexity=mult,
        multiplexity_factor=1.0 + d.weights.gamma * mult,
        reciprocity=float(row["reciprocity"]),
        strength=float(row["strength"]),
        rank=int(row["rank"]),
        n_pairs=len(full),
        significant=bool(row["significant"]),
        alpha=float(row["alpha"]),
        summary=summary,
        weights=d.weights.describe(dated=d.reference is not None),
    )


def _no_tie(ia: str, ib: str, d: TieEvidence, n_pairs: int) -> PairExplanation:
    """The explanation of a pair that shares nothing: strength 0."""
    return PairExplanation(
        ia,
        ib,
        d.names.get(ia, ia),
        d.names.get(ib, ib),
        d.level,
        d.reference,
        (),
        {c: 0.0 for c in CHANNELS},
        0.0,
        0.0,
        1.0,
        1.0,
        0.0,
        None,
        n_pairs,
        False,
        None,
        "",
        d.weights.describe(dated=d.reference is not None),
    )


def _contributions(d: TieEvidence, u: str, v: str, *, swap: bool) -> tuple[tuple[ActivityContribution, ...], list[Item]]:
    """The activities of the pair (u, v), strongest first: as contributions (directions as asked, a→b flipped when
    ``swap``) and as sentence items (directions in (u, v) order)."""
    code = pd.Index(d.ids)
    uc, vc = code.get_loc(u), code.get_loc(v)
    long = d.long[(d.long["uc"] == uc) & (d.long["vc"] == vc)]
    lf = evidence_frame(d, long).sort_values(["contribution", "name"], ascending=[False, True], kind="stable")
    t_ord = d.info["t_ord"].to_numpy()[long["ac"].to_numpy()]
    t_map = dict(zip(d.info["id"].to_numpy()[long["ac"].to_numpy()], t_ord))
    flip = {"a→b": "b→a", "b→a": "a→b"}
    acts = tuple(
        ActivityContribution(
            id=str(r.activity_id),
            name=str(r.name),
            channel=str(r.channel),
            start=r.start if isinstance(r.start, _dt.date) else None,
            end=r.end if isinstance(r.end, _dt.date) else None,
            date=None if np.isnan(t_map[r.activity_id]) else _dt.date.fromordinal(int(t_map[r.activity_id])),
            n=int(r.n),
            g=float(r.g),
            decay=float(r.decay),
            beta=float(r.beta),
            contribution=float(r.contribution),
            direction=(flip.get(r.direction, r.direction) if swap else r.direction) if isinstance(r.direction, str) else None,
        )
        for r in lf.itertuples(index=False)
    )
    dmap = {"a→b": 1, "b→a": -1}
    items = [
        (str(r.name), str(r.channel), r.start, r.end, float(r.contribution), dmap.get(r.direction, 0))
        for r in lf.itertuples(index=False)
    ]
    return acts, items
