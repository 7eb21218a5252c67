"""RMS and group normalization and p-norm normalization, composed from differentiable operations (so
every order of derivative comes for free): group normalization is the layer-norm kernel on a grouped
view."""

from __future__ import annotations

from collections.abc import Sequence

from numpy.typing import ArrayLike

from ...tensor import Tensor, as_tensor
from ..elementwise import where
from .layer_norm import layer_norm


def _along(param: Tensor | ArrayLike, shape: tuple[int, ...], axes: Sequence[int]) -> Tensor:
    """`param` (sizes of x's `axes`) reshaped to broadcast against an array of `shape`."""
    return as_tensor(param).reshape(tuple(n if i in axes else 1 for i, n in enumerate(shape)))


def rms_norm(x: Tensor | ArrayLike, axes: Sequence[int], weight: Tensor | ArrayLike | None, eps: float) -> Tensor:
    """x / sqrt(mean(x^2) + eps) * weight, the mean taken per sample over `axes` (no centring).

    Parameters
    ----------
    x : Tensor or array_like, any shape
    axes : sequence of int
        Non-negative axes, increasing.
    weight : Tensor or array_like, shape tuple(x.shape[a] for a in axes), or None (1)
    eps : float

    Returns
    -------
    Tensor, same shape as x
    """
    x = as_tensor(x)
    axes = tuple(axes)
    out = x * ((x * x).mean(axis=axes, keepdims=True) + eps) ** -0.5
    return out if weight is None else out * _along(weight, x.shape, axes)


def group_norm(x: Tensor | ArrayLike, groups: int, axis: int, weight: Tensor | ArrayLike | None,
               bias: Tensor | ArrayLike | None, eps: float) -> Tensor:
    """Split the channels on `axis` into `groups` consecutive groups and normalize each sample's group
    (its channels and every axis but the batch axis 0) to zero mean and unit biased variance; then
    y = normalized * weight + bias per channel.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, ...) with C channels on `axis`
    groups : int
        Divides C.
    axis : int
        The non-negative channel axis, >= 1.
    weight, bias : Tensor or array_like, shape (C,), or None
    eps : float
        Added to the variance.

    Returns
    -------
    Tensor, same shape as x
    """
    x = as_tensor(x)
    channels = x.shape[axis]
    grouped = x.reshape(x.shape[:axis] + (groups, channels // groups) + x.shape[axis + 1:])
    reduce = tuple(i for i in range(1, grouped.ndim) if i != axis)
    out = layer_norm(grouped, reduce, None, None, eps).reshape(x.shape)
    if weight is not None:
        out = out * _along(weight, x.shape, (axis,))
    if bias is not None:
        out = out + _along(bias, x.shape, (axis,))
    return out


def normalize(x: Tensor | ArrayLike, p: float, axes: Sequence[int] | None, eps: float) -> Tensor:
    """x / max(||x||_p, eps), the p-norm taken over `axes` (None: all of them).

    Where the norm is at most eps (a zero vector) the norm is not taken: x is divided by eps, so the
    gradient stays finite there (eps^-1), as PyTorch's.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    p : float > 0
    axes : sequence of int or None
    eps : float > 0
        The smallest norm divided by.

    Returns
    -------
    Tensor, same shape as x
    """
    x = as_tensor(x)
    powered = x * x if p == 2 else abs(x) ** p
    total = powered.sum(axis=None if axes is None else tuple(axes), keepdims=True)
    large = total.data > eps ** p
    norm = where(large, total, 1.0) ** (1.0 / p)
    return x / where(large, norm, eps)
