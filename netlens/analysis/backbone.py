"""Significance of ties: the disparity filter (Serrano, Boguñá & Vespignani 2009).

:func:`disparity_filter` takes a weighted networkx graph and returns one row per edge with its α values and
whether it belongs to the backbone; :func:`disparity` is the same test on code arrays (used by tandem strength).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

__all__ = ["disparity", "disparity_filter"]


def disparity(
    u: np.ndarray, v: np.ndarray, wt: np.ndarray, n: int, threshold: float, keep_degree_one: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The disparity test on code arrays: α from each end, their minimum and the significance flag per edge
    (edges ``u[e]``–``v[e]`` of weight ``wt[e]`` among ``n`` nodes; see :func:`disparity_filter`).
    """
    strength = np.bincount(u, weights=wt, minlength=n) + np.bincount(v, weights=wt, minlength=n)
    degree = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        pu = np.where(strength[u] > 0, wt / strength[u], 0.0)
        pv = np.where(strength[v] > 0, wt / strength[v], 0.0)
    au = np.power(np.clip(1.0 - pu, 0.0, 1.0), degree[u] - 1.0)
    av = np.power(np.clip(1.0 - pv, 0.0, 1.0), degree[v] - 1.0)
    alpha = np.minimum(au, av)
    sig = alpha < threshold
    if keep_degree_one:
        sig |= (degree[u] == 1) | (degree[v] == 1)
    return au, av, alpha, sig


def disparity_filter(
    G: nx.Graph, weight: str = "weight", *, threshold: float = 0.05, keep_degree_one: bool = False
) -> pd.DataFrame:
    """Significance of every edge against the disparity null model (Serrano, Boguñá & Vespignani 2009).

    For node i with degree k_i and strength s_i = Σ_j w_ij, the null hypothesis spreads s_i uniformly at
    random over its k_i edges; the probability of a share at least p_ij = w_ij / s_i is

        α_ij = (1 − p_ij)^(k_i − 1).

    An edge is significant when α_ij < ``threshold`` for *at least one* endpoint (as in the paper).
    A degree-1 endpoint gives no evidence (p = 1, α = 1 from its side), so such an edge is judged from its
    other endpoint only; ``keep_degree_one=True`` keeps every edge with a degree-1 endpoint instead
    (a common variant, so pendant members do not vanish from the backbone).

    Returns a DataFrame ``u, v, weight, alpha_u, alpha_v, alpha, significant`` (alpha = min of the two),
    one row per edge, with ``attrs["threshold"]``.

    Examples
    --------
    A star: hub c with weights 8, 1, 1. s_c = 10, k_c = 3: α_cx = (1 − 0.8)² = 0.04 < 0.05, α_cy = 0.9² = 0.81;
    the leaves have degree 1 (α = 1).

    >>> G = nx.Graph([("c", "x", {"weight": 8}), ("c", "y", {"weight": 1}), ("c", "z", {"weight": 1})])
    >>> df = disparity_filter(G)
    >>> for row in df[["u", "v", "alpha_u", "alpha_v", "significant"]].round(4).to_dict("records")[:2]:
    ...     print(row)
    {'u': 'c', 'v': 'x', 'alpha_u': 0.04, 'alpha_v': 1.0, 'significant': True}
    {'u': 'c', 'v': 'y', 'alpha_u': 0.81, 'alpha_v': 1.0, 'significant': False}

    References
    ----------
    .. [1] M. Á. Serrano, M. Boguñá and A. Vespignani, "Extracting the multiscale backbone of complex
       weighted networks", PNAS 106(16), 6483–6488 (2009).
    """
    nodes = list(G.nodes)
    idx = {x: i for i, x in enumerate(nodes)}
    edges = [(a, b, float(dd.get(weight, 1.0))) for a, b, dd in G.edges(data=True) if a != b]
    u = np.array([idx[a] for a, _, _ in edges], dtype=np.int64)
    v = np.array([idx[b] for _, b, _ in edges], dtype=np.int64)
    wt = np.array([x for _, _, x in edges], dtype=float)
    au, av, alpha, sig = disparity(u, v, wt, len(nodes), threshold, keep_degree_one)
    out = pd.DataFrame(
        {
            "u": [a for a, _, _ in edges],
            "v": [b for _, b, _ in edges],
            "weight": wt,
            "alpha_u": au,
            "alpha_v": av,
            "alpha": alpha,
            "significant": sig.astype(bool),
        }
    )
    out.attrs["threshold"] = threshold
    return out
