"""Data for the viewer's focus mode and route picking: every drawn member's ties (drawn or thinned
away), the isolated members, and the hops of a highlighted path.

* :func:`neighbours` takes the :class:`~.select.Indexed` graph and the :class:`~.thin.Drawn`
  subgraph and returns every tie of the whole graph with at least one drawn end, drawn or thinned
  away, in a compact form (on the CORDIS organisation map: 796,670 ties in 2.7 MB, where JSON
  lists took 20 MB).  The ``n`` drawn members keep their drawn numbers; the partners that are not
  drawn are numbered ``n, n + 1, ...`` in the order of the side table ``extra`` (``id``, ``name``).
  Each tie is listed once, under its lower-numbered end (always a drawn member), rows in node
  order, partners ascending within a row; ``ties`` is their number.  Three base64 strings of
  LEB128 varints (7 bits a byte, low bits first, high bit set on every byte but a value's last):
  ``count`` (n values: the ties in each row), ``partner`` (per tie: the partner minus the previous
  partner of the row, or minus the row's node for the first), ``weight`` (per tie: a position in
  ``weights``, the distinct weights at 3 significant digits, commonest first).
  :func:`decode_neighbours` turns it back into per-member lists, as the viewer does.
* :func:`path_hops` takes the hop details that :func:`netlens.pipeline.map_graph` leaves in
  ``G.graph["path_hops"]`` (from :class:`netlens.analysis.paths.Hop`) and returns those of the
  highlighted path, with the drawn tie carrying each.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .formats import num, text, year
from .select import Indexed
from .thin import Drawn

#: The ``encoding`` of the ``neighbours`` block (the viewer reads no other).
NB_ENCODING = "delta-varint-base64/1"
_HOP_KEYS = ("activity", "activity_id", "channel", "label", "others")


def neighbours(ix: Indexed, drawn: Drawn) -> dict[str, Any]:
    """The ``neighbours`` block of the data (see the module doc): every tie with a drawn end."""
    n = drawn.n
    new_of = -np.ones(ix.n_nodes, dtype=np.int64)
    new_of[drawn.shown] = np.arange(n)
    a, b = new_of[ix.src], new_of[ix.dst]
    has = (a >= 0) | (b >= 0)
    src, dst, w = ix.src[has], ix.dst[has], ix.weight[has]
    undrawn = np.unique(np.concatenate([src[a[has] < 0], dst[b[has] < 0]]))
    num = new_of.copy()
    num[undrawn] = n + np.arange(len(undrawn))
    u, v = num[src], num[dst]
    lo, hi = np.minimum(u, v), np.maximum(u, v)  # lo is drawn: at least one end is
    order = np.lexsort((hi, lo))
    lo, hi, w = lo[order], hi[order], _significant(w[order], 3)
    first = np.ones(len(lo), dtype=bool)
    first[1:] = lo[1:] != lo[:-1]
    prev = np.where(first, lo, np.concatenate([[0], hi[:-1]]))
    values, codes, uses = np.unique(w, return_inverse=True, return_counts=True)
    by_use = np.lexsort((values, -uses))  # the commonest weights get the shortest codes
    rank = np.empty(len(values), dtype=np.int64)
    rank[by_use] = np.arange(len(values))
    return {
        "encoding": NB_ENCODING,
        "ties": len(lo),
        "count": _b64_varint(np.bincount(lo, minlength=n)[:n]),
        "partner": _b64_varint(hi - prev),
        "weight": _b64_varint(rank[codes]),
        "weights": values[by_use].tolist(),
        "extra": {
            "id": [ix.ids[k] for k in undrawn],
            "name": [text(ix.attrs[k].get("name", ix.ids[k]), ix.ids[k]) for k in undrawn],
        },
    }


def decode_neighbours(block: Mapping[str, Any], n: int) -> dict[str, Any]:
    """The ``neighbours`` block as per-node lists, as the viewer builds them: for each of the ``n``
    drawn nodes, ``offsets[i]:offsets[i+1]`` index ``index`` (the partner's drawn number, or
    ``-(k + 1)`` for entry ``k`` of ``extra``) and ``weight``, strongest first, then by partner number;
    ``total`` counts each node's ties.  For tests and for library users reading a page back."""
    if block.get("encoding") != NB_ENCODING:
        raise ValueError(f"unknown neighbours encoding {block.get('encoding')!r}")
    m = int(block["ties"])
    count = _un_b64_varint(block["count"], n)
    step = _un_b64_varint(block["partner"], m)
    weights = np.asarray(block["weights"], dtype=np.float64)
    w = weights[_un_b64_varint(block["weight"], m)] if m else np.zeros(0)
    lo = np.repeat(np.arange(n), count)
    starts = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    run = np.concatenate([[0], np.cumsum(step)])  # a partner is its row's node plus the steps so far
    hi = lo + run[1:] - np.repeat(run[starts], count)
    me = np.concatenate([lo, hi])
    other = np.concatenate([hi, lo])
    ww = np.concatenate([w, w])
    keep = me < n
    me, other, ww = me[keep], other[keep], ww[keep]
    order = np.lexsort((other, -ww, me))
    me, other, ww = me[order], other[order], ww[order]
    total = np.bincount(me, minlength=n)
    index = np.where(other < n, other, -(other - n + 1))
    return {
        "offsets": np.concatenate([[0], np.cumsum(total)]).astype(int).tolist(),
        "index": index.astype(int).tolist(),
        "weight": ww.tolist(),
        "total": total.astype(int).tolist(),
        "extra": block.get("extra", {"id": [], "name": []}),
    }


