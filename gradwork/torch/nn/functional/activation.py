"""PyTorch's activation functions (`F.relu`, `F.gelu`, `F.softmax`, ...) over gradwork's kernels.

Each takes a facade tensor of any shape and returns one of the same shape (softmax and
log-softmax normalise along `dim`). With `inplace=True` the result is written into the input, which
is returned, under PyTorch's rules for in-place operations (gradwork's `ops/inplace.py`): allowed on
a computed tensor, an error on a leaf that requires grad.
"""

from __future__ import annotations

import warnings

import numpy as np

from .... import activations as gw_activations
from ....nn import functional as gw_F
from ....ops import elementwise
from ....ops.nn import activations as activation_kernels
from ..._core import normalize_dim
from ...dtypes import dtype_of
from ...tensor import Tensor, as_facade, wrap
from ._inplace import result_of


def _gw(input):
    """The gradwork Tensor behind `input` (a facade tensor, or anything `torch.tensor` accepts)."""
    return as_facade(input)._t



def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0); the gradient at 0 is 0."""
    return result_of(input, inplace, "relu", gw_F.relu)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clamped into [min_val, max_val]; as PyTorch, the gradient is 1 strictly inside, 0 on the bounds and outside."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: max_val ({max_val}) must be greater than min_val ({min_val})")

    def clamped(x):
        inside = (x.data > min_val) & (x.data < max_val)
        return elementwise.where(inside, x, np.clip(x.data, min_val, max_val))
    return result_of(input, inplace, "hardtanh", clamped)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6): `hardtanh(x, 0, 6)`, as in PyTorch."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope * x."""
    return result_of(input, inplace, "leaky_relu", lambda x: gw_F.leaky_relu(x, negative_slope))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else alpha (e^x - 1)."""
    return result_of(input, inplace, "elu", lambda x: gw_F.elu(x, alpha))


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha (e^(x / alpha) - 1)): gradwork's `celu` activation."""
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0 (it divides the input)")
    return result_of(input, inplace, "celu", lambda x: gw_activations.celu(x, alpha))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalizing constants (scale 1.0507, alpha 1.6733)."""
    return result_of(input, inplace, "selu", gw_F.selu)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), exact (erf) or with approximate="tanh" the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got {approximate!r}")
    return wrap(gw_F.gelu(_gw(input), approximate))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (swish)."""
    return result_of(input, inplace, "silu", gw_F.silu)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    return result_of(input, inplace, "mish", gw_activations.mish)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e^-x)."""
    return wrap(gw_F.sigmoid(_gw(input)))


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent."""
    return wrap(gw_F.tanh(_gw(input)))


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return wrap(gw_activations.softsign(_gw(input)))


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (as PyTorch, for the same values
    and a gradient of exactly 1 there)."""
    x = _gw(input)
    scaled = x if beta == 1 else x * beta
    smooth = gw_F.softplus(scaled) if beta == 1 else gw_F.softplus(scaled) * (1.0 / beta)
    return wrap(elementwise.where(scaled.data > threshold, x, smooth))


def _softmax_dim(name: str, dim: int | None, ndim: int, stacklevel: int) -> int:
    """`dim` as an axis; None is PyTorch's deprecated implicit choice (0 for 0-, 1- and 3-d input, else 1)."""
    if dim is None:
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                      "Change the call to include dim=X as an argument.", stacklevel=stacklevel)
        dim = 0 if ndim in (0, 1, 3) else 1
    return normalize_dim(dim, ndim)


def _normalised(kernel, name, input, dim, stacklevel, dtype):
    x = _gw(as_facade(input) if dtype is None else as_facade(input).to(dtype_of(dtype)))
    return wrap(kernel(x, _softmax_dim(name, dim, x.ndim, stacklevel + 1)))


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """e^x / sum(e^x) along `dim` (input cast to `dtype` first, if given).

    Parameters
    ----------
    input : Tensor, any shape
    dim : int
        None is PyTorch's deprecated implicit choice, with its warning.
    dtype : torch dtype, optional
    """
    return _normalised(gw_F.softmax, "softmax", input, dim, _stacklevel, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """log(softmax(x)) along `dim`, computed as x - logsumexp(x); arguments as for `softmax`."""
    return _normalised(gw_F.log_softmax, "log_softmax", input, dim, _stacklevel, dtype)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else weight * x, with one learnable slope per channel (dim 1) or one for all.

    Parameters
    ----------
    input : Tensor, shape (N, C, *), or any shape when weight has one element
    weight : Tensor, shape (C,) or (1,)
    """
    x, w = _gw(input), _gw(weight)
    if w.size != 1:
        channels = x.shape[1] if x.ndim >= 2 else 1
        if w.ndim != 1 or w.size != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers "
                               f"= {w.size} and channel size = {channels}.")
        w = w.reshape((w.size,) + (1,) * (x.ndim - 2))
    elif w.ndim:
        w = w.reshape(())
    return wrap(activation_kernels.prelu(x, w))
