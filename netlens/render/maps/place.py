"""Stage 3, place: pixel positions of the drawn nodes.

:func:`positions` takes the :class:`~.thin.Drawn` subgraph, the node radii (from
:func:`.style.node_sizes`, so that the layout leaves room for every disc), the seed and, in geo
mode, the nodes' coordinates; it returns a :class:`Placement`.

* Network mode: each connected component on its own (seeded), ForceAtlas2 with tie weights
  (:mod:`.force`) from 300 nodes on, igraph's weighted Fruchterman–Reingold below, scaled to about
  ``_SPACING * sqrt(size)`` pixels.  When one component holds at least half of the nodes that have
  a tie (a *giant*), it goes first and the other components, then the isolated members in a compact
  grid, are shelf-packed in a band beside it (right, or below a wide giant), the giant enlarged
  until it spans :data:`GIANT_SHARE` of the whole box across the band (so of the initial fitted view;
  a giant of :data:`_FA2_MIN` members or more is measured by its central 90 %, and its far tail is
  pulled in, :func:`_tuck`).  Otherwise the components and the grid are shelf-packed in rows, largest first.
  The isolated members are listed (:attr:`Placement.isolated`) so that a viewer can hide them.
* Geo mode (:mod:`.geo`): Web-Mercator positions (members sharing a location spread on a small
  spiral), the Natural Earth 1:50m country outlines (split at the antimeridian) and a 10°
  graticule around them, and a Bézier control point per tie so that ties can be drawn curved.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from . import force
from . import geo as geo_mode
from .thin import Drawn

_SPACING = 70.0  # pixels per node: a component of c nodes spans about _SPACING * sqrt(c)
_FA2_MIN = 300  # components of at least this many nodes are laid out by ForceAtlas2
#: With a giant component (at least half of the nodes that have a tie), it spans at least this share of
#: the width and of the height of the map's bounding box (the initial view).
GIANT_SHARE = 0.6
#: ForceAtlas2 layouts keep the distances of this share of their members; the rest are pulled in (:func:`_tuck`).
TUCK_CORE = 0.9


@dataclasses.dataclass(frozen=True)
class Placement:
    """Positions of the drawn nodes (``xy``: n × 2 pixels), the isolated ones (no drawn tie; network
    mode only, else empty) and, in geo mode, the outlines."""

    xy: np.ndarray
    outlines: dict[str, Any] | None  # {"arcs", "graticule", "source"}; flat x, y pixel lists
    isolated: list[int] = dataclasses.field(default_factory=list)
    curves: np.ndarray | None = None  # geo mode: a quadratic Bézier control point per drawn tie (m × 2 px)


def positions(drawn: Drawn, latlon: dict[int, tuple[float, float]], *, geo: bool, seed: int, radius: np.ndarray) -> Placement:
    """Geo positions when ``geo`` (``latlon`` is keyed by Indexed position), otherwise the seeded layout."""
    if geo:
        xy, outlines = geo_mode.positions([latlon[int(i)] for i in drawn.shown], drawn.ids)
        return Placement(xy=xy, outlines=outlines, curves=geo_mode.curves(xy, drawn.src, drawn.dst))
    xy, isolated = _layout(drawn.n, drawn.src, drawn.dst, drawn.weight, seed, radius)
    return Placement(xy=xy, outlines=None, isolated=isolated)


def span(xy: np.ndarray) -> float:
    """The larger side of the positions' bounding box (0 for fewer than two nodes)."""
    if len(xy) < 2:
        return 0.0
    return float(np.ptp(xy, axis=0).max())


# ----------------------------------------------------------------------------------------------
# network layout


def _layout(
    n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray, seed: int, radius: np.ndarray
) -> tuple[np.ndarray, list[int]]:
    """Pixel positions (see the module doc) and the isolated nodes (ascending)."""
    xy = np.zeros((n, 2))
    if n <= 1:
        return xy, list(range(n))
    import igraph as ig  # heavy import, only when a layout is needed

    from netlens.analysis._igraph import seeded

    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist() if len(src) else [])
    g.es["w"] = force.normalised(w).tolist() if len(w) else []
    comps = sorted((sorted(c) for c in g.connected_components()), key=lambda c: (-len(c), c[0]))
    boxes: list[tuple[np.ndarray, np.ndarray]] = []  # (member indices, local positions)
    singles = [c[0] for c in comps if len(c) == 1]
    with seeded(seed):  # igraph's RNG = random.Random(seed) for the duration
        for comp in comps:
            if len(comp) > 1:
                boxes.append((np.asarray(comp), _component(g, comp, seed, radius)))
    iso = (np.asarray(singles), _grid(len(singles), float(radius[singles].max()))) if singles else None
    linked = sum(len(m) for m, _ in boxes)
    if boxes and len(boxes[0][0]) * 2 >= linked and len(boxes) + bool(iso) > 1:
        _giant_first(boxes, iso, xy, radius)
    else:
        _pack(boxes + ([iso] if iso else []), xy, radius)
    xy -= (xy.min(axis=0) + xy.max(axis=0)) / 2
    return xy, singles


