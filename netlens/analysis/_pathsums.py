"""Path-metric machinery behind :func:`netlens.analysis.centrality.centrality`: per-component exact/sampled plans,
betweenness, closeness and harmonic sums with their sampling errors, and eigenvector centrality.

Takes a :class:`netlens.analysis._igraph.Converted` graph with its component labels; returns numpy arrays in
vertex order. Private to the centrality module (its public names are used by it only).
"""

from __future__ import annotations

import multiprocessing
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csg
from scipy.sparse.linalg import eigsh

from netlens.analysis._igraph import Converted
from netlens.errors import UsageError

__all__ = [
    "PATH_MODES",
    "PARALLEL_MIN_NODES",
    "default_workers",
    "DEFAULT_SAMPLES",
    "DEFAULT_EXACT_LIMIT",
    "check_mode",
    "component_plan",
    "path_metrics",
    "eigenvector",
    "adjacency",
]


PATH_MODES = ("auto", "exact", "sampled", "none")

#: Source pivots per sampled component (Brandes-Pich); 128 costs ~20 s CPU on the 800k-edge CORDIS graph.
DEFAULT_SAMPLES = 128

#: A component is computed exactly when n_C * m_C <= this (~5 s CPU: igraph betweenness + scipy Dijkstra).
DEFAULT_EXACT_LIMIT = 30_000_000

_BATCHES = 20  # pivot batches used to estimate the sampling variance

#: a sampled component of at least this many members spreads its pivot batches over the workers (smaller ones:
#: starting the processes would cost more than it saves)
PARALLEL_MIN_NODES = 2000


def default_workers() -> int:
    """Processes for the pivot batches: ``NETLENS_WORKERS`` if set (1 = this process only), else every core."""
    text = os.environ.get("NETLENS_WORKERS", "").strip()
    if text:
        try:
            return max(1, int(text))
        except ValueError:
            raise UsageError(f"NETLENS_WORKERS={text!r}: expected a whole number of processes (1 or more)") from None
    return max(1, os.cpu_count() or 1)


def check_mode(name: str, value: str) -> None:
    """Refuse a path-metric mode that is not one of :data:`PATH_MODES`."""
    if value not in PATH_MODES:
        raise UsageError(f"{name}={value!r}: expected one of {', '.join(PATH_MODES)}")


def component_plan(mode: str, sizes: np.ndarray, edges: np.ndarray, samples: int, exact_limit: float) -> np.ndarray:
    """Per component: True = compute exactly, False = sample ``samples`` pivots."""
    if mode == "exact":
        return np.ones(sizes.size, dtype=bool)
    small = sizes <= samples  # sampling would visit every node anyway
    if mode == "sampled":
        return small
    exact: np.ndarray = small | (sizes.astype(float) * edges <= exact_limit)
    return exact


class _Pivots:
    """Counts the pivots done for an ``on_progress(done, total)`` callback (which may be None)."""

    def __init__(self, total: int, on_progress: Callable[[int, int], None] | None) -> None:
        self.total, self.count, self.on_progress = total, 0, on_progress
        if on_progress is not None:
            on_progress(0, total)

    def done(self, k: int) -> None:
        self.count += k
        if self.on_progress is not None:
            self.on_progress(self.count, self.total)


class _Moments:
    """Sum, and sums of batch estimates and their squares, for one sampled quantity."""

    def __init__(self, size: int) -> None:
        self.total = np.zeros(size)
        self.s1 = np.zeros(size)
        self.s2 = np.zeros(size)

    def add(self, x: np.ndarray, scale: float) -> None:
        self.total += x
        y = x * scale
        self.s1 += y
        self.s2 += y * y

    def stderr(self, batches: int, fpc: float) -> np.ndarray:
        var = (self.s2 - self.s1**2 / batches) / (batches - 1)
        return np.sqrt(np.clip(var, 0.0, None) / batches * fpc)


