"""Stage 4, style: how the drawn nodes and ties look.

* :func:`node_sizes` takes the size metric of the drawn nodes and returns their radii (5–36 px by
  the square root of the metric; :mod:`.place` uses them too, so runs before placement).
* :func:`looks` takes the :class:`~.thin.Drawn` subgraph, the radii, the positions and the
  options ``color_by`` and ``label_top``; it returns a :class:`Style`: labelled nodes, colour
  categories (the legend), edge widths and transparency, label font range.

Colours: up to 12 categories get their own colour of the colour-blind-safe palette of
:mod:`.colour` (by frequency, ties by name: the most frequent get the most distinct colours; any
two differ by ΔE00 ≥ 12, and from the path red too), the rest share "other", missing values
"(none)"; numeric attributes with more than 12 distinct values (and a name
that does not look like a partition: community, cluster…) are binned into 6 quantile classes.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np

from netlens.errors import UsageError

from . import colour
from .formats import desc, missing, rounded, short, text
from .place import span
from .select import available
from .thin import Drawn

SIZE_RANGE = (5.0, 36.0)
# Colour-blind-safe categorical palette, most distinct first (see .colour); then "other" and "(none)".
_PALETTE = list(colour.palette())
_OTHER_COLOR = colour.OTHER_COLOR
_MISSING_COLOR = colour.MISSING_COLOR
_MISSING_BORDER = "#aaaaaa"
_SEQUENTIAL = ["#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#fde725"]
_CATEGORICAL_NAME = re.compile(r"communit|cluster|group|partition|module|block|label|id$", re.I)


@dataclasses.dataclass(frozen=True)
class Category:
    """One legend entry."""

    label: str
    color: str
    border: str
    count: int


@dataclasses.dataclass(frozen=True)
class Style:
    """Looks of the drawn subgraph; node and edge lists are in drawn order."""

    sizes: list[float]  # node radii (px)
    labelled: list[int]  # nodes whose name is drawn, ascending
    categories: list[Category]
    cat_of: list[int]  # category of each node
    widths: np.ndarray  # edge widths (px)
    edge_alpha: float
    font: dict[str, float]  # {"min", "max"} label font size in layout units


def node_sizes(m: np.ndarray) -> list[float]:
    """Radii by the square root of the metric's place between its minimum and maximum (NaN: smallest)."""
    lo, hi = SIZE_RANGE
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


def looks(
    drawn: Drawn,
    all_attrs: list[Mapping[str, Any]],
    sizes: list[float],
    xy: np.ndarray,
    *,
    color_by: str,
    label_top: int,
    geo: bool = False,
) -> Style:
    """Labels, categories, widths and font for ``drawn``; ``all_attrs`` (every node of the graph)
    tells an unknown ``color_by`` from one that no drawn node has."""
    cats, cat_of = _categories(drawn.attrs, color_by, all_attrs)
    n_edges = len(drawn.edges)
    return Style(
        sizes=sizes,
        labelled=_labelled(drawn, label_top),
        categories=cats,
        cat_of=cat_of,
        widths=_edge_widths(drawn.weight),
        edge_alpha=_edge_alpha(n_edges, geo),
        font=_font(xy),
    )


def _edge_alpha(n_edges: int, geo: bool) -> float:
    """Tie opacity: fainter the more ties; over a geographic map fainter still, so the map shows through."""
    alpha = 0.45 if n_edges <= 2000 else 0.25 if n_edges <= 20000 else 0.15
    return min(alpha, 0.2) if geo else alpha


def _labelled(drawn: Drawn, label_top: int) -> list[int]:
    """The ``label_top`` largest nodes by metric (ties by id) and the drawn nodes of the path."""
    m = drawn.metric
    lab_order = sorted(range(drawn.n), key=lambda j: (desc(float(m[j])), drawn.ids[j]))
    labelled = set(lab_order[:label_top])
    labelled.update(p for p in drawn.path if p >= 0)
    return sorted(labelled)


def _edge_widths(w: np.ndarray) -> np.ndarray:
    """1..7 px by the square root of the weight's place between the weakest and the strongest drawn
    tie (all 1.5 px when every weight is the same)."""
    if len(w) and float(np.ptp(w)) > 0:
        return 1.0 + 6.0 * np.sqrt((w - w.min()) / float(np.ptp(w)))  # type: ignore[no-any-return]
    return np.full(len(w), 1.5)


def _font(xy: np.ndarray) -> dict[str, float]:
    """Label font range that reads as 13–24 px when the layout is fitted into about 1000 px."""
    extent = span(xy)
    fit = 1000.0 / extent if extent > 0 else 1.0
    return {"min": rounded(13.0 / fit, 1), "max": rounded(24.0 / fit, 1)}


# ----------------------------------------------------------------------------------------------
# colour categories


def _categories(
    attrs: list[Mapping[str, Any]], color_by: str, all_attrs: list[Mapping[str, Any]]
) -> tuple[list[Category], list[int]]:
    _check_color_by(color_by, attrs, all_attrs)
    raw = [a.get(color_by) for a in attrs]
    if _quantitative(raw, color_by):
        return _binned(raw, color_by)
    return _ranked(raw, color_by)


def _check_color_by(color_by: Any, attrs: list[Mapping[str, Any]], all_attrs: list[Mapping[str, Any]]) -> None:
    """``color_by`` must name an attribute of some node (any node of the graph), except ``"kind"``."""
    if not isinstance(color_by, str):
        raise UsageError(f"color_by must be an attribute name, got {color_by!r}")
    present = any(color_by in a for a in attrs) or any(color_by in a for a in all_attrs)
    if not present and color_by != "kind":
        hint = " (compute communities first)" if color_by == "community" else ""
        raise UsageError(
            f"color_by={color_by!r}: no node has this attribute{hint} (available: {', '.join(available(attrs)) or 'none'})"
        )


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _quantitative(raw: list[Any], key: str) -> bool:
    """Every present value is a finite number, more distinct ones than colours, and the name is not a partition's."""
    numeric = [v for v in raw if _is_number(v) and math.isfinite(float(v))]
    if _CATEGORICAL_NAME.search(key) or not numeric:
        return False
    return len(numeric) == sum(v is not None for v in raw) and len(set(numeric)) > len(_PALETTE)


def _ranked(raw: list[Any], key: str) -> tuple[list[Category], list[int]]:
    """One colour for each of the most frequent values, "other" and "(none)" for the rest."""
    values = [None if missing(v) else text(v, "") for v in raw]
    counts = Counter(v for v in values if v is not None)
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    own = ranked[: len(_PALETTE)]
    cats = _own_colours(own, counts, _numeric_texts(raw), key)
    rest = ranked[len(own) :]
    other_i = _append(cats, f"other ({len(rest)} values)", _OTHER_COLOR, _darker(_OTHER_COLOR), sum(counts[k] for k in rest))
    missing_i = _append(cats, "(none)", _MISSING_COLOR, _MISSING_BORDER, sum(v is None for v in values))
    slot = {k: i for i, k in enumerate(own)}
    cat_of = [missing_i if v is None else slot.get(v, other_i) for v in values]
    return cats, cat_of


def _numeric_texts(raw: list[Any]) -> set[str]:
    return {text(v, "") for v in raw if _is_number(v)}


def _own_colours(own: list[str], counts: Counter[str], numeric: set[str], key: str) -> list[Category]:
    """Categories of the palette, in rank order; numbers are labelled "community 3", not "3"."""
    cats = []
    for i, k in enumerate(own):
        label = f"{key} {k}" if k in numeric else k
        cats.append(Category(label=label, color=_PALETTE[i], border=_darker(_PALETTE[i]), count=counts[k]))
    return cats


def _append(cats: list[Category], label: str, color: str, border: str, count: int) -> int:
    """Add a category when it has members; its index, or -1."""
    if not count:
        return -1
    cats.append(Category(label=label, color=color, border=border, count=count))
    return len(cats) - 1


def _binned(raw: list[Any], key: str) -> tuple[list[Category], list[int]]:
    """Six quantile classes on the sequential palette (fewer when quantiles coincide), then "(none)"."""
    vals = np.array([np.nan if missing(v) else float(v) for v in raw])
    finite = vals[~np.isnan(vals)]
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, len(_SEQUENTIAL) + 1)))
    nb = max(len(edges) - 1, 1)
    heads: list[tuple[str, str, str]] = []  # (label, colour, border) of each category
    for b in range(nb):
        lo, hi = edges[b], edges[min(b + 1, len(edges) - 1)]
        colour = _SEQUENTIAL[round(b * (len(_SEQUENTIAL) - 1) / max(nb - 1, 1))]
        heads.append((f"{key} {short(lo)}–{short(hi)}", colour, _darker(colour)))
    cat_of: list[int] = []
    missing_i = -1
    for v in vals:
        if np.isnan(v):
            if missing_i < 0:
                missing_i = len(heads)
                heads.append(("(none)", _MISSING_COLOR, _MISSING_BORDER))
            cat_of.append(missing_i)
            continue
        cat_of.append(int(np.clip(np.searchsorted(edges, v, side="right") - 1, 0, nb - 1)))
    counts = Counter(cat_of)
    cats = [Category(label=label, color=c, border=b, count=counts.get(i, 0)) for i, (label, c, b) in enumerate(heads)]
    return cats, cat_of


def _darker(hex_colour: str, f: float = 0.7) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"#{int(r * f):02x}{int(g * f):02x}{int(b * f):02x}"
