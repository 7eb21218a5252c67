"""`F.normalize`: vectors scaled to unit p-norm along a dim."""

from __future__ import annotations

from ....ops.nn import norms
from ..._core import normalize_dim
from ...tensor import Tensor, as_facade, wrap


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None) -> Tensor:
    """input / max(||input||_p, eps), the norm taken along `dim`.

    Vectors with a norm below eps are divided by eps, and their gradient is finite (the norm is taken
    of 1 there, and not used).

    Parameters
    ----------
    input : Tensor, any shape
    p : float > 0
    dim : int
    eps : float > 0

    Returns
    -------
    Tensor, same shape as input
    """
    if out is not None:
        raise TypeError("normalize: out= is not provided by gradwork.torch; use the returned tensor")
    x = as_facade(input)._t
    return wrap(norms.normalize(x, p, (normalize_dim(dim, x.ndim),) if x.ndim else None, eps))