def path_metrics(
    c: Converted,
    memb: np.ndarray,
    sizes: np.ndarray,
    exact_bc: np.ndarray | None,
    exact_cl: np.ndarray | None,
    samples: int,
    seed: int | None,
    on_progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> dict[str, np.ndarray]:
    """Betweenness (networkx-normalised), closeness (networkx incl. Wasserman-Faust), harmonic, and their stderr.

    ``exact_bc``/``exact_cl`` hold the per-component plan (None = metric not wanted). Sampled components share
    one set of pivots for all three metrics. ``on_progress(done, total)`` is called with the pivots done out of
    all pivots of the sampled components, after each batch of pivots (not called when nothing is sampled).
    ``workers``: processes for the pivot batches of a large sampled component (the result does not depend on it).
    """
    n = c.n
    bc_on, cl_on = exact_bc is not None, exact_cl is not None
    plan_bc = exact_bc if exact_bc is not None else np.ones(sizes.size, dtype=bool)
    plan_cl = exact_cl if exact_cl is not None else np.ones(sizes.size, dtype=bool)
    out = {k: np.zeros(n) for k in ("betweenness", "closeness", "harmonic", "betweenness_se", "closeness_se", "harmonic_se")}
    raw_bc = np.zeros(n)  # igraph scale: sum over unordered pairs
    raw_bc_se = np.zeros(n)
    nontrivial = sizes[memb] > 1
    dist = (1.0 / c.weight).tolist() if c.weighted else None
    if bc_on:
        raw_bc = _exact_betweenness(c, np.flatnonzero(plan_bc[memb] & nontrivial), dist)
    A = adjacency(c, 1.0 / c.weight) if cl_on else sp.csr_array((n, n))
    if cl_on:
        _exact_closeness(c, A, np.flatnonzero(plan_cl[memb] & nontrivial), memb, sizes, out)
    sampled = (~plan_bc & bc_on) | (~plan_cl & cl_on)
    if sampled.any():
        pivots = _Pivots(samples * int(np.count_nonzero(sampled)), on_progress)
        rng = random.Random(seed)
        order = np.argsort(memb, kind="stable")
        starts = np.concatenate([[0], np.cumsum(sizes)])
        for comp in np.flatnonzero(sampled):
            members = order[starts[comp] : starts[comp + 1]]  # vertex positions in G order
            pick = np.asarray(rng.sample(range(members.size), samples), dtype=np.int64)
            do_bc = bc_on and not plan_bc[comp]
            do_cl = cl_on and not plan_cl[comp]
            _sampled_component(c, A, members, pick, dist, do_bc, do_cl, raw_bc, raw_bc_se, out, pivots.done, workers)
    _finish_path_metrics(n, raw_bc, raw_bc_se, bc_on, cl_on, out)
    return out


def _exact_betweenness(c: Converted, ex: np.ndarray, dist: list[float] | None) -> np.ndarray:
    """igraph betweenness (sum over unordered pairs) of the vertices ``ex`` from all sources of their components."""
    raw = np.zeros(c.n)
    if ex.size == c.n:
        raw = np.asarray(c.graph.betweenness(directed=False, weights=dist), dtype=float)
    elif ex.size:
        raw[ex] = np.asarray(c.graph.betweenness(directed=False, weights=dist, sources=ex.tolist()), dtype=float)[ex]
    return raw


def _exact_closeness(
    c: Converted, A: sp.csr_array, ex: np.ndarray, memb: np.ndarray, sizes: np.ndarray, out: dict[str, np.ndarray]
) -> None:
    """Exact closeness and harmonic of the vertices ``ex`` into ``out``."""
    if not ex.size:
        return
    n = c.n
    dsum, hsum = _exact_distance_sums(A, c.weighted, ex[np.argsort(memb[ex], kind="stable")], memb)
    r = sizes[memb].astype(float)
    out["closeness"] = np.where(dsum > 0, (r - 1) ** 2 / np.where(dsum > 0, dsum, 1.0) / max(n - 1, 1), 0.0)
    out["harmonic"] = hsum


def _sampled_component(
    c: Converted,
    A: sp.csr_array,
    members: np.ndarray,
    pick: np.ndarray,
    dist: list[float] | None,
    do_bc: bool,
    do_cl: bool,
    raw_bc: np.ndarray,
    raw_bc_se: np.ndarray,
    out: dict[str, np.ndarray],
    batch_done: Callable[[int], None],
    workers: int = 1,
) -> None:
    """Brandes-Pich / Eppstein-Wang estimates for one component from the pivots ``members[pick]``, written in place;
    ``batch_done(k)`` after each batch of ``k`` pivots. The batches run in ``workers`` processes when that pays."""
    n, n_c, samples = c.n, members.size, pick.size
    pivots = members[pick]
    is_pivot = np.zeros(n_c, dtype=bool)
    is_pivot[pick] = True
    scale = (n_c - 1) / (samples - is_pivot)  # networkx: (n-1)/k, or (n-1)/(k-1) for a pivot itself
    fpc = (n_c - samples) / (n_c - 1)  # sampling without replacement
    bc_m, d_m, h_m = _Moments(n_c), _Moments(n_c), _Moments(n_c)
    batches = np.array_split(pivots, min(_BATCHES, samples))
    local = np.empty(n, dtype=np.int64)
    local[members] = np.arange(n_c)
    # scipy's Dijkstra returns a dense array (igraph's distances() builds Python lists: 2x slower)
    sub = (A[members][:, members] if n_c < n else A) if do_cl else None
    job = _Job(c.graph, sub, local, members, dist, do_bc, do_cl, c.weighted)
    for batch, (x, dsum, hsum) in zip(batches, _batch_results(job, batches, workers, batch_done)):
        per = (n_c - 1) / len(batch)  # the batches are summed in their order, wherever they ran: same result
        if x is not None:
            bc_m.add(x, per)
        if dsum is not None and hsum is not None:
            d_m.add(dsum, per)
            h_m.add(hsum, per)
    nb = len(batches)
    if do_bc:
        raw_bc[members] = bc_m.total * scale
        se = bc_m.stderr(nb, fpc)
        # every batch gave the same dependency (none, or a constant one): the spread says nothing about the
        # sources no pivot stood for, so the error is unknown (NaN), not 0 (Les Misérables, 40 pivots: Cosette
        # 0.0133 "± 0", exact 0.0263)
        raw_bc_se[members] = np.where(se > 0, se, np.nan)
    if do_cl:
        total = d_m.total * scale  # estimated sum of distances to the other n_c - 1 nodes
        cl = (n_c - 1) / total * (n_c - 1) / (n - 1)
        out["closeness"][members] = cl
        out["closeness_se"][members] = cl * d_m.stderr(nb, fpc) / total
        out["harmonic"][members] = h_m.total * scale
        out["harmonic_se"][members] = h_m.stderr(nb, fpc)


@dataclass(frozen=True)
class _Job:
    """What one batch of pivots needs: the graph, the component (``members``, ``local`` positions, its distance
    matrix ``sub`` for closeness) and which sums to compute."""

    graph: Any
    sub: sp.csr_array | None
    local: np.ndarray
    members: np.ndarray
    dist: list[float] | None
    do_bc: bool
    do_cl: bool
    weighted: bool


_Sums = tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]


