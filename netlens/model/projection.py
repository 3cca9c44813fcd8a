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
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from netlens.model.network import LEVELS, Tables, as_network
from netlens.values import plain, plain_column

__all__ = [
    "LEVELS",
    "members",
    "activities",
    "memberships",
    "projection_edges",
    "projection",
    "ArrayGraph",
    "projection_arrays",
    "bipartite_graph",
]

_MEMBER_ATTRS = ("name", "kind", "type", "country", "lat", "lon", "population", "tags")


def members(tables: Tables) -> pd.DataFrame:
    """One row per city and organisation, indexed by id (:meth:`Network.members <netlens.model.network.Network.members>`).

    Examples
    --------
    >>> import pandas as pd
    >>> from netlens.validation import empty_tables
    >>> t = empty_tables()
    >>> t["cities"] = pd.DataFrame({"id": ["rijeka"], "name": ["Rijeka"], "country": ["HR"], "lat": [45.33],
    ...                             "lon": [14.44], "population": [None], "tags": [["follower"]]})
    >>> members(t).loc["rijeka", ["kind", "type", "country"]].tolist()
    ['city', 'city', 'HR']
    """
    return as_network(tables).members()


def activities(tables: Tables) -> pd.DataFrame:
    """One row per project and exchange, indexed by id (:meth:`Network.activities <netlens.model.network.Network.activities>`)."""
    return as_network(tables).activities()


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
    (:meth:`Network.memberships <netlens.model.network.Network.memberships>`)
    """
    return as_network(tables).memberships(level=level, since=since, until=until)


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
    ids, src, dst, weight, count = _edge_arrays(m)
    u, v = ids[src], ids[dst]
    out = pd.DataFrame({"u": u.astype(object), "v": v.astype(object), "weight": weight, "count": count.astype(int)})
    return out.sort_values(["u", "v"], kind="stable").reset_index(drop=True)


def _edge_arrays(m: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sorted member ids and the ties as int64 positions ``src < dst`` (sorted by src, dst), Newman weights, counts."""
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
    src, dst = w.row[keep].astype(np.int64), w.col[keep].astype(np.int64)
    order = np.lexsort((dst, src))
    ids = np.asarray(mem_ids, dtype=object)
    return ids, src[order], dst[order], w.data[keep][order].astype(float), counts[keep][order].astype(np.int64)


@dataclass(frozen=True)
class ArrayGraph:
    """The projection of :func:`projection` as arrays, without networkx (the analysis hot path).

    ``nodes``: member ids, in the order of ``projection(...).nodes`` (sorted). Edge ``e`` joins positions
    ``src[e] < dst[e]`` (int64, sorted by ``(src, dst)``, the order :func:`netlens.analysis._igraph.convert`
    collects a networkx projection's edges in) with Newman ``weight[e]`` (float) and ``count[e]`` (int64).
    ``name``, ``kind``, ``country``: the node attributes of the same name, by position. Treat the arrays as read-only.
    """

    nodes: list[str]
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    count: np.ndarray
    name: list[Any]
    kind: list[Any]
    country: list[Any]
    level: str = "organisation"

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return int(self.src.size)

    def attribute(self, attr: str) -> list[Any]:
        """The node attribute ``attr`` by position (``name``, ``kind``, ``country``; None for any other)."""
        if attr in ("name", "kind", "country"):
            values: list[Any] = getattr(self, attr)
            return values
        return [None] * len(self.nodes)

    def to_cache(self) -> dict[str, Any]:
        """This graph as a :mod:`netlens.cache` value: the arrays as arrays (int32 where they fit), the lists as lists."""

        def ints(a: np.ndarray) -> np.ndarray:
            small = a.size == 0 or (int(a.min()) >= -(2**31) and int(a.max()) < 2**31)
            return a.astype(np.int32 if small else np.int64)

        return {
            "nodes": self.nodes,
            "src": ints(self.src),
            "dst": ints(self.dst),
            "weight": self.weight.astype(np.float64),
            "count": ints(self.count),
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "level": self.level,
        }

    @classmethod
    def from_cache(cls, value: Any) -> ArrayGraph | None:
        """The graph :meth:`to_cache` wrote, or None when ``value`` is not one (damaged or foreign: rebuild it).

        >>> g = projection_arrays(_example())
        >>> h = ArrayGraph.from_cache(g.to_cache())
        >>> h.nodes == g.nodes and h.src.dtype == np.int64 and h.weight.tolist() == g.weight.tolist()
        True
        >>> ArrayGraph.from_cache({**g.to_cache(), "dst": np.zeros(1, dtype=np.int32)}) is None
        True
        """
        if not isinstance(value, dict):
            return None
        nodes, level = value.get("nodes"), value.get("level")
        src, dst, weight, count = (value.get(k) for k in ("src", "dst", "weight", "count"))
        name, kind, country = (value.get(k) for k in ("name", "kind", "country"))
        if not (isinstance(nodes, list) and all(isinstance(x, str) for x in nodes) and level in LEVELS):
            return None
        if not (
            isinstance(src, np.ndarray)
            and isinstance(dst, np.ndarray)
            and isinstance(weight, np.ndarray)
            and isinstance(count, np.ndarray)
            and src.size == dst.size == weight.size == count.size
        ):
            return None
        if not (isinstance(name, list) and isinstance(kind, list) and isinstance(country, list)):
            return None
        if not len(name) == len(kind) == len(country) == len(nodes):
            return None
        if src.size and (int(src.min()) < 0 or int(dst.max()) >= len(nodes) or not bool(np.all(src < dst))):
            return None
        ints = (src.astype(np.int64), dst.astype(np.int64), count.astype(np.int64))
        return cls(nodes, ints[0], ints[1], weight.astype(np.float64), ints[2], name, kind, country, str(level))