def path_hops(graph_attrs: Mapping[str, Any], drawn: Drawn) -> list[dict[str, Any]]:
    """The hops of the highlighted path (empty without one or without details that match it)."""
    raw = graph_attrs.get("path_hops")
    if not drawn.path or not isinstance(raw, Sequence) or len(raw) != len(drawn.path) - 1:
        return []
    pos = {drawn.ids[p]: p for p in drawn.path if p >= 0}
    edge_of: dict[tuple[int | None, int | None], int] = {}
    for j in drawn.path_edges:
        s, t = int(drawn.src[j]), int(drawn.dst[j])
        edge_of[(s, t)] = edge_of[(t, s)] = j
    hops = []
    for h in raw:
        if not isinstance(h, Mapping):
            return []
        a, b = pos.get(str(h.get("source"))), pos.get(str(h.get("target")))
        hop: dict[str, Any] = {
            "from": -1 if a is None else a,
            "to": -1 if b is None else b,
            "edge": edge_of.get((a, b), -1) if a is not None and b is not None else -1,
            "from_name": text(h.get("source_name"), str(h.get("source"))),
            "to_name": text(h.get("target_name"), str(h.get("target"))),
            "strength": num(h.get("strength")),
            "year": year(h.get("start")),
            "start": _iso(h.get("start")),
            "end": _iso(h.get("end")),
            "when": _iso(h.get("when")),
        }
        for k in _HOP_KEYS:
            v = h.get(k)
            hop[k] = num(v) if k == "others" else text(v, "")
        hops.append(hop)
    return hops


def _significant(v: np.ndarray, digits: int) -> np.ndarray:
    """``v`` rounded to ``digits`` significant digits (0 and non-finite values as they are)."""
    v = np.asarray(v, dtype=np.float64)
    out = v.copy()
    ok = np.isfinite(v) & (v != 0)
    mag = np.floor(np.log10(np.abs(v[ok])))
    factor = 10.0 ** (digits - 1 - mag)
    out[ok] = np.round(v[ok] * factor) / factor
    return out


def _iso(v: Any) -> str | None:
    return v.isoformat() if hasattr(v, "isoformat") else (None if v is None else text(v, ""))


def _b64_varint(values: np.ndarray) -> str:
    """Non-negative integers as LEB128 varints (7 bits a byte, low first, high bit = more), base64."""
    x = np.asarray(values, dtype=np.uint64)
    size = np.ones(len(x), dtype=np.int64)
    for shift in (7, 14, 21, 28, 35, 42, 49, 56):
        size += x >= (1 << shift)
    ends = np.cumsum(size)
    out = np.zeros(int(ends[-1]) if len(x) else 0, dtype=np.uint8)
    for k in range(int(size.max()) if len(x) else 0):
        sel = size > k
        more = (size[sel] > k + 1).astype(np.uint64) << np.uint64(7)
        out[ends[sel] - size[sel] + k] = ((x[sel] >> np.uint64(7 * k)) & np.uint64(127)) | more
    return base64.b64encode(out.tobytes()).decode("ascii")


def _un_b64_varint(data: str, count: int) -> np.ndarray:
    """The ``count`` integers :func:`_b64_varint` wrote (int64)."""
    raw = np.frombuffer(base64.b64decode(data, validate=True), dtype=np.uint8)
    last = np.flatnonzero(raw < 128)  # the last byte of each value
    if len(last) != count or (count and last[-1] != len(raw) - 1):
        raise ValueError(f"expected {count} varints in {len(raw)} bytes, found {len(last)}")
    lengths = np.diff(np.concatenate([[-1], last]))
    place = np.arange(len(raw)) - np.repeat(last - lengths + 1, lengths)  # byte k of its value
    out = np.zeros(count, dtype=np.int64)
    np.add.at(out, np.repeat(np.arange(count), lengths), (raw.astype(np.int64) & 127) << (7 * place))
    return out
