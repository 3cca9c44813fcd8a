"""Stage 1, select: which members and ties the map is about.

* :func:`canonical` takes the networkx graph and returns it as an :class:`Indexed` graph: nodes
  sorted by id (as text), edges as index arrays sorted by their ends, self-loops counted and left
  out, so insertion order never shows in the output.
* :func:`choose` takes the :class:`Indexed` graph and the options ``size_by``, ``highlight_path``,
  ``top`` and ``geo`` and returns a :class:`Selection`: the size metric, the highlighted path,
  which nodes are drawn (the ``top`` largest plus the path's nodes; with ``geo`` only nodes with
  coordinates) and the candidate ties among them (before the edge budget of :mod:`.thin`).
* :func:`facets` takes the attributes of the drawn nodes and ties and returns the :class:`Facets`
  the viewer's tooltip, panel, filters and time slider work on.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np

from netlens.errors import NotFoundError, UsageError

from .formats import desc, value, weight, year

_FILTER_KEYS = ("kind", "type", "country", "programme", "topics", "topic", "tags")
_FILTER_LABELS = {
    "kind": "Kind",
    "type": "Type",
    "country": "Country",
    "programme": "Programme",
    "topics": "Topic",
    "topic": "Topic",
    "tags": "Tag",
}
_TIME_PAIRS = (("year", "year"), ("start", "end"), ("since", "until"), ("first_year", "last_year"), ("date", "date"))
_MAX_FILTER_VALUES = 400


@dataclasses.dataclass(frozen=True)
class Indexed:
    """The input graph in canonical order; nodes and edges are referred to by position."""

    keys: list[Any]  # node keys, sorted by their text
    ids: list[str]  # the same as text
    index: dict[Any, int]  # node key -> position
    attrs: list[Mapping[str, Any]]  # node attribute dicts (the graph's own, never modified)
    src: np.ndarray  # edge ends (int64, src < dst when undirected), sorted by (src, dst)
    dst: np.ndarray
    weight: np.ndarray  # float64 edge weights
    edata: list[Mapping[str, Any]]  # edge attribute dicts, in edge order
    self_loops: int
    degree: np.ndarray  # number of (non-loop) ties of each node in the whole graph
    directed: bool

    @property
    def n_nodes(self) -> int:
        return len(self.keys)

    @property
    def n_edges(self) -> int:
        return len(self.src)


@dataclasses.dataclass(frozen=True)
class TopCut:
    """``top`` took effect: ``n`` nodes (path nodes included) drawn out of ``of``."""

    n: int
    of: int


@dataclasses.dataclass(frozen=True)
class Selection:
    """What to draw, in positions of the :class:`Indexed` graph."""

    metric_name: str
    metric: np.ndarray  # size metric of every node (NaN: none)
    path_nodes: list[int]  # nodes of the highlighted path, first occurrence order
    path_edges: np.ndarray  # edge ids of the path's ties (sorted)
    keep: np.ndarray  # bool per node: drawn
    top: TopCut | None
    unplaced: list[int]  # geo: nodes kept by ``top`` but without coordinates (listed beside the map)
    latlon: dict[int, tuple[float, float]]  # geo: coordinates of the drawn nodes
    candidates: np.ndarray  # edge ids with both ends drawn, before the edge budget


@dataclasses.dataclass(frozen=True)
class Facets:
    """Attribute columns of the drawn nodes, the filters built on them and the time window."""

    attr_keys: list[str]
    attr_cols: dict[str, list[Any]]  # JSON-safe values per attribute, one per drawn node
    filters: list[dict[str, Any]]
    node_t0: list[int | None] | None  # first / last year of each node (None: no node has years)
    node_t1: list[int | None] | None
    edge_t0: list[int | None] | None  # the same for the drawn ties
    edge_t1: list[int | None] | None
    time: dict[str, int] | None  # {"min", "max"} over all years, None without years


# ----------------------------------------------------------------------------------------------
# canonical order


def canonical(G: nx.Graph) -> Indexed:
    """``G`` with nodes sorted by id (as text) and edges as sorted index arrays."""
    keys, ids = _canonical_nodes(G)
    index = {k: i for i, k in enumerate(keys)}
    src, dst, w, edata, self_loops = _canonical_edges(G, index)
    n = len(keys)
    degree = np.bincount(np.concatenate([src, dst]), minlength=n) if n else np.zeros(0, int)
    return Indexed(
        keys=keys,
        ids=ids,
        index=index,
        attrs=[G.nodes[k] for k in keys],
        src=src,
        dst=dst,
        weight=w,
        edata=edata,
        self_loops=self_loops,
        degree=degree,
        directed=G.is_directed(),
    )


def _canonical_nodes(G: nx.Graph) -> tuple[list[Any], list[str]]:
    keys = list(G.nodes)
    ids = [str(k) for k in keys]
    if len(set(ids)) != len(ids):
        dup = sorted(k for k, c in Counter(ids).items() if c > 1)[:3]
        raise UsageError(f"node ids collide once written as text: {', '.join(dup)}")
    order = sorted(range(len(ids)), key=ids.__getitem__)
    return [keys[i] for i in order], [ids[i] for i in order]


def _canonical_edges(
    G: nx.Graph, index: Mapping[Any, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Mapping[str, Any]], int]:
    """Edges as (src, dst, weight, attribute dicts) sorted by their ends; self-loops are counted, not kept."""
    src_l: list[int] = []
    dst_l: list[int] = []
    w_l: list[float] = []
    edata: list[Mapping[str, Any]] = []
    self_loops = 0
    for u, v, d in G.edges(data=True):
        if u == v:
            self_loops += 1
            continue
        a, b = index[u], index[v]
        if not G.is_directed() and a > b:
            a, b = b, a
        src_l.append(a)
        dst_l.append(b)
        w_l.append(weight(d.get("weight", 1.0)))
        edata.append(d)
    src = np.asarray(src_l, dtype=np.int64)
    dst = np.asarray(dst_l, dtype=np.int64)
    e_order = np.lexsort((dst, src))
    return src[e_order], dst[e_order], np.asarray(w_l, dtype=np.float64)[e_order], [edata[j] for j in e_order], self_loops


# ----------------------------------------------------------------------------------------------
# selection


def choose(
    ix: Indexed,
    G: nx.Graph,
    *,
    size_by: str | None,
    highlight_path: Sequence[Any] | None,
    top: int | None,
    geo: bool,
) -> Selection:
    """The size metric, the path, the drawn nodes and the candidate ties (see the module doc)."""
    metric_name, metric = _metric(ix, size_by)
    path_nodes, path_pairs = _path(G, highlight_path, ix.index)
    keep, top_cut = _top(ix, metric, top, path_nodes)
    unplaced: list[int] = []
    latlon: dict[int, tuple[float, float]] = {}
    if geo:
        unplaced, latlon = _coordinates(ix, keep)
        keep[unplaced] = False
    emask = keep[ix.src] & keep[ix.dst] if ix.n_edges else np.zeros(0, dtype=bool)
    return Selection(
        metric_name=metric_name,
        metric=metric,
        path_nodes=path_nodes,
        path_edges=_path_edge_ids(path_pairs, ix.src, ix.dst, ix.directed),
        keep=keep,
        top=top_cut,
        unplaced=unplaced,
        latlon=latlon,
        candidates=np.flatnonzero(emask),
    )


def available(attrs: Iterable[Mapping[str, Any]]) -> list[str]:
    """The attribute names found on any of ``attrs``, sorted (for error messages)."""
    seen: set[str] = set()
    for a in attrs:
        seen.update(str(k) for k in a)
    return sorted(seen)


def _metric(ix: Indexed, size_by: str | None) -> tuple[str, np.ndarray]:
    name = "degree" if size_by is None else size_by
    if not isinstance(name, str):
        raise UsageError(f"size_by must be an attribute name, got {size_by!r}")
    if any(name in a for a in ix.attrs):
        return name, _attribute_metric(ix, name)
    if name == "degree":
        return name, ix.degree.astype(np.float64)
    if name == "strength":
        s = np.zeros(ix.n_nodes)
        np.add.at(s, ix.src, ix.weight)
        np.add.at(s, ix.dst, ix.weight)
        return name, s
    raise UsageError(f"size_by={name!r}: no node has this attribute (available: {', '.join(available(ix.attrs)) or 'none'})")


def _attribute_metric(ix: Indexed, name: str) -> np.ndarray:
    out = np.full(ix.n_nodes, np.nan)
    for i, a in enumerate(ix.attrs):
        v = a.get(name)
        if v is None:
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            raise UsageError(f"size_by={name!r} must be numeric; node {ix.keys[i]!r} has {v!r}") from None
    out[~np.isfinite(out)] = np.nan
    return out


def _path(
    G: nx.Graph,
    path: Sequence[Any] | None,
    index: Mapping[Any, int],
) -> tuple[list[int], list[tuple[int, int]]]:
    if path is None:
        return [], []
    if isinstance(path, (str, bytes)):
        raise UsageError("highlight_path must be a list of node ids, not a single string")
    nodes = list(path)
    for p in nodes:
        if p not in index:
            raise NotFoundError(f"highlight_path: node {p!r} is not in the graph")
    pairs = []
    for a, b in zip(nodes, nodes[1:], strict=False):
        if not G.has_edge(a, b):
            raise UsageError(f"highlight_path: {a!r} and {b!r} are not adjacent")
        pairs.append((index[a], index[b]))
    seen: list[int] = []
    for p in nodes:
        if index[p] not in seen:
            seen.append(index[p])
    return seen, pairs


def _top(ix: Indexed, metric: np.ndarray, top: int | None, path_nodes: list[int]) -> tuple[np.ndarray, TopCut | None]:
    """top=N: the N largest metric (NaN last, ties by id) plus the path's nodes."""
    n = ix.n_nodes
    keep = np.ones(n, dtype=bool)
    if top is None or top >= n:
        return keep, None
    rank_order = sorted(range(n), key=lambda i: (desc(float(metric[i])), ix.ids[i]))
    keep[:] = False
    keep[rank_order[:top]] = True
    keep[path_nodes] = True
    return keep, TopCut(n=int(keep.sum()), of=n)