def _one_batch(job: _Job, batch: np.ndarray) -> _Sums:
    """The batch's dependencies (betweenness) and its distance and inverse-distance sums, over the component."""
    x = dsum = hsum = None
    if job.do_bc:
        x = np.asarray(job.graph.betweenness(directed=False, weights=job.dist, sources=batch.tolist()), dtype=float)
        x = x[job.members]
    if job.do_cl and job.sub is not None:
        d = csg.dijkstra(job.sub, directed=False, indices=job.local[batch], unweighted=not job.weighted)
        dsum = d.sum(axis=0)
        with np.errstate(divide="ignore"):
            hsum = np.where(d > 0, 1.0 / d, 0.0).sum(axis=0)
    return x, dsum, hsum


#: the job forked workers run: set just before the pool forks (the children inherit it), cleared after
_FORKED: list[tuple[_Job, list[np.ndarray]]] = []


def _forked_batch(i: int) -> tuple[int, _Sums]:
    job, batches = _FORKED[0]
    return i, _one_batch(job, batches[i])


def _batch_results(job: _Job, batches: list[np.ndarray], workers: int, batch_done: Callable[[int], None]) -> list[_Sums]:
    """:func:`_one_batch` of every batch, in batch order: in this process, or spread over ``workers`` forked
    processes (each batch is the same computation wherever it runs) when the component is large enough."""
    forking = "fork" in multiprocessing.get_all_start_methods()
    if workers <= 1 or len(batches) < 2 or job.members.size < PARALLEL_MIN_NODES or not forking:
        out = []
        for batch in batches:
            out.append(_one_batch(job, batch))
            batch_done(len(batch))
        return out
    results: list[_Sums | None] = [None] * len(batches)
    _FORKED[:] = [(job, batches)]
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(batches))) as pool:
            for i, sums in pool.imap_unordered(_forked_batch, range(len(batches))):
                results[i] = sums
                batch_done(len(batches[i]))
    finally:
        _FORKED.clear()
    return [r for r in results if r is not None]


