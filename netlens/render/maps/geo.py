"""Geographic mode of :mod:`.place`: Web-Mercator positions, country outlines, curved ties.

* :func:`positions` takes the drawn members' (lat, lon) and ids and returns their pixel positions
  (members sharing a location spread on a small spiral), the outlines around them and the pixel
  scale.
* Outlines: Natural Earth 1:50m country borders and coastlines (``assets/countries-50m.json``,
  world-atlas 2.0.2), only the parts inside the nodes' box (padded), thinned to points at least
  :data:`_MIN_STEP` px apart, and **split at the antimeridian** (:func:`split_antimeridian`: a
  segment whose longitudes differ by more than 180° is a wrap-around, not a line across the map);
  plus a 10° graticule.
* :func:`curves` gives each tie a quadratic Bézier control point: the midpoint pushed sideways
  by :data:`_BEND` of the tie's length, always to the left of the direction from the lower to the
  higher drawn number, so that ties fan out instead of stacking on the straight line.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

_MERCATOR_MAX_LAT = 85.0
_MIN_STEP = 1.5  # px between kept outline points
_BEND = 0.18  # control point offset, as a share of the tie's length
OUTLINES_FILE = "countries-50m.json"
OUTLINES_SOURCE = "Natural Earth 1:50m via world-atlas 2.0.2"


def mercator(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = np.clip(lat, -_MERCATOR_MAX_LAT, _MERCATOR_MAX_LAT)
    x = np.radians(lon)
    y = -np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return x, y


def positions(latlon: list[tuple[float, float]], ids: list[str]) -> tuple[np.ndarray, dict[str, Any]]:
    """Pixel positions of the members and the outlines (``{"arcs", "graticule", "source"}``)."""
    ll = np.asarray(latlon, dtype=np.float64).reshape(-1, 2)
    x, y = mercator(ll[:, 0], ll[:, 1])
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
    return xy, outlines(box, scale)


def curves(xy: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Control points (m × 2 px) of the ties ``src``–``dst`` (see the module doc)."""
    a = np.minimum(src, dst)
    b = np.maximum(src, dst)
    p, q = xy[a], xy[b]
    d = q - p
    normal = np.column_stack([-d[:, 1], d[:, 0]])  # d turned 90°, as long as the tie
    return (p + q) / 2 + _BEND * normal  # type: ignore[no-any-return]


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


@lru_cache(maxsize=2)
def world_arcs(name: str = OUTLINES_FILE) -> tuple[np.ndarray, ...]:
    """The TopoJSON arcs of ``assets/NAME`` as (lon, lat) polylines."""
    raw = resources.files("netlens").joinpath("assets", name).read_text(encoding="utf-8")
    topo = json.loads(raw)
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=np.float64), axis=0)
        out.append(np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty]))  # lon, lat
    return tuple(out)


def split_antimeridian(arc: np.ndarray) -> list[np.ndarray]:
    """The pieces of a (lon, lat) polyline between its wrap-arounds (consecutive points more than 180°
    of longitude apart); pieces of one point are dropped.

    >>> [p[:, 0].tolist() for p in split_antimeridian(np.array([[170.0, 0], [179.9, 1], [-179.9, 2], [-170, 3]]))]
    [[170.0, 179.9], [-179.9, -170.0]]
    """
    if len(arc) < 2:
        return []
    cuts = np.flatnonzero(np.abs(np.diff(arc[:, 0])) > 180.0) + 1
    return [piece for piece in np.split(arc, cuts) if len(piece) >= 2]


def _inside_runs(arc: np.ndarray, box: tuple[float, float, float, float]) -> list[np.ndarray]:
    """The runs of ``arc`` inside ``box``, each with one point more on either side (so lines reach the edge)."""
    lon0, lon1, lat0, lat1 = box
    inside = (arc[:, 0] >= lon0) & (arc[:, 0] <= lon1) & (arc[:, 1] >= lat0) & (arc[:, 1] <= lat1)
    if not inside.any():
        return []
    grown = inside.copy()
    grown[:-1] |= inside[1:]
    grown[1:] |= inside[:-1]
    edges = np.flatnonzero(np.diff(np.r_[0, grown.astype(np.int8), 0]))
    return [arc[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= 2]


def outlines(box: tuple[float, float, float, float], scale: float) -> dict[str, Any]:
    arcs = []
    for arc in world_arcs():
        for piece in split_antimeridian(arc):
            for run in _inside_runs(piece, box):
                x, y = mercator(run[:, 1], run[:, 0])
                flat = _flat(x * scale, y * scale)
                if len(flat) >= 4:
                    arcs.append(flat)
    return {"arcs": arcs, "graticule": _graticule(box, scale), "source": OUTLINES_SOURCE}


def _graticule(box: tuple[float, float, float, float], scale: float) -> list[list[float]]:
    """Meridians, then parallels, every 10° over the box (within ±80° latitude)."""
    lon0, lon1, lat0, lat1 = box
    grat = []
    step = 10
    lat_lo, lat_hi = max(-80, math.floor(lat0 / step) * step), min(80, math.ceil(lat1 / step) * step)
    lon_lo, lon_hi = max(-180, math.floor(lon0 / step) * step), min(180, math.ceil(lon1 / step) * step)
    for lon in range(int(lon_lo), int(lon_hi) + 1, step):
        lats = np.linspace(lat_lo, lat_hi, 2)
        x, y = mercator(lats, np.full_like(lats, lon))
        grat.append(_flat(x * scale, y * scale))
    for lat in range(int(lat_lo), int(lat_hi) + 1, step):
        lons = np.linspace(lon_lo, lon_hi, 2)
        x, y = mercator(np.full_like(lons, lat), lons)
        grat.append(_flat(x * scale, y * scale))
    return grat


def _flat(x: np.ndarray, y: np.ndarray) -> list[float]:
    """x0, y0, x1, y1, … rounded to 0.1 px, each point at least :data:`_MIN_STEP` px from the last kept
    one (the last point always kept)."""
    out: list[float] = []
    xs, ys = np.round(x, 1).tolist(), np.round(y, 1).tolist()
    last = len(xs) - 1
    for k, (a, b) in enumerate(zip(xs, ys, strict=True)):
        if out and (abs(out[-2] - a) + abs(out[-1] - b) < _MIN_STEP and k < last or (out[-2] == a and out[-1] == b)):
            continue
        out.extend((a, b))
    return out