def _coordinates(ix: Indexed, keep: np.ndarray) -> tuple[list[int], dict[int, tuple[float, float]]]:
    """Kept nodes without usable coordinates, and the coordinates of the others."""
    unplaced: list[int] = []
    latlon: dict[int, tuple[float, float]] = {}
    for i in np.flatnonzero(keep):
        ll = _latlon(ix.attrs[i])
        if ll is None:
            unplaced.append(int(i))
        else:
            latlon[int(i)] = ll
    if not latlon:
        raise UsageError("--geo needs coordinates (lat, lon) on at least one node; none of these members has them")
    return unplaced, latlon


def _latlon(a: Mapping[str, Any]) -> tuple[float, float] | None:
    try:
        lat, lon = float(a.get("lat")), float(a.get("lon"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None
    return lat, lon


def _path_edge_ids(pairs: list[tuple[int, int]], src: np.ndarray, dst: np.ndarray, directed: bool) -> np.ndarray:
    if not pairs:
        return np.zeros(0, dtype=np.int64)
    lookup: dict[tuple[int, int], int] = {}
    for e, (a, b) in enumerate(zip(src.tolist(), dst.tolist(), strict=False)):
        lookup.setdefault((a, b), e)
    out = []
    for a, b in pairs:
        key = (a, b) if directed else (min(a, b), max(a, b))
        if key in lookup:
            out.append(lookup[key])
    return np.asarray(sorted(set(out)), dtype=np.int64)


# ----------------------------------------------------------------------------------------------
# facets: what the tooltip, panel, filters and time slider show


def facets(node_attrs: list[Mapping[str, Any]], edge_attrs: list[Mapping[str, Any]]) -> Facets:
    """Attribute columns and filters of the drawn nodes, years of the drawn nodes and ties."""
    attr_keys, attr_cols = _attr_columns(node_attrs)
    nt0, nt1 = _times(node_attrs)
    et0, et1 = _times(edge_attrs)
    time = None
    if nt0 is not None or et0 is not None:
        years = [y for col in (nt0, nt1, et0, et1) if col for y in col if y is not None]
        time = {"min": min(years), "max": max(years)}
    return Facets(
        attr_keys=attr_keys,
        attr_cols=attr_cols,
        filters=_filters(attr_cols),
        node_t0=nt0,
        node_t1=nt1,
        edge_t0=et0,
        edge_t1=et1,
        time=time,
    )


def _attr_columns(attrs: list[Mapping[str, Any]]) -> tuple[list[str], dict[str, list[Any]]]:
    skip = {"name"}
    keys = sorted({str(k) for a in attrs for k in a if str(k) not in skip})
    cols: dict[str, list[Any]] = {}
    for key in keys:
        col = [value(a.get(key)) for a in attrs]
        if any(v is not None for v in col):
            cols[key] = col
    return sorted(cols), cols


def _filters(cols: Mapping[str, list[Any]]) -> list[dict[str, Any]]:
    out = []
    used_labels = set()
    for key in _FILTER_KEYS:
        if key not in cols:
            continue
        counts, is_list = _value_counts(cols[key])
        # a list attribute (tags, topics) is worth a filter even with one value ("has tag X")
        if not (1 if is_list else 2) <= len(counts) <= _MAX_FILTER_VALUES:
            continue
        label = _FILTER_LABELS[key]
        if label in used_labels:
            label = f"{label} ({key})"
        used_labels.add(label)
        values = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        out.append({"key": key, "label": label, "values": [[k, c] for k, c in values]})
    return out


def _value_counts(col: list[Any]) -> tuple[Counter[str], bool]:
    """How many nodes have each value (list values count once per node), and whether any value is a list."""
    counts: Counter[str] = Counter()
    is_list = False
    for v in col:
        if isinstance(v, list):
            counts.update(set(v))
            is_list = True
        elif v is not None:
            counts[str(v)] += 1
    return counts, is_list


def _times(items: list[Mapping[str, Any]]) -> tuple[list[int | None] | None, list[int | None] | None]:
    spans = [_time_span(a) for a in items]
    if not any(lo is not None for lo, _ in spans):
        return None, None
    return [lo for lo, _ in spans], [hi for _, hi in spans]


def _time_span(a: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """First and last year of one node or tie (one given: both the same)."""
    lo, hi = _paired_years(a)
    if lo is None and hi is None:
        lo, hi = _listed_years(a.get("years"))
    if lo is None:
        lo = hi
    if hi is None:
        hi = lo
    return lo, hi


def _paired_years(a: Mapping[str, Any]) -> tuple[int | None, int | None]:
    for k0, k1 in _TIME_PAIRS:
        if k0 in a or k1 in a:
            lo, hi = year(a.get(k0)), year(a.get(k1))
            if lo is not None or hi is not None:
                return lo, hi
    return None, None


def _listed_years(ys: Any) -> tuple[int | None, int | None]:
    if isinstance(ys, (list, tuple, set)):
        yy = [y for y in (year(v) for v in ys) if y is not None]
        if yy:
            return min(yy), max(yy)
    return None, None
