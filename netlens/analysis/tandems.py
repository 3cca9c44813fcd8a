"""Tandem strength: how strongly two members are tied, and why (every score comes with its breakdown).

Formula
-------
For members i, j at ``level`` ("city": organisations count for their city; "organisation": members as
recorded, see :func:`netlens.model.projection.memberships`), the tandem strength is

    S_ij = [ Σ_c β_c Σ_{a ∈ A_ij ∩ c} g(n_a) · exp(−λ (t − t_a)) ] × (1 + γ · multiplexity_ij) × reciprocity_ij

with every choice explicit (defaults in ``netlens/tandem_weights.toml``, see :func:`load_weights`):

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
:func:`disparity_filter` flags ties that carry a significant share of an endpoint's strength against the
null model of uniformly random weights (Serrano, Boguñá & Vespignani 2009) [4]_, so users can keep the
backbone (``significant`` column).

Recommendations
---------------
:func:`recommend` proposes pairs that are not declared tandems yet, where one member offers topics the
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
import difflib
import math
import tomllib
import types
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from netlens.errors import NotFoundError, UsageError
from netlens.model.projection import activities, members, memberships
from netlens.read.countries import COUNTRIES
from netlens.validation import Tables

__all__ = [
    "CHANNELS",
    "TandemWeights",
    "load_weights",
    "resolve_member",
    "all_topics",
    "pair_activities",
    "tandem_strength",
    "ActivityContribution",
    "PairExplanation",
    "explain_pair",
    "disparity_filter",
    "recommend",
    "ties_for_store",
]

#: Every channel, in the order used for columns and explanations.
CHANNELS = (
    "project",
    "mentoring",
    "study_visit",
    "tandem_meeting",
    "workshop",
    "conference",
    "webinar",
    "other",
    "tandem",
    "transfer",
)
_EXCHANGE_CHANNELS = CHANNELS[1:8]
_LABEL = {  # singular, plural
    "project": ("project", "projects"),
    "mentoring": ("mentoring", "mentoring sessions"),
    "study_visit": ("study visit", "study visits"),
    "tandem_meeting": ("tandem meeting", "tandem meetings"),
    "workshop": ("workshop", "workshops"),
    "conference": ("conference", "conferences"),
    "webinar": ("webinar", "webinars"),
    "other": ("exchange", "exchanges"),
    "tandem": ("declared tandem", "declared tandems"),
    "transfer": ("transfer", "transfers"),
}
_DAYS_PER_YEAR = 365.25
_EARTH_KM = 6371.0088

# --------------------------------------------------------------------------------------------- weights

_DISCOUNTS = ("newman", "sqrt", "none")
_MULTIPLEXITY_MODES = ("count", "normalised")
_CLOSENESS = ("resource_allocation", "adamic_adar")


@dataclass(frozen=True)
class TandemWeights:
    """The parameters of tandem strength, significance, paths and recommendations (see the TOML file).

    Build it with :func:`load_weights`; change a copy with :func:`dataclasses.replace`.
    """

    beta: Mapping[str, float]
    size_discount: str = "newman"
    lam: float = math.log(2) / 5
    reference_date: _dt.date | None = None  # None = latest date in the data (or `until`)
    gamma: float = 0.25
    multiplexity_mode: str = "count"
    reciprocity_bonus: float = 0.5
    threshold: float = 0.05
    keep_degree_one: bool = False
    kappa: float = 1.0
    max_candidates: int = 5000
    closeness: str = "resource_allocation"
    source: str = field(default="defaults", compare=False)

    def g(self, n: np.ndarray) -> np.ndarray:
        """Size discount g(n) for activity sizes ``n`` (n ≥ 2)."""
        n = np.asarray(n, dtype=float)
        if self.size_discount == "newman":
            return 1.0 / (n - 1.0)
        if self.size_discount == "sqrt":
            return 1.0 / np.sqrt(n - 1.0)
        return np.ones_like(n)

    def describe(self) -> str:
        """One line naming every parameter, for explanations."""
        g = {"newman": "1/(n−1)", "sqrt": "1/√(n−1)", "none": "1"}[self.size_discount]
        half = f"half-life {math.log(2) / self.lam:.1f} years" if self.lam > 0 else "no decay"
        beta = ", ".join(f"{c} {self.beta[c]:g}" for c in CHANNELS)
        return (
            f"β: {beta}; g(n) = {g}; λ = {self.lam:.4g}/year ({half}); γ = {self.gamma:g} ({self.multiplexity_mode}); "
            f"reciprocity bonus {self.reciprocity_bonus:g}"
        )


def _default_config() -> dict[str, Any]:
    text = resources.files("netlens").joinpath("tandem_weights.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], extra: Mapping[str, Any], source: str) -> dict[str, Any]:
    out = {k: dict(v) for k, v in base.items()}
    for section, values in extra.items():
        if section not in out:
            close = difflib.get_close_matches(section, list(out), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (sections: {', '.join(out)})"
            raise UsageError(f"{source}: unknown section {section!r}{hint}")
        if not isinstance(values, Mapping):
            raise UsageError(f"{source}: {section!r} must be a table of keys, e.g. [{section}]")
        for key, value in values.items():
            if key not in out[section]:
                close = difflib.get_close_matches(key, list(out[section]), n=1)
                hint = f" (did you mean {section}.{close[0]}?)" if close else f" (known: {', '.join(out[section])})"
                raise UsageError(f"{source}: unknown key {section}.{key}{hint}")
            out[section][key] = value
    return out


def _number(
    cfg: dict[str, Any],
    section: str,
    key: str,
    source: str,
    *,
    low: float = 0.0,
    low_open: bool = False,
    high: float | None = None,
) -> float:
    v = cfg[section][key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise UsageError(f"{source}: {section}.{key} must be a number, got {v!r}")
    if v < low or (low_open and v == low) or (high is not None and v > high):
        rng = f"{'>' if low_open else '≥'} {low:g}" + (f" and ≤ {high:g}" if high is not None else "")
        raise UsageError(f"{source}: {section}.{key} must be {rng}, got {v!r}")
    return float(v)


def _choice(cfg: dict[str, Any], section: str, key: str, choices: tuple[str, ...], source: str) -> str:
    v = cfg[section][key]
    if v not in choices:
        raise UsageError(f"{source}: {section}.{key} must be one of {', '.join(choices)}, got {v!r}")
    return str(v)


def load_weights(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> TandemWeights:
    """The tandem weights: the packaged defaults, then a user TOML file, then ``overrides`` (same layout).

    A user file only needs the keys it changes. Unknown sections/keys and bad values raise
    :class:`~netlens.errors.UsageError` naming the key; a missing file raises
    :class:`~netlens.errors.NotFoundError`.

    Examples
    --------
    >>> w = load_weights()
    >>> b = w.beta
    >>> b["mentoring"] > b["study_visit"] > b["tandem_meeting"] > b["workshop"] > b["webinar"] > b["project"]
    True
    >>> round(math.log(2) / w.lam, 3), w.gamma, w.reference_date
    (5.0, 0.25, None)
    >>> load_weights(overrides={"decay": {"lamda": 0.1}})
    Traceback (most recent call last):
    ...
    netlens.errors.UsageError: overrides: unknown key decay.lamda (did you mean decay.lambda?)
    """
    cfg = _default_config()
    source = "defaults"
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise NotFoundError(f"{p}: no such weights file; expected a TOML file like netlens/tandem_weights.toml")
        try:
            user = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{p.name}: not valid TOML ({exc})") from None
        cfg = _merge(cfg, user, p.name)
        source = str(p)
    if overrides:
        cfg = _merge(cfg, overrides, "overrides")
    src = "overrides" if overrides else Path(source).name
    beta = {c: _number(cfg, "channels", c, src) for c in CHANNELS}
    ref = cfg["decay"]["reference_date"]
    if isinstance(ref, _dt.datetime):
        ref = ref.date()
    if isinstance(ref, str):
        if ref == "latest":
            ref = None
        else:
            try:
                ref = _dt.date.fromisoformat(ref)
            except ValueError:
                raise UsageError(f'{src}: decay.reference_date must be "latest" or an ISO date, got {ref!r}') from None
    elif not isinstance(ref, _dt.date):
        raise UsageError(f'{src}: decay.reference_date must be "latest" or an ISO date, got {ref!r}')
    keep1 = cfg["significance"]["keep_degree_one"]
    if not isinstance(keep1, bool):
        raise UsageError(f"{src}: significance.keep_degree_one must be true or false, got {keep1!r}")
    maxc = cfg["paths"]["max_candidates"]
    if isinstance(maxc, bool) or not isinstance(maxc, int) or maxc < 1:
        raise UsageError(f"{src}: paths.max_candidates must be a whole number ≥ 1, got {maxc!r}")
    return TandemWeights(
        beta=types.MappingProxyType(beta),
        size_discount=_choice(cfg, "size", "discount", _DISCOUNTS, src),
        lam=_number(cfg, "decay", "lambda", src),
        reference_date=ref,
        gamma=_number(cfg, "multiplexity", "gamma", src),
        multiplexity_mode=_choice(cfg, "multiplexity", "mode", _MULTIPLEXITY_MODES, src),
        reciprocity_bonus=_number(cfg, "reciprocity", "bonus", src),
        threshold=_number(cfg, "significance", "threshold", src, low_open=True, high=1.0),
        keep_degree_one=keep1,
        kappa=_number(cfg, "paths", "kappa", src, low_open=True),
        max_candidates=int(maxc),
        closeness=_choice(cfg, "recommend", "closeness", _CLOSENESS, src),
        source=source if not overrides else f"{source} + overrides",
    )


# ------------------------------------------------------------------------------------- member names


def _norm(text: Any) -> str:
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.casefold().replace("_", " ").split())


def resolve_member(tables: Tables, query: str, *, level: str = "city") -> str:
    """The member id at ``level`` meant by ``query`` (an id or a name; case- and accent-insensitive).

    At city level an organisation stands for its city. Unknown names raise
    :class:`~netlens.errors.NotFoundError` with close matches; a name shared by several members raises
    :class:`~netlens.errors.UsageError` listing their ids.

    Examples
    --------
    >>> from netlens.validation import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["muenchen", "koeln"], "name": ["München", "Köln"], "country": ["DE", "DE"],
    ...                             "lat": [None] * 2, "lon": [None] * 2, "population": [None] * 2, "tags": [None] * 2})
    >>> resolve_member(t, "MUNCHEN")
    'muenchen'
    >>> resolve_member(t, "Munich")
    Traceback (most recent call last):
    ...
    netlens.errors.NotFoundError: no city 'Munich'; did you mean: München (muenchen)?
    """
    return _resolve(members(tables), query, level)


def _resolve(mem: pd.DataFrame, query: str, level: str) -> str:
    """:func:`resolve_member` on an already built :func:`netlens.model.projection.members` frame."""
    kind = "city" if level == "city" else "member"
    q = str(query).strip()
    if q in mem.index:
        hit = q
    else:
        nq = _norm(q)
        by_id = [i for i in mem.index if _norm(i) == nq]
        by_name = [i for i, n in zip(mem.index, mem["name"]) if n is not None and _norm(n) == nq]
        found = list(dict.fromkeys(by_id or by_name))
        if level == "city" and len(found) > 1:  # prefer cities over same-named organisations
            cities = [i for i in found if mem.at[i, "kind"] == "city"]
            found = cities or found
        if len(found) > 1:
            listed = ", ".join(f"{mem.at[i, 'name']} ({i})" for i in found)
            raise UsageError(f"{query!r} is ambiguous: {listed}; use an id")
        if not found:
            pool = mem if level != "city" else mem[mem["kind"] == "city"]
            keys: dict[str, str] = {}
            for i, n in zip(pool.index, pool["name"]):
                keys.setdefault(_norm(i), i)
                if n is not None:
                    keys.setdefault(_norm(n), i)
            close = difflib.get_close_matches(nq, list(keys), n=5, cutoff=0.6)
            ids = list(dict.fromkeys(keys[c] for c in close))
            listed = ", ".join(f"{mem.at[i, 'name']} ({i})" for i in ids)
            hint = f"; did you mean: {listed}?" if ids else ""
            raise NotFoundError(f"no {kind} {query!r}{hint}")
        hit = found[0]
    if level == "city" and mem.at[hit, "kind"] != "city":
        city = mem.at[hit, "city_id"]
        if city is None or (isinstance(city, float) and math.isnan(city)):
            raise NotFoundError(f"{mem.at[hit, 'name']} ({hit}) is an organisation without a city; use level organisation")
        return str(city)
    return str(hit)


# ------------------------------------------------------------------------------- pair × activity rows


def _topics(v: Any) -> list[str]:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    if isinstance(v, str):
        return [x.strip() for x in v.split(";") if x.strip()]
    return [str(x) for x in v]


def _ordinal(v: Any) -> float:
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


def _overlaps(lo: Any, hi: Any, since: _dt.date | None, until: _dt.date | None, *, open_end: bool = False) -> bool:
    """Does [lo, hi] overlap [since, until]? A missing end is the start (or +∞ with ``open_end``: a running
    tandem); an undated item is outside every window (as in :func:`netlens.model.projection.memberships`)."""
    if since is None and until is None:
        return True
    lo = lo if isinstance(lo, _dt.date) else None
    hi = hi if isinstance(hi, _dt.date) else None
    if lo is None and hi is None:
        return False
    start = lo if lo is not None else hi
    end = hi if hi is not None else (_dt.date.max if open_end else lo)
    assert start is not None and end is not None
    if since is not None and end < since:
        return False
    return not (until is not None and start > until)


@dataclass(frozen=True)
class _Data:
    """Everything the aggregations need: long pair × activity rows (integer codes) plus lookups."""

    ids: np.ndarray  # member code -> id (sorted, so code order = id order)
    names: dict[str, str]
    info: pd.DataFrame  # activity code -> id, name, channel, start, end, t_ord, n, g, decay, beta, topics
    long: pd.DataFrame  # uc, vc, ac, ch (channel index), contribution, direction (+1 u→v, −1 v→u, 0)
    reference: _dt.date | None
    weights: TandemWeights
    level: str


def _activity_topics(tables: Tables) -> dict[str, list[str]]:
    acts = activities(tables)
    own = dict(zip(acts.index, acts["topics"]))
    out: dict[str, list[str]] = {}
    for aid, topics, pid in zip(acts.index, acts["topics"], acts["project_id"]):
        t = _topics(topics)
        if not t and isinstance(pid, str):  # an exchange without topics inherits its project's
            t = _topics(own.get(pid))
        out[str(aid)] = t
    return out


def all_topics(tables: Tables) -> list[str]:
    """Every topic named by projects, exchanges, tandems and transfers (sorted)."""
    found: set[str] = set()
    for t in _activity_topics(tables).values():
        found.update(t)
    for table, col in (("tandems", "topic"), ("transfers", "topic")):
        for v in tables[table][col]:
            found.update(_topics(v))
    return sorted(found)


def _check_topic(tables: Tables, topic: str) -> str:
    known = all_topics(tables)
    by_norm = {_norm(t): t for t in known}
    if _norm(topic) in by_norm:
        return _norm(topic)
    close = difflib.get_close_matches(_norm(topic), list(by_norm), n=5, cutoff=0.6)
    hint = (
        f"; did you mean: {', '.join(by_norm[c] for c in close)}?"
        if close
        else (
            f"; known topics: {', '.join(known[:20])}{' …' if len(known) > 20 else ''}" if known else "; the data names no topics"
        )
    )
    raise NotFoundError(f"no activity about topic {topic!r}{hint}")


def _level_mapper(mem: pd.DataFrame, level: str) -> Callable[[Any], str | None]:
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


def _dyads(
    tables: Tables, since: _dt.date | None, until: _dt.date | None
) -> Iterator[tuple[str, int, dict[str, Any], tuple[Any, Any], Any, Any, list[str]]]:
    """Declared tandems, then transfers, overlapping [since, until]: (channel, row number from 1, record,
    (a, b) member ids as recorded (a transfer: from, to), start, end, topics)."""
    for channel, table, ends, lo, hi in (
        ("tandem", "tandems", ("a_id", "b_id"), "since", "until"),
        ("transfer", "transfers", ("from_id", "to_id"), "date", "date"),
    ):
        for i, r in enumerate(tables[table].to_dict("records")):
            start, end = r.get(lo), r.get(hi)
            if _overlaps(start, end, since, until, open_end=channel == "tandem"):  # a running tandem has no end
                yield channel, i + 1, r, (r[ends[0]], r[ends[1]]), start, end, _topics(r.get("topic"))


def _collect(
    tables: Tables,
    *,
    level: str,
    weights: TandemWeights | None,
    since: _dt.date | None,
    until: _dt.date | None,
    topic: str | None = None,
    mem: pd.DataFrame | None = None,
) -> _Data:
    w = weights if weights is not None else load_weights()
    ntopic = _check_topic(tables, topic) if topic is not None else None
    m = memberships(tables, level=level, since=since, until=until)
    mem = members(tables) if mem is None else mem
    names = {str(i): (str(n) if n is not None else str(i)) for i, n in zip(mem.index, mem["name"])}
    reference = w.reference_date or until or _latest_date(tables)
    ref_ord = float(reference.toordinal()) if reference is not None else np.nan
    to_level = _level_mapper(mem, level)

    # --- activity rows (projects, exchanges) ------------------------------------------------------
    acts = activities(tables)
    m = m[["member_id", "activity_id", "role"]]
    present_ids = set(m["member_id"])  # every member with an activity (plus tandem/transfer ends below)
    if ntopic is not None:
        topics = _activity_topics(tables)
        keep_acts = {a for a, t in topics.items() if ntopic in {_norm(x) for x in t}}
        m = m[m["activity_id"].isin(keep_acts)]
    sizes = m.groupby("activity_id").size()
    m = m[m["activity_id"].map(sizes).to_numpy() >= 2]
    act_ids = sizes.index[sizes.to_numpy() >= 2]
    sub = acts.reindex(act_ids)
    info_rows = pd.DataFrame(
        {
            "id": np.asarray(act_ids, dtype=object),
            "name": sub["name"].to_numpy(),
            "channel": [c if c in _EXCHANGE_CHANNELS or c == "project" else "other" for c in sub["channel"]],
            "start": sub["start"].to_numpy(),
            "end": sub["end"].to_numpy(),
            "n": sizes.reindex(act_ids).to_numpy().astype(int),
            "topics": sub["topics"].to_numpy(),
            "a": None,
            "b": None,  # endpoints (tandems, transfers)
        }
    )

    # --- tandems and transfers --------------------------------------------------------------------
    extra: list[dict[str, Any]] = []
    for channel, i, r, ends, start, end, tt in _dyads(tables, since, until):
        a, b = to_level(ends[0]), to_level(ends[1])
        if a is None or b is None or a == b or (ntopic is not None and ntopic not in {_norm(x) for x in tt}):
            continue
        if channel == "tandem":
            label = ", ".join(tt) or (str(r["kind"]) if isinstance(r.get("kind"), str) else "")
        else:
            label = str(r["solution"])
        extra.append(
            {
                "id": f"{channel}:{i}",
                "name": label,
                "channel": channel,
                "start": start,
                "end": end,
                "n": 2,
                "topics": tt,
                "a": a,
                "b": b,
            }
        )
    for e in extra:
        present_ids.update((e["a"], e["b"]))
    info = pd.concat([info_rows, pd.DataFrame(extra, columns=info_rows.columns)], ignore_index=True) if extra else info_rows

    # --- per-activity factors ---------------------------------------------------------------------
    start_ord = np.array([_ordinal(x) for x in info["start"]], dtype=float)
    end_ord = np.array([_ordinal(x) for x in info["end"]], dtype=float)
    is_tandem = (info["channel"] == "tandem").to_numpy()
    t_ord = np.where(np.isnan(end_ord), np.where(is_tandem, np.nan, start_ord), end_ord)
    # a declared tandem without `until` is still running: no decay
    age = np.clip((ref_ord - t_ord) / _DAYS_PER_YEAR, 0.0, None) if not np.isnan(ref_ord) else np.zeros(len(info))
    decay = np.where(np.isnan(age), 1.0, np.exp(-w.lam * np.nan_to_num(age)))
    n = info["n"].to_numpy().astype(float)
    g = np.where(np.isin(info["channel"].to_numpy(), ["tandem", "transfer"]), 1.0, w.g(np.maximum(n, 2.0)))
    beta = np.array([w.beta[c] for c in info["channel"]], dtype=float)
    info = info.assign(
        t_ord=t_ord, g=g, decay=decay, beta=beta, contribution=beta * g * decay, start_ord=start_ord, end_ord=end_ord
    )

    # --- member codes (sorted ids, so code order = id order) ------------------------------------
    all_ids = np.array(sorted(present_ids), dtype=object)
    code = pd.Index(all_ids)
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
        k0 = len(info_rows)
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
    return _Data(ids=all_ids, names=names, info=info, long=pairs, reference=reference, weights=w, level=level)


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

    Columns: ``a, b`` (ids, a < b), ``activity_id`` (a project/exchange id, or ``tandem:<row>`` /
    ``transfer:<row>`` for rows of those tables, numbered from 1), ``name``, ``channel``, ``start``, ``end``,
    ``n`` (members at ``level``), ``g``, ``decay``, ``beta``, ``contribution`` (= β·g·decay), ``direction``
    ("a→b", "b→a" or None). ``topic`` keeps only activities about that topic (an exchange without topics
    inherits its project's).
    """
    d = _collect(tables, level=level, weights=weights, since=since, until=until, topic=topic)
    return _long_frame(d, d.long)


