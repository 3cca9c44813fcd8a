"""Stage 5, assemble: the JSON data block and the HTML page.

* :func:`map_data` takes the outputs of the stages (:class:`~.select.Indexed`,
  :class:`~.select.Selection`, :class:`~.thin.Drawn`, :class:`~.place.Placement`,
  :class:`~.style.Style`, :class:`~.select.Facets`) and the page :class:`Settings` and returns the
  JSON document (``format`` :data:`FORMAT`) that ``assets/map.js`` reads, with :class:`Counts`
  and the notes shown on the page.
* :func:`to_html` takes that document and the title and returns the page: ``assets/map.html``
  with the CSS, the document (``<script type="application/json" id="netlens-data">``, escaped so
  that it stays inert), vis-network and the viewer script inlined, and a Content-Security-Policy
  that allows no network access and only these two scripts (by hash).
* :func:`read_map_data` parses the document back out of a page.

Fields added for issue 13 (format stays ``netlens-map/1``: nothing was renamed or removed, so the
vis-network viewer reads the same block; ``neighbours`` changed its encoding when it began to carry
every tie, and only the WebGL viewer inlined in the same page reads it; ``n`` drawn nodes, ``m``
drawn ties):

* ``neighbours`` — every tie of the input graph with a drawn end, drawn or thinned away:
  ``encoding`` (``"delta-varint-base64/1"``), ``ties``, ``count``, ``partner``, ``weight``,
  ``weights`` and ``extra`` = ``{"id": [...], "name": [...]}`` (partners that are not drawn);
  :mod:`.extras` documents the encoding and :func:`.extras.decode_neighbours` reads it.
* ``meta.isolates`` = ``{"count", "nodes", "hidden"}``: drawn numbers of the members without a drawn
  tie (network mode; their positions are a compact grid after the other components) and whether a
  viewer should hide them until asked ("N isolated members — show").
* ``meta.path_hops`` — one object per hop of ``highlight_path`` when the graph carries the route's
  details (``G.graph["path_hops"]``, set by :func:`netlens.pipeline.map_graph`): ``from``, ``to``
  (drawn numbers, -1 if not drawn), ``edge`` (index into ``edges``, -1 if none), ``from_name``,
  ``to_name``, ``activity``, ``activity_id``, ``channel``, ``label``, ``year``, ``start``, ``end``,
  ``when`` (ISO dates or null), ``strength``, ``others``; ``[]`` otherwise.
* ``meta.path_color`` — the path highlight colour (the legend palette keeps ΔE00 ≥ 12 from it).
* ``meta.curved_edges`` and, when true (geo mode), ``edges.cx`` / ``edges.cy``: a quadratic Bézier
  control point per tie (pixels), to draw ties curved.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import json
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from netlens.errors import UsageError

from . import colour, extras
from .formats import num, rounded, text
from .place import Placement
from .select import Facets, Indexed, Selection
from .style import SIZE_RANGE, Style
from .thin import Drawn, Thinning

FORMAT = "netlens-map/1"
DATA_ID = "netlens-data"


@dataclasses.dataclass(frozen=True)
class Counts:
    """Node and tie counts of a map (``edges_total``: ties of the input graph, self-loops excluded)."""

    nodes_total: int
    nodes_shown: int
    nodes_unplaced: int
    edges_total: int
    edges_candidate: int  # ties among the drawn nodes, before the edge budget
    edges_shown: int
    edges_hidden: int  # left out by the edge budget
    self_loops: int


@dataclasses.dataclass(frozen=True)
class Settings:
    """Page-wide settings that are not computed by a stage."""

    title: str
    seed: int
    color_by: str
    label_top: int
    geo: bool
    physics: bool  # the browser runs the physics simulation
    fast_draw: bool  # the viewer batch-draws nodes and edges itself


def count(ix: Indexed, sel: Selection, drawn: Drawn) -> Counts:
    shown = len(drawn.edges)
    return Counts(
        nodes_total=ix.n_nodes,
        nodes_shown=drawn.n,
        nodes_unplaced=len(sel.unplaced),
        edges_total=ix.n_edges,
        edges_candidate=drawn.candidates,
        edges_shown=shown,
        edges_hidden=drawn.candidates - shown,
        self_loops=ix.self_loops,
    )


def map_data(
    ix: Indexed,
    sel: Selection,
    drawn: Drawn,
    placement: Placement,
    look: Style,
    facets: Facets,
    counts: Counts,
    settings: Settings,
    hops: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The JSON document of one map."""
    meta = _meta(ix, sel, drawn, look, facets, counts, settings)
    meta["path_hops"] = hops or []
    meta["path_color"] = colour.PATH_COLOR
    meta["isolates"] = {
        "count": len(placement.isolated),
        "nodes": placement.isolated,
        "hidden": bool(placement.isolated) and not settings.geo and len(placement.isolated) < drawn.n,
    }
    if placement.isolated and not settings.geo:
        meta["notes"].append(
            f"{len(placement.isolated):,} members have no tie on this map (isolated): a grid after the other components."
        )
    edges = _edges(drawn, look, facets)
    if placement.curves is not None:
        edges["cx"], edges["cy"] = ([rounded(v, 1) for v in col] for col in placement.curves.T)
    meta["curved_edges"] = placement.curves is not None
    return {
        "format": FORMAT,
        "meta": meta,
        "nodes": _nodes(ix, drawn, placement, look, facets),
        "edges": edges,
        "neighbours": extras.neighbours(ix, drawn),
        "unplaced": {
            "id": [ix.ids[i] for i in sel.unplaced],
            "name": [text(ix.attrs[i].get("name", ix.ids[i]), ix.ids[i]) for i in sel.unplaced],
        },
        "outlines": placement.outlines,
    }


