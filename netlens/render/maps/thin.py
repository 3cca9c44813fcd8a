"""Stage 2, thin: the edge budget, and the drawn subgraph.

:func:`apply_budget` takes the :class:`~.select.Indexed` graph, the :class:`~.select.Selection` and the
budget ``max_edges`` and returns the :class:`Drawn` subgraph: the drawn nodes and ties renumbered
``0..n-1`` in canonical order, with what is needed to style, place and write them.

The rule (when more than ``max_edges`` candidate ties remain): each node ranks its ties by weight
(descending, ties by the other end's id); a tie is kept when it is among the ``k`` strongest of
*either* end, with ``k`` the largest number for which at most ``max_edges`` ties remain (``k`` is at
least 1, so every node keeps its strongest tie and nobody becomes isolated; then the budget may be
exceeded).  The ties of the highlighted path are always kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from .select import Indexed, Selection


@dataclasses.dataclass(frozen=True)
class Thinning:
    """The edge budget took effect: ties among the ``k`` strongest of either end are drawn."""

    k: int
    max_edges: int


@dataclasses.dataclass(frozen=True)
class Drawn:
    """The drawn subgraph; nodes are numbered by their place in ``shown``."""

    shown: np.ndarray  # positions in the Indexed graph of the drawn nodes (ascending)
    ids: list[str]
    attrs: list[Mapping[str, Any]]
    metric: np.ndarray  # size metric of the drawn nodes
    path: list[int]  # the highlighted path's nodes in drawn numbers (-1: not drawn)
    edges: np.ndarray  # edge ids in the Indexed graph of the drawn ties (ascending)
    src: np.ndarray  # ends of the drawn ties in drawn numbers
    dst: np.ndarray
    weight: np.ndarray
    edata: list[Mapping[str, Any]]  # attribute dicts of the drawn ties
    path_edges: list[int]  # positions in ``edges`` of the path's ties
    candidates: int  # ties with both ends drawn, before the budget
    thinning: Thinning | None

    @property
    def n(self) -> int:
        return len(self.shown)


def apply_budget(ix: Indexed, sel: Selection, max_edges: int | None) -> Drawn:
    """Apply the edge budget to ``sel.candidates`` and renumber the drawn subgraph."""
    edges = sel.candidates
    thinning = None
    if max_edges is not None and len(edges) > max_edges:
        edges, k = strongest_ties(edges, ix.src, ix.dst, ix.weight, ix.ids, max_edges, sel.path_edges)
        thinning = Thinning(k=int(k), max_edges=int(max_edges))
    shown = np.flatnonzero(sel.keep)
    new_of = -np.ones(ix.n_nodes, dtype=np.int64)
    new_of[shown] = np.arange(len(shown))
    path_set = set(int(p) for p in sel.path_edges)
    return Drawn(
        shown=shown,
        ids=[ix.ids[i] for i in shown],
        attrs=[ix.attrs[i] for i in shown],
        metric=sel.metric[shown],
        path=[int(new_of[p]) for p in sel.path_nodes],
        edges=edges,
        src=new_of[ix.src[edges]],
        dst=new_of[ix.dst[edges]],
        weight=ix.weight[edges],
        edata=[ix.edata[j] for j in edges],
        path_edges=[j for j, e in enumerate(edges) if int(e) in path_set],
        candidates=int(len(sel.candidates)),
        thinning=thinning,
    )


def strongest_ties(
    cand: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, ids: list[str], budget: int, forced: np.ndarray
) -> tuple[np.ndarray, int]:
    """The edge ids of ``cand`` among the ``k`` strongest edges of either end, and ``k`` (see the module doc)."""
    m = len(cand)
    s, t, w = src[cand], dst[cand], weight[cand]
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    end = np.concatenate([s, t])
    other = np.concatenate([t, s])
    ww = np.concatenate([w, w])
    order = np.lexsort((id_rank[other], -ww, end))
    sorted_end = end[order]
    starts = np.flatnonzero(np.r_[True, sorted_end[1:] != sorted_end[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    ranks = np.empty(2 * m, dtype=np.int64)
    ranks[order] = np.arange(2 * m) - group_start
    best = np.minimum(ranks[:m], ranks[m:])
    cum = np.cumsum(np.bincount(best))
    k = int(np.searchsorted(cum, budget, side="right"))  # cum[k-1] <= budget
    k = max(k, 1)
    keep = best < k
    if len(forced):
        keep |= np.isin(cand, forced)
    return cand[keep], k
