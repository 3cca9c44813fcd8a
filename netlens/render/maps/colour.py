"""Colours of the maps: the categorical palette, the path highlight, and CIEDE2000 to check them.

:data:`PALETTE` is built from two published colour-blind-safe sets — Okabe & Ito (2008), *Color
Universal Design*, and Paul Tol's *muted* and *bright* schemes (Tol 2021, *Colour Schemes*, SRON
technical note) — ordered greedily so that every prefix is as spread as possible (the first colour
goes to the most frequent category): each next colour is the one farthest, by CIEDE2000, from the
colours already taken, the greys, the page background and :data:`PATH_COLOR`.  Colours closer than
:data:`MIN_DELTA_E` to one already taken are left out.  ``tests/test_maps.py`` recomputes the
distances (and checks :func:`delta_e00` against the test pairs of Sharma, Wu & Dalal 2005).

:func:`delta_e00` implements Sharma, Wu & Dalal (2005), *The CIEDE2000 color-difference formula:
implementation notes, supplementary test data, and mathematical observations*, Color Res. Appl.
30(1), with kL = kC = kH = 1; :func:`lab` converts sRGB hex (D65) to CIELAB.
"""

from __future__ import annotations

import math
from functools import lru_cache

#: The highlighted path's colour (``assets/map.js`` draws the path in this red).
PATH_COLOR = "#d62728"
OTHER_COLOR = "#a6a6a6"  # the "other (N values)" category (ΔE00 16 from "(none)")
MISSING_COLOR = "#e6e6e6"  # "(none)"
BACKGROUND = "#ffffff"
#: Every two legend colours, and each legend colour and the path colour, differ by at least this ΔE00.
MIN_DELTA_E = 12.0

_SOURCES = (
    # Okabe & Ito (black left out: labels and borders are dark)
    "#0072b2",  # blue
    "#e69f00",  # orange
    "#009e73",  # bluish green
    "#cc79a7",  # reddish purple
    "#56b4e9",  # sky blue
    "#f0e442",  # yellow
    "#d55e00",  # vermillion
    # Paul Tol, muted
    "#332288",  # indigo
    "#88ccee",  # cyan
    "#44aa99",  # teal
    "#117733",  # green
    "#999933",  # olive
    "#ddcc77",  # sand
    "#cc6677",  # rose
    "#882255",  # wine
    "#aa4499",  # purple
    # Paul Tol, bright
    "#4477aa",  # blue
    "#66ccee",  # cyan
    "#228833",  # green
    "#ccbb44",  # yellow
    "#ee6677",  # red
    "#aa3377",  # purple
)


def lab(hex_colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour ``#rrggbb``."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124564 * lin[0] + 0.3575761 * lin[1] + 0.1804375 * lin[2]) / 0.95047
    y = 0.2126729 * lin[0] + 0.7151522 * lin[1] + 0.0721750 * lin[2]
    z = (0.0193339 * lin[0] + 0.1191920 * lin[1] + 0.9503041 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e00(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference of two CIELAB colours (Sharma et al. 2005, kL = kC = kH = 1).

    >>> round(delta_e00((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)), 4)
    2.0425
    """
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    else:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_big_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(c_bar_p**7 / (c_bar_p**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * c_bar_p
    s_h = 1 + 0.015 * c_bar_p * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_big_h / s_h) ** 2 + r_t * (dc / s_c) * (d_big_h / s_h))


def distance(c1: str, c2: str) -> float:
    """ΔE00 between two sRGB hex colours."""
    return delta_e00(lab(c1), lab(c2))


@lru_cache(maxsize=1)
def palette() -> tuple[str, ...]:
    """The categorical palette (see the module doc), most distinct colours first."""
    fixed = [PATH_COLOR, OTHER_COLOR, MISSING_COLOR, BACKGROUND]
    taken: list[str] = []
    left = list(_SOURCES)
    while left:

        def nearest(c: str) -> float:
            return min(distance(c, o) for o in taken + fixed)

        best = max(left, key=lambda c: (nearest(c), -_SOURCES.index(c)))
        if nearest(best) < MIN_DELTA_E:
            break
        taken.append(best)
        left.remove(best)
    return tuple(taken)