def _long_frame(d: _Data, rows: pd.DataFrame) -> pd.DataFrame:
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


# --------------------------------------------------------------------------------------- aggregation

_STRENGTH_COLUMNS = [
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


def _pair_numbers(d: _Data) -> dict[str, np.ndarray]:
    """Pair-level numbers as arrays, one entry per pair in key order (``key`` = uc · n_ids + vc ascending).

    ``counts`` is the pair × channel matrix of activity counts, ``per_channel`` of contributions.
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


def _aggregate(d: _Data) -> pd.DataFrame:
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
    p = _pair_numbers(d)
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


def _disparity(
    u: np.ndarray, v: np.ndarray, wt: np.ndarray, n: int, threshold: float, keep_degree_one: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    strength = np.bincount(u, weights=wt, minlength=n) + np.bincount(v, weights=wt, minlength=n)
    degree = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        pu = np.where(strength[u] > 0, wt / strength[u], 0.0)
        pv = np.where(strength[v] > 0, wt / strength[v], 0.0)
    au = np.power(np.clip(1.0 - pu, 0.0, 1.0), degree[u] - 1.0)
    av = np.power(np.clip(1.0 - pv, 0.0, 1.0), degree[v] - 1.0)
    alpha = np.minimum(au, av)
    sig = alpha < threshold
    if keep_degree_one:
        sig |= (degree[u] == 1) | (degree[v] == 1)
    return au, av, alpha, sig


def disparity_filter(
    G: nx.Graph, weight: str = "weight", *, threshold: float = 0.05, keep_degree_one: bool = False
) -> pd.DataFrame:
    """Significance of every edge against the disparity null model (Serrano, Boguñá & Vespignani 2009).

    For node i with degree k_i and strength s_i = Σ_j w_ij, the null hypothesis spreads s_i uniformly at
    random over its k_i edges; the probability of a share at least p_ij = w_ij / s_i is

        α_ij = (1 − p_ij)^(k_i − 1).

    An edge is significant when α_ij < ``threshold`` for *at least one* endpoint (as in the paper).
    A degree-1 endpoint gives no evidence (p = 1, α = 1 from its side), so such an edge is judged from its
    other endpoint only; ``keep_degree_one=True`` keeps every edge with a degree-1 endpoint instead
    (a common variant, so pendant members do not vanish from the backbone).

    Returns a DataFrame ``u, v, weight, alpha_u, alpha_v, alpha, significant`` (alpha = min of the two),
    one row per edge, with ``attrs["threshold"]``.

    Examples
    --------
    A star: hub c with weights 8, 1, 1. s_c = 10, k_c = 3: α_cx = (1 − 0.8)² = 0.04 < 0.05, α_cy = 0.9² = 0.81;
    the leaves have degree 1 (α = 1).

    >>> G = nx.Graph([("c", "x", {"weight": 8}), ("c", "y", {"weight": 1}), ("c", "z", {"weight": 1})])
    >>> df = disparity_filter(G)
    >>> for row in df[["u", "v", "alpha_u", "alpha_v", "significant"]].round(4).to_dict("records")[:2]:
    ...     print(row)
    {'u': 'c', 'v': 'x', 'alpha_u': 0.04, 'alpha_v': 1.0, 'significant': True}
    {'u': 'c', 'v': 'y', 'alpha_u': 0.81, 'alpha_v': 1.0, 'significant': False}

    References
    ----------
    .. [1] M. Á. Serrano, M. Boguñá and A. Vespignani, "Extracting the multiscale backbone of complex
       weighted networks", PNAS 106(16), 6483–6488 (2009).
    """
    nodes = list(G.nodes)
    idx = {x: i for i, x in enumerate(nodes)}
    edges = [(a, b, float(dd.get(weight, 1.0))) for a, b, dd in G.edges(data=True) if a != b]
    u = np.array([idx[a] for a, _, _ in edges], dtype=np.int64)
    v = np.array([idx[b] for _, b, _ in edges], dtype=np.int64)
    wt = np.array([x for _, _, x in edges], dtype=float)
    au, av, alpha, sig = _disparity(u, v, wt, len(nodes), threshold, keep_degree_one)
    out = pd.DataFrame(
        {
            "u": [a for a, _, _ in edges],
            "v": [b for _, b, _ in edges],
            "weight": wt,
            "alpha_u": au,
            "alpha_v": av,
            "alpha": alpha,
            "significant": sig.astype(bool),
        }
    )
    out.attrs["threshold"] = threshold
    return out


# ------------------------------------------------------------------------------------- explanations


def _year(d: Any) -> str:
    return str(d.year) if isinstance(d, _dt.date) else ""


def _span(start: Any, end: Any) -> str:
    a, b = _year(start), _year(end)
    if a and b and a != b:
        return f"{a}–{b}"
    return a or b


def _items(parts: list[str], limit: int = 3) -> str:
    shown = parts[:limit]
    more = len(parts) - len(shown)
    return ", ".join(shown) + (f", +{more} more" if more else "")


def _tandem_item(name: str, start: Any, end: Any) -> str:
    s = f"on {name}" if name else ""
    if isinstance(start, _dt.date) and isinstance(end, _dt.date):
        s += f" {_span(start, end)}"
    elif isinstance(start, _dt.date):
        s += f" since {start.year}"
    elif isinstance(end, _dt.date):
        s += f" until {end.year}"
    return s.strip()


def _activity_label(channel: str, name: str, start: Any, end: Any) -> str:
    """A short label for one activity, e.g. "mySMARTLife (2016–2021)", "study visit 2019", "transfer Open data 2020"."""
    if channel == "project":
        span = _span(start, end)
        return f"{name} ({span})" if span else name
    if channel == "tandem":
        return f"declared tandem {_tandem_item(name, start, end)}".strip()
    if channel == "transfer":
        return f"transfer {name} {_year(start)}".strip()
    return f"{_LABEL.get(channel, _LABEL['other'])[0]} {_year(start)}".strip()  # an exchange: one day


_Item = tuple[str, str, Any, Any, float, int]  # name, channel, start, end, contribution, direction (+1 a→b, −1 b→a, 0)


def _sentence(items: list[_Item], a: str, b: str, names: dict[str, str], reciprocal: bool) -> str:
    """One readable sentence for the activities ``items`` shared by ``a`` and ``b``."""
    na, nb = names.get(a, a), names.get(b, b)
    by_channel: dict[str, list[_Item]] = {}
    for it in items:
        by_channel.setdefault(it[1], []).append(it)
    first: list[str] = []
    second: list[str] = []
    # projects first, then exchange channels by their total contribution, then tandems and transfers
    exchange_order = sorted(
        (c for c in _EXCHANGE_CHANNELS if c in by_channel), key=lambda c: (-sum(it[4] for it in by_channel[c]), CHANNELS.index(c))
    )
    for c in ("project", *exchange_order, "tandem", "transfer"):
        r = by_channel.get(c)
        if not r:
            continue
        # strongest first; among equals the most recent, then by name
        r = sorted(
            r,
            key=lambda it: (
                -it[4],
                -_ordinal(it[3] if isinstance(it[3], _dt.date) else it[2])
                if isinstance(it[3] if isinstance(it[3], _dt.date) else it[2], _dt.date)
                else math.inf,
                it[0],
            ),
        )
        one, many = _LABEL[c]
        k = len(r)
        if c == "project":
            parts = [f"{n} {_span(s, e)}".strip() for n, _, s, e, _, _ in r]
            first.append(f"{k} {one if k == 1 else many} ({_items(parts)})")
        elif c == "tandem":
            parts = [_tandem_item(n, s, e) for n, _, s, e, _, _ in r]
            if k == 1:
                second.append(f"{one} {parts[0]}".strip())
            else:
                second.append(f"{k} {many} ({'; '.join(p or 'undated' for p in parts)})")
        elif c == "transfer":
            parts = [f"{na + '→' + nb if dr == 1 else nb + '→' + na}: {n} {_year(s)}".strip() for n, _, s, _, _, dr in r]
            second.append(f"{one} {parts[0]}" if k == 1 else f"{k} {many} ({_items(parts)})")
        else:
            ys = ", ".join(sorted({_year(s) for _, _, s, _, _, _ in r} - {""}))
            first.append(f"{one} {ys}".strip() if k == 1 else f"{k} {many}" + (f" ({ys})" if ys else ""))
    text = "; ".join(x for x in (", ".join(first), ", ".join(second)) if x)
    if reciprocal:
        fwd = sum(1 for it in items if it[5] == 1)
        bwd = sum(1 for it in items if it[5] == -1)
        text += f"; flows both ways ({na}→{nb} {fwd}×, {nb}→{na} {bwd}×)"
    return text


def _count_summary(agg: pd.DataFrame) -> list[str]:
    """'12 projects, 1 workshop' for every row of ``agg`` (vectorised over channels)."""
    text = np.full(len(agg), "", dtype=object)
    for k, c in enumerate(CHANNELS):
        cnt = agg[f"_n{k}"].to_numpy()
        if not cnt.any():
            continue
        one, many = _LABEL[c]
        piece = np.where(cnt == 1, f"1 {one}", cnt.astype(str).astype(object) + f" {many}")
        piece = np.where(cnt > 0, piece, "").astype(object)
        sep = np.where((text != "") & (piece != ""), ", ", "").astype(object)
        text = text + sep + piece
    return list(text)


def _explanations(agg: pd.DataFrame, d: _Data, explain_top: int | None) -> list[str]:
    n_full = len(agg) if explain_top is None else min(explain_top, len(agg))
    out = _count_summary(agg) if n_full < len(agg) else [""] * len(agg)
    if n_full == 0:
        return out
    n_ids = len(d.ids)
    top = agg.iloc[:n_full]
    long = d.long
    key = long["uc"].to_numpy().astype(np.int64) * n_ids + long["vc"].to_numpy()
    mask = np.isin(key, top["key"].to_numpy())
    ac = long["ac"].to_numpy()[mask]
    info = d.info
    items: dict[int, list[_Item]] = {}
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
        out[i] = _sentence(items[k], str(d.ids[uc]), str(d.ids[vc]), d.names, rc > 1.0)
    return out


def _finish(agg: pd.DataFrame, d: _Data, explain_top: int | None) -> pd.DataFrame:
    if agg.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in _STRENGTH_COLUMNS})
    w = d.weights
    au, av, alpha, sig = _disparity(
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
    out["explanation"] = _explanations(agg, d, explain_top)
    out.attrs.update(level=d.level, reference_date=d.reference, weights=d.weights.describe(), explain_top=explain_top)
    return out


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
    tables : typed tables (:func:`netlens.validation.validate`).
    level : "city" (organisations count for their city) or "organisation".
    weights : :class:`TandemWeights`; default :func:`load_weights()`.
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
    ``significant`` and ``alpha`` (disparity filter on the strength graph, :func:`disparity_filter`),
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
    d = _collect(tables, level=level, weights=weights, since=since, until=until, topic=topic)
    return _finish(_aggregate(d), d, explain_top)


# ------------------------------------------------------------------------------------- explain pair


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
    w = weights if weights is not None else load_weights()
    ia = resolve_member(tables, a, level=level)
    ib = resolve_member(tables, b, level=level)
    if ia == ib:
        raise UsageError(f"{a!r} and {b!r} are the same {'city' if level == 'city' else 'member'} ({ia})")
    d = _collect(tables, level=level, weights=w, since=since, until=until, topic=topic)
    agg = _aggregate(d)
    full = _finish(agg, d, 0)
    u, v = sorted((ia, ib))
    swap = (u, v) != (ia, ib)
    names = d.names
    hit = full[(full["a"] == u) & (full["b"] == v)] if len(full) else full
    if hit.empty:
        return PairExplanation(
            ia,
            ib,
            names.get(ia, ia),
            names.get(ib, ib),
            level,
            d.reference,
            (),
            {c: 0.0 for c in CHANNELS},
            0.0,
            0.0,
            1.0,
            1.0,
            0.0,
            None,
            len(full),
            False,
            None,
            "",
            w.describe(),
        )
    row = hit.iloc[0]
    code = pd.Index(d.ids)
    uc, vc = code.get_loc(u), code.get_loc(v)
    long = d.long[(d.long["uc"] == uc) & (d.long["vc"] == vc)]
    lf = _long_frame(d, long).sort_values(["contribution", "name"], ascending=[False, True], kind="stable")
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
    summary = _sentence(items, u, v, names, float(row["reciprocity"]) > 1.0)  # directions are named, so (u, v) order is fine
    mult = float(row["multiplexity"])
    return PairExplanation(
        a=ia,
        b=ib,
        a_name=names.get(ia, ia),
        b_name=names.get(ib, ib),
        level=level,
        reference_date=d.reference,
        activities=acts,
        channels={c: float(row[c]) for c in CHANNELS},
        base=float(row["base"]),
        multiplexity=mult,
        multiplexity_factor=1.0 + w.gamma * mult,
        reciprocity=float(row["reciprocity"]),
        strength=float(row["strength"]),
        rank=int(row["rank"]),
        n_pairs=len(full),
        significant=bool(row["significant"]),
        alpha=float(row["alpha"]),
        summary=summary,
        weights=w.describe(),
    )


# ------------------------------------------------------------------------------------- store output


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


# ----------------------------------------------------------------------------------- recommendations


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dl = np.radians(lon2 - lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km: np.ndarray = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return km


def _float(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return np.nan
    return f


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


def _profiles(
    tables: Tables, level: str, since: _dt.date | None, until: _dt.date | None, mem: pd.DataFrame
) -> tuple[dict[str, dict[str, list[str]]], dict[str, set[str]]]:
    """offers[m][topic] = evidence labels (projects, transfers sent or received, hosted exchanges);
    knows[m] = every topic m has met (offers ∪ attended exchanges ∪ declared tandems)."""
    m = memberships(tables, level=level, since=since, until=until)
    acts = activities(tables)
    topics = _activity_topics(tables)
    to_level = _level_mapper(mem, level)

    offers: dict[str, dict[str, list[str]]] = {}
    knows: dict[str, set[str]] = {}
    name_of = dict(zip(acts.index, acts["name"]))
    chan_of = dict(zip(acts.index, acts["channel"]))
    dates_of = dict(zip(acts.index, zip(acts["start"], acts["end"])))
    for mid, aid, role in zip(m["member_id"], m["activity_id"], m["role"]):
        tt = topics.get(aid, [])
        knows.setdefault(mid, set()).update(tt)
        if chan_of.get(aid) == "project":
            label = f"project {name_of[aid]}"
        elif role == "host":
            label = f"hosted {_activity_label(str(chan_of.get(aid)), '', *dates_of[aid])}"
        else:
            continue
        for t in tt:
            offers.setdefault(mid, {}).setdefault(t, []).append(label)
    for channel, _, r, ends, start, _, tt in _dyads(tables, since, until):
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
            lab = f"{verb} {r['solution']} {_year(start)}".strip()
            for t in tt:
                offers.setdefault(who, {}).setdefault(t, []).append(lab)
    return offers, knows


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


#: recommend() refuses networks with possibly more candidate pairs than this (CORDIS cities, 6.8M: 15 s, 1.4 GB)
MAX_CANDIDATES = 15_000_000


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
) -> pd.DataFrame:
    """Pairs that are not declared tandems yet but should be, each with the reason.

    A candidate pair (a, b):

    * is not a declared tandem (``tandems`` table) — sharing projects or exchanges does not disqualify;
    * is *complementary*: one offers a topic the other lacks. a *offers* topic T when it took part in a
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

    Intended for city-level networks or topic-annotated organisation networks: candidate pairs come from
    the sparse product A·diag(1/k)·A, which grows with the number of two-step neighbours.

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
    w = weights if weights is not None else load_weights()
    mem = members(tables)
    d = _collect(tables, level=level, weights=w, since=since, until=until, mem=mem)
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in _RECOMMEND_COLUMNS})
    agg = _aggregate(d)
    if agg.empty:
        return empty
    offers, knows = _profiles(tables, level, since, until, mem)
    if not any(offers.values()):
        return empty
    n = len(d.ids)
    uc, vc = agg["uc"].to_numpy(), agg["vc"].to_numpy()
    adj = sp.coo_matrix((np.ones(2 * len(uc)), (np.r_[uc, vc], np.r_[vc, uc])), shape=(n, n)).tocsr()
    adj.data[:] = 1.0
    deg = np.asarray(adj.sum(axis=1)).ravel()
    inv = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0)
    with np.errstate(divide="ignore"):
        inv_log = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
    # an upper bound on the candidate pairs (pairs with a common partner): two-paths, and all pairs
    bound = min(float((deg * (deg - 1) / 2).sum()), n * (n - 1) / 2)
    if bound > MAX_CANDIDATES:
        hint = "use --level city or" if level != "city" else "use"
        raise UsageError(
            f"too many candidate pairs for recommendations at level {level} (up to {bound:,.0f} pairs with a common "
            f"partner; the limit is {MAX_CANDIDATES:,}, memory grows with them): {hint} a shorter --since/--until window"
        )
    ra = sp.triu(adj @ sp.diags(inv) @ adj, k=1).tocoo()
    aa = sp.triu(adj @ sp.diags(inv_log) @ adj, k=1).tocsr()
    cand = pd.DataFrame({"uc": ra.row, "vc": ra.col, "ra": ra.data})
    cand = cand[cand["ra"] > 0]
    cand["aa"] = np.asarray(aa[cand["uc"].to_numpy(), cand["vc"].to_numpy()]).ravel()
    # drop declared tandems
    declared = d.long[d.long["ch"] == CHANNELS.index("tandem")]
    taken = set(zip(declared["uc"].tolist(), declared["vc"].tolist()))
    ids = d.ids
    id_list = [str(x) for x in ids]
    country_of = [
        c if isinstance(c := mem["country"].get(x), str) else mem["country"].get(mem["city_id"].get(x)) for x in id_list
    ]
    lang = np.array([_language(c) or "" for c in country_of], dtype=object)
    lat = np.array([_float(mem["lat"].get(x)) for x in id_list])
    lon = np.array([_float(mem["lon"].get(x)) for x in id_list])
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
    keep = np.array([(u, v) not in taken for u, v in zip(uc_a.tolist(), vc_a.tolist())], dtype=bool)
    uc_a, vc_a = uc_a[keep], vc_a[keep]
    ra_a, aa_a = cand["ra"].to_numpy()[keep], cand["aa"].to_numpy()[keep]
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
    out = pd.DataFrame(
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
    if out.empty:
        return empty
    out["_d"] = out["distance_km"].fillna(np.inf)
    out = out.sort_values(["score", "_d", "a", "b"], ascending=[False, True, True, True], kind="stable").drop(columns="_d")
    if top is not None:
        out = out.head(top)
    out["distance_km"] = [None if not math.isfinite(x) else float(x) for x in out["distance_km"]]
    out["offers_a"] = [sorted(t for t in offers.get(a, {}) if t not in knows.get(b, set())) for a, b in zip(out["a"], out["b"])]
    out["offers_b"] = [sorted(t for t in offers.get(b, {}) if t not in knows.get(a, set())) for a, b in zip(out["a"], out["b"])]
    country = dict(zip(mem.index, mem["country"]))
    city_of = dict(zip(mem.index, mem["city_id"]))
    out = out.reset_index(drop=True)
    names = d.names
    nbrs = adj.tolil().rows
    commons, offers_txt, expl = [], [], []
    for r in out.itertuples(index=False):
        common = sorted(set(nbrs[r.uc]) & set(nbrs[r.vc]), key=lambda z: (deg[z], str(ids[z])))
        cn = [names.get(str(ids[z]), str(ids[z])) for z in common]
        commons.append(cn)
        na, nb = names.get(r.a, r.a), names.get(r.b, r.b)
        parts_txt, parts_expl = [], []
        for giver, taker, tops in ((r.a, r.b, r.offers_a), (r.b, r.a, r.offers_b)):
            if not tops:
                continue
            ng, nt = names.get(giver, giver), names.get(taker, taker)
            parts_txt.append(f"{ng}→{nt}: {', '.join(tops)}")
            evidence = list(dict.fromkeys(lab for t in tops for lab in offers[giver][t]))
            parts_expl.append(f"{ng} offers {_items(tops, 4)} ({_items(evidence, 2)}) that {nt} lacks")
        offers_txt.append("; ".join(parts_txt))
        close = (
            f"{len(cn)} common partner{'s' if len(cn) != 1 else ''}: {_items(cn, 4)} "
            f"(resource allocation {r.resource_allocation:.3g}, Adamic–Adar {r.adamic_adar:.3g})"
        )
        extra = []
        if r.distance_km is not None and math.isfinite(r.distance_km):
            extra.append(f"{r.distance_km:,.0f} km apart")
        if r.same_language:
            extra.append(f"same language area ({_language(country.get(r.a) or country.get(city_of.get(r.a)))})")
        expl.append("; ".join([*parts_expl, close, *extra]))
        del na, nb
    out["a_name"] = [names.get(x, x) for x in out["a"]]
    out["b_name"] = [names.get(x, x) for x in out["b"]]
    out["common_partners"] = commons
    out["offers"] = offers_txt
    out["explanation"] = expl
    out.attrs.update(level=level, closeness=w.closeness)
    return out[_RECOMMEND_COLUMNS]
