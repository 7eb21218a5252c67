"""Random draws that initializers share: a truncated normal and a (semi-)orthogonal matrix.

Keras's initializers (`gradwork.initializers`) and PyTorch's (`gradwork.torch.nn.init`) differ in
layouts and defaults, not in these draws, so both take them from here with the generator they
were given.
"""

import math

import numpy as np

# Below this probability mass inside the bounds, redrawing normals that fall outside is slow (a
# narrow or far-out interval); uniform proposals accepted by the normal density are used instead.
_NORMAL_PROPOSALS_MIN_MASS = 0.3
_TAIL_WIDTH = 10.0


def _standard_normal_mass(low: float, high: float) -> float:
    """P(low <= Z <= high) for a standard normal Z."""
    return 0.5 * (math.erf(high / math.sqrt(2)) - math.erf(low / math.sqrt(2)))


def truncated_normal(rng: np.random.Generator, shape: tuple[int, ...], low: float = -2.0,
                     high: float = 2.0) -> np.ndarray:
    """Standard normal draws conditioned on low <= z <= high (bounds in standard deviations).

    With most of the mass inside (Keras's [-2, 2]) the draws outside are redrawn until none remain;
    otherwise (PyTorch's method for a narrow or far-out interval) each value is a uniform draw in
    [low, high] kept with probability density(z) / density(mode), redrawn until kept; an infinite
    bound then stops 10 past the mode (the mass beyond is below e^-50 of what is drawn).

    Parameters
    ----------
    rng : numpy Generator
    shape : tuple of int
    low, high : float
        low < high; either may be infinite.

    Returns
    -------
    ndarray of float64, shape `shape`, every value in [low, high]
    """
    if not low < high:
        raise ValueError(f"truncated_normal: the lower bound must be below the upper, got [{low}, {high}]")
    if _standard_normal_mass(low, high) > _NORMAL_PROPOSALS_MIN_MASS:
        z = rng.standard_normal(shape)
        bad = (z < low) | (z > high)
        while bad.any():
            z[bad] = rng.standard_normal(int(bad.sum()))
            bad = (z < low) | (z > high)
        return z
    mode = min(max(0.0, low), high)
    # An infinite bound of a tail is moved to 10 past the mode, where the density is below e^-50 of its peak.
    low, high = max(low, mode - _TAIL_WIDTH), min(high, mode + _TAIL_WIDTH)
    z = rng.uniform(low, high, shape)
    pending = rng.random(shape) > np.exp(0.5 * (mode * mode - z * z))  # the exponent is <= 0
    while pending.any():
        count = int(pending.sum())
        candidates = rng.uniform(low, high, count)
        z[pending] = candidates
        pending[pending] = rng.random(count) > np.exp(0.5 * (mode * mode - candidates * candidates))
    return z


def orthogonal(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """A random (semi-)orthogonal matrix: orthonormal columns if tall, orthonormal rows if wide.

    The Q factor of a standard normal matrix, its signs fixed by R's diagonal so the result is
    uniformly distributed (Haar measure).

    Parameters
    ----------
    rng : numpy Generator
    rows, cols : int

    Returns
    -------
    ndarray of float64, shape (rows, cols)
    """
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
    return q.T if rows < cols else q
