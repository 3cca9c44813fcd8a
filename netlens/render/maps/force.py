"""A seeded, vectorised ForceAtlas2-like layout of one connected component (numpy only).

:func:`forceatlas2` follows Jacomy et al. (2014), *ForceAtlas2, a continuous graph layout algorithm*
(PLoS ONE 9(6): e98679):

* **repulsion** ``k_r (deg_i + 1)(deg_j + 1) / d`` between every pair of nodes — exactly for up to
  :data:`_EXACT_MAX` nodes, above that by a particle-mesh approximation: the masses ``deg + 1`` are
  spread on a grid (cloud-in-cell), the force field is their FFT convolution with the kernel
  ``r / |r|²`` (zero-padded, so not periodic) and each node reads it back bilinearly.  That is
  O(n + G² log G) per iteration instead of O(n²) or a Barnes–Hut tree;
* **attraction** along the ties, ``w · d`` (FA2's default linear mode) with the tie weight ``w``
  (divided by its median by the caller, :func:`normalised`; clipped to 0.1–10), so that strong ties pull harder and communities
  gather into regions (the LinLog mode was tried: with this repulsion it spreads the nodes evenly);
* **strong gravity** ``k_g (deg + 1) d`` towards the centroid, so that the equilibrium radius is about
  ``sqrt(sum(deg + 1))`` whatever the size, and loosely tied parts stay near;
* the **adaptive speed** of the paper (swing and traction per node, a global speed bounded by
  ``jitter tolerance``), with the displacement of a step capped.

The start is seeded (``numpy.random.default_rng(seed)``, a disc of the equilibrium radius ``sqrt(k_r Σ(deg + 1) / k_g)``), every
operation is deterministic, so the same input and seed give the same positions bit for bit.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

_EXACT_MAX = 200  # up to this many nodes: exact pairwise repulsion (in chunks)
_ITERATIONS = 300
_KR = 1.0  # repulsion
_KG = 0.1  # gravity (strong-gravity mode): lower spreads the periphery, higher packs it evenly
_TOLERANCE = 1.0  # jitter tolerance of the adaptive speed


def forceatlas2(n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray, seed: int, iterations: int = _ITERATIONS) -> np.ndarray:
    """Positions (n × 2, arbitrary units, centred) of a connected graph with ties ``src``–``dst`` of weight ``w``.

    >>> import numpy as np
    >>> xy = forceatlas2(3, np.array([0, 1]), np.array([1, 2]), np.ones(2), seed=1)
    >>> xy.shape, bool(np.allclose(xy.mean(axis=0), 0))
    ((3, 2), True)
    """
    rng = np.random.default_rng(seed)
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.zeros((1, 2))
    deg = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    mass = deg.astype(np.float64) + 1.0
    radius = math.sqrt(_KR * float(mass.sum()) / _KG)  # where repulsion and gravity balance
    ang = rng.uniform(0, 2 * math.pi, n)
    rad = radius * np.sqrt(rng.uniform(0, 1, n))
    pos = np.column_stack([rad * np.cos(ang), rad * np.sin(ang)])
    ww = np.clip(np.asarray(w, dtype=np.float64), 0.1, 10.0)  # strong ties pull harder, within limits
    prev = np.zeros_like(pos)
    speed = 1.0
    scale = 0.05 * radius
    for it in range(iterations):
        force = _repulsion(pos, mass) + _attraction(pos, src, dst, ww) + _gravity(pos, mass)
        speed, step = _adaptive_step(force, prev, mass, speed)
        cap = scale * max(0.02, 1.0 - it / iterations)  # cooling: at most this far per step
        length = np.hypot(step[:, 0], step[:, 1])
        too_far = length > cap
        step[too_far] *= (cap / length[too_far])[:, None]
        pos = pos + step
        prev = force
    return pos - pos.mean(axis=0)  # type: ignore[no-any-return]


def normalised(w: np.ndarray) -> np.ndarray:
    """Tie weights divided by their median (of the positive ones); NaN and negative weights count as 0."""
    w = np.clip(np.nan_to_num(np.asarray(w, dtype=np.float64), nan=0.0), 0.0, None)
    positive = w[w > 0]
    med = float(np.median(positive)) if len(positive) else 1.0
    return w / med


def _attraction(pos: np.ndarray, src: np.ndarray, dst: np.ndarray, w: np.ndarray) -> np.ndarray:
    f = w[:, None] * (pos[dst] - pos[src])
    out = np.zeros_like(pos)
    for k in (0, 1):
        out[:, k] = np.bincount(src, weights=f[:, k], minlength=len(pos)) - np.bincount(dst, weights=f[:, k], minlength=len(pos))
    return out


def _gravity(pos: np.ndarray, mass: np.ndarray) -> np.ndarray:
    return -_KG * mass[:, None] * (pos - pos.mean(axis=0))  # type: ignore[no-any-return]


def _adaptive_step(force: np.ndarray, prev: np.ndarray, mass: np.ndarray, speed: float) -> tuple[float, np.ndarray]:
    """The paper's adaptive speed: a global speed from swing vs traction, a local one from each node's swing."""
    swing = np.hypot(*(force - prev).T)
    traction = np.hypot(*(force + prev).T) / 2
    g_swing = float((mass * swing).sum())
    g_traction = float((mass * traction).sum())
    target = _TOLERANCE * g_traction / g_swing if g_swing > 0 else speed
    speed = min(target, 1.5 * speed) if target > 0 else speed
    local = 0.1 * speed / (1.0 + speed * np.sqrt(swing))
    return speed, local[:, None] * force


def _repulsion(pos: np.ndarray, mass: np.ndarray) -> np.ndarray:
    if len(pos) <= _EXACT_MAX:
        return _repulsion_exact(pos, mass)
    return _repulsion_mesh(pos, mass)


def _repulsion_exact(pos: np.ndarray, mass: np.ndarray) -> np.ndarray:
    n = len(pos)
    x, y = pos[:, 0], pos[:, 1]
    out = np.zeros_like(pos)
    chunk = max(1, 1_000_000 // n)
    for a in range(0, n, chunk):
        dx = x[a : a + chunk, None] - x[None, :]  # c × n
        dy = y[a : a + chunk, None] - y[None, :]
        f = dx * dx
        f += dy * dy
        np.maximum(f, 1e-4, out=f)
        np.divide(mass[None, :], f, out=f)  # m_j / d², along (dx, dy): m_j / d in size
        out[a : a + chunk, 0] = (f * dx).sum(axis=1)
        out[a : a + chunk, 1] = (f * dy).sum(axis=1)
    return _KR * mass[:, None] * out  # type: ignore[no-any-return]


def _repulsion_mesh(pos: np.ndarray, mass: np.ndarray) -> np.ndarray:
    """Particle-mesh repulsion (see the module doc): grid of G × G cells over the bounding box."""
    n = len(pos)
    grid = int(min(160, max(48, math.ceil(math.sqrt(n)))))
    lo = pos.min(axis=0)
    ext = float(np.ptp(pos, axis=0).max()) * 1.0001 + 1e-9
    cell = ext / (grid - 1)
    u = (pos - lo) / cell  # grid coordinates in [0, grid - 1)
    i0 = np.clip(np.floor(u).astype(np.int64), 0, grid - 2)
    fr = u - i0
    rho = np.zeros(grid * grid)
    corners = ((0, 0), (1, 0), (0, 1), (1, 1))
    for dx, dy in corners:
        wgt = (fr[:, 0] if dx else 1 - fr[:, 0]) * (fr[:, 1] if dy else 1 - fr[:, 1])
        rho += np.bincount((i0[:, 0] + dx) * grid + i0[:, 1] + dy, weights=mass * wgt, minlength=grid * grid)
    kx_hat, ky_hat = _kernel(grid)
    rho_hat = np.fft.rfft2(rho.reshape(grid, grid), s=(2 * grid, 2 * grid))
    fx = np.fft.irfft2(rho_hat * kx_hat, s=(2 * grid, 2 * grid))[:grid, :grid] / cell
    fy = np.fft.irfft2(rho_hat * ky_hat, s=(2 * grid, 2 * grid))[:grid, :grid] / cell
    out = np.zeros_like(pos)
    for dx, dy in corners:
        wgt = (fr[:, 0] if dx else 1 - fr[:, 0]) * (fr[:, 1] if dy else 1 - fr[:, 1])
        ix, iy = i0[:, 0] + dx, i0[:, 1] + dy
        out[:, 0] += wgt * fx[ix, iy]
        out[:, 1] += wgt * fy[ix, iy]
    return _KR * mass[:, None] * out  # type: ignore[no-any-return]


@lru_cache(maxsize=4)
def _kernel(grid: int) -> tuple[np.ndarray, np.ndarray]:
    """FFT of the kernel ``r / |r|²`` on a 2G × 2G padded grid of unit cells (softened inside a cell);
    for cells of size ``c`` the field is this one divided by ``c``."""
    size = 2 * grid
    k = np.arange(size)
    k = np.where(k < grid, k, k - size).astype(np.float64)
    kx, ky = np.meshgrid(k, k, indexing="ij")
    r2 = np.maximum(kx**2 + ky**2, 0.25)
    kern_x, kern_y = kx / r2, ky / r2
    kern_x[0, 0] = kern_y[0, 0] = 0.0
    return np.fft.rfft2(kern_x), np.fft.rfft2(kern_y)
