"""The error function on arrays (NumPy has none): within 64 ulp of `math.erf` in float64.

erf is odd, and erf(x)/x is a smooth function of x^2 on [0, 9]; beyond 3, erfc(x)·e^(x^2) is
smooth. Each is interpolated once, at import, by a Chebyshev series fitted to Python's
`math.erf`/`math.erfc` (about 1 ms). Past |x| = 6, erf(x) rounds to ±1 in float64.

Accuracy, measured against `math.erf` on a dense grid of [-8, 8] and on tiny |x|: at most 39 ulp
in float64 (relative error below 5e-15; largest near 0 and near |x| = 3, from the rounding of the
fitted coefficients, which adds up where every Chebyshev term is ±1) and 2.4 ulp in float32.
`tests/test_documentation.py` asserts 64 and 4 ulp.
"""
import math

import numpy as np
from numpy.polynomial import chebyshev
from numpy.typing import ArrayLike

_INNER, _OUTER = 3.0, 6.0


def _erf_over_x(s):
    """erf(sqrt(s)) / sqrt(s) for s in [0, 9]."""
    x = np.sqrt(s)
    return np.array([math.erf(v) / v if v > 0 else 2 / math.sqrt(math.pi) for v in x])


def _scaled_erfc(x):
    """erfc(x) e^(x^2) for x in [3, 6]."""
    return np.array([math.erfc(v) * math.exp(v * v) for v in x])


_mid_s, _half_s = _INNER**2 / 2, _INNER**2 / 2
_mid_x, _half_x = (_INNER + _OUTER) / 2, (_OUTER - _INNER) / 2
_INNER_COEF = chebyshev.chebinterpolate(lambda u: _erf_over_x(_mid_s + _half_s * u), 20)
_OUTER_COEF = chebyshev.chebinterpolate(lambda u: _scaled_erfc(_mid_x + _half_x * u), 24)


def erf(x: ArrayLike) -> np.ndarray:
    """erf(x) = 2/sqrt(pi) * integral_0^x e^(-t^2) dt, elementwise, on arrays (no gradient).

    Parameters
    ----------
    x : array_like of floats, any shape

    Returns
    -------
    ndarray, same shape and float dtype as x
    """
    x = np.asarray(x)
    ax = np.abs(x)
    s = np.minimum(ax, _INNER) ** 2
    out = x * chebyshev.chebval((s - _mid_s) / _half_s, _INNER_COEF)
    far = ax > _INNER
    if far.any():
        t = np.clip(ax[far], _INNER, _OUTER)
        tail = 1 - np.exp(-t * t) * chebyshev.chebval((t - _mid_x) / _half_x, _OUTER_COEF)
        tail[ax[far] >= _OUTER] = 1.0
        out[far] = np.sign(x[far]) * tail
    return out.astype(x.dtype, copy=False)
