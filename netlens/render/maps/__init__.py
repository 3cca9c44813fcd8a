"""Interactive, self-contained HTML maps of cooperation networks.

:func:`render_map` turns a projection graph (see ``CONVENTIONS.md``) into one HTML file that
opens from disk with zero network requests: vis-network 9.1.2 (vendored from the pyvis 0.3.2
wheel into ``netlens/assets``) and the viewer script are inlined, the graph travels as one JSON
block (``<script type="application/json" id="netlens-data">``) that :func:`read_map_data`
parses back.

Why not pyvis' own ``Network.write_html``: its template links Bootstrap from a CDN even with
``cdn_resources='in_line'``, writes the data as JavaScript literals instead of a parseable
JSON block, has no legend, filters, neighbour panel or geographic mode, and its
``add_node``/``from_nx`` helpers are quadratic and mutate the input.  This package therefore does
not import pyvis at all; pyvis is only where the vendored vis-network file came from
(``netlens/assets/README.md`` records the version and checksum).

Rules applied to large graphs (all deterministic):

* **Physics** runs in the browser only up to :data:`PHYSICS_MAX_NODES` drawn nodes (and never in
  geo mode); positions are always precomputed in Python (:mod:`.place`): ForceAtlas2 with tie
  weights (:mod:`.force`) per large connected component, seeded; a giant component fills at least
  60 % of the initial view's width and height, the other components and a grid of the isolated
  members packed in a band beside it (the isolated members are listed in ``meta.isolates`` so a
  viewer can hide them).
* **Geo**: Natural Earth 1:50m outlines split at the antimeridian; the default edge budget is
  :data:`GEO_MAX_EDGES`, ties are translucent and carry Bézier control points (``edges.cx/cy``).
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

The package is a pipeline; each stage is a module whose functions take the previous stages'
frozen dataclasses and return their own:

1. :mod:`.select` — the graph in canonical order (:class:`~.select.Indexed`), the size metric,
   path, ``top`` and geo filtering (:class:`~.select.Selection`), and the attribute columns,
   filters and years of what is drawn (:class:`~.select.Facets`);
2. :mod:`.thin` — the edge budget and the drawn subgraph (:class:`~.thin.Drawn`);
3. :mod:`.place` — positions and geo outlines (:class:`~.place.Placement`);
4. :mod:`.style` — sizes, labels, colour categories, widths (:class:`~.style.Style`);
5. :mod:`.assemble` — the JSON document and the HTML page.

This module checks the options and runs the stages in that order (:func:`_build`); the size
radii come from :mod:`.style` before placement, since the layout leaves room for every disc.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np

from netlens import files
from netlens.errors import NotFoundError, UsageError

from . import assemble, extras, place, select, style, thin
from .assemble import FORMAT, read_map_data
from .formats import is_int, rounded

__all__ = [
    "DEFAULT_MAX_EDGES",
    "GEO_MAX_EDGES",
    "FORMAT",
    "PHYSICS_MAX_NODES",
    "MapStats",
    "render_map",
    "write_map",
    "read_map_data",
    "layout",
]

#: Above this many drawn nodes the browser gets no physics simulation (precomputed layout only).
PHYSICS_MAX_NODES = 300  # from here on the ForceAtlas2 layout (see .place) is shown as computed
#: From this many drawn nodes on (physics off) the viewer batch-draws nodes and edges itself (see map.js).
_FAST_DRAW_MIN = 2500
#: Default edge budget for the browser; see the module docstring for the thinning rule.
DEFAULT_MAX_EDGES = 60_000
#: The default budget in geo mode (ties are drawn curved and translucent over the outlines).
GEO_MAX_EDGES = 1500

_OPTIONS = frozenset({"size_by", "color_by", "highlight_path", "geo", "top", "label_top", "seed", "physics", "max_edges"})


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
    renderer: str = "webgl",
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
        ``"kind"`` (default), ``"community"``, ``"country"`` or any node attribute.  Up to 12
        categories get their own colour (colour-blind-safe, most frequent first), the rest share
        "other"; numeric attributes with more than 12 distinct values are binned into 6 quantile classes.
    highlight_path : sequence of node ids, optional
        Consecutive nodes must be adjacent in ``G``; the path's edges are drawn red and kept
        through ``top`` and edge thinning.  When ``G.graph["path_hops"]`` holds one dict per hop
        (the fields of :class:`netlens.analysis.paths.Hop`, as :func:`netlens.pipeline.map_graph`
        leaves them), each hop's activity, dates and strength go into ``meta.path_hops``.
    geo : bool
        Place nodes at their ``lat``/``lon`` (Web-Mercator, fixed positions, no tiles; country
        outlines from Natural Earth 1:50m are drawn).  Nodes without coordinates are listed
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
        Edge budget for the browser (default :data:`DEFAULT_MAX_EDGES`, with ``geo=True``
        :data:`GEO_MAX_EDGES`; ``None``: no limit).  See the module docstring for the thinning rule.
    renderer : {"webgl", "vis"}
        ``webgl`` (the default): sigma.js + graphology on WebGL, smooth at CORDIS scale (labels without collisions,
        focus mode with the thinned ties, routes picked in the page, ranked search, year slider, PNG export;
        ``assets/README.md``); ``vis``: vis-network on a 2D canvas, for browsers without WebGL (no focus mode,
        level-of-detail labels or route picking).

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
    # long: only because of the docstring above, the one place where every option is documented
    built = _build(
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
    return assemble.to_html(built.data, title, renderer)


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
    renderer = kw.pop("renderer", "webgl")
    built = _build(G, title=title, **_only_known(kw))
    raw = assemble.to_html(built.data, title, renderer).encode("utf-8")
    files.write_bytes(target, raw)  # temporary + fsync + rename: a failed write keeps the previous map
    c = built.counts
    return MapStats(
        path=target,
        bytes=len(raw),
        nodes_total=c.nodes_total,
        nodes_shown=c.nodes_shown,
        nodes_unplaced=c.nodes_unplaced,
        edges_total=c.edges_total,
        edges_shown=c.edges_shown,
        edges_hidden=c.edges_hidden,
        physics=built.physics,
        thinning_k=built.thinning_k,
    )


# ----------------------------------------------------------------------------------------------
# the pipeline


@dataclasses.dataclass(frozen=True)
class _Built:
    data: dict[str, Any]  # the JSON document (see assemble.map_data)
    counts: assemble.Counts
    physics: bool
    thinning_k: int | None


def _build(
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
) -> _Built:
    """Check the options and run select → thin → place → style → assemble."""
    _check_options(G, top, label_top, seed, physics, max_edges)
    if not isinstance(title, str):
        raise UsageError("title must be text")
    ix, sel, drawn, sizes, placement = _placed(G, size_by, highlight_path, geo, top, seed, max_edges)
    use_physics = physics if physics is not None else (not geo and drawn.n <= PHYSICS_MAX_NODES)
    if geo:
        use_physics = False
    look = style.looks(drawn, ix.attrs, sizes, placement.xy, color_by=color_by, label_top=label_top, geo=geo)
    counts = assemble.count(ix, sel, drawn)
    settings = assemble.Settings(
        title=title,
        seed=int(seed),
        color_by=color_by,
        label_top=label_top,
        geo=bool(geo),
        physics=bool(use_physics),
        fast_draw=bool(drawn.n >= _FAST_DRAW_MIN and not use_physics),
    )
    hops = extras.path_hops(G.graph, drawn)
    data = assemble.map_data(ix, sel, drawn, placement, look, select.facets(drawn.attrs, drawn.edata), counts, settings, hops)
    return _Built(data=data, counts=counts, physics=settings.physics, thinning_k=drawn.thinning.k if drawn.thinning else None)


def _placed(
    G: nx.Graph,
    size_by: str | None,
    highlight_path: Sequence[Any] | None,
    geo: bool,
    top: int | None,
    seed: int,
    max_edges: int | None,
) -> tuple[select.Indexed, select.Selection, thin.Drawn, list[float], place.Placement]:
    """select → thin → place: the drawn subgraph, its node sizes and its positions."""
    ix = select.canonical(G)
    sel = select.choose(ix, G, size_by=size_by, highlight_path=highlight_path, top=top, geo=geo)
    if geo and max_edges == DEFAULT_MAX_EDGES:
        max_edges = GEO_MAX_EDGES  # so that the map under the ties stays visible
    drawn = thin.apply_budget(ix, sel, max_edges)
    sizes = style.node_sizes(drawn.metric)
    placement = place.positions(drawn, sel.latlon, geo=geo, seed=seed, radius=np.asarray(sizes, dtype=np.float64))
    return ix, sel, drawn, sizes, placement


def layout(
    G: nx.Graph,
    *,
    size_by: str | None = None,
    highlight_path: Sequence[Any] | None = None,
    geo: bool = False,
    top: int | None = None,
    seed: int = 0,
    max_edges: int | None = DEFAULT_MAX_EDGES,
) -> dict[Any, tuple[float, float]]:
    """The positions :func:`write_map` gives the members it draws with the same options: node key -> ``(x, y)``
    in map pixels (``y`` grows downwards), rounded as the map's data block holds them. Members the map leaves out
    (``top``, geo mode without coordinates) have none. A map of at most :data:`PHYSICS_MAX_NODES` members starts
    from these positions and then lets physics settle them in the browser; larger maps show them as they are.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.path_graph(["a", "b", "c"])
    >>> pos = layout(G, seed=1)
    >>> sorted(pos) == ["a", "b", "c"] and pos == layout(G, seed=1)
    True
    """
    _check_options(G, top, 0, seed, None, max_edges)
    ix, _, drawn, _, placement = _placed(G, size_by, highlight_path, geo, top, seed, max_edges)
    xy = placement.xy
    return {ix.keys[int(k)]: (rounded(xy[i, 0], 1), rounded(xy[i, 1], 1)) for i, k in enumerate(drawn.shown)}


def _only_known(kw: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(kw) - _OPTIONS)
    if unknown:
        raise UsageError(f"unknown map option(s): {', '.join(unknown)}")
    return dict(kw)


def _check_options(G: Any, top: Any, label_top: Any, seed: Any, physics: Any, max_edges: Any) -> None:
    if not isinstance(G, nx.Graph):
        raise UsageError(f"expected a networkx graph, got {type(G).__name__}")
    for name, value, low in (("top", top, 1), ("max_edges", max_edges, 1)):
        if value is not None and (not is_int(value) or value < low):
            raise UsageError(f"{name} must be a whole number >= {low} or None, got {value!r}")
    if not is_int(label_top) or label_top < 0:
        raise UsageError(f"label_top must be a whole number >= 0, got {label_top!r}")
    if not is_int(seed):
        raise UsageError(f"seed must be a whole number, got {seed!r}")
    if physics is not None and not isinstance(physics, bool):
        raise UsageError(f"physics must be True, False or None, got {physics!r}")