def _component(g: Any, comp: list[int], seed: int, radius: np.ndarray) -> np.ndarray:
    """Local positions (centred) of one connected component of at least two nodes: ForceAtlas2
    (:mod:`.force`) from :data:`_FA2_MIN` nodes on, igraph's weighted Fruchterman–Reingold below."""
    if len(comp) == 2:
        half = max(_SPACING, float(radius[np.asarray(comp)].sum()) + 10.0) / 2
        return np.array([[-half, 0.0], [half, 0.0]])
    sub = g.induced_subgraph(comp, implementation="create_from_scratch")
    if len(comp) >= _FA2_MIN:
        ends = np.asarray(sub.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        its = 300 if len(comp) <= 5000 else 200
        local = _tuck(force.forceatlas2(len(comp), ends[:, 0], ends[:, 1], np.asarray(sub.es["w"]), seed + len(comp), its))
    else:
        fr_w = np.clip(np.sqrt(np.asarray(sub.es["w"])), 0.25, 4.0).tolist()  # as before issue 13
        lay = sub.layout_fruchterman_reingold(weights=fr_w, niter=500)
        local = np.asarray(lay.coords, dtype=np.float64)
    local -= local.mean(axis=0)
    ext = float(np.ptp(local, axis=0).max())
    if ext > 0:
        local *= _SPACING * math.sqrt(len(comp)) / ext
    return local


def _tuck(local: np.ndarray, core: float = TUCK_CORE) -> np.ndarray:
    """Pull the far tail of a ForceAtlas2 layout towards it, so that the fitted view is not bound by a few outliers.

    Distances from the median beyond the ``core`` quantile r₀ become r₀·(1 + ½·ln(r/r₀)): order and direction
    are kept, and a member twice as far as r₀ lands at 1.35 r₀.  On the CORDIS organisation map the giant's
    central 90 % had spanned only ~45 % of the fitted width.
    """
    centre = np.median(local, axis=0)
    d = local - centre
    r = np.hypot(d[:, 0], d[:, 1])
    r0 = float(np.quantile(r, core)) if len(r) else 0.0
    if r0 <= 0:
        return local
    far = r > r0
    factor = np.ones_like(r)
    factor[far] = r0 * (1.0 + 0.5 * np.log(r[far] / r0)) / r[far]
    return centre + d * factor[:, None]  # type: ignore[no-any-return]


def _grid(count: int, max_radius: float) -> np.ndarray:
    """Local positions (centred) of ``count`` isolated nodes in a square grid."""
    side = math.ceil(math.sqrt(count))
    step = 2.0 * max_radius + 8.0
    k = np.arange(count)
    local = np.column_stack([(k % side) * step, (k // side) * step]).astype(np.float64)
    return local - local.mean(axis=0)  # type: ignore[no-any-return]


def _dims(members: np.ndarray, local: np.ndarray, radius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower corner and size of a box, discs included."""
    r = radius[members][:, None] if len(radius) else 0.0
    lo = (local - r).min(axis=0)
    return lo, (local + r).max(axis=0) - lo


def _giant_first(
    boxes: list[tuple[np.ndarray, np.ndarray]], iso: tuple[np.ndarray, np.ndarray] | None, xy: np.ndarray, radius: np.ndarray
) -> None:
    """The giant component at the origin; the other components, then the isolates' grid, shelf-packed in a
    band beside it (right, or below a wide giant) no longer than the giant's side; the giant is
    enlarged until the central 90 % of its members span :data:`GIANT_SHARE` of the whole box across the band."""
    members, local = boxes[0]
    rest = boxes[1:] + ([iso] if iso else [])
    dims = [_dims(m, loc, radius) for m, loc in rest]
    lo, size = _dims(members, local, radius)
    right = bool(size[0] <= 1.3 * size[1])
    a = 0 if right else 1  # the giant's side across the band
    # a large giant (ForceAtlas2) is measured by its central 90 %, what the eye sees of it; a small one by its box
    core = float(np.ptp(np.quantile(local[:, a], [0.05, 0.95]))) if len(members) >= _FA2_MIN else float(size[a])
    grow = 1.0
    for _ in range(60):
        corners, across = _shelf([d[1] for d in dims], float(size[1 - a]) * grow, vertical=right)
        share = core * grow / (float(size[a]) * grow + _SPACING + across)
        if share >= GIANT_SHARE + 0.02:
            break
        grow *= 1.1
    local = local * grow
    lo, size = _dims(members, local, radius)
    xy[members] = local - lo
    offset = np.array([size[0] + _SPACING, 0.0]) if right else np.array([0.0, size[1] + _SPACING])
    for (m, loc), (lo_k, _), corner in zip(rest, dims, corners, strict=True):
        xy[m] = loc - lo_k + corner + offset


def _shelf(sizes: list[np.ndarray], along: float, *, vertical: bool) -> tuple[list[np.ndarray], float]:
    """Shelf-pack boxes of ``sizes`` into shelves of length ``along`` (columns when ``vertical``, else
    rows); their lower corners (from 0, 0) and the band's thickness."""
    gap = _SPACING / 2
    a, b = (1, 0) if vertical else (0, 1)  # a: along the shelf, b: across
    out = []
    pos_a = pos_b = thick = 0.0
    for size in sizes:
        sa, sb = float(size[a]), float(size[b])
        if pos_a > 0 and pos_a + sa > along:
            pos_a, pos_b, thick = 0.0, pos_b + thick + gap, 0.0
        corner = np.zeros(2)
        corner[a], corner[b] = pos_a, pos_b
        out.append(corner)
        pos_a += sa + gap
        thick = max(thick, sb)
    return out, pos_b + thick


def _pack(boxes: list[tuple[np.ndarray, np.ndarray]], xy: np.ndarray, radius: np.ndarray) -> None:
    """Shelf-pack the component boxes (sorted largest first) into rows about as long as the square
    root of their total area (no dominant component)."""
    if not boxes:
        return
    dims = [_dims(m, local, radius) for m, local in boxes]
    area = sum((d[0] + _SPACING) * (d[1] + _SPACING) for _, d in dims)
    row = max(math.sqrt(area) * 1.3, max(float(d[0]) for _, d in dims))
    corners, _ = _shelf([d[1] for d in dims], row, vertical=False)
    for (m, local), (lo, _), corner in zip(boxes, dims, corners, strict=True):
        xy[m] = local - lo + corner