def _nodes(ix: Indexed, drawn: Drawn, placement: Placement, look: Style, facets: Facets) -> dict[str, Any]:
    xy = placement.xy
    nodes: dict[str, Any] = {
        "id": list(drawn.ids),
        "name": [text(a.get("name", i), i) for i, a in zip(drawn.ids, drawn.attrs)],
        "x": [rounded(v, 1) for v in xy[:, 0]] if drawn.n else [],
        "y": [rounded(v, 1) for v in xy[:, 1]] if drawn.n else [],
        "size": [rounded(v, 2) for v in look.sizes],
        "metric": [num(v) for v in drawn.metric],
        "cat": look.cat_of,
        "deg": [int(ix.degree[i]) for i in drawn.shown],
        "label": look.labelled,
        "attrs": facets.attr_cols,
    }
    if facets.node_t0 is not None:
        nodes["t0"], nodes["t1"] = facets.node_t0, facets.node_t1
    return nodes


def _edges(drawn: Drawn, look: Style, facets: Facets) -> dict[str, Any]:
    edges: dict[str, Any] = {
        "source": [int(v) for v in drawn.src],
        "target": [int(v) for v in drawn.dst],
        "weight": [num(v) for v in drawn.weight],
        "width": [rounded(v, 2) for v in look.widths],
        "path": drawn.path_edges,
    }
    if any("count" in d for d in drawn.edata):
        edges["count"] = [num(d.get("count")) for d in drawn.edata]
    if facets.edge_t0 is not None:
        edges["t0"], edges["t1"] = facets.edge_t0, facets.edge_t1
    return edges


def _meta(
    ix: Indexed, sel: Selection, drawn: Drawn, look: Style, facets: Facets, counts: Counts, settings: Settings
) -> dict[str, Any]:
    return {
        "title": settings.title,
        "seed": settings.seed,
        "metric": sel.metric_name,
        "color_by": settings.color_by,
        "counts": dataclasses.asdict(counts),
        "thinning": dataclasses.asdict(drawn.thinning) if drawn.thinning else None,
        "top": dataclasses.asdict(sel.top) if sel.top else None,
        "notes": _notes(counts, drawn.thinning, sel, settings),
        "categories": [dataclasses.asdict(c) for c in look.categories],
        "filters": facets.filters,
        "time": facets.time,
        "attrs": facets.attr_keys,
        "path": drawn.path,
        "physics": settings.physics,
        "geo": settings.geo,
        "directed": ix.directed,
        "font": look.font,
        "size_range": list(SIZE_RANGE),
        "fast_draw": settings.fast_draw,
        "edge_alpha": look.edge_alpha,
    }


