"""Text renderings shared by the CLI: tables as aligned text / CSV / JSON, store summaries, load reports."""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from netlens.store import LoadResult, StoreInfo

__all__ = ["FORMATS", "render_frame", "format_info", "format_load", "to_jsonable"]

FORMATS = ("table", "csv", "json")


def to_jsonable(v: Any) -> Any:
    """Plain JSON value for ``v`` (dates as ISO strings, NaN as null, numpy scalars unwrapped)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if hasattr(v, "iso_format"):  # neo4j.time types
        return v.iso_format()
    if isinstance(v, dict):
        return {str(k): to_jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [to_jsonable(x) for x in v]
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


def _cell(v: Any) -> str:
    v = to_jsonable(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list):
        return ";".join(_cell(x) for x in v)
    return str(v)


def render_frame(frame: pd.DataFrame, fmt: str = "table", *, index: bool = True) -> str:
    """Render ``frame`` as an aligned text table, CSV or JSON records (a list of objects).

    Examples
    --------
    >>> ids = pd.Index(["rijeka", "nantes"], name="id")
    >>> df = pd.DataFrame({"name": ["Rijeka", "Nantes"], "pagerank": [0.25, 0.125]}, index=ids)
    >>> print(render_frame(df))
    id      name    pagerank
    rijeka  Rijeka  0.25
    nantes  Nantes  0.125
    >>> print(render_frame(df, "json"))
    [
      {"id": "rijeka", "name": "Rijeka", "pagerank": 0.25},
      {"id": "nantes", "name": "Nantes", "pagerank": 0.125}
    ]
    """
    if index and frame.index.name is not None:
        frame = frame.reset_index()
    if fmt == "csv":
        out = frame.copy()
        for c in out.columns:
            out[c] = [_cell(v) for v in out[c]]
        return str(out.to_csv(index=False)).rstrip("\n")
    if fmt == "json":
        records = [{str(k): to_jsonable(v) for k, v in r.items()} for r in frame.to_dict("records")]
        if not records:
            return "[]"
        return "[\n" + ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in records) + "\n]"
    cols = [str(c) for c in frame.columns]
    cells = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def format_info(info: StoreInfo) -> str:
    """The text ``netlens info`` prints."""
    if not info.exists:
        return f"{info.description}: empty (nothing loaded yet; run netlens load PATH)"
    lines = [info.description, "nodes:"]
    lines += [f"  {label:<15}{n:>9,}" for label, n in info.nodes.items()]
    lines.append("relationships:")
    lines += [f"  {rel:<15}{n:>9,}" for rel, n in info.relationships.items()]
    span = info.span
    lines.append(f"time span: {span[0].isoformat()} .. {span[1].isoformat()}" if span else "time span: (no dates)")
    countries = info.countries
    shown = ", ".join(countries[:40]) + (f", … (+{len(countries) - 40})" if len(countries) > 40 else "")
    lines.append(f"countries ({len(countries)}): {shown}")
    return "\n".join(lines)


def format_load(counts: LoadResult, tables: Mapping[str, pd.DataFrame], description: str) -> str:
    """The text ``netlens load`` prints: rows read per table and what the store gained."""
    read = ", ".join(f"{name} {len(df):,}" for name, df in tables.items() if len(df))
    created_n = counts.nodes_created
    created_r = counts.relationships_created
    secs = counts.seconds_ms / 1000
    return (
        f"read: {read}\n"
        f"loaded into {description} in {secs:.1f} s: {created_n:,} nodes and {created_r:,} relationships created"
        + (" (nothing new: already loaded)" if created_n == 0 and created_r == 0 else "")
    )
