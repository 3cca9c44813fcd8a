"""How the map writes values into its JSON block: numbers to 6 significant digits, years, labels, sort keys.

Built on :mod:`netlens.values` (what counts as missing); what is particular to the map is the formatting — rounded
numbers keep the file small and byte-identical across machines, lists and sets become sorted text, empty text counts
as no value for a legend. Every stage of the package takes these helpers from this one module.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

import numpy as np

from netlens.errors import UsageError
from netlens.validation.text import INVISIBLE_RE
from netlens.values import is_missing


def missing(v: Any) -> bool:
    """Missing values (:func:`netlens.values.is_missing`) and, on a map, empty text count as no value."""
    return is_missing(v) or (isinstance(v, str) and v == "")


def value(v: Any) -> Any:
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
        return num(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if isinstance(v, (set, frozenset)):
        return sorted(str(x) for x in v)
    if isinstance(v, (list, tuple)):
        return [str(x) for x in v]
    return str(v)


def num(v: Any) -> float | int | None:
    """A number for JSON: ints stay ints, floats keep 6 significant digits, the rest is ``None``."""
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


def text(v: Any, default: str) -> str:
    """``str(v)`` without bidi controls and zero-width characters, or ``default`` when ``v`` is missing.

    Those characters (``netlens.validation.text.INVISIBLE``; validation warns about them) would show a name reversed
    or split it invisibly on the map and in its search, so the map shows the name without them.

    >>> text("\u202eRIJEKA\u202c", "?"), text(None, "?")
    ('RIJEKA', '?')
    """
    if missing(v):
        return default
    return INVISIBLE_RE.sub("", str(v))


def rounded(v: float, nd: int) -> float:
    """``v`` rounded to ``nd`` decimals, never ``-0.0``."""
    return round(float(v), nd) + 0.0  # +0.0 turns -0.0 into 0.0


def short(v: float) -> str:
    """Three significant digits, for legend labels."""
    return f"{v:.3g}"


def is_int(v: Any) -> bool:
    """A whole number (Python or numpy), not a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def weight(w: Any) -> float:
    """An edge weight as a float (non-finite weights count as 1); raises UsageError when not a number."""
    try:
        f = float(w)
    except (TypeError, ValueError):
        raise UsageError(f"edge weight must be a number, got {w!r}") from None
    return f if math.isfinite(f) else 1.0


def year(v: Any) -> int | None:
    """The year of a date, a four-digit number or a text starting with four digits."""
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


def desc(v: float) -> float:
    """Sort key: larger first, NaN last."""
    return math.inf if math.isnan(v) else -v
