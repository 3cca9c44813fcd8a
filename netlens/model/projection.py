"""Typed tables -> networkx graphs: the member–activity (bipartite) graph and its Newman-weighted projection.

Vocabulary
----------
*member*: a city or an organisation (one id namespace). *activity*: a project or an exchange.
A member takes part in a project through ``participations`` and in an exchange through ``attendances``
(the exchange's ``host_id`` counts as an attendance with role ``host``).

Levels
------
``level="organisation"``: members as recorded — every organisation, and every city that takes part in
an activity itself (a municipality acting as partner). ``level="city"``: each member is replaced by
its city (a city stands for itself, an organisation for its ``city_id``); members without a city are
left out, and a city counted twice in one activity (directly and through an organisation) counts once.

Newman weight
-------------
The projection weight of two members i, j is w_ij = sum over shared activities a of 1/(n_a - 1),
with n_a the number of members taking part in a (Newman 2001), as networkx
``collaboration_weighted_projected_graph``.

References
----------
.. [1] M. E. J. Newman, "Scientific collaboration networks. II. Shortest paths, weighted networks,
   and centrality", Phys. Rev. E 64, 016132 (2001).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from netlens.errors import UsageError
from netlens.validation.checks import Tables

__all__ = [
    "LEVELS",
    "members",
    "activities",
    "memberships",
    "projection_edges",
    "projection",
    "bipartite_graph",
]

LEVELS = ("city", "organisation")

_MEMBER_ATTRS = ("name", "kind", "type", "country", "lat", "lon", "population", "tags")


def _none(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    return v


def members(tables: Tables) -> pd.DataFrame:
    """One row per city and organisation, indexed by id.

    Columns: ``name, kind, type, country, lat, lon, population, tags, city_id``. Organisations take
    ``lat``/``lon`` from their city (so they can be placed on a map); cities have ``type == "city"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from netlens.validation.checks import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["rijeka"], "name": ["Rijeka"], "country": ["HR"], "lat": [45.33],
    ...                             "lon": [14.44], "population": [None], "tags": [["follower"]]})
    >>> members(t).loc["rijeka", ["kind", "type", "country"]].tolist()
    ['city', 'city', 'HR']
    """
    c = tables["cities"]
    o = tables["organisations"]
    cities = pd.DataFrame(
        {
            "name": c["name"].to_numpy(),
            "kind": "city",
            "type": "city",
            "country": c["country"].to_numpy(),
            "lat": c["lat"].to_numpy(),
            "lon": c["lon"].to_numpy(),
            "population": c["population"].to_numpy(),
            "tags": [t if isinstance(t, list) else [] for t in c["tags"]],
            "city_id": c["id"].to_numpy(),
        },
        index=pd.Index(c["id"].to_numpy(), name="id"),
        dtype=object,
    )
    lat = dict(zip(c["id"], c["lat"]))
    lon = dict(zip(c["id"], c["lon"]))
    orgs = pd.DataFrame(
        {
            "name": o["name"].to_numpy(),
            "kind": "organisation",
            "type": [t if t is not None else "other" for t in o["type"]],
            "country": o["country"].to_numpy(),
            "lat": [lat.get(x) for x in o["city_id"]],
            "lon": [lon.get(x) for x in o["city_id"]],
            "population": None,
            "tags": [[] for _ in range(len(o))],
            "city_id": o["city_id"].to_numpy(),
        },
        index=pd.Index(o["id"].to_numpy(), name="id"),
        dtype=object,
    )
    return pd.concat([cities, orgs])


def activities(tables: Tables) -> pd.DataFrame:
    """One row per project and exchange, indexed by id.

    Columns: ``kind`` ("project" | "exchange"), ``name``, ``channel`` ("project" or the exchange
    type), ``start``, ``end`` (dates or None; an exchange starts and ends on its date), ``topics``
    (list), ``project_id`` (the project an exchange belongs to, else None), ``programme``.
    """
    p = tables["projects"]
    e = tables["exchanges"]
    projects = pd.DataFrame(
        {
            "kind": "project",
            "name": p["name"].to_numpy(),
            "channel": "project",
            "start": p["start"].to_numpy(),
            "end": p["end"].to_numpy(),
            "topics": [t if isinstance(t, list) else [] for t in p["topics"]],
            "project_id": None,
            "programme": p["programme"].to_numpy(),
        },
        index=pd.Index(p["id"].to_numpy(), name="id"),
        dtype=object,
    )
    exchanges = pd.DataFrame(
        {
            "kind": "exchange",
            "name": [t if t is not None else i for t, i in zip(e["title"], e["id"])],
            "channel": e["type"].to_numpy(),
            "start": e["date"].to_numpy(),
            "end": e["date"].to_numpy(),
            "topics": [t if isinstance(t, list) else [] for t in e["topics"]],
            "project_id": e["project_id"].to_numpy(),
            "programme": None,
        },
        index=pd.Index(e["id"].to_numpy(), name="id"),
        dtype=object,
    )
    return pd.concat([projects, exchanges])


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise UsageError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")


def _in_window(start: pd.Series, end: pd.Series, since: _dt.date | None, until: _dt.date | None) -> np.ndarray:
    keep = np.ones(len(start), dtype=bool)
    if since is None and until is None:
        return keep
    s = start.to_numpy()
    e = end.to_numpy()
    for i in range(len(s)):
        lo = s[i] if s[i] is not None else e[i]
        hi = e[i] if e[i] is not None else s[i]
        if lo is None:  # undated activities are outside every window
            keep[i] = False
        elif since is not None and hi < since:
            keep[i] = False
        elif until is not None and lo > until:
            keep[i] = False
    return keep


def memberships(
    tables: Tables,
    *,
    level: str = "organisation",
    since: _dt.date | None = None,
    until: _dt.date | None = None,
) -> pd.DataFrame:
    """Who took part in what: one row per (member, activity) at ``level``, within the time window.

    Columns: ``member_id, activity_id, kind, channel, start, end, role``. An activity is inside the
    window when it overlaps ``[since, until]``; undated activities are left out when a window is given.
    """
    _check_level(level)
    if since is not None and until is not None and until < since:
        raise UsageError(f"--until {until} is before --since {since}")
    acts = activities(tables)
    parts = tables["participations"]
    att = tables["attendances"]
    ex = tables["exchanges"]
    frames = [
        pd.DataFrame({"member_id": parts["member_id"], "activity_id": parts["project_id"], "role": parts["role"]}, dtype=object),
        pd.DataFrame({"member_id": att["member_id"], "activity_id": att["exchange_id"], "role": att["role"]}, dtype=object),
    ]
    hosts = ex[ex["host_id"].notna()]
    if len(hosts):
        frames.append(pd.DataFrame({"member_id": hosts["host_id"], "activity_id": hosts["id"], "role": "host"}, dtype=object))
    m = pd.concat(frames, ignore_index=True)
    # a host also listed as attendee: keep one row, preferring the 'host' role
    m["_host"] = m["role"].eq("host")
    m = m.sort_values("_host", ascending=False, kind="stable").drop_duplicates(["member_id", "activity_id"]).drop(columns="_host")
    if level == "city":
        mem = members(tables)
        m["member_id"] = m["member_id"].map(mem["city_id"])
        m = m[m["member_id"].notna()].drop_duplicates(["member_id", "activity_id"])
    m = m.join(acts[["kind", "channel", "start", "end"]], on="activity_id")
    m = m[_in_window(m["start"], m["end"], since, until)]
    return m.sort_values(["activity_id", "member_id"], kind="stable").reset_index(drop=True)


def projection_edges(m: pd.DataFrame) -> pd.DataFrame:
    """Member–member ties from a :func:`memberships` table, as a DataFrame ``u, v, weight, count`` (u < v).

    ``weight`` is Newman's collaboration weight, ``count`` the number of shared activities. Computed as
    sparse products B^T W B (B the activity × member incidence matrix, W = diag(1/(n_a − 1))).

    Examples
    --------
    The networkx ``collaboration_weighted_projected_graph`` docstring example (activity "1" with members
    0, 2, 5 and activity "3" with members 2, 4):

    >>> import pandas as pd
    >>> m = pd.DataFrame({"member_id": ["0", "2", "5", "2", "4"], "activity_id": ["1", "1", "1", "3", "3"]})
    >>> for r in projection_edges(m).itertuples():
    ...     print(r.u, r.v, r.weight, r.count)
    0 2 0.5 1
    0 5 0.5 1
    2 4 1.0 1
    2 5 0.5 1
    """
    if m.empty:
        return pd.DataFrame(
            {
                "u": pd.Series([], dtype=object),
                "v": pd.Series([], dtype=object),
                "weight": pd.Series([], dtype=float),
                "count": pd.Series([], dtype=int),
            }
        )
    mem_codes, mem_ids = pd.factorize(m["member_id"], sort=True)
    act_codes, _ = pd.factorize(m["activity_id"])
    n_act = int(act_codes.max()) + 1
    sizes = np.bincount(act_codes, minlength=n_act).astype(float)
    inv = np.zeros(n_act)
    inv[sizes > 1] = 1.0 / (sizes[sizes > 1] - 1.0)
    ones = np.ones(len(m))
    b = sp.csr_matrix((ones, (act_codes, mem_codes)), shape=(n_act, len(mem_ids)))
    bw = sp.csr_matrix((inv[act_codes], (act_codes, mem_codes)), shape=(n_act, len(mem_ids)))
    w = sp.triu((b.T @ bw).tocsr(), k=1).tocoo()
    c = sp.triu((b.T @ b).tocsr(), k=1).tocsr()
    counts = np.asarray(c[w.row, w.col]).ravel()
    keep = w.data > 0
    u = np.asarray(mem_ids)[w.row[keep]]
    v = np.asarray(mem_ids)[w.col[keep]]
    out = pd.DataFrame({"u": u.astype(object), "v": v.astype(object), "weight": w.data[keep], "count": counts[keep].astype(int)})
    return out.sort_values(["u", "v"], kind="stable").reset_index(drop=True)


def _member_nodes(tables: Tables, ids: list[str] | np.ndarray) -> list[tuple[str, dict[str, Any]]]:
    mem = members(tables)
    sub = mem.reindex(list(ids))
    nodes = []
    for node_id, row in zip(sub.index, sub.itertuples(index=False)):
        attrs = {k: _none(getattr(row, k)) for k in _MEMBER_ATTRS}
        if attrs["name"] is None:
            attrs["name"] = node_id
        if not isinstance(attrs["tags"], list):
            attrs["tags"] = []
        nodes.append((node_id, attrs))
    return nodes


def projection(
    tables: Tables,
    *,
    level: str = "organisation",
    since: _dt.date | None = None,
    until: _dt.date | None = None,
) -> nx.Graph:
    """The weighted member–member graph (see module docstring and CONVENTIONS.md).

    Nodes are the members at ``level`` that take part in at least one activity inside the window
    (members in a single-member activity are isolated nodes). Edge attributes ``weight`` (Newman) and
    ``count``.

    Examples
    --------
    >>> import pandas as pd
    >>> from netlens.validation.checks import empty_tables
    >>> t = empty_tables()
    >>> t["organisations"] = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"], "type": [None] * 3,
    ...                                    "city_id": [None] * 3, "country": ["FR", "DE", "FI"]})
    >>> t["projects"] = pd.DataFrame({"id": ["p", "q"], "name": ["P", "Q"], "start": [None] * 2, "end": [None] * 2,
    ...                               "topics": [None] * 2, "title": [None] * 2, "programme": [None] * 2})
    >>> t["participations"] = pd.DataFrame({"project_id": ["p", "p", "p", "q", "q"], "member_id": ["a", "b", "c", "a", "b"],
    ...                                     "role": [None] * 5})
    >>> g = projection(t)
    >>> g["a"]["b"]["weight"], g["a"]["b"]["count"], g["a"]["c"]["weight"]
    (1.5, 2, 0.5)
    """
    m = memberships(tables, level=level, since=since, until=until)
    edges = projection_edges(m)
    g = nx.Graph(level=level, since=since, until=until)
    g.add_nodes_from(_member_nodes(tables, sorted(m["member_id"].unique())))
    g.add_edges_from(
        (u, v, {"weight": float(w), "count": int(c)})
        for u, v, w, c in zip(edges["u"].tolist(), edges["v"].tolist(), edges["weight"].tolist(), edges["count"].tolist())
    )
    return g


def bipartite_graph(
    tables: Tables,
    *,
    level: str = "organisation",
    since: _dt.date | None = None,
    until: _dt.date | None = None,
) -> nx.Graph:
    """The member–activity graph: members (``bipartite=0``) linked to the projects/exchanges they took part in
    (``bipartite=1``). Edge attribute ``role``.
    """
    m = memberships(tables, level=level, since=since, until=until)
    acts = activities(tables)
    g = nx.Graph(level=level, since=since, until=until)
    for node_id, attrs in _member_nodes(tables, sorted(m["member_id"].unique())):
        g.add_node(node_id, bipartite=0, **attrs)
    sub = acts.reindex(sorted(m["activity_id"].unique()))
    for aid, row in zip(sub.index, sub.itertuples(index=False)):
        g.add_node(
            aid, bipartite=1, kind=row.kind, name=row.name, channel=row.channel, start=row.start, end=row.end, topics=row.topics
        )
    g.add_edges_from((a, b, {"role": _none(r)}) for a, b, r in zip(m["member_id"], m["activity_id"], m["role"]))
    return g
