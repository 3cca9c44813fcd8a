"""Plain values: the one place that decides what "missing" means and turns pandas/numpy/driver values into Python.

Every reader, store, renderer and exporter goes through these functions, so a value looks the same wherever it
ends up (a Cypher parameter, a JSON cell, a GraphML attribute, a map tooltip).

- :func:`is_missing`: ``None``, ``NaN``, ``pd.NA`` and ``NaT`` (not the empty string: that is a value).
- :func:`plain`: numpy scalars unwrapped, missing values as ``None``, timestamps as dates, lists element-wise.
- :func:`plain_column`: :func:`plain` over a whole column, vectorised for numeric dtypes.
- :func:`jsonable`: a value JSON can hold (dates as ISO text, non-finite floats as ``None``).
- :func:`split_list`: a ``;``-separated cell (or an already split list) as a list of stripped, non-empty texts.
- :func:`parse_date`: strict ISO ``YYYY-MM-DD`` text to a date; :func:`as_date`: any date-like value to a date.
- :func:`number`: a float, or NaN when the value is not a number.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["is_missing", "plain", "plain_column", "jsonable", "split_list", "parse_date", "as_date", "number"]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_missing(v: Any) -> bool:
    """Is ``v`` a missing value (None, NaN, pd.NA, NaT)?

    >>> [is_missing(x) for x in (None, float("nan"), pd.NA, pd.NaT, np.float64("nan"), "", 0)]
    [True, True, True, True, True, False, False]
    """
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, (float, np.floating)):
        return math.isnan(v)
    return False


def plain(v: Any) -> Any:
    """``v`` as a plain Python value the drivers, JSON and XML writers accept; missing values become None.

    >>> plain(pd.NA), plain(pd.NaT), plain(np.int64(3)), plain(float("nan")), plain(np.bool_(True))
    (None, None, 3, None, True)
    >>> plain(pd.Timestamp("2020-01-02")), plain([np.int64(1), None])
    (datetime.date(2020, 1, 2), [1, None])
    """
    if is_missing(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, list):
        return [plain(x) for x in v]
    to_native = getattr(v, "to_native", None)  # neo4j.time.Date / DateTime
    if to_native is not None and not isinstance(v, (str, bytes)):
        native = to_native()
        return native.date() if isinstance(native, _dt.datetime) else native
    return v


def plain_column(series: pd.Series) -> list[Any]:
    """The values of ``series`` as plain Python values (:func:`plain`), vectorised for numeric columns.

    >>> plain_column(pd.Series([1.5, float("nan")])), plain_column(pd.Series([1, 2])), plain_column(pd.Series([True]))
    ([1.5, None], [1, 2], [True])
    >>> plain_column(pd.Series(["a", None, pd.NA, float("nan"), np.int64(2), [np.int64(1)]], dtype=object))
    ['a', None, None, None, 2, [1]]
    """
    kind = series.dtype.kind
    if kind == "f":
        x = series.to_numpy(dtype=float)
        return [v if ok else None for v, ok in zip(x.tolist(), np.isfinite(x).tolist())]
    if kind in "iub":
        values: list[Any] = series.tolist()
        return values
    # object columns: one vectorised missing test, and strings (most values) kept as they are
    missing = series.isna().tolist()
    return [None if m else v if type(v) is str else plain(v) for v, m in zip(series.tolist(), missing)]


def jsonable(v: Any) -> Any:
    """A plain JSON value for ``v``: dates as ISO strings, NaN/inf as None, numpy scalars unwrapped.

    >>> jsonable({"d": _dt.date(2020, 1, 2), "x": [np.float64(1.5), float("inf")], "s": {"a"}})
    {'d': '2020-01-02', 'x': [1.5, None], 's': ['a']}
    """
    if is_missing(v):
        return None
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if hasattr(v, "iso_format"):  # neo4j.time types
        return v.iso_format()
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [jsonable(x) for x in v]
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def split_list(v: Any) -> list[str]:
    """A ``;``-list cell as its items (stripped, empty ones dropped); lists pass through as texts; missing -> [].

    >>> split_list(" energy; ;mobility "), split_list(None), split_list(["a", 1]), split_list(float("nan"))
    (['energy', 'mobility'], [], ['a', '1'], [])
    """
    if v is None or is_missing(v):
        return []
    if isinstance(v, str):
        return [x.strip() for x in v.split(";") if x.strip()]
    if isinstance(v, Iterable):
        return [str(x) for x in v]
    return [str(v)]


def parse_date(text: str) -> _dt.date:
    """Strict ISO date ``YYYY-MM-DD``; raises ValueError for anything else.

    >>> parse_date("2021-03-04")
    datetime.date(2021, 3, 4)
    """
    if not _DATE_RE.match(text):
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {text!r}")
    return _dt.date.fromisoformat(text)


def as_date(v: Any) -> Any:
    """Date-like values as ``datetime.date`` (datetimes cut to their day, driver dates converted); others unchanged.

    >>> as_date(_dt.datetime(2020, 5, 6, 7, 8)), as_date(None), as_date(_dt.date(2020, 1, 1))
    (datetime.date(2020, 5, 6), None, datetime.date(2020, 1, 1))
    """
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date) or v is None:
        return v
    to_native = getattr(v, "to_native", None)  # neo4j.time.Date
    return to_native() if to_native else v


def number(v: Any) -> float:
    """``v`` as a float, NaN when it is not a number.

    >>> number("2.5"), number(None)
    (2.5, nan)
    """
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan
