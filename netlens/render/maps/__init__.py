"""Interactive, self-contained HTML maps of cooperation networks.

:func:`render_map` turns a projection graph (see ``CONVENTIONS.md``) into one HTML file that
opens from disk with zero network requests: vis-network 9.1.2 (vendored from the pyvis 0.3.2
wheel into ``netlens/assets``) and the viewer script are inlined, the graph travels as one JSON
block (``<script type="application/json" id="netlens-data">``) that :func:`read_map_data`
parses back.

Why not pyvis' own ``Network.write_html``: its template links Bootstrap from a CDN even with
``cdn_resources='in_line'``, writes the data as JavaScript literals instead of a parseable
JSON block, has no legend, filters, neighbour panel or geographic mode, and its
``add_node``/``from_nx`` helpers are quadratic and mutate the input.  This module therefore does
not import pyvis at all; pyvis is only where the vendored vis-network file came from
(``netlens/assets/README.md`` records the version and checksum).

Rules applied to large graphs (all deterministic):

* **Physics** runs in the browser only up to :data:`PHYSICS_MAX_NODES` drawn nodes (and never in
  geo mode); positions are always precomputed in Python: igraph Fruchterman–Reingold per
  connected component (seeded), components packed in rows, isolated members in a grid.
* **Drawing**: from 2,500 drawn nodes on (physics off) the viewer gives vis-network the nodes only
  and draws nodes and edges itself in batches (one canvas path per colour / edge width); vis
  still handles zoom, pan, hit-testing, selection and hover (see ``assets/map.js``).
* **Labels** are drawn for the ``label_top`` nodes with the largest size metric (plus the nodes of
  a highlighted path); every node still has its name in the tooltip, panel and search.
* **top=N** keeps the N nodes with the largest size metric (ties broken by id) and the edges
  among them; nodes of ``highlight_path`` are always kept.
* **Edge thinning** (when more than ``max_edges`` edges remain): each node ranks its edges by
  weight (descending, ties by the other end's id); an edge is kept when it is among the ``k``
  strongest of *either* end, with ``k`` the largest number for which at most ``max_edges`` edges
  remain (``k`` is at least 1, so every node keeps its strongest tie and nobody becomes isolated;
  then the budget may be exceeded).  Path edges are always kept.  The page says how many ties
  were hidden.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import hashlib
import html
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import networkx as nx
import numpy as np

from netlens.errors import NotFoundError, UsageError

__all__ = [
    "DEFAULT_MAX_EDGES",
    "PHYSICS_MAX_NODES",
    "MapStats",
    "render_map",
    "write_map",
    "read_map_data",
]

#: Above this many drawn nodes the browser gets no physics simulation (precomputed layout only).
PHYSICS_MAX_NODES = 1500
#: From this many drawn nodes on (physics off) the viewer batch-draws nodes and edges itself (see map.js).
_FAST_DRAW_MIN = 2500
#: Default edge budget for the browser; see the module docstring for the thinning rule.
DEFAULT_MAX_EDGES = 60_000

FORMAT = "netlens-map/1"
_DATA_ID = "netlens-data"
_SIZE_RANGE = (5.0, 36.0)
_PATH_COLOR = "#d62728"
# Qualitative palette (Tableau 10 + 9 lighter companions); the 20th category is "other".
_PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#17becf",
    "#a0cbe8",
    "#ffbe7d",
    "#8cd17d",
    "#86bcb6",
    "#f1ce63",
    "#d4a6c8",
    "#fabfd2",
    "#d7b5a6",
    "#79706e",
]
_OTHER_COLOR = "#c7c7c7"
_MISSING_COLOR = "#e6e6e6"
_SEQUENTIAL = ["#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#fde725"]
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
_MERCATOR_MAX_LAT = 85.0


@dataclasses.dataclass(frozen=True)
class MapStats:
    """What :func:`write_map` wrote.

    ``edges_hidden`` counts ties left out by the edge budget (thinning); ``edges_total`` is the
    number of edges of the input graph (self-loops excluded).
    """

    path: str
    bytes: int
    nodes_total: int
    nodes_shown: int
    nodes_unplaced: int
    edges_total: int
    edges_shown: int
    edges_hidden: int
    physics: bool
    thinning_k: int | None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# ----------------------------------------------------------------------------------------------
# public API


def render_map(
    G: nx.Graph,
    *,
    size_by: str | None = None,
    color_by: str = "kind",
    highlight_path: Sequence[Any] | None = None,
    geo: bool = False,
    top: int | None = None,
    label_top: int = 50,
    title: str = "netlens map",
    seed: int = 0,
    physics: bool | None = None,
    max_edges: int | None = DEFAULT_MAX_EDGES,
) -> str:
    """Render ``G`` as one self-contained interactive HTML page and return its text.

    Parameters
    ----------
    G : networkx.Graph
        A projection graph as built by ``netlens.model.projection`` (node attrs ``name``, ``kind``,
        ``type``, ``country``, ``lat``, ``lon``…, metric columns such as ``pagerank`` or
        ``community``; edge attr ``weight``).  Not modified.
    size_by : str, optional
        Node attribute that sets node size, labels and ``top``.  ``None`` means ``"degree"``
        (number of neighbours in ``G``); ``"degree"`` and ``"strength"`` (weighted degree) are
        computed when no node carries such an attribute.
    color_by : str
        ``"kind"`` (default), ``"community"``, ``"country"`` or any node attribute.  Up to 19
        categories get their own colour (by frequency), the rest share "other"; numeric attributes
        with more than 19 distinct values are binned into 6 quantile classes.
    highlight_path : sequence of node ids, optional
        Consecutive nodes must be adjacent in ``G``; the path's edges are drawn red and kept
        through ``top`` and edge thinning.
    geo : bool
        Place nodes at their ``lat``/``lon`` (Web-Mercator, fixed positions, no tiles; country
        outlines from Natural Earth 1:110m are drawn).  Nodes without coordinates are listed
        beside the map.
    top : int, optional
        Keep only the ``top`` nodes with the largest size metric (and the edges among them).
    label_top : int
        Number of nodes (largest size metric first) whose name is drawn on the canvas.
    title : str
        Page title (escaped).
    seed : int
        Seed of the layout; the same graph and seed give a byte-identical page.
    physics : bool, optional
        Force the browser-side physics on or off; by default it runs only up to
        :data:`PHYSICS_MAX_NODES` drawn nodes and never with ``geo=True``.
    max_edges : int or None
        Edge budget for the browser (default :data:`DEFAULT_MAX_EDGES`; ``None``: no limit).
        See the module docstring for the thinning rule.

    Returns
    -------
    str
        The HTML text.

    Raises
    ------
    UsageError
        Bad option values or an unknown ``size_by``/``color_by`` attribute.
    NotFoundError
        A node of ``highlight_path`` is not in ``G``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("a", name="Aachen", kind="city")
    >>> G.add_node("b", name="Bologna", kind="city")
    >>> G.add_edge("a", "b", weight=1.5)
    >>> page = render_map(G, title="two cities")
    >>> data = read_map_data(page)
    >>> data["nodes"]["name"], data["edges"]["weight"]
    (['Aachen', 'Bologna'], [1.5])
    """
    data = _build_data(
        G,
        size_by=size_by,
        color_by=color_by,
        highlight_path=highlight_path,
        geo=geo,
        top=top,
        label_top=label_top,
        title=title,
        seed=seed,
        physics=physics,
        max_edges=max_edges,
    )
    return _to_html(data, title)


def write_map(G: nx.Graph, path: str | os.PathLike[str], **kw: Any) -> MapStats:
    """Render ``G`` (see :func:`render_map` for ``kw``) and write it to ``path`` (UTF-8).

    The parent folder must exist (:class:`~netlens.errors.NotFoundError` otherwise).

    Examples
    --------
    >>> import networkx as nx, tempfile, pathlib
    >>> G = nx.path_graph(3)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     stats = write_map(G, pathlib.Path(d) / "map.html")
    >>> stats.nodes_shown, stats.edges_shown
    (3, 2)
    """
    target = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(parent):
        raise NotFoundError(f"folder does not exist: {parent}")
    title = kw.pop("title", "netlens map")
    data = _build_data(G, title=title, **_only_known(kw))
    text = _to_html(data, title)
    raw = text.encode("utf-8")
    with open(target, "wb") as fh:
        fh.write(raw)
    meta = data["meta"]
    c = meta["counts"]
    return MapStats(
        path=target,
        bytes=len(raw),
        nodes_total=c["nodes_total"],
        nodes_shown=c["nodes_shown"],
        nodes_unplaced=c["nodes_unplaced"],
        edges_total=c["edges_total"],
        edges_shown=c["edges_shown"],
        edges_hidden=c["edges_hidden"],
        physics=meta["physics"],
        thinning_k=(meta["thinning"] or {}).get("k"),
    )


def read_map_data(page: str) -> dict[str, Any]:
    """Parse the embedded JSON block back out of a page made by :func:`render_map`.

    Raises :class:`~netlens.errors.UsageError` when the page has no such block.
    """
    m = re.search(r'<script type="application/json" id="' + _DATA_ID + r'">(.*?)</script>', page, flags=re.S)
    if not m:
        raise UsageError("not a netlens map: no netlens-data block")
    return json.loads(m.group(1))  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------------------------
# data preparation


def _only_known(kw: Mapping[str, Any]) -> dict[str, Any]:
    known = {"size_by", "color_by", "highlight_path", "geo", "top", "label_top", "seed", "physics", "max_edges"}
    unknown = sorted(set(kw) - known)
    if unknown:
        raise UsageError(f"unknown map option(s): {', '.join(unknown)}")
    return dict(kw)


def _check_options(G: Any, top: Any, label_top: Any, seed: Any, physics: Any, max_edges: Any) -> None:
    if not isinstance(G, nx.Graph):
        raise UsageError(f"expected a networkx graph, got {type(G).__name__}")
    for name, value, low in (("top", top, 1), ("max_edges", max_edges, 1)):
        if value is not None and (not _is_int(value) or value < low):
            raise UsageError(f"{name} must be a whole number >= {low} or None, got {value!r}")
    if not _is_int(label_top) or label_top < 0:
        raise UsageError(f"label_top must be a whole number >= 0, got {label_top!r}")
    if not _is_int(seed):
        raise UsageError(f"seed must be a whole number, got {seed!r}")
    if physics is not None and not isinstance(physics, bool):
        raise UsageError(f"physics must be True, False or None, got {physics!r}")


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _build_data(
    G: nx.Graph,
    *,
    size_by: str | None = None,
    color_by: str = "kind",
    highlight_path: Sequence[Any] | None = None,
    geo: bool = False,
    top: int | None = None,
    label_top: int = 50,
    title: str = "netlens map",
    seed: int = 0,
    physics: bool | None = None,
    max_edges: int | None = DEFAULT_MAX_EDGES,
) -> dict[str, Any]:
    _check_options(G, top, label_top, seed, physics, max_edges)
    if not isinstance(title, str):
        raise UsageError("title must be text")

    # Nodes in a canonical order (by id as text) so insertion order does not matter.
    keys = list(G.nodes)
    ids = [str(k) for k in keys]
    if len(set(ids)) != len(ids):
        dup = sorted(k for k, c in Counter(ids).items() if c > 1)[:3]
        raise UsageError(f"node ids collide once written as text: {', '.join(dup)}")
    order = sorted(range(len(ids)), key=ids.__getitem__)
    keys = [keys[i] for i in order]
    ids = [ids[i] for i in order]
    index = {k: i for i, k in enumerate(keys)}
    attrs = [G.nodes[k] for k in keys]
    n_total = len(keys)

    # Edges as index arrays (self-loops are not drawn).
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
        w_l.append(_weight(d.get("weight", 1.0)))
        edata.append(d)
    # Canonical edge order too (by end indices), so insertion order never shows in the output.
    src = np.asarray(src_l, dtype=np.int64)
    dst = np.asarray(dst_l, dtype=np.int64)
    e_order = np.lexsort((dst, src))
    src, dst = src[e_order], dst[e_order]
    weight = np.asarray(w_l, dtype=np.float64)[e_order]
    edata = [edata[j] for j in e_order]
    e_total = len(src_l)
    deg_full = np.bincount(np.concatenate([src, dst]), minlength=n_total) if n_total else np.zeros(0, int)

    metric_name, metric = _metric(G, keys, attrs, size_by, deg_full, src, dst, weight)
    path_idx, path_pairs = _path(G, highlight_path, index)

    # top=N: N largest metric (NaN last, ties by id) + path nodes.
    rank_order = sorted(range(n_total), key=lambda i: (_desc(float(metric[i])), ids[i]))
    keep = np.ones(n_total, dtype=bool)
    top_note = None
    if top is not None and top < n_total:
        keep[:] = False
        keep[rank_order[:top]] = True
        keep[path_idx] = True
        top_note = {"n": int(keep.sum()), "of": n_total}

    # Geographic placement.
    unplaced: list[int] = []
    geo_xy: dict[int, tuple[float, float]] = {}
    if geo:
        for i in np.flatnonzero(keep):
            ll = _latlon(attrs[i])
            if ll is None:
                unplaced.append(int(i))
            else:
                geo_xy[int(i)] = ll
        if not geo_xy:
            raise UsageError("--geo needs coordinates (lat, lon) on at least one node; none of these members has them")
        keep[unplaced] = False

    emask = keep[src] & keep[dst] if e_total else np.zeros(0, dtype=bool)
    cand = np.flatnonzero(emask)
    e_candidate = int(len(cand))
    path_edges = _path_edge_ids(path_pairs, src, dst, G.is_directed())
    thinning = None
    if max_edges is not None and len(cand) > max_edges:
        cand, k = _thin(cand, src, dst, weight, ids, max_edges, path_edges)
        thinning = {"k": int(k), "max_edges": int(max_edges)}
    sel_edges = cand

    shown = np.flatnonzero(keep)
    new_of = -np.ones(n_total, dtype=np.int64)
    new_of[shown] = np.arange(len(shown))
    n = len(shown)
    e_src = new_of[src[sel_edges]]
    e_dst = new_of[dst[sel_edges]]
    e_w = weight[sel_edges]

    use_physics = physics if physics is not None else (not geo and n <= PHYSICS_MAX_NODES)
    if geo:
        use_physics = False

    # Positions.
    if geo:
        xy, outlines = _geo_positions([geo_xy[int(i)] for i in shown], [ids[i] for i in shown])
    else:
        outlines = None

    # Sizes and labels.
    m_shown = metric[shown]
    sizes = _scale_sizes(m_shown)
    if not geo:
        xy = _layout(n, e_src, e_dst, e_w, seed, np.asarray(sizes, dtype=np.float64))
    lab_order = sorted(range(n), key=lambda j: (_desc(float(m_shown[j])), ids[shown[j]]))
    labelled = set(lab_order[:label_top])
    labelled.update(int(new_of[p]) for p in path_idx if new_of[p] >= 0)

    # Colours.
    cats, cat_of = _categories([attrs[i] for i in shown], color_by, G, metric_name, m_shown)

    # Attributes shown in tooltip/panel and used by filters.
    attr_keys, attr_cols = _attr_columns([attrs[i] for i in shown])
    filters = _filters(attr_keys, attr_cols)

    # Time window.
    nt0, nt1 = _times([attrs[i] for i in shown])
    et0, et1 = _times([edata[j] for j in sel_edges])
    time_meta = None
    if nt0 is not None or et0 is not None:
        years = [y for col in (nt0, nt1, et0, et1) if col for y in col if y is not None]
        time_meta = {"min": min(years), "max": max(years)}

    # Edge widths: 1..7 px by the square root of the weight's place between the weakest and the
    # strongest drawn tie (all 1.5 px when every weight is the same).
    if len(e_w) and float(np.ptp(e_w)) > 0:
        widths = 1.0 + 6.0 * np.sqrt((e_w - e_w.min()) / float(np.ptp(e_w)))
    else:
        widths = np.full(len(e_w), 1.5)
    path_set = set(int(p) for p in path_edges)
    e_path = [j for j, e in enumerate(sel_edges) if int(e) in path_set]

    span = _span(xy)
    fit = 1000.0 / span if span > 0 else 1.0
    font = {"min": _r(13.0 / fit, 1), "max": _r(24.0 / fit, 1)}

    counts = {
        "nodes_total": n_total,
        "nodes_shown": n,
        "nodes_unplaced": len(unplaced),
        "edges_total": e_total,
        "edges_candidate": e_candidate,
        "edges_shown": int(len(sel_edges)),
        "edges_hidden": e_candidate - int(len(sel_edges)),
        "self_loops": self_loops,
    }
    notes = _notes(counts, thinning, top_note, metric_name, geo, label_top, n)

    nodes: dict[str, Any] = {
        "id": [ids[i] for i in shown],
        "name": [_text(attrs[i].get("name", ids[i]), ids[i]) for i in shown],
        "x": [_r(v, 1) for v in xy[:, 0]] if n else [],
        "y": [_r(v, 1) for v in xy[:, 1]] if n else [],
        "size": [_r(v, 2) for v in sizes],
        "metric": [_num(v) for v in m_shown],
        "cat": cat_of,
        "deg": [int(deg_full[i]) for i in shown],
        "label": sorted(labelled),
        "attrs": attr_cols,
    }
    if nt0 is not None:
        nodes["t0"], nodes["t1"] = nt0, nt1
    edges: dict[str, Any] = {
        "source": [int(v) for v in e_src],
        "target": [int(v) for v in e_dst],
        "weight": [_num(v) for v in e_w],
        "width": [_r(v, 2) for v in widths],
        "path": e_path,
    }
    if any("count" in edata[j] for j in sel_edges):
        edges["count"] = [_num(edata[j].get("count")) for j in sel_edges]
    if et0 is not None:
        edges["t0"], edges["t1"] = et0, et1

    meta = {
        "title": title,
        "seed": int(seed),
        "metric": metric_name,
        "color_by": color_by,
        "counts": counts,
        "thinning": thinning,
        "top": top_note,
        "notes": notes,
        "categories": cats,
        "filters": filters,
        "time": time_meta,
        "attrs": attr_keys,
        "path": [int(new_of[p]) for p in path_idx],
        "physics": bool(use_physics),
        "geo": bool(geo),
        "directed": G.is_directed(),
        "font": font,
        "size_range": list(_SIZE_RANGE),
        "fast_draw": bool(n >= _FAST_DRAW_MIN and not use_physics),
        "edge_alpha": 0.45 if len(sel_edges) <= 2000 else 0.25 if len(sel_edges) <= 20000 else 0.15,
    }
    return {
        "format": FORMAT,
        "meta": meta,
        "nodes": nodes,
        "edges": edges,
        "unplaced": {"id": [ids[i] for i in unplaced], "name": [_text(attrs[i].get("name", ids[i]), ids[i]) for i in unplaced]},
        "outlines": outlines,
    }


def _weight(w: Any) -> float:
    try:
        f = float(w)
    except (TypeError, ValueError):
        raise UsageError(f"edge weight must be a number, got {w!r}") from None
    return f if math.isfinite(f) else 1.0


def _desc(v: float) -> float:
    """Sort key: larger first, NaN last."""
    return math.inf if math.isnan(v) else -v


def _metric(
    G: nx.Graph,
    keys: list[Any],
    attrs: list[Mapping[str, Any]],
    size_by: str | None,
    deg: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
) -> tuple[str, np.ndarray]:
    name = "degree" if size_by is None else size_by
    if not isinstance(name, str):
        raise UsageError(f"size_by must be an attribute name, got {size_by!r}")
    has = any(name in a for a in attrs)
    n = len(keys)
    if not has and name == "degree":
        return name, deg.astype(np.float64)
    if not has and name == "strength":
        s = np.zeros(n)
        np.add.at(s, src, weight)
        np.add.at(s, dst, weight)
        return name, s
    if not has:
        raise UsageError(f"size_by={name!r}: no node has this attribute (available: {', '.join(_available(attrs)) or 'none'})")
    out = np.full(n, np.nan)
    for i, a in enumerate(attrs):
        v = a.get(name)
        if v is None:
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            raise UsageError(f"size_by={name!r} must be numeric; node {keys[i]!r} has {v!r}") from None
    out[~np.isfinite(out)] = np.nan
    return name, out


def _available(attrs: Iterable[Mapping[str, Any]]) -> list[str]:
    seen: set[str] = set()
    for a in attrs:
        seen.update(str(k) for k in a)
    return sorted(seen)


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


def _thin(
    cand: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, ids: list[str], budget: int, forced: np.ndarray
) -> tuple[np.ndarray, int]:
    """Keep an edge when it is among the k strongest edges of either end (see module doc)."""
    m = len(cand)
    s, t, w = src[cand], dst[cand], weight[cand]
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    end = np.concatenate([s, t])
    other = np.concatenate([t, s])
    ww = np.concatenate([w, w])
    order = np.lexsort((id_rank[other], -ww, end))
    sorted_end = end[order]
    starts = np.flatnonzero(np.r_[True, sorted_end[1:] != sorted_end[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    ranks = np.empty(2 * m, dtype=np.int64)
    ranks[order] = np.arange(2 * m) - group_start
    best = np.minimum(ranks[:m], ranks[m:])
    cum = np.cumsum(np.bincount(best))
    k = int(np.searchsorted(cum, budget, side="right"))  # cum[k-1] <= budget
    k = max(k, 1)
    keep = best < k
    if len(forced):
        keep |= np.isin(cand, forced)
    return cand[keep], k


def _latlon(a: Mapping[str, Any]) -> tuple[float, float] | None:
    try:
        lat, lon = float(a.get("lat")), float(a.get("lon"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None
    return lat, lon


def _mercator(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = np.clip(lat, -_MERCATOR_MAX_LAT, _MERCATOR_MAX_LAT)
    x = np.radians(lon)
    y = -np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return x, y


def _geo_positions(
    latlon: list[tuple[float, float]],
    ids: list[str],
) -> tuple[np.ndarray, dict[str, Any]]:
    ll = np.asarray(latlon, dtype=np.float64).reshape(-1, 2)
    x, y = _mercator(ll[:, 0], ll[:, 1])
    n = len(x)
    # Pixels per radian: the nodes' extent (at least ~10 degrees) spans about 1600 px,
    # more for big graphs so that nodes do not pile up.
    ext = max(float(np.ptp(x)) if n else 0.0, float(np.ptp(y)) if n else 0.0, math.radians(10))
    target = max(1600.0, 40.0 * math.sqrt(max(n, 1)))
    scale = target / ext
    px, py = x * scale, y * scale
    # Members sharing a location (organisations of one city) are spread on a small spiral.
    groups: dict[tuple[float, float], list[int]] = {}
    for i in range(n):
        groups.setdefault((round(px[i], 1), round(py[i], 1)), []).append(i)
    golden = math.pi * (3 - math.sqrt(5))
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=ids.__getitem__)
        for r, i in enumerate(members):
            rad = 9.0 * math.sqrt(r)
            px[i] += rad * math.cos(r * golden)
            py[i] += rad * math.sin(r * golden)
    xy = np.column_stack([px, py]) if n else np.zeros((0, 2))
    lon0, lon1 = float(ll[:, 1].min()), float(ll[:, 1].max())
    lat0, lat1 = float(ll[:, 0].min()), float(ll[:, 0].max())
    pad_lon = max(10.0, (lon1 - lon0) * 0.5)
    pad_lat = max(8.0, (lat1 - lat0) * 0.5)
    box = (lon0 - pad_lon, lon1 + pad_lon, lat0 - pad_lat, lat1 + pad_lat)
    return xy, _outlines(box, scale)


@lru_cache(maxsize=1)
def _world_arcs() -> tuple[np.ndarray, ...]:
    topo = json.loads(_asset("countries-110m.json"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=np.float64), axis=0)
        out.append(np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty]))  # lon, lat
    return tuple(out)


def _outlines(box: tuple[float, float, float, float], scale: float) -> dict[str, Any]:
    lon0, lon1, lat0, lat1 = box
    arcs = []
    for arc in _world_arcs():
        inside = (arc[:, 0] >= lon0) & (arc[:, 0] <= lon1) & (arc[:, 1] >= lat0) & (arc[:, 1] <= lat1)
        if not inside.any():
            continue
        x, y = _mercator(arc[:, 1], arc[:, 0])
        arcs.append(_flat(x * scale, y * scale))
    grat = []
    step = 10
    lat_lo, lat_hi = max(-80, math.floor(lat0 / step) * step), min(80, math.ceil(lat1 / step) * step)
    lon_lo, lon_hi = max(-180, math.floor(lon0 / step) * step), min(180, math.ceil(lon1 / step) * step)
    for lon in range(int(lon_lo), int(lon_hi) + 1, step):
        lats = np.linspace(lat_lo, lat_hi, 2)
        x, y = _mercator(lats, np.full_like(lats, lon))
        grat.append(_flat(x * scale, y * scale))
    for lat in range(int(lat_lo), int(lat_hi) + 1, step):
        lons = np.linspace(lon_lo, lon_hi, 2)
        x, y = _mercator(np.full_like(lons, lat), lons)
        grat.append(_flat(x * scale, y * scale))
    return {"arcs": arcs, "graticule": grat, "source": "Natural Earth 1:110m via world-atlas 2.0.2"}


def _flat(x: np.ndarray, y: np.ndarray) -> list[float]:
    out: list[float] = []
    for a, b in zip(np.round(x, 1).tolist(), np.round(y, 1).tolist(), strict=False):
        if len(out) >= 2 and out[-2] == a and out[-1] == b:
            continue
        out.extend((a, b))
    return out


_SPACING = 70.0  # pixels per node: a component of c nodes spans about _SPACING * sqrt(c)


def _layout(n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray, seed: int, radius: np.ndarray) -> np.ndarray:
    """Pixel positions: each connected component is laid out on its own with a seeded
    Fruchterman–Reingold (igraph; grid variant above 300 nodes), scaled to about
    ``_SPACING * sqrt(size)`` pixels, and the components are packed in rows, largest first
    (isolated members end up in a compact grid instead of flying off to the edges)."""
    xy = np.zeros((n, 2))
    if n <= 1:
        return xy
    import igraph as ig  # heavy import, only when a layout is needed

    from netlens.analysis._igraph import seeded

    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist() if len(src) else [])
    weights = None
    if len(w):
        med = float(np.median(w[w > 0])) if (w > 0).any() else 1.0
        weights = np.clip(np.sqrt(np.clip(w, 0, None) / med), 0.25, 4.0)
        g.es["w"] = weights.tolist()
    comps = sorted((sorted(c) for c in g.connected_components()), key=lambda c: (-len(c), c[0]))
    boxes: list[tuple[np.ndarray, np.ndarray]] = []  # (member indices, local positions)
    singles: list[int] = []
    with seeded(seed):  # igraph's RNG = random.Random(seed) for the duration
        for comp in comps:
            if len(comp) == 1:
                singles.append(comp[0])
                continue
            members = np.asarray(comp)
            if len(comp) == 2:
                half = max(_SPACING, float(radius[members].sum()) + 10.0) / 2
                local = np.array([[-half, 0.0], [half, 0.0]])
            else:
                sub = g.induced_subgraph(comp, implementation="create_from_scratch")
                sw = sub.es["w"] if weights is not None else None
                lay = sub.layout_fruchterman_reingold(weights=sw, niter=500, grid=len(comp) > 300)
                local = np.asarray(lay.coords, dtype=np.float64)
                local -= local.mean(axis=0)
                ext = float(np.ptp(local, axis=0).max())
                if ext > 0:
                    local *= _SPACING * math.sqrt(len(comp)) / ext
            boxes.append((members, local))
    if singles:
        side = math.ceil(math.sqrt(len(singles)))
        step = max(_SPACING * 0.6, 2.0 * float(radius[singles].max()) + 10.0)
        local = np.array([[(k % side) * step, (k // side) * step] for k in range(len(singles))])
        boxes.append((np.asarray(singles), local - local.mean(axis=0)))
    _pack(boxes, xy, radius)
    xy -= (xy.min(axis=0) + xy.max(axis=0)) / 2
    return xy


def _pack(boxes: list[tuple[np.ndarray, np.ndarray]], xy: np.ndarray, radius: np.ndarray) -> None:
    """Shelf-pack the component boxes (sorted largest first) into rows; a dominant first
    component gets a row of its own."""
    gap = _SPACING
    dims = []
    for members, local in boxes:
        r = radius[members][:, None] if len(radius) else 0.0
        lo = (local - r).min(axis=0)  # boxes include the nodes' discs
        dims.append((lo, (local + r).max(axis=0) - lo))
    area = sum((d[0] + gap) * (d[1] + gap) for _, d in dims)
    row_width = max(math.sqrt(area) * 1.3, max(d[0] for _, d in dims))
    x = y = row_h = 0.0
    for k, ((members, local), (lo, size)) in enumerate(zip(boxes, dims, strict=False)):
        if x > 0 and x + size[0] > row_width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        xy[members] = local - lo + np.array([x, y])
        x += size[0] + gap
        row_h = max(row_h, size[1])
        if k == 0 and size[0] * 2 > row_width:
            x = row_width  # forces the next component onto a new row


def _scale_sizes(m: np.ndarray) -> list[float]:
    lo, hi = _SIZE_RANGE
    if len(m) == 0:
        return []
    finite = m[~np.isnan(m)]
    if len(finite) == 0:
        return [lo] * len(m)
    vmin, vmax = float(finite.min()), float(finite.max())
    if vmax == vmin:
        return [lo if math.isnan(v) else (lo + hi) / 2 for v in m]
    frac = np.sqrt((np.nan_to_num(m, nan=vmin) - vmin) / (vmax - vmin))
    return [float(v) for v in lo + (hi - lo) * frac]


def _span(xy: np.ndarray) -> float:
    if len(xy) < 2:
        return 0.0
    return float(np.ptp(xy, axis=0).max())


def _categories(
    attrs: list[Mapping[str, Any]], color_by: str, G: nx.Graph, metric_name: str, metric: np.ndarray
) -> tuple[list[dict[str, Any]], list[int]]:
    if not isinstance(color_by, str):
        raise UsageError(f"color_by must be an attribute name, got {color_by!r}")
    present = any(color_by in a for a in attrs) or any(color_by in a for _, a in G.nodes(data=True))
    if not present and color_by != "kind":
        hint = " (compute communities first)" if color_by == "community" else ""
        raise UsageError(
            f"color_by={color_by!r}: no node has this attribute{hint} (available: {', '.join(_available(attrs)) or 'none'})"
        )
    raw = [a.get(color_by) for a in attrs]
    values: list[str | None]
    numeric = [
        v
        for v in raw
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and math.isfinite(float(v))
    ]
    distinct = set(numeric)
    categorical = bool(re.search(r"communit|cluster|group|partition|module|block|label|id$", color_by, re.I))
    if not categorical and numeric and len(numeric) == sum(v is not None for v in raw) and len(distinct) > len(_PALETTE):
        return _binned(raw, color_by)
    values = [None if _missing(v) else _text(v, "") for v in raw]
    counts = Counter(v for v in values if v is not None)
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    own = ranked[: len(_PALETTE)]
    slot = {k: i for i, k in enumerate(own)}
    numeric_keys = {_text(v, "") for v in raw if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)}
    cats = [
        {
            "label": f"{color_by} {k}" if k in numeric_keys else k,
            "color": _PALETTE[i],
            "border": _darker(_PALETTE[i]),
            "count": counts[k],
        }
        for i, k in enumerate(own)
    ]
    rest = [k for k in ranked if k not in slot]
    other_i = missing_i = -1
    if rest:
        other_i = len(cats)
        cats.append(
            {
                "label": f"other ({len(rest)} values)",
                "color": _OTHER_COLOR,
                "border": _darker(_OTHER_COLOR),
                "count": sum(counts[k] for k in rest),
            }
        )
    n_missing = sum(v is None for v in values)
    if n_missing:
        missing_i = len(cats)
        cats.append({"label": "(none)", "color": _MISSING_COLOR, "border": "#aaaaaa", "count": n_missing})
    cat_of = [missing_i if v is None else slot.get(v, other_i) for v in values]
    return cats, cat_of


def _binned(raw: list[Any], key: str) -> tuple[list[dict[str, Any]], list[int]]:
    vals = np.array([np.nan if _missing(v) else float(v) for v in raw])
    finite = vals[~np.isnan(vals)]
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, len(_SEQUENTIAL) + 1)))
    nb = max(len(edges) - 1, 1)
    cats = []
    for b in range(nb):
        lo, hi = edges[b], edges[min(b + 1, len(edges) - 1)]
        colour = _SEQUENTIAL[round(b * (len(_SEQUENTIAL) - 1) / max(nb - 1, 1))]
        cats.append({"label": f"{key} {_g(lo)}–{_g(hi)}", "color": colour, "border": _darker(colour), "count": 0})
    cat_of: list[int] = []
    missing_i = -1
    for v in vals:
        if np.isnan(v):
            if missing_i < 0:
                missing_i = len(cats)
                cats.append({"label": "(none)", "color": _MISSING_COLOR, "border": "#aaaaaa", "count": 0})
            cat_of.append(missing_i)
            continue
        b = int(np.clip(np.searchsorted(edges, v, side="right") - 1, 0, nb - 1))
        cat_of.append(b)
    counts = Counter(cat_of)
    for c, k in counts.items():
        cats[c]["count"] = k
    return cats, cat_of


def _g(v: float) -> str:
    return f"{v:.3g}"


def _darker(hex_colour: str, f: float = 0.7) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"#{int(r * f):02x}{int(g * f):02x}{int(b * f):02x}"


def _missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v == ""


def _attr_columns(attrs: list[Mapping[str, Any]]) -> tuple[list[str], dict[str, list[Any]]]:
    skip = {"name"}
    keys = sorted({str(k) for a in attrs for k in a if str(k) not in skip})
    cols: dict[str, list[Any]] = {}
    for key in keys:
        col = [_value(a.get(key)) for a in attrs]
        if any(v is not None for v in col):
            cols[key] = col
    return sorted(cols), cols


def _value(v: Any) -> Any:
    """A JSON-safe, deterministic version of an attribute value."""
    if v is None:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return _num(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if isinstance(v, (set, frozenset)):
        return sorted(str(x) for x in v)
    if isinstance(v, (list, tuple)):
        return [str(x) for x in v]
    return str(v)


def _filters(keys: list[str], cols: Mapping[str, list[Any]]) -> list[dict[str, Any]]:
    out = []
    used_labels = set()
    for key in _FILTER_KEYS:
        if key not in cols:
            continue
        counts: Counter[str] = Counter()
        is_list = False
        for v in cols[key]:
            if isinstance(v, list):
                counts.update(set(v))
                is_list = True
            elif v is not None:
                counts[str(v)] += 1
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


def _year(v: Any) -> int | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.year
    if isinstance(v, (int, np.integer)):
        return int(v) if 1000 <= v <= 9999 else None
    if isinstance(v, (float, np.floating)):
        return int(v) if math.isfinite(v) and 1000 <= v <= 9999 else None
    if isinstance(v, str):
        m = re.match(r"^\s*(\d{4})(?:\D|$)", v)
        return int(m.group(1)) if m else None
    return None


def _times(items: list[Mapping[str, Any]]) -> tuple[list[int | None] | None, list[int | None] | None]:
    t0: list[int | None] = []
    t1: list[int | None] = []
    found = False
    for a in items:
        lo = hi = None
        for k0, k1 in _TIME_PAIRS:
            if k0 in a or k1 in a:
                lo, hi = _year(a.get(k0)), _year(a.get(k1))
                if lo is not None or hi is not None:
                    break
        ys = a.get("years")
        if lo is None and hi is None and isinstance(ys, (list, tuple, set)):
            yy = [y for y in (_year(v) for v in ys) if y is not None]
            if yy:
                lo, hi = min(yy), max(yy)
        if lo is None and hi is not None:
            lo = hi
        if hi is None and lo is not None:
            hi = lo
        found = found or lo is not None
        t0.append(lo)
        t1.append(hi)
    return (t0, t1) if found else (None, None)


def _notes(
    c: Mapping[str, int],
    thinning: Mapping[str, int] | None,
    top: Mapping[str, int] | None,
    metric: str,
    geo: bool,
    label_top: int,
    n: int,
) -> list[str]:
    notes = []
    if top:
        notes.append(f"Showing the top {top['n']:,} of {top['of']:,} members by {metric} and the ties among them.")
    if thinning:
        k = thinning["k"]
        notes.append(
            f"{c['edges_hidden']:,} of {c['edges_candidate']:,} ties are hidden to keep the map usable: "
            f"a tie is drawn when it is among the {k} strongest ties of either member "
            f"({c['edges_shown']:,} drawn)."
        )
    if geo and c["nodes_unplaced"]:
        notes.append(f"{c['nodes_unplaced']:,} members without coordinates are listed below, not drawn.")
    if n > label_top:
        notes.append(f"Names are drawn for the {label_top:,} largest members by {metric}; hover, click or search for the others.")
    if c["self_loops"]:
        notes.append(f"{c['self_loops']:,} self-loops are not drawn.")
    return notes


def _text(v: Any, default: str) -> str:
    if _missing(v):
        return default
    return str(v)


def _num(v: Any) -> float | int | None:
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    return float(f"{f:.6g}")


def _r(v: float, nd: int) -> float:
    return round(float(v), nd) + 0.0  # +0.0 turns -0.0 into 0.0


# ----------------------------------------------------------------------------------------------
# HTML


@cache
def _asset(name: str) -> str:
    return resources.files("netlens").joinpath("assets", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _vis_js() -> str:
    js = _asset("vis-network.min.js")
    # The source map is not shipped; drop the pointer so no tool ever tries to fetch it.
    js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", js)
    return _script_safe(js)


def _script_safe(js: str) -> str:
    if re.search(r"</script|<!--", js, flags=re.I):  # invariant of the files in netlens/assets
        raise RuntimeError("an inline script contains </script or <!--")
    return js


def _json_block(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # Inside <script> the HTML parser only looks for "</script" and "<!--"; escaping every
    # <, > and & keeps the block inert and still valid JSON.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp(*scripts: str) -> str:
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'" for s in scripts)
    # No network at all; only the inline scripts of this page may run (no inline event handlers).
    return (
        "default-src 'none'; script-src " + hashes + "; style-src 'unsafe-inline'; "
        "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _to_html(data: Mapping[str, Any], title: str) -> str:
    vis_js = _vis_js()
    app_js = _script_safe(_asset("map.js"))
    parts = {
        "TITLE": html.escape(title, quote=True),
        "CSS": _asset("map.css"),
        "DATA": _json_block(data),
        "VIS_JS": vis_js,
        "APP_JS": app_js,
        "CSP": html.escape(_csp(vis_js, app_js), quote=True),
    }
    # One pass, so text inside the data can never be taken for a placeholder.
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: parts[m.group(1)], _asset("map.html"))
