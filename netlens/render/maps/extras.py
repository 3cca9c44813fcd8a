"""Data for the viewer's focus mode and route picking: every drawn member's ties (drawn or thinned
away), the isolated members, and the hops of a highlighted path.

* :func:`neighbours` takes the :class:`~.select.Indexed` graph and the :class:`~.thin.Drawn`
  subgraph and returns, CSR-style, each drawn node's ties in the whole graph (strongest first, at
  most :data:`NBR_MAX` per node): ``offsets`` (n + 1), ``index`` (the partner's drawn number, or
  ``-(k + 1)`` for entry ``k`` of the side table ``extra`` of partners that are not drawn),
  ``weight`` (3 significant digits); ``total`` per node tells how many ties it has in all.  The
  cap keeps the CORDIS organisation map (mean degree 44) from doubling in size; the drawn ties are
  all in ``edges`` anyway.
* :func:`path_hops` takes the hop details that :func:`netlens.pipeline.map_graph` leaves in
  ``G.graph["path_hops"]`` (from :class:`netlens.analysis.paths.Hop`) and returns those of the
  highlighted path, with the drawn tie carrying each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .formats import num, text, year
from .select import Indexed
from .thin import Drawn

#: At most this many ties per member in the neighbour lists (its strongest); ``total`` has the true count.
NBR_MAX = 10
_HOP_KEYS = ("activity", "activity_id", "channel", "label", "others")


def neighbours(ix: Indexed, drawn: Drawn) -> dict[str, Any]:
    """The ``neighbours`` block of the data (see the module doc)."""
    n = drawn.n
    new_of = -np.ones(ix.n_nodes, dtype=np.int64)
    new_of[drawn.shown] = np.arange(n)
    end = np.concatenate([ix.src, ix.dst])
    other = np.concatenate([ix.dst, ix.src])
    w = np.concatenate([ix.weight, ix.weight])
    me = new_of[end]
    has = me >= 0
    me, other, w = me[has], other[has], w[has]
    id_rank = np.empty(ix.n_nodes, dtype=np.int64)
    id_rank[np.argsort(np.asarray(ix.ids, dtype=object), kind="stable")] = np.arange(ix.n_nodes)
    order = np.lexsort((id_rank[other], -w, me))  # by member, strongest first, then partner id
    me, other, w = me[order], other[order], w[order]
    total = np.bincount(me, minlength=n)
    starts = np.concatenate([[0], np.cumsum(total)[:-1]]) if n else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(me)) - np.repeat(starts, total)
    keep = rank < NBR_MAX
    me, other, w = me[keep], other[keep], w[keep]
    partner = new_of[other]
    undrawn = np.unique(other[partner < 0])
    index = np.where(partner >= 0, partner, -(np.searchsorted(undrawn, other) + 1))
    offsets = np.concatenate([[0], np.cumsum(np.bincount(me, minlength=n))]).astype(int)
    return {
        "offsets": offsets.tolist(),
        "index": index.astype(int).tolist(),
        "weight": _significant(w, 3).tolist(),
        "total": total.astype(int).tolist(),
        "max_per_node": NBR_MAX,
        "extra": {
            "id": [ix.ids[k] for k in undrawn],
            "name": [text(ix.attrs[k].get("name", ix.ids[k]), ix.ids[k]) for k in undrawn],
        },
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
