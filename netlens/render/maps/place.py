"""Stage 3, place: pixel positions of the drawn nodes.

:func:`positions` takes the :class:`~.thin.Drawn` subgraph, the node radii (from
:func:`.style.node_sizes`, so that the layout leaves room for every disc), the seed and, in geo
mode, the nodes' coordinates; it returns a :class:`Placement`.

* Network mode: igraph Fruchterman–Reingold per connected component (seeded; grid variant above
  300 nodes), components scaled to about ``_SPACING * sqrt(size)`` pixels and shelf-packed in
  rows, largest first, isolated members in a compact grid.
* Geo mode: Web-Mercator positions (members sharing a location spread on a small spiral) and the
  Natural Earth 1:110m country outlines and a 10° graticule around them.
"""

from __future__ import annotations

import dataclasses
import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from .thin import Drawn

_MERCATOR_MAX_LAT = 85.0
_SPACING = 70.0  # pixels per node: a component of c nodes spans about _SPACING * sqrt(c)


@dataclasses.dataclass(frozen=True)
class Placement:
    """Positions of the drawn nodes (``xy``: n × 2 pixels) and, in geo mode, the outlines."""

    xy: np.ndarray
    outlines: dict[str, Any] | None  # {"arcs", "graticule", "source"}; flat x, y pixel lists


def positions(drawn: Drawn, latlon: dict[int, tuple[float, float]], *, geo: bool, seed: int, radius: np.ndarray) -> Placement:
    """Geo positions when ``geo`` (``latlon`` is keyed by Indexed position), otherwise the seeded layout."""
    if geo:
        xy, outlines = _geo_positions([latlon[int(i)] for i in drawn.shown], drawn.ids)
        return Placement(xy=xy, outlines=outlines)
    return Placement(xy=_layout(drawn.n, drawn.src, drawn.dst, drawn.weight, seed, radius), outlines=None)


def span(xy: np.ndarray) -> float:
    """The larger side of the positions' bounding box (0 for fewer than two nodes)."""
    if len(xy) < 2:
        return 0.0
    return float(np.ptp(xy, axis=0).max())


# ----------------------------------------------------------------------------------------------
# network layout


def _layout(n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray, seed: int, radius: np.ndarray) -> np.ndarray:
    """Pixel positions: each connected component laid out on its own, then packed (see the module doc)."""
    xy = np.zeros((n, 2))
    if n <= 1:
        return xy
    import igraph as ig  # heavy import, only when a layout is needed

    from netlens.analysis._igraph import seeded

    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist() if len(src) else [])
    weighted = False
    if len(w):
        med = float(np.median(w[w > 0])) if (w > 0).any() else 1.0
        g.es["w"] = np.clip(np.sqrt(np.clip(w, 0, None) / med), 0.25, 4.0).tolist()
        weighted = True
    comps = sorted((sorted(c) for c in g.connected_components()), key=lambda c: (-len(c), c[0]))
    boxes: list[tuple[np.ndarray, np.ndarray]] = []  # (member indices, local positions)
    singles: list[int] = []
    with seeded(seed):  # igraph's RNG = random.Random(seed) for the duration
        for comp in comps:
            if len(comp) == 1:
                singles.append(comp[0])
            else:
                boxes.append((np.asarray(comp), _component(g, comp, weighted, radius)))
    if singles:
        boxes.append((np.asarray(singles), _grid(len(singles), float(radius[singles].max()))))
    _pack(boxes, xy, radius)
    xy -= (xy.min(axis=0) + xy.max(axis=0)) / 2
    return xy


def _component(g: Any, comp: list[int], weighted: bool, radius: np.ndarray) -> np.ndarray:
    """Local positions (centred) of one connected component of at least two nodes."""
    if len(comp) == 2:
        half = max(_SPACING, float(radius[np.asarray(comp)].sum()) + 10.0) / 2
        return np.array([[-half, 0.0], [half, 0.0]])
    sub = g.induced_subgraph(comp, implementation="create_from_scratch")
    sw = sub.es["w"] if weighted else None
    lay = sub.layout_fruchterman_reingold(weights=sw, niter=500, grid=len(comp) > 300)
    local = np.asarray(lay.coords, dtype=np.float64)
    local -= local.mean(axis=0)
    ext = float(np.ptp(local, axis=0).max())
    if ext > 0:
        local *= _SPACING * math.sqrt(len(comp)) / ext
    return local


def _grid(count: int, max_radius: float) -> np.ndarray:
    """Local positions (centred) of ``count`` isolated nodes in a square grid."""
    side = math.ceil(math.sqrt(count))
    step = max(_SPACING * 0.6, 2.0 * max_radius + 10.0)
    local = np.array([[(k % side) * step, (k // side) * step] for k in range(count)])
    return local - local.mean(axis=0)  # type: ignore[no-any-return]


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


# ----------------------------------------------------------------------------------------------
# geographic positions


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
    _spread_shared(px, py, ids)
    xy = np.column_stack([px, py]) if n else np.zeros((0, 2))
    lon0, lon1 = float(ll[:, 1].min()), float(ll[:, 1].max())
    lat0, lat1 = float(ll[:, 0].min()), float(ll[:, 0].max())
    pad_lon = max(10.0, (lon1 - lon0) * 0.5)
    pad_lat = max(8.0, (lat1 - lat0) * 0.5)
    box = (lon0 - pad_lon, lon1 + pad_lon, lat0 - pad_lat, lat1 + pad_lat)
    return xy, _outlines(box, scale)


def _spread_shared(px: np.ndarray, py: np.ndarray, ids: list[str]) -> None:
    """Members sharing a location (organisations of one city) are spread on a small spiral (in place)."""
    groups: dict[tuple[float, float], list[int]] = {}
    for i in range(len(px)):
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


@lru_cache(maxsize=1)
def _world_arcs() -> tuple[np.ndarray, ...]:
    raw = resources.files("netlens").joinpath("assets", "countries-110m.json").read_text(encoding="utf-8")
    topo = json.loads(raw)
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
    return {"arcs": arcs, "graticule": _graticule(box, scale), "source": "Natural Earth 1:110m via world-atlas 2.0.2"}


def _graticule(box: tuple[float, float, float, float], scale: float) -> list[list[float]]:
    """Meridians, then parallels, every 10° over the box (within ±80° latitude)."""
    lon0, lon1, lat0, lat1 = box
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
    return grat


def _flat(x: np.ndarray, y: np.ndarray) -> list[float]:
    out: list[float] = []
    for a, b in zip(np.round(x, 1).tolist(), np.round(y, 1).tolist(), strict=False):
        if len(out) >= 2 and out[-2] == a and out[-1] == b:
            continue
        out.extend((a, b))
    return out
