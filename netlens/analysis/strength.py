"""Tandem strength: how strongly two members are tied, and why (every score comes with its breakdown).

:func:`tandem_strength` takes a network and returns one row per tied pair, strongest first, with the per-channel
contributions, factors, significance and an explanation; :func:`ties_for_store` turns that table into ``TIE``
relationship rows for the graph store.
Formula
-------
For members i, j at ``level`` ("city": organisations count for their city; "organisation": members as
recorded, see :meth:`netlens.model.network.Network.memberships`), the tandem strength is

    S_ij = [ Σ_c β_c Σ_{a ∈ A_ij ∩ c} g(n_a) · exp(−λ (t − t_a)) ] × (1 + γ · multiplexity_ij) × reciprocity_ij

with every choice explicit (defaults in ``netlens/tandem_weights.toml``, see :func:`~netlens.analysis.weights.load_weights`):

* **channels c**: ``project`` (a shared project), each exchange type (``mentoring``, ``study_visit``,
  ``tandem_meeting``, ``workshop``, ``conference``, ``webinar``, ``other``; members share an exchange when
  they attended or hosted it), ``tandem`` (a row of the ``tandems`` table: a declared tandem, twinning or
  mentoring pair) and ``transfer`` (a row of the ``transfers`` table). β_c is the weight of one activity
  of channel c; default order mentoring > study visit > tandem meeting > workshop > webinar > project,
  with project = 1 as the unit.
* **g(n_a)**, the size discount, n_a = number of members of activity a *at the chosen level*:
  Newman's 1/(n_a − 1) by default (a two-member activity counts 1, a 21-member consortium 1/20) [1]_;
  ``sqrt`` (1/√(n_a − 1)) and ``none`` (1) are the alternatives. Tandems and transfers are dyads: g = 1.
  With λ = 0, γ = 0 and projects only, S_ij is exactly Newman's collaboration weight w_ij.
* **decay** exp(−λ (t − t_a)), t − t_a in years (365.25 days) and never negative. t_a = the activity's
  end (else its start; an exchange's date; a transfer's date; a declared tandem's ``until``). A declared
  tandem without ``until`` is taken as still running (decay 1); undated activities are not discounted
  (decay 1). t = the reference date: ``decay.reference_date`` in the weights, by default the latest date in
  the data (or ``until`` when given) — never "today", so results are reproducible. Default λ = ln 2 / 5:
  a tie's evidence loses half its weight in five years. Granovetter's tie strength combines time,
  intensity, intimacy and reciprocity [2]_; Marsden & Campbell found *recency* of contact and the
  closeness/intensity of the relation to be distinct dimensions, frequency a poor proxy [3]_ — hence a
  decay on each activity rather than a plain count.
* **multiplexity** = number of distinct channels with β_c > 0 the pair shares − 1 (``count``), or that
  number divided by 9 (``normalised``, 0…1 over ten channels); factor (1 + γ · multiplexity), γ = 0.25.
* **reciprocity**: hosting (the host of an exchange → every other member attending it) and transfers
  (from → to) are directed; the factor is 1 + bonus (0.5) when flows exist in *both* directions between
  i and j, else 1 (also for undirected ties) [2]_.

The per-channel columns of :func:`tandem_strength` hold β_c Σ g·decay (before the two factors); their sum
is ``base``; ``strength`` = base × (1 + γ·multiplexity) × reciprocity.

Significance
------------
:func:`~netlens.analysis.backbone.disparity_filter` flags ties that carry a significant share of an endpoint's
strength against the null model of uniformly random weights (Serrano, Boguñá & Vespignani 2009) [4]_, so users can keep the
backbone (``significant`` column).

Recommendations
---------------
:func:`~netlens.analysis.recommend.recommend` proposes pairs that are not tied yet, where one member offers themes the
other lacks and both are close in the tie graph (resource allocation [6]_ or Adamic–Adar [5]_).

Large tables
------------
:func:`tandem_strength` is vectorised (one self-join of the membership table per activity); explanation
sentences naming activities are built for the ``explain_top`` strongest pairs only (default 2000); the
other rows get a count summary ("12 projects, 1 workshop").

References
----------
.. [1] M. E. J. Newman, "Scientific collaboration networks. II. Shortest paths, weighted networks,
   and centrality", Phys. Rev. E 64, 016132 (2001).
.. [2] M. S. Granovetter, "The strength of weak ties", American Journal of Sociology 78(6),
   1360–1380 (1973).
.. [3] P. V. Marsden and K. E. Campbell, "Measuring tie strength", Social Forces 63(2), 482–501 (1984).
.. [4] M. Á. Serrano, M. Boguñá and A. Vespignani, "Extracting the multiscale backbone of complex
   weighted networks", PNAS 106(16), 6483–6488 (2009).
.. [5] L. A. Adamic and E. Adar, "Friends and neighbors on the Web", Social Networks 25(3), 211–230 (2003).
.. [6] T. Zhou, L. Lü and Y.-C. Zhang, "Predicting missing links via local information",
   Eur. Phys. J. B 71, 623–630 (2009).
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from netlens.analysis.evidence import TieEvidence, aggregate, collect_evidence, ranked_pairs
from netlens.analysis.explain import explanations
from netlens.analysis.weights import CHANNELS, TandemWeights
from netlens.model.network import Tables

__all__ = ["STRENGTH_COLUMNS", "tandem_strength", "strength_frame", "ties_for_store", "backbone_pairs"]


STRENGTH_COLUMNS = [
    "a",
    "b",
    "a_name",
    "b_name",
    "strength",
    "rank",
    "base",
    *CHANNELS,
    "n_activities",
    "channels",
    "multiplexity",
    "reciprocity",
    "recency",
    "significant",
    "alpha",
    "explanation",
]


def tandem_strength(
    tables: Tables,
    *,
    level: str = "city",
    weights: TandemWeights | None = None,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
    topic: str | None = None,
    explain_top: int | None = 2000,
) -> pd.DataFrame:
    """Every pair of members that shares any activity (or a declared tandem or a transfer), ranked by tandem strength.

    See the module docstring for the formula S_ij and every choice it makes (Newman's size discount [1]_,
    Granovetter's tie-strength dimensions [2]_, Marsden & Campbell's recency [3]_).

    Parameters
    ----------
    tables : typed tables (:func:`netlens.validation.checks.validate`).
    level : "city" (organisations count for their city) or "organisation".
    weights : :class:`~netlens.analysis.weights.TandemWeights`; default :func:`~netlens.analysis.weights.load_weights`.
    since, until : keep activities overlapping this window (undated ones are then left out); ``until`` is
        also the default reference date t.
    topic : keep only activities about this topic (exchanges without topics inherit their project's).
    explain_top : the strongest pairs whose ``explanation`` names the activities; the other rows get a
        count summary. ``None`` = every row (slower on very large tables).

    Returns
    -------
    DataFrame, one row per pair, strongest first: ``a, b`` (ids, a < b), ``a_name, b_name``, ``strength``,
    ``rank`` (1 = strongest; equal strengths share a rank), ``base`` (Σ of the channel columns), one column
    per channel in :data:`CHANNELS` (β_c Σ g·decay), ``n_activities``, ``channels`` (names of the channels the
    pair shares, including any with β = 0, which then add nothing and do not count for multiplexity),
    ``multiplexity``, ``reciprocity`` (the factor), ``recency`` (date of the latest dated activity),
    ``significant`` and ``alpha`` (disparity filter on the strength graph, :func:`~netlens.analysis.backbone.disparity_filter`),
    ``explanation``. ``attrs``: level, reference_date, weights (one-line description).

    Examples
    --------
    Two undated projects, P = {a, b} and Q = {a, b, c}: Newman's w_ab = 1/(2−1) + 1/(3−1) = 1.5; one channel,
    so no multiplexity bonus (tests/test_tandems.py checks networkx's golden values).

    >>> from netlens.validation import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"], "country": ["FR"] * 3,
    ...                             "lat": [None] * 3, "lon": [None] * 3, "population": [None] * 3, "tags": [None] * 3})
    >>> t["projects"] = pd.DataFrame({"id": ["p", "q"], "name": ["P", "Q"], "title": [None] * 2, "programme": [None] * 2,
    ...     "start": [None] * 2, "end": [None] * 2, "budget_eur": [None] * 2, "topics": [None] * 2, "url": [None] * 2})
    >>> t["participations"] = pd.DataFrame({"project_id": ["p", "p", "q", "q", "q"], "member_id": ["a", "b", "a", "b", "c"],
    ...                                     "role": [None] * 5, "contribution_eur": [None] * 5})
    >>> df = tandem_strength(t)
    >>> df[["a", "b", "strength", "rank", "multiplexity"]].to_dict("records")[0]
    {'a': 'a', 'b': 'b', 'strength': 1.5, 'rank': 1, 'multiplexity': 0}
    >>> df.loc[0, "explanation"]
    '2 projects (P, Q)'
    """
    d = collect_evidence(tables, level=level, weights=weights, since=since, until=until, topic=topic)
    return strength_frame(aggregate(d), d, explain_top)


def backbone_pairs(
    tables: Tables,
    *,
    level: str = "city",
    weights: TandemWeights | None = None,
    since: _dt.date | None = None,
    until: _dt.date | None = None,
) -> pd.DataFrame:
    """The backbone: the pairs of :func:`tandem_strength` that the disparity filter keeps (``significant``), without
    the explanations — the one backbone ``tandems --significant-only`` lists and ``map --backbone`` draws.

    Columns ``a, b, a_name, b_name, strength, n_activities, channels, alpha``, strongest first.
    """
    d = collect_evidence(tables, level=level, weights=weights, since=since, until=until)
    agg = aggregate(d)
    cols = ["a", "b", "a_name", "b_name", "strength", "n_activities", "channels", "alpha"]
    if agg.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    out = ranked_pairs(agg, d)
    return out.loc[out["significant"].to_numpy(dtype=bool), cols].reset_index(drop=True)


def strength_frame(agg: pd.DataFrame, d: TieEvidence, explain_top: int | None) -> pd.DataFrame:
    """The :func:`tandem_strength` table of the aggregated pairs ``agg`` (:func:`~netlens.analysis.evidence.aggregate`)."""
    if agg.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in STRENGTH_COLUMNS})
    out = ranked_pairs(agg, d)
    out["explanation"] = explanations(agg, d, explain_top)
    described = d.weights.describe(dated=d.reference is not None)
    out.attrs.update(level=d.level, reference_date=d.reference, weights=described, explain_top=explain_top)
    return out


def ties_for_store(strength: pd.DataFrame) -> pd.DataFrame:
    """Rows for ``TIE`` relationships from a :func:`tandem_strength` table.

    Columns ``u, v`` (member ids) then the properties: ``strength, rank, base``, the per-channel
    contributions (None where the pair shares nothing of that channel), ``n_activities, channels``
    (``;``-joined), ``multiplexity, reciprocity, recency`` (date or None), ``significant, alpha`` and
    ``breakdown`` (the ``explanation`` column: the property name the query library reads). Plain Python
    values (no numpy scalars, no NaN).

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x"], "b": ["y"], "a_name": ["X"], "b_name": ["Y"], "strength": [1.5], "rank": [1],
    ...                    "base": [1.5], "channels": [["project"]], "significant": [True], "alpha": [0.01],
    ...                    "explanation": ["2 projects (P, Q)"]})
    >>> ties_for_store(df).to_dict("records")[0]["channels"]
    'project'
    """
    drop = {"a", "b", "a_name", "b_name"}
    out = pd.DataFrame({"u": strength["a"].astype(object).to_numpy(), "v": strength["b"].astype(object).to_numpy()})
    for c in strength.columns:
        if c in drop:
            continue
        col = strength[c]
        if c == "channels":
            out[c] = [";".join(x) if isinstance(x, (list, tuple)) else x for x in col]
        elif c == "explanation":
            out["breakdown"] = col.to_numpy()
        elif c in CHANNELS:  # a channel the pair does not share is left out of the relationship (None), not 0
            x = col.to_numpy(dtype=float)
            out[c] = np.where(np.isfinite(x) & (x != 0), x.astype(object), None)
        elif col.dtype.kind == "f":
            x = col.to_numpy(dtype=float)
            out[c] = np.where(np.isfinite(x), x.astype(object), None)
        elif col.dtype.kind in "iub":
            out[c] = col.to_numpy().astype(object)  # plain Python int / bool
        else:
            out[c] = col.to_numpy()
    return out