def _finish_path_metrics(
    n: int, raw_bc: np.ndarray, raw_bc_se: np.ndarray, bc_on: bool, cl_on: bool, out: dict[str, np.ndarray]
) -> None:
    """networkx normalisation of betweenness; NaN for the metrics not wanted."""
    if n > 2:
        norm = 2.0 / ((n - 1) * (n - 2))  # networkx normalized=True, undirected
        out["betweenness"] = raw_bc * norm
        out["betweenness_se"] = raw_bc_se * norm
    if not bc_on:
        out["betweenness"][:] = np.nan
        out["betweenness_se"][:] = np.nan
    if not cl_on:
        for k in ("closeness", "harmonic", "closeness_se", "harmonic_se"):
            out[k][:] = np.nan


def _exact_distance_sums(
    A: sp.csr_array, weighted: bool, nodes: np.ndarray, memb: np.ndarray, cells: int = 1 << 22
) -> tuple[np.ndarray, np.ndarray]:
    """Sum of distances and of inverse distances from every node in ``nodes`` (grouped by component) to its component.

    Components are packed into groups of >= 2048 nodes; each group's Dijkstra output is produced in row blocks
    of at most ``cells`` entries, so memory stays bounded for one huge or many tiny components.
    """
    n = A.shape[0]
    dsum, hsum = np.zeros(n), np.zeros(n)
    comp = memb[nodes]
    ends = np.flatnonzero(np.diff(comp)) + 1  # component boundaries within ``nodes``
    bounds = [0]
    for end in [*ends.tolist(), nodes.size]:
        if end - bounds[-1] >= 2048 or end == nodes.size:
            bounds.append(end)
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        group = nodes[lo:hi]
        sub = A[group][:, group]
        step = max(1, cells // group.size)
        for start in range(0, group.size, step):
            rows = np.arange(start, min(start + step, group.size))
            d = csg.dijkstra(sub, directed=False, indices=rows, unweighted=not weighted)
            reach = np.isfinite(d) & (d > 0)
            dsum[group[rows]] = np.where(reach, d, 0.0).sum(axis=1)
            with np.errstate(divide="ignore"):
                hsum[group[rows]] = np.where(reach, 1.0 / d, 0.0).sum(axis=1)
    return dsum, hsum


def adjacency(c: Converted, values: np.ndarray | None = None) -> sp.csr_array:
    """The symmetric weighted adjacency matrix of ``c`` (edge weights, or ``values`` per edge)."""
    v = c.weight if values is None else values
    return sp.csr_array(
        (np.concatenate([v, v]), (np.concatenate([c.src, c.dst]), np.concatenate([c.dst, c.src]))), shape=(c.n, c.n)
    )


def eigenvector(c: Converted, memb: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """networkx eigenvector centrality: the limit of power iteration on (A+I) from the all-ones vector, unit L2 norm.

    For a connected graph this is the Perron vector of the weighted adjacency matrix. For a disconnected graph
    the limit is concentrated on the component(s) with the largest eigenvalue (others get 0); components with an
    equal largest eigenvalue share it in proportion to the sum of their Perron vector, as the iteration does.
    """
    n = c.n
    if n == 0:
        return np.zeros(0)
    W = adjacency(c)
    strength = np.asarray(W.sum(axis=1)).ravel()
    bound = np.zeros(sizes.size)  # Perron root <= max row sum
    np.maximum.at(bound, memb, strength)
    order = np.argsort(memb, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    best = -1.0
    chosen: list[tuple[np.ndarray, np.ndarray]] = []
    for comp in np.argsort(-bound, kind="stable"):
        if chosen and bound[comp] < best * (1 - 1e-9):
            break
        members = order[starts[comp] : starts[comp + 1]]
        if members.size == 1:
            lam, vec = 0.0, np.ones(1)
        else:
            sub = W[members][:, members]
            if members.size <= 400:
                vals, vecs = np.linalg.eigh(sub.toarray())
                lam, vec = float(vals[-1]), vecs[:, -1]
            else:
                vals, vecs = eigsh(sub, k=1, which="LA", v0=np.ones(members.size), tol=0)
                lam, vec = float(vals[0]), vecs[:, 0]
            vec = np.abs(vec) / np.linalg.norm(vec)
        if lam > best * (1 + 1e-9) + 1e-300:
            best, chosen = lam, [(members, vec)]
        elif lam >= best * (1 - 1e-9):
            chosen.append((members, vec))
    x = np.zeros(n)
    for members, vec in chosen:
        x[members] = vec * vec.sum()
    return x / np.linalg.norm(x)