def _example() -> Tables:
    """The doctests' network: organisations a, b, c (FR, DE, FI); project p with all three, q with a and b."""
    from netlens.validation import empty_tables

    t = empty_tables()
    t["organisations"] = pd.DataFrame(
        {"id": ["a", "b", "c"], "name": ["A", "B", "C"], "type": [None] * 3, "city_id": [None] * 3, "country": ["FR", "DE", "FI"]}
    )
    t["projects"] = pd.DataFrame(
        {"id": ["p", "q"], "name": ["P", "Q"], "start": [None] * 2, "end": [None] * 2, "topics": [None] * 2}
        | {"title": [None] * 2, "programme": [None] * 2}
    )
    t["participations"] = pd.DataFrame(
        {"project_id": ["p", "p", "p", "q", "q"], "member_id": ["a", "b", "c", "a", "b"], "role": [None] * 5}
    )
    return t


def projection_arrays(
    tables: Tables,
    level: str = "organisation",
    since: _dt.date | None = None,
    until: _dt.date | None = None,
) -> ArrayGraph:
    """The projection of :func:`projection` (same nodes, ties, weights and counts) as an :class:`ArrayGraph`.

    Examples
    --------
    >>> t = _example()  # organisations a, b, c; project p = {a, b, c}, q = {a, b}
    >>> g = projection_arrays(t)
    >>> g.nodes, g.src.tolist(), g.dst.tolist(), g.weight.tolist(), g.count.tolist()
    (['a', 'b', 'c'], [0, 0, 1], [1, 2, 2], [1.5, 0.5, 0.5], [2, 1, 1])
    """
    m = memberships(tables, level=level, since=since, until=until)
    if m.empty:
        ids: np.ndarray = np.zeros(0, dtype=object)
        src = dst = count = np.zeros(0, dtype=np.int64)
        weight = np.zeros(0)
    else:
        ids, src, dst, weight, count = _edge_arrays(m)
    nodes = [str(x) for x in ids]
    sub = members(tables).reindex(nodes)
    names = [node if n is None else n for node, n in zip(nodes, plain_column(sub["name"]))]
    kinds = plain_column(sub["kind"])
    countries = plain_column(sub["country"])
    return ArrayGraph(nodes, src, dst, weight, count, names, kinds, countries, level)


def _member_nodes(tables: Tables, ids: list[str] | np.ndarray) -> list[tuple[str, dict[str, Any]]]:
    mem = members(tables)
    sub = mem.reindex(list(ids))
    nodes = []
    for node_id, row in zip(sub.index, sub.itertuples(index=False)):
        attrs = {k: plain(getattr(row, k)) for k in _MEMBER_ATTRS}
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
    >>> t = _example()  # organisations a, b, c; project p = {a, b, c}, q = {a, b}
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
    g.add_edges_from((a, b, {"role": plain(r)}) for a, b, r in zip(m["member_id"], m["activity_id"], m["role"]))
    return g