def _notes(c: Counts, thinning: Thinning | None, sel: Selection, settings: Settings) -> list[str]:
    notes = []
    metric, label_top = sel.metric_name, settings.label_top
    if sel.top:
        notes.append(f"Showing the top {sel.top.n:,} of {sel.top.of:,} members by {metric} and the ties among them.")
    if thinning:
        notes.append(
            f"{c.edges_hidden:,} of {c.edges_candidate:,} ties are hidden to keep the map usable: "
            f"a tie is drawn when it is among the {thinning.k} strongest ties of either member "
            f"({c.edges_shown:,} drawn)."
        )
    if settings.geo and c.nodes_unplaced:
        who = "member without coordinates is" if c.nodes_unplaced == 1 else "members without coordinates are"
        notes.append(f"{c.nodes_unplaced:,} {who} listed below, not drawn.")
    if c.nodes_shown > label_top:
        notes.append(f"Names are drawn for the {label_top:,} largest members by {metric}; hover, click or search for the others.")
    if c.self_loops:
        notes.append(f"{c.self_loops:,} self-loops are not drawn.")
    return notes


# ----------------------------------------------------------------------------------------------
# HTML


def read_map_data(page: str) -> dict[str, Any]:
    """Parse the embedded JSON block back out of a page made by :func:`render_map`.

    Raises :class:`~netlens.errors.UsageError` when the page has no such block.
    """
    m = re.search(r'<script type="application/json" id="' + DATA_ID + r'">(.*?)</script>', page, flags=re.S)
    if not m:
        raise UsageError("not a netlens map: no netlens-data block")
    return json.loads(m.group(1))  # type: ignore[no-any-return]


#: renderer -> (page template, stylesheet, app script, library): vis-network (canvas) or sigma.js + graphology (WebGL)
_RENDERERS = {
    "vis": ("map.html", "map.css", "map.js", "vis-network.min.js"),
    "webgl": ("map-webgl.html", "map-webgl.css", "map-webgl.js", "sigma-graphology.min.js"),
}


def to_html(data: Mapping[str, Any], title: str, renderer: str = "webgl") -> str:
    """The page: the renderer's template (``assets/map.html`` or ``assets/map-webgl.html``) with its placeholders
    filled (see the module doc). Both renderers read the same data block and keep the same CSP."""
    if renderer not in _RENDERERS:
        raise UsageError(f"unknown renderer {renderer!r}; expected one of {', '.join(_RENDERERS)}")
    template, css, app, library = _RENDERERS[renderer]
    vis_js = _library_js(library)
    app_js = _script_safe(_asset(app))
    parts = {
        "TITLE": html.escape(title, quote=True),
        "CSS": _asset(css),
        "DATA": _json_block(data),
        "VIS_JS": vis_js,
        "APP_JS": app_js,
        "CSP": html.escape(_csp(vis_js, app_js), quote=True),
    }
    # One pass, so text inside the data can never be taken for a placeholder.
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: parts[m.group(1)], _asset(template))


@cache
def _asset(name: str) -> str:
    return resources.files("netlens").joinpath("assets", name).read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _library_js(name: str) -> str:
    js = _asset(name)
    # The source map is not shipped; drop the pointer so no tool ever tries to fetch it.
    js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", js)
    return _script_safe(js)


def _script_safe(js: str) -> str:
    if re.search(r"</script|<!--", js, flags=re.I):  # invariant of the files in netlens/assets
        raise RuntimeError("an inline script contains </script or <!--")
    return js


def _json_block(data: Any) -> str:
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # Inside <script> the HTML parser only looks for "</script" and "<!--"; escaping every
    # <, > and & keeps the block inert and still valid JSON.
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp(*scripts: str) -> str:
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'" for s in scripts)
    # No network at all; only the inline scripts of this page may run (no inline event handlers).
    return (
        "default-src 'none'; script-src " + hashes + "; style-src 'unsafe-inline'; "
        "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
