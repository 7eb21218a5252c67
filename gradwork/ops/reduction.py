"""Reductions over axes: sum, mean, var, std, max, min, logsumexp, with NumPy's `axis`/`keepdims`.

Every reduction takes x, a Tensor or array_like of any shape; `axis`, an int, a tuple of ints or
None (every axis), negative axes counting from the end; and `keepdims`. It returns a Tensor of
x's shape without the reduced axes, or with each of them as length 1 under keepdims=True.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..autograd.function import Function
from ..tensor import Tensor, as_tensor
from .broadcast import broadcast_to
from .elementwise import Exp


Axis = int | tuple[int, ...] | None


def normalize_axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    """`axis` as a sorted tuple of non-negative axes of an `ndim`-axis array.

    Parameters
    ----------
    axis : int, tuple of int or None
        Negative axes count from the end; None means every axis.
    ndim : int

    Returns
    -------
    tuple of int

    Raises
    ------
    numpy.exceptions.AxisError
        An axis out of range.
    ValueError
        A repeated axis.
    """
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for ax in axes:
        if not -ndim <= ax < ndim:
            raise np.exceptions.AxisError(f"axis {ax} is out of bounds for a tensor of {ndim} dimensions")
        out.append(int(ax) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis}")
    return tuple(sorted(out))


def _kept_shape(shape, axes):
    """`shape` with the reduced axes set to 1, as keepdims=True leaves it."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _dropped_shape(shape, axes):
    """`shape` without the reduced axes, as keepdims=False leaves it."""
    return tuple(n for i, n in enumerate(shape) if i not in axes)


class Sum(Function):
    """Sum over `axes`, times `scale` (1/N makes it the mean in one node)."""

    def __init__(self, axes, keepdims, scale=1):
        self.axes, self.keepdims, self.scale = axes, keepdims, scale

    def forward(self, a):
        self.in_shape = a.shape
        out = np.add.reduce(a, axis=self.axes, keepdims=self.keepdims)
        return out * self.scale if self.scale != 1 else out

    def backward(self, g):
        g = g.reshape(_kept_shape(self.in_shape, self.axes))
        return (broadcast_to(g * self.scale if self.scale != 1 else g, self.in_shape),)


class _Extreme(Function):
    """max or min over axes; tied extremes share the gradient equally (as `torch.amax`)."""

    reduce = None  # np.max or np.min

    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, a):
        if any(a.shape[ax] == 0 for ax in self.axes):
            raise ValueError(
                f"{type(self).__name__.lower()}() over an empty axis of a tensor of shape {a.shape}"
            )
        kept = self.reduce(a, axis=self.axes, keepdims=True)
        hits = (a == kept).astype(a.dtype)
        self.share = hits / hits.sum(axis=self.axes, keepdims=True)
        self.kept_shape = kept.shape
        return kept if self.keepdims else kept.reshape(_dropped_shape(a.shape, self.axes))

    def backward(self, g):
        return (broadcast_to(g.reshape(self.kept_shape), self.share.shape) * self.share,)


class Max(_Extreme):
    reduce = staticmethod(np.max)


class Min(_Extreme):
    reduce = staticmethod(np.min)


def sum(x: Tensor | ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Sum of the elements over `axis` (arguments and result shape as the module docstring says)."""
    x = as_tensor(x)
    return Sum(normalize_axes(axis, x.ndim), keepdims)(x)


def _count(x, axes):
    n = 1
    for ax in axes:
        n *= x.shape[ax]
    return n


def mean(x: Tensor | ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over `axis`; NaN over an empty axis."""
    x = as_tensor(x)
    axes = normalize_axes(axis, x.ndim)
    n = _count(x, axes)
    return Sum(axes, keepdims, 1 / n if n else float("nan"))(x)


def var(x: Tensor | ArrayLike, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance over `axis`: the sum of squared deviations from the mean divided by N - ddof.

    ddof=0 (the biased variance) is NumPy's and Keras's convention; `torch.var` defaults to the
    unbiased ddof=1.
    """
    x = as_tensor(x)
    axes = normalize_axes(axis, x.ndim)
    d = x - mean(x, axes, keepdims=True)
    return Sum(axes, keepdims)(d * d) / (_count(x, axes) - ddof)


def std(x: Tensor | ArrayLike, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Standard deviation over `axis`: the square root of `var` (ddof=0 biased, 1 unbiased)."""
    return var(x, axis, keepdims, ddof) ** 0.5


def max(x: Tensor | ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Largest element over `axis`; tied maxima share the gradient equally (as `torch.amax`).

    Raises ValueError over an axis of length 0.
    """
    x = as_tensor(x)
    return Max(normalize_axes(axis, x.ndim), keepdims)(x)


def min(x: Tensor | ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Smallest element over `axis`; tied minima share the gradient equally, as for `max`."""
    x = as_tensor(x)
    return Min(normalize_axes(axis, x.ndim), keepdims)(x)


def logsumexp(x: Tensor | ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """log(sum(exp(x))) over `axis`, shifted by the maximum so it never overflows; -inf over an empty axis."""
    x = as_tensor(x)
    axes = normalize_axes(axis, x.ndim)
    if x.size:
        shift = np.max(x.data, axis=axes, keepdims=True)
        shift = np.where(np.isfinite(shift), shift, 0)
    else:  # np.max has no identity; the sum of no terms is 0 and its log -inf, as in PyTorch
        shift = np.zeros(_kept_shape(x.shape, axes), dtype=x.dtype)
    out = Sum(axes, True)(Exp()(x - shift)).log() + shift
    return out if keepdims else out.reshape(_dropped_shape(x.shape, axes))
